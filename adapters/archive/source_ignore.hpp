// Flux's source ignore rules (fluxcd/pkg/sourceignore, as source-controller applies them).
//
// Where the patterns come from, lowest priority first:
//   - defaults: VCS files (always, for directory artifacts) and, only when no other
//     pattern exists, the extension/CI/extra lists below;
//   - .sourceignore files: for a directory (OCIRepository "extract"), the root one and
//     every nested one, each scoped to its own directory (its domain), read depth-first
//     in lexical order, never descending into .git; for a Bucket, only the root object
//     ".sourceignore", which is itself never part of the artifact;
//   - spec.ignore: one pattern per line, added last so it overrides the others.
// Lines starting with '#' and blank lines are skipped; lines are not trimmed on the
// left; a trailing '\r' is dropped (Go's bufio.ScanLines).
//
// Domains here are relative to the artifact root ({} for the root, {"a","b"} for a/b);
// source-controller uses absolute paths on both sides, which gives the same answers.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "adapters/archive/ignore_matcher.hpp"
#include "adapters/archive/ignore_pattern.hpp"
#include "adapters/common/result.hpp"

namespace fluxaws::archive::sourceignore {

inline constexpr std::string_view ignore_file = ".sourceignore";
inline constexpr std::string_view exclude_vcs = ".git/,.gitignore,.gitmodules,.gitattributes";
inline constexpr std::string_view exclude_ext = "*.jpg,*.jpeg,*.gif,*.png,*.wmv,*.flv,*.tar.gz,*.zip";
inline constexpr std::string_view exclude_ci =
    ".github/,.circleci/,.travis.yml,.gitlab-ci.yml,appveyor.yml,.drone.yml,cloudbuild.yaml,"
    "codeship-services.yml,codeship-steps.yml";
inline constexpr std::string_view exclude_extra = "**/.goreleaser.yml,**/.sops.yaml,**/.flux.yaml";

// A .sourceignore larger than this is refused rather than read into memory.
inline constexpr std::size_t max_ignore_file_bytes = 1 << 20;

using domain_t = std::vector<std::string>;

std::vector<ignore_pattern> read_patterns(std::string_view text, const domain_t& domain = {});
// A missing file (or one that is not a regular file) gives no patterns.
result<std::vector<ignore_pattern>> read_ignore_file(const std::filesystem::path& file, const domain_t& domain = {});
// Every .sourceignore under dir (root first, then subdirectories depth-first in
// lexical order, skipping .git and symlinks), each scoped to its directory.
result<std::vector<ignore_pattern>> load_ignore_patterns(const std::filesystem::path& dir,
                                                         const domain_t& domain = {});

std::vector<ignore_pattern> vcs_patterns(const domain_t& domain = {});
std::vector<ignore_pattern> default_patterns(const domain_t& domain = {});  // ext + CI + extra

// VCS + default patterns, then ps (sourceignore.NewDefaultMatcher).
ignore_matcher default_matcher(const std::vector<ignore_pattern>& ps, const domain_t& domain = {});
// The matcher source-controller archives a directory with (storage.SourceIgnoreFilter):
// no patterns -> default_matcher; otherwise VCS patterns followed by ps.
ignore_matcher directory_filter_matcher(const std::vector<ignore_pattern>& ps, const domain_t& domain = {});

// The rules for an OCIRepository "extract" (or any directory artifact): nested
// .sourceignore files plus spec.ignore, then directory_filter_matcher. Errors name the
// unreadable file.
result<ignore_matcher> directory_matcher(const std::filesystem::path& dir, std::optional<std::string_view> spec_ignore);

// The rules a Bucket filters its keys with before downloading: the root .sourceignore
// object's content (when the bucket has one) plus spec.ignore, with no defaults.
// Callers also skip keys ending in '/' and the key ".sourceignore" itself.
ignore_matcher bucket_matcher(std::optional<std::string_view> sourceignore_content,
                              std::optional<std::string_view> spec_ignore);
// True when a Bucket key is not part of the artifact (directory marker, the ignore
// file itself, or matched by the rules).
bool bucket_key_excluded(const ignore_matcher& m, std::string_view key);

}  // namespace fluxaws::archive::sourceignore
