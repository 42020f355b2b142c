#include "engine_fixture.hpp"

#include <archive.h>
#include <archive_entry.h>
#include <stdlib.h>

#include <caf/scoped_actor.hpp>
#include <caf/send.hpp>
#include <caf/stateful_actor.hpp>
#include <caf/typed_event_based_actor.hpp>

#include <stdexcept>
#include <thread>
#include <vector>

#include "actors/blocking_pool.hpp"
#include "actors/supervisor.hpp"
#include "adapters/common/time.hpp"
#include "adapters/common/yaml_json.hpp"
#include "adapters/kube/object.hpp"

namespace fluxaws::ocitest {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

namespace {

struct sink_state {
  std::shared_ptr<status_log> log;
};

actors::status_sink_actor::behavior_type collecting_sink(
    actors::status_sink_actor::stateful_pointer<sink_state> self, std::shared_ptr<status_log> log) {
  self->state.log = std::move(log);
  return {
      [self](actors::status_atom, actors::status_report& r) {
        std::lock_guard<std::mutex> lock(self->state.log->mu);
        if (r.deleted) return;
        self->state.log->latest[r.key.name] = r.object;
        self->state.log->settled[r.key.name] = r.settled;
        ++self->state.log->reports[r.key.name];
      },
      [](actors::flush_atom) { return true; },
  };
}

json::value parse_yaml(const std::string& text) {
  auto v = yamljson::parse_yaml(text);
  if (!v) throw std::runtime_error("test YAML: " + v.error().message);
  return *v;
}

}  // namespace

engine_fixture::engine_fixture() {
  cfg_.set("scheduler.max-threads", 2);
  sys_ = std::make_unique<caf::actor_system>(cfg_);
  std::string tmpl = (fs::temp_directory_path() / "fluxaws-ocirepo-test-XXXXXX").string();
  std::vector<char> buf(tmpl.begin(), tmpl.end());
  buf.push_back('\0');
  if (!::mkdtemp(buf.data())) throw std::runtime_error("mkdtemp failed");
  scratch_ = buf.data();
  storage_root_ = scratch_ / "storage";
  work_root_ = scratch_ / "work";
  fs::create_directories(work_root_);
  runtime::storage_options so;
  so.root = storage_root_;
  so.advertised_address = "storage.test:9090";
  auto st = runtime::artifact_storage::open(so);
  if (!st) throw std::runtime_error("storage: " + st.error().message);
  storage_ = st->get();
  eng_->storage = std::shared_ptr<actors::artifact_store>(std::move(*st));
  eng_->pool = actors::spawn_blocking_pool(*sys_, 2);
  // Failures are not retried while a test looks at them.
  eng_->opts.min_retry = 5min;
  eng_->opts.max_retry = 10min;
  eng_->opts.deadline_grace = 1s;
  eng_->now = [] { return timefmt::rfc3339(std::chrono::system_clock::now()); };
  eng_->random01 = [] { return 0.5; };
}

engine_fixture::~engine_fixture() {
  if (sup_) caf::anon_send(sup_, actors::shutdown_atom::value);
  if (sink_) caf::anon_send_exit(sink_, caf::exit_reason::user_shutdown);
  if (eng_->identities) caf::anon_send_exit(eng_->identities, caf::exit_reason::user_shutdown);
  if (eng_->http) caf::anon_send_exit(eng_->http, caf::exit_reason::user_shutdown);
  caf::anon_send_exit(eng_->pool, caf::exit_reason::user_shutdown);
  sup_ = nullptr;
  sink_ = nullptr;
  eng_.reset();
  sys_.reset();  // waits for every actor
  std::error_code ec;
  fs::remove_all(scratch_, ec);
}

void engine_fixture::start(actors::ocirepository_options opts) {
  if (opts.work_root.empty()) opts.work_root = work_root_;
  sink_ = sys_->spawn(collecting_sink, log_);
  actors::supervisor_config sc;
  sc.eng = eng_;
  sc.sink = sink_;
  sc.kinds.emplace("OCIRepository", actors::ocirepository_factory(opts));
  sup_ = actors::spawn_supervisor(*sys_, std::move(sc));
}

void engine_fixture::apply(const std::string& yaml) {
  auto obj = parse_yaml(yaml);
  caf::anon_send(sup_, actors::change_atom::value,
                 kube::object_change{kube::object_change::type::modified, kube::key_of(obj), obj});
}

void engine_fixture::remove(const std::string& yaml) {
  auto obj = parse_yaml(yaml);
  caf::anon_send(sup_, actors::change_atom::value,
                 kube::object_change{kube::object_change::type::deleted, kube::key_of(obj), obj});
}

bool engine_fixture::eventually(const std::function<bool(status_log&)>& pred, std::chrono::milliseconds limit) {
  auto until = std::chrono::steady_clock::now() + limit;
  while (std::chrono::steady_clock::now() < until) {
    {
      std::lock_guard<std::mutex> lock(log_->mu);
      if (pred(*log_)) return true;
    }
    std::this_thread::sleep_for(5ms);
  }
  return false;
}

bool engine_fixture::settled(const std::string& name, const std::string& requested_at) {
  return eventually([&](status_log& l) {
    if (!l.settled[name]) return false;
    if (requested_at.empty()) return true;
    const json::value* v = l.latest[name].at({"status", "lastHandledReconcileAt"});
    return v && v->as_string() == requested_at;
  });
}

json::value engine_fixture::object(const std::string& name) {
  std::lock_guard<std::mutex> lock(log_->mu);
  return log_->latest[name];
}

std::string engine_fixture::condition(const std::string& name, const std::string& type, const std::string& field) {
  auto obj = object(name);
  const json::value* conds = obj.at({"status", "conditions"});
  if (!conds) return "";
  for (const auto& c : conds->as_array())
    if (c.find("type") && c.find("type")->as_string() == type) return c.find(field) ? c.find(field)->as_string() : "";
  return "";
}

std::string engine_fixture::status_string(const std::string& name, std::initializer_list<std::string_view> path) {
  auto obj = object(name);
  const json::value* st = obj.find("status");
  if (!st) return "";
  const json::value* v = st->at(path);
  return v ? v->as_string() : "";
}

std::size_t engine_fixture::work_entries() const {
  std::size_t n = 0;
  for (auto it = fs::directory_iterator(work_root_); it != fs::directory_iterator(); ++it) ++n;
  return n;
}

std::map<std::string, std::uintmax_t> engine_fixture::storage_files() const {
  std::map<std::string, std::uintmax_t> out;
  if (!fs::exists(storage_root_)) return out;
  for (auto it = fs::recursive_directory_iterator(storage_root_); it != fs::recursive_directory_iterator(); ++it) {
    if (it->is_symlink() || !it->is_regular_file()) continue;
    out[fs::relative(it->path(), storage_root_).string()] = it->file_size();
  }
  return out;
}

std::map<std::string, std::string> read_targz(const fs::path& file) {
  std::map<std::string, std::string> out;
  struct archive* a = archive_read_new();
  archive_read_support_filter_gzip(a);
  archive_read_support_format_tar(a);
  if (archive_read_open_filename(a, file.c_str(), 1 << 16) != ARCHIVE_OK) {
    archive_read_free(a);
    throw std::runtime_error("cannot open " + file.string());
  }
  struct archive_entry* e = nullptr;
  while (archive_read_next_header(a, &e) == ARCHIVE_OK) {
    std::string name = archive_entry_pathname(e);
    if (archive_entry_filetype(e) != AE_IFREG) continue;
    std::string data;
    char buf[8192];
    la_ssize_t n;
    while ((n = archive_read_data(a, buf, sizeof buf)) > 0) data.append(buf, static_cast<std::size_t>(n));
    out[name] = data;
  }
  archive_read_free(a);
  return out;
}

}  // namespace fluxaws::ocitest
