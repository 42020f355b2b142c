#include "actors/kustomization_reconciler.hpp"

#include <caf/event_based_actor.hpp>
#include <caf/send.hpp>
#include <caf/typed_event_based_actor.hpp>

#include <cstdlib>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <set>

#include "actors/blocking.hpp"
#include "actors/identity.hpp"
#include "actors/kustomization_apply.hpp"
#include "actors/kustomization_build.hpp"
#include "actors/kustomization_decrypt.hpp"
#include "actors/kustomization_source.hpp"
#include "actors/kustomization_spec.hpp"
#include "adapters/archive/safe_extract.hpp"
#include "adapters/aws/async_calls.hpp"
#include "adapters/aws/endpoints.hpp"
#include "adapters/aws/retry.hpp"
#include "adapters/common/digest.hpp"
#include "adapters/common/log.hpp"
#include "adapters/common/time.hpp"
#include "adapters/kube/object.hpp"

namespace fluxaws::actors {

namespace fs = std::filesystem;
namespace ks = kustomization;
using namespace std::chrono_literals;

namespace {

constexpr const char* kArtifactFailed = "ArtifactFailed";
constexpr const char* kBuildFailed = "BuildFailed";
constexpr const char* kDependencyNotReady = "DependencyNotReady";
constexpr const char* kReconciliationFailed = "ReconciliationFailed";
constexpr const char* kProgressing = "Progressing";
// Artifacts are fluxaws's own; the caps only stop a hostile or corrupt one.
constexpr std::uint64_t kMaxArtifactBytes = std::uint64_t{1} << 30;

// What survives between reconciles of one Kustomization (one per object actor).
struct ks_memory {
  ks::data_key_cache keys;
  // The source and dependency actors we subscribed to.
  std::map<kube::object_key, object_actor> subscribed;
  // A subscription is answered at once with the current state, which the run reads
  // anyway (and may receive before that event): that first event is not news.
  std::set<kube::object_key> skip_first_event;
  std::string source_token;  // the source's artifact as last seen
  kube::object_key source;   // the source of the last run
  bool waiting = false;      // the last run waited for the source or a dependency
  json::value inventory;     // status.inventory of the last apply (cluster mode: pruned on deletion)
};

// Everything a build produces for the steps after it.
struct build_output {
  std::vector<json::value> resources;
  std::vector<ks::sops_target> targets;
  std::vector<ks::recovery_job> jobs;
};

std::string go_duration(std::chrono::milliseconds d) {
  return timefmt::go_duration(std::chrono::duration_cast<std::chrono::nanoseconds>(d));
}

class ks_run : public std::enable_shared_from_this<ks_run> {
 public:
  ks_run(run_ptr run, std::shared_ptr<ks_memory> memory)
      : run_(std::move(run)),
        mem_(std::move(memory)),
        spec_(ks::parse_spec(run_->object())),
        pool_(run_->eng().pool) {}

  // May run after the object actor is gone: touches only what it owns.
  ~ks_run() {
    for (auto& k : job_keys_) ks::wipe(k);
    cleanup();
  }

  void start() {
    mem_->waiting = false;
    forget_stale_subscriptions();
    mem_->source = ks::source_key(spec_);
    lookup_source();
  }

 private:
  using self_ptr = object_actor::pointer;

  self_ptr self() const { return run_->self(); }
  const engine& eng() const { return run_->eng(); }
  int64_t gen() const { return run_->generation(); }
  std::string timeout_text() const { return go_duration(ks::effective_timeout(spec_)); }

  // ---- endings ------------------------------------------------------------------------

  // A failure Flux retries: after spec.retryInterval when set, else with backoff.
  void fail(const std::string& reason, const std::string& message) {
    run_->conditions().mark_false(cond::ready, reason, message, gen(), run_->now());
    run_->event(true, reason, message);
    cleanup();
    reconcile_error err = reconcile_error::generic(reason, message);
    if (!eng().opts.once && spec_.retry_interval) err = reconcile_error::waiting(reason, message, *spec_.retry_interval);
    run_->finish({result_kind::empty, err});
  }

  void stall(const std::string& reason, const std::string& message) {
    run_->conditions().mark_false(cond::ready, reason, message, gen(), run_->now());
    run_->event(true, reason, message);
    cleanup();
    run_->finish({result_kind::empty, reconcile_error::stalling(reason, message)});
  }

  // Waiting for the source or a dependency. A subscription wakes us earlier; with
  // --once a dependency that settled failing ends the wait.
  void wait_for(const std::string& reason, const std::string& message, bool settled_failure,
                std::chrono::milliseconds after) {
    run_->conditions().mark_false(cond::ready, reason, message, gen(), run_->now());
    run_->log_info(message);
    cleanup();
    mem_->waiting = true;
    if (eng().opts.once && settled_failure) {
      run_->finish({result_kind::empty, reconcile_error::generic(reason, message)});
      return;
    }
    // --once: look again soon; the source's events usually come first.
    if (eng().opts.once) after = std::min<std::chrono::milliseconds>(after, std::chrono::seconds(1));
    run_->finish({result_kind::empty, reconcile_error::waiting(reason, message, after)});
  }

  void cleanup() {
    if (work_.empty()) return;
    auto dir = work_;
    work_.clear();
    blocking_job job = [dir] {
      std::error_code ec;
      fs::remove_all(dir, ec);
    };
    caf::anon_send(pool_, run_atom::value, std::move(job));
  }

  // ---- subscriptions -------------------------------------------------------------------------

  void forget_stale_subscriptions() {
    std::vector<kube::object_key> wanted{ks::source_key(spec_)};
    for (const auto& d : spec_.depends_on) wanted.push_back({"Kustomization", d.ns, d.name});
    for (auto it = mem_->subscribed.begin(); it != mem_->subscribed.end();) {
      if (std::find(wanted.begin(), wanted.end(), it->first) == wanted.end()) {
        self()->send(it->second, unsubscribe_atom::value, caf::actor_cast<caf::actor>(self()));
        it = mem_->subscribed.erase(it);
      } else {
        ++it;
      }
    }
  }

  void subscribe(const kube::object_key& key, const object_actor& a) {
    auto it = mem_->subscribed.find(key);
    if (it != mem_->subscribed.end() && it->second == a) return;
    mem_->subscribed[key] = a;
    mem_->skip_first_event.insert(key);
    self()->send(a, subscribe_atom::value, caf::actor_cast<caf::actor>(self()));
  }

  // Looks an object up through the supervisor, subscribes, and reads it with its status.
  template <class Found, class Missing>
  void read_object(const kube::object_key& key, Found found, Missing missing) {
    auto me = shared_from_this();
    self()
        ->request(run_->supervisor(), run_->remaining(), lookup_atom::value, key)
        .then(
            [me, key, found, missing](object_actor a) mutable {
              if (!me->run_->alive()) return;
              if (!a) {
                missing();
                return;
              }
              me->subscribe(key, a);
              me->self()
                  ->request(a, me->run_->remaining(), status_atom::value)
                  .then(
                      [me, found](json::value& obj) mutable {
                        if (!me->run_->alive()) return;
                        found(obj);
                      },
                      [me, missing](caf::error&) mutable {
                        if (!me->run_->alive()) return;
                        missing();  // it went away between lookup and read
                      });
            },
            [me, key](caf::error& err) {
              if (!me->run_->alive()) return;
              me->fail(kArtifactFailed, "unable to get '" + key.to_string() +
                                            "': " + me->self()->system().render(err));
            });
  }

  // ---- source ----------------------------------------------------------------------------------

  void lookup_source() {
    auto me = shared_from_this();
    read_object(
        ks::source_key(spec_), [me](json::value& obj) { me->on_source(obj); },
        [me] {
          std::string msg = "Source '" + ks::source_display(me->spec_) + "' not found";
          me->run_->conditions().mark_false(cond::ready, kArtifactFailed, msg, me->gen(), me->run_->now());
          me->run_->log_info(msg);
          me->mem_->waiting = true;
          me->cleanup();
          if (me->eng().opts.once) {
            me->run_->finish({result_kind::empty, reconcile_error::generic(kArtifactFailed, msg)});
            return;
          }
          me->run_->finish({result_kind::empty, reconcile_error::waiting(kArtifactFailed, msg,
                                                                         ks::effective_retry_interval(me->spec_))});
        });
  }

  void on_source(const json::value& obj) {
    const json::value* st = obj.find("status");
    json::value status = st ? *st : json::value::make_object();
    mem_->source_token = ks::artifact_token(status);
    auto art = ks::artifact_of(status);
    if (!art) {
      wait_for(kDependencyNotReady,
               "Source artifact not found, retrying in " + go_duration(eng().opts.requeue_dependency),
               ks::settled_not_ready(obj), eng().opts.requeue_dependency);
      return;
    }
    artifact_ = *art;
    check_dependency(0);
  }

  // ---- dependsOn ---------------------------------------------------------------------------------

  void check_dependency(std::size_t i) {
    if (i >= spec_.depends_on.size()) {
      if (!spec_.depends_on.empty()) run_->log_info("All dependencies are ready, proceeding with reconciliation");
      fetch();
      return;
    }
    const auto& d = spec_.depends_on[i];
    auto me = shared_from_this();
    auto requeue = eng().opts.requeue_dependency;
    if (d.ns == run_->key().ns && d.name == run_->key().name) {
      // Never ready before itself: Flux waits forever; do not subscribe to ourselves.
      wait_for(kDependencyNotReady, "dependency '" + d.ns + "/" + d.name + "' is not ready", true, requeue);
      return;
    }
    read_object(
        kube::object_key{"Kustomization", d.ns, d.name},
        [me, i, requeue](json::value& dep) {
          const auto& d = me->spec_.depends_on[i];
          if (auto why = ks::dependency_not_ready(d, dep, me->spec_, me->artifact_)) {
            me->run_->event(false, kDependencyNotReady,
                            "Dependencies do not meet ready condition, retrying in " + go_duration(requeue));
            me->wait_for(kDependencyNotReady, *why, ks::settled_not_ready(dep), requeue);
            return;
          }
          me->check_dependency(i + 1);
        },
        [me, i, requeue] {
          const auto& d = me->spec_.depends_on[i];
          me->wait_for(kDependencyNotReady,
                       "dependency '" + d.ns + "/" + d.name + "' not found: kustomizations.kustomize.toolkit.fluxcd.io \"" +
                           d.name + "\" not found",
                       true, requeue);
        });
  }

  // ---- artifact ----------------------------------------------------------------------------------

  void fetch() {
    auto t = run_->now();
    run_->conditions().mark_unknown(cond::ready, kProgressing, "Reconciliation in progress", gen(), t);
    run_->conditions().mark_reconciling(kProgressing,
                                        "Fetching manifests for revision " + artifact_.revision +
                                            " with a timeout of " + timeout_text(),
                                        gen(), t);
    run_->publish();
    auto me = shared_from_this();
    auto name = run_->key().ns + "-" + run_->key().name;
    run_blocking<std::string>(
        self(), eng().pool, run_->remaining(),
        [name]() -> result<std::string> {
          auto tmpl = (fs::temp_directory_path() / ("fluxaws-kustomization-" + name + "-XXXXXX")).string();
          std::vector<char> buf(tmpl.begin(), tmpl.end());
          buf.push_back('\0');
          if (!::mkdtemp(buf.data())) return make_error("DirCreationFailed", "tmp dir error: cannot create it");
          return std::string(buf.data());
        },
        [me](result<std::string> dir) {
          if (!dir.ok()) {
            if (me->run_->alive()) me->fail("DirCreationFailed", dir.error().message);
            return;
          }
          me->work_ = *dir;
          if (!me->run_->alive()) {
            me->cleanup();
            return;
          }
          me->download();
        });
  }

  void download() {
    http::request req;
    req.url = artifact_.url;
    req.timeout = run_->remaining();
    req.body_file = (fs::path(work_) / "artifact.tar.gz").string();
    req.max_body = kMaxArtifactBytes;
    auto me = shared_from_this();
    aws::async::send(self(), eng().http, std::move(req), [me](const http::response& r) {
      if (!me->run_->alive()) return;
      const auto& url = me->artifact_.url;
      if (!r.ok()) {
        me->fail(kArtifactFailed, "failed to download archive from " + url + ": " + r.describe_failure(url));
        return;
      }
      if (r.status == 404) {
        auto requeue = me->eng().opts.requeue_dependency;
        me->wait_for(kArtifactFailed,
                     "Source is not ready, artifact not found, retrying in " + go_duration(requeue), true, requeue);
        return;
      }
      if (r.status < 200 || r.status >= 300) {
        me->fail(kArtifactFailed,
                 "failed to download archive from " + url + ", status: " + std::to_string(r.status));
        return;
      }
      if (auto st = ks::verify_artifact_digest(me->artifact_.digest, r.body_sha256_hex); !st) {
        me->fail(kArtifactFailed, st.error().message);
        return;
      }
      me->build();
    });
  }

  // ---- build (on the pool): unpack, manifests, what to decrypt -------------------------------------

  void build() {
    auto me = shared_from_this();
    auto work = fs::path(work_);
    auto path = spec_.path;
    auto target_ns = spec_.target_namespace;
    bool decrypt = spec_.decryption.has_value();
    run_blocking<std::shared_ptr<build_output>>(
        self(), eng().pool, run_->remaining(),
        [work, path, target_ns, decrypt]() -> result<std::shared_ptr<build_output>> {
          archive::extract_options xo;
          xo.max_bytes = kMaxArtifactBytes;
          auto x = archive::extract_tar_file(work / "artifact.tar.gz", work / "source", xo);
          std::error_code ec;
          fs::remove(work / "artifact.tar.gz", ec);
          if (!x.ok()) return make_error(kArtifactFailed, "failed to extract artifact: " + x.error().message);
          auto built = ks::build_manifests(work / "source", path, target_ns);
          if (!built.ok()) return built.error();
          auto out = std::make_shared<build_output>();
          for (auto& r : *built) out->resources.push_back(std::move(r.object));
          if (decrypt) {
            auto targets = ks::find_targets(out->resources);
            if (!targets.ok()) return targets.error();
            out->targets = std::move(*targets);
            auto jobs = ks::recovery_jobs(out->resources, out->targets);
            if (!jobs.ok()) return jobs.error();
            out->jobs = std::move(*jobs);
          }
          return out;
        },
        [me](result<std::shared_ptr<build_output>> b) {
          if (!me->run_->alive()) return;
          if (!b.ok()) {
            if (b.error().code != kArtifactFailed) me->attempted();
            me->fail(b.error().code == kArtifactFailed ? kArtifactFailed : kBuildFailed, b.error().message);
            return;
          }
          me->attempted();
          me->out_ = std::move(*b);
          me->job_keys_.assign(me->out_->jobs.size(), std::string());
          me->recover(0);
        });
  }

  // The artifact is there and the path exists: Flux records the attempt now.
  void attempted() {
    run_->status()["lastAttemptedRevision"] = artifact_.revision;
    run_->conditions().mark_reconciling(kProgressing,
                                        "Building manifests for revision " + artifact_.revision +
                                            " with a timeout of " + timeout_text(),
                                        gen(), run_->now());
    run_->publish();
  }

  // ---- data keys through KMS -------------------------------------------------------------------------

  void recover(std::size_t j) {
    if (j >= out_->jobs.size()) {
      apply();
      return;
    }
    recovery_ = std::make_unique<ks::key_recovery>(out_->jobs[j].meta, out_->jobs[j].keys);
    try_key(j);
  }

  void try_key(std::size_t j) {
    const sops::kms_master_key* k = recovery_->next();
    if (!k) {
      auto key = recovery_->data_key();
      recovery_.reset();
      if (!key.ok()) {
        const auto& first = out_->targets[out_->jobs[j].targets.front()];
        fail(kBuildFailed, ks::target_subject(out_->resources[first.resource], first) +
                               ": cannot get sops data key: " + key.error().message);
        return;
      }
      job_keys_[j] = std::move(*key);
      recover(j + 1);
      return;
    }
    with_credentials(j, *k, false, [me = shared_from_this(), j](const sops::kms_master_key& key) {
      me->kms_decrypt(j, key, false);
    });
  }

  credential_request credential_ask(const sops::kms_master_key& k) const {
    credential_request q;
    q.object = run_->key();
    q.service_account = spec_.decryption ? spec_.decryption->service_account : std::string();
    q.secret_ref = spec_.decryption ? spec_.decryption->secret_ref : std::string();
    q.secret_format = "sops";
    q.region = k.region;
    q.assume_role_arn = k.role;
    return q;
  }

  static std::string creds_slot(const sops::kms_master_key& k) { return k.region + "\n" + k.role; }

  // Calls next(key) once credentials for the key's region and role are in creds_; a
  // failure to get them is that key's failure (the next key may work).
  template <class Next>
  void with_credentials(std::size_t j, const sops::kms_master_key& k, bool refresh, Next next) {
    auto slot = creds_slot(k);
    if (!refresh && creds_.count(slot)) {
      next(k);
      return;
    }
    if (!eng().identities) {
      recovery_->failed("failed to get credentials: no credential plane configured");
      try_key(j);
      return;
    }
    auto me = shared_from_this();
    auto key = k;
    self()
        ->request(eng().identities, run_->remaining() + 5s, credentials_atom::value, credential_ask(k))
        .then(
            [me, j, key, slot, next](credential_reply& r) mutable {
              if (!me->run_->alive()) return;
              if (!r.ok) {
                if (r.stalling) {
                  me->stall(r.error.code.empty() ? kBuildFailed : r.error.code, r.error.message);
                  return;
                }
                me->recovery_->failed("failed to get credentials: " + r.error.message);
                me->try_key(j);
                return;
              }
              me->creds_[slot] = std::move(r);
              next(key);
            },
            [me, j](caf::error& err) {
              if (!me->run_->alive()) return;
              me->recovery_->failed("failed to get credentials: " + me->self()->system().render(err));
              me->try_key(j);
            });
  }

  std::string identity_of(const credential_reply& r) const {
    std::string id = r.identity;
    if (r.creds.source == "static")  // a rotated key pair is another identity
      id += "\n" + digest::sha256_hex(r.creds.access_key_id + "\n" + r.creds.secret_access_key + "\n" +
                                      r.creds.session_token);
    return id;
  }

  void kms_decrypt(std::size_t j, const sops::kms_master_key& k, bool retried) {
    const auto& cr = creds_[creds_slot(k)];
    auto ck = ks::cache_key(identity_of(cr), k);
    if (const std::string* hit = mem_->keys.find(ck)) {
      recovery_->succeeded(*hit);
      try_key(j);
      return;
    }
    auto ep = aws::resolve_endpoint(aws::service::kms, k.region,
                                    aws::endpoint_settings_from_env(eng().opts.aws_env, aws::service::kms));
    if (!ep) {
      recovery_->failed("cannot resolve the KMS endpoint: " + ep.error().message);
      try_key(j);
      return;
    }
    aws::kms::decrypt_params p;
    p.ciphertext_blob = k.ciphertext_blob;
    p.context = k.encryption_context;
    p.key_id = k.arn;
    auto me = shared_from_this();
    auto key = k;
    aws::async::kms_decrypt(
        self(), eng().http, *ep, cr.creds, p, std::min<std::chrono::milliseconds>(run_->remaining(), 30s),
        [me, j, key, ck, retried](result<aws::kms::decrypt_result> r) mutable {
          if (!me->run_->alive()) {
            if (r.ok()) ks::wipe(r->plaintext);
            return;
          }
          if (!r.ok()) {
            if (!retried && aws::is_expired_credentials(r.error()) && me->eng().identities) {
              // A session that expired under us: evict it and ask again, once.
              me->self()->send(me->eng().identities, invalidate_atom::value, me->credential_ask(key),
                               std::string("credentials"));
              me->with_credentials(j, key, true,
                                   [me, j](const sops::kms_master_key& k2) { me->kms_decrypt(j, k2, true); });
              return;
            }
            me->recovery_->failed(r.error().to_string());
            me->try_key(j);
            return;
          }
          me->mem_->keys.put(ck, r->plaintext);
          me->recovery_->succeeded(std::move(r->plaintext));
          me->try_key(j);
        });
  }

  // ---- decrypt and apply (on the pool) -----------------------------------------------------------------

  // Decrypts every target (on the pool) with the recovered keys; the job owns a copy of
  // the keys, since an abandoned run may be gone before it ends.
  static result<std::vector<json::value>> decrypt_all(const std::shared_ptr<build_output>& out,
                                                      const std::shared_ptr<std::vector<std::string>>& job_keys,
                                                      bool verify_mac) {
    std::vector<const std::string*> keys(out->targets.size(), nullptr);
    for (std::size_t j = 0; j < out->jobs.size(); ++j)
      for (auto t : out->jobs[j].targets) keys[t] = &(*job_keys)[j];
    auto objects = ks::decrypt_targets(std::move(out->resources), out->targets, keys, verify_mac);
    for (auto& k : *job_keys) ks::wipe(k);
    if (!objects.ok()) return objects.error();
    if (auto e = ks::unencrypted_secret_error(*objects)) return make_error(kReconciliationFailed, *e);
    return objects;
  }

  void apply() {
    if (eng().applier) {
      apply_to_cluster();
      return;
    }
    if (eng().opts.state_dir.empty()) {
      fail(kReconciliationFailed, "nowhere to apply: no state directory (local mode) and no cluster applier");
      return;
    }
    auto job_keys = std::make_shared<std::vector<std::string>>(job_keys_);
    auto out = out_;
    auto me = shared_from_this();
    auto target = ks::applied_dir(eng().opts.state_dir, run_->key().ns, run_->key().name);
    bool keep_stale = !spec_.prune;
    bool verify_mac = eng().opts.sops_verify_mac;
    struct applied {
      std::vector<kube::inventory_entry> inventory;
    };
    run_blocking<applied>(
        self(), eng().pool, run_->remaining(),
        [out, job_keys, target, keep_stale, verify_mac]() -> result<applied> {
          auto objects = decrypt_all(out, job_keys, verify_mac);
          if (!objects.ok()) return objects.error();
          auto prepared = ks::prepare_apply(std::move(*objects));
          if (!prepared.ok()) return prepared.error();
          if (auto st = ks::write_applied(target, *prepared, keep_stale); !st)
            return make_error(kReconciliationFailed, "apply failed: " + st.error().message);
          return applied{ks::inventory_of(*prepared)};
        },
        [me](result<applied> a) {
          for (auto& k : me->job_keys_) ks::wipe(k);
          me->cleanup();
          if (!me->run_->alive()) return;
          if (!a.ok()) {
            me->fail(a.error().code == kBuildFailed ? kBuildFailed : kReconciliationFailed, a.error().message);
            return;
          }
          me->succeeded(a->inventory);
        });
  }

  // Cluster mode: the same checks, then server-side apply through the engine's applier
  // (which prunes against the previous inventory and answers the new one).
  void apply_to_cluster() {
    auto job_keys = std::make_shared<std::vector<std::string>>(job_keys_);
    auto out = out_;
    auto me = shared_from_this();
    bool verify_mac = eng().opts.sops_verify_mac;
    using objects_ptr = std::shared_ptr<std::vector<json::value>>;
    run_blocking<objects_ptr>(
        self(), eng().pool, run_->remaining(),
        [out, job_keys, verify_mac]() -> result<objects_ptr> {
          auto objects = decrypt_all(out, job_keys, verify_mac);
          if (!objects.ok()) return objects.error();
          if (auto st = ks::check_and_normalize(*objects, {.require_namespaces = false}); !st) return st.error();
          return std::make_shared<std::vector<json::value>>(std::move(*objects));
        },
        [me](result<objects_ptr> objects) {
          for (auto& k : me->job_keys_) ks::wipe(k);
          me->cleanup();
          if (!me->run_->alive()) return;
          if (!objects.ok()) {
            me->fail(objects.error().code == kBuildFailed ? kBuildFailed : kReconciliationFailed,
                     objects.error().message);
            return;
          }
          kube::apply_request req;
          req.owner = me->run_->key();
          req.manifests = std::move(**objects);
          if (const json::value* inv = me->run_->status().find("inventory")) req.previous_inventory = *inv;
          req.prune = me->spec_.prune;
          // No default namespace: targetNamespace was set by the build, and a namespaced
          // object still without one fails as in kustomize-controller (and local mode).
          req.impersonate = ks::impersonated_user(me->spec_, me->run_->key().ns, me->eng().opts);
          me->self()
              ->request(me->eng().applier, me->run_->remaining(), kube::apply_atom::value, std::move(req))
              .then(
                  [me](kube::apply_result& r) {
                    if (!me->run_->alive()) return;
                    if (!r.ok) {
                      me->fail(kReconciliationFailed, r.error.message);
                      return;
                    }
                    me->succeeded(kube::parse_inventory(r.inventory));
                  },
                  [me](caf::error& err) {
                    if (!me->run_->alive()) return;
                    me->fail(kReconciliationFailed, "server-side apply failed: " + me->self()->system().render(err));
                  });
        });
  }

  void succeeded(const std::vector<kube::inventory_entry>& inventory) {
    auto& st = run_->status();
    st["inventory"] = kube::inventory_json(inventory);
    mem_->inventory = st["inventory"];
    st["lastAppliedRevision"] = artifact_.revision;
    st["lastAttemptedRevision"] = artifact_.revision;
    if (!artifact_.origin_revision.empty())
      st["lastAppliedOriginRevision"] = artifact_.origin_revision;
    else
      st.erase("lastAppliedOriginRevision");
    run_->conditions().mark_true(cond::ready, "ReconciliationSucceeded", "Applied revision: " + artifact_.revision,
                                 gen(), run_->now());
    run_->event(false, "ReconciliationSucceeded",
                "Reconciliation finished, " + std::to_string(inventory.size()) + " objects applied, next run in " +
                    go_duration(spec_.interval));
    run_->finish({result_kind::success, {}});
  }

  run_ptr run_;
  std::shared_ptr<ks_memory> mem_;
  ks::spec spec_;
  blocking_pool_actor pool_;  // for cleanup, also from the destructor
  ks::source_artifact artifact_;
  std::string work_;
  std::shared_ptr<build_output> out_;
  std::vector<std::string> job_keys_;
  std::unique_ptr<ks::key_recovery> recovery_;
  std::map<std::string, credential_reply> creds_;  // per region and role, this run only
};

class kustomization_reconciler : public kind_reconciler {
 public:
  const summary_policy* policy() const override { return nullptr; }  // Ready is set explicitly, as Flux does

  std::optional<reconcile_error> validate(const json::value& obj, const engine& eng) const override {
    return ks::validate(ks::parse_spec(obj), kube::key_of(obj), eng.opts);
  }

  std::chrono::milliseconds interval(const json::value& obj) const override { return ks::parse_spec(obj).interval; }
  std::chrono::milliseconds timeout(const json::value& obj) const override {
    return ks::effective_timeout(ks::parse_spec(obj));
  }

  void reconcile(run_ptr run) override { std::make_shared<ks_run>(std::move(run), memory_)->start(); }

  bool on_source_event(const source_event& ev) override {
    auto& m = *memory_;
    if (ev.deleted) {
      m.subscribed.erase(ev.source);
      m.skip_first_event.erase(ev.source);
      return true;
    }
    if (m.skip_first_event.erase(ev.source) > 0) return false;
    if (ev.source == m.source) {
      auto token = ks::artifact_token(ev.status);
      if (token != m.source_token) {
        m.source_token = token;
        return true;
      }
    }
    return m.waiting;
  }

  void on_delete(object_actor::pointer self, const engine& eng, const json::value& obj) override {
    memory_->keys.clear();
    for (const auto& [key, a] : memory_->subscribed)
      self->send(a, unsubscribe_atom::value, caf::actor_cast<caf::actor>(self));
    memory_->subscribed.clear();
    auto s = ks::parse_spec(obj);
    auto key = kube::key_of(obj);
    if (eng.applier) {
      if (ks::delete_on_removal(s)) prune_inventory(self, eng, s, key, obj);
      return;
    }
    if (eng.opts.state_dir.empty() || !ks::delete_on_removal(s)) return;
    auto dir = ks::applied_dir(eng.opts.state_dir, key.ns, key.name);
    blocking_job job = [dir] { (void)ks::remove_applied(dir); };
    caf::anon_send(eng.pool, run_atom::value, std::move(job));
  }

 private:
  // Cluster mode: the deleted Kustomization's objects go with it, as kustomize-controller
  // garbage-collects its inventory (as the impersonated user). A short-lived actor waits
  // for the applier, since the object actor stops now.
  void prune_inventory(object_actor::pointer self, const engine& eng, const ks::spec& s, const kube::object_key& key,
                       const json::value& obj) {
    json::value inventory = memory_->inventory;
    if (inventory.is_null())
      if (const json::value* inv = obj.at({"status", "inventory"})) inventory = *inv;
    if (kube::parse_inventory(inventory).empty()) return;
    kube::apply_request req;
    req.owner = key;
    req.previous_inventory = std::move(inventory);
    req.prune = true;
    req.impersonate = ks::impersonated_user(s, key.ns, eng.opts);
    auto applier = eng.applier;
    self->system().spawn([applier, req = std::move(req)](caf::event_based_actor* gc) mutable {
      auto what = req.owner.to_string();
      gc->request(applier, std::chrono::minutes(2), kube::apply_atom::value, std::move(req))
          .then(
              [what](kube::apply_result& r) {
                if (!r.ok) {
                  log::error("cannot garbage-collect a deleted Kustomization's objects",
                             {{"object", what}, {"error", r.error.message}});
                  return;
                }
                std::string pruned;
                for (const auto& p : r.pruned) pruned += (pruned.empty() ? "" : ", ") + p;
                log::info("garbage-collected a deleted Kustomization's objects", {{"object", what}, {"pruned", pruned}});
              },
              [what](caf::error&) {
                log::error("cannot garbage-collect a deleted Kustomization's objects",
                           {{"object", what}, {"error", "the applier did not answer"}});
              });
    });
  }

  std::shared_ptr<ks_memory> memory_ = std::make_shared<ks_memory>();
};

}  // namespace

std::shared_ptr<kind_reconciler> make_kustomization_reconciler() {
  return std::make_shared<kustomization_reconciler>();
}

}  // namespace fluxaws::actors
