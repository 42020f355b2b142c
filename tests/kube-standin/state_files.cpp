#include "tests/kube-standin/state_files.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "adapters/common/encoding.hpp"

namespace kstand {

using fluxaws::make_error;
using fluxaws::json::value;

fluxaws::status write_file_atomically(const std::string& path, const std::string& content) {
  std::string tmp = path + ".tmp." + std::to_string(::getpid());
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) return make_error("io", "cannot write " + tmp + ": " + std::strerror(errno));
  std::size_t off = 0;
  while (off < content.size()) {
    ssize_t n = ::write(fd, content.data() + off, content.size() - off);
    if (n < 0) {
      if (errno == EINTR) continue;
      int e = errno;
      ::close(fd);
      ::unlink(tmp.c_str());
      return make_error("io", "cannot write " + tmp + ": " + std::strerror(e));
    }
    off += static_cast<std::size_t>(n);
  }
  ::fsync(fd);
  ::close(fd);
  if (::rename(tmp.c_str(), path.c_str()) != 0) {
    int e = errno;
    ::unlink(tmp.c_str());
    return make_error("io", "cannot rename " + tmp + " to " + path + ": " + std::strerror(e));
  }
  return {};
}

fluxaws::result<std::string> read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return make_error("io", "cannot read " + path);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::string serialize_state(const object_store& store) {
  value root = value::make_object();
  root.set("resourceVersion", std::to_string(store.current_rv()));
  value objects = value::make_array();
  for (const auto& key : store.resources()) {
    for (const auto& o : store.list(key, "")) {
      value e = value::make_object();
      e.set("resource", key);
      e.set("object", *o);
      objects.push_back(std::move(e));
    }
  }
  root.set("objects", std::move(objects));
  return fluxaws::json::dump(root);
}

fluxaws::status save_state(const std::string& path, const object_store& store) {
  return write_file_atomically(path, serialize_state(store));
}

fluxaws::status load_state(const std::string& path, object_store& store) {
  if (!std::filesystem::exists(path)) return {};
  auto text = read_file(path);
  if (!text) return text.error();
  std::string err;
  auto doc = fluxaws::json::parse(*text, &err);
  if (!doc || !doc->is_object()) return make_error("parse", path + " is not a saved stand-in state: " + err);
  const value* rv = doc->find("resourceVersion");
  const value* objects = doc->find("objects");
  if (!rv || !objects || !objects->is_array()) return make_error("parse", path + " lacks resourceVersion or objects");
  uint64_t counter = 0;
  try {
    counter = std::stoull(rv->as_string());
  } catch (...) {
    return make_error("parse", path + " has a bad resourceVersion");
  }
  for (const auto& e : objects->as_array()) {
    const value* res = e.find("resource");
    const value* obj = e.find("object");
    if (!res || !obj || !obj->is_object()) return make_error("parse", path + " has an entry without resource or object");
    store.load(res->as_string(), *obj);
  }
  store.set_rv(counter);
  return {};
}

std::string kubeconfig_yaml(const std::string& server_url, const std::string& ca_pem, const std::string& token) {
  return "apiVersion: v1\n"
         "kind: Config\n"
         "clusters:\n"
         "- name: standin\n"
         "  cluster:\n"
         "    server: " + server_url + "\n"
         "    certificate-authority-data: " + fluxaws::enc::base64(ca_pem) + "\n"
         "contexts:\n"
         "- name: standin\n"
         "  context:\n"
         "    cluster: standin\n"
         "    user: standin\n"
         "    namespace: default\n"
         "current-context: standin\n"
         "preferences: {}\n"
         "users:\n"
         "- name: standin\n"
         "  user:\n"
         "    token: " + token + "\n";
}

}  // namespace kstand
