#include "adapters/aws/ecr_host.hpp"

#include <array>

#include "adapters/aws/endpoints.hpp"
#include "adapters/common/strings.hpp"

namespace fluxaws::aws {

namespace {

constexpr std::array<std::string_view, 7> kClassicSuffixes{
    "amazonaws.com", "amazonaws.com.cn", "amazonaws.eu", "c2s.ic.gov",
    "sc2s.sgov.gov", "cloud.adc-e.uk",   "csp.hci.ic.gov"};
constexpr std::array<std::string_view, 2> kDualstackSuffixes{"on.aws", "on.amazonwebservices.com.cn"};

bool all_digits(std::string_view s) {
  for (char c : s)
    if (c < '0' || c > '9') return false;
  return true;
}

// Splits "<region>.<suffix>" for one of the given suffixes; the region must be a
// single lower-case DNS label.
template <std::size_t N>
std::optional<std::pair<std::string, std::string>> region_and_suffix(
    std::string_view rest, const std::array<std::string_view, N>& suffixes) {
  for (auto suffix : suffixes) {
    if (rest.size() <= suffix.size() + 1) continue;
    if (!str::ends_with(rest, suffix)) continue;
    auto cut = rest.size() - suffix.size() - 1;
    if (rest[cut] != '.') continue;
    auto region = rest.substr(0, cut);
    if (region.find('.') != std::string_view::npos || !is_valid_host_label(region)) continue;
    return std::make_pair(std::string(region), std::string(suffix));
  }
  return std::nullopt;
}

}  // namespace

std::optional<ecr_registry> parse_ecr_host(std::string_view input) {
  if (input.empty() || input.size() > 253 + 6) return std::nullopt;
  std::string host = str::to_lower(input);
  if (host.find_first_of("/@?#[] \t\r\n") != std::string::npos) return std::nullopt;
  auto colon = host.find(':');
  if (colon != std::string::npos) {
    if (host.substr(colon + 1) != "443") return std::nullopt;
    host.resize(colon);
  }
  if (host.empty() || host.back() == '.') return std::nullopt;

  ecr_registry out;
  out.host = host;
  if (host == "public.ecr.aws" || host == "ecr-public.aws.com") {
    out.is_public = true;
    out.region = "us-east-1";
    out.dualstack = host == "ecr-public.aws.com";
    return out;
  }

  // <account>.<service label>.<region>.<suffix>
  auto dot = host.find('.');
  if (dot != 12) return std::nullopt;
  out.account = host.substr(0, 12);
  if (!all_digits(out.account)) return std::nullopt;
  std::string_view rest = std::string_view(host).substr(13);

  struct form {
    std::string_view label;
    bool fips;
    bool dualstack;
  };
  static constexpr form kForms[] = {
      {"dkr.ecr.", false, false},
      {"dkr.ecr-fips.", true, false},
      {"dkr-ecr.", false, true},
      {"dkr-ecr-fips.", true, true},
  };
  for (const auto& f : kForms) {
    if (!str::starts_with(rest, f.label)) continue;
    auto tail = rest.substr(f.label.size());
    auto rs = f.dualstack ? region_and_suffix(tail, kDualstackSuffixes) : region_and_suffix(tail, kClassicSuffixes);
    if (!rs) return std::nullopt;
    out.region = rs->first;
    out.dns_suffix = rs->second;
    out.fips = f.fips;
    out.dualstack = f.dualstack;
    return out;
  }
  return std::nullopt;
}

std::optional<ecr_registry> parse_ecr_reference(std::string_view reference) {
  for (std::string_view scheme : {"oci://", "https://"}) {
    if (reference.size() >= scheme.size() && str::iequals(reference.substr(0, scheme.size()), scheme)) {
      reference.remove_prefix(scheme.size());
      break;
    }
  }
  return parse_ecr_host(reference.substr(0, reference.find('/')));
}

}  // namespace fluxaws::aws
