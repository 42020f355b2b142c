#include "adapters/kube/http_stream.hpp"

#include <curl/curl.h>

#include "adapters/http/curl_engine.hpp"
#include "adapters/http/curl_errors.hpp"
#include "adapters/http/request_setup.hpp"

namespace fluxaws::kube {

stream_tls stream_tls::from(const cluster_config& cfg) {
  stream_tls t;
  t.insecure = cfg.insecure_skip_tls_verify;
  t.ca_file = cfg.ca_file;
  t.ca_pem = cfg.ca_pem;
  t.client_cert_file = cfg.client_cert_file;
  t.client_key_file = cfg.client_key_file;
  t.client_cert_pem = cfg.client_cert_pem;
  t.client_key_pem = cfg.client_key_pem;
  return t;
}

struct http_stream::shared {
  std::atomic<bool> stop{false};
  stream_callbacks cb;
  int status = 0;
  bool status_sent = false;
  std::string error_body;
  std::size_t max_error_body = 0;
  bool error_body_truncated = false;
};

namespace {

void set_blob(CURL* h, CURLoption opt, const std::string& pem) {
  curl_blob blob{const_cast<char*>(pem.data()), pem.size(), CURL_BLOB_COPY};
  curl_easy_setopt(h, opt, &blob);
}

size_t on_header(char* data, size_t size, size_t n, void* user) {
  auto* sh = static_cast<http_stream::shared*>(user);
  std::string_view line(data, size * n);
  // A status line starts a new header block (after 100 Continue or a redirect).
  if (line.rfind("HTTP/", 0) == 0) {
    auto sp = line.find(' ');
    if (sp != std::string_view::npos) sh->status = std::atoi(std::string(line.substr(sp + 1, 3)).c_str());
    sh->status_sent = false;
  } else if ((line == "\r\n" || line == "\n") && sh->status >= 200 && !sh->status_sent) {
    sh->status_sent = true;
    if (sh->cb.on_status) sh->cb.on_status(sh->status);
  }
  return size * n;
}

size_t on_body(char* data, size_t size, size_t n, void* user) {
  auto* sh = static_cast<http_stream::shared*>(user);
  if (sh->stop.load()) return 0;  // aborts the transfer
  std::size_t len = size * n;
  if (sh->status >= 200 && sh->status < 300) {
    if (sh->cb.on_data) sh->cb.on_data(std::string(data, len));
  } else {
    std::size_t room = sh->max_error_body > sh->error_body.size() ? sh->max_error_body - sh->error_body.size() : 0;
    if (len > room) sh->error_body_truncated = true;
    sh->error_body.append(data, std::min(len, room));
  }
  return len;
}

int on_progress(void* user, curl_off_t, curl_off_t, curl_off_t, curl_off_t) {
  auto* sh = static_cast<http_stream::shared*>(user);
  return sh->stop.load() ? 1 : 0;
}

void run_stream(std::shared_ptr<http_stream::shared> sh, stream_request req) {
  CURL* h = curl_easy_init();
  stream_end end;
  if (!h) {
    end.fail = http::failure::other;
    end.error = "cannot create a curl handle";
    if (!sh->stop.load() && sh->cb.on_end) sh->cb.on_end(std::move(end));
    return;
  }
  auto lines = http::curl_header_lines(req.headers);
  curl_slist* hdrs = nullptr;
  if (lines.ok())
    for (const auto& l : *lines) hdrs = curl_slist_append(hdrs, l.c_str());
  curl_easy_setopt(h, CURLOPT_URL, req.url.c_str());
  curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, req.method.c_str());
  curl_easy_setopt(h, CURLOPT_HTTPHEADER, hdrs);
  if (!req.body.empty() || req.method == "POST" || req.method == "PUT" || req.method == "PATCH") {
    curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(req.body.size()));
    curl_easy_setopt(h, CURLOPT_COPYPOSTFIELDS, req.body.c_str());
  }
  curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(req.connect_timeout.count() * 1000));
  if (req.max_duration.count() > 0) curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, static_cast<long>(req.max_duration.count() * 1000));
  // Idle bound: fewer than 1 byte/s for idle_timeout ends the transfer.
  curl_easy_setopt(h, CURLOPT_LOW_SPEED_LIMIT, 1L);
  curl_easy_setopt(h, CURLOPT_LOW_SPEED_TIME, static_cast<long>(req.idle_timeout.count()));
  curl_easy_setopt(h, CURLOPT_TCP_KEEPALIVE, 1L);
  curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, on_header);
  curl_easy_setopt(h, CURLOPT_HEADERDATA, sh.get());
  curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_body);
  curl_easy_setopt(h, CURLOPT_WRITEDATA, sh.get());
  curl_easy_setopt(h, CURLOPT_NOPROGRESS, 0L);
  curl_easy_setopt(h, CURLOPT_XFERINFOFUNCTION, on_progress);
  curl_easy_setopt(h, CURLOPT_XFERINFODATA, sh.get());
  curl_easy_setopt(h, CURLOPT_USERAGENT, "fluxaws");
  curl_easy_setopt(h, CURLOPT_NOPROXY, "*");  // the API server is never reached through a proxy here
  const auto& tls = req.tls;
  if (tls.insecure) {
    curl_easy_setopt(h, CURLOPT_SSL_VERIFYPEER, 0L);
    curl_easy_setopt(h, CURLOPT_SSL_VERIFYHOST, 0L);
  }
  if (!tls.ca_file.empty()) curl_easy_setopt(h, CURLOPT_CAINFO, tls.ca_file.c_str());
  if (!tls.ca_pem.empty()) set_blob(h, CURLOPT_CAINFO_BLOB, tls.ca_pem);
  if (!tls.client_cert_file.empty()) curl_easy_setopt(h, CURLOPT_SSLCERT, tls.client_cert_file.c_str());
  if (!tls.client_key_file.empty()) curl_easy_setopt(h, CURLOPT_SSLKEY, tls.client_key_file.c_str());
  if (!tls.client_cert_pem.empty()) set_blob(h, CURLOPT_SSLCERT_BLOB, tls.client_cert_pem);
  if (!tls.client_key_pem.empty()) set_blob(h, CURLOPT_SSLKEY_BLOB, tls.client_key_pem);
  if (!tls.client_cert_file.empty() || !tls.client_cert_pem.empty()) {
    curl_easy_setopt(h, CURLOPT_SSLCERTTYPE, "PEM");
    curl_easy_setopt(h, CURLOPT_SSLKEYTYPE, "PEM");
  }
  char errbuf[CURL_ERROR_SIZE] = {0};
  curl_easy_setopt(h, CURLOPT_ERRORBUFFER, errbuf);

  CURLcode rc = lines.ok() ? curl_easy_perform(h) : CURLE_URL_MALFORMAT;
  curl_slist_free_all(hdrs);
  curl_easy_cleanup(h);
  if (sh->stop.load()) return;  // the owner is gone or going: no callback
  end.status = sh->status;
  if (rc != CURLE_OK) {
    end.fail = lines.ok() ? http::classify(rc) : http::failure::invalid_request;
    if (rc == CURLE_OPERATION_TIMEDOUT) end.fail = http::failure::timeout;
    end.error = !lines.ok() ? lines.error().message : (errbuf[0] ? std::string(errbuf) : curl_easy_strerror(rc));
  }
  end.body = std::move(sh->error_body);
  if (sh->cb.on_end) sh->cb.on_end(std::move(end));
}

}  // namespace

http_stream::http_stream(stream_request req, stream_callbacks cb) : shared_(std::make_shared<shared>()) {
  http::curl_global_init_once();
  shared_->cb = std::move(cb);
  shared_->max_error_body = req.max_error_body;
  thread_ = std::thread(run_stream, shared_, std::move(req));
}

void http_stream::request_stop() { shared_->stop.store(true); }

http_stream::~http_stream() {
  shared_->stop.store(true);
  if (thread_.joinable()) {
    if (thread_.get_id() == std::this_thread::get_id()) thread_.detach();
    else thread_.join();
  }
}

stream_opener curl_stream_opener() {
  return [](stream_request req, stream_callbacks cb) -> std::unique_ptr<stream_handle> {
    return std::make_unique<http_stream>(std::move(req), std::move(cb));
  };
}

}  // namespace fluxaws::kube
