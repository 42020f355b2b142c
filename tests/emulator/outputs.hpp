// outputs.hpp — the files the emulator writes into its state directory once it is
// ready, for tests, other clients and fluxaws itself.
//
// Contract: every file is written atomically (temp file in the same directory, then
// rename), ready.json last, so a watcher that sees ready.json sees all the others.
//   ca.pem        the CA that signed the server certificate
//   env           shell `export` lines: AWS_ENDPOINT_URL_{STS,ECR,S3,KMS}, AWS_CA_BUNDLE,
//                 NODE_EXTRA_CA_CERTS, AWS_EC2_METADATA_SERVICE_ENDPOINT, AWS_REGION, …
//   fluxaws.yaml  a fluxaws config (docs/config.md): http.caFile, http.connectTo for every
//                 AWS host of the world, aws.region, local.serviceAccountToken{Issuer,Key}
//   ready.json    {"listen","port","ca","registry","pid","env","config","world","stateDir"}
#pragma once

#include <string>

#include "adapters/common/result.hpp"
#include "tests/emulator/world.hpp"

namespace emu {

struct ready_info {
  std::string state_dir;  // absolute
  std::string listen_host = "127.0.0.1";
  unsigned short port = 0;
  unsigned short registry_port = 0;  // 0 = no registry
  long pid = 0;
};

fluxaws::status write_file_atomic(const std::string& path, const std::string& content, unsigned mode = 0644);

std::string env_file_text(const world& w, const ready_info& r);
std::string fluxaws_config_text(const world& w, const ready_info& r);
std::string ready_json_text(const world& w, const ready_info& r);

// Writes env, fluxaws.yaml, then ready.json (ca.pem is written earlier by the caller).
fluxaws::status write_ready_files(const world& w, const ready_info& r);

}  // namespace emu
