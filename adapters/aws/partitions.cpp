#include "adapters/aws/partitions.hpp"

#include <array>
#include <cctype>

#include "adapters/common/strings.hpp"

namespace fluxaws::aws {

namespace {

// Order matters only for the pattern pass; the names are unique.
constexpr std::array<partition, 8> kPartitions{{
    {"aws", "amazonaws.com", "api.aws", "us-east-1", true, true},
    {"aws-cn", "amazonaws.com.cn", "api.amazonwebservices.com.cn", "cn-northwest-1", true, true},
    {"aws-eusc", "amazonaws.eu", "api.amazonwebservices.eu", "eusc-de-east-1", true, true},
    {"aws-iso", "c2s.ic.gov", "api.aws.ic.gov", "us-iso-east-1", true, true},
    {"aws-iso-b", "sc2s.sgov.gov", "api.aws.scloud", "us-isob-east-1", true, true},
    {"aws-iso-e", "cloud.adc-e.uk", "api.cloud-aws.adc-e.uk", "eu-isoe-west-1", true, true},
    {"aws-iso-f", "csp.hci.ic.gov", "api.aws.hci.ic.gov", "us-isof-south-1", true, true},
    {"aws-us-gov", "amazonaws.com", "api.aws", "us-gov-west-1", true, true},
}};

const partition& by_name(std::string_view name) {
  for (const auto& p : kPartitions)
    if (p.name == name) return p;
  return kPartitions[0];
}

bool word(std::string_view s) {  // \w+
  if (s.empty()) return false;
  for (char c : s)
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '_')) return false;
  return true;
}

bool digits(std::string_view s) {  // \d+
  if (s.empty()) return false;
  for (char c : s)
    if (c < '0' || c > '9') return false;
  return true;
}

// Matches "<prefix...>-\w+-\d+" where prefix is the given leading labels.
bool matches(std::string_view region, std::initializer_list<std::string_view> prefix) {
  auto parts = str::split(region, '-');
  if (parts.size() != prefix.size() + 2) return false;
  std::size_t i = 0;
  for (auto p : prefix)
    if (parts[i++] != p) return false;
  return word(parts[i]) && digits(parts[i + 1]);
}

}  // namespace

const partition& partition_for_region(std::string_view region) {
  // Exact names the pattern pass would not place (the pseudo "global" regions).
  static constexpr std::pair<std::string_view, std::string_view> kGlobal[] = {
      {"aws-global", "aws"},           {"aws-cn-global", "aws-cn"},
      {"aws-us-gov-global", "aws-us-gov"}, {"aws-iso-global", "aws-iso"},
      {"aws-iso-b-global", "aws-iso-b"},   {"aws-iso-e-global", "aws-iso-e"},
      {"aws-iso-f-global", "aws-iso-f"},
  };
  for (const auto& [r, p] : kGlobal)
    if (region == r) return by_name(p);

  for (std::string_view lead : {"us", "eu", "ap", "sa", "ca", "me", "af", "il", "mx"})
    if (matches(region, {lead})) return by_name("aws");
  if (matches(region, {"cn"})) return by_name("aws-cn");
  if (matches(region, {"eusc", "de"})) return by_name("aws-eusc");
  if (matches(region, {"us", "iso"})) return by_name("aws-iso");
  if (matches(region, {"us", "isob"})) return by_name("aws-iso-b");
  if (matches(region, {"eu", "isoe"})) return by_name("aws-iso-e");
  if (matches(region, {"us", "isof"})) return by_name("aws-iso-f");
  if (matches(region, {"us", "gov"})) return by_name("aws-us-gov");
  return kPartitions[0];
}

}  // namespace fluxaws::aws
