#include "actors/ocirepository_ref.hpp"

#include <re2/re2.h>

#include <optional>

#include "adapters/common/strings.hpp"
#include "adapters/oci/content_digest.hpp"
#include "adapters/oci/semver.hpp"
#include "adapters/oci/semver_constraints.hpp"

namespace fluxaws::actors::ocirepo {

ref_plan plan_ref(const spec& s) {
  ref_plan p;
  if (!s.ref) return p;
  if (!s.ref->digest.empty()) {
    p.what = ref_plan::kind::digest;
    p.digest = s.ref->digest;
  } else if (!s.ref->semver.empty()) {
    p.what = ref_plan::kind::semver;
    p.semver = s.ref->semver;
    p.semver_filter = s.ref->semver_filter;
  } else if (!s.ref->tag.empty()) {
    p.tag = s.ref->tag;
  }
  return p;
}

result<std::string> select_semver_tag(const std::vector<std::string>& tags, std::string_view range,
                                      std::string_view filter, std::string_view layer_media_type) {
  std::optional<RE2> re;
  if (!filter.empty()) {
    RE2::Options o;
    o.set_log_errors(false);
    re.emplace(re2::StringPiece(filter.data(), filter.size()), o);
    if (!re->ok()) return make_error("InvalidFilter", "error parsing regexp: " + re->error() + ": `" + std::string(filter) + "`");
  }
  auto constraint = oci::semver::parse_constraint(range);
  if (!constraint)
    return make_error("InvalidRange", "semver '" + std::string(range) + "' parse error: " + constraint.error().message);

  const bool helm = layer_media_type == helm_chart_layer_type;
  std::optional<oci::semver::version> best;
  std::string best_tag;
  oci::semver::version v;
  for (const auto& tag : tags) {
    if (re && !RE2::PartialMatch(re2::StringPiece(tag.data(), tag.size()), *re)) continue;
    // Helm maps '+' (not allowed in OCI tags) to '_' (not allowed in semver).
    const std::string as_semver = helm ? str::replace_all(tag, "_", "+") : tag;
    if (oci::semver::parse_tag_version_into(as_semver, v) != oci::semver::version_error::none) continue;
    if (!constraint->matches(v)) continue;
    if (!best || oci::semver::greater(v, *best)) {
      best = v;
      best_tag = tag;
    }
  }
  if (!best) return make_error("NoMatch", "no match found for semver: " + std::string(range));
  return best_tag;
}

std::string reference_string(const oci::repository_ref& repo, std::string_view tag_or_digest) {
  const bool digest = tag_or_digest.find(':') != std::string_view::npos;
  return repo.name() + (digest ? "@" : ":") + std::string(tag_or_digest);
}

std::string tag_revision(std::string_view tag, std::string_view digest) {
  return std::string(tag) + "@" + std::string(digest);
}

result<std::string> digest_revision(std::string_view digest) {
  auto d = oci::parse_digest(digest);
  if (!d) return d.error();
  return d->str();
}

std::string digest_from_revision(std::string_view revision) {
  auto at = revision.rfind('@');
  return std::string(at == std::string_view::npos ? revision : revision.substr(at + 1));
}

}  // namespace fluxaws::actors::ocirepo
