#include "adapters/archive/gzip_compressor.hpp"

#include <zlib.h>

#include <string>

namespace fluxaws::archive {

struct gzip_compressor::impl {
  byte_sink out;
  z_stream zs{};
  bool ready = false;
  bool finished = false;
  std::string buf = std::string(64 * 1024, '\0');

  status pump(std::string_view data, int flush) {
    zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
    zs.avail_in = static_cast<uInt>(data.size());
    for (;;) {
      zs.next_out = reinterpret_cast<Bytef*>(buf.data());
      zs.avail_out = static_cast<uInt>(buf.size());
      int rc = deflate(&zs, flush);
      if (rc == Z_STREAM_ERROR) return make_error("gzip", "deflate failed");
      std::size_t produced = buf.size() - zs.avail_out;
      if (produced > 0) {
        if (auto st = out(std::string_view(buf.data(), produced)); !st) return st;
      }
      if (flush == Z_FINISH) {
        if (rc == Z_STREAM_END) return {};
      } else if (zs.avail_in == 0 && zs.avail_out != 0) {
        return {};
      }
    }
  }
};

gzip_compressor::gzip_compressor(byte_sink out, int level) : impl_(std::make_unique<impl>()) {
  impl_->out = std::move(out);
  // windowBits 15 + 16: a gzip wrapper with zlib's default header (mtime 0, no name).
  impl_->ready = deflateInit2(&impl_->zs, level, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) == Z_OK;
}

gzip_compressor::~gzip_compressor() {
  if (impl_->ready) deflateEnd(&impl_->zs);
}

status gzip_compressor::write(std::string_view data) {
  if (!impl_->ready) return make_error("gzip", "deflate could not be initialised");
  if (impl_->finished) return make_error("gzip", "write after finish");
  // Feed in pieces that fit zlib's 32-bit counters.
  constexpr std::size_t max_piece = 1u << 30;
  while (!data.empty()) {
    auto piece = data.substr(0, max_piece);
    if (auto st = impl_->pump(piece, Z_NO_FLUSH); !st) return st;
    data.remove_prefix(piece.size());
  }
  return {};
}

status gzip_compressor::finish() {
  if (!impl_->ready) return make_error("gzip", "deflate could not be initialised");
  if (impl_->finished) return make_error("gzip", "finish called twice");
  impl_->finished = true;
  return impl_->pump({}, Z_FINISH);
}

}  // namespace fluxaws::archive
