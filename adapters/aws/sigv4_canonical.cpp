// SigV4 canonicalization: URI path, query string, header block, canonical request.
// The rules are spelled out in sigv4.hpp.
#include <algorithm>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "adapters/aws/sigv4.hpp"
#include "adapters/aws/sigv4_detail.hpp"
#include "adapters/common/encoding.hpp"

namespace fluxaws::aws::sigv4 {

namespace {

constexpr char kHexUpper[] = "0123456789ABCDEF";

bool is_unreserved(unsigned char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.' ||
         c == '_' || c == '~';
}

bool is_hex(char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'); }

// isspace() in the C locale, which is what aws-c-auth folds (obs-fold leaves '\n' in values).
bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f'; }

char lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

// S3: encode once, keeping '/' and any valid %XX escape already in the wire path.
std::string encode_keeping_escapes(std::string_view path) {
  std::string out;
  out.reserve(path.size() + 8);
  for (std::size_t i = 0; i < path.size(); ++i) {
    const auto c = static_cast<unsigned char>(path[i]);
    if (is_unreserved(c) || c == '/') {
      out.push_back(static_cast<char>(c));
    } else if (c == '%' && i + 2 < path.size() && is_hex(path[i + 1]) && is_hex(path[i + 2])) {
      out.append(path.substr(i, 3));
      i += 2;
    } else {
      out.push_back('%');
      out.push_back(kHexUpper[c >> 4]);
      out.push_back(kHexUpper[c & 15]);
    }
  }
  return out;
}

// aws-c-auth's normalization: drop empty and '.' segments, '..' pops one (never above
// the root), a leading '/' always, a trailing '/' when the input had one.
std::string remove_dot_segments(std::string_view path) {
  std::vector<std::string_view> kept;
  std::size_t start = 0;
  while (start <= path.size()) {
    std::size_t end = path.find('/', start);
    if (end == std::string_view::npos) end = path.size();
    std::string_view seg = path.substr(start, end - start);
    if (seg == "..") {
      if (!kept.empty()) kept.pop_back();
    } else if (!seg.empty() && seg != ".") {
      kept.push_back(seg);
    }
    start = end + 1;
  }
  const bool trailing_slash = !path.empty() && path.back() == '/';
  std::string out = "/";
  for (std::size_t i = 0; i < kept.size(); ++i) {
    out.append(kept[i]);
    if (i + 1 < kept.size() || trailing_slash) out.push_back('/');
  }
  return out;
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return c - 'A' + 10;  // callers check is_hex first
}

// Decodes then re-encodes one query key or value. Each valid %XX is decoded; a '%' that
// starts no valid escape is a literal percent sign (so "%41%zz" gives "A%25zz").
std::string canonical_query_component(std::string_view raw) {
  bool plain = true;
  for (char c : raw) {
    if (!is_unreserved(static_cast<unsigned char>(c))) {
      plain = false;
      break;
    }
  }
  if (plain) return std::string(raw);  // the common case: nothing to decode or encode
  std::string decoded;
  decoded.reserve(raw.size());
  for (std::size_t i = 0; i < raw.size(); ++i) {
    if (raw[i] == '%' && i + 2 < raw.size() && is_hex(raw[i + 1]) && is_hex(raw[i + 2])) {
      decoded.push_back(static_cast<char>((hex_value(raw[i + 1]) << 4) | hex_value(raw[i + 2])));
      i += 2;
    } else {
      decoded.push_back(raw[i]);
    }
  }
  return enc::uri_encode(decoded);
}

std::string_view trim_space(std::string_view v) {
  std::size_t b = 0, e = v.size();
  while (b < e && is_space(v[b])) ++b;
  while (e > b && is_space(v[e - 1])) --e;
  return v.substr(b, e - b);
}

// Appends v trimmed, with every inner run of whitespace folded to one space; copies
// the runs between whitespace whole (most values have none to fold).
void append_folded(std::string& out, std::string_view v) {
  v = trim_space(v);
  std::size_t i = 0;
  while (i < v.size()) {
    std::size_t j = i;
    while (j < v.size() && !is_space(v[j])) ++j;
    out.append(v.data() + i, j - i);
    if (j == v.size()) break;
    out.push_back(' ');
    while (j < v.size() && is_space(v[j])) ++j;  // trimmed: a non-space follows
    i = j;
  }
}

// True when canonical_uri(path, normalize) is the path itself: only unreserved
// characters and '/', and (normalized) no empty, '.' or '..' segment. The usual
// "/" and "/bucket/key" take this path.
bool canonical_as_is(std::string_view path, bool normalize) {
  if (path.empty() || path.front() != '/') return false;
  for (std::size_t i = 0; i < path.size(); ++i) {
    const auto c = static_cast<unsigned char>(path[i]);
    if (c == '/') {
      if (!normalize) continue;
      if (i + 1 < path.size() && path[i + 1] == '/') return false;  // empty segment
      std::string_view next = path.substr(i + 1, path.find('/', i + 1) - (i + 1));
      if (next == "." || next == "..") return false;
    } else if (!is_unreserved(c)) {
      return false;
    }
  }
  return true;
}

// Stable insertion sort: requests carry a handful of headers, where this beats
// std::stable_sort and its temporary buffer.
template <class It, class Less>
void small_stable_sort(It first, It last, Less less) {
  if (last - first > 32) {
    std::stable_sort(first, last, less);
    return;
  }
  for (It i = first + (first != last); i < last; ++i) {
    auto v = std::move(*i);
    It j = i;
    for (; j != first && less(v, *(j - 1)); --j) *j = std::move(*(j - 1));
    *j = std::move(v);
  }
}

}  // namespace

std::string canonical_uri(std::string_view raw_path, bool normalize) {
  if (raw_path.empty()) return "/";
  if (canonical_as_is(raw_path, normalize)) return std::string(raw_path);
  if (!normalize) return encode_keeping_escapes(raw_path);
  return enc::uri_encode(remove_dot_segments(raw_path), /*keep_slash=*/true);
}

std::string canonical_query(std::string_view raw_query) {
  if (raw_query.empty()) return {};
  std::vector<std::pair<std::string, std::string>> params;
  std::size_t start = 0;
  while (start <= raw_query.size()) {
    std::size_t end = raw_query.find('&', start);
    if (end == std::string_view::npos) end = raw_query.size();
    std::string_view pair = raw_query.substr(start, end - start);
    if (!pair.empty()) {
      const std::size_t eq = pair.find('=');
      std::string_view key = pair.substr(0, eq);
      std::string_view value = eq == std::string_view::npos ? std::string_view{} : pair.substr(eq + 1);
      params.emplace_back(canonical_query_component(key), canonical_query_component(value));
    }
    start = end + 1;
  }
  std::sort(params.begin(), params.end());
  std::string out;
  std::size_t total = 0;
  for (const auto& [k, v] : params) total += k.size() + v.size() + 2;
  out.reserve(total);
  for (const auto& [k, v] : params) {
    if (!out.empty()) out.push_back('&');
    out.append(k);
    out.push_back('=');
    out.append(v);
  }
  return out;
}

namespace detail {

bool is_unsigned_header(std::string_view n) {
  switch (n.size()) {
    case 2: return n == "te";
    case 6: return n == "expect";
    case 7: return n == "trailer" || n == "upgrade";
    case 10: return n == "connection" || n == "keep-alive" || n == "user-agent";
    case 13: return n == "authorization";
    case 15: return n == "x-amzn-trace-id";
    case 16: return n == "proxy-connection";
    case 17: return n == "transfer-encoding";
    case 19: return n == "proxy-authorization";
    default: return false;
  }
}

void build_header_block(const header_list& headers, const std::vector<std::string_view>* only, header_block& out) {
  // Lower-cased names go into one arena so that sorting compares views, not copies.
  struct entry {
    std::uint32_t off, len;
    const std::string* value;
  };
  std::string arena;
  std::size_t name_bytes = 0;
  for (const auto& h : headers) name_bytes += h.first.size();
  arena.reserve(name_bytes);
  std::vector<entry> entries;
  entries.reserve(headers.size());
  for (const auto& [name, value] : headers) {
    const auto off = static_cast<std::uint32_t>(arena.size());
    for (char c : name) arena.push_back(lower(c));
    std::string_view lname(arena.data() + off, name.size());
    const bool signed_here = only ? std::binary_search(only->begin(), only->end(), lname) : !is_unsigned_header(lname);
    if (signed_here) {
      entries.push_back({off, static_cast<std::uint32_t>(name.size()), &value});
    } else {
      arena.resize(off);
    }
  }
  auto name_of = [&arena](const entry& e) { return std::string_view(arena.data() + e.off, e.len); };
  // Stable: duplicate names keep their order of appearance when joined with ','.
  small_stable_sort(entries.begin(), entries.end(),
                    [&](const entry& a, const entry& b) { return name_of(a) < name_of(b); });

  out.lines.clear();
  out.names.clear();
  std::size_t need = 0;
  for (const auto& e : entries) need += e.len + e.value->size() + 2;
  out.lines.reserve(need);
  out.names.reserve(name_bytes + entries.size());

  auto emit_name = [&out](std::string_view n) {
    if (!out.names.empty()) out.names.push_back(';');
    out.names.append(n);
    out.lines.append(n);
    out.lines.push_back(':');
  };
  // Emits entries[i] and the duplicates that follow it, joined with ','.
  std::size_t i = 0;
  auto emit_run = [&] {
    std::string_view n = name_of(entries[i]);
    emit_name(n);
    append_folded(out.lines, *entries[i].value);
    for (++i; i < entries.size() && name_of(entries[i]) == n; ++i) {
      out.lines.push_back(',');
      append_folded(out.lines, *entries[i].value);
    }
    out.lines.push_back('\n');
  };
  if (!only) {
    while (i < entries.size()) emit_run();
    return;
  }
  // Every requested name appears exactly once, present or not (entries holds only
  // requested names, in the same order).
  for (std::string_view want : *only) {
    if (i < entries.size() && name_of(entries[i]) == want) {
      emit_run();
    } else {
      emit_name(want);
      out.lines.push_back('\n');
    }
  }
}

std::string assemble_canonical_request(std::string_view method, std::string_view uri, std::string_view query,
                                       const header_block& block, std::string_view payload_hash) {
  std::string out;
  out.reserve(method.size() + uri.size() + query.size() + block.lines.size() + block.names.size() +
              payload_hash.size() + 5);
  out.append(method);
  out.push_back('\n');
  out.append(uri);
  out.push_back('\n');
  out.append(query);
  out.push_back('\n');
  out.append(block.lines);
  out.push_back('\n');
  out.append(block.names);
  out.push_back('\n');
  out.append(payload_hash);
  return out;
}

}  // namespace detail

std::string canonical_request(const http_request& req, std::string_view signed_headers, std::string_view payload_hash,
                              bool normalize_path) {
  std::vector<std::string_view> names;
  std::size_t start = 0;
  while (start <= signed_headers.size()) {
    std::size_t end = signed_headers.find(';', start);
    if (end == std::string_view::npos) end = signed_headers.size();
    if (end > start) names.push_back(signed_headers.substr(start, end - start));
    start = end + 1;
  }
  std::sort(names.begin(), names.end());
  names.erase(std::unique(names.begin(), names.end()), names.end());
  detail::header_block block;
  detail::build_header_block(req.headers, &names, block);
  return detail::assemble_canonical_request(req.method, canonical_uri(req.path, normalize_path),
                                            canonical_query(req.query), block, payload_hash);
}

}  // namespace fluxaws::aws::sigv4
