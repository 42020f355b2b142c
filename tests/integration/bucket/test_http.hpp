// Blocking HTTP for test code (libcurl easy): plain GETs of artifacts and admin
// endpoints, and AWS requests signed with the project's signer, sent to real AWS
// host names through connect-to rules (as the engine does) trusting a CA file.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "adapters/aws/credentials.hpp"
#include "adapters/aws/service_request.hpp"
#include "adapters/common/json.hpp"

namespace fluxaws::testing {

struct test_reply {
  long status = 0;
  std::string body;
  std::string error;  // curl's, when there was no answer
  std::map<std::string, std::string> headers;  // lower-case names (the last of a repeated one)
};

struct connection_settings {
  std::vector<std::string> connect_to;  // libcurl CONNECT_TO rules
  std::string ca_file;
};

test_reply http_get(const std::string& url, const connection_settings& conn = {});
// Any method, with header lines as sent ("Name: value"): registries, admin endpoints.
test_reply http_request(const std::string& method, const std::string& url,
                        const std::vector<std::string>& header_lines = {}, const std::string& body = "",
                        const connection_settings& conn = {});
test_reply http_post(const std::string& url, const std::string& body, const connection_settings& conn = {});
// Signs with creds now and sends.
test_reply send_signed(const aws::service_request& req, const aws::credentials& creds,
                       const connection_settings& conn);

// The emulator's fluxaws.yaml → its connect-to rules and CA.
connection_settings settings_from_emulator_config(const std::string& fluxaws_yaml);

// GET /_emulator/calls summed over entries matching every given field
// (service, operation, principal, status as text); "" matches anything.
long emulator_calls(const std::string& base_url, const std::string& service, const std::string& operation,
                    const std::string& principal = "", const std::string& status = "");

}  // namespace fluxaws::testing
