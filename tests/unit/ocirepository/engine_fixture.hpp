// An engine for OCIRepository tests, in-process: an actor system, the blocking pool,
// artifact storage in a scratch directory, the supervisor with the OCIRepository kind
// (ocirepository_factory) and a status sink that keeps each object's latest status.
// The test chooses the HTTP client (a fake registry, or the real client) and the
// identity registry (a fake, the real credential plane, or none) before start().
//
// Objects are applied as YAML (Flux objects, Secrets, ServiceAccounts); eventually()
// waits, bounded, for a condition on the recorded statuses. The destructor stops every
// actor it spawned and removes the scratch directory.
#pragma once

#include <caf/actor_system.hpp>
#include <caf/actor_system_config.hpp>

#include <chrono>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "actors/engine.hpp"
#include "actors/ocirepository_reconciler.hpp"
#include "adapters/common/json.hpp"
#include "runtime/artifact_storage.hpp"

namespace fluxaws::ocitest {

struct status_log {
  std::mutex mu;
  std::map<std::string, json::value> latest;  // name -> object with status
  std::map<std::string, bool> settled;
  std::map<std::string, int> reports;
};

class engine_fixture {
 public:
  engine_fixture();
  ~engine_fixture();
  engine_fixture(const engine_fixture&) = delete;
  engine_fixture& operator=(const engine_fixture&) = delete;

  caf::actor_system& system() { return *sys_; }
  actors::engine& eng() { return *eng_; }
  runtime::artifact_storage& storage() { return *storage_; }
  const std::filesystem::path& storage_root() const { return storage_root_; }
  const std::filesystem::path& work_root() const { return work_root_; }

  // Spawns the supervisor; set eng().http / eng().identities / eng().opts first.
  void start(actors::ocirepository_options opts = {});

  void apply(const std::string& yaml);
  void remove(const std::string& yaml);

  bool eventually(const std::function<bool(status_log&)>& pred,
                  std::chrono::milliseconds limit = std::chrono::seconds(60));
  // Waits until the object has been reconciled (settled) with lastHandledReconcileAt ==
  // requested_at when given.
  bool settled(const std::string& name, const std::string& requested_at = "");

  json::value object(const std::string& name);
  // A field of the object's condition of this type ("" when absent).
  std::string condition(const std::string& name, const std::string& type, const std::string& field = "status");
  std::string status_string(const std::string& name, std::initializer_list<std::string_view> path);

  // Files in the work root (must be empty between reconciles).
  std::size_t work_entries() const;
  // Relative paths of every file under the storage root, sorted, with their sizes.
  std::map<std::string, std::uintmax_t> storage_files() const;

 private:
  caf::actor_system_config cfg_;
  std::unique_ptr<caf::actor_system> sys_;
  std::filesystem::path scratch_, storage_root_, work_root_;
  std::shared_ptr<actors::engine> eng_ = std::make_shared<actors::engine>();
  runtime::artifact_storage* storage_ = nullptr;
  std::shared_ptr<status_log> log_ = std::make_shared<status_log>();
  actors::supervisor_actor sup_;
  actors::status_sink_actor sink_;
};

// Lists the files of a tar.gz artifact ("path" -> content) with libarchive.
std::map<std::string, std::string> read_targz(const std::filesystem::path& file);

}  // namespace fluxaws::ocitest
