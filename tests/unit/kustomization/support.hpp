// Helpers shared by the Kustomization unit tests: a temporary directory that removes
// itself, files written into it, and YAML parsing that fails the test on bad input.
#pragma once

#include <boost/test/unit_test.hpp>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "adapters/common/json.hpp"
#include "adapters/common/yaml_json.hpp"

namespace ks_test {

class temp_dir {
 public:
  temp_dir();
  ~temp_dir();
  temp_dir(const temp_dir&) = delete;
  temp_dir& operator=(const temp_dir&) = delete;
  const std::filesystem::path& path() const { return path_; }
  // Writes rel (parents created) with the given text.
  void write(const std::string& rel, const std::string& text) const;

 private:
  std::filesystem::path path_;
};

fluxaws::json::value yaml(const std::string& text);
std::vector<fluxaws::json::value> yaml_all(const std::string& text);
std::string read_file(const std::filesystem::path& p);

}  // namespace ks_test

// Requires a result to be ok, printing its error otherwise (the message must not be
// evaluated on success: error() of an ok result throws).
#define KS_REQUIRE_OK(r) BOOST_REQUIRE_MESSAGE((r).ok(), ((r).ok() ? std::string() : (r).error().message))
