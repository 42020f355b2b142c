#include "adapters/kube/cluster_config.hpp"

#include <cstdlib>
#include <fstream>
#include <map>
#include <sstream>

#include "adapters/common/encoding.hpp"
#include "adapters/common/strings.hpp"
#include "adapters/common/yaml_json.hpp"

namespace fluxaws::kube {

namespace fs = std::filesystem;

namespace {

// Small local files only (kubeconfig, CA, token, namespace); capped so a wrong path
// pointing at something huge fails clearly.
result<std::string> read_small_file(const fs::path& path, std::size_t cap = 4u << 20) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return make_error("config", "cannot read " + path.string());
  std::string data;
  char buf[8192];
  while (in.read(buf, sizeof buf) || in.gcount() > 0) {
    data.append(buf, static_cast<std::size_t>(in.gcount()));
    if (data.size() > cap) return make_error("config", path.string() + " is larger than expected");
  }
  return data;
}

std::string resolve_path(const std::string& p, const fs::path& base) {
  if (p.empty()) return p;
  fs::path path(p);
  if (path.is_absolute() || base.empty()) return p;
  return (base / path).lexically_normal().string();
}

std::string strip_trailing_slash(std::string s) {
  while (!s.empty() && s.back() == '/') s.pop_back();
  return s;
}

// One merged view over kubeconfig files: named clusters, users and contexts, each
// remembering the folder of the file that defined it.
struct named_entry {
  json::value body;
  fs::path base;
};
struct merged_kubeconfig {
  std::map<std::string, named_entry> clusters, users, contexts;
  std::string current_context;
};

status merge_document(const json::value& doc, const fs::path& base, const std::string& label,
                      merged_kubeconfig& into) {
  if (!doc.is_object()) return make_error("config", label + " is not a kubeconfig document");
  auto take = [&](std::string_view list, std::string_view field, std::map<std::string, named_entry>& to) -> status {
    const json::value* items = doc.find(list);
    if (!items || items->is_null()) return {};
    if (!items->is_array()) return make_error("config", label + ": " + std::string(list) + " is not a list");
    for (const auto& item : items->as_array()) {
      const json::value* name = item.find("name");
      if (!name || !name->is_string() || name->as_string().empty())
        return make_error("config", label + ": an entry of " + std::string(list) + " has no name");
      const json::value* body = item.find(field);
      to.emplace(name->as_string(), named_entry{body ? *body : json::value::make_object(), base});
    }
    return {};
  };
  if (auto s = take("clusters", "cluster", into.clusters); !s) return s;
  if (auto s = take("users", "user", into.users); !s) return s;
  if (auto s = take("contexts", "context", into.contexts); !s) return s;
  if (into.current_context.empty()) {
    if (const json::value* cc = doc.find("current-context"); cc && cc->is_string())
      into.current_context = cc->as_string();
  }
  return {};
}

result<std::string> inline_data(const json::value& body, std::string_view field, const std::string& what) {
  const json::value* v = body.find(field);
  if (!v || !v->is_string() || v->as_string().empty()) return std::string();
  auto raw = enc::unbase64(v->as_string(), true);
  if (!raw) return make_error("config", what + ": " + std::string(field) + " is not valid base64");
  return *raw;
}

std::string string_field(const json::value& body, std::string_view field) {
  const json::value* v = body.find(field);
  return v && v->is_string() ? v->as_string() : std::string();
}

result<cluster_config> select_context(const merged_kubeconfig& cfg, std::string_view wanted,
                                      const std::string& label) {
  std::string ctx_name = wanted.empty() ? cfg.current_context : std::string(wanted);
  if (ctx_name.empty()) return make_error("config", label + " has no current-context and none was given");
  auto ctx = cfg.contexts.find(ctx_name);
  if (ctx == cfg.contexts.end()) return make_error("config", label + ": context \"" + ctx_name + "\" not found");
  std::string cluster_name = string_field(ctx->second.body, "cluster");
  std::string user_name = string_field(ctx->second.body, "user");
  auto cl = cfg.clusters.find(cluster_name);
  if (cl == cfg.clusters.end())
    return make_error("config", label + ": cluster \"" + cluster_name + "\" of context \"" + ctx_name + "\" not found");

  cluster_config out;
  out.origin = label + " context " + ctx_name;
  if (auto ns = string_field(ctx->second.body, "namespace"); !ns.empty()) out.default_namespace = ns;

  const json::value& c = cl->second.body;
  out.server = strip_trailing_slash(string_field(c, "server"));
  if (out.server.empty()) return make_error("config", label + ": cluster \"" + cluster_name + "\" has no server");
  if (!str::starts_with(out.server, "https://") && !str::starts_with(out.server, "http://"))
    out.server = "https://" + out.server;
  out.tls_server_name = string_field(c, "tls-server-name");
  if (const json::value* skip = c.find("insecure-skip-tls-verify")) out.insecure_skip_tls_verify = skip->as_bool();
  out.ca_file = resolve_path(string_field(c, "certificate-authority"), cl->second.base);
  auto ca = inline_data(c, "certificate-authority-data", label + ": cluster \"" + cluster_name + "\"");
  if (!ca) return ca.error();
  out.ca_pem = std::move(*ca);

  if (user_name.empty()) return out;  // anonymous
  auto us = cfg.users.find(user_name);
  if (us == cfg.users.end())
    return make_error("config", label + ": user \"" + user_name + "\" of context \"" + ctx_name + "\" not found");
  const json::value& u = us->second.body;
  std::string what = label + ": user \"" + user_name + "\"";
  if (u.find("exec") && !u.find("exec")->is_null())
    return make_error("config", what + " uses an exec credential plugin, which fluxaws does not run; "
                                       "use a token, a token file or a client certificate");
  if (u.find("auth-provider") && !u.find("auth-provider")->is_null())
    return make_error("config", what + " uses an auth provider, which fluxaws does not support");
  if (!string_field(u, "username").empty() || !string_field(u, "password").empty())
    return make_error("config", what + " uses basic auth, which fluxaws does not support");
  out.token = string_field(u, "token");
  out.token_file = resolve_path(string_field(u, "tokenFile"), us->second.base);
  out.client_cert_file = resolve_path(string_field(u, "client-certificate"), us->second.base);
  out.client_key_file = resolve_path(string_field(u, "client-key"), us->second.base);
  auto cert = inline_data(u, "client-certificate-data", what);
  if (!cert) return cert.error();
  auto key = inline_data(u, "client-key-data", what);
  if (!key) return key.error();
  out.client_cert_pem = std::move(*cert);
  out.client_key_pem = std::move(*key);
  bool has_cert = !out.client_cert_file.empty() || !out.client_cert_pem.empty();
  bool has_key = !out.client_key_file.empty() || !out.client_key_pem.empty();
  if (has_cert != has_key)
    return make_error("config", what + " has a client certificate without a key or a key without a certificate");
  return out;
}

}  // namespace

env_lookup process_env() {
  return [](std::string_view name) -> std::optional<std::string> {
    const char* v = std::getenv(std::string(name).c_str());
    if (!v) return std::nullopt;
    return std::string(v);
  };
}

result<cluster_config> parse_kubeconfig(std::string_view text, const fs::path& base_dir, std::string_view context) {
  auto doc = yamljson::parse_yaml(text);
  if (!doc) return make_error("config", "kubeconfig: " + doc.error().message);
  merged_kubeconfig merged;
  if (auto s = merge_document(*doc, base_dir, "kubeconfig", merged); !s) return s.error();
  return select_context(merged, context, "kubeconfig");
}

result<cluster_config> load_kubeconfig_files(const std::vector<fs::path>& files, std::string_view context) {
  merged_kubeconfig merged;
  std::string label;
  for (const auto& f : files) {
    std::error_code ec;
    if (!fs::exists(f, ec)) continue;
    auto text = read_small_file(f);
    if (!text) return text.error();
    auto doc = yamljson::parse_yaml(*text);
    if (!doc) return make_error("config", "kubeconfig " + f.string() + ": " + doc.error().message);
    if (auto s = merge_document(*doc, f.parent_path(), "kubeconfig " + f.string(), merged); !s) return s.error();
    if (label.empty()) label = "kubeconfig " + f.string();
  }
  if (label.empty()) {
    std::string names;
    for (const auto& f : files) names += (names.empty() ? "" : ", ") + f.string();
    return make_error("config", "no kubeconfig file found (" + names + ")");
  }
  return select_context(merged, context, label);
}

result<cluster_config> in_cluster_config(const env_lookup& env, const fs::path& sa_dir) {
  auto host = env("KUBERNETES_SERVICE_HOST");
  auto port = env("KUBERNETES_SERVICE_PORT");
  if (!host || host->empty() || !port || port->empty())
    return make_error("config", "not running in a cluster: KUBERNETES_SERVICE_HOST and KUBERNETES_SERVICE_PORT must be set");
  cluster_config out;
  out.origin = "in-cluster";
  std::string h = *host;
  if (h.find(':') != std::string::npos && h.front() != '[') h = "[" + h + "]";  // IPv6
  out.server = "https://" + h + ":" + *port;
  out.token_file = (sa_dir / "token").string();
  std::error_code ec;
  if (!fs::exists(out.token_file, ec))
    return make_error("config", "in-cluster: the ServiceAccount token file " + out.token_file + " is missing");
  fs::path ca = sa_dir / "ca.crt";
  if (fs::exists(ca, ec)) out.ca_file = ca.string();
  if (auto ns = read_small_file(sa_dir / "namespace", 4096); ns.ok()) {
    auto trimmed = str::trim(*ns);
    if (!trimmed.empty()) out.default_namespace = std::string(trimmed);
  }
  return out;
}

result<cluster_config> resolve_cluster_config(std::string_view kubeconfig_flag, std::string_view context,
                                              const env_lookup& env, const fs::path& sa_dir) {
  if (!kubeconfig_flag.empty()) {
    fs::path p(kubeconfig_flag);
    std::error_code ec;
    if (!fs::exists(p, ec)) return make_error("config", "--kubeconfig " + p.string() + " does not exist");
    return load_kubeconfig_files({p}, context);
  }
  if (auto kc = env("KUBECONFIG"); kc && !kc->empty()) {
    std::vector<fs::path> files;
    for (auto part : str::split(*kc, ':'))
      if (!part.empty()) files.emplace_back(std::string(part));
    return load_kubeconfig_files(files, context);
  }
  auto in_cluster = in_cluster_config(env, sa_dir);
  if (in_cluster.ok()) return in_cluster;
  if (auto home = env("HOME"); home && !home->empty()) {
    fs::path p = fs::path(*home) / ".kube" / "config";
    std::error_code ec;
    if (fs::exists(p, ec)) return load_kubeconfig_files({p}, context);
  }
  return make_error("config", "no Kubernetes configuration: pass --kubeconfig, set KUBECONFIG, or run in a cluster (" +
                                  in_cluster.error().message + ")");
}

}  // namespace fluxaws::kube
