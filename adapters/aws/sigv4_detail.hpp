// Internal to adapters/aws/sigv4*.cpp — not part of the SigV4 interface. The canonical
// header block is built once and shared by header signing, query signing and the
// verifier; each picks which headers are signed.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace fluxaws::aws::sigv4::detail {

using header_list = std::vector<std::pair<std::string, std::string>>;

struct header_block {
  std::string lines;  // "name:value\n" per signed name, sorted by name
  std::string names;  // "name;name"
};

// With only == nullptr: every header but the unsigned set (see sigv4.hpp). Otherwise
// exactly the names in *only (lower-case, sorted, unique); a name the request lacks
// gets an empty value.
void build_header_block(const header_list& headers, const std::vector<std::string_view>* only,
                        header_block& out);

// True for the headers sign_headers/sign_query never sign; name is lower-case.
bool is_unsigned_header(std::string_view lower_name);

// method \n uri \n query \n lines \n names \n payload
std::string assemble_canonical_request(std::string_view method, std::string_view uri, std::string_view query,
                                       const header_block& block, std::string_view payload_hash);

// "<day>/<region>/<service>/aws4_request"
std::string credential_scope(std::string_view day, std::string_view region, std::string_view service);

// Lower-case hex HMAC-SHA256(key, string_to_sign).
std::string hex_signature(std::string_view key, std::string_view string_to_sign);

}  // namespace fluxaws::aws::sigv4::detail
