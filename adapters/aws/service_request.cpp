#include "adapters/aws/service_request.hpp"

#include "adapters/aws/sigv4.hpp"
#include "adapters/common/encoding.hpp"

namespace fluxaws::aws {

std::string service_request::url() const {
  std::string out = ep.url.origin();
  out += enc::uri_encode(path.empty() ? "/" : path, true);
  if (!query.empty()) {
    out.push_back('?');
    out += query;
  }
  return out;
}

http::request to_http_request(const service_request& r, std::chrono::milliseconds timeout) {
  http::request out;
  out.method = r.method;
  out.url = r.url();
  out.headers = r.headers;
  out.headers.emplace_back("Host", r.ep.url.authority());
  out.body = r.body;
  out.timeout = timeout;
  return out;
}

http::request sign_request(const service_request& r, const credentials& creds,
                           std::chrono::system_clock::time_point now, std::chrono::milliseconds timeout) {
  http::request out = to_http_request(r, timeout);
  if (r.auth == auth_mode::none) return out;

  sigv4::http_request unsigned_req;
  unsigned_req.method = r.method;
  unsigned_req.path = r.path.empty() ? "/" : r.path;
  unsigned_req.query = r.query;
  unsigned_req.headers = out.headers;
  unsigned_req.body = r.body;

  sigv4::signing_params params;
  params.region = r.ep.signing_region;
  params.service = r.ep.signing_name;
  params.time = now;
  params.normalize_path = r.auth != auth_mode::sigv4_s3;
  params.sign_body_header = r.auth == auth_mode::sigv4_s3;
  sigv4::sign_headers(unsigned_req, creds, params);
  out.headers = std::move(unsigned_req.headers);
  return out;
}

}  // namespace fluxaws::aws
