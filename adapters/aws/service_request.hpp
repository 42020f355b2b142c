// One call to an AWS service before it goes on the wire: where (an endpoint), the
// operation's method, path, query, headers and body, and how it is authenticated.
// to_http_request() turns it into an unsigned http::request; sign_request() signs it
// with SigV4 (sigv4::sign_headers) for a given time and credentials.
//
// Contract: path is raw (unencoded); the URL carries it RFC 3986-encoded with '/'
// kept, which is also how SigV4 canonicalises S3 paths (encoded once). The Host
// header is always set explicitly (host[:port] as in the endpoint) so that what is
// signed is what is sent. Pure: no clock, no I/O.
#pragma once

#include <chrono>
#include <string>

#include "adapters/aws/credentials.hpp"
#include "adapters/aws/endpoints.hpp"
#include "adapters/http/types.hpp"

namespace fluxaws::aws {

enum class auth_mode {
  sigv4,     // Authorization header, as every operation but the two below
  sigv4_s3,  // S3: path not normalised, x-amz-content-sha256 signed
  none,      // unsigned (STS AssumeRoleWithWebIdentity: the token is the credential)
};

struct service_request {
  std::string operation;      // "KMS Decrypt": names the call in errors
  std::string method = "POST";
  endpoint ep;
  std::string path = "/";     // raw
  std::string query;          // wire form without '?'
  http::header_list headers;  // the operation's own headers (Content-Type, X-Amz-Target, Range…)
  std::string body;
  auth_mode auth = auth_mode::sigv4;

  // scheme://host[:port]/encoded-path[?query]
  std::string url() const;
};

http::request to_http_request(const service_request& r, std::chrono::milliseconds timeout);

// Signs for now (the caller's clock) and returns the request to send. Requests with
// auth_mode::none are returned unsigned.
http::request sign_request(const service_request& r, const credentials& creds,
                           std::chrono::system_clock::time_point now, std::chrono::milliseconds timeout);

}  // namespace fluxaws::aws
