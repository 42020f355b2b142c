// Where a response body goes while it arrives: memory, or a file digested with SHA-256
// as it streams, so memory stays flat whatever the size. Both are bounded by a cap.
//
// Contract:
//  - write() refuses the bytes that would take the body past the cap (over_cap) and
//    reports write errors (io_error, see error()); after a refusal the sink stays failed.
//  - A file body goes to a temporary sibling "<path>.part-<random>"; commit() renames it
//    into place, discard() (and the destructor) removes it. A failed or aborted transfer
//    therefore never leaves partial output, and a file already at <path> stays untouched
//    until a complete body replaces it.
//  - Error messages name the file, never body content.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "adapters/common/digest.hpp"
#include "adapters/common/result.hpp"

namespace fluxaws::http {

class body_sink {
 public:
  enum class state { ok, over_cap, io_error };

  static body_sink to_memory(std::size_t cap);
  // Creates the temporary file; fails (code "io") when it cannot.
  static result<body_sink> to_file(std::string path, std::size_t cap);

  body_sink(body_sink&&) noexcept;
  body_sink& operator=(body_sink&&) noexcept;
  body_sink(const body_sink&) = delete;
  body_sink& operator=(const body_sink&) = delete;
  ~body_sink();

  state write(const char* data, std::size_t n);
  state current() const { return state_; }
  std::size_t size() const { return size_; }
  std::size_t cap() const { return cap_; }
  const std::string& error() const { return error_; }

  // Memory: hands over the body. File: closes, renames into place, fills sha256_hex.
  // Fails (code "io") if the file cannot be completed; the temporary is removed then.
  status commit(std::string& body_out, std::string& sha256_hex_out);
  // For an answer that is not a success: hands over at most `limit` bytes of the body
  // (memory, or read back from the temporary file) and removes the file, so an error
  // document never lands where the caller expected content.
  void take_error_body(std::string& body_out, std::size_t limit);
  void discard();

 private:
  body_sink() = default;
  void close_fd();

  state state_ = state::ok;
  std::size_t cap_ = 0;
  std::size_t size_ = 0;
  std::string memory_;
  std::string path_;       // final file name; empty for memory
  std::string temp_path_;  // the file being written
  int fd_ = -1;
  digest::sha256_stream sha_;
  std::string error_;
};

}  // namespace fluxaws::http
