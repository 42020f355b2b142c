// Leader election on a coordination.k8s.io/v1 Lease, as plain logic (client-go's
// leaderelection with controller-runtime's defaults: 35 s lease, 30 s renew
// deadline, 5 s retry period). The actor in leader_elector.hpp does the I/O.
//
// Contract:
//  - Expiry is judged on this process's steady clock from when the record was last
//    seen to change (not from the remote renewTime), so clock skew between replicas
//    cannot make two leaders.
//  - plan() says what to write: create a missing Lease, take an expired one (or one
//    with an empty holder), renew our own; or nothing while another holder's lease
//    is live. Writes carry the observed resourceVersion, so the API server rejects a
//    racing writer with 409 (optimistic concurrency).
//  - A leader that has not renewed within the renew deadline is no longer leader.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

#include "adapters/common/json.hpp"
#include "adapters/common/time.hpp"

namespace fluxaws::kube {

struct lease_record {
  std::string holder;
  int lease_duration_seconds = 0;
  std::string acquire_time;  // MicroTime text, kept as the server wrote it
  std::string renew_time;
  int lease_transitions = 0;
  std::string resource_version;

  friend bool operator==(const lease_record&, const lease_record&) = default;
};

struct election_params {
  std::string ns;
  std::string name = "fluxaws-leader-election";
  std::string identity;  // unique per replica: "<pod name>_<random>"
  std::chrono::seconds lease_duration{35};
  std::chrono::seconds renew_deadline{30};
  std::chrono::seconds retry_period{5};
};

// "fluxaws-leader-election", or with "-<8 hex of sha256(selector)>" when a label
// selector shards the objects, so each shard elects its own leader.
std::string lease_name(std::string_view base, std::string_view label_selector);

// Kubernetes MicroTime: 2006-01-02T15:04:05.000000Z
std::string micro_time(timefmt::sys_time t);

std::optional<lease_record> parse_lease(const json::value& lease);
json::value lease_object(const election_params& p, const lease_record& r);

class lease_logic {
 public:
  using steady = std::chrono::steady_clock;

  explicit lease_logic(election_params p) : p_(std::move(p)) {}

  struct plan {
    enum class op { none, create, update } what = op::none;
    lease_record next;
  };
  // `current`: the Lease as just read (nullopt: it does not exist).
  plan next_step(const std::optional<lease_record>& current, steady::time_point now, timefmt::sys_time wall);
  // Our write of `written` succeeded at `now`.
  void wrote(const lease_record& written, steady::time_point now);
  // A write failed (409 or otherwise) or the read failed.
  void failed(steady::time_point now);

  bool leader(steady::time_point now) const;
  // The holder as last observed (empty when unknown).
  const std::string& observed_holder() const { return observed_.holder; }
  // A record that hands the lease over at once (on shutdown): empty holder, 1 s.
  lease_record release(timefmt::sys_time wall) const;
  const election_params& params() const { return p_; }

 private:
  election_params p_;
  lease_record observed_;
  bool have_observed_ = false;
  steady::time_point observed_at_{};
  bool leading_ = false;
  steady::time_point last_renew_{};
};

}  // namespace fluxaws::kube
