// gzip_decompressor: pulls input bytes and yields plain bytes. Input that starts with
// the gzip magic (1f 8b) is inflated with zlib — every member of a multi-member file,
// each CRC-32 and length checked; trailing NUL padding is tolerated, other trailing
// bytes are an error. Any other input passes through unchanged (a plain tar).
// zlib does the checking because libarchive's gzip reader does not verify the trailer.
#pragma once

#include <functional>
#include <memory>
#include <string_view>

#include "adapters/common/result.hpp"

namespace fluxaws::archive {

class gzip_decompressor {
 public:
  // The next chunk of input; an empty chunk means the end.
  using pull_fn = std::function<result<std::string_view>()>;

  explicit gzip_decompressor(pull_fn pull);
  ~gzip_decompressor();
  gzip_decompressor(const gzip_decompressor&) = delete;
  gzip_decompressor& operator=(const gzip_decompressor&) = delete;

  // The next chunk of plain bytes, valid until the next call; empty at the end.
  result<std::string_view> read();
  bool is_gzip() const;

 private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

}  // namespace fluxaws::archive
