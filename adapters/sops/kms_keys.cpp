#include "adapters/sops/kms_keys.hpp"

#include <re2/re2.h>
#include <unistd.h>

#include <algorithm>
#include <climits>

#include "adapters/common/encoding.hpp"
#include "adapters/sops/shamir.hpp"

namespace fluxaws::sops {

namespace {

std::string join(const std::vector<std::string>& v) {
  std::string out;
  for (const auto& s : v) {
    if (!out.empty()) out += ", ";
    out += s;
  }
  return out;
}

}  // namespace

std::optional<std::string> region_from_kms_arn(std::string_view arn) {
  static const RE2 re(R"(^arn:aws[\w-]*:kms:(.+):[0-9]+:(key|alias)/.+$)");
  std::string region;
  if (!RE2::PartialMatch(re2::StringPiece(arn.data(), arn.size()), re, &region)) return std::nullopt;
  return region;
}

std::string role_session_name(std::string_view hostname) {
  static const RE2 strip("[^a-zA-Z0-9=,.@-_]+");
  std::string host(hostname);
  RE2::GlobalReplace(&host, strip, "");
  std::string name = "sops@" + host;
  if (name.size() >= 64) name.resize(64);
  return name;
}

std::string role_session_name() {
  char buf[HOST_NAME_MAX + 1] = {};
  if (gethostname(buf, sizeof buf - 1) != 0) buf[0] = '\0';
  return role_session_name(buf);
}

result<std::vector<kms_master_key>> kms_master_keys(const metadata& meta) {
  std::vector<kms_master_key> out;
  std::vector<std::string> types;
  std::size_t groups_with_kms = 0;
  for (std::size_t g = 0; g < meta.key_groups.size(); ++g) {
    const auto& group = meta.key_groups[g];
    for (const auto& t : group.key_types())
      if (std::find(types.begin(), types.end(), t) == types.end()) types.push_back(t);
    if (!group.kms.empty()) ++groups_with_kms;
    for (std::size_t i = 0; i < group.kms.size(); ++i) {
      const kms_entry& k = group.kms[i];
      std::string which = "KMS key " + std::to_string(i + 1) + " of key group " + std::to_string(g + 1) + " (" + k.arn + ")";
      auto region = region_from_kms_arn(k.arn);
      if (!region) return make_error("sops_metadata", which + ": the ARN is not a KMS key or alias ARN");
      auto blob = enc::unbase64(k.enc);
      if (!blob || blob->empty()) return make_error("sops_metadata", which + ": enc is not valid base64");
      out.push_back(kms_master_key{g, k.arn, *region, k.role, k.context, std::move(*blob)});
    }
  }
  if (out.empty())
    return make_error("sops_no_kms_key", "the document has no AWS KMS master key (it is encrypted for " +
                                             (types.empty() ? std::string("no key") : join(types)) +
                                             "); fluxaws recovers data keys through AWS KMS only");
  std::size_t need = meta.key_groups.size() > 1
                         ? static_cast<std::size_t>(std::max(meta.shamir_threshold, 2))
                         : 1;
  if (groups_with_kms < need)
    return make_error("sops_no_kms_key", "only " + std::to_string(groups_with_kms) + " of " +
                                             std::to_string(meta.key_groups.size()) +
                                             " key groups have an AWS KMS key, but " + std::to_string(need) +
                                             " are needed to recover the data key (the others use " + join(types) + ")");
  return out;
}

result<std::string> data_key_from_parts(const metadata& meta, const std::vector<std::optional<std::string>>& parts) {
  if (parts.size() != meta.key_groups.size())
    return make_error("sops_shamir", "expected one entry per key group (" + std::to_string(meta.key_groups.size()) +
                                         "), got " + std::to_string(parts.size()));
  std::string key;
  if (meta.key_groups.size() == 1) {
    if (!parts[0]) return make_error("sops_no_kms_key", "no master key of the document could decrypt its data key");
    key = *parts[0];
  } else {
    std::vector<std::string> have;
    for (const auto& p : parts)
      if (p) have.push_back(*p);
    std::size_t need = static_cast<std::size_t>(std::max(meta.shamir_threshold, 2));
    if (have.size() < need)
      return make_error("sops_shamir", "only " + std::to_string(have.size()) + " of " + std::to_string(parts.size()) +
                                           " key groups yielded their part of the data key; " + std::to_string(need) +
                                           " are needed");
    auto combined = shamir::combine(have);
    if (!combined)
      return make_error("sops_shamir", "could not combine the key group parts: " + combined.error().message);
    key = std::move(*combined);
  }
  if (key.size() != 32)
    return make_error("sops_wrong_key", "the recovered data key is " + std::to_string(key.size()) + " bytes, not 32");
  return key;
}

}  // namespace fluxaws::sops
