#include "adapters/archive/glob_match.hpp"

#include <cstdint>
#include <utility>

namespace fluxaws::archive {

namespace {

constexpr char32_t rune_error = 0xFFFD;

// Go's utf8.DecodeRuneInString: an invalid or truncated sequence decodes as
// (U+FFFD, 1); an empty input as (U+FFFD, 0).
std::pair<char32_t, std::size_t> decode_rune(std::string_view s) {
  if (s.empty()) return {rune_error, 0};
  auto b0 = static_cast<unsigned char>(s[0]);
  if (b0 < 0x80) return {b0, 1};
  auto cont = [&](std::size_t i) { return i < s.size() && (static_cast<unsigned char>(s[i]) & 0xC0) == 0x80; };
  auto at = [&](std::size_t i) { return static_cast<char32_t>(static_cast<unsigned char>(s[i]) & 0x3F); };
  if (b0 >= 0xC2 && b0 <= 0xDF) {
    if (!cont(1)) return {rune_error, 1};
    return {(static_cast<char32_t>(b0 & 0x1F) << 6) | at(1), 2};
  }
  if (b0 >= 0xE0 && b0 <= 0xEF) {
    if (!cont(1) || !cont(2)) return {rune_error, 1};
    char32_t r = (static_cast<char32_t>(b0 & 0x0F) << 12) | (at(1) << 6) | at(2);
    if (r < 0x800 || (r >= 0xD800 && r <= 0xDFFF)) return {rune_error, 1};  // overlong, surrogate
    return {r, 3};
  }
  if (b0 >= 0xF0 && b0 <= 0xF4) {
    if (!cont(1) || !cont(2) || !cont(3)) return {rune_error, 1};
    char32_t r = (static_cast<char32_t>(b0 & 0x07) << 18) | (at(1) << 12) | (at(2) << 6) | at(3);
    if (r < 0x10000 || r > 0x10FFFF) return {rune_error, 1};
    return {r, 4};
  }
  return {rune_error, 1};
}

struct chunk_scan {
  bool star = false;
  std::string_view chunk;
  std::string_view rest;
};

// The next segment of pattern: a non-star string, possibly preceded by stars.
chunk_scan scan_chunk(std::string_view pattern) {
  chunk_scan out;
  while (!pattern.empty() && pattern[0] == '*') {
    pattern.remove_prefix(1);
    out.star = true;
  }
  bool in_range = false;
  std::size_t i = 0;
  for (; i < pattern.size(); ++i) {
    char c = pattern[i];
    if (c == '\\') {
      if (i + 1 < pattern.size()) ++i;  // a lone trailing '\' is reported by match_chunk
    } else if (c == '[') {
      in_range = true;
    } else if (c == ']') {
      in_range = false;
    } else if (c == '*' && !in_range) {
      break;
    }
  }
  out.chunk = pattern.substr(0, i);
  out.rest = pattern.substr(i);
  return out;
}

// One character of a class: an optionally escaped rune. Fails (bad pattern) on an
// empty class body, an unescaped '-' or ']', an invalid UTF-8 byte, or when nothing
// follows (the class is unterminated).
bool class_rune(std::string_view& chunk, char32_t& r) {
  if (chunk.empty() || chunk[0] == '-' || chunk[0] == ']') return false;
  if (chunk[0] == '\\') {
    chunk.remove_prefix(1);
    if (chunk.empty()) return false;
  }
  auto [rune, n] = decode_rune(chunk);
  bool bad = rune == rune_error && n == 1;
  chunk.remove_prefix(n);
  if (chunk.empty()) bad = true;
  r = rune;
  return !bad;
}

struct chunk_match {
  std::string_view rest;
  bool ok = false;
  bool bad = false;
};

// Whether chunk matches the beginning of s; on success rest is what is left of s.
// After a mismatch it keeps parsing the chunk so a malformed one is still reported.
chunk_match match_chunk(std::string_view chunk, std::string_view s) {
  bool failed = false;
  while (!chunk.empty()) {
    if (!failed && s.empty()) failed = true;
    switch (chunk[0]) {
      case '[': {
        char32_t r = 0;
        if (!failed) {
          auto [rune, n] = decode_rune(s);
          r = rune;
          s.remove_prefix(n);
        }
        chunk.remove_prefix(1);
        bool negated = false;
        if (!chunk.empty() && chunk[0] == '^') {
          negated = true;
          chunk.remove_prefix(1);
        }
        bool matched = false;
        int ranges = 0;
        for (;;) {
          if (!chunk.empty() && chunk[0] == ']' && ranges > 0) {
            chunk.remove_prefix(1);
            break;
          }
          char32_t lo = 0;
          if (!class_rune(chunk, lo)) return {{}, false, true};
          char32_t hi = lo;
          if (chunk[0] == '-') {  // class_rune leaves chunk non-empty
            chunk.remove_prefix(1);
            if (!class_rune(chunk, hi)) return {{}, false, true};
          }
          if (lo <= r && r <= hi) matched = true;
          ++ranges;
        }
        if (matched == negated) failed = true;
        break;
      }
      case '?':
        if (!failed) {
          if (s[0] == '/') failed = true;
          s.remove_prefix(decode_rune(s).second);
        }
        chunk.remove_prefix(1);
        break;
      case '\\':
        chunk.remove_prefix(1);
        if (chunk.empty()) return {{}, false, true};
        [[fallthrough]];
      default:
        if (!failed) {
          if (chunk[0] != s[0]) failed = true;
          s.remove_prefix(1);
        }
        chunk.remove_prefix(1);
        break;
    }
  }
  if (failed) return {};
  return {s, true, false};
}

}  // namespace

glob_result glob_match(std::string_view pattern, std::string_view name) {
  while (!pattern.empty()) {
    auto scan = scan_chunk(pattern);
    pattern = scan.rest;
    if (scan.star && scan.chunk.empty()) {
      // A trailing '*' matches the rest of the name unless it holds a '/'.
      return name.find('/') == std::string_view::npos ? glob_result::match : glob_result::no_match;
    }
    auto here = match_chunk(scan.chunk, name);
    // The last chunk must consume the whole name; otherwise a star may still match.
    if (here.ok && (here.rest.empty() || !pattern.empty())) {
      name = here.rest;
      continue;
    }
    if (here.bad) return glob_result::bad_pattern;
    if (scan.star) {
      bool advanced = false;
      for (std::size_t i = 0; i < name.size() && name[i] != '/'; ++i) {
        auto skipped = match_chunk(scan.chunk, name.substr(i + 1));
        if (skipped.ok) {
          if (pattern.empty() && !skipped.rest.empty()) continue;
          name = skipped.rest;
          advanced = true;
          break;
        }
        if (skipped.bad) return glob_result::bad_pattern;
      }
      if (advanced) continue;
    }
    // No match; still report a malformed remainder as Go does.
    while (!pattern.empty()) {
      auto next = scan_chunk(pattern);
      pattern = next.rest;
      if (match_chunk(next.chunk, {}).bad) return glob_result::bad_pattern;
    }
    return glob_result::no_match;
  }
  return name.empty() ? glob_result::match : glob_result::no_match;
}

}  // namespace fluxaws::archive
