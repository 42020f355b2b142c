#include "actors/ocirepository_reconciler.hpp"

#include <caf/send.hpp>
#include <caf/typed_event_based_actor.hpp>

#include <map>
#include <memory>
#include <optional>

#include "actors/artifact_store.hpp"
#include "actors/blocking.hpp"
#include "actors/identity.hpp"
#include "actors/identity_resolution.hpp"
#include "actors/ocirepository_keychain.hpp"
#include "actors/ocirepository_layer.hpp"
#include "actors/ocirepository_ref.hpp"
#include "actors/ocirepository_registry_slot.hpp"
#include "actors/ocirepository_spec.hpp"
#include "adapters/aws/ecr_host.hpp"
#include "adapters/common/metrics.hpp"
#include "adapters/kube/object.hpp"
#include "adapters/oci/error_codes.hpp"

namespace fluxaws::actors {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

namespace {

// Conditions (source-controller's api/v1).
constexpr const char* kFetchFailed = "FetchFailed";
constexpr const char* kStorageFailed = "StorageOperationFailed";
constexpr const char* kOutdated = "ArtifactOutdated";
constexpr const char* kInStorage = "ArtifactInStorage";
constexpr const char* kSourceVerified = "SourceVerified";
// Reasons.
constexpr const char* kAuthFailed = "AuthenticationFailed";
constexpr const char* kURLInvalid = "URLInvalid";
constexpr const char* kReadFailed = "ReadOperationFailed";
constexpr const char* kPullFailed = "OCIArtifactPullFailed";
constexpr const char* kLayerFailed = "OCIArtifactLayerOperationFailed";
constexpr const char* kDirCreationFailed = "DirectoryCreationFailed";
constexpr const char* kArchiveFailed = "ArchiveOperationFailed";
constexpr const char* kSourceIgnoreError = "SourceIgnoreError";

// ociRepositoryReadyCondition (SourceVerified is bipolar in Flux; fluxaws never sets it).
const summary_policy kOCIRepositoryPolicy{
    {kStorageFailed, kFetchFailed, kOutdated, kInStorage, kSourceVerified, "Ready", "Reconciling", "Stalled"},
    {kStorageFailed, kFetchFailed, kOutdated, kInStorage, kSourceVerified, "Stalled", "Reconciling"},
    {kStorageFailed, kFetchFailed, kOutdated, "Stalled", "Reconciling"}};

using registry_fn = std::function<oci::registry_actor(caf::actor_system&, const http::client_actor&)>;

// One reconcile: its state and steps, in source-controller's order. Kept alive by the
// callbacks it hands out; every callback first checks that the run is still alive.
class oci_run : public std::enable_shared_from_this<oci_run> {
 public:
  oci_run(run_ptr run, const ocirepository_options& opts, oci::registry_actor registry)
      : run_(std::move(run)),
        opts_(opts),
        registry_(std::move(registry)),
        spec_(ocirepo::parse_spec(run_->object())) {
    const auto& k = run_->key();
    owner_ = artifact_owner{k.kind, k.ns, k.name};
    const auto& c = run_->conditions();
    failed_before_ = c.is_true(kFetchFailed) || c.is_true(kStorageFailed);
  }

  void start() {
    // Flux deletes it once the reconcile's temporary directory exists.
    run_->conditions().remove(kStorageFailed);
    storage_step();
  }

 private:
  using self_ptr = object_actor::pointer;

  self_ptr self() const { return run_->self(); }
  const engine& eng() const { return run_->eng(); }
  int64_t gen() const { return run_->generation(); }

  std::optional<artifact> current_artifact() const {
    const json::value* a = run_->status().find("artifact");
    return a ? artifact::from_json(*a) : std::nullopt;
  }
  bool has_revision(const std::string& rev) const {
    auto a = current_artifact();
    return a && a->revision == rev;
  }

  // ---- endings ------------------------------------------------------------------------

  void cleanup() {
    if (work_dir_.empty()) return;
    auto dir = work_dir_;
    work_dir_.clear();
    blocking_job job = [dir] { ocirepo::remove_work_dir(dir); };
    caf::anon_send(eng().pool, run_atom::value, std::move(job));
  }

  // A callback of an abandoned run: only release what it holds.
  bool abandoned() {
    if (run_->alive()) return false;
    cleanup();
    return true;
  }

  void end(reconcile_outcome outcome) {
    if (revision_known_) observe_revision();
    cleanup();
    run_->finish(std::move(outcome));
  }

  void fail(const char* condition, const std::string& reason, const std::string& message, bool stall = false) {
    run_->conditions().mark_true(condition, reason, message, gen(), run_->now());
    end({result_kind::empty, stall ? reconcile_error::stalling(reason, message)
                                   : reconcile_error::generic(reason, message)});
  }
  void fetch_failed(const std::string& reason, const std::string& message, bool stall = false) {
    fail(kFetchFailed, reason, message, stall);
  }

  // Flux's deferred observation once the upstream revision is known: a new revision
  // marks the artifact outdated and the object as building.
  void observe_revision() {
    if (observed_) return;
    observed_ = true;
    if (has_revision(revision_)) return;
    std::string message = "new revision '" + revision_ + "' for '" + ref_string_ + "'";
    auto& c = run_->conditions();
    auto t = run_->now();
    if (current_artifact()) c.mark_true(kOutdated, "NewRevision", message, gen(), t);
    c.progressive(true, "Progressing", "building artifact: " + message, gen(), t);
    run_->publish();
  }

  // ---- storage ------------------------------------------------------------------------

  void storage_step() {
    auto store = eng().storage;
    if (!store) {
      fail(kStorageFailed, kArchiveFailed, "no artifact storage configured");
      return;
    }
    auto cur = current_artifact();
    auto owner = owner_;
    struct checked {
      bool missing = false;
      std::string artifact_url;
      std::string latest_url;
    };
    auto me = shared_from_this();
    run_blocking<checked>(
        self(), eng().pool, run_->remaining(),
        [store, cur, owner]() -> result<checked> {
          checked out;
          if (!cur) return out;
          (void)store->garbage_collect(owner, *cur);
          // A file that is gone or no longer matches its digest is rebuilt.
          out.missing = !store->exists(*cur) || !store->verify(*cur).ok();
          if (!out.missing) {
            out.artifact_url = store->url_for(cur->path);
            if (auto u = store->latest_url(owner)) out.latest_url = *u;
          }
          return out;
        },
        [me, cur](result<checked> r) {
          if (me->abandoned()) return;
          bool missing = cur && (!r.ok() || r->missing);
          auto& st = me->run_->status();
          if (missing) {
            st.erase("artifact");
            st.erase("url");
          }
          if (!cur || missing) {
            std::string msg = "building artifact";
            if (missing) msg += ": disappeared from storage";
            me->run_->conditions().progressive(true, "Progressing", msg, me->gen(), me->run_->now());
            me->run_->conditions().remove(kInStorage);
            me->run_->publish();
          } else if (r.ok()) {
            // URLs follow the storage's current address.
            if (json::value* a = st.find("artifact"); a && !r->artifact_url.empty()) (*a)["url"] = r->artifact_url;
            if (!r->latest_url.empty()) st["url"] = r->latest_url;
          }
          me->source_step();
        });
  }

  // ---- source: credentials ----------------------------------------------------------------

  void source_step() {
    // Verification is refused by validate(); no stale observation survives.
    run_->conditions().remove(kSourceVerified);

    auto repo = ocirepo::parse_url(spec_.url);
    if (!repo) {
      fetch_failed(kURLInvalid, "URL validation failed for '" + spec_.url + "': " + repo.error().message, true);
      return;
    }
    repo_ = *repo;

    auto chain = ocirepo::load_keychain(*eng().resources, run_->key().ns, spec_.secret_ref, spec_.service_account);
    if (!chain) {
      fetch_failed(kAuthFailed, "failed to get credential: " + chain.error().message);
      return;
    }
    if (spec_.provider == "aws" && chain->empty()) {
      aws_credentials();
      return;
    }
    auto auth = ocirepo::auth_for(*chain, repo_.registry);
    if (!auth) {
      fetch_failed(kAuthFailed, "failed to get credential: " + auth.error().message);
      return;
    }
    auth_ = *auth;
    resolve_ref();
  }

  void aws_credentials() {
    const auto& e = eng();
    if (!spec_.service_account.empty() && !e.opts.object_level_identity) {
      std::string msg =
          "to use spec.serviceAccountName for provider authentication please enable the "
          "ObjectLevelWorkloadIdentity feature gate in the controller";
      end({result_kind::empty, reconcile_error::stalling("FeatureGateDisabled", msg)});
      return;
    }
    // The ECR token goes to ECR only: any other host is refused before asking for it.
    ecr_ = aws::parse_ecr_host(repo_.registry);
    if (!ecr_) {
      fetch_failed(kAuthFailed, "failed to get credential from aws: '" + repo_.registry +
                                    "' is not an Amazon ECR registry host (expected "
                                    "<account>.dkr.ecr.<region>.amazonaws.com or public.ecr.aws); the ECR "
                                    "authorization token is only sent to ECR");
      return;
    }
    if (!e.identities) {
      fetch_failed(kAuthFailed, "failed to get credential from aws: no credential plane configured");
      return;
    }
    auto me = shared_from_this();
    request_ecr_token([me] { me->resolve_ref(); });
  }

  credential_request ecr_request() const {
    credential_request q;
    q.object = run_->key();
    q.service_account = spec_.service_account;
    if (q.service_account.empty() && eng().opts.object_level_identity)
      q.service_account = eng().opts.default_service_account;
    q.region = ecr_ ? ecr_->region : std::string();
    q.allow_node_identity = true;  // ECR may use the node's instance role, as Flux does
    return q;
  }

  std::string ecr_scope() const { return ecr_ ? actors::ecr_scope(*ecr_) : std::string(); }

  void request_ecr_token(std::function<void()> then) {
    auto me = shared_from_this();
    self()
        ->request(eng().identities, run_->remaining() + 5s, ecr_token_atom::value, ecr_request(), repo_.registry)
        .then(
            [me, then](ecr_token_reply& r) {
              if (me->abandoned()) return;
              if (!r.ok) {
                std::string msg = "failed to get credential from aws: " + r.error.message;
                if (r.stalling) {
                  std::string reason = r.error.code.empty() ? std::string(kAuthFailed) : r.error.code;
                  me->end({result_kind::empty, reconcile_error::stalling(reason, msg)});
                  return;
                }
                me->fetch_failed(kAuthFailed, msg);
                return;
              }
              // Defence in depth: a token goes only to an ECR host of the region it is for.
              if (!ecr_token_applies(r.region, r.public_registry, me->repo_.registry)) {
                me->fetch_failed(kAuthFailed, "failed to get credential from aws: the ECR token issued for " +
                                                  (r.public_registry ? std::string("ECR Public")
                                                                     : "region '" + r.region + "'") +
                                                  " does not apply to '" + me->repo_.registry + "'; it was not sent");
                return;
              }
              me->auth_ = oci::registry_auth::basic(r.username, r.password, true);
              then();
            },
            [me](caf::error& err) {
              if (me->abandoned()) return;
              me->fetch_failed(kAuthFailed,
                               "failed to get credential from aws: " + me->self()->system().render(err));
            });
  }

  // One registry operation with what is left of the reconcile's budget. An
  // Unauthorized answer to a cached ECR token evicts it and retries once.
  template <class T, class Atom, class Req>
  void registry_call(Atom atom, std::function<Req()> make, std::function<void(result<T>)> done) {
    Req req = make();
    auto budget = run_->remaining();
    req.opts.timeout = budget;
    req.opts.insecure = spec_.insecure;
    auto me = shared_from_this();
    self()
        ->request(registry_, budget + oci::reply_margin, atom, std::move(req))
        .then(
            [me, atom, make, done](oci::outcome<T>& o) {
              if (me->abandoned()) return;
              if (!o.ok() && o.error.code == oci::errc::unauthorized && me->auth_.cached && !me->retried_auth_ &&
                  me->ecr_) {
                me->retried_auth_ = true;
                me->self()->send(me->eng().identities, invalidate_atom::value, me->ecr_request(), me->ecr_scope());
                me->request_ecr_token([me, atom, make, done] { me->registry_call<T>(atom, make, done); });
                return;
              }
              done(o.to_result());
            },
            [me, done](caf::error& err) {
              if (me->abandoned()) return;
              done(make_error(std::string(oci::errc::timeout),
                              "no answer from the registry client: " + me->self()->system().render(err)));
            });
  }

  // ---- source: which artifact, which revision -------------------------------------------

  void resolve_ref() {
    auto plan = ocirepo::plan_ref(spec_);
    switch (plan.what) {
      case ocirepo::ref_plan::kind::digest: {
        ref_string_ = ocirepo::reference_string(repo_, plan.digest);
        auto rev = ocirepo::digest_revision(plan.digest);
        if (!rev) {
          fetch_failed(kPullFailed, "failed to determine artifact digest: " + rev.error().message);
          return;
        }
        revision_determined(*rev);
        return;
      }
      case ocirepo::ref_plan::kind::semver:
        list_tags(plan);
        return;
      case ocirepo::ref_plan::kind::tag:
        head_tag(plan.tag);
        return;
    }
  }

  void list_tags(const ocirepo::ref_plan& plan) {
    auto me = shared_from_this();
    std::function<oci::list_tags_request()> make = [me] {
      oci::list_tags_request q;
      q.repo = me->repo_;
      q.auth = me->auth_;
      q.page_size = me->opts_.tag_page_size;
      q.max_pages = me->opts_.max_tag_pages;
      return q;
    };
    registry_call<oci::tag_list>(oci::list_tags_atom::value, make, [me, plan](result<oci::tag_list> tags) {
      auto tag_failed = [&](const std::string& why) {
        me->fetch_failed(kReadFailed, "failed to determine the artifact tag for '" + me->spec_.url + "': " + why);
      };
      if (!tags) return tag_failed(tags.error().message);
      me->tag_pages_ = tags->pages;
      auto chosen =
          ocirepo::select_semver_tag(tags->tags, plan.semver, plan.semver_filter, me->spec_.layer_media_type());
      if (!chosen) return tag_failed(chosen.error().message);
      me->head_tag(*chosen);
    });
  }

  // getRevision for a tag: HEAD for the digest, a GET when HEAD fails.
  void head_tag(const std::string& tag) {
    tag_ = tag;
    ref_string_ = ocirepo::reference_string(repo_, tag);
    auto me = shared_from_this();
    std::function<oci::head_request()> make = [me] {
      oci::head_request q;
      q.repo = me->repo_;
      q.reference = me->tag_;
      q.auth = me->auth_;
      return q;
    };
    registry_call<oci::manifest_head>(oci::head_manifest_atom::value, make, [me](result<oci::manifest_head> h) {
      if (h) {
        me->revision_determined(ocirepo::tag_revision(me->tag_, h->digest));
        return;
      }
      me->get_tag();
    });
  }

  void get_tag() {
    auto me = shared_from_this();
    std::function<oci::manifest_request()> make = [me] {
      oci::manifest_request q;
      q.repo = me->repo_;
      q.reference = me->tag_;
      q.auth = me->auth_;
      return q;
    };
    registry_call<oci::manifest_result>(oci::get_manifest_atom::value, make, [me](result<oci::manifest_result> m) {
      if (!m) {
        me->fetch_failed(kPullFailed, "failed to determine artifact digest: " + m.error().message);
        return;
      }
      me->revision_determined(ocirepo::tag_revision(me->tag_, m->digest));
    });
  }

  void revision_determined(std::string revision) {
    revision_ = std::move(revision);
    revision_known_ = true;
    // Skip the pull when neither the revision nor the content configuration changed.
    if (has_revision(revision_) && !ocirepo::content_config_changed(spec_, run_->status())) {
      run_->conditions().remove(kFetchFailed);
      up_to_date();
      return;
    }
    pull_manifest();
  }

  // ---- source: pull ------------------------------------------------------------------------

  void pull_manifest() {
    auto me = shared_from_this();
    std::function<oci::manifest_request()> make = [me] {
      oci::manifest_request q;
      q.repo = me->repo_;
      q.reference = ocirepo::digest_from_revision(me->revision_);
      q.auth = me->auth_;
      q.platform = oci::default_platform();  // remote.Image's default: linux/amd64
      return q;
    };
    registry_call<oci::manifest_result>(oci::get_manifest_atom::value, make, [me](result<oci::manifest_result> m) {
      if (!m) {
        me->fetch_failed(kPullFailed, "failed to pull artifact from '" + me->spec_.url + "': " + m.error().message);
        return;
      }
      if (oci::is_index(m->manifest)) {
        me->fetch_failed(kLayerFailed, "failed to parse artifact manifest: an index where an image manifest was "
                                       "expected");
        return;
      }
      const auto& manifest = std::get<oci::image_manifest>(m->manifest);
      me->metadata_ = ocirepo::manifest_metadata(manifest);
      auto layer = ocirepo::select_layer(manifest, me->spec_.layer_media_type());
      if (!layer) {
        me->fetch_failed(kLayerFailed, layer.error().message);
        return;
      }
      me->layer_ = *layer;
      me->make_work_dir();
    });
  }

  void make_work_dir() {
    auto root = opts_.work_root;
    auto ns = run_->key().ns;
    auto name = run_->key().name;
    auto me = shared_from_this();
    run_blocking<fs::path>(
        self(), eng().pool, run_->remaining(), [root, ns, name] { return ocirepo::make_work_dir(root, ns, name); },
        [me](result<fs::path> dir) {
          if (dir) me->work_dir_ = *dir;
          if (me->abandoned()) return;
          if (!dir) {
            me->fail(kStorageFailed, kDirCreationFailed, dir.error().message);
            return;
          }
          me->fetch_layer();
        });
  }

  std::string layer_failure_prefix() const {
    return spec_.layer_operation() == ocirepo::layer_copy ? "failed to copy layer from artifact: "
                                                          : "failed to extract layer contents from artifact: ";
  }

  void fetch_layer() {
    auto me = shared_from_this();
    std::function<oci::blob_request()> make = [me] {
      oci::blob_request q;
      q.repo = me->repo_;
      q.digest = me->layer_.digest;
      q.auth = me->auth_;
      q.dest = (me->work_dir_ / "layer").string();
      q.max_bytes = me->opts_.limits.max_layer_bytes;
      if (me->layer_.size >= 0) q.expected_size = static_cast<uint64_t>(me->layer_.size);
      return q;
    };
    registry_call<oci::blob_result>(oci::fetch_blob_atom::value, make, [me](result<oci::blob_result> b) {
      if (!b) {
        me->fetch_failed(kLayerFailed, me->layer_failure_prefix() + b.error().message);
        return;
      }
      me->layer_file_ = b->path;
      if (me->spec_.layer_operation() == ocirepo::layer_copy) {
        me->source_done();
        return;
      }
      me->extract();
    });
  }

  void extract() {
    auto file = layer_file_;
    auto target = work_dir_ / "content";
    auto limits = opts_.limits;
    auto me = shared_from_this();
    run_blocking<bool>(
        self(), eng().pool, run_->remaining(),
        [file, target, limits]() -> result<bool> {
          auto st = ocirepo::extract_layer(file, target, limits);
          if (!st) return st.error();
          return true;
        },
        [me, target](result<bool> r) {
          if (me->abandoned()) return;
          if (!r) {
            me->fetch_failed(kLayerFailed, me->layer_failure_prefix() + r.error().message);
            return;
          }
          me->content_dir_ = target;
          me->source_done();
        });
  }

  void source_done() {
    run_->conditions().remove(kFetchFailed);
    observe_revision();
    store_artifact();
  }

  // ---- artifact --------------------------------------------------------------------------------

  void up_to_date() {
    observe_revision();
    auto& c = run_->conditions();
    c.remove(kOutdated);
    c.mark_true(kInStorage, "Succeeded", "stored artifact for digest '" + revision_ + "'", gen(), run_->now());
    run_->log_info("artifact up-to-date with remote revision: '" + revision_ + "'");
    if (failed_before_) announce(false);
    end({result_kind::success, {}});
  }

  void store_artifact() {
    auto store = eng().storage;
    auto owner = owner_;
    auto rev = revision_;
    bool copy = spec_.layer_operation() == ocirepo::layer_copy;
    auto dir = content_dir_;
    auto file = fs::path(layer_file_);
    auto digest = layer_.digest;
    auto ignore = spec_.ignore;
    auto me = shared_from_this();
    run_blocking<ocirepo::stored_artifact>(
        self(), eng().pool, run_->remaining(),
        [store, owner, rev, copy, dir, file, digest, ignore]() {
          return copy ? ocirepo::store_copied_layer(*store, owner, rev, file, digest)
                      : ocirepo::archive_extracted(*store, owner, rev, dir, ignore);
        },
        [me, copy](result<ocirepo::stored_artifact> s) {
          if (me->abandoned()) return;
          if (!s) {
            const auto& e = s.error();
            if (e.code == "ignore") {
              me->end({result_kind::empty, reconcile_error::generic(kSourceIgnoreError, e.message)});
              return;
            }
            me->fail(kStorageFailed, kArchiveFailed,
                     std::string(copy ? "unable to copy artifact to storage: " : "unable to archive artifact to storage: ") +
                         e.message);
            return;
          }
          me->stored(std::move(s).value());
        });
  }

  void stored(ocirepo::stored_artifact s) {
    auto old = current_artifact();
    s.stored.metadata = metadata_;
    auto& st = run_->status();
    st["artifact"] = s.stored.to_json();
    if (!s.latest_url.empty()) st["url"] = s.latest_url;
    if (spec_.ignore)
      st["observedIgnore"] = *spec_.ignore;
    else
      st.erase("observedIgnore");
    if (spec_.layer)
      st["observedLayerSelector"] = ocirepo::layer_selector_json(*spec_.layer);
    else
      st.erase("observedLayerSelector");
    auto& c = run_->conditions();
    c.remove(kStorageFailed);
    c.remove(kOutdated);
    c.mark_true(kInStorage, "Succeeded", "stored artifact for digest '" + revision_ + "'", gen(), run_->now());
    announce(!old || old->digest != s.stored.digest);
    metrics::registry::global().gauge_set("fluxaws_artifact_storage_bytes", {},
                                          static_cast<double>(eng().storage->bytes_stored()));
    end({result_kind::success, {}});
  }

  // notify(): NewArtifact for a new digest, Succeeded after recovering from a failure.
  void announce(bool new_digest) {
    auto a = current_artifact();
    if (!a) return;
    auto msg = ocirepo::new_artifact_message(a->revision, spec_.url, a->metadata);
    if (new_digest)
      run_->event(false, "NewArtifact", msg);
    else if (failed_before_)
      run_->event(false, "Succeeded", msg);
  }

  run_ptr run_;
  ocirepository_options opts_;
  oci::registry_actor registry_;
  ocirepo::spec spec_;
  artifact_owner owner_;
  bool failed_before_ = false;

  oci::repository_ref repo_;
  oci::registry_auth auth_;
  std::optional<aws::ecr_registry> ecr_;
  bool retried_auth_ = false;

  std::string tag_;
  std::size_t tag_pages_ = 0;
  std::string ref_string_;
  std::string revision_;
  bool revision_known_ = false;
  bool observed_ = false;

  std::map<std::string, std::string> metadata_;
  oci::descriptor layer_;
  fs::path work_dir_;
  std::string layer_file_;
  fs::path content_dir_;
};

class ocirepository_reconciler : public kind_reconciler {
 public:
  explicit ocirepository_reconciler(ocirepository_options opts) : opts_(std::move(opts)) {
    if (!opts_.registry) {
      auto slot = std::make_shared<ocirepo::registry_slot>();
      opts_.registry = [slot](caf::actor_system& sys, const http::client_actor& http) { return slot->get(sys, http); };
    }
  }

  const summary_policy* policy() const override { return &kOCIRepositoryPolicy; }

  std::optional<reconcile_error> validate(const json::value& obj, const engine&) const override {
    return ocirepo::validate(ocirepo::parse_spec(obj));
  }

  void reconcile(run_ptr run) override {
    if (!registry_) registry_ = opts_.registry(run->self()->system(), run->eng().http);
    std::make_shared<oci_run>(std::move(run), opts_, registry_)->start();
  }

  void on_delete(object_actor::pointer /*self*/, const engine& eng, const json::value& obj) override {
    auto store = eng.storage;
    if (!store) return;
    auto key = kube::key_of(obj);
    artifact_owner owner{key.kind, key.ns, key.name};
    blocking_job job = [store, owner] { (void)store->remove_object(owner); };
    caf::anon_send(eng.pool, run_atom::value, std::move(job));
  }

 private:
  ocirepository_options opts_;
  oci::registry_actor registry_;  // strong: this object's use keeps the shared actor alive
};

}  // namespace

std::shared_ptr<kind_reconciler> make_ocirepository_reconciler(ocirepository_options opts) {
  return std::make_shared<ocirepository_reconciler>(std::move(opts));
}

reconciler_factory ocirepository_factory(ocirepository_options opts) {
  if (!opts.registry) {
    auto slot = std::make_shared<ocirepo::registry_slot>();
    opts.registry = [slot](caf::actor_system& sys, const http::client_actor& http) { return slot->get(sys, http); };
  }
  return [opts] { return make_ocirepository_reconciler(opts); };
}

}  // namespace fluxaws::actors
