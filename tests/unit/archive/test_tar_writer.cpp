// The reproducible tar.gz writer: determinism, header sanitising, walk order, what is
// skipped, filters, long names, digest-while-writing and atomic placement.
#include <boost/test/unit_test.hpp>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <map>
#include <string>
#include <vector>

#include "adapters/archive/source_ignore.hpp"
#include "adapters/archive/tar_gz_writer.hpp"
#include "adapters/archive/tar_header.hpp"
#include "adapters/common/digest.hpp"
#include "tar_listing.hpp"
#include "test_support.hpp"

using namespace fluxaws;
using namespace fluxaws::archive;
using namespace fluxaws::testing;

namespace {

std::string tar_gz_of(const std::filesystem::path& dir, const archive_filter& filter = {}) {
  std::string out;
  auto r = write_tar_gz(dir, filter, [&out](std::string_view b) -> status {
    out.append(b);
    return {};
  });
  if (!r) throw std::runtime_error(r.error().to_string());
  return out;
}

void make_tree(const std::filesystem::path& root) {
  write_file(root / "a.txt", "alpha\n");
  write_file(root / "a/x.yaml", "kind: X\n");
  write_file(root / "b/c/deep.txt", std::string(70000, 'd'));
  write_file(root / "run.sh", "#!/bin/sh\n");
  ::chmod((root / "run.sh").c_str(), 0755);
  std::filesystem::create_directories(root / "empty");
}

void set_mtime(const std::filesystem::path& p, time_t t) {
  struct timespec ts[2] = {{t, 0}, {t, 0}};
  ::utimensat(AT_FDCWD, p.c_str(), ts, AT_SYMLINK_NOFOLLOW);
}

std::vector<std::string> names(const std::vector<listed_entry>& es) {
  std::vector<std::string> out;
  for (const auto& e : es) out.push_back(e.name);
  return out;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(tar_writer)

BOOST_AUTO_TEST_CASE(same_tree_gives_same_bytes) {
  scratch_dir one, two;
  make_tree(one.path());
  make_tree(two.path());
  auto first = tar_gz_of(one.path());
  BOOST_TEST(first == tar_gz_of(one.path()));
  BOOST_TEST(first == tar_gz_of(two.path()));  // different inodes, times, parent path
}

BOOST_AUTO_TEST_CASE(mtimes_modes_and_owners_do_not_change_the_bytes) {
  scratch_dir tmp;
  make_tree(tmp.path());
  auto before = tar_gz_of(tmp.path());
  for (const auto& e : std::filesystem::recursive_directory_iterator(tmp.path())) set_mtime(e.path(), 86400 * 365);
  set_mtime(tmp.path(), 12345);
  ::chmod((tmp / "a.txt").c_str(), 0664);        // group/other bits differ, no exec
  ::chmod((tmp / "a").c_str(), 0777);
  ::chmod((tmp / "run.sh").c_str(), 0711);       // still executable
  if (::geteuid() == 0) {
    BOOST_TEST(::lchown((tmp / "a.txt").c_str(), 4242, 4343) == 0);
    BOOST_TEST(::lchown((tmp / "a").c_str(), 1, 1) == 0);
  }
  BOOST_TEST(tar_gz_of(tmp.path()) == before);
}

BOOST_AUTO_TEST_CASE(content_changes_change_the_bytes) {
  scratch_dir tmp;
  make_tree(tmp.path());
  auto before = tar_gz_of(tmp.path());
  write_file(tmp / "a.txt", "alphA\n");
  BOOST_TEST(tar_gz_of(tmp.path()) != before);
}

BOOST_AUTO_TEST_CASE(headers_are_sanitised_and_walk_is_lexical) {
  scratch_dir tmp;
  make_tree(tmp.path());
  auto es = list_tar(tar_gz_of(tmp.path()));
  std::vector<std::string> want = {".", "a", "a/x.yaml", "a.txt", "b", "b/c", "b/c/deep.txt", "empty", "run.sh"};
  BOOST_TEST(names(es) == want, boost::test_tools::per_element());
  for (const auto& e : es) {
    BOOST_TEST(e.uid == 0);
    BOOST_TEST(e.gid == 0);
    BOOST_TEST(e.mtime == 0);
    BOOST_TEST(e.uname.empty());
    BOOST_TEST(e.gname.empty());
    if (e.type == 'd') BOOST_TEST(e.mode == 0750u, e.name);
  }
  BOOST_TEST(es[3].mode == 0600u);  // a.txt
  BOOST_TEST(es[8].mode == 0700u);  // run.sh
  BOOST_TEST(es[6].content == std::string(70000, 'd'));
}

BOOST_AUTO_TEST_CASE(symlinks_and_special_files_are_skipped) {
  scratch_dir tmp, outside;
  write_file(tmp / "real.txt", "real");
  write_file(outside / "secret", "top secret");
  std::filesystem::create_symlink(outside / "secret", tmp / "link-out");
  std::filesystem::create_symlink("real.txt", tmp / "link-in");
  std::filesystem::create_directory_symlink(outside.path(), tmp / "dirlink");
  ::mkfifo((tmp / "pipe").c_str(), 0644);
  auto es = list_tar(tar_gz_of(tmp.path()));
  std::vector<std::string> want = {".", "real.txt"};
  BOOST_TEST(names(es) == want, boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(filter_sees_relative_paths_and_children_of_excluded_dirs) {
  scratch_dir tmp;
  write_file(tmp / "keep.yaml", "k");
  write_file(tmp / "logo.png", "png");
  write_file(tmp / ".git/HEAD", "ref");
  write_file(tmp / "dir/drop.txt", "d");
  write_file(tmp / "dir/keep.txt", "k");
  auto m = sourceignore::directory_filter_matcher(sourceignore::read_patterns("dir/\n!dir/keep.txt\n"));
  auto es = list_tar(tar_gz_of(tmp.path(), ignore_filter(m)));
  // .git excluded by the VCS list; logo.png kept (patterns present => no default list);
  // dir/ excluded but dir/keep.txt re-included, as source-controller's walk does.
  std::vector<std::string> want = {".", "dir/keep.txt", "keep.yaml", "logo.png"};
  BOOST_TEST(names(es) == want, boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(long_and_non_ascii_names_round_trip) {
  scratch_dir tmp;
  std::string mid = std::string(60, 'm') + "/" + std::string(60, 'n') + "/" + std::string(60, 'o');
  std::string split_name = mid + "/file.txt";                    // > 100, splits into prefix
  std::string pax_name = std::string(200, 'p') + "/" + std::string(120, 'q');  // cannot split
  std::string utf8_name = "caf\xc3\xa9.txt";
  write_file(tmp / split_name, "split");
  write_file(tmp / pax_name, "pax");
  write_file(tmp / utf8_name, "utf8");
  auto bytes = tar_gz_of(tmp.path());
  auto es = list_tar(bytes);
  std::map<std::string, std::string> files;
  for (const auto& e : es)
    if (e.type == 'f') files[e.name] = e.content;
  BOOST_TEST(files.size() == 3u);
  BOOST_TEST(files[split_name] == "split");
  BOOST_TEST(files[pax_name] == "pax");
  BOOST_TEST(files[utf8_name] == "utf8");
  BOOST_TEST(bytes == tar_gz_of(tmp.path()));
}

BOOST_AUTO_TEST_CASE(header_layout_matches_go_ustar) {
  auto h = encode_tar_header({"dir/file.txt", '0', 0600, 5});
  BOOST_REQUIRE(h.size() == 512u);
  BOOST_TEST(h.substr(0, 13) == std::string("dir/file.txt\0", 13));
  BOOST_TEST(h.substr(100, 8) == std::string("0000600\0", 8));
  BOOST_TEST(h.substr(108, 8) == std::string("0000000\0", 8));
  BOOST_TEST(h.substr(124, 12) == std::string("00000000005\0", 12));
  BOOST_TEST(h.substr(136, 12) == std::string("00000000000\0", 12));
  BOOST_TEST(h[156] == '0');
  BOOST_TEST(h.substr(257, 8) == std::string("ustar\0" "00", 8));
  BOOST_TEST(h.substr(329, 16) == std::string("0000000\0" "0000000\0", 16));
  // Checksum: six octal digits, NUL, space; the sum of the block with the field as spaces.
  std::string blank = h;
  blank.replace(148, 8, "        ");
  unsigned sum = 0;
  for (unsigned char c : blank) sum += c;
  char want[8];
  std::snprintf(want, sizeof want, "%06o", sum);
  BOOST_TEST(h.substr(148, 6) == std::string(want, 6));
  BOOST_TEST(h[154] == '\0');
  BOOST_TEST(h[155] == ' ');
  BOOST_TEST(pax_record("path", "a") == "9 path=a\n");
  BOOST_TEST(pax_record("path", std::string(93, 'x')).substr(0, 4) == "103 ");  // length counts its own digits
}

BOOST_AUTO_TEST_CASE(archive_directory_digest_is_the_files_sha256) {
  scratch_dir src, dst;
  make_tree(src.path());
  auto r = archive_directory(src.path(), dst / "out.tar.gz", {});
  BOOST_REQUIRE(r.ok());
  auto bytes = read_file(dst / "out.tar.gz");
  BOOST_TEST(r->digest == "sha256:" + digest::sha256_hex(bytes));
  BOOST_TEST(r->size == bytes.size());
  BOOST_TEST(bytes == tar_gz_of(src.path()));
  BOOST_TEST(r->stats.files == 4u);
  BOOST_TEST(r->stats.dirs == 5u);  // ".", a, b, b/c, empty
  std::vector<std::string> want = {"out.tar.gz"};
  BOOST_TEST(list_dir(dst.path()) == want, boost::test_tools::per_element());  // no temp file left
  struct stat st {};
  BOOST_REQUIRE(::stat((dst / "out.tar.gz").c_str(), &st) == 0);
  BOOST_TEST((st.st_mode & 0777) == 0600u);
}

BOOST_AUTO_TEST_CASE(failed_archive_leaves_nothing) {
  scratch_dir src, dst;
  auto r = archive_directory(src / "missing", dst / "out.tar.gz", {});
  BOOST_REQUIRE(!r.ok());
  BOOST_TEST(r.error().message.find("missing") != std::string::npos);
  BOOST_TEST(list_dir(dst.path()).empty());

  // An unreadable file fails the archive (unless running as root, which reads anyway).
  if (::geteuid() != 0) {
    write_file(src / "locked.txt", "x");
    ::chmod((src / "locked.txt").c_str(), 0);
    auto locked = archive_directory(src.path(), dst / "out.tar.gz", {});
    BOOST_REQUIRE(!locked.ok());
    BOOST_TEST(locked.error().message.find("locked.txt") != std::string::npos);
    BOOST_TEST(list_dir(dst.path()).empty());
  }
}

BOOST_AUTO_TEST_CASE(atomic_file_names_and_abort) {
  BOOST_TEST(atomic_file::is_temp_name(".x.tar.gz.tmp-AbC123"));
  BOOST_TEST(!atomic_file::is_temp_name("x.tar.gz"));
  BOOST_TEST(!atomic_file::is_temp_name(".x.tmp-12"));
  BOOST_TEST(!atomic_file::is_temp_name("latest.tar.gz"));
  scratch_dir dst;
  {
    auto f = atomic_file::create(dst / "a.bin");
    BOOST_REQUIRE(f.ok());
    BOOST_TEST((*f)->write("partial").ok());
    BOOST_TEST(atomic_file::is_temp_name((*f)->temp_path().filename().string()));
    BOOST_TEST(list_dir(dst.path()).size() == 1u);  // only the temp file
  }
  BOOST_TEST(list_dir(dst.path()).empty());  // destroyed uncommitted: gone
}

BOOST_AUTO_TEST_SUITE_END()
