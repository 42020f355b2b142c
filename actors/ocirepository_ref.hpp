// Which artifact an OCIRepository points at, and the revision it gets — source-
// controller's getArtifactRef, getTagBySemver, getRevision and digestFromRevision as
// plain functions.
//
// Contract:
//  - plan_ref(): spec.ref.digest wins over spec.ref.semver, which wins over
//    spec.ref.tag; no ref (or an empty one) is the tag "latest".
//  - select_semver_tag(): the tags (in the registry's order) are first filtered by
//    semverFilter, a Go regular expression (RE2) matched anywhere in the tag; each
//    remaining tag is read as a version by fluxcd/pkg/version.ParseVersion (at least
//    two dots, Masterminds' rules) after mapping '_' to '+' for Helm chart layers; the
//    greatest version satisfying the range wins and its tag is given back as written
//    (the first such tag when several are equal versions). Errors, in Flux's words:
//    "error parsing regexp: ...", "semver '<range>' parse error: ...", "no match found
//    for semver: <range>".
//  - Revisions: "<tag>@sha256:<hex>" for a tag or semver ref, "sha256:<hex>" for a
//    digest ref (a digest that does not parse is an error naming it).
//    digest_from_revision() is the part after the last '@'.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "actors/ocirepository_spec.hpp"
#include "adapters/common/result.hpp"
#include "adapters/oci/reference.hpp"

namespace fluxaws::actors::ocirepo {

struct ref_plan {
  enum class kind { digest, semver, tag };
  kind what = kind::tag;
  std::string digest;
  std::string semver;
  std::string semver_filter;
  std::string tag = "latest";
};

ref_plan plan_ref(const spec& s);

result<std::string> select_semver_tag(const std::vector<std::string>& tags, std::string_view range,
                                      std::string_view filter, std::string_view layer_media_type);

// "<registry>/<repository>:<tag>" or "<registry>/<repository>@<digest>", as Flux names
// references in messages.
std::string reference_string(const oci::repository_ref& repo, std::string_view tag_or_digest);

std::string tag_revision(std::string_view tag, std::string_view digest);
result<std::string> digest_revision(std::string_view digest);
std::string digest_from_revision(std::string_view revision);

}  // namespace fluxaws::actors::ocirepo
