// The Kubernetes watch stream, as plain functions: the chunked HTTP body is one JSON
// object per line ({"type":"ADDED","object":{...}}); chunks from the network split
// lines anywhere. line_splitter reassembles lines; parse_watch_event reads one.
//
// Contract:
//  - line_splitter::feed keeps at most max_line bytes of an unfinished line; a longer
//    line is an error (the stream must be dropped and re-opened), never unbounded memory.
//  - Empty lines are skipped. A malformed line is an error for that line only.
//  - An ERROR event carries the Status object; gone() says whether it is 410 Gone
//    ("resourceVersion too old": the caller must list again).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "adapters/common/json.hpp"
#include "adapters/common/result.hpp"

namespace fluxaws::kube {

class line_splitter {
 public:
  explicit line_splitter(std::size_t max_line = 32u << 20) : max_line_(max_line) {}
  // Appends a chunk and moves the complete lines (without "\n" or "\r\n") to `out`.
  // Returns false (and stays failed) when a line exceeds max_line.
  bool feed(std::string_view chunk, std::vector<std::string>& out);
  // Bytes of the unfinished line held.
  std::size_t pending() const { return partial_.size(); }
  bool failed() const { return failed_; }
  void reset() {
    partial_.clear();
    failed_ = false;
  }

 private:
  std::size_t max_line_;
  std::string partial_;
  bool failed_ = false;
};

struct watch_event {
  enum class type { added, modified, deleted, bookmark, error };
  type kind = type::added;
  json::value object;

  // For bookmarks and objects: metadata.resourceVersion.
  std::string resource_version() const;
  // For error events: Status.code (e.g. 410), 0 when absent.
  int status_code() const;
  bool gone() const { return kind == type::error && status_code() == 410; }
  std::string status_message() const;
};

result<watch_event> parse_watch_event(std::string_view line);

}  // namespace fluxaws::kube
