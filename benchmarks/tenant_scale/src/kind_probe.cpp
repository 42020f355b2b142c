#include "benchmarks/tenant_scale/src/kind_probe.hpp"

#include <algorithm>
#include <fstream>

#include "benchmarks/tenant_scale/src/engine_runs.hpp"
#include "benchmarks/tenant_scale/src/status_store_reader.hpp"

namespace fluxaws::bench {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

namespace {

struct lookup {
  const std::map<std::string, json::value>& statuses;
  const json::value* find(const std::string& kind, const std::string& name) const {
    auto it = statuses.find(kind + "/" + tenant(0) + "/" + name);
    return it == statuses.end() ? nullptr : &it->second;
  }
  bool ready(const std::string& kind, const std::string& name) const {
    const json::value* o = find(kind, name);
    return o && is_ready(*o);
  }
  std::string why(const std::string& kind, const std::string& name) const {
    const json::value* o = find(kind, name);
    return name + ": " + (o ? ready_reason(*o) : std::string("no status (not reconciled)"));
  }
};

bool wants(const std::vector<std::string>& wanted, const std::string& kind) {
  return std::find(wanted.begin(), wanted.end(), kind) != wanted.end();
}

}  // namespace

kind_choice choose_forms(const std::map<std::string, json::value>& statuses, const std::vector<std::string>& wanted) {
  kind_choice out;
  lookup l{statuses};
  for (const char* kind : {"Bucket", "OCIRepository", "ImageRepository"}) {
    if (!wants(wanted, kind)) continue;
    std::string aws = probe_object_name(kind, auth_form::aws_identity);
    std::string stat = probe_object_name(kind, auth_form::static_keys);
    if (l.ready(kind, aws)) {
      out.forms.forms[kind] = auth_form::aws_identity;
    } else if (l.ready(kind, stat)) {
      out.forms.forms[kind] = auth_form::static_keys;
      out.notes.push_back(std::string(kind) + " runs with static keys: the aws-identity form is not Ready (" +
                          l.why(kind, aws) + ")");
    } else {
      out.excluded.emplace_back(kind, l.why(kind, aws) + "; " + l.why(kind, stat));
    }
  }
  if (wants(wanted, "ImagePolicy")) {
    auto repo = out.forms.forms.find("ImageRepository");
    if (repo == out.forms.forms.end()) {
      out.excluded.emplace_back("ImagePolicy", "needs an ImageRepository the engine reconciles");
    } else {
      std::string name = probe_object_name("ImagePolicy", repo->second, repo->second);
      if (l.ready("ImagePolicy", name))
        out.forms.forms["ImagePolicy"] = repo->second;
      else
        out.excluded.emplace_back("ImagePolicy", l.why("ImagePolicy", name));
    }
  }
  if (wants(wanted, "Kustomization")) {
    auto bucket = out.forms.forms.find("Bucket");
    if (bucket == out.forms.forms.end()) {
      out.excluded.emplace_back("Kustomization", "needs a Bucket the engine reconciles (its source)");
    } else {
      std::string aws = probe_object_name("Kustomization", auth_form::aws_identity, bucket->second);
      std::string stat = probe_object_name("Kustomization", auth_form::static_keys, bucket->second);
      if (l.ready("Kustomization", aws)) {
        out.forms.forms["Kustomization"] = auth_form::aws_identity;
      } else if (l.ready("Kustomization", stat)) {
        out.forms.forms["Kustomization"] = auth_form::static_keys;
        out.notes.push_back("Kustomization decrypts with static keys: the aws-identity form is not Ready (" +
                            l.why("Kustomization", aws) + ")");
      } else {
        out.excluded.emplace_back("Kustomization", l.why("Kustomization", aws) + "; " + l.why("Kustomization", stat));
      }
    }
  }
  return out;
}

result<kind_choice> probe_kinds(const probe_options& o, const plan_options& plan, const std::string& ecr_password,
                                const emulator_link& emu) {
  fs::path objects = o.work / "probe-objects";
  std::error_code ec;
  fs::create_directories(objects, ec);
  {
    std::ofstream out(objects / "probe.yaml", std::ios::trunc);
    out << probe_objects_yaml(plan, ecr_password);
    if (!out) return make_error("io", "cannot write " + (objects / "probe.yaml").string());
  }
  engine_run_options r;
  r.fluxaws_binary = o.fluxaws_binary;
  r.config = o.config;
  r.objects = objects;
  r.work = o.work;
  r.label = "probe";
  r.bound = 120s;
  auto m = measure_cold(r, emu);
  if (!m) return m.error();
  if (!m->finished) return make_error("probe", "the probe run did not finish within 120 s");
  auto all = read_status_store(o.work / "probe" / "state", 0, true);
  return choose_forms(all.by_name, o.wanted);
}

}  // namespace fluxaws::bench
