// Test support: parses the raw HTTP requests of the SigV4 test suites (request.txt,
// *.req) exactly as /work/shared/testdata/sigv4/README.md describes them:
//   - request line: METHOD SP target SP HTTP/1.1, where the target may hold raw spaces
//     and UTF-8, so it is split on the first space and on the last " HTTP/" (any case);
//   - header lines "Name:value" (value kept verbatim, leading blanks included); a line
//     starting with a space or tab continues the previous header (obs-fold; the newline
//     and the indentation stay in the value, SigV4 folds them);
//   - an empty line, then the body: every remaining byte, verbatim.
// CR before LF is dropped in the request line and headers (older suites use CRLF).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace fluxaws::testsupport {

struct raw_request {
  std::string method;
  std::string path;   // target before the first '?'
  std::string query;  // after it, without '?'
  std::vector<std::pair<std::string, std::string>> headers;  // wire order
  std::string body;
};

// nullopt with *error set on malformed input.
std::optional<raw_request> parse_raw_request(std::string_view text, std::string* error);

}  // namespace fluxaws::testsupport
