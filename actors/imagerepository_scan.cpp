#include "actors/imagerepository_scan.hpp"

#include <algorithm>

#include "adapters/common/digest.hpp"
#include "adapters/oci/reference.hpp"

namespace fluxaws::actors::imagerepository {

result<exclusions> exclusions::compile(const std::vector<std::string>& patterns) {
  exclusions out;
  for (const auto& p : patterns) {
    // tag_filter gives Go's regexp syntax and Go's error texts; without an extract it
    // only matches.
    auto f = policy::tag_filter::compile(p, "");
    if (!f) {
      const auto& msg = f.error().message;
      auto at = msg.find("error parsing regexp:");
      std::string why = at == std::string::npos ? msg : msg.substr(at);
      return make_error("InvalidExclusion", "failed to compile regex " + p + ": " + why);
    }
    out.filters_.push_back(std::move(f).value());
  }
  return out;
}

bool exclusions::excluded(std::string_view tag) const {
  std::string scratch;
  for (const auto& f : filters_)
    if (f.apply(tag, scratch)) return true;
  return false;
}

std::vector<std::string> stored_tag_list(std::vector<std::string> listed, const exclusions& ex) {
  std::vector<std::string> kept;
  kept.reserve(listed.size());
  for (auto& t : listed)
    if (oci::is_valid_tag(t) && !ex.excluded(t)) kept.push_back(std::move(t));
  std::stable_sort(kept.begin(), kept.end(), [](const std::string& a, const std::string& b) { return a > b; });
  return kept;
}

std::string revision(const std::vector<std::string>& stored) {
  digest::sha256_stream h;
  for (const auto& t : stored) {
    h.update(t);
    h.update("\n");
  }
  return "sha256:" + h.finish_hex();
}

std::vector<std::string> latest_tags(const std::vector<std::string>& stored) {
  auto n = std::min(stored.size(), latest_tags_count);
  return std::vector<std::string>(stored.begin(), stored.begin() + static_cast<std::ptrdiff_t>(n));
}

json::value scan_result_json(const std::string& rev, std::size_t tag_count, const std::string& scan_time,
                             const std::vector<std::string>& latest) {
  json::value r = json::value::make_object();
  r["revision"] = rev;
  r["tagCount"] = static_cast<int64_t>(tag_count);
  r["scanTime"] = scan_time;
  if (!latest.empty()) {
    json::value arr = json::value::make_array();
    for (const auto& t : latest) arr.push_back(t);
    r["latestTags"] = std::move(arr);
  }
  return r;
}

bool same_list_content(const std::vector<std::string>& a, const std::vector<std::string>& b) {
  if (a.size() != b.size()) return false;
  for (const auto& x : a)
    if (std::find(b.begin(), b.end(), x) == b.end()) return false;
  return true;
}

scan_decision decide_scan(const scan_inputs& in) {
  auto now_scan = [&](const char* why) { return scan_decision{true, why, in.interval}; };
  if (!in.last_scan) return now_scan(scan_never);
  if (in.reconcile_requested) return now_scan(scan_requested);
  if (in.canonical_name != in.observed_canonical_name) return now_scan(scan_new_image);
  if (!same_list_content(in.exclusion_list, in.observed_exclusion_list)) return now_scan(scan_new_exclusions);
  if (in.database_tags == 0) return now_scan(scan_empty_database);
  auto elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(in.now - *in.last_scan);
  auto when = in.interval - elapsed;
  if (when < std::chrono::seconds(1)) return now_scan(scan_interval);
  return scan_decision{false, "", when};
}

}  // namespace fluxaws::actors::imagerepository
