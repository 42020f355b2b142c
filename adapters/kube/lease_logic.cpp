#include "adapters/kube/lease_logic.hpp"

#include <cstdio>

#include "adapters/common/digest.hpp"
#include "adapters/kube/api_resource.hpp"

namespace fluxaws::kube {

std::string lease_name(std::string_view base, std::string_view label_selector) {
  if (label_selector.empty()) return std::string(base);
  return std::string(base) + "-" + digest::sha256_hex(label_selector).substr(0, 8);
}

std::string micro_time(timefmt::sys_time t) {
  auto secs = std::chrono::time_point_cast<std::chrono::seconds>(t);
  auto micros = std::chrono::duration_cast<std::chrono::microseconds>(t - secs).count();
  std::string base = timefmt::rfc3339(secs);  // ...Z
  char frac[16];
  std::snprintf(frac, sizeof frac, ".%06lld", static_cast<long long>(micros));
  return base.substr(0, base.size() - 1) + frac + "Z";
}

std::optional<lease_record> parse_lease(const json::value& lease) {
  if (!lease.is_object()) return std::nullopt;
  lease_record r;
  const json::value* spec = lease.find("spec");
  auto str = [&](std::string_view k) {
    const json::value* v = spec ? spec->find(k) : nullptr;
    return v && v->is_string() ? v->as_string() : std::string();
  };
  r.holder = str("holderIdentity");
  r.acquire_time = str("acquireTime");
  r.renew_time = str("renewTime");
  if (spec) {
    if (const json::value* d = spec->find("leaseDurationSeconds")) r.lease_duration_seconds = static_cast<int>(d->as_int());
    if (const json::value* t = spec->find("leaseTransitions")) r.lease_transitions = static_cast<int>(t->as_int());
  }
  const json::value* rv = lease.at({"metadata", "resourceVersion"});
  if (rv && rv->is_string()) r.resource_version = rv->as_string();
  return r;
}

json::value lease_object(const election_params& p, const lease_record& r) {
  json::value obj = json::value::make_object();
  obj.set("apiVersion", lease_resource().api_version());
  obj.set("kind", "Lease");
  json::value meta = json::value::make_object();
  meta.set("name", p.name);
  meta.set("namespace", p.ns);
  if (!r.resource_version.empty()) meta.set("resourceVersion", r.resource_version);
  obj.set("metadata", std::move(meta));
  json::value spec = json::value::make_object();
  spec.set("holderIdentity", r.holder);
  spec.set("leaseDurationSeconds", r.lease_duration_seconds);
  if (!r.acquire_time.empty()) spec.set("acquireTime", r.acquire_time);
  if (!r.renew_time.empty()) spec.set("renewTime", r.renew_time);
  spec.set("leaseTransitions", r.lease_transitions);
  obj.set("spec", std::move(spec));
  return obj;
}

lease_logic::plan lease_logic::next_step(const std::optional<lease_record>& current, steady::time_point now,
                                         timefmt::sys_time wall) {
  plan out;
  std::string stamp = micro_time(wall);
  if (!current) {
    out.what = plan::op::create;
    out.next.holder = p_.identity;
    out.next.lease_duration_seconds = static_cast<int>(p_.lease_duration.count());
    out.next.acquire_time = stamp;
    out.next.renew_time = stamp;
    out.next.lease_transitions = 0;
    return out;
  }
  // Note when the record last changed, on our own clock.
  lease_record seen = *current;
  lease_record seen_cmp = seen;
  lease_record observed_cmp = observed_;
  seen_cmp.resource_version.clear();
  observed_cmp.resource_version.clear();
  if (!have_observed_ || !(seen_cmp == observed_cmp)) {
    observed_at_ = now;
    have_observed_ = true;
  }
  observed_ = seen;
  bool ours = !seen.holder.empty() && seen.holder == p_.identity;
  auto duration = std::chrono::seconds(seen.lease_duration_seconds > 0 ? seen.lease_duration_seconds
                                                                        : p_.lease_duration.count());
  bool expired = seen.holder.empty() || now >= observed_at_ + duration;
  if (!ours && !expired) return out;  // someone else leads
  out.what = plan::op::update;
  out.next = seen;
  out.next.holder = p_.identity;
  out.next.lease_duration_seconds = static_cast<int>(p_.lease_duration.count());
  out.next.renew_time = stamp;
  if (!ours) {
    out.next.acquire_time = stamp;
    out.next.lease_transitions = seen.lease_transitions + 1;
  }
  return out;
}

void lease_logic::wrote(const lease_record& written, steady::time_point now) {
  observed_ = written;
  observed_at_ = now;
  have_observed_ = true;
  leading_ = written.holder == p_.identity && !written.holder.empty();
  if (leading_) last_renew_ = now;
}

void lease_logic::failed(steady::time_point now) {
  if (leading_ && now - last_renew_ >= p_.renew_deadline) leading_ = false;
}

bool lease_logic::leader(steady::time_point now) const {
  return leading_ && now - last_renew_ < p_.renew_deadline;
}

lease_record lease_logic::release(timefmt::sys_time wall) const {
  lease_record r = observed_;
  r.holder.clear();
  r.lease_duration_seconds = 1;
  r.renew_time = micro_time(wall);
  r.acquire_time = r.renew_time;
  return r;
}

}  // namespace fluxaws::kube
