// gzip_compressor: streams bytes through zlib's deflate into a byte_sink as one gzip
// member. The header has no name, no comment and mtime 0, so equal input gives equal
// output (for a given zlib). Level 6 is Go's and zlib's default.
#pragma once

#include <memory>
#include <string_view>

#include "adapters/archive/byte_sink.hpp"
#include "adapters/common/result.hpp"

namespace fluxaws::archive {

class gzip_compressor {
 public:
  explicit gzip_compressor(byte_sink out, int level = 6);
  ~gzip_compressor();
  gzip_compressor(const gzip_compressor&) = delete;
  gzip_compressor& operator=(const gzip_compressor&) = delete;

  status write(std::string_view data);
  // Flushes the deflate stream and the gzip trailer (CRC-32, length). Once only.
  status finish();

 private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

}  // namespace fluxaws::archive
