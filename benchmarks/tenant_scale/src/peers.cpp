#include "benchmarks/tenant_scale/src/peers.hpp"

#include <fstream>
#include <sstream>

#include "benchmarks/tenant_scale/src/child_process.hpp"
#include "benchmarks/tenant_scale/src/engine_runs.hpp"
#include "benchmarks/tenant_scale/src/object_generator.hpp"

namespace fluxaws::bench {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

namespace {

std::vector<std::string> aws_env() {
  return {std::string("AWS_ACCESS_KEY_ID=") + ci_access_key,
          std::string("AWS_SECRET_ACCESS_KEY=") + ci_secret_key,
          "AWS_SESSION_TOKEN",
          std::string("AWS_DEFAULT_REGION=") + region,
          std::string("AWS_REGION=") + region,
          "AWS_CONFIG_FILE=/dev/null",
          "AWS_SHARED_CREDENTIALS_FILE=/dev/null",
          "AWS_EC2_METADATA_DISABLED=true",
          "AWS_PAGER=",
          "AWS_PROFILE",
          "AWS_DEFAULT_PROFILE",
          "AWS_CA_BUNDLE",
          "AWS_ENDPOINT_URL"};
}

std::string read_file(const fs::path& p) {
  std::ifstream in(p);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::string tail_of(const fs::path& p) {
  std::string s = read_file(p);
  return s.size() > 400 ? s.substr(s.size() - 400) : s;
}

status write_text(const fs::path& p, const std::string& text) {
  std::ofstream out(p, std::ios::binary | std::ios::trunc);
  out << text;
  out.close();
  if (!out) return make_error("io", "cannot write " + p.string());
  return {};
}

std::size_t count_files(const fs::path& dir) {
  std::size_t n = 0;
  std::error_code ec;
  for (auto it = fs::recursive_directory_iterator(dir, ec); !ec && it != fs::recursive_directory_iterator();
       it.increment(ec))
    if (it->is_regular_file(ec)) ++n;
  return n;
}

void fluxaws_side(peer_comparison& p, const peer_tools& t, const fs::path& config, const fs::path& work,
                  const std::string& label, const std::string& objects_yaml, const std::string& kind_dir) {
  fs::path objects = work / (label + "-objects");
  std::error_code ec;
  fs::create_directories(objects, ec);
  if (auto st = write_text(objects / "objects.yaml", objects_yaml); !st) {
    p.problem = st.error().message;
    p.fluxaws_failed = true;
    return;
  }
  double best_ready = 0, best_reconcile = 0;
  for (int r = 0; r < t.runs; ++r) {
    engine_run_options o;
    o.fluxaws_binary = t.fluxaws;
    o.config = config;
    o.objects = objects;
    o.work = work;
    o.label = label + "-" + std::to_string(r);
    o.bound = 120s;
    auto m = measure_single(o, kind_dir, peer_namespace, "peer");
    if (!m || !m->ready) {
      p.problem = "fluxaws " + p.fluxaws + ": " + (m ? m->problem : m.error().message);
      p.fluxaws_failed = true;
      return;
    }
    if (r == 0 || m->start_to_ready_seconds < best_ready) best_ready = m->start_to_ready_seconds;
    if (r == 0 || m->reconcile_seconds < best_reconcile) best_reconcile = m->reconcile_seconds;
  }
  p.fluxaws_start_to_ready_seconds = best_ready;
  p.fluxaws_reconcile_seconds = best_reconcile;
}

}  // namespace

result<std::string> ecr_password(const peer_tools& t, const emulator_link& emu, const fs::path& work) {
  spawn_options so;
  so.binary = t.aws;
  so.args = {"ecr", "get-login-password", "--endpoint-url", emu.tls_url(), "--ca-bundle", emu.ca_file()};
  so.env = aws_env();
  so.stdout_file = (work / "ecr-password.out").string();
  so.stderr_file = (work / "ecr-password.err").string();
  auto r = run_to_end(so, 120s);
  if (!r) return r.error();
  std::string pw = read_file(so.stdout_file);
  std::error_code ec;
  fs::remove(so.stdout_file, ec);
  while (!pw.empty() && (pw.back() == '\n' || pw.back() == '\r')) pw.pop_back();
  if (r->exit_code != 0 || pw.empty())
    return make_error("aws", "aws ecr get-login-password failed (exit " + std::to_string(r->exit_code) +
                                 "): " + tail_of(so.stderr_file));
  return pw;
}

peer_comparison compare_s3_sync(const peer_tools& t, const plan_options& plan, const emulator_link& emu,
                                const fs::path& config, const fs::path& work) {
  peer_comparison p;
  p.peer = "aws s3 sync";
  p.fluxaws = "Bucket reconcile";
  p.items = plan.peer_bucket_objects;
  for (int r = 0; r < t.runs; ++r) {
    fs::path target = work / ("s3-sync-" + std::to_string(r));
    std::error_code ec;
    fs::remove_all(target, ec);
    fs::create_directories(target, ec);
    spawn_options so;
    so.binary = t.aws;
    so.args = {"s3", "sync", std::string("s3://") + peer_bucket, target.string(), "--endpoint-url", emu.tls_url(),
               "--ca-bundle", emu.ca_file(), "--no-progress", "--only-show-errors"};
    so.env = aws_env();
    so.stdout_file = (work / "s3-sync.out").string();
    so.stderr_file = (work / "s3-sync.err").string();
    auto res = run_to_end(so, 300s);
    if (!res) {
      p.problem = res.error().message;
      return p;
    }
    std::size_t got = count_files(target);
    if (res->exit_code != 0 || got != static_cast<std::size_t>(plan.peer_bucket_objects)) {
      p.problem = "aws s3 sync exit " + std::to_string(res->exit_code) + ", " + std::to_string(got) + " of " +
                  std::to_string(plan.peer_bucket_objects) + " objects: " + tail_of(so.stderr_file);
      return p;
    }
    if (r == 0 || res->wall_seconds < p.peer_seconds) p.peer_seconds = res->wall_seconds;
    fs::remove_all(target, ec);
  }
  fluxaws_side(p, t, config, work, "peer-bucket", peer_bucket_objects_yaml("10m"), "bucket");
  p.ok = p.problem.empty();
  return p;
}

peer_comparison compare_skopeo(const peer_tools& t, const plan_options& plan, const emulator_link& emu,
                               const std::string& password, const fs::path& config, const fs::path& work) {
  peer_comparison p;
  p.peer = "skopeo list-tags";
  p.fluxaws = "ImageRepository scan";
  p.items = plan.peer_repository_tags;
  // skopeo trusts the emulator's CA through a certs.d-style folder.
  fs::path certs = work / "skopeo-certs";
  std::error_code ec;
  fs::create_directories(certs, ec);
  fs::copy_file(emu.ca_file(), certs / "ca.crt", fs::copy_options::overwrite_existing, ec);
  for (int r = 0; r < t.runs; ++r) {
    spawn_options so;
    so.binary = t.skopeo;
    so.args = {"list-tags", "--cert-dir", certs.string(), "--creds", "AWS:" + password,
               "docker://127.0.0.1:" + std::to_string(emu.port()) + "/" + peer_repository};
    so.stdout_file = (work / "skopeo.out").string();
    so.stderr_file = (work / "skopeo.err").string();
    auto res = run_to_end(so, 300s);
    if (!res) {
      p.problem = res.error().message;
      return p;
    }
    auto listed = json::parse(read_file(so.stdout_file));
    std::size_t tags = listed && listed->find("Tags") ? listed->find("Tags")->as_array().size() : 0;
    if (res->exit_code != 0 || tags != static_cast<std::size_t>(plan.peer_repository_tags)) {
      p.problem = "skopeo list-tags exit " + std::to_string(res->exit_code) + ", " + std::to_string(tags) + " of " +
                  std::to_string(plan.peer_repository_tags) + " tags: " + tail_of(so.stderr_file);
      return p;
    }
    if (r == 0 || res->wall_seconds < p.peer_seconds) p.peer_seconds = res->wall_seconds;
  }
  fluxaws_side(p, t, config, work, "peer-image", peer_image_objects_yaml(password, "10m"), "imagerepository");
  p.ok = p.problem.empty();
  return p;
}

json::value to_json(const peer_comparison& p) {
  json::value v = json::value::make_object();
  v["peer"] = p.peer;
  v["fluxaws"] = p.fluxaws;
  v["items"] = p.items;
  v["ok"] = p.ok;
  if (!p.problem.empty()) v["problem"] = p.problem;
  v["peerSeconds"] = p.peer_seconds;
  v["fluxawsStartToReadySeconds"] = p.fluxaws_start_to_ready_seconds;
  v["fluxawsReconcileSeconds"] = p.fluxaws_reconcile_seconds;
  v["ratio"] = p.ratio();
  v["ratioToReconcile"] = p.fluxaws_reconcile_seconds > 0 ? p.peer_seconds / p.fluxaws_reconcile_seconds : 0.0;
  return v;
}

}  // namespace fluxaws::bench
