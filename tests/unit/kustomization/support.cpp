#include "support.hpp"

#include <cstdlib>
#include <sstream>

namespace ks_test {

namespace fs = std::filesystem;

temp_dir::temp_dir() {
  std::string tmpl = (fs::temp_directory_path() / "fluxaws-ks-test-XXXXXX").string();
  std::vector<char> buf(tmpl.begin(), tmpl.end());
  buf.push_back('\0');
  if (!::mkdtemp(buf.data())) throw std::runtime_error("mkdtemp failed");
  path_ = buf.data();
}

temp_dir::~temp_dir() {
  std::error_code ec;
  fs::remove_all(path_, ec);
}

void temp_dir::write(const std::string& rel, const std::string& text) const {
  auto p = path_ / rel;
  fs::create_directories(p.parent_path());
  std::ofstream out(p, std::ios::binary);
  out << text;
}

fluxaws::json::value yaml(const std::string& text) {
  auto v = fluxaws::yamljson::parse_yaml(text);
  BOOST_REQUIRE_MESSAGE(v.ok(), "bad test YAML: " << (v.ok() ? "" : v.error().message));
  return *v;
}

std::vector<fluxaws::json::value> yaml_all(const std::string& text) {
  auto v = fluxaws::yamljson::parse_yaml_all(text);
  BOOST_REQUIRE_MESSAGE(v.ok(), "bad test YAML: " << (v.ok() ? "" : v.error().message));
  return *v;
}

std::string read_file(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

}  // namespace ks_test
