// object_generator.hpp — the Flux objects of a tenant-scale run, as the manifest
// directory fluxaws reads in local mode: per tenant its Namespace, ServiceAccount
// `flux` (annotated with the tenant's role), and the Flux objects of the kinds being
// benchmarked, each in the authentication form chosen for its kind (bench_plan.hpp).
//
// Contract:
//   - Pure functions returning YAML text, except write_objects() which writes one
//     file per tenant (<dir>/<tenant>.yaml) and fails naming the file.
//   - A kind absent from `forms` is not generated (ImagePolicy follows its
//     ImageRepository; Kustomization needs the Bucket it reads).
//   - Static forms carry Secrets: the bench-ci user's keys and a dockerconfigjson with
//     an ECR token the caller fetched. The token is test material for the local
//     emulator; callers keep these files in a work folder that is deleted after the
//     run, never in the results.
#pragma once

#include <filesystem>
#include <map>
#include <string>

#include "adapters/common/result.hpp"
#include "benchmarks/tenant_scale/src/bench_plan.hpp"

namespace fluxaws::bench {

struct object_forms {
  std::map<std::string, auth_form> forms;  // kind -> form; absent: not generated
  std::string ecr_password;                // for static-keys OCI kinds
  bool has(const std::string& kind) const { return forms.count(kind) != 0; }
};

// Flux objects one tenant gets, by kind (0 for absent kinds).
std::map<std::string, int> objects_per_tenant(const plan_options& plan, const object_forms& f);

std::string tenant_objects_yaml(const plan_options& plan, int tenant_index, const object_forms& f);

// Every kind in every form for tenant 0, named probe-<form>-<kind>: which forms the
// engine reconciles today. probe_object_name() gives the names to look up.
std::string probe_objects_yaml(const plan_options& plan, const std::string& ecr_password);
std::string probe_object_name(const std::string& kind, auth_form form, auth_form source_form = auth_form::aws_identity);

// The peer comparisons' single objects (namespace bench-peer, static keys like the peers).
inline constexpr const char* peer_namespace = "bench-peer";
std::string peer_bucket_objects_yaml(const std::string& interval);
std::string peer_image_objects_yaml(const std::string& ecr_password, const std::string& interval);

status write_objects(const plan_options& plan, const object_forms& f, const std::filesystem::path& dir);

}  // namespace fluxaws::bench
