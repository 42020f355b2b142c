// body_sink: memory and file bodies, the cap, the running SHA-256, and no partial output.
#include <boost/test/unit_test.hpp>

#include <fstream>
#include <sstream>

#include "adapters/common/digest.hpp"
#include "adapters/http/body_sink.hpp"
#include "temp_dir.hpp"

using namespace fluxaws;
using namespace fluxaws::http;
using fluxaws::http::testing::temp_dir;

namespace {
std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}
}  // namespace

BOOST_AUTO_TEST_SUITE(body_sink_tests)

BOOST_AUTO_TEST_CASE(memory_up_to_the_cap) {
  auto s = body_sink::to_memory(10);
  BOOST_TEST((s.write("hello", 5) == body_sink::state::ok));
  BOOST_TEST((s.write("world", 5) == body_sink::state::ok));
  std::string body, sha;
  BOOST_TEST(s.commit(body, sha).ok());
  BOOST_TEST(body == "helloworld");
  BOOST_TEST(sha.empty());
}

BOOST_AUTO_TEST_CASE(memory_over_the_cap_fails_and_stays_failed) {
  auto s = body_sink::to_memory(8);
  BOOST_TEST((s.write("hello", 5) == body_sink::state::ok));
  BOOST_TEST((s.write("world", 5) == body_sink::state::over_cap));
  BOOST_TEST((s.write("x", 1) == body_sink::state::over_cap));
  BOOST_TEST(s.error().find("8 bytes") != std::string::npos);
  std::string body, sha;
  BOOST_TEST(!s.commit(body, sha).ok());
  BOOST_TEST(body.empty());
}

BOOST_AUTO_TEST_CASE(file_is_renamed_into_place_with_its_digest) {
  temp_dir dir;
  auto target = dir.file("blob");
  auto s = body_sink::to_file(target, 1 << 20);
  BOOST_REQUIRE(s.ok());
  std::string data;
  for (int i = 0; i < 1000; ++i) data += "chunk " + std::to_string(i) + "\n";
  for (std::size_t off = 0; off < data.size(); off += 777)
    BOOST_REQUIRE((s->write(data.data() + off, std::min<std::size_t>(777, data.size() - off)) ==
                   body_sink::state::ok));
  BOOST_TEST(dir.entries().size() == 1u);  // only the temporary so far
  BOOST_TEST(dir.entries().front() != "blob");
  std::string body, sha;
  BOOST_REQUIRE(s->commit(body, sha).ok());
  BOOST_TEST(body.empty());
  BOOST_TEST(sha == digest::sha256_hex(data));
  BOOST_TEST(read_file(target) == data);
  BOOST_TEST((dir.entries() == std::vector<std::string>{"blob"}));
}

BOOST_AUTO_TEST_CASE(file_over_the_cap_leaves_nothing_and_keeps_an_old_file) {
  temp_dir dir;
  auto target = dir.file("blob");
  { std::ofstream(target) << "previous"; }
  {
    auto s = body_sink::to_file(target, 4);
    BOOST_REQUIRE(s.ok());
    BOOST_TEST((s->write("12345", 5) == body_sink::state::over_cap));
    std::string body, sha;
    BOOST_TEST(!s->commit(body, sha).ok());
  }
  BOOST_TEST((dir.entries() == std::vector<std::string>{"blob"}));
  BOOST_TEST(read_file(target) == "previous");
}

BOOST_AUTO_TEST_CASE(discard_and_destruction_remove_the_temporary) {
  temp_dir dir;
  {
    auto s = body_sink::to_file(dir.file("a"), 100);
    BOOST_REQUIRE(s.ok());
    s->write("abc", 3);
    s->discard();
    BOOST_TEST(dir.entries().empty());
  }
  {
    auto s = body_sink::to_file(dir.file("b"), 100);
    BOOST_REQUIRE(s.ok());
    s->write("abc", 3);
    auto moved = std::move(s).value();  // ownership follows the move
    BOOST_TEST(dir.entries().size() == 1u);
  }
  BOOST_TEST(dir.entries().empty());
}

BOOST_AUTO_TEST_CASE(unwritable_location_is_a_clear_io_error) {
  temp_dir dir;
  auto s = body_sink::to_file(dir.file("missing-dir/blob"), 100);
  BOOST_REQUIRE(!s.ok());
  BOOST_TEST(s.error().code == "io");
  BOOST_TEST(s.error().message.find("missing-dir/blob") != std::string::npos);
}

BOOST_AUTO_TEST_SUITE_END()
