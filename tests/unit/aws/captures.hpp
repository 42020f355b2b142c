// Loads the AWS SDK captures of ${FLUXAWS_SHARED_DIR}/testdata/aws-wire (used in
// place, never copied) into plain values for the tests.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "adapters/common/json.hpp"
#include "adapters/http/types.hpp"

namespace fluxaws::test {

struct captured_request {
  std::string method;
  std::string path;  // with the query
  http::header_list headers;  // wire order and case
  std::string body;
  std::string header(std::string_view name) const;  // case-insensitive, "" when absent
};

struct capture_exchange {
  std::string name;
  captured_request request;
  http::response response;  // header names lower-cased as the HTTP client delivers them
  json::value sdk_result;
};

std::string shared_dir();
std::string read_file(const std::string& path);
// The exchanges of testdata/aws-wire/<file>.
std::vector<capture_exchange> load_capture(const std::string& file);
const capture_exchange& find_exchange(const std::vector<capture_exchange>& all, std::string_view name);
// A 200/… response with the given body (and optional headers), as the client delivers it.
http::response make_response(int status, std::string body, http::header_list headers = {});

}  // namespace fluxaws::test
