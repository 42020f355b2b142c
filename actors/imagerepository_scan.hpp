// What an ImageRepository scan makes of the registry's tag list, and when to scan
// — image-reflector-controller's scan(), filterOutTags(), sortTagsAndGetLatestTags()
// and shouldScan(), as plain functions.
//
// Contract:
//  - exclusions: spec.exclusionList compiled as Go regexps (RE2, Go's syntax). A tag
//    is dropped when any pattern matches anywhere in it (Go's MatchString). A pattern
//    that does not compile is an error naming it, in Flux's words ("failed to compile
//    regex (x: error parsing regexp: missing closing ): `(x`").
//  - stored_tag_list(): the tags kept for the database — not excluded, valid tag
//    syntax (a hostile registry cannot smuggle a newline into the line-per-tag
//    database), in descending byte order (Flux sorts the list it stores).
//  - revision(): "sha256:<hex>" over the stored list, one tag per line, each ended by
//    "\n" — Flux's filesystem tag database checksum.
//  - latest_tags(): the first 10 of the stored (descending) list.
//  - scan_result_json(): status.lastScanResult (latestTags omitted when empty).
//  - decide_scan(): shouldScan() — scan at once when never scanned, on a new
//    reconcile request, a new canonical image name, a changed exclusion list (as a
//    set), an empty database, or when less than a second of the interval is left;
//    otherwise wait the rest of the interval.
#pragma once

#include <chrono>
#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "actors/image_policy_select.hpp"
#include "adapters/common/json.hpp"
#include "adapters/common/result.hpp"

namespace fluxaws::actors::imagerepository {

inline constexpr std::size_t latest_tags_count = 10;

class exclusions {
 public:
  static result<exclusions> compile(const std::vector<std::string>& patterns);
  bool excluded(std::string_view tag) const;

 private:
  std::vector<policy::tag_filter> filters_;
};

std::vector<std::string> stored_tag_list(std::vector<std::string> listed, const exclusions& ex);

std::string revision(const std::vector<std::string>& stored);

std::vector<std::string> latest_tags(const std::vector<std::string>& stored);

json::value scan_result_json(const std::string& revision, std::size_t tag_count, const std::string& scan_time,
                             const std::vector<std::string>& latest);

// Reasons, as Flux logs them.
inline constexpr const char* scan_never = "first scan";
inline constexpr const char* scan_requested = "reconcile requested";
inline constexpr const char* scan_new_image = "new image name";
inline constexpr const char* scan_new_exclusions = "updated exclusion list";
inline constexpr const char* scan_empty_database = "no tags in database";
inline constexpr const char* scan_interval = "triggered by interval";

struct scan_inputs {
  std::chrono::milliseconds interval{0};
  // From status.lastScanResult.scanTime; nullopt when never scanned.
  std::optional<std::chrono::system_clock::time_point> last_scan;
  bool reconcile_requested = false;
  std::string canonical_name;           // of spec.image now
  std::string observed_canonical_name;  // status.canonicalImageName
  std::vector<std::string> exclusion_list;
  std::vector<std::string> observed_exclusion_list;
  std::size_t database_tags = 0;
  std::chrono::system_clock::time_point now;
};

struct scan_decision {
  bool scan = false;
  std::string reason;               // empty when not scanning
  std::chrono::milliseconds next{0};  // until the next scan is due
};

scan_decision decide_scan(const scan_inputs& in);

// Flux's isEqualSliceContent: same length and every element of a is in b.
bool same_list_content(const std::vector<std::string>& a, const std::vector<std::string>& b);

}  // namespace fluxaws::actors::imagerepository
