// Safe extraction: round trips, and every refusal leaves nothing in the destination.
#include <boost/test/unit_test.hpp>

#include <sys/stat.h>

#include <string>
#include <vector>

#include "adapters/archive/gzip_compressor.hpp"
#include "adapters/archive/safe_extract.hpp"
#include "adapters/archive/tar_gz_writer.hpp"
#include "test_support.hpp"

using namespace fluxaws;
using namespace fluxaws::archive;
using namespace fluxaws::testing;

namespace {

std::string gzip(const std::string& plain) {
  std::string out;
  gzip_compressor gz([&out](std::string_view b) -> status {
    out.append(b);
    return {};
  });
  if (!gz.write(plain).ok() || !gz.finish().ok()) throw std::runtime_error("gzip failed");
  return out;
}

// A destination parent holding nothing: after a failed extraction it must still be empty.
struct extraction {
  scratch_dir parent;
  std::filesystem::path target = parent / "out";

  result<extract_stats> run(const std::string& bytes, const extract_options& opts = {}) {
    return extract_tar_bytes(bytes, target, opts);
  }
  bool nothing_left() const { return list_dir(parent.path()).empty(); }
};

void expect_refused(const std::string& bytes, std::string_view code, std::string_view mentions,
                    const extract_options& opts = {}) {
  extraction x;
  auto r = x.run(bytes, opts);
  BOOST_REQUIRE_MESSAGE(!r.ok(), "expected a refusal mentioning " << mentions);
  BOOST_TEST(r.error().code == code);
  BOOST_TEST(r.error().message.find(mentions) != std::string::npos, r.error().message);
  BOOST_TEST(x.nothing_left());
}

}  // namespace

BOOST_AUTO_TEST_SUITE(extract)

BOOST_AUTO_TEST_CASE(round_trip_of_the_writer_output) {
  scratch_dir src, arch;
  write_file(src / "a.txt", "alpha");
  write_file(src / "dir/sub/b.yaml", std::string(100000, 'b'));
  write_file(src / "run.sh", "#!/bin/sh\n");
  ::chmod((src / "run.sh").c_str(), 0755);
  std::filesystem::create_directories(src / "empty");
  auto a = archive_directory(src.path(), arch / "a.tar.gz", {});
  BOOST_REQUIRE(a.ok());

  extraction x;
  auto r = extract_tar_file(arch / "a.tar.gz", x.target);
  BOOST_REQUIRE_MESSAGE(r.ok(), why(r));
  BOOST_TEST(read_file(x.target / "a.txt") == "alpha");
  BOOST_TEST(read_file(x.target / "dir/sub/b.yaml") == std::string(100000, 'b'));
  BOOST_TEST(std::filesystem::is_directory(x.target / "empty"));
  BOOST_TEST(r->files == 3u);
  BOOST_TEST(r->bytes == 5u + 100000u + 10u);
  struct stat st {};
  BOOST_REQUIRE(::stat((x.target / "run.sh").c_str(), &st) == 0);
  BOOST_TEST((st.st_mode & 0100) != 0u);
  std::vector<std::string> want = {"out"};
  BOOST_TEST(list_dir(x.parent.path()) == want, boost::test_tools::per_element());  // temp dir renamed away
}

BOOST_AUTO_TEST_CASE(plain_tar_is_accepted) {
  extraction x;
  auto r = x.run(raw_tar().dir("d").file("d/f.txt", "hello").file("./g.txt", "g").end().bytes());
  BOOST_REQUIRE_MESSAGE(r.ok(), why(r));
  BOOST_TEST(read_file(x.target / "d/f.txt") == "hello");
  BOOST_TEST(read_file(x.target / "g.txt") == "g");
}

BOOST_AUTO_TEST_CASE(existing_empty_target_is_used_and_non_empty_refused) {
  extraction x;
  std::filesystem::create_directory(x.target);
  auto ok = x.run(gzip(raw_tar().file("f", "1").end().bytes()));
  BOOST_REQUIRE_MESSAGE(ok.ok(), why(ok));
  auto again = x.run(gzip(raw_tar().file("g", "2").end().bytes()));
  BOOST_REQUIRE(!again.ok());
  std::vector<std::string> want = {"f"};
  BOOST_TEST(list_dir(x.target) == want, boost::test_tools::per_element());  // untouched
  std::vector<std::string> only_out = {"out"};
  BOOST_TEST(list_dir(x.parent.path()) == only_out, boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(parent_traversal_is_refused) {
  expect_refused(gzip(raw_tar().file("ok.txt", "fine").file("../x", "evil").end().bytes()), "unsafe_path", "../x");
  expect_refused(raw_tar().file("a/../../x", "evil").end().bytes(), "unsafe_path", "a/../../x");
  expect_refused(raw_tar().dir("..").end().bytes(), "unsafe_path", "..");
}

BOOST_AUTO_TEST_CASE(absolute_paths_are_refused) {
  expect_refused(gzip(raw_tar().file("/etc/x", "evil").end().bytes()), "unsafe_path", "/etc/x");
  expect_refused(raw_tar().file("a\\..\\x", "evil").end().bytes(), "unsafe_path", "backslash");
}

BOOST_AUTO_TEST_CASE(writing_through_a_symlink_is_refused) {
  scratch_dir outside;
  auto bytes = gzip(raw_tar().symlink("link", outside.path().string()).file("link/passwd", "evil").end().bytes());
  expect_refused(bytes, "unsafe_path", "goes through symlink 'link'");
  BOOST_TEST(list_dir(outside.path()).empty());
  // Also a relative link and a deeper path.
  expect_refused(raw_tar().dir("a").symlink("a/up", "../..").file("a/up/b/c", "evil").end().bytes(), "unsafe_path",
                 "a/up");
}

BOOST_AUTO_TEST_CASE(symlinks_are_skipped_or_refused) {
  auto bytes = gzip(raw_tar().file("f.txt", "f").symlink("l", "/etc/passwd").end().bytes());
  extraction x;
  auto r = x.run(bytes);
  BOOST_REQUIRE_MESSAGE(r.ok(), why(r));
  BOOST_TEST(r->skipped == 1u);
  BOOST_TEST(!std::filesystem::exists(std::filesystem::symlink_status(x.target / "l")));
  BOOST_TEST(read_file(x.target / "f.txt") == "f");

  extract_options strict;
  strict.symlinks = entry_policy::refuse;
  expect_refused(bytes, "unsupported_entry", "'l' is a symlink", strict);
}

BOOST_AUTO_TEST_CASE(hard_links_are_skipped_or_refused) {
  auto bytes = gzip(raw_tar().file("f.txt", "f").hardlink("h", "/etc/shadow").end().bytes());
  extraction x;
  auto r = x.run(bytes);
  BOOST_REQUIRE_MESSAGE(r.ok(), why(r));
  BOOST_TEST(r->skipped == 1u);
  BOOST_TEST(!std::filesystem::exists(x.target / "h"));

  extract_options strict;
  strict.special_files = entry_policy::refuse;
  expect_refused(bytes, "unsupported_entry", "'h' is a hard link", strict);
}

BOOST_AUTO_TEST_CASE(devices_and_fifos_are_skipped_or_refused) {
  auto bytes = raw_tar().char_device("null").fifo("pipe").file("f", "x").end().bytes();
  extraction x;
  auto r = x.run(bytes);
  BOOST_REQUIRE_MESSAGE(r.ok(), why(r));
  BOOST_TEST(r->skipped == 2u);
  std::vector<std::string> want = {"f"};
  BOOST_TEST(list_dir(x.target) == want, boost::test_tools::per_element());

  extract_options strict;
  strict.special_files = entry_policy::refuse;
  expect_refused(gzip(bytes), "unsupported_entry", "'null' is a character device", strict);
}

BOOST_AUTO_TEST_CASE(decompression_bomb_stops_at_the_cap) {
  extract_options capped;
  capped.max_bytes = 1 << 20;
  // 4 MiB of zeros compresses to a few KiB; the declared size alone is refused up front.
  auto bomb = gzip(raw_tar().file("ok.txt", "small").file("zeros", std::string(4 << 20, '\0')).end().bytes());
  BOOST_TEST(bomb.size() < 64u * 1024);
  expect_refused(bomb, "size_limit", "'zeros'", capped);
  // Many files, each under the cap, together over it.
  raw_tar many;
  for (char c = '0'; c < '5'; ++c) many.file(std::string("part") + c, std::string(300 * 1024, 'x'));
  expect_refused(gzip(many.end().bytes()), "size_limit", "'part3'", capped);
  // Exactly at the cap is fine.
  extraction x;
  auto at_cap = x.run(gzip(raw_tar().file("exact", std::string(1 << 20, 'y')).end().bytes()), capped);
  BOOST_TEST(at_cap.ok());
}

BOOST_AUTO_TEST_CASE(entry_count_cap) {
  extract_options capped;
  capped.max_entries = 10;
  raw_tar many;
  for (char c = 'a'; c < 'a' + 11; ++c) many.file(std::string(1, c), "");
  expect_refused(gzip(many.end().bytes()), "entry_limit", "more than 10 entries", capped);
}

BOOST_AUTO_TEST_CASE(truncated_gzip_names_the_entry) {
  auto whole = gzip(raw_tar().file("first.txt", "1").file("big.bin", std::string(300000, 'z') + "tail").end().bytes());
  // Random-ish content so the compressed stream is long enough to cut in the middle.
  std::string noise;
  unsigned v = 12345;
  for (int i = 0; i < 200000; ++i) {
    v = v * 1103515245u + 12345u;
    noise.push_back(static_cast<char>(v >> 16));
  }
  auto long_gz = gzip(raw_tar().file("first.txt", "1").file("noise.bin", noise).end().bytes());
  expect_refused(long_gz.substr(0, long_gz.size() / 2), "corrupt", "noise.bin");
  expect_refused(whole.substr(0, 10), "corrupt", "");
}

BOOST_AUTO_TEST_CASE(corrupt_tar_header_names_the_last_good_entry) {
  auto tar = raw_tar().file("good.txt", "fine").file("bad.txt", "data").end().bytes();
  tar[1024 + 148] = '7';  // break the second header's checksum
  expect_refused(gzip(tar), "corrupt", "after entry 'good.txt'");
  expect_refused(std::string(2048, 'x'), "corrupt", "");  // not an archive at all
}

BOOST_AUTO_TEST_CASE(corrupt_gzip_data_is_an_error) {
  std::string noise;
  unsigned v = 99;
  for (int i = 0; i < 100000; ++i) {
    v = v * 1103515245u + 12345u;
    noise.push_back(static_cast<char>(v >> 16));
  }
  auto gz = gzip(raw_tar().file("noise.bin", noise).end().bytes());
  for (std::size_t i = gz.size() / 2; i < gz.size() / 2 + 64; ++i) gz[i] = static_cast<char>(gz[i] ^ 0x5a);
  expect_refused(gz, "corrupt", "noise.bin");
}

BOOST_AUTO_TEST_CASE(file_where_a_directory_is_needed) {
  expect_refused(raw_tar().file("a", "file").file("a/b", "under a file").end().bytes(), "conflict", "'a/b'");
}

BOOST_AUTO_TEST_SUITE_END()
