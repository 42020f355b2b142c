#include "layer_builder.hpp"

#include <zlib.h>

#include <cstdio>
#include <cstring>
#include <stdexcept>

#include "adapters/common/digest.hpp"
#include "adapters/common/json.hpp"

namespace fluxaws::ocitest {

namespace {

void octal(char* field, std::size_t width, std::uint64_t v) {
  // width-1 octal digits and a NUL, as tar wants (sizes beyond that are not needed here).
  for (std::size_t i = width - 1; i-- > 0;) {
    field[i] = static_cast<char>('0' + (v & 7));
    v >>= 3;
  }
  field[width - 1] = '\0';
}

class deflater {
 public:
  deflater() {
    std::memset(&z_, 0, sizeof z_);
    if (deflateInit2(&z_, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK)
      throw std::runtime_error("deflateInit2 failed");
  }
  ~deflater() { deflateEnd(&z_); }
  void write(std::string_view data, int flush = Z_NO_FLUSH) {
    z_.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
    z_.avail_in = static_cast<uInt>(data.size());
    char buf[1 << 16];
    int rc;
    do {
      z_.next_out = reinterpret_cast<Bytef*>(buf);
      z_.avail_out = sizeof buf;
      rc = deflate(&z_, flush);
      out_.append(buf, sizeof buf - z_.avail_out);
    } while (z_.avail_out == 0 || (flush == Z_FINISH && rc != Z_STREAM_END));
  }
  std::string finish() {
    write({}, Z_FINISH);
    return std::move(out_);
  }

 private:
  z_stream z_;
  std::string out_;
};

}  // namespace

void tar_stream::header(std::string_view name, char type, std::uint64_t size, unsigned mode, std::string_view link) {
  char h[512];
  std::memset(h, 0, sizeof h);
  if (name.size() > 100) {
    // USTAR prefix field for long names (split at a '/').
    auto cut = name.rfind('/', 155);
    if (cut == std::string_view::npos || name.size() - cut - 1 > 100) throw std::runtime_error("name too long");
    std::memcpy(h + 345, name.data(), cut);
    name = name.substr(cut + 1);
  }
  std::memcpy(h, name.data(), name.size());
  octal(h + 100, 8, mode);
  octal(h + 108, 8, 0);
  octal(h + 116, 8, 0);
  octal(h + 124, 12, size);
  octal(h + 136, 12, 0);
  std::memset(h + 148, ' ', 8);
  h[156] = type;
  if (!link.empty()) std::memcpy(h + 157, link.data(), std::min<std::size_t>(link.size(), 100));
  std::memcpy(h + 257, "ustar", 6);
  std::memcpy(h + 263, "00", 2);
  unsigned sum = 0;
  for (unsigned char c : h) sum += c;
  std::snprintf(h + 148, 8, "%06o", sum);
  h[155] = ' ';
  data_.append(h, sizeof h);
}

tar_stream& tar_stream::file(std::string_view name, std::string_view data, unsigned mode) {
  header(name, '0', data.size(), mode, {});
  data_ += data;
  data_.append((512 - data.size() % 512) % 512, '\0');
  return *this;
}

tar_stream& tar_stream::file_header(std::string_view name, std::uint64_t size, std::string_view data) {
  header(name, '0', size, 0644, {});
  data_ += data;
  data_.append((512 - data.size() % 512) % 512, '\0');
  return *this;
}

tar_stream& tar_stream::dir(std::string_view name, unsigned mode) {
  header(name, '5', 0, mode, {});
  return *this;
}

tar_stream& tar_stream::symlink(std::string_view name, std::string_view target) {
  header(name, '2', 0, 0777, target);
  return *this;
}

tar_stream& tar_stream::char_device(std::string_view name) {
  header(name, '3', 0, 0644, {});
  return *this;
}

std::string tar_stream::bytes() const { return data_ + std::string(1024, '\0'); }

std::string gzip(std::string_view data) {
  deflater d;
  d.write(data);
  return d.finish();
}

std::string gzip_bomb(int entries, std::uint64_t each) {
  deflater d;
  const std::string zeros(1 << 20, '\0');
  for (int i = 0; i < entries; ++i) {
    tar_stream t;
    t.file_header("zeros-" + std::to_string(i), each, {});
    std::string h = t.bytes().substr(0, 512);
    d.write(h);
    std::uint64_t left = each;
    while (left > 0) {
      auto n = std::min<std::uint64_t>(left, zeros.size());
      d.write(std::string_view(zeros.data(), n));
      left -= n;
    }
    d.write(std::string((512 - each % 512) % 512, '\0'));
  }
  d.write(std::string(1024, '\0'));
  return d.finish();
}

std::string sha256_digest(std::string_view data) { return "sha256:" + digest::sha256_hex(data); }

std::string manifest_json(const std::vector<layer_desc>& layers, const std::map<std::string, std::string>& annotations,
                          const std::string& config_digest, std::size_t config_size) {
  json::value m = json::value::make_object();
  m["schemaVersion"] = 2;
  m["mediaType"] = oci_manifest_type;
  json::value config = json::value::make_object();
  config["mediaType"] = flux_config_type;
  config["digest"] = config_digest.empty() ? sha256_digest("{}") : config_digest;
  config["size"] = static_cast<int64_t>(config_size);
  m["config"] = std::move(config);
  json::value ls = json::value::make_array();
  for (const auto& l : layers) {
    json::value d = json::value::make_object();
    d["mediaType"] = l.media_type;
    d["digest"] = sha256_digest(l.bytes);
    d["size"] = static_cast<int64_t>(l.bytes.size());
    ls.push_back(std::move(d));
  }
  m["layers"] = std::move(ls);
  if (!annotations.empty()) {
    json::value a = json::value::make_object();
    for (const auto& [k, v] : annotations) a[k] = v;
    m["annotations"] = std::move(a);
  }
  return json::dump(m);
}

std::string index_json(const std::vector<std::pair<std::string, std::string>>& digest_platforms,
                       const std::vector<std::size_t>& sizes) {
  json::value idx = json::value::make_object();
  idx["schemaVersion"] = 2;
  idx["mediaType"] = oci_index_type;
  json::value ms = json::value::make_array();
  for (std::size_t i = 0; i < digest_platforms.size(); ++i) {
    const auto& [digest, plat] = digest_platforms[i];
    json::value d = json::value::make_object();
    d["mediaType"] = oci_manifest_type;
    d["digest"] = digest;
    d["size"] = static_cast<int64_t>(sizes.at(i));
    json::value p = json::value::make_object();
    auto slash = plat.find('/');
    p["os"] = plat.substr(0, slash);
    p["architecture"] = plat.substr(slash + 1);
    d["platform"] = std::move(p);
    ms.push_back(std::move(d));
  }
  idx["manifests"] = std::move(ms);
  return json::dump(idx);
}

}  // namespace fluxaws::ocitest
