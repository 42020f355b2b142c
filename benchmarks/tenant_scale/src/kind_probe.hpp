// kind_probe.hpp — which kinds, in which authentication form, the engine reconciles
// today. The benchmark generates only what works, so it runs while kinds and the
// credential plane are still landing and becomes complete as they land.
//
// One `fluxaws run --once` over tenant 0's resources with every kind in every form
// (object_generator.hpp: probe_objects_yaml). Per kind the aws-identity form wins when
// it is Ready, else static-keys, else the kind is excluded with both Ready messages as
// the reason. ImagePolicy is kept when the policy over the chosen ImageRepository form
// is Ready; Kustomization when a decryption form over the chosen Bucket form is.
//
// Contract: choose_forms() is the pure half (statuses in, decision out), for tests.
#pragma once

#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "adapters/common/json.hpp"
#include "adapters/common/result.hpp"
#include "benchmarks/tenant_scale/src/bench_plan.hpp"
#include "benchmarks/tenant_scale/src/emulator_link.hpp"
#include "benchmarks/tenant_scale/src/object_generator.hpp"

namespace fluxaws::bench {

struct kind_choice {
  object_forms forms;                                    // without the ECR password
  std::vector<std::pair<std::string, std::string>> excluded;  // kind, why
  std::vector<std::string> notes;                        // e.g. why a kind runs in static-keys form
};

// statuses: "Kind/namespace/name" -> object with status (status_store_reader keep_all).
// wanted: the kinds asked for (others are left out silently).
kind_choice choose_forms(const std::map<std::string, json::value>& statuses, const std::vector<std::string>& wanted);

struct probe_options {
  std::string fluxaws_binary;
  std::filesystem::path config;
  std::filesystem::path work;
  std::vector<std::string> wanted;
};

result<kind_choice> probe_kinds(const probe_options& o, const plan_options& plan, const std::string& ecr_password,
                                const emulator_link& emu);

}  // namespace fluxaws::bench
