// glob_match: Go's path/filepath.Match on Unix, ported byte for byte, because Flux's
// ignore rules (fluxcd/pkg/sourceignore/gitignore, a copy of go-git v5) match each path
// component with it.
//
//   '*'          any run of non-'/' characters
//   '?'          one non-'/' character (a UTF-8 rune)
//   '[' ['^'] { c | c '-' c } ']'   a character class; '\' escapes inside and outside
//
// The whole name must match. A malformed pattern ("[", "[]a]", "a\", "[a-b-c]") gives
// bad_pattern exactly where Go returns ErrBadPattern (Go checks the rest of the
// pattern after a mismatch, so "a[" is bad even against "x").
#pragma once

#include <string_view>

namespace fluxaws::archive {

enum class glob_result { match, no_match, bad_pattern };

glob_result glob_match(std::string_view pattern, std::string_view name);

}  // namespace fluxaws::archive
