// Test doubles for the cluster-mode actors: an in-memory Kubernetes API (objects by
// path, resourceVersions, 409 on a stale PUT or a duplicate POST, status merge
// patches, apply patches, lists) behind the kube client's actor interface; a watch
// stream opener whose streams the test drives by hand; a change sink that records.
#pragma once

#include <caf/actor_system.hpp>

#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "adapters/kube/change_sink.hpp"
#include "adapters/kube/http_stream.hpp"
#include "adapters/kube/kube_client.hpp"

namespace fluxaws::test {

struct fake_store {
  std::mutex mu;
  std::map<std::string, json::value> objects;  // object path -> object
  std::set<std::string> collections;           // paths answered as lists
  int64_t rv = 100;
  std::vector<kube::api_request> log;
  // Consulted first; an answer here replaces the store's.
  std::function<std::optional<kube::api_response>(const kube::api_request&)> intercept;

  kube::api_response handle(const kube::api_request& req);
  void put(const std::string& path, json::value obj);  // stamps a resourceVersion
  std::optional<json::value> get(const std::string& path);
  std::vector<kube::api_request> requests(const std::string& method, const std::string& path_prefix);
};

kube::client_actor spawn_fake_client(caf::actor_system& sys, std::shared_ptr<fake_store> store);

// Streams opened by the watch source, driven by the test.
struct fake_streams {
  struct opened {
    kube::stream_request req;
    kube::stream_callbacks cb;
    std::shared_ptr<std::atomic<bool>> alive;  // false once the source dropped it (on another thread)
  };
  std::mutex mu;
  std::vector<opened> streams;
  kube::stream_opener opener();
  std::size_t count();
  opened at(std::size_t i);
  // The latest stream whose URL contains `needle`.
  std::optional<opened> latest(const std::string& needle);
};

struct recorded_changes {
  std::mutex mu;
  std::vector<kube::object_change> changes;
  int synced = 0;
  std::vector<kube::object_change> snapshot();
};

kube::change_sink_actor spawn_recording_sink(caf::actor_system& sys, std::shared_ptr<recorded_changes> rec);

// Polls pred every 10 ms until it holds or the deadline passes; returns pred().
bool wait_until(const std::function<bool()>& pred, std::chrono::milliseconds deadline = std::chrono::seconds(20));

}  // namespace fluxaws::test
