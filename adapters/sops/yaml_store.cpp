// The YAML store. yaml-cpp reads the structure; comments, which yaml-cpp drops, are
// found by a line scanner that knows quoted and block scalars, and are put back into
// the mapping or sequence SOPS (go-yaml v3) would attach them to: a full-line comment
// goes to the innermost open collection whose indentation is at or left of the '#',
// preferring the collection of the entry that follows (a head comment); an inline
// comment goes to the collection of the last entry starting on its line.
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <set>

#include "adapters/common/encoding.hpp"
#include "adapters/sops/scalars.hpp"
#include "adapters/sops/stores.hpp"

namespace fluxaws::sops {

namespace {

constexpr std::size_t kMaxNodes = 2'000'000;
constexpr int kMaxDepth = 200;
constexpr int kIndent = 4;

struct load_failure {
  error_info err;
};
[[noreturn]] void fail(std::string msg) { throw load_failure{make_error("sops_parse", std::move(msg))}; }
std::string line_of(const YAML::Mark& m) { return "line " + std::to_string(m.line + 1); }

bool is_space(char c) { return c == ' ' || c == '\t'; }
std::size_t mline(const YAML::Mark& m) { return m.line < 0 ? 0 : static_cast<std::size_t>(m.line); }
std::size_t mcol(const YAML::Mark& m) { return m.column < 0 ? 0 : static_cast<std::size_t>(m.column); }

std::string_view rtrim(std::string_view s) {
  while (!s.empty() && is_space(s.back())) s.remove_suffix(1);
  return s;
}

std::size_t leading_spaces(std::string_view s) {
  std::size_t i = 0;
  while (i < s.size() && s[i] == ' ') ++i;
  return i;
}

// ---------------------------------------------------------------- comment scan

struct raw_comment {
  std::size_t line = 0;
  std::size_t col = 0;
  std::string text;
  bool is_inline = false;
};

struct scan_result {
  std::vector<raw_comment> comments;
  std::vector<std::size_t> separators;  // lines holding "---"
  bool explicit_first = false;          // the first document starts with "---"
};

// A quote starts a quoted scalar at the start of the content or after an indicator,
// possibly with tags/anchors in between; elsewhere it is part of a plain scalar.
bool quote_can_start(std::string_view line, std::size_t pos) {
  std::size_t p = pos;
  while (true) {
    while (p > 0 && is_space(line[p - 1])) --p;
    if (p == 0) return true;
    char c = line[p - 1];
    if (c == ':' || c == '-' || c == '?' || c == '[' || c == '{' || c == ',') return true;
    std::size_t s = p;
    while (s > 0 && !is_space(line[s - 1])) --s;
    if (line[s] == '!' || line[s] == '&') {
      p = s;
      continue;
    }
    return false;
  }
}

// Does the content of a line end by opening a block scalar (| or >)? doc_level is
// set for "--- |".
bool opens_block_scalar(std::string_view content, bool& doc_level) {
  content = rtrim(content);
  if (content.empty()) return false;
  std::size_t s = content.find_last_of(" \t");
  std::size_t tok = s == std::string_view::npos ? 0 : s + 1;
  if (content[tok] != '|' && content[tok] != '>') return false;
  for (std::size_t i = tok + 1; i < content.size(); ++i)
    if (!((content[i] >= '0' && content[i] <= '9') || content[i] == '+' || content[i] == '-')) return false;
  std::string_view rest = rtrim(content.substr(0, tok));
  while (!rest.empty()) {
    std::size_t b = rest.find_last_of(" \t");
    std::size_t t = b == std::string_view::npos ? 0 : b + 1;
    if (rest[t] != '!' && rest[t] != '&') break;
    rest = rtrim(rest.substr(0, t));
  }
  doc_level = rest == "---";
  if (rest.empty() || doc_level) return true;
  char last = rest.back();
  if (last == ':') return true;
  if (last == '-' || last == '?') return rest.size() == 1 || is_space(rest[rest.size() - 2]);
  return false;
}

scan_result scan_yaml(std::string_view text) {
  scan_result r;
  if (text.substr(0, 3) == "\xef\xbb\xbf") text.remove_prefix(3);  // a BOM is not content
  enum class mode { normal, dq, sq, block } m = mode::normal;
  long block_parent = 0, block_indent = -1;
  bool seen_content = false;
  std::size_t line_no = 0, start = 0;
  while (true) {
    std::size_t end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = text.substr(start, end - start);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    bool skip = false;
    if (m == mode::block) {
      std::size_t ind = leading_spaces(line);
      bool blank = line.find_first_not_of(" \t") == std::string_view::npos;
      if (blank) {
        skip = true;
      } else if (block_indent < 0 && static_cast<long>(ind) > block_parent) {
        block_indent = static_cast<long>(ind);
        skip = true;
      } else if (block_indent >= 0 && static_cast<long>(ind) >= block_indent) {
        skip = true;
      } else {
        m = mode::normal;
      }
    }
    if (!skip) {
      std::size_t i = 0;
      if (m == mode::normal) {
        bool marker3 = line.size() >= 3 && (line.size() == 3 || is_space(line[3]));
        if (marker3 && line.substr(0, 3) == "---") {
          r.separators.push_back(line_no);
          if (!seen_content && r.separators.size() == 1) r.explicit_first = true;
          i = 3;
        } else if (marker3 && line.substr(0, 3) == "...") {
          i = 3;
        } else if (!line.empty() && line[0] == '%') {
          i = line.size();
        }
      }
      bool content_before = false;
      std::size_t content_end = line.size();
      while (i < line.size()) {
        char c = line[i];
        if (m == mode::dq) {
          if (c == '\\') {
            i += 2;
            continue;
          }
          if (c == '"') m = mode::normal;
          ++i;
          continue;
        }
        if (m == mode::sq) {
          if (c == '\'') {
            if (i + 1 < line.size() && line[i + 1] == '\'') {
              i += 2;
              continue;
            }
            m = mode::normal;
          }
          ++i;
          continue;
        }
        if (c == '#' && (i == 0 || is_space(line[i - 1]))) {
          r.comments.push_back(raw_comment{line_no, i, std::string(line.substr(i + 1)), content_before});
          content_end = i;
          break;
        }
        if ((c == '"' || c == '\'') && quote_can_start(line, i)) m = c == '"' ? mode::dq : mode::sq;
        if (!is_space(c)) content_before = seen_content = true;
        ++i;
      }
      bool doc_level = false;
      if (m == mode::normal && opens_block_scalar(line.substr(0, content_end), doc_level)) {
        m = mode::block;
        block_parent = doc_level ? -1 : static_cast<long>(leading_spaces(line));
        block_indent = -1;
      }
    }
    if (end == text.size()) break;
    start = end + 1;
    ++line_no;
  }
  return r;
}

// ---------------------------------------------------------------- positions

struct pos_container {
  int parent = -1;
  std::size_t column = 0;
  int depth = 0;
  std::vector<std::size_t> entry_lines;  // every entry, in order (aliased ones take the previous line)
};

struct pos_entry {
  std::size_t line;
  int container;
};

struct positions {
  std::vector<pos_container> containers;
  std::vector<pos_entry> entries;  // positional entries in document order
  std::size_t budget = kMaxNodes;
};

void spend(std::size_t& budget, int depth) {
  if (budget-- == 0) fail("the YAML document expands to too many nodes (alias bomb?)");
  if (depth > kMaxDepth) fail("the YAML document nests too deeply");
}

// Aliased content carries the anchor's marks (earlier lines); such entries are not
// used to place comments.
void collect(const YAML::Node& n, int parent, int depth, bool positional, positions& p) {
  spend(p.budget, depth);
  if (n.IsMap()) {
    int id = static_cast<int>(p.containers.size());
    std::size_t col = mcol(n.Mark());
    if (n.begin() != n.end()) col = mcol(n.begin()->first.Mark());
    p.containers.push_back(pos_container{parent, col, depth, {}});
    std::size_t last = mline(n.Mark());
    for (auto it = n.begin(); it != n.end(); ++it) {
      std::size_t kl = mline(it->first.Mark());
      bool pos = positional && kl >= last;
      if (pos) {
        p.entries.push_back(pos_entry{kl, id});
        last = kl;
      }
      p.containers[static_cast<std::size_t>(id)].entry_lines.push_back(pos ? kl : last);
      collect(it->second, id, depth + 1, pos && mline(it->second.Mark()) >= kl, p);
    }
  } else if (n.IsSequence()) {
    int id = static_cast<int>(p.containers.size());
    p.containers.push_back(pos_container{parent, mcol(n.Mark()), depth, {}});
    std::size_t last = mline(n.Mark());
    for (auto it = n.begin(); it != n.end(); ++it) {
      std::size_t l = mline(it->Mark());
      bool pos = positional && l >= last;
      if (pos) {
        p.entries.push_back(pos_entry{l, id});
        last = l;
      }
      p.containers[static_cast<std::size_t>(id)].entry_lines.push_back(pos ? l : last);
      collect(*it, id, depth + 1, pos, p);
    }
  }
}

struct placed_comment {
  std::size_t index;  // insert before the index-th entry of the collection
  std::size_t order;
  node comment;
};

// Entries are in document order, which for positional entries is line order, so the
// neighbours of a comment are found by binary search.
std::vector<std::vector<placed_comment>> place_comments(const positions& p, const std::vector<raw_comment>& comments) {
  std::vector<std::vector<placed_comment>> out(p.containers.size());
  if (p.containers.empty()) return out;
  auto by_line = [](const pos_entry& e, std::size_t line) { return e.line < line; };
  auto line_before = [](std::size_t line, const pos_entry& e) { return line < e.line; };
  std::size_t order = 0;
  for (const auto& c : comments) {
    int target = -1;
    auto first_on = std::lower_bound(p.entries.begin(), p.entries.end(), c.line, by_line);
    auto after = std::upper_bound(p.entries.begin(), p.entries.end(), c.line, line_before);
    if (c.is_inline && first_on != after) target = std::prev(after)->container;  // deepest entry on the line
    if (target < 0) {
      int prev = first_on == p.entries.begin() ? -1 : std::prev(first_on)->container;
      int next = after == p.entries.end() ? -1 : after->container;
      std::vector<int> next_chain;
      for (int k = next; k >= 0; k = p.containers[static_cast<std::size_t>(k)].parent) next_chain.push_back(k);
      std::vector<int> candidates = next_chain;
      for (int k = prev; k >= 0; k = p.containers[static_cast<std::size_t>(k)].parent) candidates.push_back(k);
      long best_col = -1;
      bool best_next = false;
      int best_depth = -1;
      for (int k : candidates) {
        const auto& ct = p.containers[static_cast<std::size_t>(k)];
        if (ct.column > c.col) continue;
        bool in_next = std::find(next_chain.begin(), next_chain.end(), k) != next_chain.end();
        auto better = [&] {
          if (static_cast<long>(ct.column) != best_col) return static_cast<long>(ct.column) > best_col;
          if (in_next != best_next) return in_next;
          return ct.depth > best_depth;
        };
        if (target < 0 || better()) {
          target = k;
          best_col = static_cast<long>(ct.column);
          best_next = in_next;
          best_depth = ct.depth;
        }
      }
      if (target < 0) target = 0;
    }
    const auto& lines = p.containers[static_cast<std::size_t>(target)].entry_lines;
    std::size_t index = static_cast<std::size_t>(std::lower_bound(lines.begin(), lines.end(), c.line) - lines.begin());
    out[static_cast<std::size_t>(target)].push_back(
        placed_comment{index, order++, node::make_comment(c.text, c.is_inline)});
  }
  return out;
}

// ---------------------------------------------------------------- conversion

std::string key_text(const YAML::Node& k) {
  if (!k.IsScalar()) fail("the mapping key at " + line_of(k.Mark()) + " is not a string (SOPS only supports string keys)");
  const std::string& tag = k.Tag();
  bool is_string = true;
  if (tag == "?") {
    is_string = gofmt::yaml_resolve_plain(k.Scalar()).type == gofmt::resolved_scalar::kind::string;
  } else if (tag == "tag:yaml.org,2002:int" || tag == "tag:yaml.org,2002:float" || tag == "tag:yaml.org,2002:bool" ||
             tag == "tag:yaml.org,2002:null") {
    is_string = false;
  }
  if (!is_string) fail("the mapping key at " + line_of(k.Mark()) + " is not a string (SOPS only supports string keys)");
  return k.Scalar();
}

node typed_scalar(const YAML::Node& n) {
  using rk = gofmt::resolved_scalar::kind;
  const std::string& tag = n.Tag();
  const std::string& text = n.Scalar();
  node out;
  auto from_resolved = [&](const gofmt::resolved_scalar& r) {
    switch (r.type) {
      case rk::null: out.kind = node_kind::null; break;
      case rk::boolean: out.kind = node_kind::boolean, out.boolean = r.boolean; break;
      case rk::integer: out.kind = node_kind::integer, out.integer = r.integer; break;
      case rk::floating: out.kind = node_kind::floating, out.floating = r.floating; break;
      case rk::out_of_range: fail("the integer at " + line_of(n.Mark()) + " does not fit in 64 bits");
      case rk::string: out.kind = node_kind::string; break;
    }
    out.text = text;
  };
  if (tag == "?") {
    from_resolved(gofmt::yaml_resolve_plain(text));
    out.verbatim = out.kind != node_kind::string;
    return out;
  }
  auto mismatch = [&](const char* want) {
    fail("the value at " + line_of(n.Mark()) + " is tagged " + want + " but does not hold one");
  };
  if (tag == "tag:yaml.org,2002:int") {
    auto r = gofmt::yaml_resolve_plain(text);
    if (r.type != rk::integer) mismatch("!!int");
    from_resolved(r);
    return out;
  }
  if (tag == "tag:yaml.org,2002:float") {
    auto r = gofmt::yaml_resolve_plain(text);
    if (r.type == rk::integer) r.type = rk::floating, r.floating = static_cast<double>(r.integer);
    if (r.type != rk::floating) mismatch("!!float");
    from_resolved(r);
    return out;
  }
  if (tag == "tag:yaml.org,2002:bool") {
    auto r = gofmt::yaml_resolve_plain(text);
    if (r.type != rk::boolean) mismatch("!!bool");
    from_resolved(r);
    return out;
  }
  if (tag == "tag:yaml.org,2002:null") {
    out.kind = node_kind::null;
    return out;
  }
  if (tag == "tag:yaml.org,2002:binary") {
    auto decoded = enc::unbase64(text, true);
    if (!decoded) mismatch("!!binary");
    return node::make_string(std::move(*decoded));
  }
  return node::make_string(text);  // quoted, !!str, !!timestamp (a string in go-yaml v3), custom tags
}

struct converter {
  std::vector<std::vector<placed_comment>>& comments;
  int next_id = 0;

  // The comments of the next collection, ordered by insertion point then source order.
  std::vector<placed_comment>& next_comments() {
    auto& mine = comments[static_cast<std::size_t>(next_id++)];
    std::stable_sort(mine.begin(), mine.end(), [](const placed_comment& a, const placed_comment& b) {
      return a.index != b.index ? a.index < b.index : a.order < b.order;
    });
    return mine;
  }

  node convert(const YAML::Node& n) {
    if (n.IsMap()) {
      auto& mine = next_comments();
      std::size_t cursor = 0;
      node m = node::make_mapping();
      std::set<std::string> seen;
      std::size_t i = 0;
      for (auto it = n.begin(); it != n.end(); ++it, ++i) {
        for (; cursor < mine.size() && mine[cursor].index <= i; ++cursor)
          m.entries.push_back(entry{std::string(), std::move(mine[cursor].comment)});
        std::string key = key_text(it->first);
        if (!seen.insert(key).second) fail("duplicate mapping key \"" + key + "\" at " + line_of(it->first.Mark()));
        node v = convert(it->second);
        m.entries.push_back(entry{std::move(key), std::move(v)});
      }
      for (; cursor < mine.size(); ++cursor) m.entries.push_back(entry{std::string(), std::move(mine[cursor].comment)});
      return m;
    }
    if (n.IsSequence()) {
      auto& mine = next_comments();
      std::size_t cursor = 0;
      node s = node::make_sequence();
      std::size_t i = 0;
      for (auto it = n.begin(); it != n.end(); ++it, ++i) {
        for (; cursor < mine.size() && mine[cursor].index <= i; ++cursor) s.items.push_back(std::move(mine[cursor].comment));
        s.items.push_back(convert(*it));
      }
      for (; cursor < mine.size(); ++cursor) s.items.push_back(std::move(mine[cursor].comment));
      return s;
    }
    if (n.IsScalar()) return typed_scalar(n);
    if (n.Tag() == "!" || n.Tag() == "tag:yaml.org,2002:str") return node::make_string("");
    return node{};  // null
  }
};

node convert_document(const YAML::Node& doc, const std::vector<raw_comment>& comments) {
  if (!doc.IsMap() && !doc.IsNull())
    fail("the YAML document at " + line_of(doc.Mark()) +
         " is not a mapping (SOPS supports mappings only, not sequences or scalars)");
  positions p;
  collect(doc, -1, 0, true, p);
  std::stable_sort(p.entries.begin(), p.entries.end(),
                   [](const pos_entry& a, const pos_entry& b) { return a.line < b.line; });
  auto placed = place_comments(p, comments);
  if (doc.IsNull()) {
    node m = node::make_mapping();
    for (const auto& c : comments) m.entries.push_back(entry{std::string(), node::make_comment(c.text, c.is_inline)});
    return m;
  }
  converter conv{placed};
  return conv.convert(doc);
}

// ---------------------------------------------------------------- emission

bool valid_utf8(std::string_view s) {
  std::size_t i = 0;
  while (i < s.size()) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    std::size_t n = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xE ? 3 : (c >> 3) == 0x1E ? 4 : 0;
    if (n == 0 || i + n > s.size()) return false;
    uint32_t cp = n == 1 ? c : n == 2 ? (c & 0x1F) : n == 3 ? (c & 0x0F) : (c & 0x07);
    for (std::size_t k = 1; k < n; ++k) {
      unsigned char cc = static_cast<unsigned char>(s[i + k]);
      if ((cc >> 6) != 0x2) return false;
      cp = (cp << 6) | (cc & 0x3F);
    }
    if ((n == 2 && cp < 0x80) || (n == 3 && cp < 0x800) || (n == 4 && (cp < 0x10000 || cp > 0x10FFFF)) ||
        (cp >= 0xD800 && cp <= 0xDFFF))
      return false;
    i += n;
  }
  return true;
}

// Characters that a plain or literal scalar must not carry.
bool has_special_chars(std::string_view s, bool allow_newline_tab) {
  for (unsigned char c : s) {
    if (c == '\n' || c == '\t') {
      if (!allow_newline_tab) return true;
      continue;
    }
    if (c < 0x20 || c == 0x7f) return true;
  }
  return s.find("\xc2\x85") != std::string_view::npos || s.find("\xe2\x80\xa8") != std::string_view::npos ||
         s.find("\xe2\x80\xa9") != std::string_view::npos || s.find("\xef\xbb\xbf") != std::string_view::npos;
}

bool looks_like_number_or_time(std::string_view s) {
  char c = s[0];
  bool numeric_start = (c >= '0' && c <= '9') || c == '+' || c == '-' || c == '.';
  if (!numeric_start) return false;
  // Anything made only of number characters might be read as a number by some YAML
  // schema (1.1 octal/sexagesimal, 1.2, go-yaml): quote it.
  if (s.find_first_not_of("0123456789abcdefABCDEFxXoO_.+-:") == std::string_view::npos) return true;
  // Timestamps (YYYY-MM-DD…): go-yaml and YAML 1.1 parsers read them as times.
  return s.size() >= 8 && std::isdigit(static_cast<unsigned char>(s[0])) &&
         std::isdigit(static_cast<unsigned char>(s[1])) && std::isdigit(static_cast<unsigned char>(s[2])) &&
         std::isdigit(static_cast<unsigned char>(s[3])) && s[4] == '-';
}

bool plain_ok(std::string_view s) {
  if (s.empty() || has_special_chars(s, false)) return false;
  if (gofmt::yaml_resolve_plain(s).type != gofmt::resolved_scalar::kind::string) return false;
  static const char* const words[] = {"y", "Y", "yes", "Yes", "YES", "n", "N", "no", "No", "NO",
                                      "on", "On", "ON", "off", "Off", "OFF", "<<", "=", "~"};
  for (auto w : words)
    if (s == w) return false;
  if (std::string_view("-?:,[]{}#&*!|>'\"%@` ").find(s[0]) != std::string_view::npos) return false;
  if (s.back() == ' ' || s.back() == ':') return false;
  if (s.find(": ") != std::string_view::npos || s.find(" #") != std::string_view::npos) return false;
  if (looks_like_number_or_time(s)) return false;
  return true;
}

std::string double_quoted(std::string_view s) {
  std::string out = "\"";
  for (std::size_t i = 0; i < s.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    switch (c) {
      case '"': out += "\\\""; continue;
      case '\\': out += "\\\\"; continue;
      case '\n': out += "\\n"; continue;
      case '\t': out += "\\t"; continue;
      case '\r': out += "\\r"; continue;
      case '\0': out += "\\0"; continue;
      default: break;
    }
    if (c < 0x20 || c == 0x7f) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\x%02X", c);
      out += buf;
      continue;
    }
    std::string_view rest = s.substr(i);
    if (rest.substr(0, 2) == "\xc2\x85") { out += "\\N"; ++i; continue; }
    if (rest.substr(0, 3) == "\xe2\x80\xa8") { out += "\\L"; i += 2; continue; }
    if (rest.substr(0, 3) == "\xe2\x80\xa9") { out += "\\P"; i += 2; continue; }
    if (rest.substr(0, 3) == "\xef\xbb\xbf") { out += "\\uFEFF"; i += 2; continue; }
    out += static_cast<char>(c);
  }
  out += '"';
  return out;
}

// A literal block scalar (|, |-, |+) when the text allows one; empty when not.
std::string literal_block(std::string_view s, int indent) {
  if (has_special_chars(s, true)) return {};
  std::size_t trailing = 0;
  while (trailing < s.size() && s[s.size() - 1 - trailing] == '\n') ++trailing;
  std::string_view body = s.substr(0, s.size() - trailing);
  if (body.empty()) return {};
  // Lines before the first non-empty one must be empty, and that line must not start
  // with white space (the indentation would be detected wrongly).
  std::size_t first = body.find_first_not_of('\n');
  if (body[first] == ' ' || body[first] == '\t') return {};
  std::string out = trailing == 0 ? "|-" : trailing == 1 ? "|" : "|+";
  out += '\n';
  std::string pad(static_cast<std::size_t>(indent), ' ');
  std::size_t pos = 0;
  while (pos <= body.size()) {
    std::size_t nl = body.find('\n', pos);
    if (nl == std::string_view::npos) nl = body.size();
    std::string_view line = body.substr(pos, nl - pos);
    if (!line.empty()) {
      out += pad;
      out += line;
    }
    out += '\n';
    if (nl == body.size()) break;
    pos = nl + 1;
  }
  for (std::size_t k = 1; k < trailing; ++k) out += '\n';
  return out;  // ends with a newline
}

std::string yaml_float(double f) {
  if (std::isnan(f)) return ".nan";
  if (std::isinf(f)) return f > 0 ? ".inf" : "-.inf";
  char buf[64];
  auto r = std::to_chars(buf, buf + sizeof buf, f);
  std::string s(buf, r.ptr);
  if (s.find_first_of(".e") == std::string::npos) s += ".0";
  return s;
}

std::string key_repr(std::string_view k) { return plain_ok(k) ? std::string(k) : double_quoted(k); }

// The scalar's text; block scalars end with a newline, everything else does not.
std::string scalar_repr(const node& n, int indent) {
  switch (n.kind) {
    case node_kind::null: return n.verbatim && !n.text.empty() ? n.text : "null";
    case node_kind::boolean: return n.verbatim ? n.text : (n.boolean ? "true" : "false");
    case node_kind::integer: return n.verbatim ? n.text : std::to_string(n.integer);
    case node_kind::floating: return n.verbatim ? n.text : yaml_float(n.floating);
    default: break;
  }
  const std::string& s = n.text;
  if (!valid_utf8(s)) return "!!binary " + enc::base64(s);
  if (s.find('\n') != std::string::npos) {
    std::string lit = literal_block(s, indent);
    if (!lit.empty()) return lit;
  }
  return plain_ok(s) ? s : double_quoted(s);
}

void emit_comment(std::string& out, const node& c, int indent) {
  out.append(static_cast<std::size_t>(indent), ' ');
  out += '#';
  out += c.text;
  out += '\n';
}

bool has_content(const node& n) {
  if (n.kind == node_kind::mapping)
    return std::any_of(n.entries.begin(), n.entries.end(), [](const entry& e) { return !e.is_comment(); });
  return std::any_of(n.items.begin(), n.items.end(), [](const node& i) { return !i.is_comment(); });
}

void emit_mapping(std::string& out, const node& m, int indent, std::string first_prefix);
void emit_sequence(std::string& out, const node& s, int indent);

// After "key:" or "- ": the rest of the line and any nested lines.
void emit_value(std::string& out, const node& v, int child_indent) {
  if (v.kind == node_kind::mapping || v.kind == node_kind::sequence) {
    if (!has_content(v)) {
      out += v.kind == node_kind::mapping ? " {}\n" : " []\n";
      if (v.kind == node_kind::mapping)
        for (const auto& e : v.entries) emit_comment(out, e.value, child_indent);
      else
        for (const auto& c : v.items) emit_comment(out, c, child_indent);
      return;
    }
    out += '\n';
    if (v.kind == node_kind::mapping)
      emit_mapping(out, v, child_indent, std::string());
    else
      emit_sequence(out, v, child_indent);
    return;
  }
  std::string text = scalar_repr(v, child_indent);
  out += ' ';
  out += text;
  if (text.empty() || text.back() != '\n') out += '\n';
}

void emit_mapping(std::string& out, const node& m, int indent, std::string first_prefix) {
  bool first = true;
  for (const auto& e : m.entries) {
    if (e.is_comment()) {
      emit_comment(out, e.value, indent);
      continue;
    }
    if (first && !first_prefix.empty()) out += first_prefix;
    else out.append(static_cast<std::size_t>(indent), ' ');
    first = false;
    out += key_repr(e.key);
    out += ':';
    emit_value(out, e.value, indent + kIndent);
  }
}

void emit_sequence(std::string& out, const node& s, int indent) {
  std::string pad(static_cast<std::size_t>(indent), ' ');
  for (const auto& item : s.items) {
    if (item.is_comment()) {
      emit_comment(out, item, indent);
      continue;
    }
    if (item.kind == node_kind::mapping && has_content(item)) {
      // Comments ahead of the first key go above the dash.
      std::size_t k = 0;
      while (k < item.entries.size() && item.entries[k].is_comment()) emit_comment(out, item.entries[k++].value, indent);
      node rest = node::make_mapping();
      rest.entries.assign(item.entries.begin() + static_cast<long>(k), item.entries.end());
      emit_mapping(out, rest, indent + 2, pad + "- ");
      continue;
    }
    out += pad;
    out += '-';
    emit_value(out, item, indent + 2);
  }
}

}  // namespace

result<std::vector<node>> load_yaml(std::string_view text) {
  try {
    std::vector<YAML::Node> docs;
    try {
      docs = YAML::LoadAll(std::string(text));
    } catch (const YAML::Exception& e) {
      std::string msg = e.msg.substr(0, e.msg.find(':'));
      return make_error("sops_parse", "invalid YAML at line " + std::to_string(e.mark.line + 1) + ", column " +
                                          std::to_string(e.mark.column + 1) + ": " + msg);
    }
    scan_result scan = scan_yaml(text);
    std::vector<std::vector<raw_comment>> per_doc(std::max<std::size_t>(docs.size(), 1));
    for (auto& c : scan.comments) {
      long idx = static_cast<long>(std::upper_bound(scan.separators.begin(), scan.separators.end(), c.line) -
                                   scan.separators.begin());
      if (scan.explicit_first) --idx;
      idx = std::clamp<long>(idx, 0, static_cast<long>(per_doc.size()) - 1);
      per_doc[static_cast<std::size_t>(idx)].push_back(std::move(c));
    }
    std::vector<node> branches;
    for (std::size_t i = 0; i < docs.size(); ++i) branches.push_back(convert_document(docs[i], per_doc[i]));
    return branches;
  } catch (const load_failure& f) {
    return f.err;
  } catch (const YAML::Exception& e) {
    return make_error("sops_parse", "invalid YAML at line " + std::to_string(e.mark.line + 1));
  }
}

result<std::string> emit_yaml(const std::vector<node>& branches) {
  std::string out;
  for (std::size_t i = 0; i < branches.size(); ++i) {
    if (i > 0) out += "---\n";
    const node& b = branches[i];
    if (b.kind != node_kind::mapping) return make_error("sops_format", "a YAML document must be a mapping");
    if (!has_content(b)) {
      for (const auto& e : b.entries) emit_comment(out, e.value, 0);
      out += "{}\n";
      continue;
    }
    emit_mapping(out, b, 0, std::string());
  }
  return out;
}

}  // namespace fluxaws::sops
