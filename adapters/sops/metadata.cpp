#include "adapters/sops/metadata.hpp"

#include <algorithm>
#include <functional>

#include "adapters/common/strings.hpp"
#include "adapters/sops/flatten.hpp"
#include "adapters/sops/scalars.hpp"

namespace fluxaws::sops {

namespace {

const char* const kCode = "sops_metadata";

error_info field_error(std::string_view field, std::string_view what) {
  return make_error(kCode, "sops metadata: " + std::string(field) + " " + std::string(what));
}

// mapstructure's weakly typed decoding into a string.
result<std::string> weak_string(const node* v, std::string_view field) {
  if (!v) return std::string();
  switch (v->kind) {
    case node_kind::null: return std::string();
    case node_kind::string:
    case node_kind::bytes:
    case node_kind::time: return v->text;
    case node_kind::integer: return std::to_string(v->integer);
    case node_kind::floating: return gofmt::format_float(v->floating);
    case node_kind::boolean: return std::string(v->boolean ? "1" : "0");
    default: return field_error(field, "must be a string");
  }
}

result<int64_t> weak_int(const node* v, std::string_view field) {
  if (!v) return int64_t{0};
  switch (v->kind) {
    case node_kind::null: return int64_t{0};
    case node_kind::integer: return v->integer;
    case node_kind::floating: return static_cast<int64_t>(v->floating);
    case node_kind::boolean: return int64_t{v->boolean ? 1 : 0};
    case node_kind::string: {
      if (v->text.empty()) return int64_t{0};
      if (auto i = gofmt::parse_int(v->text)) return *i;
      return field_error(field, "must be an integer");
    }
    default: return field_error(field, "must be an integer");
  }
}

result<bool> weak_bool(const node* v, std::string_view field) {
  if (!v) return false;
  switch (v->kind) {
    case node_kind::null: return false;
    case node_kind::boolean: return v->boolean;
    case node_kind::integer: return v->integer != 0;
    case node_kind::floating: return v->floating != 0;
    case node_kind::string: {
      if (v->text.empty()) return false;
      if (auto b = gofmt::parse_bool(v->text)) return *b;
      return field_error(field, "must be a boolean");
    }
    default: return field_error(field, "must be a boolean");
  }
}

// A list of mappings; absent, null and [] are all empty.
result<std::vector<const node*>> list_of_maps(const node* v, std::string_view field) {
  std::vector<const node*> out;
  if (!v || v->kind == node_kind::null) return out;
  if (v->kind != node_kind::sequence) return field_error(field, "must be a list");
  for (const auto& item : v->items) {
    if (item.is_comment() || item.kind == node_kind::null) continue;
    if (item.kind != node_kind::mapping) return field_error(field, "must be a list of mappings");
    out.push_back(&item);
  }
  return out;
}

// Reads string fields of one master key entry into a list of (name, value).
status read_fields(const node& m, std::string_view where, const std::vector<std::string_view>& names,
                   std::vector<std::pair<std::string, std::string>>& out) {
  for (auto name : names) {
    auto s = weak_string(find_entry(m, name), std::string(where) + "." + std::string(name));
    if (!s) return s.error();
    out.emplace_back(std::string(name), std::move(*s));
  }
  return {};
}

std::string field_of(const std::vector<std::pair<std::string, std::string>>& f, std::string_view name) {
  for (const auto& [k, v] : f)
    if (k == name) return v;
  return {};
}

struct other_service {
  std::string_view key;
  std::vector<std::string_view> fields;
  std::string_view id_field;
};

const std::vector<other_service>& other_services() {
  static const std::vector<other_service> s = {
      {"gcp_kms", {"resource_id", "created_at", "enc"}, "resource_id"},
      {"azure_kv", {"vault_url", "name", "version", "created_at", "enc"}, "vault_url"},
      {"hc_vault", {"vault_address", "engine_path", "key_name", "created_at", "enc"}, "vault_address"},
      {"hckms", {"key_id", "created_at", "enc"}, "key_id"},
  };
  return s;
}

result<key_group> read_group(const node& m, const std::string& where) {
  key_group g;
  auto kms = list_of_maps(find_entry(m, "kms"), where + "kms");
  if (!kms) return kms.error();
  for (std::size_t i = 0; i < kms->size(); ++i) {
    const node& e = *(*kms)[i];
    std::string at = where + "kms[" + std::to_string(i) + "]";
    std::vector<std::pair<std::string, std::string>> f;
    if (auto s = read_fields(e, at, {"arn", "role", "created_at", "enc", "aws_profile"}, f); !s) return s.error();
    kms_entry k{field_of(f, "arn"), field_of(f, "role"), {}, field_of(f, "created_at"), field_of(f, "enc"),
                field_of(f, "aws_profile")};
    if (const node* ctx = find_entry(e, "context"); ctx && ctx->kind != node_kind::null) {
      if (ctx->kind != node_kind::mapping) return field_error(at + ".context", "must be a mapping");
      for (const auto& c : ctx->entries) {
        if (c.is_comment() || c.value.kind == node_kind::null) continue;  // nil *string: not sent
        auto v = weak_string(&c.value, at + ".context." + c.key);
        if (!v) return v.error();
        k.context.emplace_back(c.key, std::move(*v));
      }
    }
    g.kms.push_back(std::move(k));
  }
  auto pgp = list_of_maps(find_entry(m, "pgp"), where + "pgp");
  if (!pgp) return pgp.error();
  for (std::size_t i = 0; i < pgp->size(); ++i) {
    std::vector<std::pair<std::string, std::string>> f;
    if (auto s = read_fields(*(*pgp)[i], where + "pgp[" + std::to_string(i) + "]", {"fp", "created_at", "enc"}, f); !s)
      return s.error();
    g.pgp.push_back(pgp_entry{field_of(f, "fp"), field_of(f, "created_at"), field_of(f, "enc")});
  }
  auto age = list_of_maps(find_entry(m, "age"), where + "age");
  if (!age) return age.error();
  for (std::size_t i = 0; i < age->size(); ++i) {
    std::vector<std::pair<std::string, std::string>> f;
    if (auto s = read_fields(*(*age)[i], where + "age[" + std::to_string(i) + "]", {"recipient", "enc"}, f); !s)
      return s.error();
    g.age.push_back(age_entry{field_of(f, "recipient"), field_of(f, "enc")});
  }
  for (const auto& svc : other_services()) {
    auto list = list_of_maps(find_entry(m, svc.key), where + std::string(svc.key));
    if (!list) return list.error();
    for (std::size_t i = 0; i < list->size(); ++i) {
      other_entry o;
      o.service = std::string(svc.key);
      std::string at = where + o.service + "[" + std::to_string(i) + "]";
      if (auto s = read_fields(*(*list)[i], at, svc.fields, o.fields); !s) return s.error();
      o.id = field_of(o.fields, svc.id_field);
      o.created_at = field_of(o.fields, "created_at");
      o.enc = field_of(o.fields, "enc");
      g.others.push_back(std::move(o));
    }
  }
  return g;
}

node str_node(const std::string& s) { return node::make_string(s); }

void add(node& m, std::string key, node v) { m.entries.push_back(entry{std::move(key), std::move(v)}); }

void sort_entries(node& m) {
  std::stable_sort(m.entries.begin(), m.entries.end(), [](const entry& a, const entry& b) { return a.key < b.key; });
}

node kms_node(const kms_entry& k) {
  node m = node::make_mapping();
  add(m, "arn", str_node(k.arn));
  add(m, "aws_profile", str_node(k.aws_profile));
  if (!k.context.empty()) {
    node ctx = node::make_mapping();
    for (const auto& [ck, cv] : k.context) add(ctx, ck, str_node(cv));
    sort_entries(ctx);
    add(m, "context", std::move(ctx));
  }
  add(m, "created_at", str_node(k.created_at));
  add(m, "enc", str_node(k.enc));
  if (!k.role.empty()) add(m, "role", str_node(k.role));
  return m;
}

// Adds the lists of one group; omit_empty for the flat layout (omitempty everywhere),
// while inside key_groups SOPS always writes hc_vault and age.
void add_group_lists(node& out, const key_group& g, bool in_key_groups) {
  auto list = [&](std::string key, std::vector<node> items, bool always) {
    if (items.empty() && !always) return;
    node seq = node::make_sequence();
    seq.items = std::move(items);
    add(out, std::move(key), std::move(seq));
  };
  std::vector<node> kms, pgp, age;
  for (const auto& k : g.kms) kms.push_back(kms_node(k));
  for (const auto& p : g.pgp) {
    node m = node::make_mapping();
    add(m, "created_at", str_node(p.created_at));
    add(m, "enc", str_node(p.enc));
    add(m, "fp", str_node(p.fp));
    pgp.push_back(std::move(m));
  }
  for (const auto& a : g.age) {
    node m = node::make_mapping();
    add(m, "enc", str_node(a.enc));
    add(m, "recipient", str_node(a.recipient));
    age.push_back(std::move(m));
  }
  list("kms", std::move(kms), false);
  list("pgp", std::move(pgp), false);
  list("age", std::move(age), in_key_groups);
  for (const auto& svc : other_services()) {
    std::vector<node> items;
    for (const auto& o : g.others) {
      if (o.service != svc.key) continue;
      node m = node::make_mapping();
      for (const auto& [k, v] : o.fields) add(m, k, str_node(v));
      sort_entries(m);
      items.push_back(std::move(m));
    }
    list(std::string(svc.key), std::move(items), in_key_groups && svc.key == "hc_vault");
  }
}

}  // namespace

std::vector<std::string> key_group::key_types() const {
  std::vector<std::string> out;
  if (!kms.empty()) out.emplace_back("kms");
  if (!age.empty()) out.emplace_back("age");
  if (!pgp.empty()) out.emplace_back("pgp");
  for (const auto& o : others)
    if (std::find(out.begin(), out.end(), o.service) == out.end()) out.push_back(o.service);
  return out;
}

result<metadata> metadata_from_node(const node& m) {
  if (m.kind != node_kind::mapping) return make_error(kCode, "sops metadata must be a mapping");
  metadata md;
  auto flat = read_group(m, "");
  if (!flat) return flat.error();
  if (!flat->empty()) {
    md.key_groups.push_back(std::move(*flat));
  } else {
    auto groups = list_of_maps(find_entry(m, "key_groups"), "key_groups");
    if (!groups) return groups.error();
    for (std::size_t i = 0; i < groups->size(); ++i) {
      auto g = read_group(*(*groups)[i], "key_groups[" + std::to_string(i) + "].");
      if (!g) return g.error();
      md.key_groups.push_back(std::move(*g));
    }
  }
  if (md.key_groups.empty()) return make_error(kCode, "sops metadata lists no master keys (no key found in the file)");

  auto threshold = weak_int(find_entry(m, "shamir_threshold"), "shamir_threshold");
  if (!threshold) return threshold.error();
  if (*threshold < 0 || *threshold > 255) return field_error("shamir_threshold", "is out of range");
  md.shamir_threshold = static_cast<int>(*threshold);

  struct string_field {
    std::string_view name;
    std::string* out;
  };
  for (auto [name, out] : std::initializer_list<string_field>{{"lastmodified", &md.lastmodified},
                                                               {"mac", &md.mac},
                                                               {"unencrypted_suffix", &md.unencrypted_suffix},
                                                               {"encrypted_suffix", &md.encrypted_suffix},
                                                               {"unencrypted_regex", &md.unencrypted_regex},
                                                               {"encrypted_regex", &md.encrypted_regex},
                                                               {"unencrypted_comment_regex", &md.unencrypted_comment_regex},
                                                               {"encrypted_comment_regex", &md.encrypted_comment_regex},
                                                               {"version", &md.version}}) {
    auto s = weak_string(find_entry(m, name), name);
    if (!s) return s.error();
    *out = std::move(*s);
  }
  auto mac_only = weak_bool(find_entry(m, "mac_only_encrypted"), "mac_only_encrypted");
  if (!mac_only) return mac_only.error();
  md.mac_only_encrypted = *mac_only;

  if (!gofmt::parse_rfc3339(md.lastmodified))
    return field_error("lastmodified", "\"" + md.lastmodified.substr(0, 40) + "\" is not an RFC 3339 time");
  int rules = !md.unencrypted_suffix.empty() + !md.encrypted_suffix.empty() + !md.unencrypted_regex.empty() +
              !md.encrypted_regex.empty() + !md.unencrypted_comment_regex.empty() +
              !md.encrypted_comment_regex.empty();
  if (rules > 1)
    return make_error(kCode,
                      "sops metadata sets more than one of encrypted_suffix, unencrypted_suffix, encrypted_regex, "
                      "unencrypted_regex, encrypted_comment_regex, unencrypted_comment_regex");
  if (rules == 0) md.unencrypted_suffix = "_unencrypted";
  return md;
}

node metadata_to_node(const metadata& md) {
  node m = node::make_mapping();
  if (md.key_groups.size() == 1) {
    add_group_lists(m, md.key_groups[0], false);
  } else if (md.key_groups.size() > 1) {
    node groups = node::make_sequence();
    for (const auto& g : md.key_groups) {
      node gm = node::make_mapping();
      add_group_lists(gm, g, true);
      sort_entries(gm);
      groups.items.push_back(std::move(gm));
    }
    add(m, "key_groups", std::move(groups));
  }
  if (md.shamir_threshold > 0) {
    node t;
    t.kind = node_kind::integer;
    t.integer = md.shamir_threshold;
    add(m, "shamir_threshold", std::move(t));
  }
  add(m, "lastmodified", str_node(md.lastmodified));
  add(m, "mac", str_node(md.mac));
  auto opt = [&](std::string key, const std::string& v) {
    if (!v.empty()) add(m, std::move(key), str_node(v));
  };
  opt("unencrypted_suffix", md.unencrypted_suffix);
  opt("encrypted_suffix", md.encrypted_suffix);
  opt("unencrypted_regex", md.unencrypted_regex);
  opt("encrypted_regex", md.encrypted_regex);
  opt("unencrypted_comment_regex", md.unencrypted_comment_regex);
  opt("encrypted_comment_regex", md.encrypted_comment_regex);
  if (md.mac_only_encrypted) {
    node b;
    b.kind = node_kind::boolean;
    b.boolean = true;
    add(m, "mac_only_encrypted", std::move(b));
  }
  add(m, "version", str_node(md.version));
  sort_entries(m);
  return m;
}

result<metadata> extract_metadata(format fmt, std::vector<node>& branches) {
  node meta_tree;
  bool found = false;
  if (fmt == format::dotenv) {
    meta_tree = node::make_mapping();
    if (!branches.empty()) {
      auto& entries = branches[0].entries;
      for (auto it = entries.begin(); it != entries.end();) {
        if (!it->is_comment() && str::starts_with(it->key, "sops_")) {
          meta_tree.entries.push_back(entry{it->key.substr(5), std::move(it->value)});
          it = entries.erase(it);
          found = true;
        } else {
          ++it;
        }
      }
    }
  } else {
    for (std::size_t bi = 0; bi < branches.size(); ++bi) {
      auto& entries = branches[bi].entries;
      for (auto it = entries.begin(); it != entries.end();) {
        if (it->is_comment() || it->key != "sops") {
          ++it;
          continue;
        }
        if (bi == 0) {
          if (found) return make_error(kCode, "the document has more than one sops metadata entry");
          if (it->value.kind != node_kind::mapping)
            return make_error(kCode, "the sops metadata entry is not a mapping");
          meta_tree = std::move(it->value);
          found = true;
        }
        it = entries.erase(it);
      }
    }
  }
  if (!found) return make_error(kCode, "sops metadata not found: the document is not SOPS-encrypted");
  if (fmt == format::ini) {
    for (auto& e : meta_tree.entries)
      if (e.value.kind == node_kind::string) e.value.text = str::replace_all(e.value.text, "\\n", "\n");
  }
  if (fmt == format::ini || fmt == format::dotenv) {
    auto nested = unflatten_mapping(meta_tree);
    if (!nested) return nested.error();
    meta_tree = std::move(*nested);
  }
  return metadata_from_node(meta_tree);
}

status embed_metadata(format fmt, const metadata& m, std::vector<node>& branches) {
  node md = metadata_to_node(m);
  if (fmt == format::dotenv || fmt == format::ini) {
    auto flat = flatten_mapping(md, fmt == format::dotenv ? "sops_" : "");
    if (!flat) return flat.error();
    md = std::move(*flat);
    if (fmt == format::ini)
      for (auto& e : md.entries)
        if (e.value.kind == node_kind::string) e.value.text = str::replace_all(e.value.text, "\n", "\\n");
  }
  for (auto& b : branches) {
    for (const auto& e : b.entries) {
      if (e.is_comment()) continue;
      bool clash = fmt == format::dotenv ? str::starts_with(e.key, "sops_") : e.key == "sops";
      if (clash)
        return make_error("sops_encrypt", "the document uses the key \"" + e.key +
                                              "\", which SOPS reserves for its metadata");
    }
    if (fmt == format::dotenv) {
      for (const auto& e : md.entries) b.entries.push_back(e);
    } else {
      b.entries.push_back(entry{"sops", md});
    }
  }
  return {};
}

result<std::string> mac_additional_data(const metadata& m) {
  auto t = gofmt::parse_rfc3339(m.lastmodified);
  if (!t) return field_error("lastmodified", "is not an RFC 3339 time");
  return gofmt::format_rfc3339(*t);
}

}  // namespace fluxaws::sops
