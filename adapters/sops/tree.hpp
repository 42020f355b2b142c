// The SOPS document model: what every store format loads into and emits from.
// A document is a list of branches (YAML documents; one for the other formats), each
// a mapping. Mappings keep their order and may hold comments between entries;
// sequences may hold comments between items. Scalars keep their type, because the
// MAC hashes Go's text of each typed value and decryption restores the type.
// A comment node's text is what follows '#' (or ';' in INI) on its line.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "adapters/common/json.hpp"

namespace fluxaws::sops {

enum class node_kind { null, boolean, integer, floating, string, bytes, time, comment, mapping, sequence };

struct entry;

struct node {
  node_kind kind = node_kind::null;
  bool boolean = false;
  int64_t integer = 0;
  double floating = 0;
  // string/bytes/time value, comment text, or the source text of a plain YAML scalar.
  std::string text;
  // A plain YAML scalar read from the source and not changed since: emit text as is.
  bool verbatim = false;
  bool inline_comment = false;  // a comment that followed content on its line
  std::vector<entry> entries;   // mapping
  std::vector<node> items;      // sequence

  bool is_scalar() const { return kind != node_kind::mapping && kind != node_kind::sequence; }
  bool is_comment() const { return kind == node_kind::comment; }

  static node make_string(std::string s);
  static node make_comment(std::string text, bool is_inline = false);
  static node make_mapping() { node n; n.kind = node_kind::mapping; return n; }
  static node make_sequence() { node n; n.kind = node_kind::sequence; return n; }
};

// A mapping entry; comment entries have an empty key and a comment value.
struct entry {
  std::string key;
  node value;
  bool is_comment() const { return value.is_comment(); }
};

// Finds a (non-comment) entry by key; nullptr when absent.
const node* find_entry(const node& mapping, std::string_view key);

// sops.ToBytes: the bytes the MAC hashes for a scalar (int → decimal, float → Go 'f'
// format, bool → "True"/"False", time → RFC 3339 with nanoseconds).
std::string mac_bytes(const node& scalar);

// Name of the type as SOPS writes it in ENC[…,type:…] for a scalar.
std::string_view enc_type_name(const node& scalar);

// Kubernetes-facing conversion (comments dropped, bytes/time as strings).
json::value to_json(const node& n);
node from_json(const json::value& v);

}  // namespace fluxaws::sops
