#include "tests/integration/bucket/test_http.hpp"

#include <curl/curl.h>

#include <chrono>

#include "adapters/common/yaml_json.hpp"
#include "adapters/common/strings.hpp"
#include <fstream>
#include <sstream>

namespace fluxaws::testing {

namespace {

std::size_t on_body(char* p, std::size_t s, std::size_t n, void* u) {
  static_cast<std::string*>(u)->append(p, s * n);
  return s * n;
}

std::size_t on_header(char* p, std::size_t s, std::size_t n, void* u) {
  std::string line(p, s * n);
  auto colon = line.find(':');
  if (colon != std::string::npos) {
    auto value = str::trim(std::string_view(line).substr(colon + 1));
    (*static_cast<std::map<std::string, std::string>*>(u))[str::to_lower(line.substr(0, colon))] =
        std::string(value);
  }
  return s * n;
}

test_reply perform(const std::string& method, const std::string& url, const std::vector<std::string>& header_lines,
                   const std::string& body, const connection_settings& conn) {
  test_reply out;
  CURL* c = curl_easy_init();
  curl_slist* hdrs = nullptr;
  curl_slist* connect = nullptr;
  for (const auto& line : header_lines) hdrs = curl_slist_append(hdrs, line.c_str());
  hdrs = curl_slist_append(hdrs, "Expect:");
  for (const auto& rule : conn.connect_to) connect = curl_slist_append(connect, rule.c_str());
  curl_easy_setopt(c, CURLOPT_URL, url.c_str());
  curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method.c_str());
  if (method == "HEAD") curl_easy_setopt(c, CURLOPT_NOBODY, 1L);
  if (!body.empty() || method == "PUT" || method == "POST") {
    curl_easy_setopt(c, CURLOPT_POSTFIELDS, body.data());
    curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(body.size()));
  }
  curl_easy_setopt(c, CURLOPT_HTTPHEADER, hdrs);
  if (connect) curl_easy_setopt(c, CURLOPT_CONNECT_TO, connect);
  if (!conn.ca_file.empty()) curl_easy_setopt(c, CURLOPT_CAINFO, conn.ca_file.c_str());
  curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
  curl_easy_setopt(c, CURLOPT_WRITEDATA, &out.body);
  curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_header);
  curl_easy_setopt(c, CURLOPT_HEADERDATA, &out.headers);
  curl_easy_setopt(c, CURLOPT_TIMEOUT, 60L);
  curl_easy_setopt(c, CURLOPT_NOPROXY, "*");
  auto rc = curl_easy_perform(c);
  if (rc != CURLE_OK) out.error = curl_easy_strerror(rc);
  curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &out.status);
  curl_slist_free_all(hdrs);
  curl_slist_free_all(connect);
  curl_easy_cleanup(c);
  return out;
}

}  // namespace

test_reply http_request(const std::string& method, const std::string& url,
                        const std::vector<std::string>& header_lines, const std::string& body,
                        const connection_settings& conn) {
  return perform(method, url, header_lines, body, conn);
}

test_reply http_get(const std::string& url, const connection_settings& conn) {
  return perform("GET", url, {}, "", conn);
}

test_reply http_post(const std::string& url, const std::string& body, const connection_settings& conn) {
  return perform("POST", url, {"Content-Type: application/json"}, body, conn);
}

test_reply send_signed(const aws::service_request& req, const aws::credentials& creds,
                       const connection_settings& conn) {
  auto signed_req = aws::sign_request(req, creds, std::chrono::system_clock::now(), std::chrono::seconds(60));
  std::vector<std::string> lines;
  for (const auto& [name, value] : signed_req.headers) lines.push_back(name + ": " + value);
  return perform(signed_req.method, signed_req.url, lines, signed_req.body, conn);
}

connection_settings settings_from_emulator_config(const std::string& fluxaws_yaml) {
  std::ifstream in(fluxaws_yaml);
  std::stringstream ss;
  ss << in.rdbuf();
  auto doc = yamljson::parse_yaml(ss.str());
  connection_settings out;
  if (!doc.ok()) return out;
  if (const json::value* ca = doc->at({"http", "caFile"})) out.ca_file = ca->as_string();
  if (const json::value* rules = doc->at({"http", "connectTo"}))
    for (const auto& r : rules->as_array()) out.connect_to.push_back(r.as_string());
  return out;
}

long emulator_calls(const std::string& base_url, const std::string& service, const std::string& operation,
                    const std::string& principal, const std::string& status) {
  auto r = http_get(base_url + "/_emulator/calls");
  auto doc = json::parse(r.body);
  if (!doc) return -1;
  long total = 0;
  for (const auto& e : doc->as_array()) {
    auto field = [&](const char* k) -> std::string {
      const json::value* v = e.find(k);
      if (!v) return "";
      return v->is_string() ? v->as_string() : std::to_string(v->as_int());
    };
    if (!service.empty() && field("service") != service) continue;
    if (!operation.empty() && field("operation") != operation) continue;
    if (!principal.empty() && field("principal") != principal) continue;
    if (!status.empty() && field("status") != status) continue;
    total += e.find("count") ? e.find("count")->as_int() : 0;
  }
  return total;
}

}  // namespace fluxaws::testing
