#include "captures.hpp"

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include "adapters/common/strings.hpp"

namespace fluxaws::test {

std::string captured_request::header(std::string_view name) const {
  for (const auto& [k, v] : headers)
    if (str::iequals(k, name)) return v;
  return {};
}

std::string shared_dir() {
  if (const char* env = std::getenv("FLUXAWS_SHARED_DIR"); env && *env) return env;
  return FLUXAWS_SHARED_DIR_DEFAULT;
}

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot open " + path);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

namespace {

http::header_list header_list_of(const json::value& v, bool lower) {
  http::header_list out;
  for (const auto& pair : v.as_array()) {
    const auto& a = pair.as_array();
    if (a.size() != 2) continue;
    out.emplace_back(lower ? str::to_lower(a[0].as_string()) : a[0].as_string(), a[1].as_string());
  }
  return out;
}

}  // namespace

std::vector<capture_exchange> load_capture(const std::string& file) {
  std::string err;
  auto doc = json::parse(read_file(shared_dir() + "/testdata/aws-wire/" + file), &err);
  if (!doc) throw std::runtime_error("bad capture " + file + ": " + err);
  std::vector<capture_exchange> out;
  for (const auto& e : doc->find("exchanges")->as_array()) {
    capture_exchange x;
    x.name = e.find("name")->as_string();
    const auto& rq = *e.find("request");
    x.request.method = rq.find("method")->as_string();
    x.request.path = rq.find("path")->as_string();
    x.request.headers = header_list_of(*rq.find("headers"), false);
    x.request.body = rq.find("body")->as_string();
    const auto& rs = *e.find("response");
    x.response.status = static_cast<int>(rs.find("status")->as_int());
    x.response.headers = header_list_of(*rs.find("headers"), true);
    x.response.body = rs.find("body")->as_string();
    x.response.body_size = x.response.body.size();
    x.response.effective_url = "http://127.0.0.1:45123" + x.request.path;
    x.sdk_result = *e.find("sdk_result");
    out.push_back(std::move(x));
  }
  return out;
}

const capture_exchange& find_exchange(const std::vector<capture_exchange>& all, std::string_view name) {
  for (const auto& x : all)
    if (x.name == name) return x;
  throw std::runtime_error("no exchange " + std::string(name));
}

http::response make_response(int status, std::string body, http::header_list headers) {
  http::response r;
  r.status = status;
  r.body = std::move(body);
  r.body_size = r.body.size();
  r.headers = std::move(headers);
  return r;
}

}  // namespace fluxaws::test
