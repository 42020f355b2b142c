#include "adapters/archive/gzip_decompressor.hpp"

#include <zlib.h>

#include <algorithm>
#include <string>

namespace fluxaws::archive {

struct gzip_decompressor::impl {
  pull_fn pull;
  bool started = false;
  bool gzip = false;
  bool input_done = false;
  bool output_done = false;
  bool zs_ready = false;
  z_stream zs{};
  std::string head;        // input read while sniffing the magic
  std::string_view input;  // unconsumed input
  std::string out = std::string(64 * 1024, '\0');

  ~impl() {
    if (zs_ready) inflateEnd(&zs);
  }

  // Refills input when empty; false at the end of input.
  result<bool> refill() {
    while (input.empty() && !input_done) {
      auto chunk = pull();
      if (!chunk) return chunk.error();
      if (chunk->empty()) input_done = true;
      input = *chunk;
    }
    return !input.empty();
  }

  status start() {
    started = true;
    while (head.size() < 2 && !input_done) {
      auto chunk = pull();
      if (!chunk) return chunk.error();
      if (chunk->empty()) input_done = true;
      head.append(*chunk);
    }
    input = head;
    gzip = head.size() >= 2 && static_cast<unsigned char>(head[0]) == 0x1f && static_cast<unsigned char>(head[1]) == 0x8b;
    if (gzip) {
      if (inflateInit2(&zs, 15 + 16) != Z_OK) return make_error("gzip", "cannot initialise inflate");
      zs_ready = true;
    }
    return {};
  }

  // After a member ends: another member, NUL padding, the end, or garbage.
  result<bool> next_member() {
    for (;;) {
      auto more = refill();
      if (!more) return more.error();
      if (!*more) return false;
      auto nonzero = std::find_if(input.begin(), input.end(), [](char c) { return c != '\0'; });
      if (nonzero == input.end()) {
        input = {};
        continue;
      }
      if (nonzero != input.begin()) return make_error("corrupt", "unexpected bytes after the gzip stream");
      // A new member must start with the magic; inflate checks it after the reset.
      if (inflateReset(&zs) != Z_OK) return make_error("gzip", "cannot reset inflate");
      return true;
    }
  }

  result<std::string_view> read_gzip() {
    while (!output_done) {
      auto more = refill();
      if (!more) return more.error();
      if (!*more) return make_error("corrupt", "truncated gzip stream (unexpected end of input)");
      zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(input.data()));
      zs.avail_in = static_cast<uInt>(std::min<std::size_t>(input.size(), 1u << 30));
      zs.next_out = reinterpret_cast<Bytef*>(out.data());
      zs.avail_out = static_cast<uInt>(out.size());
      std::size_t offered = zs.avail_in;
      int rc = inflate(&zs, Z_NO_FLUSH);
      input.remove_prefix(offered - zs.avail_in);
      std::size_t produced = out.size() - zs.avail_out;
      if (rc == Z_STREAM_END) {
        auto another = next_member();
        if (!another) return another.error();
        if (!*another) output_done = true;
      } else if (rc == Z_DATA_ERROR) {
        return make_error("corrupt", std::string("corrupt gzip data: ") + (zs.msg ? zs.msg : "invalid data"));
      } else if (rc == Z_MEM_ERROR) {
        return make_error("gzip", "out of memory while inflating");
      } else if (rc != Z_OK && rc != Z_BUF_ERROR) {
        return make_error("corrupt", "gzip stream error");
      }
      if (produced > 0) return std::string_view(out.data(), produced);
    }
    return std::string_view{};
  }
};

gzip_decompressor::gzip_decompressor(pull_fn pull) : impl_(std::make_unique<impl>()) { impl_->pull = std::move(pull); }

gzip_decompressor::~gzip_decompressor() = default;

bool gzip_decompressor::is_gzip() const { return impl_->gzip; }

result<std::string_view> gzip_decompressor::read() {
  if (!impl_->started) {
    if (auto s = impl_->start(); !s) return s.error();
  }
  if (impl_->gzip) return impl_->read_gzip();
  auto more = impl_->refill();
  if (!more) return more.error();
  auto chunk = impl_->input;
  impl_->input = {};
  return chunk;
}

}  // namespace fluxaws::archive
