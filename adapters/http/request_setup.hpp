// What a request turns into before libcurl sees it: the method check and the header
// lines for CURLOPT_HTTPHEADER. Plain functions, no curl handle involved.
//
// Contract of curl_header_lines:
//  - the request's headers come out exactly as given and in the same order (AWS SigV4
//    signs them, so curl must not reorder or rewrite them);
//  - an empty value is written "Name;" (curl's syntax for sending "Name:" with no value);
//  - libcurl's own defaults that would interfere are switched off with "Name:" entries
//    unless the request sets that header itself: Accept (curl sends "*/*"), Expect
//    (curl sends "100-continue" for large bodies — over 1 MiB in curl 7.88, over 1 KiB
//    in older versions — and then waits up to a second for the server),
//    Content-Type (curl sends a form type with every body);
//  - a name that is not an HTTP token, or a name/value containing CR, LF or NUL, is
//    refused with an error naming the header (never its value: it may be a secret).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "adapters/common/result.hpp"
#include "adapters/http/types.hpp"

namespace fluxaws::http {

// GET, HEAD, POST, PUT, PATCH, DELETE (case-sensitive, as HTTP methods are).
bool is_supported_method(std::string_view method);

// Only POST, PUT, PATCH and DELETE may carry a request body.
bool method_allows_body(std::string_view method);

// An HTTP token (RFC 9110 §5.6.2): what a header name may consist of.
bool is_http_token(std::string_view s);

result<std::vector<std::string>> curl_header_lines(const header_list& headers);

// "scheme://host:port" of a URL (scheme and host lower-cased, default port filled in),
// the key under which requests queue for a host's connections; empty if the URL does
// not parse (curl then reports the error itself).
std::string origin_key(const std::string& url);

}  // namespace fluxaws::http
