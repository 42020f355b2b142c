#include "adapters/sops/shamir.hpp"

#include <set>

#include "adapters/common/digest.hpp"

namespace fluxaws::sops::shamir {

uint8_t gf_add(uint8_t a, uint8_t b) { return a ^ b; }

// Constant-time multiplication modulo x^8+x^4+x^3+x+1 (as SOPS 3.13 does; Vault's
// log/exp tables give the same products).
uint8_t gf_mul(uint8_t a, uint8_t b) {
  uint8_t acc = 0;
  for (int i = 7; i >= 0; --i) {
    uint8_t bit = static_cast<uint8_t>((b >> i) & 1);
    uint8_t a_or_zero = static_cast<uint8_t>(-bit & a);
    uint8_t reduce = static_cast<uint8_t>(-(acc >> 7) & 0x1B);
    acc = static_cast<uint8_t>(a_or_zero ^ (reduce ^ static_cast<uint8_t>(acc << 1)));
  }
  return acc;
}

// a^254 = a^-1 in the multiplicative group (Fermat); 0 stays 0.
uint8_t gf_inverse(uint8_t a) {
  uint8_t b = gf_mul(a, a);  // a^2
  uint8_t c = gf_mul(a, b);  // a^3
  b = gf_mul(c, c);          // a^6
  b = gf_mul(b, b);          // a^12
  c = gf_mul(b, c);          // a^15
  b = gf_mul(b, b);          // a^24
  b = gf_mul(b, b);          // a^48
  b = gf_mul(b, c);          // a^63
  b = gf_mul(b, b);          // a^126
  b = gf_mul(a, b);          // a^127
  return gf_mul(b, b);       // a^254
}

uint8_t gf_div(uint8_t a, uint8_t b) { return gf_mul(a, gf_inverse(b)); }

namespace {

uint8_t evaluate(const std::vector<uint8_t>& coeffs, uint8_t x) {
  if (x == 0) return coeffs[0];
  uint8_t out = coeffs.back();
  for (std::size_t i = coeffs.size() - 1; i-- > 0;) out = gf_add(gf_mul(out, x), coeffs[i]);
  return out;
}

uint8_t interpolate_at_zero(const std::vector<uint8_t>& xs, const std::vector<uint8_t>& ys) {
  uint8_t result = 0;
  for (std::size_t i = 0; i < xs.size(); ++i) {
    uint8_t basis = 1;
    for (std::size_t j = 0; j < xs.size(); ++j) {
      if (i == j) continue;
      uint8_t num = xs[j];  // 0 + x_j
      uint8_t den = gf_add(xs[i], xs[j]);
      basis = gf_mul(basis, gf_div(num, den));
    }
    result = gf_add(result, gf_mul(ys[i], basis));
  }
  return result;
}

error_info shamir_error(std::string msg) { return make_error("sops_shamir", std::move(msg)); }

}  // namespace

result<std::vector<std::string>> split(std::string_view secret, int parts, int threshold, const random_source& random) {
  if (parts < threshold) return shamir_error("parts cannot be less than threshold");
  if (parts > 255) return shamir_error("parts cannot exceed 255");
  if (threshold < 2) return shamir_error("threshold must be at least 2");
  if (secret.empty()) return shamir_error("cannot split an empty secret");
  std::vector<std::string> out(static_cast<std::size_t>(parts), std::string(secret.size() + 1, '\0'));
  for (int i = 0; i < parts; ++i) out[static_cast<std::size_t>(i)][secret.size()] = static_cast<char>(i + 1);
  for (std::size_t idx = 0; idx < secret.size(); ++idx) {
    std::string r = random ? random(static_cast<std::size_t>(threshold - 1))
                           : digest::random_bytes(static_cast<std::size_t>(threshold - 1));
    if (r.size() != static_cast<std::size_t>(threshold - 1)) return shamir_error("random source returned too few bytes");
    std::vector<uint8_t> coeffs(static_cast<std::size_t>(threshold));
    coeffs[0] = static_cast<uint8_t>(secret[idx]);
    for (std::size_t k = 1; k < coeffs.size(); ++k) coeffs[k] = static_cast<uint8_t>(r[k - 1]);
    for (int i = 0; i < parts; ++i)
      out[static_cast<std::size_t>(i)][idx] = static_cast<char>(evaluate(coeffs, static_cast<uint8_t>(i + 1)));
  }
  return out;
}

result<std::string> combine(const std::vector<std::string>& parts) {
  if (parts.size() < 2) return shamir_error("less than two parts cannot be used to reconstruct the secret");
  std::size_t len = parts[0].size();
  if (len < 2) return shamir_error("parts must be at least two bytes");
  for (const auto& p : parts)
    if (p.size() != len) return shamir_error("all parts must be the same length");
  std::vector<uint8_t> xs(parts.size()), ys(parts.size());
  std::set<uint8_t> seen;
  for (std::size_t i = 0; i < parts.size(); ++i) {
    xs[i] = static_cast<uint8_t>(parts[i][len - 1]);
    if (!seen.insert(xs[i]).second) return shamir_error("duplicate part detected");
  }
  std::string secret(len - 1, '\0');
  for (std::size_t idx = 0; idx + 1 < len; ++idx) {
    for (std::size_t i = 0; i < parts.size(); ++i) ys[i] = static_cast<uint8_t>(parts[i][idx]);
    secret[idx] = static_cast<char>(interpolate_at_zero(xs, ys));
  }
  return secret;
}

}  // namespace fluxaws::sops::shamir
