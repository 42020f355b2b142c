// state_files.hpp — what the stand-in keeps in its --state-dir:
//   state.json  every object and the resourceVersion counter, so a restarted stand-in
//               serves the same objects (watch history is not kept: a watch from an
//               older resourceVersion after a restart gets 410 Expired, as after an
//               etcd compaction);
//   token       the bearer token clients must send (kept across restarts);
//   sa-signing.key  the generated ServiceAccount signing key when --signing-key is not given;
//   ca.crt, tls.crt, tls.key  the stand-in's CA and serving certificate (kept across restarts);
//   kubeconfig  written last, once the server listens (the readiness signal).
// Contract: every file is written to a temporary name and renamed into place (mode
// 0600), so a reader never sees half a file; load errors name the file and the reason.
#pragma once

#include <string>

#include "adapters/common/result.hpp"
#include "tests/kube-standin/object_store.hpp"

namespace kstand {

fluxaws::status write_file_atomically(const std::string& path, const std::string& content);
fluxaws::result<std::string> read_file(const std::string& path);

std::string serialize_state(const object_store& store);
fluxaws::status save_state(const std::string& path, const object_store& store);
// Loads objects into store and sets its resourceVersion; a missing file is not an error.
fluxaws::status load_state(const std::string& path, object_store& store);

// kubeconfig for server_url (https://127.0.0.1:<port>) trusting ca_pem, with a bearer
// token; context "standin", namespace "default".
std::string kubeconfig_yaml(const std::string& server_url, const std::string& ca_pem, const std::string& token);

}  // namespace kstand
