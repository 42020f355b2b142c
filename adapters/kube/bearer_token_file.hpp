// The bearer token of the Kubernetes client, re-read from its file as it rotates
// (the kubelet rewrites the projected ServiceAccount token long before it expires).
// As client-go does, the file is read at most once per refresh period, and at once
// when the API server answered 401 (invalidate()). A static token never changes.
//
// Contract: get() returns the current token or an error naming the file (never the
// token). Reads are tiny local-file reads; the clock is passed in for tests.
#pragma once

#include <chrono>
#include <string>

#include "adapters/common/result.hpp"

namespace fluxaws::kube {

class bearer_token_file {
 public:
  using clock = std::chrono::steady_clock;

  // Exactly one of token / path is non-empty (both empty: no bearer auth).
  bearer_token_file(std::string static_token, std::string path,
                    std::chrono::seconds refresh = std::chrono::seconds(60));

  bool empty() const { return token_.empty() && path_.empty(); }
  result<std::string> get(clock::time_point now);
  // The server refused the token: read the file again on the next get().
  void invalidate() { stale_ = true; }
  const std::string& path() const { return path_; }

 private:
  std::string token_;
  std::string path_;
  std::chrono::seconds refresh_;
  clock::time_point read_at_{};
  bool stale_ = true;
};

}  // namespace fluxaws::kube
