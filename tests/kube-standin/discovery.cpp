#include "tests/kube-standin/discovery.hpp"

namespace kstand::discovery {

using fluxaws::json::value;

namespace {

constexpr const char* kTitle = "fluxaws-kube-standin";
constexpr const char* kVersion = "v1.32.0";

value strings(const std::vector<std::string>& v) {
  value a = value::make_array();
  for (const auto& s : v) a.push_back(s);
  return a;
}

value group_version(std::string_view group, std::string_view version) {
  value gv = value::make_object();
  gv.set("groupVersion", std::string(group) + "/" + std::string(version));
  gv.set("version", std::string(version));
  return gv;
}

value group_object(const api_group_info& g) {
  value o = value::make_object();
  o.set("name", g.name);
  value vs = value::make_array();
  for (const auto& v : g.versions) vs.push_back(group_version(g.name, v));
  o.set("versions", std::move(vs));
  o.set("preferredVersion", group_version(g.name, g.versions.front()));
  return o;
}

value subresource(const resource_type& r, std::string name, std::string kind, std::vector<std::string> verbs) {
  value s = value::make_object();
  s.set("name", r.plural + "/" + name);
  s.set("singularName", "");
  s.set("namespaced", r.namespaced);
  s.set("kind", std::move(kind));
  s.set("verbs", strings(verbs));
  return s;
}

void append_proto_field(std::string& out, int field, std::string_view bytes) {
  out += static_cast<char>((field << 3) | 2);  // length-delimited
  std::size_t n = bytes.size();
  do {
    unsigned char b = n & 0x7f;
    n >>= 7;
    if (n) b |= 0x80;
    out += static_cast<char>(b);
  } while (n);
  out.append(bytes);
}

}  // namespace

value version_info() {
  value v = value::make_object();
  v.set("major", "1");
  v.set("minor", "32");
  v.set("gitVersion", "v1.32.0-fluxaws-standin");
  v.set("gitCommit", "0000000000000000000000000000000000000000");
  v.set("gitTreeState", "clean");
  v.set("buildDate", "2025-01-01T00:00:00Z");
  v.set("goVersion", "go1.23.0");
  v.set("compiler", "gc");
  v.set("platform", "linux/amd64");
  return v;
}

value core_versions(std::string_view server_address) {
  value v = value::make_object();
  v.set("kind", "APIVersions");
  v.set("versions", strings({"v1"}));
  value addr = value::make_object();
  addr.set("clientCIDR", "0.0.0.0/0");
  addr.set("serverAddress", std::string(server_address));
  value addrs = value::make_array();
  addrs.push_back(std::move(addr));
  v.set("serverAddressByClientCIDRs", std::move(addrs));
  return v;
}

value group_list(const resource_catalog& catalog) {
  value l = value::make_object();
  l.set("kind", "APIGroupList");
  l.set("apiVersion", "v1");
  value gs = value::make_array();
  for (const auto& g : catalog.groups()) gs.push_back(group_object(g));
  l.set("groups", std::move(gs));
  return l;
}

value group(const resource_catalog& catalog, std::string_view name) {
  for (const auto& g : catalog.groups()) {
    if (g.name != name) continue;
    value o = group_object(g);
    o.set("kind", "APIGroup");
    o.set("apiVersion", "v1");
    return o;
  }
  return value();
}

value resource_list(const resource_catalog& catalog, std::string_view group, std::string_view version) {
  auto resources = catalog.resources_in(group, version);
  if (resources.empty()) return value();
  value l = value::make_object();
  l.set("kind", "APIResourceList");
  l.set("apiVersion", "v1");
  l.set("groupVersion", group.empty() ? std::string(version) : std::string(group) + "/" + std::string(version));
  value rs = value::make_array();
  for (const resource_type* r : resources) {
    value o = value::make_object();
    o.set("name", r->plural);
    o.set("singularName", r->singular);
    o.set("namespaced", r->namespaced);
    o.set("kind", r->kind);
    o.set("verbs", strings(r->verbs));
    if (!r->short_names.empty()) o.set("shortNames", strings(r->short_names));
    if (!r->categories.empty()) o.set("categories", strings(r->categories));
    rs.push_back(std::move(o));
    if (r->version(version)->status_subresource) rs.push_back(subresource(*r, "status", r->kind, {"get", "patch", "update"}));
    if (r->group.empty() && r->plural == "serviceaccounts") {
      value t = subresource(*r, "token", "TokenRequest", {"create"});
      t.set("group", "authentication.k8s.io");
      t.set("version", "v1");
      rs.push_back(std::move(t));
    }
    if (r->group.empty() && r->plural == "namespaces") rs.push_back(subresource(*r, "status", "Namespace", {"get", "patch", "update"}));
  }
  l.set("resources", std::move(rs));
  return l;
}

std::string openapi_v2_json() {
  value info = value::make_object();
  info.set("title", kTitle);
  info.set("version", kVersion);
  value doc = value::make_object();
  doc.set("swagger", "2.0");
  doc.set("info", std::move(info));
  doc.set("paths", value::make_object());
  doc.set("definitions", value::make_object());
  return fluxaws::json::dump(doc);
}

std::string openapi_v2_protobuf() {
  // gnostic openapi_v2.Document: swagger = 1, info = 2 (Info: title = 1, version = 2).
  std::string info;
  append_proto_field(info, 1, kTitle);
  append_proto_field(info, 2, kVersion);
  std::string doc;
  append_proto_field(doc, 1, "2.0");
  append_proto_field(doc, 2, info);
  return doc;
}

}  // namespace kstand::discovery
