// Shamir's secret sharing exactly as SOPS uses it for several key groups (SOPS'
// shamir package, taken from HashiCorp Vault): arithmetic in GF(2^8) with the AES
// polynomial x^8+x^4+x^3+x+1, one random polynomial per secret byte, and each part
// laid out as {y_1 … y_n, x} — the x coordinate (1…255) is the part's last byte.
// combine() takes any set of parts (at least two, same length, distinct x) and
// interpolates at x = 0; with fewer parts than the threshold it silently yields a
// wrong secret, so callers check the threshold first (see kms_keys.hpp).
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "adapters/common/result.hpp"

namespace fluxaws::sops::shamir {

uint8_t gf_add(uint8_t a, uint8_t b);
uint8_t gf_mul(uint8_t a, uint8_t b);
uint8_t gf_inverse(uint8_t a);  // 0 for 0
uint8_t gf_div(uint8_t a, uint8_t b);  // b != 0

// Random bytes source; defaults to OpenSSL's RAND_bytes.
using random_source = std::function<std::string(std::size_t)>;

result<std::vector<std::string>> split(std::string_view secret, int parts, int threshold,
                                       const random_source& random = {});
result<std::string> combine(const std::vector<std::string>& parts);

}  // namespace fluxaws::sops::shamir
