#include "adapters/aws/token_file.hpp"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <memory>

namespace fluxaws::aws {

result<std::string> read_token_file(const std::string& path, std::size_t max_bytes) {
  if (path.empty()) return make_error("token_file", "no token file path given");
  std::unique_ptr<FILE, int (*)(FILE*)> f(std::fopen(path.c_str(), "rb"), &std::fclose);
  if (!f) return make_error("token_file", "token file " + path + ": " + std::strerror(errno));
  std::string out;
  errno = 0;
  char buf[4096];
  for (;;) {
    std::size_t n = std::fread(buf, 1, sizeof buf, f.get());
    out.append(buf, n);
    if (out.size() > max_bytes)
      return make_error("token_file", "token file " + path + " is larger than " + std::to_string(max_bytes) + " bytes");
    if (n < sizeof buf) {
      if (std::ferror(f.get()))
        return make_error("token_file", "token file " + path + ": " + (errno ? std::strerror(errno) : "read error"));
      break;
    }
  }
  return out;
}

}  // namespace fluxaws::aws
