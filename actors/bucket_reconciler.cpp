#include "actors/bucket_reconciler.hpp"

#include <caf/send.hpp>
#include <caf/typed_event_based_actor.hpp>

#include <cstdlib>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>

#include "actors/artifact_store.hpp"
#include "actors/blocking.hpp"
#include "actors/bucket_source.hpp"
#include "actors/identity.hpp"
#include "adapters/archive/source_ignore.hpp"
#include "adapters/aws/async_calls.hpp"
#include "adapters/aws/retry.hpp"
#include "adapters/aws/s3.hpp"
#include "adapters/common/metrics.hpp"
#include "adapters/kube/object.hpp"

namespace fluxaws::actors {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

namespace {

constexpr const char* kFetchFailed = "FetchFailed";
constexpr const char* kStorageFailed = "StorageOperationFailed";
constexpr const char* kOutdated = "ArtifactOutdated";
constexpr const char* kInStorage = "ArtifactInStorage";
constexpr const char* kIgnoreFile = ".sourceignore";
// Objects larger than this fail the reconcile rather than fill the disk.
constexpr std::size_t kMaxObjectBytes = std::size_t{1} << 30;

const summary_policy kBucketPolicy{
    {kStorageFailed, kFetchFailed, kOutdated, kInStorage, "Ready", "Reconciling", "Stalled"},
    {kStorageFailed, kFetchFailed, kOutdated, kInStorage, "Stalled", "Reconciling"},
    {kStorageFailed, kFetchFailed, kOutdated, "Stalled", "Reconciling"}};

// What survives between reconciles of one Bucket.
struct bucket_memory {
  // The last .sourceignore seen (by ETag), so an unchanged bucket downloads nothing.
  std::string ignore_etag;
  std::optional<std::string> ignore_content;
};

struct listed_object {
  std::string etag_raw;  // as S3 sent it (quotes included), for If-Match
};

// One reconcile: its state and steps. Kept alive by the callbacks it hands out.
class bucket_run : public std::enable_shared_from_this<bucket_run> {
 public:
  bucket_run(run_ptr run, std::shared_ptr<bucket_memory> memory)
      : run_(std::move(run)), memory_(std::move(memory)), spec_(bucket::parse_spec(run_->object())) {
    const auto& k = run_->key();
    owner_ = artifact_owner{k.kind, k.ns, k.name};
  }

  void start() { storage_step(); }

 private:
  using self_ptr = object_actor::pointer;

  self_ptr self() const { return run_->self(); }
  const engine& eng() const { return run_->eng(); }
  int64_t gen() const { return run_->generation(); }

  std::optional<artifact> current_artifact() const {
    const json::value* a = run_->status().find("artifact");
    return a ? artifact::from_json(*a) : std::nullopt;
  }

  // ---- failure helpers ------------------------------------------------------------

  void fail(const char* condition, const std::string& reason, const std::string& message, bool stall = false) {
    run_->conditions().mark_true(condition, reason, message, gen(), run_->now());
    cleanup();
    run_->finish({result_kind::empty, stall ? reconcile_error::stalling(reason, message)
                                           : reconcile_error::generic(reason, message)});
  }
  void fetch_failed(const std::string& reason, const std::string& message, bool stall = false) {
    fail(kFetchFailed, reason, message, stall);
  }
  void operation_failed(const std::string& message) { fetch_failed("BucketOperationFailed", message); }

  void cleanup() {
    if (tmp_.empty()) return;
    auto dir = tmp_;
    tmp_.clear();
    blocking_job job = [dir] {
      std::error_code ec;
      fs::remove_all(dir, ec);
    };
    caf::anon_send(eng().pool, run_atom::value, std::move(job));
  }

  // ---- storage: garbage collection, and is our artifact still there? ----------------

  void storage_step() {
    auto cur = current_artifact();
    auto store = eng().storage;
    if (!store) {
      fail(kStorageFailed, "StorageOperationFailed", "no artifact storage configured");
      return;
    }
    auto owner = owner_;
    auto me = shared_from_this();
    run_blocking<bool>(
        self(), eng().pool, run_->remaining(),
        [store, cur, owner]() -> result<bool> {
          if (!cur) return false;
          (void)store->garbage_collect(owner, *cur);
          return store->exists(*cur);
        },
        [me, cur](result<bool> exists) {
          if (!me->run_->alive()) return;
          bool missing = cur && (!exists.ok() || !*exists);
          if (missing) {
            me->run_->status().erase("artifact");
            me->run_->status().erase("url");
          }
          if (!cur || missing) {
            std::string msg = "building artifact";
            if (missing) msg += ": disappeared from storage";
            me->run_->conditions().progressive(true, "Progressing", msg, me->gen(), me->run_->now());
            me->run_->conditions().remove(kInStorage);
            me->run_->publish();
          }
          me->source_step();
        });
  }

  // ---- source: credentials, bucket, ignore rules, listing -----------------------------

  void source_step() {
    auto& e = eng();
    if (spec_.provider == "aws" && !spec_.service_account.empty() && !e.opts.object_level_identity) {
      fetch_failed("FeatureGateDisabled",
                   "to use spec.serviceAccountName for provider authentication please enable the "
                   "ObjectLevelWorkloadIdentity feature gate in the controller",
                   true);
      return;
    }
    std::string default_region = e.opts.aws_region;
    auto ep = bucket::resolve(spec_, aws::endpoint_settings_from_env(e.opts.aws_env, aws::service::s3), default_region);
    if (!ep) {
      fetch_failed("BucketOperationFailed", ep.error().message);
      return;
    }
    endpoint_ = *ep;
    if (spec_.provider == "generic") {
      generic_credentials();
      return;
    }
    request_credentials(false);
  }

  void generic_credentials() {
    if (spec_.secret_ref.empty()) {
      head_bucket();  // anonymous
      return;
    }
    auto secret = eng().resources->secret(run_->key().ns, spec_.secret_ref);
    if (!secret) {
      fetch_failed("AuthenticationFailed", "failed to get secret '" + run_->key().ns + "/" + spec_.secret_ref +
                                               "': secret not found");
      return;
    }
    auto data = kube::decode_secret(*secret);
    std::string ak, sk;
    for (const auto& [k, v] : data.entries) {
      if (k == "accesskey") ak = v.as_string();
      if (k == "secretkey") sk = v.as_string();
    }
    if (ak.empty() || sk.empty()) {
      fetch_failed("AuthenticationFailed", "invalid '" + spec_.secret_ref +
                                               "' secret data: required fields 'accesskey' and 'secretkey'");
      return;
    }
    creds_ = aws::credentials{ak, sk, "", std::nullopt, "static"};
    head_bucket();
  }

  credential_request credential_ask() const {
    credential_request q;
    q.object = run_->key();
    q.service_account = spec_.service_account;
    if (q.service_account.empty() && spec_.secret_ref.empty())
      q.service_account = eng().opts.object_level_identity ? eng().opts.default_service_account : std::string();
    q.secret_ref = spec_.secret_ref;
    q.secret_format = "bucket";
    q.region = bucket::region_of(spec_, eng().opts.aws_region);
    q.sts_endpoint = spec_.has_sts ? spec_.sts_endpoint : std::string();
    return q;
  }

  void request_credentials(bool retrying) {
    if (!eng().identities) {
      fetch_failed("AuthenticationFailed", "no credential plane configured");
      return;
    }
    auto me = shared_from_this();
    self()
        ->request(eng().identities, run_->remaining() + 5s, credentials_atom::value, credential_ask())
        .then(
            [me, retrying](credential_reply& r) {
              if (!me->run_->alive()) return;
              if (!r.ok) {
                me->fetch_failed(r.error.code.empty() ? "AuthenticationFailed" : r.error.code, r.error.message,
                                 r.stalling);
                return;
              }
              me->creds_ = std::move(r.creds);
              me->retried_auth_ = retrying;
              me->head_bucket();
            },
            [me](caf::error& err) {
              if (!me->run_->alive()) return;
              me->fetch_failed("AuthenticationFailed",
                               "failed to get credentials: " + me->self()->system().render(err));
            });
  }

  // An expired or unknown session: evict it from the cache and try once more.
  bool retry_after_auth_error(const error_info& e) {
    if (retried_auth_ || spec_.provider != "aws" || !aws::is_expired_credentials(e)) return false;
    self()->send(eng().identities, invalidate_atom::value, credential_ask(), std::string("credentials"));
    request_credentials(true);
    return true;
  }

  template <class Parse, class Done>
  void s3_call(const aws::service_request& sreq, Parse parse, Done done) {
    aws::async::call_signed(self(), eng().http, sreq, creds_, run_->remaining(), std::move(parse), std::move(done));
  }

  void head_bucket() {
    auto me = shared_from_this();
    s3_call(aws::s3::head_bucket_request(endpoint_),
            [](const http::response& r) -> result<bool> {
              if (r.ok() && r.status == 404) return false;
              auto st = aws::s3::check_head_bucket(r);
              if (!st.ok()) {
                auto e = st.error();
                // A HEAD answer has no body: name the refusal as S3 (and minio) do.
                if (r.ok() && r.status == 403 && (e.code.empty() || e.code == "Forbidden")) {
                  e.code = "AccessDenied";
                  e.message = "Access Denied";
                }
                return e;
              }
              return true;
            },
            [me](result<bool> exists) {
              if (!me->run_->alive()) return;
              if (!exists.ok()) {
                if (me->retry_after_auth_error(exists.error())) return;
                me->operation_failed("failed to confirm existence of '" + me->spec_.bucket_name +
                                     "' bucket: " + exists.error().to_string());
                return;
              }
              if (!*exists) {
                me->operation_failed("bucket '" + me->spec_.bucket_name + "' not found");
                return;
              }
              me->fetch_ignore_file();
            });
  }

  // .sourceignore lives at the bucket root whatever the prefix. A conditional GET
  // against the ETag we saw last keeps an unchanged bucket download-free.
  void fetch_ignore_file() {
    aws::s3::get_object_params p;
    if (memory_->ignore_content) p.if_none_match = memory_->ignore_etag;
    auto me = shared_from_this();
    struct ignore_answer {
      int status = 0;
      std::string etag;
      std::string body;
    };
    s3_call(aws::s3::get_object_request(endpoint_, kIgnoreFile, p),
            [](const http::response& r) -> result<ignore_answer> {
              if (!r.ok()) return aws::transport_error(r, r.effective_url, "S3 GetObject");
              if (r.status == 200 || r.status == 304 || r.status == 404) {
                if (r.status == 404) {
                  auto e = aws::parse_service_error(aws::protocol::rest_xml, r.status, r.headers, r.body);
                  if (!e.code.empty() && e.code != "NoSuchKey")
                    return aws::to_error_info(e, "S3 GetObject");
                }
                return ignore_answer{r.status, std::string(r.header("etag")), r.body};
              }
              auto e = aws::parse_service_error(aws::protocol::rest_xml, r.status, r.headers, r.body);
              return aws::to_error_info(e, "S3 GetObject");
            },
            [me](result<ignore_answer> a) {
              if (!me->run_->alive()) return;
              if (!a.ok()) {
                if (me->retry_after_auth_error(a.error())) return;
                me->operation_failed("failed to get Etag for '.sourceignore' object: " + a.error().to_string());
                return;
              }
              auto& mem = *me->memory_;
              if (a->status == 200) {
                mem.ignore_content = a->body;
                mem.ignore_etag = a->etag;
              } else if (a->status == 404) {
                mem.ignore_content.reset();
                mem.ignore_etag.clear();
              }
              std::optional<std::string_view> spec_ignore;
              if (me->spec_.ignore) spec_ignore = *me->spec_.ignore;
              std::optional<std::string_view> file;
              if (mem.ignore_content) file = *mem.ignore_content;
              me->matcher_ = archive::sourceignore::bucket_matcher(file, spec_ignore);
              me->list_page("");
            });
  }

  void list_page(const std::string& token) {
    aws::s3::list_objects_v2_params p;
    p.prefix = spec_.prefix;
    p.continuation_token = token;
    auto me = shared_from_this();
    s3_call(aws::s3::list_objects_v2_request(endpoint_, p), [](const http::response& r) {
              return aws::s3::parse_list_objects_v2(r);
            },
            [me](result<aws::s3::list_objects_v2_result> page) {
              if (!me->run_->alive()) return;
              if (!page.ok()) {
                if (me->retry_after_auth_error(page.error())) return;
                me->operation_failed("indexation of objects from bucket '" + me->spec_.bucket_name +
                                     "' failed: " + page.error().to_string());
                return;
              }
              for (auto& o : page->contents) {
                if (archive::sourceignore::bucket_key_excluded(me->matcher_, o.key)) continue;
                me->index_[o.key] = bucket::trim_etag(o.etag);
                me->listed_[o.key] = listed_object{o.etag};
              }
              if (++me->pages_ > 100000) {
                me->operation_failed("indexation of objects from bucket '" + me->spec_.bucket_name +
                                     "' failed: too many pages");
                return;
              }
              if (page->is_truncated && !page->next_continuation_token.empty())
                me->list_page(page->next_continuation_token);
              else
                me->indexed();
            });
  }

  // ---- the revision: up to date, or fetch -------------------------------------------------

  void indexed() {
    auto rev = bucket::revision(index_);
    auto cur = current_artifact();
    auto t = run_->now();
    auto& c = run_->conditions();
    if (cur && cur->revision == rev) {
      c.remove(kFetchFailed);
      c.remove(kOutdated);
      c.remove(kStorageFailed);
      c.mark_true(kInStorage, "Succeeded", "stored artifact: revision '" + rev + "'", gen(), t);
      refresh_url_and_finish();
      return;
    }
    std::string message = "new upstream revision '" + rev + "'";
    if (cur) c.mark_true(kOutdated, "NewRevision", message, gen(), t);
    c.progressive(true, "Progressing", "building artifact: " + message, gen(), t);
    c.remove(kFetchFailed);
    run_->publish();
    prepare_workdir();
  }

  void refresh_url_and_finish() {
    // status.url is the latest.tar.gz link of this object.
    if (auto url = eng().storage->latest_url(owner_); url.ok()) run_->status()["url"] = *url;
    run_->status()["observedIgnore"] = spec_.ignore ? json::value(*spec_.ignore) : json::value();
    if (!spec_.ignore) run_->status().erase("observedIgnore");
    run_->finish({result_kind::success, {}});
  }

  void prepare_workdir() {
    std::vector<std::string> keys;
    for (const auto& [k, v] : index_) keys.push_back(k);
    auto me = shared_from_this();
    auto name = run_->key().ns + "-" + run_->key().name;
    struct prepared {
      fs::path dir;
      std::map<std::string, fs::path> paths;
    };
    run_blocking<prepared>(
        self(), eng().pool, run_->remaining(),
        [keys, name]() -> result<prepared> {
          auto tmpl = (fs::temp_directory_path() / ("fluxaws-bucket-" + name + "-XXXXXX")).string();
          std::vector<char> buf(tmpl.begin(), tmpl.end());
          buf.push_back('\0');
          if (!::mkdtemp(buf.data()))
            return make_error("DirCreationFailed", "failed to create temporary working directory");
          prepared p;
          p.dir = buf.data();
          for (const auto& k : keys) {
            auto path = bucket::key_path(p.dir, k);
            if (!path.ok()) {
              std::error_code ec;
              fs::remove_all(p.dir, ec);
              return path.error();
            }
            std::error_code ec;
            fs::create_directories(path->parent_path(), ec);
            if (ec) {
              fs::remove_all(p.dir, ec);
              return make_error("DirCreationFailed", "failed to create directory for '" + k + "': " + ec.message());
            }
            p.paths.emplace(k, *path);
          }
          return p;
        },
        [me](result<prepared> p) {
          if (!me->run_->alive()) {
            if (p.ok()) {
              me->tmp_ = p->dir;
              me->cleanup();
            }
            return;
          }
          if (!p.ok()) {
            if (p.error().code == "UnsafeKey")
              me->operation_failed(p.error().message + " (bucket '" + me->spec_.bucket_name + "')");
            else
              me->fail(kStorageFailed, p.error().code, p.error().message);
            return;
          }
          me->tmp_ = p->dir;
          me->paths_ = std::move(p->paths);
          me->queue_.assign(me->paths_.begin(), me->paths_.end());
          me->download_more();
        });
  }

  // ---- downloads: bounded concurrency, If-Match on the listed ETag --------------------------

  void download_more() {
    if (failed_) return;
    std::size_t limit = static_cast<std::size_t>(std::max(1, eng().opts.bucket_fetch_concurrency));
    while (in_flight_ < limit && next_ < queue_.size()) {
      const auto& [key, path] = queue_[next_++];
      ++in_flight_;
      download(key, path, true);
    }
    if (in_flight_ == 0 && next_ >= queue_.size()) store_artifact();
  }

  void download(const std::string& key, const fs::path& path, bool conditional) {
    aws::s3::get_object_params p;
    if (conditional) p.if_match = listed_[key].etag_raw;
    auto sreq = aws::s3::get_object_request(endpoint_, key, p);
    auto req = aws::sign_request(sreq, creds_, std::chrono::system_clock::now(), run_->remaining());
    req.body_file = path.string();
    req.max_body = kMaxObjectBytes;
    auto me = shared_from_this();
    std::string url = req.url;
    aws::async::send(self(), eng().http, std::move(req), [me, key, path, conditional, url](const http::response& r) {
      aws::async::record_call("S3 GetObject", !r.ok() ? "transport_error"
                                              : (r.status >= 200 && r.status < 300) ? "success"
                                                                                    : "error");
      if (!me->run_->alive() || me->failed_) return;
      if (r.ok() && r.status >= 200 && r.status < 300) {
        if (!conditional) {
          // The object changed after listing: Flux indexes the ETag it fetched.
          if (auto etag = r.header("etag"); !etag.empty()) me->index_[key] = bucket::trim_etag(etag);
        }
        me->downloaded(true);
        return;
      }
      if (r.ok() && r.status == 404) {  // vanished between list and get: not part of the artifact
        me->index_.erase(key);
        me->paths_.erase(key);
        me->downloaded(true);
        return;
      }
      if (r.ok() && r.status == 412 && conditional) {  // changed since listed: fetch what is there now
        me->download(key, path, false);
        return;
      }
      error_info e = r.ok() ? aws::to_error_info(aws::parse_service_error(aws::protocol::rest_xml, r.status,
                                                                            r.headers, r.body),
                                                 "S3 GetObject")
                            : aws::transport_error(r, url, "S3 GetObject");
      me->failed_ = true;
      me->operation_failed("failed to get '" + key + "' object: " + e.to_string());
    });
  }

  void downloaded(bool) {
    --in_flight_;
    download_more();
  }

  // ---- artifact ----------------------------------------------------------------------------------

  void store_artifact() {
    auto rev = bucket::revision(index_);
    auto store = eng().storage;
    auto owner = owner_;
    auto dir = tmp_;
    auto me = shared_from_this();
    struct stored {
      artifact a;
      std::string url;
    };
    run_blocking<stored>(
        self(), eng().pool, run_->remaining(),
        [store, owner, dir, rev]() -> result<stored> {
          auto a = store->store_directory(owner, rev, dir);
          if (!a.ok()) return a.error();
          (void)store->garbage_collect(owner, *a);
          auto url = store->latest_url(owner);
          return stored{*a, url.ok() ? *url : std::string()};
        },
        [me, rev](result<stored> s) {
          me->cleanup();
          if (!me->run_->alive()) return;
          auto& c = me->run_->conditions();
          if (!s.ok()) {
            me->fail(kStorageFailed, "ArchiveOperationFailed",
                     "unable to archive artifact to storage: " + s.error().message);
            return;
          }
          auto t = me->run_->now();
          bool new_digest = true;
          if (auto cur = me->current_artifact()) new_digest = cur->digest != s->a.digest;
          me->run_->status()["artifact"] = s->a.to_json();
          if (!s->url.empty()) me->run_->status()["url"] = s->url;
          if (me->spec_.ignore)
            me->run_->status()["observedIgnore"] = *me->spec_.ignore;
          else
            me->run_->status().erase("observedIgnore");
          c.remove(kOutdated);
          c.remove(kStorageFailed);
          c.remove(kFetchFailed);
          c.mark_true(kInStorage, "Succeeded", "stored artifact: revision '" + rev + "'", me->gen(), t);
          std::string msg = "stored artifact with " + std::to_string(me->index_.size()) + " fetched files from '" +
                            me->spec_.bucket_name + "' bucket";
          if (new_digest) me->run_->event(false, "NewArtifact", msg);
          metrics::registry::global().gauge_set("fluxaws_artifact_storage_bytes", {},
                                                static_cast<double>(me->eng().storage->bytes_stored()));
          me->run_->finish({result_kind::success, {}});
        });
  }

  run_ptr run_;
  std::shared_ptr<bucket_memory> memory_;
  bucket::spec spec_;
  artifact_owner owner_;
  aws::s3_bucket_endpoint endpoint_;
  aws::credentials creds_;
  bool retried_auth_ = false;
  archive::ignore_matcher matcher_;
  std::map<std::string, std::string> index_;   // key -> trimmed ETag (Flux's index)
  std::map<std::string, listed_object> listed_;
  std::map<std::string, fs::path> paths_;
  std::vector<std::pair<std::string, fs::path>> queue_;
  std::size_t next_ = 0;
  std::size_t in_flight_ = 0;
  bool failed_ = false;
  int pages_ = 0;
  fs::path tmp_;
};

class bucket_reconciler : public kind_reconciler {
 public:
  const summary_policy* policy() const override { return &kBucketPolicy; }

  std::optional<reconcile_error> validate(const json::value& obj, const engine&) const override {
    return bucket::validate(bucket::parse_spec(obj));
  }

  void reconcile(run_ptr run) override { std::make_shared<bucket_run>(std::move(run), memory_)->start(); }

  void on_delete(object_actor::pointer /*self*/, const engine& eng, const json::value& obj) override {
    auto store = eng.storage;
    if (!store) return;
    auto key = kube::key_of(obj);
    artifact_owner owner{key.kind, key.ns, key.name};
    blocking_job job = [store, owner] { (void)store->remove_object(owner); };
    caf::anon_send(eng.pool, run_atom::value, std::move(job));
  }

 private:
  std::shared_ptr<bucket_memory> memory_ = std::make_shared<bucket_memory>();
};

}  // namespace

std::shared_ptr<kind_reconciler> make_bucket_reconciler() { return std::make_shared<bucket_reconciler>(); }

}  // namespace fluxaws::actors
