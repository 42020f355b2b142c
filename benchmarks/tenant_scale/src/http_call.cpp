#include "benchmarks/tenant_scale/src/http_call.hpp"

#include <curl/curl.h>

namespace fluxaws::bench {

namespace {

std::size_t on_body(char* p, std::size_t s, std::size_t n, void* u) {
  static_cast<std::string*>(u)->append(p, s * n);
  return s * n;
}

}  // namespace

result<http_answer> http_call(const std::string& method, const std::string& url, std::chrono::milliseconds timeout) {
  http_answer a;
  CURL* c = curl_easy_init();
  if (!c) return make_error("http", "curl_easy_init failed");
  curl_easy_setopt(c, CURLOPT_URL, url.c_str());
  if (method == "POST") curl_easy_setopt(c, CURLOPT_POSTFIELDS, "");
  curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
  curl_easy_setopt(c, CURLOPT_WRITEDATA, &a.body);
  curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, static_cast<long>(timeout.count()));
  curl_easy_setopt(c, CURLOPT_NOPROXY, "*");
  curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
  auto rc = curl_easy_perform(c);
  if (rc == CURLE_OK) curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &a.status);
  curl_easy_cleanup(c);
  if (rc != CURLE_OK) return make_error("http", method + " " + url + ": " + curl_easy_strerror(rc));
  return a;
}

}  // namespace fluxaws::bench
