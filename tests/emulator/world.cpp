#include "tests/emulator/world.hpp"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "adapters/common/digest.hpp"
#include "adapters/common/encoding.hpp"
#include "adapters/common/strings.hpp"
#include "adapters/common/time.hpp"
#include "adapters/common/yaml_json.hpp"
#include "tests/emulator/faults.hpp"

namespace emu {

namespace json = fluxaws::json;
namespace fs = std::filesystem;
using fluxaws::error_info;
using fluxaws::make_error;

namespace {

// Thrown inside the parser only, turned into an error_info at the boundary.
struct world_error {
  std::string message;
};

[[noreturn]] void fail(const std::string& where, const std::string& why) { throw world_error{where + ": " + why}; }

// Scalars as text: YAML turns an unquoted account id into an integer.
std::string text(const json::value& v, const std::string& where, bool required = true) {
  if (v.is_string()) return v.as_string();
  if (v.is_integer()) return std::to_string(v.as_int());
  if (v.is_null() && !required) return {};
  fail(where, "must be a string");
}

std::string text_field(const json::value& obj, std::string_view key, const std::string& where, bool required = true) {
  const auto* v = obj.find(key);
  if (!v || v->is_null()) {
    if (required) fail(where, std::string("missing field ") + std::string(key));
    return {};
  }
  return text(*v, where + "." + std::string(key));
}

std::string account_id(const json::value& v, const std::string& where) {
  std::string a = text(v, where);
  if (a.size() < 12 && !a.empty() && a.find_first_not_of("0123456789") == std::string::npos)
    a.insert(0, 12 - a.size(), '0');  // YAML read a leading-zero id as a number
  if (a.size() != 12 || a.find_first_not_of("0123456789") != std::string::npos)
    fail(where, "an account id is 12 digits, not \"" + a + "\"");
  return a;
}

const json::array& list_field(const json::value& obj, std::string_view key, const std::string& where) {
  static const json::array empty;
  const auto* v = obj.find(key);
  if (!v || v->is_null()) return empty;
  if (!v->is_array()) fail(where + "." + std::string(key), "must be a list");
  return v->as_array();
}

std::vector<std::string> string_list(const json::value& obj, std::string_view key, const std::string& where) {
  std::vector<std::string> out;
  std::size_t i = 0;
  for (const auto& e : list_field(obj, key, where))
    out.push_back(text(e, where + "." + std::string(key) + "[" + std::to_string(i++) + "]"));
  return out;
}

std::chrono::seconds duration_field(const json::value& obj, std::string_view key, const std::string& where,
                                    std::chrono::seconds fallback) {
  const auto* v = obj.find(key);
  if (!v || v->is_null()) return fallback;
  if (v->is_integer()) return std::chrono::seconds(v->as_int());
  auto d = v->is_string() ? fluxaws::timefmt::parse_go_duration(v->as_string()) : std::nullopt;
  if (!d || d->count() <= 0) fail(where + "." + std::string(key), "must be a positive duration such as 60s or 12h");
  auto s = std::chrono::duration_cast<std::chrono::seconds>(*d);
  if (s.count() == 0) fail(where + "." + std::string(key), "must be at least one second");
  return s;
}

std::string read_file(const std::string& path, const std::string& where) {
  std::ifstream in(path, std::ios::binary);
  if (!in) fail(where, "cannot read " + path);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::string resolve(const std::string& base, const std::string& p) {
  if (p.empty()) return p;
  fs::path path(p);
  if (path.is_relative()) path = fs::path(base) / path;
  return fs::weakly_canonical(path).string();
}

// A policy written as a YAML mapping (IAM JSON as YAML) or as a JSON string.
iam::policy policy_of(const json::value& v, const std::string& where) {
  fluxaws::result<iam::policy> p = v.is_string() ? iam::parse_policy_text(v.as_string()) : iam::parse_policy(v);
  if (!p) fail(where, p.error().message);
  return std::move(p.value());
}

std::optional<iam::policy> optional_policy(const json::value& obj, std::string_view key, const std::string& where) {
  const auto* v = obj.find(key);
  if (!v || v->is_null()) return std::nullopt;
  return policy_of(*v, where + "." + std::string(key));
}

std::vector<iam::policy> policy_list(const json::value& obj, const std::string& where) {
  std::vector<iam::policy> out;
  std::size_t i = 0;
  for (const auto& p : list_field(obj, "policies", where))
    out.push_back(policy_of(p, where + ".policies[" + std::to_string(i++) + "]"));
  return out;
}

bool valid_region(const std::string& r) {
  // aa-bbbb-9 style; enough to catch typos in a world file.
  auto parts = fluxaws::str::split(r, '-');
  if (parts.size() < 3) return false;
  for (char c : r)
    if (!(std::islower(static_cast<unsigned char>(c)) || std::isdigit(static_cast<unsigned char>(c)) || c == '-'))
      return false;
  return std::isdigit(static_cast<unsigned char>(r.back())) != 0;
}

struct parser {
  const json::value& doc;
  std::string base;
  world w;
  std::set<std::string> key_ids;

  std::string account_or_default(const json::value& obj, const std::string& where) {
    const auto* v = obj.find("account");
    if (!v || v->is_null()) return w.accounts.front();
    auto a = account_id(*v, where + ".account");
    if (std::find(w.accounts.begin(), w.accounts.end(), a) == w.accounts.end())
      fail(where + ".account", "account " + a + " is not listed under accounts");
    return a;
  }

  std::string region_or_default(const json::value& obj, const std::string& where) {
    auto r = text_field(obj, "region", where, false);
    if (r.empty()) return w.regions.front();
    if (std::find(w.regions.begin(), w.regions.end(), r) == w.regions.end())
      fail(where + ".region", "region " + r + " is not listed under regions");
    return r;
  }

  void top() {
    if (!doc.is_object()) fail("world", "the document must be a mapping");
    std::size_t i = 0;
    for (const auto& a : list_field(doc, "accounts", "world"))
      w.accounts.push_back(account_id(a, "accounts[" + std::to_string(i++) + "]"));
    if (w.accounts.empty()) fail("world", "accounts must list at least one account id");
    w.regions = string_list(doc, "regions", "world");
    if (w.regions.empty()) w.regions.push_back("us-east-1");
    for (const auto& r : w.regions)
      if (!valid_region(r)) fail("regions", "\"" + r + "\" is not a region name");

    if (const auto* sts = doc.find("sts"); sts && sts->is_object())
      w.credential_lifetime = duration_field(*sts, "credentialLifetime", "sts", w.credential_lifetime);
    if (const auto* ecr = doc.find("ecr"); ecr && ecr->is_object())
      w.ecr_token_lifetime = duration_field(*ecr, "tokenLifetime", "ecr", w.ecr_token_lifetime);

    static const json::value empty_obj = json::value::make_object();
    const json::value* iam_doc = doc.find("iam");
    if (!iam_doc || iam_doc->is_null()) iam_doc = &empty_obj;
    providers(*iam_doc);
    users(*iam_doc);
    roles(*iam_doc);
    associations(*iam_doc);
    if (auto r = text_field(*iam_doc, "instanceRole", "iam", false); !r.empty()) {
      w.instance_role_arn = role_ref(r, w.accounts.front(), "iam.instanceRole");
    }

    if (const auto* s3 = doc.find("s3"); s3 && !s3->is_null()) buckets(*s3);
    if (const auto* kms = doc.find("kms"); kms && !kms->is_null()) keys(*kms);
    if (const auto* ecr = doc.find("ecr"); ecr && !ecr->is_null()) repositories(*ecr);

    if (const auto* l = doc.find("latency"); l && !l->is_null()) {
      fault_plan probe;
      if (auto st = probe.set_latency(*l, true); !st) fail("latency", st.error().message);
      w.latency = *l;
    }
    if (const auto* f = doc.find("faults"); f && !f->is_null()) {
      fault_plan probe;
      if (auto st = probe.set_faults(*f, true); !st) fail("faults", st.error().message);
      w.faults = *f;
    }
  }

  std::string role_ref(const std::string& ref, const std::string& account, const std::string& where) {
    std::string arn = fluxaws::str::starts_with(ref, "arn:") ? ref : "arn:aws:iam::" + account + ":role/" + ref;
    if (!w.find_role(arn)) fail(where, "no role " + arn + " in this world");
    return arn;
  }

  void providers(const json::value& iam_doc) {
    std::size_t i = 0;
    for (const auto& p : list_field(iam_doc, "oidcProviders", "iam")) {
      auto where = "iam.oidcProviders[" + std::to_string(i++) + "]";
      oidc_provider op;
      op.url = text_field(p, "url", where);
      if (!fluxaws::str::starts_with(op.url, "https://")) fail(where + ".url", "an OIDC issuer URL starts with https://");
      while (fluxaws::str::ends_with(op.url, "/")) op.url.pop_back();
      op.host = op.url.substr(8);
      op.account = account_or_default(p, where);
      op.arn = "arn:aws:iam::" + op.account + ":oidc-provider/" + op.host;
      op.audiences = string_list(p, "audiences", where);
      for (const auto& k : string_list(p, "publicKeys", where)) op.public_keys.push_back(read_file(resolve(base, k), where));
      if (auto k = text_field(p, "publicKey", where, false); !k.empty())
        op.public_keys.push_back(read_file(resolve(base, k), where));
      if (op.public_keys.empty()) fail(where, "publicKey (a PEM file) is required");
      op.private_key_path = resolve(base, text_field(p, "privateKey", where, false));
      if (!op.private_key_path.empty() && !fs::exists(op.private_key_path))
        fail(where + ".privateKey", "no file " + op.private_key_path);
      if (w.find_provider_by_url(op.url)) fail(where, "duplicate issuer " + op.url);
      w.oidc_providers.push_back(std::move(op));
    }
  }

  void add_key(access_key k, const std::string& where) {
    if (k.id.size() < 16 || k.id.size() > 128) fail(where, "an access key id has 16 to 128 characters");
    if (fluxaws::str::starts_with(k.id, "ASIA")) fail(where, "ASIA key ids are reserved for temporary credentials");
    if (k.secret.empty()) fail(where, "secret is required");
    if (!key_ids.insert(k.id).second) fail(where, "duplicate access key id " + k.id);
  }

  void users(const json::value& iam_doc) {
    std::size_t i = 0;
    std::set<std::string> arns;
    for (const auto& u : list_field(iam_doc, "users", "iam")) {
      auto where = "iam.users[" + std::to_string(i++) + "]";
      iam_user user;
      user.name = text_field(u, "name", where);
      user.account = account_or_default(u, where);
      user.arn = "arn:aws:iam::" + user.account + ":user/" + user.name;
      user.user_id = derived_id("AIDA", user.arn);
      if (!arns.insert(user.arn).second) fail(where, "duplicate user " + user.arn);
      std::size_t k = 0;
      for (const auto& key : list_field(u, "accessKeys", where)) {
        auto kw = where + ".accessKeys[" + std::to_string(k++) + "]";
        access_key ak{text_field(key, "id", kw), text_field(key, "secret", kw)};
        add_key(ak, kw);
        user.keys.push_back(std::move(ak));
      }
      user.policies = policy_list(u, where);
      w.users.push_back(std::move(user));
    }
  }

  void roles(const json::value& iam_doc) {
    std::size_t i = 0;
    for (const auto& r : list_field(iam_doc, "roles", "iam")) {
      auto where = "iam.roles[" + std::to_string(i++) + "]";
      iam_role role;
      role.name = text_field(r, "name", where);
      role.account = account_or_default(r, where);
      role.arn = "arn:aws:iam::" + role.account + ":role/" + role.name;
      role.role_id = derived_id("AROA", role.arn);
      if (w.find_role(role.arn)) fail(where, "duplicate role " + role.arn);
      const auto* trust = r.find("trustPolicy");
      if (!trust || trust->is_null()) fail(where, "trustPolicy is required");
      role.trust = policy_of(*trust, where + ".trustPolicy");
      role.policies = policy_list(r, where);
      role.max_session = duration_field(r, "maxSessionDuration", where, std::chrono::seconds(3600));
      if (role.max_session < std::chrono::seconds(3600) || role.max_session > std::chrono::seconds(43200))
        fail(where + ".maxSessionDuration", "must be between 1h and 12h, as in IAM");
      if (r.find("credentialLifetime"))
        role.credential_lifetime = duration_field(r, "credentialLifetime", where, std::chrono::seconds(3600));
      w.roles.push_back(std::move(role));
    }
  }

  void associations(const json::value& iam_doc) {
    std::size_t i = 0;
    for (const auto& a : list_field(iam_doc, "podIdentityAssociations", "iam")) {
      auto where = "iam.podIdentityAssociations[" + std::to_string(i++) + "]";
      pod_identity_association pa;
      pa.account = account_or_default(a, where);
      pa.ns = text_field(a, "namespace", where);
      pa.service_account = text_field(a, "serviceAccount", where);
      pa.role_arn = role_ref(text_field(a, "role", where), pa.account, where + ".role");
      w.pod_identity_associations.push_back(std::move(pa));
    }
    i = 0;
    for (const auto& t : list_field(iam_doc, "podIdentityTokens", "iam")) {
      auto where = "iam.podIdentityTokens[" + std::to_string(i++) + "]";
      w.pod_identity_tokens.push_back(
          {text_field(t, "token", where), text_field(t, "namespace", where), text_field(t, "serviceAccount", where)});
    }
  }

  void buckets(const json::value& s3) {
    std::size_t i = 0;
    std::set<std::string> names;
    for (const auto& b : list_field(s3, "buckets", "s3")) {
      auto where = "s3.buckets[" + std::to_string(i++) + "]";
      bucket_def bd;
      bd.name = text_field(b, "name", where);
      if (bd.name.size() < 3 || bd.name.size() > 63 ||
          bd.name.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789.-") != std::string::npos)
        fail(where + ".name", "\"" + bd.name + "\" is not a valid bucket name");
      if (!names.insert(bd.name).second) fail(where, "duplicate bucket " + bd.name);
      bd.region = region_or_default(b, where);
      bd.account = account_or_default(b, where);
      bd.dir = resolve(base, text_field(b, "dir", where, false));
      if (!bd.dir.empty() && !fs::is_directory(bd.dir)) fail(where + ".dir", "no directory " + bd.dir);
      bd.policy = optional_policy(b, "policy", where);
      w.buckets.push_back(std::move(bd));
    }
  }

  void keys(const json::value& kms) {
    std::size_t i = 0;
    std::set<std::string> ids, aliases;
    for (const auto& k : list_field(kms, "keys", "kms")) {
      auto where = "kms.keys[" + std::to_string(i++) + "]";
      kms_key_def kd;
      kd.id = text_field(k, "id", where);
      if (kd.id.empty() || kd.id.find_first_not_of("0123456789abcdefABCDEF-mrk") != std::string::npos)
        fail(where + ".id", "a key id is a UUID such as 1234abcd-12ab-34cd-56ef-1234567890ab");
      kd.region = region_or_default(k, where);
      kd.account = account_or_default(k, where);
      kd.arn = "arn:aws:kms:" + kd.region + ":" + kd.account + ":key/" + kd.id;
      if (!ids.insert(kd.arn).second) fail(where, "duplicate key " + kd.arn);
      for (auto a : string_list(k, "aliases", where)) {
        if (!fluxaws::str::starts_with(a, "alias/")) a = "alias/" + a;
        if (fluxaws::str::starts_with(a, "alias/aws/")) fail(where + ".aliases", "alias/aws/ is reserved for AWS managed keys");
        if (!aliases.insert(kd.region + "/" + kd.account + "/" + a).second) fail(where, "duplicate alias " + a);
        kd.aliases.push_back(a);
      }
      kd.policy = optional_policy(k, "policy", where);
      if (auto m = text_field(k, "material", where, false); !m.empty()) {
        auto raw = fluxaws::enc::unbase64(m);
        if (!raw || raw->size() != 32) fail(where + ".material", "must be 32 bytes, base64");
        kd.material = *raw;
      } else {
        // Deterministic: ciphertexts made once (SOPS fixtures) stay decryptable across runs.
        kd.material = fluxaws::digest::sha256("fluxaws-emulator/kms-key-material/" + kd.arn);
      }
      if (const auto* en = k.find("enabled"); en && en->is_bool()) kd.enabled = en->as_bool();
      w.kms_keys.push_back(std::move(kd));
    }
  }

  void repositories(const json::value& ecr) {
    std::size_t i = 0;
    std::set<std::string> arns;
    for (const auto& r : list_field(ecr, "repositories", "ecr")) {
      auto where = "ecr.repositories[" + std::to_string(i++) + "]";
      ecr_repository_def rd;
      rd.name = text_field(r, "name", where);
      if (rd.name.empty() || rd.name.size() > 256 ||
          rd.name.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789._-/") != std::string::npos)
        fail(where + ".name", "\"" + rd.name + "\" is not a valid repository name");
      rd.account = account_or_default(r, where);
      rd.region = region_or_default(r, where);
      rd.arn = "arn:aws:ecr:" + rd.region + ":" + rd.account + ":repository/" + rd.name;
      if (!arns.insert(rd.arn).second) fail(where, "duplicate repository " + rd.arn);
      rd.policy = optional_policy(r, "policy", where);
      std::size_t j = 0;
      for (const auto& im : list_field(r, "images", where))
        rd.images.push_back({string_list(im, "tags", where + ".images[" + std::to_string(j++) + "]")});
      j = 0;
      for (const auto& tr : list_field(r, "tagRanges", where)) {
        auto tw = where + ".tagRanges[" + std::to_string(j++) + "]";
        ecr_tag_range_def t;
        t.format = text_field(tr, "format", tw);
        t.from = static_cast<int>(tr.find("from") ? tr.find("from")->as_int(0) : 0);
        t.to = static_cast<int>(tr.find("to") ? tr.find("to")->as_int(-1) : -1);
        if (t.to < t.from) fail(tw, "to must not be below from");
        if (t.to - t.from > 100000) fail(tw, "at most 100000 tags in a range");
        rd.ranges.push_back(std::move(t));
      }
      j = 0;
      for (const auto& a : list_field(r, "artifacts", where)) {
        auto aw = where + ".artifacts[" + std::to_string(j++) + "]";
        ecr_artifact_def ad;
        ad.tags = string_list(a, "tags", aw);
        ad.dir = resolve(base, text_field(a, "dir", aw));
        if (!fs::is_directory(ad.dir)) fail(aw + ".dir", "no directory " + ad.dir);
        if (const auto* ann = a.find("annotations"); ann && ann->is_object())
          for (const auto& [k, v] : ann->as_object()) ad.annotations[k] = text(v, aw + ".annotations." + k);
        rd.artifacts.push_back(std::move(ad));
      }
      j = 0;
      for (const auto& l : list_field(r, "layouts", where)) {
        auto lw = where + ".layouts[" + std::to_string(j++) + "]";
        ecr_layout_def ld{resolve(base, text_field(l, "dir", lw))};
        if (!fs::exists(fs::path(ld.dir) / "index.json")) fail(lw + ".dir", "no OCI layout (index.json) in " + ld.dir);
        rd.layouts.push_back(std::move(ld));
      }
      w.repositories.push_back(std::move(rd));
    }
  }
};

}  // namespace

std::string derived_id(std::string_view prefix, std::string_view arn) {
  static const char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
  auto h = fluxaws::digest::sha256(arn);
  std::string id(prefix);
  for (int i = 0; i < 17; ++i) id.push_back(alphabet[static_cast<unsigned char>(h[i]) % 32]);
  return id;
}

const iam_role* world::find_role(std::string_view arn) const {
  for (const auto& r : roles)
    if (r.arn == arn) return &r;
  return nullptr;
}

const oidc_provider* world::find_provider_by_url(std::string_view iss) const {
  while (!iss.empty() && iss.back() == '/') iss.remove_suffix(1);
  for (const auto& p : oidc_providers)
    if (p.url == iss) return &p;
  return nullptr;
}

const oidc_provider* world::find_provider_by_arn(std::string_view arn) const {
  for (const auto& p : oidc_providers)
    if (p.arn == arn) return &p;
  return nullptr;
}

fluxaws::result<world> parse_world(const json::value& doc, const std::string& base_dir) {
  parser p{doc, base_dir, {}, {}};
  try {
    p.top();
  } catch (const world_error& e) {
    return make_error("InvalidWorld", e.message);
  } catch (const std::exception& e) {
    return make_error("InvalidWorld", e.what());
  }
  p.w.dir = base_dir;
  return std::move(p.w);
}

fluxaws::result<world> load_world(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return make_error("InvalidWorld", "cannot read the world file " + path);
  std::ostringstream ss;
  ss << in.rdbuf();
  auto doc = fluxaws::yamljson::parse_yaml(ss.str());
  if (!doc) return make_error("InvalidWorld", path + ": " + doc.error().message);
  auto abs = fs::weakly_canonical(fs::absolute(path));
  auto w = parse_world(*doc, abs.parent_path().string());
  if (!w) return make_error("InvalidWorld", path + ": " + w.error().message);
  w->path = abs.string();
  return w;
}

}  // namespace emu
