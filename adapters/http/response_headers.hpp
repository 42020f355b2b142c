// Collects response header lines as libcurl hands them over (one call per line,
// status line first, CRLF included, an empty line at the end of each header block).
//
// Contract: a status line ("HTTP/...") starts over, so after redirects or an interim
// "100 Continue" only the final response's headers remain. Names are lower-cased,
// values trimmed, arrival order kept. An obsolete folded line (starting with space or
// tab) is appended to the previous value. Lines without a colon are ignored.
#pragma once

#include <string_view>

#include "adapters/http/types.hpp"

namespace fluxaws::http {

class header_collector {
 public:
  void add_line(std::string_view line);
  const header_list& headers() const { return headers_; }
  header_list take() { return std::move(headers_); }

 private:
  header_list headers_;
};

}  // namespace fluxaws::http
