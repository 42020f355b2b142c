#include "adapters/archive/tar_header.hpp"

#include <algorithm>
#include <cstring>
#include <map>

namespace fluxaws::archive {

namespace {

// USTAR field offsets and sizes (POSIX.1-1988).
constexpr std::size_t name_off = 0, name_len = 100;
constexpr std::size_t mode_off = 100, mode_len = 8;
constexpr std::size_t uid_off = 108, uid_len = 8;
constexpr std::size_t gid_off = 116, gid_len = 8;
constexpr std::size_t size_off = 124, size_len = 12;
constexpr std::size_t mtime_off = 136, mtime_len = 12;
constexpr std::size_t chksum_off = 148, chksum_len = 8;
constexpr std::size_t type_off = 156;
constexpr std::size_t magic_off = 257;     // "ustar\0" then version "00"
constexpr std::size_t devmajor_off = 329, devminor_off = 337, dev_len = 8;
constexpr std::size_t prefix_off = 345, prefix_len = 155;

constexpr std::uint64_t max_octal_size = (std::uint64_t{1} << 33) - 1;  // 11 octal digits

bool is_ascii(std::string_view s) {
  return std::all_of(s.begin(), s.end(), [](char c) { return static_cast<unsigned char>(c) < 0x80 && c != 0; });
}

// Go's toASCII: drops every byte that is not 7-bit ASCII.
std::string to_ascii(std::string_view s) {
  std::string out;
  for (char c : s)
    if (static_cast<unsigned char>(c) < 0x80) out.push_back(c);
  return out;
}

// Copies s into the field, NUL-terminating when there is room; longer input is cut.
void put_string(std::string& blk, std::size_t off, std::size_t len, std::string_view s) {
  if (!s.empty()) std::memcpy(blk.data() + off, s.data(), std::min(len, s.size()));  // empty views may be null
  if (s.size() < len) blk[off + s.size()] = '\0';
}

// Zero-padded octal leaving room for a trailing NUL: "0000600\0" in an 8-byte field.
void put_octal(std::string& blk, std::size_t off, std::size_t len, std::uint64_t v) {
  std::string digits;
  do {
    digits.insert(digits.begin(), static_cast<char>('0' + (v & 7)));
    v >>= 3;
  } while (v != 0);
  if (digits.size() < len - 1) digits.insert(0, len - 1 - digits.size(), '0');
  put_string(blk, off, len, digits);
}

// The checksum field: six octal digits, NUL, space (computed with the field as spaces).
void put_checksum(std::string& blk) {
  std::memset(blk.data() + chksum_off, ' ', chksum_len);
  unsigned sum = 0;
  for (unsigned char c : blk) sum += c;
  put_octal(blk, chksum_off, 7, sum);
  blk[chksum_off + 7] = ' ';
}

std::string ustar_block(std::string_view name, std::string_view prefix, char typeflag, std::uint32_t mode,
                        std::uint64_t size) {
  std::string blk(tar_block_size, '\0');
  put_string(blk, name_off, name_len, name);
  put_octal(blk, mode_off, mode_len, mode);
  put_octal(blk, uid_off, uid_len, 0);
  put_octal(blk, gid_off, gid_len, 0);
  put_octal(blk, size_off, size_len, size);
  put_octal(blk, mtime_off, mtime_len, 0);
  blk[type_off] = typeflag;
  std::memcpy(blk.data() + magic_off, "ustar\0" "00", 8);
  put_octal(blk, devmajor_off, dev_len, 0);
  put_octal(blk, devminor_off, dev_len, 0);
  put_string(blk, prefix_off, prefix_len, prefix);
  put_checksum(blk);
  return blk;
}

// Go's splitUSTARPath: a long ASCII name split at a '/' into prefix (<=155) + name (<=100).
bool split_ustar_path(std::string_view name, std::string_view& prefix, std::string_view& suffix) {
  std::size_t length = name.size();
  if (length <= name_len || !is_ascii(name)) return false;
  if (length > prefix_len + 1) {
    length = prefix_len + 1;
  } else if (name[length - 1] == '/') {
    --length;
  }
  auto i = name.substr(0, length).rfind('/');
  if (i == std::string_view::npos || i == 0) return false;
  std::size_t nlen = name.size() - i - 1;
  if (nlen > name_len || nlen == 0 || i > prefix_len) return false;
  prefix = name.substr(0, i);
  suffix = name.substr(i + 1);
  return true;
}

void pad(std::string& s) { s.append(tar_padding(s.size()), '\0'); }

}  // namespace

std::string pax_record(std::string_view key, std::string_view value) {
  std::size_t size = key.size() + value.size() + 3;  // ' ', '=', '\n'
  size += std::to_string(size).size();
  std::string rec = std::to_string(size) + " " + std::string(key) + "=" + std::string(value) + "\n";
  if (rec.size() != size) rec = std::to_string(rec.size()) + " " + std::string(key) + "=" + std::string(value) + "\n";
  return rec;
}

std::size_t tar_padding(std::uint64_t size) {
  return static_cast<std::size_t>((tar_block_size - size % tar_block_size) % tar_block_size);
}

std::string tar_trailer() { return std::string(2 * tar_block_size, '\0'); }

std::string encode_tar_header(const tar_entry& e) {
  std::map<std::string, std::string> pax;  // sorted by key, as Go writes them
  std::string_view name = e.name, prefix;
  std::string_view split_prefix, split_name;
  bool name_fits = e.name.size() <= name_len && is_ascii(e.name);
  if (!name_fits) {
    if (split_ustar_path(e.name, split_prefix, split_name)) {
      prefix = split_prefix;
      name = split_name;
    } else {
      pax["path"] = e.name;
    }
  }
  std::uint64_t size = e.size;
  if (size > max_octal_size) {
    pax["size"] = std::to_string(size);
    size = 0;
  }
  if (pax.empty()) return ustar_block(name, prefix, e.typeflag, e.mode, size);

  std::string records;
  for (const auto& [k, v] : pax) records += pax_record(k, v);
  auto slash = e.name.rfind('/');
  std::string dir = slash == std::string::npos ? "" : e.name.substr(0, slash + 1);
  std::string file = slash == std::string::npos ? e.name : e.name.substr(slash + 1);
  std::string xname = to_ascii(dir + "PaxHeaders.0/" + file);
  if (xname.size() > name_len) xname.resize(name_len);
  while (!xname.empty() && xname.back() == '/') xname.pop_back();
  std::string out = ustar_block(xname, {}, 'x', 0, records.size());
  out += records;
  pad(out);
  // The USTAR block keeps a best-effort ASCII name; readers take the PAX "path".
  std::string fallback = pax.count("path") ? to_ascii(e.name) : std::string(name);
  out += ustar_block(fallback, pax.count("path") ? std::string_view{} : prefix, e.typeflag, e.mode, size);
  return out;
}

}  // namespace fluxaws::archive
