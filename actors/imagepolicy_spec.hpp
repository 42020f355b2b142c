// The ImagePolicy kind's spec (image.toolkit.fluxcd.io/v1) and what image-reflector-
// controller computes from it, as plain functions: the CRD's CEL rules, the
// referenced ImageRepository, the compiled policy (selector and tag filter), the
// evaluation over a tag list, digest reflection, status.latestRef /
// observedPreviousRef and the Ready message.
//
// Contract:
//  - parse_spec() never fails; validate() applies the CRD's CEL rules (spec.interval
//    only with digestReflectionPolicy Always: InvalidSpec; Always without an interval:
//    IntervalNotConfigured, as the controller says).
//  - compile(): spec.policy (exactly one of semver range, alphabetical or numerical
//    order — more than one is refused, where Flux would take the first) and
//    spec.filterTags. Errors are InvalidPolicy with Flux's message quoting the culprit:
//    "invalid policy: improper constraint: …", "failed to filter tags: invalid regular
//    expression pattern '(x': …", "failed to filter tags: extract '$tag' refers to
//    capture group 'tag', which pattern '…' does not define".
//  - evaluate(): the latest tag (the original tag after an extract). Errors:
//    InvalidPolicy (stall) for a numerical policy over a value that is not a number
//    ("failed to parse invalid numeric value 'abc'" — this project's rule; Flux only
//    retries it), Failure (retried, the tags may change) when no tag passes the filter
//    or no version satisfies the range.
//  - requeue(): the interval of digest refreshes for Always (spec.interval, Flux's 10m
//    default when zero); otherwise none (nullopt): the policy waits for its repository.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "actors/image_policy_select.hpp"
#include "actors/reconcile_result.hpp"
#include "adapters/common/json.hpp"
#include "adapters/common/result.hpp"
#include "adapters/kube/object.hpp"

namespace fluxaws::actors::imagepolicy {

inline constexpr std::string_view kind = "ImagePolicy";
inline constexpr const char* reason_invalid_policy = "InvalidPolicy";
inline constexpr const char* reason_dependency_not_ready = "DependencyNotReady";
inline constexpr const char* reason_access_denied = "AccessDenied";
inline constexpr const char* reason_failure = "Failure";
inline constexpr const char* reason_interval_not_configured = "IntervalNotConfigured";

enum class reflection { never, if_not_present, always };

struct spec {
  std::string repository_name;
  std::string repository_namespace;  // as written; empty: the policy's own
  policy::policy_choice choice;
  bool has_filter = false;
  std::string filter_pattern;
  std::string filter_extract;
  reflection reflect = reflection::never;
  std::optional<std::chrono::milliseconds> interval;
  bool interval_set = false;  // spec.interval present (even if unparsable)
};

spec parse_spec(const json::value& obj);

std::optional<reconcile_error> validate(const spec& s);

// The ImageRepository a policy in `policy_ns` refers to.
kube::object_key repository_key(const spec& s, const std::string& policy_ns);

std::optional<std::chrono::milliseconds> requeue(const spec& s);

struct compiled_policy {
  policy::selector selector;
  std::optional<policy::tag_filter> filter;
};

result<compiled_policy> compile(const spec& s);

result<policy::selection> evaluate(const compiled_policy& p, const std::vector<std::string>& tags);

// status.latestRef and status.observedPreviousRef.
struct image_ref {
  std::string name;
  std::string tag;
  std::string digest;

  std::string str() const;  // name:tag[@digest]
  json::value to_json() const;
  static std::optional<image_ref> from_json(const json::value* v);
  friend bool operator==(const image_ref&, const image_ref&) = default;
};

// Whether the digest of `candidate` must be fetched; when not, and the current
// reference has the same image and tag, its digest is carried over into candidate.
bool needs_digest(reflection r, const std::optional<image_ref>& current, image_ref& candidate);

struct refs {
  std::optional<image_ref> latest;
  std::optional<image_ref> previous;
};

// Flux's updateImageRefs: only a different reference moves the current one to
// previous.
refs update_refs(refs current, const image_ref& latest);

// composeImagePolicyReadyMessage.
std::string ready_message(const refs& r);

}  // namespace fluxaws::actors::imagepolicy
