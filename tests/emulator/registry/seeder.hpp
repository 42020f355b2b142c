// seeder.hpp — pushes seeded repositories into docker-registry through its HTTP API v2
// (blob upload POST + PUT, manifest PUT), many requests at once over the pooled client.
//
// Contract:
//   - build_contents() builds every repository's bytes first (seed_content.hpp); a bad
//     seed or a repository listed twice is an error before anything is pushed.
//   - seed() pushes blobs, then manifests level by level (an index after the manifests
//     it lists), `concurrency` requests in flight. Any failed request stops the seeding
//     with an error naming the repository, the reference and the registry's answer.
//   - With state_file set, a repository whose content fingerprint is recorded there
//     and whose tags docker-registry already lists is skipped (a restart on the same
//     state directory costs one request per repository); the file is rewritten after a
//     successful seeding.
//   - seed() runs its work on a strand of the client's executor; it is safe on an
//     io_context run by several threads. seed_blocking() runs its own io_context.
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <vector>

#include "adapters/common/result.hpp"
#include "tests/emulator/registry/asio_types.hpp"
#include "tests/emulator/registry/registry_client.hpp"
#include "tests/emulator/registry/seed_content.hpp"
#include "tests/emulator/registry/seed_types.hpp"

namespace emu::registry {

struct seed_options {
  std::filesystem::path base_dir;    // resolves relative artifact/layout dirs
  std::size_t concurrency = 32;
  std::filesystem::path state_file;  // optional: skip repositories already seeded
};

struct seed_report {
  std::size_t repositories = 0;  // in the seed
  std::size_t skipped = 0;       // already present (state_file)
  std::size_t blobs = 0;         // uploaded
  std::size_t manifests = 0;     // distinct manifests pushed
  std::size_t tags = 0;          // tags pushed
  std::size_t requests = 0;      // HTTP requests made
  std::chrono::milliseconds elapsed{0};        // everything (seed_blocking: building too)
  std::chrono::milliseconds blobs_elapsed{0};  // the blob upload phase
};

fluxaws::result<std::vector<repository_content>> build_contents(const std::vector<repository_seed>& seeds,
                                                                const std::filesystem::path& base_dir);

asio::awaitable<fluxaws::result<seed_report>> seed(registry_client& client, std::vector<repository_content> contents,
                                                   seed_options options);

// Builds and seeds on a private io_context (one thread); for start-up code.
fluxaws::result<seed_report> seed_blocking(std::uint16_t registry_port, const std::vector<repository_seed>& seeds,
                                           const seed_options& options);

}  // namespace emu::registry
