// Integration test of the registry part: a real docker-registry started in a temp
// state directory, seeded (images, a 1,500-tag range, Flux artifacts, an OCI layout),
// then driven through registry_front in-process, and stopped with nothing left behind.
#define BOOST_TEST_MODULE emulator_registry
#include <boost/test/unit_test.hpp>

#include <archive.h>
#include <archive_entry.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <future>
#include <map>
#include <mutex>
#include <set>
#include <sstream>
#include <thread>

#include "adapters/common/digest.hpp"
#include "adapters/common/encoding.hpp"
#include "adapters/common/json.hpp"
#include "tests/emulator/registry/registry_front.hpp"
#include "tests/emulator/registry/registry_process.hpp"
#include "tests/emulator/registry/seeder.hpp"

#include <boost/asio/detached.hpp>
#include <boost/asio/use_future.hpp>

using namespace emu::registry;
namespace fs = std::filesystem;

namespace {

const std::string host_a = "111122223333.dkr.ecr.us-east-1.amazonaws.com";
const std::string host_other = "444455556666.dkr.ecr.us-east-1.amazonaws.com";
const std::string ci_arn = "arn:aws:iam::111122223333:user/ci";
const std::string reader_arn = "arn:aws:sts::111122223333:assumed-role/reader/session";

std::string basic(std::string_view password) { return "Basic " + fluxaws::enc::base64("AWS:" + std::string(password)); }
const std::string ci_auth = basic("ci-token");
const std::string reader_auth = basic("reader-token");

std::string sha(std::string_view d) { return "sha256:" + fluxaws::digest::sha256_hex(d); }

// Where the test's state directories go: tmpfs when there is one. docker-registry's
// storage holds some 10,000 small files; on this project's CI disk (ext4 with discard)
// creating them costs about twice the CPU and deleting them takes seconds.
fs::path scratch_root() {
  if (const char* dir = std::getenv("FLUXAWS_TEST_TMPDIR"); dir && *dir) return dir;
  std::error_code ec;
  if (fs::is_directory("/dev/shm", ec) && ::access("/dev/shm", W_OK) == 0) return "/dev/shm";
  return fs::temp_directory_path();
}

void write_file(const fs::path& p, std::string_view data) {
  fs::create_directories(p.parent_path());
  std::ofstream out(p, std::ios::binary);
  out << data;
}

std::map<std::string, std::string> read_targz(const std::string& bytes) {
  std::map<std::string, std::string> out;
  struct archive* a = archive_read_new();
  archive_read_support_filter_gzip(a);
  archive_read_support_format_tar(a);
  if (archive_read_open_memory(a, bytes.data(), bytes.size()) == ARCHIVE_OK) {
    struct archive_entry* e = nullptr;
    while (archive_read_next_header(a, &e) == ARCHIVE_OK) {
      std::string data(static_cast<std::size_t>(archive_entry_size(e)), '\0');
      if (!data.empty()) archive_read_data(a, data.data(), data.size());
      out[archive_entry_pathname(e)] = data;
    }
  }
  archive_read_free(a);
  return out;
}

// The children of this process, from /proc.
std::vector<pid_t> children_of(pid_t parent) {
  std::vector<pid_t> out;
  for (const auto& entry : fs::directory_iterator("/proc")) {
    const std::string name = entry.path().filename().string();
    if (name.empty() || name.find_first_not_of("0123456789") != std::string::npos) continue;
    std::ifstream in(entry.path() / "stat");
    std::string stat;
    std::getline(in, stat);
    auto close = stat.rfind(')');
    if (close == std::string::npos) continue;
    std::istringstream rest(stat.substr(close + 2));
    char state = 0;
    pid_t ppid = 0;
    rest >> state >> ppid;
    if (ppid == parent) out.push_back(static_cast<pid_t>(std::stoi(name)));
  }
  return out;
}

struct call_record {
  std::string operation, principal;
  int status;
};

fluxaws::json::value layout_blob(const fs::path& dir, std::string_view media_type, const std::string& data) {
  const std::string d = sha(data);
  write_file(dir / "blobs" / "sha256" / d.substr(7), data);
  fluxaws::json::value v = fluxaws::json::value::make_object();
  v.set("mediaType", media_type);
  v.set("digest", d);
  v.set("size", static_cast<int64_t>(data.size()));
  return v;
}

// Everything the tests share: one registry, seeded once, one front.
struct world {
  fs::path state;
  fs::path artifacts;
  std::unique_ptr<registry_process> process;
  pid_t registry_pid = -1;
  std::vector<repository_seed> seeds;
  std::map<std::string, repository_content> expected;  // by ECR name (account 111122223333)
  fluxaws::result<seed_report> first_seed = fluxaws::make_error("unset", "not seeded");
  fluxaws::result<seed_report> second_seed = fluxaws::make_error("unset", "not seeded");
  std::string layout_child_digest;

  asio::io_context ioc;
  std::optional<asio::executor_work_guard<asio::io_context::executor_type>> work;
  std::thread runner;
  std::unique_ptr<registry_client> client;
  std::unique_ptr<registry_front> front;
  std::mutex calls_mutex;
  std::vector<call_record> calls;

  world() {
    std::string tmpl = (scratch_root() / "emureg-it-XXXXXX").string();
    BOOST_REQUIRE(::mkdtemp(tmpl.data()) != nullptr);
    state = tmpl;
    artifacts = state / "artifacts";
    write_file(artifacts / "v1" / "deploy.yaml", "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: app\n");
    write_file(artifacts / "v1" / "nested" / "service.yaml", "apiVersion: v1\nkind: Service\nmetadata:\n  name: app\n");
    write_file(artifacts / "v1" / ".sourceignore", "*.md\n");
    write_file(artifacts / "v2" / "deploy.yaml", "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: app-v2\n");
    make_layout(state / "layout");

    repository_seed app{"111122223333", "us-east-1", "tenant-a/app", {}, {}, {}, {}};
    app.images.push_back({{"1.0.0", "1.2.3", "2.0.0-rc.1", "latest"}});
    app.ranges.push_back({"build-%04d", 1, 1500});
    repository_seed manifests{"111122223333", "us-east-1", "tenant-a/manifests", {}, {}, {}, {}};
    manifests.artifacts.push_back({{"v1.0.0"}, "artifacts/v1", {{"org.opencontainers.image.source", "https://git.example/tenant-a"}}});
    manifests.artifacts.push_back({{"v1.1.0"}, "artifacts/v2", {}});
    repository_seed layout{"111122223333", "us-east-1", "tenant-a/layout", {}, {}, {}, {}};
    layout.layouts.push_back({(state / "layout").string()});
    repository_seed b_app{"111122223333", "us-east-1", "tenant-b/app", {}, {}, {}, {}};
    b_app.images.push_back({{"1.0.0", "1.1.0"}});
    repository_seed other{"444455556666", "us-east-1", "app", {}, {}, {}, {}};
    other.images.push_back({{"other"}});
    repository_seed same_name{"111122223333", "us-east-1", "app", {}, {}, {}, {}};
    same_name.images.push_back({{"mine"}});
    repository_seed pushed{"111122223333", "us-east-1", "tenant-a/pushed", {}, {}, {}, {}};  // empty: pushes go here
    seeds = {app, manifests, layout, b_app, other, same_name, pushed};

    auto contents = build_contents(seeds, state);
    BOOST_REQUIRE_MESSAGE(contents.ok(), (contents.ok() ? "" : contents.error().message));
    for (auto& c : *contents)
      if (c.account == "111122223333") expected[c.name] = c;

    registry_process::options popts;
    popts.state_dir = state;
    auto started = registry_process::start(popts);
    BOOST_REQUIRE_MESSAGE(started.ok(), (started.ok() ? "" : started.error().message));
    process = std::move(started).value();
    registry_pid = process->pid();

    seed_options sopts;
    sopts.base_dir = state;
    sopts.state_file = state / "registry" / "seed-state.json";
    first_seed = seed_blocking(process->port(), seeds, sopts);
    second_seed = seed_blocking(process->port(), seeds, sopts);

    work.emplace(ioc.get_executor());
    runner = std::thread([this] { ioc.run(); });
    registry_client::options copts;
    copts.port = process->port();
    client = std::make_unique<registry_client>(ioc.get_executor(), copts);
    registry_front::options fopts;
    fopts.authorize = [](std::string_view header, const std::string& arn, std::string_view action) {
      auth_decision d;
      if (header == ci_auth) {
        d.principal_arn = ci_arn;
        d.allowed = arn.find(":repository/tenant-b/") == std::string::npos;
        if (!d.allowed) d.status = 403;
      } else if (header == reader_auth) {
        d.principal_arn = reader_arn;
        d.allowed = action.empty() || action == "ecr:ListImages" || action == "ecr:BatchGetImage" ||
                    action == "ecr:GetDownloadUrlForLayer" || action == "ecr:DescribeRepositories";
        if (!d.allowed) {
          d.status = 403;
          d.message = "User: " + reader_arn + " is not authorized to perform: " + std::string(action) + " on resource: " + arn +
                      " because no identity-based policy allows the " + std::string(action) + " action";
        }
      } else {
        d.status = 401;
      }
      return d;
    };
    fopts.count = [this](std::string_view op, std::string_view principal, int status) {
      std::lock_guard<std::mutex> lock(calls_mutex);
      calls.push_back({std::string(op), std::string(principal), status});
    };
    front = std::make_unique<registry_front>(*client, fopts);
    front->add_repositories(seeds);
  }

  void make_layout(const fs::path& dir) {
    auto config = layout_blob(dir, oci_config_type, R"({"architecture":"arm64","os":"linux","rootfs":{"type":"layers","diff_ids":[]}})");
    auto layer = layout_blob(dir, oci_layer_type, "layout layer bytes");
    fluxaws::json::value m = fluxaws::json::value::make_object();
    m.set("schemaVersion", 2);
    m.set("mediaType", oci_manifest_type);
    m.set("config", config);
    m.set("layers", fluxaws::json::array{layer});
    auto mdesc = layout_blob(dir, oci_manifest_type, fluxaws::json::dump(m));
    layout_child_digest = mdesc.find("digest")->as_string();
    mdesc["platform"].set("architecture", "arm64");
    mdesc["platform"].set("os", "linux");
    fluxaws::json::value idx = fluxaws::json::value::make_object();
    idx.set("schemaVersion", 2);
    idx.set("mediaType", oci_index_type);
    idx.set("manifests", fluxaws::json::array{mdesc});
    auto idesc = layout_blob(dir, oci_index_type, fluxaws::json::dump(idx));
    idesc["annotations"].set("org.opencontainers.image.ref.name", "multi");
    fluxaws::json::value top = fluxaws::json::value::make_object();
    top.set("schemaVersion", 2);
    top.set("manifests", fluxaws::json::array{idesc});
    write_file(dir / "index.json", fluxaws::json::dump(top));
    write_file(dir / "oci-layout", R"({"imageLayoutVersion":"1.0.0"})");
  }

  void shutdown() {
    if (acceptor) {
      asio::post(ioc, [this] { acceptor->close(); });
    }
    if (front) {
      front.reset();
      client->close_idle();
      client.reset();
    }
    work.reset();
    if (runner.joinable()) runner.join();
    if (process) process->stop();
  }

  ~world() {
    shutdown();
    std::error_code ec;
    fs::remove_all(state, ec);
  }

  emu::http_response call(boost::beast::http::verb verb, const std::string& target, const std::string& auth = ci_auth,
                          const std::string& host = host_a, std::string body = {},
                          std::vector<std::pair<std::string, std::string>> headers = {}) {
    emu::http_request req{verb, target, 11};
    req.set(boost::beast::http::field::host, host);
    if (!auth.empty()) req.set(boost::beast::http::field::authorization, auth);
    for (auto& [k, v] : headers) req.set(k, v);
    req.body() = std::move(body);
    req.prepare_payload();
    emu::request_context rc{host, true};
    auto ctx = make_front_context(req, rc);
    BOOST_REQUIRE(ctx.has_value());
    auto fut = asio::co_spawn(ioc, front->handle(req, *ctx), asio::use_future);
    return fut.get();
  }

  // A plain-HTTP server in front of `front` on 127.0.0.1 (for real clients), on ioc.
  std::unique_ptr<tcp::acceptor> acceptor;
  std::uint16_t http_port = 0;

  void serve_http() {
    acceptor = std::make_unique<tcp::acceptor>(ioc, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0));
    http_port = acceptor->local_endpoint().port();
    asio::co_spawn(ioc, accept_loop(), asio::detached);
  }

  asio::awaitable<void> accept_loop() {
    for (;;) {
      boost::system::error_code ec;
      tcp::socket socket = co_await acceptor->async_accept(asio::redirect_error(asio::use_awaitable, ec));
      if (ec) co_return;  // closed at shutdown
      asio::co_spawn(ioc, serve_connection(std::move(socket)), asio::detached);
    }
  }

  asio::awaitable<void> serve_connection(tcp::socket socket) {
    beast::flat_buffer buffer;
    for (;;) {
      boost::system::error_code ec;
      emu::http_request req;
      co_await http::async_read(socket, buffer, req, asio::redirect_error(asio::use_awaitable, ec));
      if (ec) co_return;  // closed, or a TLS hello (clients probe https first)
      auto ctx = make_front_context(req, emu::request_context{"127.0.0.1", false}, "111122223333", "us-east-1");
      emu::http_response res = co_await front->handle(req, *ctx);
      co_await http::async_write(socket, res, asio::redirect_error(asio::use_awaitable, ec));
      if (ec || !res.keep_alive()) co_return;
    }
  }

  std::vector<call_record> take_calls() {
    std::lock_guard<std::mutex> lock(calls_mutex);
    return std::exchange(calls, {});
  }
};

world& w() {
  static world instance;
  return instance;
}

std::string header(const emu::http_response& r, std::string_view name) {
  auto it = r.find(boost::beast::string_view(name.data(), name.size()));
  return it == r.end() ? std::string() : std::string(it->value());
}

std::string error_code_of(const emu::http_response& r) {
  auto doc = fluxaws::json::parse(r.body());
  if (!doc) return "(not json: " + r.body() + ")";
  const auto* errs = doc->find("errors");
  if (!errs || errs->as_array().empty()) return "(no errors)";
  return errs->as_array()[0].find("code")->as_string();
}

std::vector<std::string> tags_of(const emu::http_response& r) {
  std::vector<std::string> out;
  auto doc = fluxaws::json::parse(r.body());
  if (!doc) return out;
  if (const auto* t = doc->find("tags"))
    for (const auto& v : t->as_array()) out.push_back(v.as_string());
  return out;
}

// The target of an absolute Link/Location URL on host_a.
std::string target_of(const std::string& url) {
  const std::string prefix = "https://" + host_a;
  BOOST_REQUIRE(url.rfind(prefix, 0) == 0);
  return url.substr(prefix.size());
}

using boost::beast::http::verb;

}  // namespace

BOOST_AUTO_TEST_CASE(seeding_is_fast_complete_and_skipped_when_already_done) {
  auto& world = w();
  BOOST_REQUIRE_MESSAGE(world.first_seed.ok(), (world.first_seed.ok() ? "" : world.first_seed.error().message));
  const auto& r = *world.first_seed;
  std::size_t want_tags = 0, want_manifests = 0;
  for (const auto& s : world.seeds) {
    auto c = build_repository_content(s, world.state);
    want_tags += c->tag_count();
    want_manifests += c->manifests.size();
  }
  BOOST_TEST(r.repositories == world.seeds.size());
  BOOST_TEST(r.tags == want_tags);
  BOOST_TEST(r.manifests == want_manifests);
  BOOST_TEST(r.skipped == 0u);
  BOOST_TEST_MESSAGE("seeded " << r.repositories << " repositories, " << r.manifests << " manifests, " << r.tags << " tags, "
                                << r.blobs << " blobs in " << r.elapsed.count() << " ms (" << r.requests << " requests)");
  BOOST_REQUIRE(world.second_seed.ok());
  BOOST_TEST(world.second_seed->skipped == world.seeds.size());
  BOOST_TEST(world.second_seed->manifests == 0u);
  BOOST_TEST_MESSAGE("re-seeding the same state directory took " << world.second_seed->elapsed.count() << " ms");
}

BOOST_AUTO_TEST_CASE(ping_wants_a_valid_token) {
  auto none = w().call(verb::get, "/v2/", "");
  BOOST_TEST(none.result_int() == 401u);
  BOOST_TEST(header(none, "WWW-Authenticate") == "Basic realm=\"https://" + host_a + "/\",service=\"ecr.amazonaws.com\"");
  BOOST_TEST(header(none, "Docker-Distribution-Api-Version") == "registry/2.0");
  auto bad = w().call(verb::get, "/v2/", basic("forged"));
  BOOST_TEST(bad.result_int() == 401u);
  BOOST_TEST(error_code_of(bad) == "UNAUTHORIZED");
  auto ok = w().call(verb::get, "/v2/");
  BOOST_TEST(ok.result_int() == 200u);
}

BOOST_AUTO_TEST_CASE(repository_access_401_403_200_and_counted) {
  w().take_calls();
  auto none = w().call(verb::get, "/v2/tenant-a/app/tags/list", "");
  BOOST_TEST(none.result_int() == 401u);
  BOOST_TEST(!header(none, "WWW-Authenticate").empty());
  auto denied = w().call(verb::get, "/v2/tenant-b/app/tags/list");
  BOOST_TEST(denied.result_int() == 403u);
  BOOST_TEST(error_code_of(denied) == "DENIED");
  BOOST_TEST(denied.body().find(ci_arn) != std::string::npos);  // names the principal, as AWS does
  BOOST_TEST(denied.body().find("ecr:ListImages") != std::string::npos);
  BOOST_TEST(header(denied, "WWW-Authenticate").empty());
  auto allowed = w().call(verb::get, "/v2/tenant-a/app/tags/list?n=5");
  BOOST_TEST(allowed.result_int() == 200u);
  auto pushed_by_reader = w().call(verb::post, "/v2/tenant-a/pushed/blobs/uploads/", reader_auth);
  BOOST_TEST(pushed_by_reader.result_int() == 403u);
  BOOST_TEST(pushed_by_reader.body().find("ecr:InitiateLayerUpload") != std::string::npos);

  auto calls = w().take_calls();
  BOOST_REQUIRE(calls.size() == 4u);
  BOOST_TEST(calls[0].operation == "ListTags");
  BOOST_TEST(calls[0].principal == "");
  BOOST_TEST(calls[0].status == 401);
  BOOST_TEST(calls[1].principal == ci_arn);
  BOOST_TEST(calls[1].status == 403);
  BOOST_TEST(calls[2].status == 200);
  BOOST_TEST(calls[3].operation == "InitiateLayerUpload");
  BOOST_TEST(calls[3].principal == reader_arn);
  BOOST_TEST(calls[3].status == 403);
}

BOOST_AUTO_TEST_CASE(tags_page_like_ecr_over_1504_tags) {
  auto first = w().call(verb::get, "/v2/tenant-a/app/tags/list");
  BOOST_REQUIRE(first.result_int() == 200u);
  auto page1 = tags_of(first);
  BOOST_TEST(page1.size() == 1000u);
  const std::string link = header(first, "Link");
  BOOST_REQUIRE(!link.empty());
  BOOST_TEST(link.rfind("<https://" + host_a + "/v2/tenant-a/app/tags/list?last=", 0) == 0u);
  BOOST_TEST(link.find("&n=1000>; rel=\"next\"") != std::string::npos);
  const std::string next_url = link.substr(1, link.find('>') - 1);
  // The token is opaque: not the last tag of the page.
  BOOST_TEST(next_url.find("last=" + page1.back()) == std::string::npos);

  auto second = w().call(verb::get, target_of(next_url));
  BOOST_REQUIRE(second.result_int() == 200u);
  auto page2 = tags_of(second);
  BOOST_TEST(page2.size() == 504u);
  BOOST_TEST(header(second, "Link").empty());

  std::vector<std::string> all = page1;
  all.insert(all.end(), page2.begin(), page2.end());
  BOOST_TEST(std::is_sorted(all.begin(), all.end()));
  std::set<std::string> unique(all.begin(), all.end());
  BOOST_TEST(unique.size() == 1504u);
  BOOST_TEST(unique.count("build-0001") == 1u);
  BOOST_TEST(unique.count("build-1500") == 1u);
  BOOST_TEST(unique.count("2.0.0-rc.1") == 1u);
  BOOST_TEST(unique.count("latest") == 1u);
  auto doc = fluxaws::json::parse(first.body());
  BOOST_TEST(doc->find("name")->as_string() == "tenant-a/app");

  // Smaller pages walk the same list.
  std::size_t total = 0;
  std::string target = "/v2/tenant-a/app/tags/list?n=400";
  for (int pages = 0; pages < 10; ++pages) {
    auto r = w().call(verb::get, target);
    BOOST_REQUIRE(r.result_int() == 200u);
    total += tags_of(r).size();
    auto l = header(r, "Link");
    if (l.empty()) break;
    BOOST_TEST(l.find("&n=400>") != std::string::npos);
    target = target_of(l.substr(1, l.find('>') - 1));
  }
  BOOST_TEST(total == 1504u);
}

BOOST_AUTO_TEST_CASE(bad_pagination_parameters) {
  auto nan = w().call(verb::get, "/v2/tenant-a/app/tags/list?n=abc");
  BOOST_TEST(nan.result_int() == 400u);
  BOOST_TEST(error_code_of(nan) == "PAGINATION_NUMBER_INVALID");
  auto big = w().call(verb::get, "/v2/tenant-a/app/tags/list?n=1001");
  BOOST_TEST(big.result_int() == 405u);
  BOOST_TEST(error_code_of(big) == "UNSUPPORTED");
  auto bare = w().call(verb::get, "/v2/tenant-a/app/tags/list?last=build-0001");
  BOOST_TEST(bare.result_int() == 405u);
}

BOOST_AUTO_TEST_CASE(manifests_by_tag_and_digest_with_matching_digests) {
  const auto& content = w().expected.at("tenant-a/app");
  std::set<std::string> seen;
  for (const std::string tag : {"1.0.0", "1.2.3", "latest", "build-0777"}) {
    auto r = w().call(verb::get, "/v2/tenant-a/app/manifests/" + tag, ci_auth, host_a, {},
                      {{"Accept", "application/vnd.oci.image.manifest.v1+json"}});
    BOOST_REQUIRE(r.result_int() == 200u);
    const std::string digest = header(r, "Docker-Content-Digest");
    BOOST_TEST(digest == sha(r.body()));
    BOOST_TEST(header(r, "Content-Type") == "application/vnd.oci.image.manifest.v1+json");
    BOOST_TEST(header(r, "Content-Length") == std::to_string(r.body().size()));
    bool expected = false;
    for (const auto& m : content.manifests)
      if (std::find(m.tags.begin(), m.tags.end(), tag) != m.tags.end()) expected = m.digest == digest;
    BOOST_TEST(expected, "digest of " << tag << " is the deterministic one");
    seen.insert(digest);

    auto by_digest = w().call(verb::get, "/v2/tenant-a/app/manifests/" + digest);
    BOOST_REQUIRE(by_digest.result_int() == 200u);
    BOOST_TEST(by_digest.body() == r.body());
    BOOST_TEST(header(by_digest, "Docker-Content-Digest") == digest);

    auto head = w().call(verb::head, "/v2/tenant-a/app/manifests/" + tag);
    BOOST_TEST(head.result_int() == 200u);
    BOOST_TEST(head.body().empty());
    BOOST_TEST(header(head, "Content-Length") == std::to_string(r.body().size()));
    BOOST_TEST(header(head, "Docker-Content-Digest") == digest);
  }
  BOOST_TEST(seen.size() == 4u);  // every tag its own image

  auto unknown = w().call(verb::get, "/v2/tenant-a/app/manifests/9.9.9");
  BOOST_TEST(unknown.result_int() == 404u);
  BOOST_TEST(error_code_of(unknown) == "MANIFEST_UNKNOWN");
  auto unknown_head = w().call(verb::head, "/v2/tenant-a/app/manifests/9.9.9");
  BOOST_TEST(unknown_head.result_int() == 404u);
  auto no_repo = w().call(verb::get, "/v2/tenant-a/nothing/manifests/latest");
  BOOST_TEST(no_repo.result_int() == 404u);
  BOOST_TEST(error_code_of(no_repo) == "NAME_UNKNOWN");
}

BOOST_AUTO_TEST_CASE(blobs_get_and_head) {
  auto m = w().call(verb::get, "/v2/tenant-a/app/manifests/1.2.3");
  BOOST_REQUIRE(m.result_int() == 200u);
  auto doc = fluxaws::json::parse(m.body());
  BOOST_REQUIRE(doc);
  for (const std::string& digest :
       {doc->at({"config", "digest"})->as_string(), doc->find("layers")->as_array()[0].find("digest")->as_string()}) {
    auto blob = w().call(verb::get, "/v2/tenant-a/app/blobs/" + digest);
    BOOST_REQUIRE(blob.result_int() == 200u);
    BOOST_TEST(sha(blob.body()) == digest);
    BOOST_TEST(header(blob, "Docker-Content-Digest") == digest);
    auto head = w().call(verb::head, "/v2/tenant-a/app/blobs/" + digest);
    BOOST_TEST(head.result_int() == 200u);
    BOOST_TEST(head.body().empty());
    BOOST_TEST(header(head, "Content-Length") == std::to_string(blob.body().size()));
  }
  auto config = w().call(verb::get, "/v2/tenant-a/app/blobs/" + doc->at({"config", "digest"})->as_string());
  BOOST_TEST(config.body().find("\"fluxaws.emulator/tag\":\"1.2.3\"") != std::string::npos);
  // Ranges go to docker-registry (never from the cache).
  auto part = w().call(verb::get, "/v2/tenant-a/app/blobs/" + doc->at({"config", "digest"})->as_string(), ci_auth, host_a, {},
                       {{"Range", "bytes=0-9"}});
  BOOST_TEST(part.result_int() == 206u);
  BOOST_TEST(part.body() == config.body().substr(0, 10));
  BOOST_TEST(header(part, "Content-Range").rfind("bytes 0-9/", 0) == 0u);
  auto missing = w().call(verb::get, "/v2/tenant-a/app/blobs/sha256:" + std::string(64, '0'));
  BOOST_TEST(missing.result_int() == 404u);
  BOOST_TEST(error_code_of(missing) == "BLOB_UNKNOWN");
}

BOOST_AUTO_TEST_CASE(flux_artifacts_round_trip_their_directory) {
  auto m = w().call(verb::get, "/v2/tenant-a/manifests/manifests/v1.0.0");
  BOOST_REQUIRE(m.result_int() == 200u);
  auto doc = fluxaws::json::parse(m.body());
  BOOST_REQUIRE(doc);
  BOOST_TEST(doc->at({"config", "mediaType"})->as_string() == "application/vnd.cncf.flux.config.v1+json");
  const auto& layer = doc->find("layers")->as_array()[0];
  BOOST_TEST(layer.find("mediaType")->as_string() == "application/vnd.cncf.flux.content.v1.tar+gzip");
  BOOST_TEST(doc->at({"annotations", "org.opencontainers.image.source"})->as_string() == "https://git.example/tenant-a");
  BOOST_TEST(doc->at({"annotations", "org.opencontainers.image.created"})->as_string() == "2024-01-01T00:00:00Z");
  BOOST_TEST(!doc->at({"annotations", "org.opencontainers.image.revision"})->as_string().empty());
  auto blob = w().call(verb::get, "/v2/tenant-a/manifests/blobs/" + layer.find("digest")->as_string());
  BOOST_REQUIRE(blob.result_int() == 200u);
  auto files = read_targz(blob.body());
  BOOST_TEST(files.size() == 3u);
  BOOST_TEST(files["deploy.yaml"].find("name: app\n") != std::string::npos);
  BOOST_TEST(files.count("nested/service.yaml") == 1u);
  BOOST_TEST(files[".sourceignore"] == "*.md\n");
  auto config = w().call(verb::get, "/v2/tenant-a/manifests/blobs/" + doc->at({"config", "digest"})->as_string());
  BOOST_TEST(config.body() == "{}");
  auto other = w().call(verb::head, "/v2/tenant-a/manifests/manifests/v1.1.0");
  BOOST_TEST(other.result_int() == 200u);
  BOOST_TEST(header(other, "Docker-Content-Digest") != header(m, "Docker-Content-Digest"));
}

BOOST_AUTO_TEST_CASE(oci_layouts_keep_their_index) {
  auto idx = w().call(verb::get, "/v2/tenant-a/layout/manifests/multi");
  BOOST_REQUIRE(idx.result_int() == 200u);
  BOOST_TEST(header(idx, "Content-Type") == "application/vnd.oci.image.index.v1+json");
  auto doc = fluxaws::json::parse(idx.body());
  BOOST_REQUIRE(doc);
  BOOST_TEST(doc->find("manifests")->as_array()[0].find("digest")->as_string() == w().layout_child_digest);
  auto child = w().call(verb::get, "/v2/tenant-a/layout/manifests/" + w().layout_child_digest);
  BOOST_TEST(child.result_int() == 200u);
  BOOST_TEST(sha(child.body()) == w().layout_child_digest);
}

BOOST_AUTO_TEST_CASE(accounts_do_not_share_repositories) {
  auto mine = w().call(verb::get, "/v2/app/tags/list");
  BOOST_TEST(tags_of(mine) == std::vector<std::string>{"mine"});
  auto other = w().call(verb::get, "/v2/app/tags/list", ci_auth, host_other);
  BOOST_TEST(tags_of(other) == std::vector<std::string>{"other"});
  auto missing = w().call(verb::get, "/v2/tenant-a/app/tags/list", ci_auth, host_other);
  BOOST_TEST(missing.result_int() == 404u);
  BOOST_TEST(error_code_of(missing) == "NAME_UNKNOWN");
}

BOOST_AUTO_TEST_CASE(catalog_lists_what_the_principal_may_see) {
  auto r = w().call(verb::get, "/v2/_catalog");
  BOOST_REQUIRE(r.result_int() == 200u);
  auto doc = fluxaws::json::parse(r.body());
  std::vector<std::string> repos;
  for (const auto& v : doc->find("repositories")->as_array()) repos.push_back(v.as_string());
  BOOST_TEST(repos == (std::vector<std::string>{"app", "tenant-a/app", "tenant-a/layout", "tenant-a/manifests", "tenant-a/pushed"}));
}

BOOST_AUTO_TEST_CASE(push_through_the_front_then_listed) {
  BOOST_TEST(tags_of(w().call(verb::get, "/v2/tenant-a/pushed/tags/list")).empty());  // known, empty
  const std::string config = R"({"architecture":"amd64","os":"linux","rootfs":{"type":"layers","diff_ids":[]}})";
  const std::string layer = "pushed layer: two chunks";
  auto upload = [&](const std::string& data, bool chunked) {
    auto start = w().call(verb::post, "/v2/tenant-a/pushed/blobs/uploads/?mount=" + sha(data) + "&from=tenant-b/app");
    BOOST_REQUIRE(start.result_int() == 202u);
    std::string location = header(start, "Location");
    BOOST_TEST(location.rfind("https://" + host_a + "/v2/tenant-a/pushed/blobs/uploads/", 0) == 0u);
    std::string body = data;
    if (chunked) {
      auto patch = w().call(verb::patch, target_of(location), ci_auth, host_a, data.substr(0, 10),
                            {{"Content-Type", "application/octet-stream"}, {"Content-Range", "0-9"}});
      BOOST_REQUIRE(patch.result_int() == 202u);
      location = header(patch, "Location");
      BOOST_TEST(header(patch, "Range") == "0-9");
      body = data.substr(10);
    }
    std::string target = target_of(location);
    target += target.find('?') == std::string::npos ? "?" : "&";
    target += "digest=" + fluxaws::enc::uri_encode(sha(data));
    auto put = w().call(verb::put, target, ci_auth, host_a, body, {{"Content-Type", "application/octet-stream"}});
    BOOST_REQUIRE(put.result_int() == 201u);
    BOOST_TEST(header(put, "Docker-Content-Digest") == sha(data));
  };
  upload(config, false);
  upload(layer, true);

  fluxaws::json::value m = fluxaws::json::value::make_object();
  m.set("schemaVersion", 2);
  m.set("mediaType", oci_manifest_type);
  fluxaws::json::value c = fluxaws::json::value::make_object();
  c.set("mediaType", oci_config_type);
  c.set("digest", sha(config));
  c.set("size", static_cast<int64_t>(config.size()));
  m.set("config", c);
  fluxaws::json::value l = fluxaws::json::value::make_object();
  l.set("mediaType", oci_layer_type);
  l.set("digest", sha(layer));
  l.set("size", static_cast<int64_t>(layer.size()));
  m.set("layers", fluxaws::json::array{l});
  const std::string manifest = fluxaws::json::dump(m);
  auto denied = w().call(verb::put, "/v2/tenant-a/pushed/manifests/pushed-1", reader_auth, host_a, manifest,
                         {{"Content-Type", std::string(oci_manifest_type)}});
  BOOST_TEST(denied.result_int() == 403u);
  auto put = w().call(verb::put, "/v2/tenant-a/pushed/manifests/pushed-1", ci_auth, host_a, manifest,
                      {{"Content-Type", std::string(oci_manifest_type)}});
  BOOST_REQUIRE(put.result_int() == 201u);
  BOOST_TEST(header(put, "Docker-Content-Digest") == sha(manifest));
  BOOST_TEST(header(put, "Location") == "https://" + host_a + "/v2/tenant-a/pushed/manifests/" + sha(manifest));
  BOOST_TEST(tags_of(w().call(verb::get, "/v2/tenant-a/pushed/tags/list")) == std::vector<std::string>{"pushed-1"});
  auto got = w().call(verb::get, "/v2/tenant-a/pushed/manifests/pushed-1");
  BOOST_TEST(got.body() == manifest);

  // Moving the tag through the front is seen at once (the front's cache follows writes).
  m["annotations"].set("moved", "yes");
  const std::string moved = fluxaws::json::dump(m);
  auto again = w().call(verb::put, "/v2/tenant-a/pushed/manifests/pushed-1", ci_auth, host_a, moved,
                        {{"Content-Type", std::string(oci_manifest_type)}});
  BOOST_REQUIRE(again.result_int() == 201u);
  auto got_moved = w().call(verb::get, "/v2/tenant-a/pushed/manifests/pushed-1");
  BOOST_TEST(header(got_moved, "Docker-Content-Digest") == sha(moved));
  BOOST_TEST(tags_of(w().call(verb::get, "/v2/tenant-a/pushed/tags/list")) == std::vector<std::string>{"pushed-1"});
}

BOOST_AUTO_TEST_CASE(repeated_reads_are_answered_from_memory) {
  auto& world = w();
  auto first = world.call(verb::get, "/v2/tenant-b/app/manifests/1.0.0");
  BOOST_TEST(first.result_int() == 403u);  // refused before any cache
  auto get = world.call(verb::get, "/v2/tenant-a/app/manifests/2.0.0-rc.1");
  BOOST_REQUIRE(get.result_int() == 200u);
  const auto sent = world.client->requests_sent();
  auto again = world.call(verb::get, "/v2/tenant-a/app/manifests/2.0.0-rc.1");
  auto head = world.call(verb::head, "/v2/tenant-a/app/manifests/2.0.0-rc.1");
  auto by_digest = world.call(verb::get, "/v2/tenant-a/app/manifests/" + header(get, "Docker-Content-Digest"));
  auto tags = world.call(verb::get, "/v2/tenant-a/app/tags/list?n=10");
  BOOST_TEST(world.client->requests_sent() == sent);
  BOOST_TEST(again.body() == get.body());
  BOOST_TEST(header(again, "Content-Type") == header(get, "Content-Type"));
  BOOST_TEST(header(head, "Content-Length") == std::to_string(get.body().size()));
  BOOST_TEST(head.body().empty());
  BOOST_TEST(by_digest.body() == get.body());
  BOOST_TEST(tags_of(tags).size() == 10u);
  // A client that does not accept the cached type is answered by docker-registry.
  auto docker_only = world.call(verb::get, "/v2/tenant-a/app/manifests/2.0.0-rc.1", ci_auth, host_a, {},
                                {{"Accept", "application/vnd.docker.distribution.manifest.v2+json"}});
  BOOST_TEST(world.client->requests_sent() == sent + 1);
  BOOST_TEST(docker_only.result_int() != 200u);
  BOOST_TEST_MESSAGE("an OCI manifest asked for as Docker v2 only: HTTP " << docker_only.result_int() << " "
                                                                            << docker_only.body());
}

BOOST_AUTO_TEST_CASE(many_requests_at_once_share_pooled_connections) {
  auto& world = w();
  std::vector<emu::http_request> reqs;
  for (int i = 1; i <= 300; ++i) {
    char tag[32];
    std::snprintf(tag, sizeof tag, "build-%04d", i);
    emu::http_request req{verb::get, "/v2/tenant-a/app/manifests/" + std::string(tag), 11};
    req.set(boost::beast::http::field::host, host_a);
    req.set(boost::beast::http::field::authorization, ci_auth);
    reqs.push_back(std::move(req));
  }
  emu::request_context rc{host_a, true};
  auto ctx = *make_front_context(reqs[0], rc);
  std::vector<std::future<emu::http_response>> futures;
  for (auto& req : reqs) futures.push_back(asio::co_spawn(world.ioc, world.front->handle(req, ctx), asio::use_future));
  std::set<std::string> digests;
  for (auto& f : futures) {
    auto r = f.get();
    BOOST_TEST(r.result_int() == 200u);
    BOOST_TEST(header(r, "Docker-Content-Digest") == sha(r.body()));
    digests.insert(header(r, "Docker-Content-Digest"));
  }
  BOOST_TEST(digests.size() == 300u);
  BOOST_TEST(world.client->idle_connections() <= world.client->settings().max_idle);
  BOOST_TEST_MESSAGE("connections opened to docker-registry so far: " << world.client->connections_opened());
}

// Runs a command with a deadline; returns its exit status and fills out with its output.
int run(const std::string& command, std::string& out) {
  out.clear();
  FILE* p = ::popen(("timeout 120 " + command + " 2>&1").c_str(), "r");
  if (!p) return -1;
  char buf[4096];
  std::size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, p)) > 0) out.append(buf, n);
  int status = ::pclose(p);
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

BOOST_AUTO_TEST_CASE(a_real_client_pulls_pages_and_pushes_through_the_front) {
  auto& world = w();
  std::string out;
  BOOST_REQUIRE_MESSAGE(run("skopeo --version", out) == 0, "skopeo is needed (Debian package skopeo): " << out);
  world.serve_http();
  const std::string registry = "127.0.0.1:" + std::to_string(world.http_port);
  const std::string creds = "--tls-verify=false --creds AWS:ci-token";

  // list-tags follows the Link header across ECR-sized pages.
  BOOST_REQUIRE_MESSAGE(run("skopeo list-tags " + creds + " docker://" + registry + "/tenant-a/app", out) == 0, out);
  auto listed = fluxaws::json::parse(out);
  BOOST_REQUIRE_MESSAGE(listed.has_value(), out.substr(0, 300));
  std::set<std::string> tags;
  for (const auto& t : listed->find("Tags")->as_array()) tags.insert(t.as_string());
  BOOST_TEST(tags.size() == 1504u);
  BOOST_TEST(tags.count("build-1500") == 1u);

  BOOST_REQUIRE_MESSAGE(run("skopeo inspect --raw " + creds + " docker://" + registry + "/tenant-a/app:1.2.3", out) == 0, out);
  std::string expected_digest;
  for (const auto& m : world.expected.at("tenant-a/app").manifests)
    if (!m.tags.empty() && m.tags[0] == "1.2.3") expected_digest = m.digest;
  BOOST_TEST(sha(out) == expected_digest);

  // Copy an image from one repository to another through the front: pulls blobs,
  // checks them with HEAD, uploads them, puts the manifest.
  BOOST_REQUIRE_MESSAGE(run("skopeo copy --insecure-policy --src-tls-verify=false --dest-tls-verify=false "
                            "--src-creds AWS:ci-token --dest-creds AWS:ci-token docker://" + registry +
                                "/tenant-a/app:1.0.0 docker://" + registry + "/tenant-a/pushed:copied",
                            out) == 0,
                        out);
  BOOST_REQUIRE(run("skopeo inspect --raw " + creds + " docker://" + registry + "/tenant-a/pushed:copied", out) == 0);
  auto src = world.call(verb::get, "/v2/tenant-a/app/manifests/1.0.0");
  BOOST_TEST(sha(out) == header(src, "Docker-Content-Digest"));

  // Wrong credentials and a denied repository are refused.
  BOOST_TEST(run("skopeo inspect --raw --tls-verify=false --creds AWS:wrong docker://" + registry + "/tenant-a/app:1.0.0", out) != 0);
  BOOST_TEST_MESSAGE("skopeo with a wrong token: " << out.substr(0, 200));
  BOOST_TEST(run("skopeo inspect --raw " + creds + " docker://" + registry + "/tenant-b/app:1.0.0", out) != 0);
  BOOST_TEST(out.find("denied") != std::string::npos);
  BOOST_TEST_MESSAGE("skopeo on a denied repository: " << out.substr(0, 300));
}

BOOST_AUTO_TEST_CASE(bad_seeds_push_nothing) {
  repository_seed bad{"111122223333", "us-east-1", "tenant-a/bad", {}, {}, {}, {}};
  bad.images.push_back({{"ok"}});
  bad.ranges.push_back({"x-%s", 1, 3});
  auto r = seed_blocking(w().process->port(), {bad}, {});
  BOOST_REQUIRE(!r.ok());
  BOOST_TEST(r.error().message.find("tenant-a/bad") != std::string::npos);
  w().front->add_repository("111122223333", "us-east-1", "tenant-a/bad");
  BOOST_TEST(tags_of(w().call(verb::get, "/v2/tenant-a/bad/tags/list")).empty());
}

BOOST_AUTO_TEST_CASE(a_registry_that_cannot_start_is_a_clear_error) {
  std::string tmpl = (scratch_root() / "emureg-fail-XXXXXX").string();
  BOOST_REQUIRE(::mkdtemp(tmpl.data()) != nullptr);
  registry_process::options o;
  o.state_dir = tmpl;
  o.binary = "/nonexistent/docker-registry";
  auto missing = registry_process::start(o);
  BOOST_REQUIRE(!missing.ok());
  BOOST_TEST(missing.error().message.find("/nonexistent/docker-registry") != std::string::npos);
  o.binary = "/bin/false";
  auto exits = registry_process::start(o);
  BOOST_REQUIRE(!exits.ok());
  BOOST_TEST(exits.error().message.find("exited during start-up") != std::string::npos);
  fs::remove_all(tmpl);
}

// Last: stopping leaves no process behind.
BOOST_AUTO_TEST_CASE(stop_leaves_no_process_behind) {
  auto& world = w();
  const pid_t pid = world.registry_pid;
  BOOST_REQUIRE(pid > 0);
  BOOST_TEST(::kill(pid, 0) == 0);
  world.shutdown();
  BOOST_TEST(!world.process->running());
  errno = 0;
  BOOST_TEST(::kill(pid, 0) == -1);
  BOOST_TEST(errno == ESRCH);
  BOOST_TEST(!fs::exists("/proc/" + std::to_string(pid)));
  BOOST_TEST(children_of(::getpid()).empty());
}
