// The tag database: Flux's file layout, atomic writes, the revision as the file's
// SHA-256, reading back from disk, refusing bad names and corrupt files, memory mode.
#include <boost/test/unit_test.hpp>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "actors/imagerepository_tag_db.hpp"
#include "adapters/common/digest.hpp"

using namespace fluxaws;
namespace ir = fluxaws::actors::imagerepository;
namespace fs = std::filesystem;

namespace {

struct temp_dir {
  fs::path path;
  temp_dir() {
    std::string tmpl = (fs::temp_directory_path() / "fluxaws-tagdb-XXXXXX").string();
    BOOST_REQUIRE(::mkdtemp(tmpl.data()) != nullptr);
    path = tmpl;
  }
  ~temp_dir() {
    std::error_code ec;
    fs::remove_all(path, ec);
  }
};

std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

}  // namespace

BOOST_AUTO_TEST_SUITE(tag_database)

BOOST_AUTO_TEST_CASE(writes_flux_layout_and_revision_is_the_file_digest) {
  temp_dir d;
  ir::tag_db db(d.path.string(), 16);
  auto rev = db.set_tags("tenant-a", "app", {"latest", "1.2.3", "1.0.0"});
  BOOST_REQUIRE(rev.ok());
  auto file = d.path / "imagerepository" / "tenant-a" / "app" / "tags.txt";
  BOOST_TEST(db.path_of("tenant-a", "app") == file.string());
  BOOST_REQUIRE(fs::exists(file));
  auto content = slurp(file);
  BOOST_TEST(content == "latest\n1.2.3\n1.0.0\n");
  BOOST_TEST(*rev == "sha256:" + digest::sha256_hex(content));
  // No temp file is left beside it.
  std::size_t entries = 0;
  for ([[maybe_unused]] const auto& e : fs::directory_iterator(file.parent_path())) ++entries;
  BOOST_TEST(entries == 1u);
}

BOOST_AUTO_TEST_CASE(reads_back_from_disk_after_a_restart) {
  temp_dir d;
  std::string rev;
  {
    ir::tag_db db(d.path.string(), 16);
    rev = *db.set_tags("ns", "repo", {"b", "a"});
  }
  ir::tag_db fresh(d.path.string(), 16);  // nothing cached
  auto t = fresh.tags("ns", "repo");
  BOOST_REQUIRE(t.ok());
  BOOST_TEST((*t)->tags == (std::vector<std::string>{"b", "a"}));
  BOOST_TEST((*t)->revision == rev);
}

BOOST_AUTO_TEST_CASE(nothing_stored_is_an_empty_list) {
  temp_dir d;
  ir::tag_db db(d.path.string(), 16);
  auto t = db.tags("ns", "never-scanned");
  BOOST_REQUIRE(t.ok());
  BOOST_TEST((*t)->tags.empty());
  BOOST_TEST((*t)->revision.empty());
}

BOOST_AUTO_TEST_CASE(a_rewrite_replaces_the_list) {
  temp_dir d;
  ir::tag_db db(d.path.string(), 16);
  auto r1 = *db.set_tags("ns", "repo", {"1.0.0"});
  auto r2 = *db.set_tags("ns", "repo", {"1.1.0", "1.0.0"});
  BOOST_TEST(r1 != r2);
  BOOST_TEST((*db.tags("ns", "repo"))->tags.size() == 2u);
  ir::tag_db fresh(d.path.string(), 16);
  BOOST_TEST((*fresh.tags("ns", "repo"))->revision == r2);
}

BOOST_AUTO_TEST_CASE(eviction_falls_back_to_disk) {
  temp_dir d;
  ir::tag_db db(d.path.string(), 2);
  for (int i = 0; i < 5; ++i) BOOST_REQUIRE(db.set_tags("ns", "r" + std::to_string(i), {"v" + std::to_string(i)}).ok());
  for (int i = 0; i < 5; ++i) {
    auto t = db.tags("ns", "r" + std::to_string(i));
    BOOST_REQUIRE(t.ok());
    BOOST_TEST((*t)->tags == std::vector<std::string>{"v" + std::to_string(i)});
  }
}

BOOST_AUTO_TEST_CASE(corrupt_file_is_an_error_naming_it) {
  temp_dir d;
  auto dir = d.path / "imagerepository" / "ns" / "repo";
  fs::create_directories(dir);
  std::ofstream(dir / "tags.txt") << "1.0.0\nnot a tag\n";
  ir::tag_db db(d.path.string(), 16);
  auto t = db.tags("ns", "repo");
  BOOST_REQUIRE(!t.ok());
  BOOST_TEST(t.error().message.find((dir / "tags.txt").string()) != std::string::npos);
}

BOOST_AUTO_TEST_CASE(names_that_would_leave_the_directory_are_refused) {
  temp_dir d;
  ir::tag_db db(d.path.string(), 16);
  BOOST_TEST(!db.set_tags("..", "x", {"a"}).ok());
  BOOST_TEST(!db.set_tags("ns", "a/b", {"a"}).ok());
  BOOST_TEST(!db.set_tags("", "x", {"a"}).ok());
  BOOST_TEST(!db.tags("ns", ".").ok());
  BOOST_TEST(!fs::exists(d.path / "imagerepository"));
}

BOOST_AUTO_TEST_CASE(remove_deletes_the_list) {
  temp_dir d;
  ir::tag_db db(d.path.string(), 16);
  BOOST_REQUIRE(db.set_tags("ns", "repo", {"a"}).ok());
  BOOST_REQUIRE(db.remove("ns", "repo").ok());
  BOOST_TEST(!fs::exists(d.path / "imagerepository" / "ns" / "repo"));
  BOOST_TEST((*db.tags("ns", "repo"))->tags.empty());
}

BOOST_AUTO_TEST_CASE(memory_mode_and_shared_instances) {
  auto a = ir::tag_db::open("");
  auto b = ir::tag_db::open("");
  BOOST_TEST(a.get() == b.get());  // one database per directory, shared
  auto rev = a->set_tags("ns", "mem", {"x"});
  BOOST_REQUIRE(rev.ok());
  BOOST_TEST(a->path_of("ns", "mem").empty());
  auto t = b->tags("ns", "mem");
  BOOST_REQUIRE(t.ok());
  BOOST_TEST((*t)->revision == *rev);
  BOOST_REQUIRE(a->remove("ns", "mem").ok());
  BOOST_TEST((*b->tags("ns", "mem"))->tags.empty());
}

BOOST_AUTO_TEST_SUITE_END()
