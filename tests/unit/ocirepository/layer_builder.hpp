// Test content for OCIRepository tests: tar streams written by hand (so that hostile
// entries — "../", absolute names, symlinks, devices, lying sizes — can be made),
// gzip, sha256 digests, and OCI manifests and indexes as JSON text. Independent of
// the production archive writer, so tests do not check the code with itself.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace fluxaws::ocitest {

// USTAR blocks. Type flags: '0' file, '5' dir, '2' symlink, '3' char device.
class tar_stream {
 public:
  tar_stream& file(std::string_view name, std::string_view data, unsigned mode = 0644);
  tar_stream& dir(std::string_view name, unsigned mode = 0755);
  tar_stream& symlink(std::string_view name, std::string_view target);
  tar_stream& char_device(std::string_view name);
  // A file header declaring `size` bytes followed by `data` (which may be shorter: a lie).
  tar_stream& file_header(std::string_view name, std::uint64_t size, std::string_view data);
  // The end-of-archive marker (two zero blocks) appended to the entries.
  std::string bytes() const;

 private:
  void header(std::string_view name, char type, std::uint64_t size, unsigned mode, std::string_view link);
  std::string data_;
};

std::string gzip(std::string_view data);
// A gzip stream of `entries` files of `each` zero bytes (a compact decompression bomb).
std::string gzip_bomb(int entries, std::uint64_t each);

std::string sha256_digest(std::string_view data);  // "sha256:<hex>"

struct layer_desc {
  std::string media_type;
  std::string bytes;
};

inline constexpr const char* flux_config_type = "application/vnd.cncf.flux.config.v1+json";
inline constexpr const char* flux_content_type = "application/vnd.cncf.flux.content.v1.tar+gzip";
inline constexpr const char* oci_manifest_type = "application/vnd.oci.image.manifest.v1+json";
inline constexpr const char* oci_index_type = "application/vnd.oci.image.index.v1+json";

// An OCI image manifest (config "{}" of the Flux config type) over the layers.
std::string manifest_json(const std::vector<layer_desc>& layers,
                          const std::map<std::string, std::string>& annotations = {},
                          const std::string& config_digest = "", std::size_t config_size = 2);
// An OCI index of (digest, size, "os/arch") entries.
std::string index_json(const std::vector<std::pair<std::string, std::string>>& digest_platforms,
                       const std::vector<std::size_t>& sizes);

}  // namespace fluxaws::ocitest
