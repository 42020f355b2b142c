// atomic_file: writes a file so that readers see either nothing or all of it.
//
// Bytes go to a temp file in the destination's directory, named
// ".<name>.tmp-XXXXXX" (mode 0600), and are SHA-256 digested and counted as they are
// written — the file is never re-read. commit() fsyncs, optionally sets the mtime,
// and renames over the destination. Destroying an uncommitted atomic_file removes the
// temp file; a crash leaves only a temp file, which is_temp_name() recognises so a
// startup sweep can delete it.
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "adapters/common/result.hpp"

namespace fluxaws::archive {

struct committed_file {
  std::string digest;  // "sha256:<hex>"
  std::uint64_t size = 0;
};

class atomic_file {
 public:
  // The destination's directory must exist.
  static result<std::unique_ptr<atomic_file>> create(const std::filesystem::path& dest);
  ~atomic_file();
  atomic_file(const atomic_file&) = delete;
  atomic_file& operator=(const atomic_file&) = delete;

  status write(std::string_view data);
  // fsync + (mtime) + rename. With expected_digest ("sha256:<hex>"), a different
  // digest fails with code "digest_mismatch" before the rename. After any failure the
  // temp file is gone.
  result<committed_file> commit(std::optional<std::chrono::system_clock::time_point> mtime = std::nullopt,
                                std::string_view expected_digest = {});
  // Removes the temp file now (also done by the destructor).
  void abort();

  const std::filesystem::path& temp_path() const;
  const std::filesystem::path& dest_path() const;
  std::uint64_t bytes_written() const;

  // True for names this class gives its temp files.
  static bool is_temp_name(std::string_view filename);

 private:
  atomic_file();
  struct impl;
  std::unique_ptr<impl> impl_;
};

}  // namespace fluxaws::archive
