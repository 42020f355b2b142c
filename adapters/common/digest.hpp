// Digests and MACs over OpenSSL 3's EVP interface. Output is raw bytes unless the
// name ends in _hex. sha256_stream digests data as it arrives (blobs, artifacts).
#pragma once

#include <memory>
#include <string>
#include <string_view>

namespace fluxaws::digest {

std::string sha256(std::string_view data);
std::string sha256_hex(std::string_view data);
std::string sha512(std::string_view data);
std::string hmac_sha256(std::string_view key, std::string_view data);
// Cryptographically random bytes (RAND_bytes).
std::string random_bytes(std::size_t n);

class sha256_stream {
 public:
  sha256_stream();
  ~sha256_stream();
  sha256_stream(sha256_stream&&) noexcept;
  sha256_stream& operator=(sha256_stream&&) noexcept;
  void update(std::string_view data);
  void update(const void* data, std::size_t n);
  // Finishes and returns the raw digest; the stream is reset afterwards.
  std::string finish();
  std::string finish_hex();

 private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

}  // namespace fluxaws::digest
