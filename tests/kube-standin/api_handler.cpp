#include "tests/kube-standin/api_handler.hpp"

#include <algorithm>
#include <charconv>

#include "adapters/common/digest.hpp"
#include "adapters/common/encoding.hpp"
#include "adapters/common/strings.hpp"
#include "adapters/common/time.hpp"
#include "adapters/common/yaml_json.hpp"
#include "tests/kube-standin/discovery.hpp"
#include "tests/kube-standin/patches.hpp"
#include "tests/kube-standin/protobuf_body.hpp"
#include "tests/kube-standin/schema_defaults.hpp"
#include "tests/kube-standin/table_view.hpp"

namespace kstand {

using fluxaws::json::value;
namespace str = fluxaws::str;

namespace {

constexpr const char* kNamespaces = "/namespaces";
constexpr const char* kServiceAccounts = "/serviceaccounts";
constexpr const char* kCrds = "apiextensions.k8s.io/customresourcedefinitions";

api_response json_response(int status, const value& v) { return {status, "application/json", fluxaws::json::dump(v)}; }
api_response error_response(const api_error& e) { return {e.code, "application/json", status_body(e)}; }
api_response not_served() {
  return error_response({404, "NotFound", "the server could not find the requested resource", {}});
}

std::string media_type(std::string_view content_type) {
  auto semi = content_type.find(';');
  return str::to_lower(str::trim(content_type.substr(0, semi)));
}

std::string meta(const value& obj, std::string_view field) {
  const value* v = obj.at({"metadata", field});
  return v ? v->as_string() : std::string();
}

std::optional<uint64_t> parse_rv(std::string_view s) {
  uint64_t v = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || p != s.data() + s.size()) return std::nullopt;
  return v;
}

bool truthy(const std::string& s) { return s == "1" || s == "true" || s == "True"; }

// Everything but metadata (and status when the status subresource owns it): what
// metadata.generation tracks.
value generation_view(const value& obj, bool without_status) {
  value v = obj;
  v.erase("metadata");
  if (without_status) v.erase("status");
  v.erase("apiVersion");
  v.erase("kind");
  return v;
}

std::optional<value> parse_body(const api_request& req, std::string* err) {
  std::string mt = media_type(req.content_type);
  if (mt == "application/vnd.kubernetes.protobuf") {
    auto doc = decode_kube_protobuf(req.body);
    if (!doc) {
      *err = doc.error().message;
      return std::nullopt;
    }
    return std::move(doc.value());
  }
  if (mt == "application/yaml" || mt == "application/apply-patch+yaml" || mt == "application/x-yaml") {
    auto doc = fluxaws::yamljson::parse_yaml(req.body);
    if (!doc) {
      *err = doc.error().message;
      return std::nullopt;
    }
    return std::move(doc.value());
  }
  return fluxaws::json::parse(req.body, err);
}

value without_managed_fields(const value& obj) {
  if (!obj.at({"metadata", "managedFields"})) return obj;
  value copy = obj;
  copy["metadata"].erase("managedFields");
  return copy;
}

value error_event(const api_error& e) {
  value ev = value::make_object();
  ev.set("type", "ERROR");
  ev.set("object", status_object(e));
  return ev;
}

}  // namespace

struct api_handler::context {
  const request_target* t = nullptr;
  const api_request* req = nullptr;
  const resource_type* type = nullptr;
  std::string version, ns, name, sub;
  bool status_sub() const { return sub == "status"; }
  bool has_status_subresource() const {
    const served_version* sv = type->version(version);
    return (sv && sv->status_subresource) || (!type->custom && type->group.empty() && type->plural == "namespaces");
  }
  std::string what() const { return type->qualified(); }
};

api_handler::api_handler(handler_options opts, object_store& store, resource_catalog& catalog)
    : opts_(std::move(opts)), store_(store), catalog_(catalog) {}

std::chrono::system_clock::time_point api_handler::now() const {
  return clock_ ? clock_() : std::chrono::system_clock::now();
}

std::string api_handler::new_uid() const {
  std::string b = fluxaws::digest::random_bytes(16);
  b[6] = static_cast<char>((b[6] & 0x0f) | 0x40);
  b[8] = static_cast<char>((b[8] & 0x3f) | 0x80);
  std::string h = fluxaws::enc::hex(b);
  return h.substr(0, 8) + "-" + h.substr(8, 4) + "-" + h.substr(12, 4) + "-" + h.substr(16, 4) + "-" + h.substr(20);
}

void api_handler::wrote() {
  if (on_write_) on_write_();
}

bool api_handler::authorized(const std::string& header) const {
  if (!str::starts_with(header, "Bearer ") && !str::starts_with(header, "bearer ")) return false;
  std::string token(str::trim(std::string_view(header).substr(7)));
  if (token.empty()) return false;
  if (!opts_.admin_token.empty() && token == opts_.admin_token) return true;
  // Tokens from TokenRequest are accepted as credentials too (as a real cluster does).
  return opts_.signer && opts_.signer->verify(token, now()).ok();
}

api_handler::outcome api_handler::handle(const api_request& req) {
  request_target t = parse_target(req.target);
  std::string path = req.target.substr(0, req.target.find('?'));
  if (path == "/healthz" || path == "/livez" || path == "/readyz") return api_response{200, "text/plain", "ok"};
  if (path == "/version") return json_response(200, discovery::version_info());
  if (str::starts_with(path, "/_standin/")) return admin(t, req);
  if (path == "/.well-known/openid-configuration") {
    value d = value::make_object();
    d.set("issuer", opts_.issuer);
    d.set("jwks_uri", opts_.issuer + "/openid/v1/jwks");
    value s = value::make_array();
    s.push_back("public");
    d.set("response_types_supported", value(fluxaws::json::array{value("id_token")}));
    d.set("subject_types_supported", std::move(s));
    d.set("id_token_signing_alg_values_supported", value(fluxaws::json::array{value("RS256")}));
    return json_response(200, d);
  }
  if (path == "/openid/v1/jwks") return api_response{200, "application/jwk-set+json", fluxaws::json::dump(opts_.signer->jwks())};
  if (!authorized(req.authorization)) return error_response(unauthorized());
  if (t.k == request_target::kind::resource) return serve_resource(t, req);
  return dispatch(t, req);
}

api_response api_handler::dispatch(const request_target& t, const api_request& req) {
  std::string path = req.target.substr(0, req.target.find('?'));
  if (req.method != "GET") return error_response(method_not_allowed("the server does not allow this method on the requested resource"));
  if (path == "/openapi/v2") {
    if (req.accept.find("protobuf") != std::string::npos)
      return {200, "application/com.github.proto-openapi.spec.v2.v1.0+protobuf", discovery::openapi_v2_protobuf()};
    return {200, "application/json", discovery::openapi_v2_json()};
  }
  switch (t.k) {
    case request_target::kind::core_versions: return json_response(200, discovery::core_versions(opts_.server_address));
    case request_target::kind::group_list: return json_response(200, discovery::group_list(catalog_));
    case request_target::kind::group: {
      value g = discovery::group(catalog_, t.group);
      return g.is_null() ? not_served() : json_response(200, g);
    }
    case request_target::kind::resource_list: {
      value l = discovery::resource_list(catalog_, t.group, t.version);
      return l.is_null() ? not_served() : json_response(200, l);
    }
    default: return not_served();
  }
}

api_handler::outcome api_handler::serve_resource(const request_target& t, const api_request& req) {
  const resource_type* type = catalog_.find(t.group, t.version, t.resource);
  if (!type) return not_served();
  context c;
  c.t = &t;
  c.req = &req;
  c.type = type;
  c.version = t.version;
  c.name = t.name;
  c.sub = t.subresource;
  if (type->namespaced) c.ns = t.ns;
  else if (t.namespaced_url) return not_served();
  counters_[req.method + " " + type->qualified() + (c.sub.empty() ? "" : "/" + c.sub)]++;
  if (!req.impersonate_user.empty()) {
    // Accepted as a real API server does for a caller allowed to impersonate; RBAC is
    // not modelled beyond the test-arranged refusals.
    impersonated_[req.impersonate_user]++;
    if (faults_.forbidden_users.count(req.impersonate_user)) {
      std::string verb = req.method == "GET"      ? (c.name.empty() ? "list" : "get")
                         : req.method == "POST"   ? "create"
                         : req.method == "PUT"    ? "update"
                         : req.method == "PATCH"  ? "patch"
                         : req.method == "DELETE" ? (c.name.empty() ? "deletecollection" : "delete")
                                                  : req.method;
      std::string what = type->plural + (type->group.empty() ? "" : "." + type->group);
      std::string msg = what + (c.name.empty() ? "" : " \"" + c.name + "\"") + " is forbidden: User \"" +
                        req.impersonate_user + "\" cannot " + verb + " resource \"" + type->plural +
                        "\" in API group \"" + type->group + "\"" +
                        (c.ns.empty() ? std::string(" at the cluster scope") : " in the namespace \"" + c.ns + "\"");
      return error_response(forbidden(msg));
    }
  }

  if (!c.sub.empty()) {
    bool token = c.sub == "token" && type->group.empty() && type->plural == "serviceaccounts";
    if (token) {
      if (req.method != "POST") return error_response(method_not_allowed("only create is allowed on serviceaccounts/token"));
      return token_request(c);
    }
    if (c.sub != "status" || !c.has_status_subresource()) return not_served();
    if (req.method != "GET" && req.method != "PUT" && req.method != "PATCH")
      return error_response(method_not_allowed("only get, update and patch are allowed on the status subresource"));
  }
  if (type->namespaced && c.ns.empty() && !c.name.empty()) return not_served();

  if (type->custom && media_type(req.content_type) == "application/vnd.kubernetes.protobuf")
    return error_response(unsupported_media_type(media_type(req.content_type)));  // as for real custom resources
  if (req.method == "GET") return c.name.empty() ? list_objects(c) : outcome(get_object(c));
  if (req.method == "POST") {
    if (!c.name.empty() || (type->namespaced && c.ns.empty())) return not_served();
    std::string err;
    auto body = parse_body(req, &err);
    if (!body) return error_response(bad_request("the request body is not valid JSON/YAML: " + err));
    return create_object(c, std::move(*body));
  }
  if (req.method == "PUT") {
    if (c.name.empty()) return error_response(method_not_allowed("PUT needs an object name"));
    std::string err;
    auto body = parse_body(req, &err);
    if (!body) return error_response(bad_request("the request body is not valid JSON/YAML: " + err));
    return update_object(c, std::move(*body), true);
  }
  if (req.method == "PATCH") {
    if (c.name.empty()) return error_response(method_not_allowed("PATCH needs an object name"));
    return patch_object(c);
  }
  if (req.method == "DELETE") return c.name.empty() ? delete_collection(c) : delete_object(c);
  return error_response(method_not_allowed("method " + req.method + " is not supported"));
}

api_response api_handler::get_object(const context& c) {
  object_ptr obj = store_.get(c.type->key(), c.ns, c.name);
  if (!obj) return error_response(not_found(c.what(), c.name));
  if (c.req->accept.find("as=Table") != std::string::npos)
    return json_response(200, to_table(*c.type, c.version, {obj}, c.t->param("includeObject"),
                                       std::to_string(store_.current_rv()), "", now()));
  return json_response(200, as_version(*obj, *c.type, c.version));
}

api_handler::outcome api_handler::list_objects(const context& c) {
  const request_target& t = *c.t;
  auto labels = label_selector::parse(t.param("labelSelector"));
  if (!labels) return error_response(bad_request(labels.error().message));
  auto fields = field_selector::parse(t.param("fieldSelector"));
  if (!fields) return error_response(bad_request(fields.error().message));
  const std::string rv = t.param("resourceVersion");
  if (!rv.empty() && !parse_rv(rv)) return error_response(bad_request("invalid resource version \"" + rv + "\""));

  if (truthy(t.param("watch"))) {
    watch_spec w;
    w.type = c.type;
    w.version = c.version;
    w.ns = c.ns;
    w.labels = std::move(labels.value());
    w.fields = std::move(fields.value());
    w.rv = rv;
    w.bookmarks = truthy(t.param("allowWatchBookmarks"));
    w.send_initial_events = truthy(t.param("sendInitialEvents"));
    if (auto ts = t.param("timeoutSeconds"); !ts.empty()) {
      auto n = parse_rv(ts);
      if (!n) return error_response(bad_request("invalid timeoutSeconds \"" + ts + "\""));
      w.timeout = std::chrono::seconds(std::min<uint64_t>(*n, 86400));
    }
    return w;
  }

  // A list from an explicit resourceVersion: the stand-in keeps no snapshots, so it
  // serves the current state unless the test armed an expiry or asked for an exact
  // version that is gone.
  if (!rv.empty() && rv != "0") {
    if (faults_.expire_watches > 0) {
      --faults_.expire_watches;
      return error_response(expired("too old resource version: " + rv + " (" + std::to_string(store_.current_rv()) + ")"));
    }
    if (t.param("resourceVersionMatch") == "Exact" && *parse_rv(rv) != store_.current_rv())
      return error_response(expired("too old resource version: " + rv + " (" + std::to_string(store_.current_rv()) + ")"));
  }

  uint64_t list_rv = store_.current_rv();
  std::string after;
  if (auto cont = t.param("continue"); !cont.empty()) {
    auto raw = fluxaws::enc::unbase64url(cont);
    auto doc = raw ? fluxaws::json::parse(*raw) : std::nullopt;
    if (!doc || !doc->find("rv") || !doc->find("start")) return error_response(bad_request("invalid continue token"));
    uint64_t token_rv = static_cast<uint64_t>(doc->find("rv")->as_int());
    if (token_rv < store_.oldest_watchable_rv())
      return error_response(expired("The provided continue parameter is too old to display a consistent list result. "
                                    "You can start a new list without the continue parameter."));
    after = doc->find("start")->as_string();
    list_rv = token_rv;
  }
  std::size_t limit = 0;
  if (auto l = t.param("limit"); !l.empty()) {
    auto n = parse_rv(l);
    if (!n) return error_response(bad_request("invalid limit \"" + l + "\""));
    limit = static_cast<std::size_t>(*n);
  }
  std::vector<object_ptr> items;
  std::string next_token;
  std::size_t remaining = 0;
  for (const auto& o : store_.list(c.type->key(), c.ns, after)) {
    if (!fields->matches(*o) || !labels->matches(*o)) continue;
    if (limit && items.size() == limit) {
      ++remaining;
      continue;
    }
    items.push_back(o);
  }
  if (remaining) {
    value tok = value::make_object();
    tok.set("rv", static_cast<int64_t>(list_rv));
    tok.set("start", object_store::position(meta(*items.back(), "namespace"), meta(*items.back(), "name")));
    next_token = fluxaws::enc::base64url(fluxaws::json::dump(tok));
  }
  if (c.req->accept.find("as=Table") != std::string::npos)
    return json_response(200, to_table(*c.type, c.version, items, t.param("includeObject"), std::to_string(list_rv),
                                       next_token, now()));
  value list = value::make_object();
  list.set("kind", c.type->list_kind);
  list.set("apiVersion", c.type->api_version(c.version));
  value m = value::make_object();
  m.set("resourceVersion", std::to_string(list_rv));
  if (!next_token.empty()) {
    m.set("continue", next_token);
    m.set("remainingItemCount", static_cast<int64_t>(remaining));
  }
  list.set("metadata", std::move(m));
  value arr = value::make_array();
  for (const auto& o : items) arr.push_back(as_version(*o, *c.type, c.version));
  list.set("items", std::move(arr));
  return json_response(200, list);
}

value api_handler::crd_with_status(value crd) const {
  auto cond = [&](const char* type, const char* reason, const char* message) {
    value c = value::make_object();
    c.set("type", type);
    c.set("status", "True");
    c.set("lastTransitionTime", fluxaws::timefmt::rfc3339(now()));
    c.set("reason", reason);
    c.set("message", message);
    return c;
  };
  // Keep transition times stable across updates.
  value conditions = value::make_array();
  const value* old = crd.at({"status", "conditions"});
  for (auto [t, r, m] : {std::tuple{"NamesAccepted", "NoConflicts", "no conflicts found"},
                         std::tuple{"Established", "InitialNamesAccepted", "the initial names have been accepted"}}) {
    value c = cond(t, r, m);
    if (old)
      for (const auto& o : old->as_array())
        if (o.find("type") && o.find("type")->as_string() == t && o.find("lastTransitionTime"))
          c.set("lastTransitionTime", *o.find("lastTransitionTime"));
    conditions.push_back(std::move(c));
  }
  value status = value::make_object();
  status.set("conditions", std::move(conditions));
  const value* names = crd.at({"spec", "names"});
  value accepted = names ? *names : value::make_object();
  status.set("acceptedNames", std::move(accepted));
  value stored = value::make_array();
  if (const value* versions = crd.at({"spec", "versions"}))
    for (const auto& v : versions->as_array())
      if (v.find("storage") && v.find("storage")->as_bool()) stored.push_back(*v.find("name"));
  status.set("storedVersions", std::move(stored));
  crd.set("status", std::move(status));
  return crd;
}

api_response api_handler::create_object(const context& c, value body) {
  if (!body.is_object()) return error_response(bad_request("the request body must be an object"));
  const resource_type& type = *c.type;
  if (const value* k = body.find("kind"); k && !k->as_string().empty() && k->as_string() != type.kind)
    return error_response(bad_request("the kind of the provided object (" + k->as_string() +
                                      ") does not match the expected kind (" + type.kind + ")"));
  // Metadata is edited as a copy and put back: a reference into body would dangle as
  // soon as body gains a member.
  value md = body.find("metadata") && body.find("metadata")->is_object() ? *body.find("metadata") : value::make_object();
  std::string name = md.find("name") ? md.find("name")->as_string() : "";
  if (name.empty()) {
    std::string prefix = md.find("generateName") ? md.find("generateName")->as_string() : "";
    if (prefix.empty())
      return error_response(invalid(type.kind, "", "metadata.name: Required value: name or generateName is required"));
    name = prefix + str::to_lower(fluxaws::enc::hex(fluxaws::digest::random_bytes(3))).substr(0, 5);
  }
  if (type.namespaced) {
    std::string body_ns = md.find("namespace") ? md.find("namespace")->as_string() : "";
    if (!body_ns.empty() && body_ns != c.ns)
      return error_response(bad_request("the namespace of the provided object does not match the namespace sent on the request"));
    md.set("namespace", c.ns);
  } else {
    md.erase("namespace");
  }
  md.set("name", name);
  if (store_.get(type.key(), c.ns, name)) return error_response(already_exists(c.what(), name));

  const std::string storage = type.storage_version().name;
  body.set("apiVersion", type.api_version(storage));
  body.set("kind", type.kind);
  for (const char* f : {"resourceVersion", "deletionTimestamp", "deletionGracePeriodSeconds", "selfLink"}) md.erase(f);
  md.set("uid", new_uid());
  md.set("creationTimestamp", fluxaws::timefmt::rfc3339(now()));
  if (type.has_generation) md.set("generation", 1);
  else md.erase("generation");
  body.set("metadata", std::move(md));
  if (c.has_status_subresource()) body.erase("status");
  if (!type.custom && type.group.empty() && type.plural == "namespaces") {
    body["metadata"]["labels"].set("kubernetes.io/metadata.name", name);
    body["status"].set("phase", "Active");
  }
  if (!type.custom && type.group.empty() && type.plural == "secrets" &&
      (!body.find("type") || body.find("type")->as_string().empty()))
    body.set("type", "Opaque");  // the API server's default
  if (type.custom) apply_schema_defaults(body, type.storage_version().schema);
  const bool dry_run = !c.t->param("dryRun").empty();
  if (type.key() == kCrds) {
    if (!dry_run) {
      auto reg = catalog_.register_crd(body);
      if (!reg) return error_response({422, "Invalid", reg.error().message, {}});
    }
    body = crd_with_status(std::move(body));
  }
  if (dry_run) return json_response(201, as_version(body, type, c.version));
  object_ptr stored = store_.put(type.key(), std::move(body), event_type::added);
  wrote();
  return json_response(201, as_version(*stored, type, c.version));
}

api_response api_handler::update_object(const context& c, value body, bool /*check_rv_given*/) {
  object_ptr old = store_.get(c.type->key(), c.ns, c.name);
  if (!old) return error_response(not_found(c.what(), c.name));
  if (!body.is_object()) return error_response(bad_request("the request body must be an object"));
  std::string body_name = meta(body, "name");
  if (!body_name.empty() && body_name != c.name)
    return error_response(bad_request("the name of the object (" + body_name + ") does not match the name on the URL (" +
                                      c.name + ")"));
  std::string given = meta(body, "resourceVersion");
  if (given.empty() && c.type->custom)
    return error_response(invalid(c.type->kind, c.name, "metadata.resourceVersion: Invalid value: 0x0: must be specified for an update"));
  if (!given.empty() && given != meta(*old, "resourceVersion")) return error_response(conflict(c.what(), c.name));
  int& armed = c.status_sub() ? faults_.status_conflicts : faults_.update_conflicts;
  if (armed > 0) {
    --armed;
    return error_response(conflict(c.what(), c.name));
  }
  value next;
  if (c.status_sub()) {
    next = *old;
    if (const value* s = body.find("status")) next.set("status", *s);
    else next.erase("status");
  } else {
    next = std::move(body);
    if (c.has_status_subresource()) {
      if (const value* s = old->find("status")) next.set("status", *s);
      else next.erase("status");
    }
  }
  return write(c, *old, std::move(next));
}

api_response api_handler::write(const context& c, const value& old, value next) {
  const resource_type& type = *c.type;
  value& md = next["metadata"];
  if (!md.is_object()) md = value::make_object();
  const value* old_md = old.find("metadata");
  for (const char* f : {"uid", "creationTimestamp", "name", "namespace", "deletionTimestamp",
                        "deletionGracePeriodSeconds", "resourceVersion", "generation"}) {
    const value* v = old_md ? old_md->find(f) : nullptr;
    if (v) md.set(f, *v);
    else md.erase(f);
  }
  if (!md.find("managedFields") && old_md && old_md->find("managedFields")) md.set("managedFields", *old_md->find("managedFields"));
  next.set("apiVersion", *old.find("apiVersion"));
  next.set("kind", type.kind);
  if (type.custom) apply_schema_defaults(next, type.storage_version().schema);
  if (type.key() == kCrds) {
    auto reg = catalog_.register_crd(next);
    if (!reg) return error_response({422, "Invalid", reg.error().message, {}});
    next = crd_with_status(std::move(next));
  }
  if (type.has_generation) {
    bool without_status = c.has_status_subresource();
    if (!(generation_view(old, without_status) == generation_view(next, without_status))) {
      const value* g = old.at({"metadata", "generation"});
      next["metadata"].set("generation", (g ? g->as_int() : 0) + 1);
    }
  }
  // A write that changes nothing (managedFields timestamps aside) keeps the
  // resourceVersion and sends no event, as kube-apiserver does.
  if (without_managed_fields(next) == without_managed_fields(old)) return json_response(200, as_version(old, type, c.version));
  if (!c.t->param("dryRun").empty()) return json_response(200, as_version(next, type, c.version));
  const value* fin = next.at({"metadata", "finalizers"});
  if (next.at({"metadata", "deletionTimestamp"}) && (!fin || fin->as_array().empty())) {
    value final_state = next;
    finish_delete(type, next);
    wrote();
    return json_response(200, as_version(final_state, type, c.version));
  }
  object_ptr stored = store_.put(type.key(), std::move(next), event_type::modified);
  wrote();
  return json_response(200, as_version(*stored, type, c.version));
}

api_response api_handler::patch_object(const context& c) {
  const api_request& req = *c.req;
  const std::string mt = media_type(req.content_type);
  const bool apply = mt == "application/apply-patch+yaml";
  if (mt == "application/strategic-merge-patch+json" && c.type->custom)
    return error_response({415, "UnsupportedMediaType",
                           "the body of the request was in an unknown format - accepted media types include: "
                           "application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml",
                           {}});
  if (!apply && mt != "application/merge-patch+json" && mt != "application/strategic-merge-patch+json" &&
      mt != "application/json-patch+json")
    return error_response(unsupported_media_type(mt));
  std::string manager = c.t->param("fieldManager");
  if (apply && manager.empty())
    return error_response(invalid("PatchOptions", "", "fieldManager: Required value: is required for apply patch"));
  std::string err;
  auto patch = parse_body(req, &err);
  if (!patch) return error_response(bad_request("the patch is not valid " + std::string(apply ? "YAML" : "JSON") + ": " + err));

  auto record_manager = [&](value& obj) {
    value entry = value::make_object();
    entry.set("manager", manager);
    entry.set("operation", "Apply");
    entry.set("apiVersion", c.type->api_version(c.version));
    entry.set("time", fluxaws::timefmt::rfc3339(now()));
    entry.set("fieldsType", "FieldsV1");
    entry.set("fieldsV1", value::make_object());
    if (c.status_sub()) entry.set("subresource", "status");
    value list = value::make_array();
    if (const value* mf = obj.at({"metadata", "managedFields"}))
      for (const auto& e : mf->as_array()) {
        bool same = e.find("manager") && e.find("manager")->as_string() == manager && e.find("operation") &&
                    e.find("operation")->as_string() == "Apply" &&
                    (e.find("subresource") ? e.find("subresource")->as_string() : "") == (c.status_sub() ? "status" : "");
        if (!same) list.push_back(e);
      }
    list.push_back(std::move(entry));
    obj["metadata"].set("managedFields", std::move(list));
  };

  object_ptr old = store_.get(c.type->key(), c.ns, c.name);
  if (!old) {
    if (!apply || c.status_sub()) return error_response(not_found(c.what(), c.name));
    if (!patch->is_object()) return error_response(bad_request("an apply patch must be an object"));
    std::string body_name = meta(*patch, "name");
    if (!body_name.empty() && body_name != c.name)
      return error_response(bad_request("the name of the object (" + body_name + ") does not match the name on the URL (" + c.name + ")"));
    (*patch)["metadata"].set("name", c.name);
    record_manager(*patch);
    return create_object(c, std::move(*patch));
  }

  value patched;
  if (mt == "application/json-patch+json") {
    auto r = json_patch(*old, *patch);
    if (!r) return error_response({422, "Invalid", "the JSON patch could not be applied: " + r.error().message, {}});
    patched = std::move(r.value());
  } else if (mt == "application/strategic-merge-patch+json") {
    patched = strategic_merge_patch(*old, *patch);
  } else {
    if (!patch->is_object()) return error_response(bad_request("a merge patch must be a JSON object"));
    patched = merge_patch(*old, *patch);
  }
  if (!patched.is_object()) return error_response(bad_request("the patch does not leave an object"));
  // A patch that names a resourceVersion is a precondition (optimistic concurrency).
  if (meta(patched, "resourceVersion") != meta(*old, "resourceVersion")) return error_response(conflict(c.what(), c.name));
  int& armed = c.status_sub() ? faults_.status_conflicts : faults_.update_conflicts;
  if (armed > 0) {
    --armed;
    return error_response(conflict(c.what(), c.name));
  }
  if (apply) record_manager(patched);
  value next;
  if (c.status_sub()) {
    next = *old;
    if (const value* s = patched.find("status")) next.set("status", *s);
    else next.erase("status");
    if (apply) next["metadata"].set("managedFields", *patched.at({"metadata", "managedFields"}));
  } else {
    next = std::move(patched);
    if (c.has_status_subresource()) {
      if (const value* s = old->find("status")) next.set("status", *s);
      else next.erase("status");
    }
  }
  return write(c, *old, std::move(next));
}

void api_handler::finish_delete(const resource_type& type, const value& obj) {
  const std::string name = meta(obj, "name");
  if (!type.custom && type.group.empty() && type.plural == "namespaces") {
    for (const auto& key : store_.resources()) {
      const resource_type* rt = catalog_.find_key(key);
      if (!rt || !rt->namespaced) continue;
      for (const auto& o : store_.list(key, name)) store_.remove(key, name, meta(*o, "name"));
    }
  }
  if (type.key() == kCrds) {
    const value* g = obj.at({"spec", "group"});
    const value* p = obj.at({"spec", "names", "plural"});
    if (g && p) {
      std::string key = g->as_string() + "/" + p->as_string();
      for (const auto& o : store_.list(key, "")) store_.remove(key, meta(*o, "namespace"), meta(*o, "name"));
      catalog_.unregister(key);
    }
  }
  store_.remove(type.key(), meta(obj, "namespace"), name);
}

api_response api_handler::delete_object(const context& c) {
  object_ptr old = store_.get(c.type->key(), c.ns, c.name);
  if (!old) return error_response(not_found(c.what(), c.name));
  if (!c.req->body.empty()) {
    std::string err;
    auto opts = fluxaws::json::parse(c.req->body, &err);
    if (opts && opts->is_object()) {
      if (const value* uid = opts->at({"preconditions", "uid"}); uid && uid->is_string() && uid->as_string() != meta(*old, "uid"))
        return error_response({409, "Conflict", "Precondition failed: UID in precondition: " + uid->as_string() +
                                                    ", UID in object meta: " + meta(*old, "uid"), {}});
      if (const value* rv = opts->at({"preconditions", "resourceVersion"});
          rv && rv->is_string() && rv->as_string() != meta(*old, "resourceVersion"))
        return error_response(conflict(c.what(), c.name));
    }
  }
  if (!c.t->param("dryRun").empty()) return json_response(200, as_version(*old, *c.type, c.version));
  const value* fin = old->at({"metadata", "finalizers"});
  if (fin && !fin->as_array().empty()) {
    if (old->at({"metadata", "deletionTimestamp"})) return json_response(200, as_version(*old, *c.type, c.version));
    value next = *old;
    next["metadata"].set("deletionTimestamp", fluxaws::timefmt::rfc3339(now()));
    next["metadata"].set("deletionGracePeriodSeconds", 0);
    if (c.type->has_generation) {
      const value* g = old->at({"metadata", "generation"});
      next["metadata"].set("generation", (g ? g->as_int() : 0) + 1);
    }
    object_ptr stored = store_.put(c.type->key(), std::move(next), event_type::modified);
    wrote();
    return json_response(200, as_version(*stored, *c.type, c.version));
  }
  value final_state = *old;
  finish_delete(*c.type, *old);
  wrote();
  return json_response(200, as_version(final_state, *c.type, c.version));
}

api_response api_handler::delete_collection(const context& c) {
  auto labels = label_selector::parse(c.t->param("labelSelector"));
  if (!labels) return error_response(bad_request(labels.error().message));
  auto fields = field_selector::parse(c.t->param("fieldSelector"));
  if (!fields) return error_response(bad_request(fields.error().message));
  value items = value::make_array();
  for (const auto& o : store_.list(c.type->key(), c.ns)) {
    if (!labels->matches(*o) || !fields->matches(*o)) continue;
    context one = c;
    one.ns = meta(*o, "namespace");
    one.name = meta(*o, "name");
    auto r = delete_object(one);
    if (r.status == 200)
      if (auto v = fluxaws::json::parse(r.body)) items.push_back(std::move(*v));
  }
  value list = value::make_object();
  list.set("kind", c.type->list_kind);
  list.set("apiVersion", c.type->api_version(c.version));
  value m = value::make_object();
  m.set("resourceVersion", std::to_string(store_.current_rv()));
  list.set("metadata", std::move(m));
  list.set("items", std::move(items));
  return json_response(200, list);
}

api_response api_handler::token_request(const context& c) {
  object_ptr sa = store_.get(kServiceAccounts, c.ns, c.name);
  if (!sa) return error_response(not_found("serviceaccounts", c.name));
  value body = value::make_object();
  if (!str::trim(c.req->body).empty()) {
    std::string err;
    auto parsed = parse_body(*c.req, &err);
    if (!parsed || !parsed->is_object()) return error_response(bad_request("the TokenRequest is not an object: " + err));
    body = std::move(*parsed);
  }
  std::vector<std::string> audiences;
  if (const value* a = body.at({"spec", "audiences"}))
    for (const auto& e : a->as_array())
      if (e.is_string() && !e.as_string().empty()) audiences.push_back(e.as_string());
  if (audiences.empty()) audiences.push_back(opts_.issuer);
  int64_t seconds = 3600;
  if (const value* e = body.at({"spec", "expirationSeconds"}); e && !e->is_null()) seconds = e->as_int();
  if (seconds < 600)
    return error_response(invalid("TokenRequest", c.name, "spec.expirationSeconds: Invalid value: " + std::to_string(seconds) +
                                                              ": may not specify a duration less than 10 minutes"));
  if (seconds > (int64_t{1} << 32))
    return error_response(invalid("TokenRequest", c.name, "spec.expirationSeconds: Invalid value: " + std::to_string(seconds) +
                                                              ": may not specify a duration larger than 2^32 seconds"));
  auto issued_at = now();
  value claims = service_account_claims(opts_.issuer, {c.ns, c.name, meta(*sa, "uid")}, audiences, issued_at,
                                        std::chrono::seconds(seconds), new_uid());
  auto token = opts_.signer->sign(claims);
  if (!token) return error_response({500, "InternalError", "the token could not be signed: " + token.error().message, {}});
  value out = value::make_object();
  out.set("kind", "TokenRequest");
  out.set("apiVersion", "authentication.k8s.io/v1");
  value md = value::make_object();
  md.set("name", c.name);
  md.set("namespace", c.ns);
  md.set("creationTimestamp", value());
  out.set("metadata", std::move(md));
  value spec = value::make_object();
  value auds = value::make_array();
  for (const auto& a : audiences) auds.push_back(a);
  spec.set("audiences", std::move(auds));
  spec.set("expirationSeconds", seconds);
  spec.set("boundObjectRef", body.at({"spec", "boundObjectRef"}) ? *body.at({"spec", "boundObjectRef"}) : value());
  out.set("spec", std::move(spec));
  value status = value::make_object();
  status.set("token", std::move(token.value()));
  status.set("expirationTimestamp", fluxaws::timefmt::rfc3339(issued_at + std::chrono::seconds(seconds)));
  out.set("status", std::move(status));
  return json_response(201, out);
}

api_response api_handler::admin(const request_target& t, const api_request& req) {
  std::string path = req.target.substr(0, req.target.find('?'));
  auto count = [&]() -> int {
    auto n = parse_rv(t.param("count", "1"));
    return n ? static_cast<int>(std::min<uint64_t>(*n, 1000000)) : -1;
  };
  auto state = [&] {
    value s = value::make_object();
    s.set("resourceVersion", std::to_string(store_.current_rv()));
    s.set("oldestWatchableResourceVersion", std::to_string(store_.oldest_watchable_rv()));
    s.set("openWatches", static_cast<int64_t>(watches_.size()));
    value f = value::make_object();
    f.set("statusConflicts", faults_.status_conflicts);
    f.set("updateConflicts", faults_.update_conflicts);
    f.set("expireWatches", faults_.expire_watches);
    value fu = value::make_array();
    for (const auto& u : faults_.forbidden_users) fu.push_back(u);
    f.set("forbiddenUsers", std::move(fu));
    s.set("faults", std::move(f));
    value r = value::make_object();
    for (const auto& [k, n] : counters_) r.set(k, static_cast<int64_t>(n));
    s.set("requests", std::move(r));
    value imp = value::make_object();
    for (const auto& [u, n] : impersonated_) imp.set(u, static_cast<int64_t>(n));
    s.set("impersonated", std::move(imp));
    return s;
  };
  if (path == "/_standin/state" && req.method == "GET") return json_response(200, state());
  if (req.method != "POST") return error_response(method_not_allowed("the /_standin/ actions take POST"));
  if (path == "/_standin/watches/cut") {
    std::vector<std::function<void()>> closers;
    for (const auto& [id, w] : watches_) closers.push_back(w.close);
    for (auto& f : closers) f();
    value v = value::make_object();
    v.set("cut", static_cast<int64_t>(closers.size()));
    return json_response(200, v);
  }
  if (path == "/_standin/history/compact") {
    store_.compact();
    return json_response(200, state());
  }
  if (path == "/_standin/impersonation/forbid") {
    std::string user = t.param("user");
    if (user.empty()) return error_response(bad_request("user is required"));
    faults_.forbidden_users.insert(user);
    return json_response(200, state());
  }
  int n = count();
  if (n < 0) return error_response(bad_request("count must be a number"));
  if (path == "/_standin/faults/status-conflicts") faults_.status_conflicts = n;
  else if (path == "/_standin/faults/update-conflicts") faults_.update_conflicts = n;
  else if (path == "/_standin/faults/expire-watches") faults_.expire_watches = n;
  else if (path == "/_standin/faults/reset") faults_ = fault_plan{};
  else return not_served();
  return json_response(200, state());
}

uint64_t api_handler::open_watch(const watch_spec& spec, emit_fn emit, std::function<void()> close) {
  const resource_type& type = *spec.type;
  auto matches = [spec](const value& obj) {
    if (!spec.ns.empty() && meta(obj, "namespace") != spec.ns) return false;
    return spec.fields.matches(obj) && spec.labels.matches(obj);
  };
  auto line = [&type, version = spec.version](const char* kind, const value& obj) {
    value ev = value::make_object();
    ev.set("type", kind);
    ev.set("object", as_version(obj, type, version));
    return fluxaws::json::dump(ev) + "\n";
  };
  auto deliver = [matches, line, emit](const store_event& ev) {
    bool now_matches = matches(*ev.object);
    bool was_matching = ev.previous && matches(*ev.previous);
    switch (ev.type) {
      case event_type::added:
        if (now_matches) emit(line("ADDED", *ev.object));
        break;
      case event_type::modified:
        if (now_matches && was_matching) emit(line("MODIFIED", *ev.object));
        else if (now_matches) emit(line("ADDED", *ev.object));
        else if (was_matching) emit(line("DELETED", *ev.object));
        break;
      case event_type::deleted:
        if (now_matches) emit(line("DELETED", *ev.object));
        break;
    }
  };
  const bool from_rv = !spec.rv.empty() && spec.rv != "0" && !spec.send_initial_events;
  if (from_rv) {
    uint64_t rv = parse_rv(spec.rv).value_or(0);
    std::optional<std::vector<const store_event*>> events;
    if (faults_.expire_watches > 0) --faults_.expire_watches;
    else events = store_.events_since(rv, type.key());
    if (!events) {
      emit(fluxaws::json::dump(error_event(expired("too old resource version: " + spec.rv + " (" +
                                                   std::to_string(store_.oldest_watchable_rv()) + ")"))) + "\n");
      return 0;
    }
    for (const store_event* ev : *events) deliver(*ev);
  } else {
    for (const auto& o : store_.list(type.key(), spec.ns))
      if (matches(*o)) emit(line("ADDED", *o));
    if (spec.send_initial_events && spec.bookmarks) {
      value ev = fluxaws::json::parse(bookmark_line(spec)).value();
      ev["object"]["metadata"]["annotations"].set("k8s.io/initial-events-end", "true");
      emit(fluxaws::json::dump(ev) + "\n");
    }
  }
  uint64_t id = next_watch_++;
  uint64_t sub = store_.subscribe(type.key(), deliver);
  watches_[id] = watch_entry{sub, std::move(close)};
  return id;
}

void api_handler::close_watch(uint64_t id) {
  auto it = watches_.find(id);
  if (it == watches_.end()) return;
  store_.unsubscribe(it->second.sub);
  watches_.erase(it);
}

std::string api_handler::bookmark_line(const watch_spec& spec) const {
  value obj = value::make_object();
  obj.set("kind", spec.type->kind);
  obj.set("apiVersion", spec.type->api_version(spec.version));
  value md = value::make_object();
  md.set("resourceVersion", std::to_string(store_.current_rv()));
  md.set("creationTimestamp", value());
  obj.set("metadata", std::move(md));
  value ev = value::make_object();
  ev.set("type", "BOOKMARK");
  ev.set("object", std::move(obj));
  return fluxaws::json::dump(ev) + "\n";
}

void api_handler::register_stored_crds() {
  for (const auto& o : store_.list(kCrds, "")) catalog_.register_crd(*o);
}

void api_handler::ensure_system_namespaces() {
  for (const char* name : {"default", "kube-system", "kube-public", "kube-node-lease"}) {
    if (store_.get(kNamespaces, "", name)) continue;
    value ns = value::make_object();
    ns.set("apiVersion", "v1");
    ns.set("kind", "Namespace");
    value md = value::make_object();
    md.set("name", name);
    md.set("uid", new_uid());
    md.set("creationTimestamp", fluxaws::timefmt::rfc3339(now()));
    value labels = value::make_object();
    labels.set("kubernetes.io/metadata.name", name);
    md.set("labels", std::move(labels));
    ns.set("metadata", std::move(md));
    ns["spec"].set("finalizers", value(fluxaws::json::array{value("kubernetes")}));
    ns["status"].set("phase", "Active");
    store_.put(kNamespaces, std::move(ns), event_type::added);
  }
  wrote();
}

}  // namespace kstand
