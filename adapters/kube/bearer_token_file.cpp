#include "adapters/kube/bearer_token_file.hpp"

#include <fstream>

#include "adapters/common/strings.hpp"

namespace fluxaws::kube {

bearer_token_file::bearer_token_file(std::string static_token, std::string path, std::chrono::seconds refresh)
    : token_(std::move(static_token)), path_(std::move(path)), refresh_(refresh) {
  if (!path_.empty()) token_.clear();
}

result<std::string> bearer_token_file::get(clock::time_point now) {
  if (path_.empty()) return token_;
  if (!stale_ && now - read_at_ < refresh_ && !token_.empty()) return token_;
  std::ifstream in(path_, std::ios::binary);
  if (!in) {
    // Keep serving the last good token through a transient read failure (the kubelet
    // swaps the file with a rename, so this is rare); without one it is an error.
    if (!token_.empty()) return token_;
    return make_error("auth", "cannot read the bearer token file " + path_);
  }
  std::string data;
  char buf[4096];
  while (in.read(buf, sizeof buf) || in.gcount() > 0) {
    data.append(buf, static_cast<std::size_t>(in.gcount()));
    if (data.size() > (256u << 10)) return make_error("auth", "the bearer token file " + path_ + " is too large");
  }
  auto trimmed = str::trim(data);
  if (trimmed.empty()) {
    if (!token_.empty()) return token_;
    return make_error("auth", "the bearer token file " + path_ + " is empty");
  }
  token_ = std::string(trimmed);
  read_at_ = now;
  stale_ = false;
  return token_;
}

}  // namespace fluxaws::kube
