// A small HTTP server for what operators and Kubernetes poll: /metrics (Prometheus
// text format) and the /healthz and /readyz probes. GET/HEAD only; each request is
// answered by a handler the runtime supplies. Its own threads, never CAF's.
#pragma once

#include <functional>
#include <memory>
#include <string>

#include "adapters/common/result.hpp"

namespace fluxaws::runtime {

struct observe_reply {
  int status = 200;
  std::string content_type = "text/plain; charset=utf-8";
  std::string body;
};

using observe_handler = std::function<observe_reply(const std::string& path)>;

class observe_server {
 public:
  // address as --metrics-addr takes it (":8080", "127.0.0.1:0"). Binds before returning.
  static result<std::unique_ptr<observe_server>> start(const std::string& address, observe_handler handler,
                                                       std::string what);
  ~observe_server();
  void stop();
  std::string local_address() const;

 private:
  observe_server();
  struct impl;
  std::unique_ptr<impl> impl_;
};

}  // namespace fluxaws::runtime
