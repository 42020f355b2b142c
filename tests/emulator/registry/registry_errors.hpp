// registry_errors.hpp — responses in the shape ECR's registry endpoint gives them.
//
// Contract: every response the front builds goes through finish(), which copies the
// request's HTTP version and keep-alive, adds Docker-Distribution-Api-Version and sets
// Content-Length to the body's size (HEAD answers set their own length and pass
// keep_length). Error bodies are the distribution format ECR uses:
//   {"errors":[{"code":"DENIED","message":"..."}]}
#pragma once

#include <string>
#include <string_view>

#include "tests/emulator/http_types.hpp"

namespace emu::registry {

std::string error_body(std::string_view code, std::string_view message);

void finish(http_response& res, const http_request& req, bool keep_length = false);

http_response error_response(const http_request& req, unsigned status, std::string_view code,
                             std::string_view message);

}  // namespace emu::registry
