// Helpers for the archive tests: a scratch directory removed afterwards, small file
// utilities, and a tar builder that writes raw headers with any name, type or link —
// hostile archives included — independently of the production tar writer.
#pragma once

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace fluxaws::testing {

// The error text of a failed result, "" for a good one (for test messages, which
// Boost evaluates whether or not the check fails).
template <class R>
std::string why(const R& r) {
  return r.ok() ? std::string() : r.error().to_string();
}

class scratch_dir {
 public:
  scratch_dir() {
    auto base = std::filesystem::temp_directory_path() / "fluxaws-test-XXXXXX";
    std::string templ = base.string();
    if (!::mkdtemp(templ.data())) throw std::runtime_error("mkdtemp failed");
    path_ = templ;
  }
  ~scratch_dir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  scratch_dir(const scratch_dir&) = delete;
  scratch_dir& operator=(const scratch_dir&) = delete;
  const std::filesystem::path& path() const { return path_; }
  std::filesystem::path operator/(std::string_view rel) const { return path_ / rel; }

 private:
  std::filesystem::path path_;
};

inline void write_file(const std::filesystem::path& p, std::string_view content) {
  std::filesystem::create_directories(p.parent_path());
  std::ofstream out(p, std::ios::binary | std::ios::trunc);
  out.write(content.data(), static_cast<std::streamsize>(content.size()));
}

inline std::string read_file(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

// Names directly inside dir, sorted.
inline std::vector<std::string> list_dir(const std::filesystem::path& dir) {
  std::vector<std::string> out;
  for (const auto& e : std::filesystem::directory_iterator(dir)) out.push_back(e.path().filename().string());
  std::sort(out.begin(), out.end());
  return out;
}

// Writes tar blocks by hand (USTAR, GNU-compatible typeflags).
class raw_tar {
 public:
  raw_tar& file(std::string_view name, std::string_view data, unsigned mode = 0644) {
    header(name, '0', data.size(), mode, {});
    bytes_ += data;
    bytes_.append((512 - data.size() % 512) % 512, '\0');
    return *this;
  }
  raw_tar& dir(std::string_view name, unsigned mode = 0755) { return header(name, '5', 0, mode, {}); }
  raw_tar& symlink(std::string_view name, std::string_view target) { return header(name, '2', 0, 0777, target); }
  raw_tar& hardlink(std::string_view name, std::string_view target) { return header(name, '1', 0, 0644, target); }
  raw_tar& char_device(std::string_view name) { return header(name, '3', 0, 0644, {}); }
  raw_tar& fifo(std::string_view name) { return header(name, '6', 0, 0644, {}); }
  // A header claiming `size` bytes with no data after it (for lies and truncation).
  raw_tar& file_header_only(std::string_view name, std::uint64_t size) { return header(name, '0', size, 0644, {}); }
  raw_tar& end() {
    bytes_.append(1024, '\0');
    return *this;
  }
  const std::string& bytes() const { return bytes_; }

 private:
  raw_tar& header(std::string_view name, char type, std::uint64_t size, unsigned mode, std::string_view link) {
    char b[512] = {};
    if (!name.empty()) std::memcpy(b, name.data(), std::min<std::size_t>(name.size(), 100));
    std::snprintf(b + 100, 8, "%07o", mode);
    std::snprintf(b + 108, 8, "%07o", 0);
    std::snprintf(b + 116, 8, "%07o", 0);
    std::snprintf(b + 124, 12, "%011llo", static_cast<unsigned long long>(size));
    std::snprintf(b + 136, 12, "%011o", 0);
    b[156] = type;
    if (!link.empty()) std::memcpy(b + 157, link.data(), std::min<std::size_t>(link.size(), 100));
    std::memcpy(b + 257, "ustar\0" "00", 8);
    std::memset(b + 148, ' ', 8);
    unsigned sum = 0;
    for (unsigned char c : b) sum += c;
    std::snprintf(b + 148, 8, "%06o", sum);
    b[155] = ' ';
    bytes_.append(b, 512);
    return *this;
  }

  std::string bytes_;
};

}  // namespace fluxaws::testing
