#include "benchmarks/tenant_scale/src/engine_modes.hpp"

#include "adapters/common/yaml_json.hpp"

namespace fluxaws::bench {

const std::vector<std::string>& mode_names() {
  static const std::vector<std::string> names = {"fluxaws", "baseline"};
  return names;
}

result<engine_mode> make_mode(const std::string& name, const json::value& emulator_config, bool lift_account_limits) {
  if (!emulator_config.is_object()) return make_error("config", "the emulator's fluxaws.yaml is not a mapping");
  engine_mode m;
  m.name = name;
  m.config = emulator_config;
  json::value& c = m.config;
  c["featureGates"]["ObjectLevelWorkloadIdentity"] = true;
  c["observe"]["metricsAddr"] = "127.0.0.1:0";
  c["observe"]["healthAddr"] = "0";
  c["observe"]["logLevel"] = "info";
  c["observe"]["logEncoding"] = "json";
  c["storage"]["addr"] = "127.0.0.1:0";
  std::string lifted;
  if (lift_account_limits) {
    for (const char* service : {"sts", "ecr", "registry"}) {
      c["aws"]["rateLimits"][service]["perSecond"] = 0;
      c["aws"]["rateLimits"][service]["burst"] = 0;
    }
    lifted =
        " The benchmark world puts more tenants in one AWS account than AWS's per-account STS and ECR quotas "
        "allow in a burst, so the built-in limits that model those quotas (sts, ecr, and registry per ECR "
        "account) are off (aws.rateLimits).";
  }
  if (name == "fluxaws") {
    m.description =
        "fluxaws defaults: no per-kind cap on concurrent reconciles; credential cache misses single-flight per "
        "identity; background refresh ahead of expiry." +
        lifted;
    return m;
  }
  if (name == "baseline") {
    m.description =
        "A model of Flux's controllers' defaults on the same engine (not Flux itself): per-kind worker limits as "
        "Flux's --concurrent defaults (source-controller 2: Bucket, OCIRepository; image-reflector-controller 4: "
        "ImageRepository, ImagePolicy; kustomize-controller 4: Kustomization); every credential cache miss "
        "serialized behind one lock; no background refresh." +
        lifted;
    json::value& conc = c["reconcile"]["concurrent"];
    conc["Bucket"] = 2;
    conc["OCIRepository"] = 2;
    conc["ImageRepository"] = 4;
    conc["ImagePolicy"] = 4;
    conc["Kustomization"] = 4;
    c["tokenCache"]["serializeMisses"] = true;
    c["tokenCache"]["backgroundRefresh"] = false;
    return m;
  }
  return make_error("usage", "unknown engine mode '" + name + "' (fluxaws, baseline)");
}

std::string mode_yaml(const engine_mode& m) {
  std::string out = "# fluxaws configuration used by bench_tenant_scale, mode '" + m.name + "'.\n";
  // Wrap the description at about 90 columns.
  std::string line = "#";
  std::string word;
  auto flush_word = [&] {
    if (word.empty()) return;
    if (line.size() + 1 + word.size() > 90) {
      out += line + "\n";
      line = "#";
    }
    line += " " + word;
    word.clear();
  };
  for (char ch : m.description) {
    if (ch == ' ')
      flush_word();
    else
      word.push_back(ch);
  }
  flush_word();
  if (line != "#") out += line + "\n";
  return out + yamljson::to_yaml(m.config);
}

}  // namespace fluxaws::bench
