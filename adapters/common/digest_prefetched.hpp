// Hot-path SHA-256 and HMAC-SHA256 (SigV4 signs and verifies every AWS call): the same
// bytes as digest.hpp's sha256/sha256_hex/hmac_sha256, without OpenSSL 3's per-call
// algorithm fetch, which takes a global read lock and costs 2-3x the hashing of a small
// input. OpenSSL's SHA-256 and HMAC (EVP_MD, EVP_MAC) are fetched once per process and
// never freed; each thread keeps its own contexts, freed when the thread exits.
// Thread-safe. If OpenSSL cannot provide them, it falls back to digest.hpp.
#pragma once

#include <string>
#include <string_view>

namespace fluxaws::digest::prefetched {

std::string sha256(std::string_view data);      // raw 32 bytes
std::string sha256_hex(std::string_view data);  // lower-case hex
std::string hmac_sha256(std::string_view key, std::string_view data);  // raw 32 bytes

}  // namespace fluxaws::digest::prefetched
