// http_probe.hpp — a tiny blocking HTTP/1.1 client for the stand-in's integration
// tests: one request per connection to 127.0.0.1, plus a watch reader that decodes
// the chunked stream event by event and tells a clean end (final chunk) from a cut
// (the connection ends without it). Every wait is bounded.
#pragma once

#include <chrono>
#include <optional>
#include <string>

#include "adapters/common/json.hpp"

namespace kstand::probe {

struct reply {
  int status = 0;
  std::string content_type;
  std::string body;
  fluxaws::json::value json() const;  // null when the body is not JSON
};

reply request(unsigned short port, const std::string& method, const std::string& target, const std::string& token,
              const std::string& body = "", const std::string& content_type = "application/json",
              std::chrono::seconds timeout = std::chrono::seconds(20));

class watch_reader {
 public:
  watch_reader(unsigned short port, const std::string& target, const std::string& token);
  ~watch_reader();
  watch_reader(const watch_reader&) = delete;
  watch_reader& operator=(const watch_reader&) = delete;

  int status() const { return status_; }
  // The next event, or nullopt when the stream ended or nothing came within timeout.
  std::optional<fluxaws::json::value> next(std::chrono::milliseconds timeout);
  bool ended_cleanly() const { return clean_end_; }
  bool cut() const { return eof_ && !clean_end_; }

 private:
  bool fill(std::chrono::steady_clock::time_point deadline);  // false: EOF or timeout
  int fd_ = -1;
  int status_ = 0;
  std::string raw_;     // undecoded bytes after the header
  std::string lines_;   // decoded body bytes not yet split into lines
  bool eof_ = false, clean_end_ = false;
};

}  // namespace kstand::probe
