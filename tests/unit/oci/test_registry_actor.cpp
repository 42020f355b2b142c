// The registry actor's sequencing against a scripted fake HTTP client actor: the auth
// dance (Basic, Bearer, cached tokens, refusals), where credentials go, pagination,
// index resolution, HEAD fallback, blob verification with cleanup, budgets. No network:
// the fake answers each request from a function and records what it was sent.
#include <boost/test/unit_test.hpp>

#include <caf/actor_system.hpp>
#include <caf/actor_system_config.hpp>
#include <caf/scoped_actor.hpp>
#include <caf/typed_event_based_actor.hpp>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <mutex>
#include <sstream>

#include "adapters/common/digest.hpp"
#include "adapters/common/encoding.hpp"
#include "adapters/common/strings.hpp"
#include "adapters/oci/content_digest.hpp"
#include "adapters/oci/error_codes.hpp"
#include "adapters/oci/registry.hpp"

using namespace fluxaws;
using namespace fluxaws::oci;
using namespace std::chrono_literals;

namespace {

struct seen_request {
  std::string method;
  std::string url;
  std::string authorization;
  std::string accept;
  std::string body;
};

// What the fake answers: a status, headers and a body, or a transport failure.
struct canned {
  int status = 200;
  http::header_list headers;
  std::string body;
  http::failure fail = http::failure::none;
};

class fake_network {
 public:
  using handler = std::function<canned(const seen_request&)>;
  explicit fake_network(handler h) : handler_(std::move(h)) {}

  http::response serve(const http::request& req) {
    seen_request s;
    s.method = req.method;
    s.url = req.url;
    s.body = req.body;
    for (const auto& [k, v] : req.headers) {
      if (str::iequals(k, "authorization")) s.authorization = v;
      if (str::iequals(k, "accept")) s.accept = v;
    }
    {
      std::lock_guard<std::mutex> g(mtx_);
      seen_.push_back(s);
    }
    auto c = handler_(s);
    http::response r;
    r.fail = c.fail;
    if (c.fail != http::failure::none) {
      r.error = "scripted failure";
      return r;
    }
    r.status = c.status;
    r.headers = c.headers;
    if (req.method == "HEAD") return r;
    if (c.body.size() > req.max_body) {
      r.fail = http::failure::body_too_large;
      r.error = "body exceeds the limit";
      return r;
    }
    r.body_size = c.body.size();
    // As the real client: only a 2xx answer lands in the body file.
    if (!req.body_file.empty() && c.status >= 200 && c.status < 300) {
      std::ofstream(req.body_file, std::ios::binary) << c.body;
      r.body_sha256_hex = digest::sha256_hex(c.body);
    } else {
      r.body = c.body;
    }
    return r;
  }

  std::vector<seen_request> seen() const {
    std::lock_guard<std::mutex> g(mtx_);
    return seen_;
  }
  void clear() {
    std::lock_guard<std::mutex> g(mtx_);
    seen_.clear();
  }

 private:
  handler handler_;
  mutable std::mutex mtx_;
  std::vector<seen_request> seen_;
};

http::client_actor::behavior_type fake_client(http::client_actor::pointer, std::shared_ptr<fake_network> net) {
  return {
      [=](http::request_atom, const http::request& req) { return net->serve(req); },
      [=](http::stats_atom) { return http::client_stats{}; },
  };
}

struct actor_fixture {
  caf::actor_system_config cfg;
  caf::actor_system sys{cfg};
  caf::scoped_actor self{sys};
  std::shared_ptr<fake_network> net;
  registry_actor registry;

  void start(fake_network::handler h) {
    if (registry) self->send_exit(registry, caf::exit_reason::user_shutdown);
    net = std::make_shared<fake_network>(std::move(h));
    registry = spawn_registry(sys, sys.spawn(fake_client, net));
  }

  template <class T, class Atom, class Req>
  outcome<T> ask(Atom atom, Req req) {
    outcome<T> out;
    out.error = make_error("test", "no answer");
    self->request(registry, 30s, atom, std::move(req))
        .receive([&](const outcome<T>& o) { out = o; },
                 [&](caf::error& e) { out.error = make_error("caf", sys.render(e)); });
    return out;
  }

  registry_stats ask_stats() {
    registry_stats s;
    self->request(registry, 30s, registry_stats_atom::value)
        .receive([&](const registry_stats& r) { s = r; }, [&](caf::error&) {});
    return s;
  }

  ~actor_fixture() {
    if (registry) self->send_exit(registry, caf::exit_reason::user_shutdown);
  }
};

const repository_ref repo{"reg.example", "team/app"};

call_options opts(std::chrono::milliseconds t = 10s) { return call_options{t, false}; }

canned json_ok(std::string body) { return canned{200, {{"Content-Type", "application/json"}}, std::move(body)}; }

canned challenge_basic() {
  return canned{401, {{"Www-Authenticate", R"(Basic realm="https://reg.example/",service="ecr.amazonaws.com")"}},
                R"({"errors":[{"code":"UNAUTHORIZED","message":"authentication required"}]})"};
}

canned challenge_bearer() {
  return canned{401,
                {{"WWW-Authenticate",
                  R"(Bearer realm="https://auth.example/token",service="reg.example",scope="repository:team/app:pull")"}},
                R"({"errors":[{"code":"UNAUTHORIZED","message":"authentication required"}]})"};
}

const std::string tags_json = R"({"name":"team/app","tags":["v1","v2"]})";

}  // namespace

BOOST_FIXTURE_TEST_SUITE(registry_actor_flow, actor_fixture)

BOOST_AUTO_TEST_CASE(basic_auth_after_challenge_then_preemptive) {
  auto creds = registry_auth::basic("AWS", "ecr-token", true);
  start([&](const seen_request& r) {
    if (r.authorization != creds.basic_header()) return challenge_basic();
    return json_ok(tags_json);
  });
  auto first = ask<tag_list>(list_tags_atom::value, list_tags_request{repo, creds, opts()});
  BOOST_REQUIRE_MESSAGE(first.ok(), first.error.to_string());
  BOOST_TEST(first.value->tags == (std::vector<std::string>{"v1", "v2"}));
  auto seen = net->seen();
  BOOST_REQUIRE_EQUAL(seen.size(), 2u);
  BOOST_TEST(seen[0].authorization.empty());  // nothing before the registry asks
  BOOST_TEST(seen[0].url == "https://reg.example/v2/team/app/tags/list?n=1000");
  BOOST_TEST(seen[1].authorization == creds.basic_header());
  net->clear();
  // The host is known to want Basic now: one request.
  auto second = ask<tag_list>(list_tags_atom::value, list_tags_request{repo, creds, opts()});
  BOOST_REQUIRE(second.ok());
  BOOST_TEST(net->seen().size() == 1u);
}

BOOST_AUTO_TEST_CASE(anonymous_never_sends_credentials) {
  start([&](const seen_request&) { return challenge_basic(); });
  auto r = ask<tag_list>(list_tags_atom::value, list_tags_request{repo, registry_auth::anonymous(), opts()});
  BOOST_REQUIRE(!r.ok());
  BOOST_TEST(r.error.code == errc::unauthorized);
  BOOST_TEST(r.error.message.find("requires credentials") != std::string::npos);
  auto seen = net->seen();
  BOOST_REQUIRE_EQUAL(seen.size(), 1u);
  BOOST_TEST(seen[0].authorization.empty());
}

BOOST_AUTO_TEST_CASE(refused_cached_credentials_are_unauthorized) {
  auto creds = registry_auth::basic("AWS", "expired-token", true);
  start([&](const seen_request&) { return challenge_basic(); });
  auto r = ask<manifest_result>(get_manifest_atom::value, manifest_request{repo, "v1", creds, opts()});
  BOOST_REQUIRE(!r.ok());
  BOOST_TEST(r.error.code == errc::unauthorized);
  BOOST_TEST(r.error.status == 401);
  BOOST_TEST(r.error.message.find("manifest reg.example/team/app:v1: 401 Unauthorized") == 0u);
  BOOST_TEST(r.error.message.find("expired-token") == std::string::npos);
  BOOST_TEST(net->seen().size() == 2u);  // once without, once with: no loop
}

BOOST_AUTO_TEST_CASE(denied_carries_the_registry_message) {
  start([&](const seen_request&) {
    return canned{403, {}, R"({"errors":[{"code":"DENIED","message":"not authorized to perform ecr:BatchGetImage"}]})"};
  });
  auto r = ask<manifest_result>(get_manifest_atom::value,
                                manifest_request{repo, "v1", registry_auth::basic("AWS", "t"), opts()});
  BOOST_REQUIRE(!r.ok());
  BOOST_TEST(r.error.code == errc::denied);
  BOOST_TEST(r.error.message ==
             "manifest reg.example/team/app:v1: 403 Forbidden: DENIED: not authorized to perform ecr:BatchGetImage");
}

BOOST_AUTO_TEST_CASE(ecr_expired_token_403_is_unauthorized_only_for_cached_credentials) {
  start([&](const seen_request&) {
    return canned{403, {}, R"({"errors":[{"code":"DENIED","message":"Your authorization token has expired. Reauthenticate and try again."}]})"};
  });
  auto cached = ask<manifest_result>(get_manifest_atom::value,
                                     manifest_request{repo, "v1", registry_auth::basic("AWS", "old", true), opts()});
  BOOST_REQUIRE(!cached.ok());
  BOOST_TEST(cached.error.code == errc::unauthorized);
  BOOST_TEST(cached.error.status == 403);
  BOOST_TEST(cached.error.message.find("403 Forbidden: DENIED: Your authorization token has expired") !=
             std::string::npos);
  auto fixed = ask<manifest_result>(get_manifest_atom::value,
                                    manifest_request{repo, "v1", registry_auth::basic("user", "pw"), opts()});
  BOOST_REQUIRE(!fixed.ok());
  BOOST_TEST(fixed.error.code == errc::denied);
}

BOOST_AUTO_TEST_CASE(bearer_flow_and_token_cache) {
  auto creds = registry_auth::basic("robot", "pw");
  int tokens_issued = 0;
  start([&](const seen_request& r) {
    if (str::starts_with(r.url, "https://auth.example/token")) {
      if (r.authorization != creds.basic_header()) return canned{401, {}, ""};
      ++tokens_issued;
      return json_ok(R"({"token":"tok-)" + std::to_string(tokens_issued) + R"(","expires_in":300})");
    }
    if (r.authorization != "Bearer tok-1") return challenge_bearer();
    return json_ok(tags_json);
  });
  auto first = ask<tag_list>(list_tags_atom::value, list_tags_request{repo, creds, opts()});
  BOOST_REQUIRE_MESSAGE(first.ok(), first.error.to_string());
  auto seen = net->seen();
  BOOST_REQUIRE_EQUAL(seen.size(), 3u);
  BOOST_TEST(seen[0].authorization.empty());
  BOOST_TEST(seen[1].url == "https://auth.example/token?service=reg.example&scope=repository%3Ateam%2Fapp%3Apull");
  BOOST_TEST(seen[1].authorization == creds.basic_header());  // credentials go to the realm...
  BOOST_TEST(seen[2].authorization == "Bearer tok-1");        // ...and only the token to the registry
  net->clear();
  auto second = ask<tag_list>(list_tags_atom::value, list_tags_request{repo, creds, opts()});
  BOOST_REQUIRE(second.ok());
  seen = net->seen();
  BOOST_REQUIRE_EQUAL(seen.size(), 1u);  // cached token, sent at once
  BOOST_TEST(seen[0].authorization == "Bearer tok-1");
  auto stats = ask_stats();
  BOOST_TEST(stats.token_requests == 1u);
  BOOST_TEST(stats.token_cache_hits == 1u);
  BOOST_TEST(stats.tokens_cached == 1u);
}

BOOST_AUTO_TEST_CASE(stale_cached_token_is_replaced_once) {
  int tokens_issued = 0;
  bool revoke_first = false;
  start([&](const seen_request& r) {
    if (str::starts_with(r.url, "https://auth.example/")) {
      ++tokens_issued;
      return json_ok(R"({"access_token":"tok-)" + std::to_string(tokens_issued) + R"("})");
    }
    if (r.authorization.empty()) return challenge_bearer();
    if (revoke_first && r.authorization == "Bearer tok-1") return challenge_bearer();
    return json_ok(tags_json);
  });
  BOOST_REQUIRE(ask<tag_list>(list_tags_atom::value, list_tags_request{repo, registry_auth::anonymous(), opts()}).ok());
  revoke_first = true;
  net->clear();
  auto r = ask<tag_list>(list_tags_atom::value, list_tags_request{repo, registry_auth::anonymous(), opts()});
  BOOST_REQUIRE_MESSAGE(r.ok(), r.error.to_string());
  auto seen = net->seen();
  BOOST_REQUIRE_EQUAL(seen.size(), 3u);
  BOOST_TEST(seen[0].authorization == "Bearer tok-1");
  BOOST_TEST(seen[1].authorization.empty());  // anonymous token request
  BOOST_TEST(seen[2].authorization == "Bearer tok-2");
}

BOOST_AUTO_TEST_CASE(tokens_are_per_credential) {
  int tokens_issued = 0;
  start([&](const seen_request& r) {
    if (str::starts_with(r.url, "https://auth.example/")) {
      ++tokens_issued;
      return json_ok(R"({"token":"tok-)" + std::to_string(tokens_issued) + R"("})");
    }
    if (r.authorization.empty()) return challenge_bearer();
    return json_ok(tags_json);
  });
  auto a = registry_auth::basic("tenant-a", "pa");
  auto b = registry_auth::basic("tenant-b", "pb");
  BOOST_REQUIRE(ask<tag_list>(list_tags_atom::value, list_tags_request{repo, a, opts()}).ok());
  BOOST_REQUIRE(ask<tag_list>(list_tags_atom::value, list_tags_request{repo, b, opts()}).ok());
  BOOST_REQUIRE(ask<tag_list>(list_tags_atom::value, list_tags_request{repo, a, opts()}).ok());
  BOOST_TEST(tokens_issued == 2);
  auto seen = net->seen();
  BOOST_TEST(seen.back().authorization == "Bearer tok-1");
}

BOOST_AUTO_TEST_CASE(token_server_refusal_is_unauthorized) {
  start([&](const seen_request& r) {
    if (str::starts_with(r.url, "https://auth.example/")) return canned{401, {}, R"({"details":"bad creds"})"};
    return challenge_bearer();
  });
  auto r = ask<tag_list>(list_tags_atom::value, list_tags_request{repo, registry_auth::basic("u", "wrong"), opts()});
  BOOST_REQUIRE(!r.ok());
  BOOST_TEST(r.error.code == errc::unauthorized);
  BOOST_TEST(r.error.message.find("token request to auth.example") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(pagination_relative_and_absolute) {
  start([&](const seen_request& r) {
    if (r.url == "https://reg.example/v2/team/app/tags/list?n=2")
      return canned{200, {{"Link", R"(</v2/team/app/tags/list?n=2&last=b>; rel="next")"}}, R"({"tags":["a","b"]})"};
    if (r.url == "https://reg.example/v2/team/app/tags/list?n=2&last=b")
      return canned{200, {{"link", R"(<https://reg.example/v2/team/app/tags/list?n=2&last=d>; rel=next)"}},
                    R"({"tags":["c","d"]})"};
    if (r.url == "https://reg.example/v2/team/app/tags/list?n=2&last=d") return json_ok(R"({"tags":["e"]})");
    return canned{404, {}, ""};
  });
  list_tags_request req{repo, registry_auth::anonymous(), opts()};
  req.page_size = 2;
  auto r = ask<tag_list>(list_tags_atom::value, req);
  BOOST_REQUIRE_MESSAGE(r.ok(), r.error.to_string());
  BOOST_TEST(r.value->tags == (std::vector<std::string>{"a", "b", "c", "d", "e"}));
  BOOST_TEST(r.value->pages == 3u);
}

BOOST_AUTO_TEST_CASE(pagination_to_another_host_is_refused_before_any_request) {
  start([&](const seen_request& r) {
    if (str::starts_with(r.url, "https://reg.example/"))
      return canned{200, {{"Link", R"(<https://collector.example/v2/team/app/tags/list?last=b>; rel="next")"}},
                    R"({"tags":["a"]})"};
    return json_ok(R"({"tags":["stolen"]})");
  });
  auto r = ask<tag_list>(list_tags_atom::value,
                         list_tags_request{repo, registry_auth::basic("AWS", "secret-token"), opts()});
  BOOST_REQUIRE(!r.ok());
  BOOST_TEST(r.error.code == errc::pagination_refused);
  BOOST_TEST(r.error.message.find("tags of reg.example/team/app") == 0u);
  for (const auto& s : net->seen()) BOOST_TEST(str::starts_with(s.url, "https://reg.example/"));
}

BOOST_AUTO_TEST_CASE(pagination_loops_and_page_limits) {
  start([&](const seen_request&) {
    return canned{200, {{"Link", R"(</v2/team/app/tags/list?n=1000>; rel="next")"}}, R"({"tags":["a"]})"};
  });
  auto loop = ask<tag_list>(list_tags_atom::value, list_tags_request{repo, registry_auth::anonymous(), opts()});
  BOOST_REQUIRE(!loop.ok());
  BOOST_TEST(loop.error.code == errc::pagination_refused);
  int page = 0;
  start([&](const seen_request&) {
    ++page;
    return canned{200, {{"Link", "</v2/team/app/tags/list?last=" + std::to_string(page) + ">; rel=\"next\""}},
                  R"({"tags":["a"]})"};
  });
  list_tags_request req{repo, registry_auth::anonymous(), opts()};
  req.max_pages = 5;
  auto capped = ask<tag_list>(list_tags_atom::value, req);
  BOOST_REQUIRE(!capped.ok());
  BOOST_TEST(capped.error.code == errc::pagination_refused);
  BOOST_TEST(page == 5);
}

BOOST_AUTO_TEST_CASE(index_resolved_to_the_platform_manifest) {
  const std::string child =
      R"({"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a","size":2},"layers":[]})";
  const auto child_digest = sha256_digest(child);
  const std::string other = "sha256:" + std::string(64, 'f');
  const std::string index =
      R"({"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json","manifests":[{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":")" +
      other + R"(","size":10,"platform":{"os":"linux","architecture":"arm64"}},{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":")" +
      child_digest + R"(","size":)" + std::to_string(child.size()) + R"(,"platform":{"os":"linux","architecture":"amd64"}}]})";
  start([&](const seen_request& r) {
    if (str::ends_with(r.url, "/manifests/v1"))
      return canned{200, {{"Content-Type", "application/vnd.oci.image.index.v1+json"}}, index};
    if (str::ends_with(r.url, "/manifests/" + child_digest))
      return canned{200, {{"Content-Type", "application/vnd.oci.image.manifest.v1+json"}}, child};
    return canned{404, {}, R"({"errors":[{"code":"MANIFEST_UNKNOWN","message":"manifest unknown"}]})"};
  });
  manifest_request req{repo, "v1", registry_auth::anonymous(), opts()};
  req.platform = default_platform();
  auto r = ask<manifest_result>(get_manifest_atom::value, req);
  BOOST_REQUIRE_MESSAGE(r.ok(), r.error.to_string());
  BOOST_TEST(r.value->digest == child_digest);
  BOOST_TEST(r.value->index_digest == sha256_digest(index));
  BOOST_TEST(!is_index(r.value->manifest));
  auto seen = net->seen();
  BOOST_REQUIRE_EQUAL(seen.size(), 2u);
  for (auto t : {"application/vnd.oci.image.manifest.v1+json", "application/vnd.oci.image.index.v1+json",
                 "application/vnd.docker.distribution.manifest.v2+json",
                 "application/vnd.docker.distribution.manifest.list.v2+json"})
    BOOST_TEST(seen[0].accept.find(t) != std::string::npos);

  // Without a platform the index itself is the answer.
  auto plain = ask<manifest_result>(get_manifest_atom::value,
                                    manifest_request{repo, "v1", registry_auth::anonymous(), opts()});
  BOOST_REQUIRE(plain.ok());
  BOOST_TEST(is_index(plain.value->manifest));

  req.platform = parse_platform("linux/s390x").value();
  auto none = ask<manifest_result>(get_manifest_atom::value, req);
  BOOST_REQUIRE(!none.ok());
  BOOST_TEST(none.error.code == errc::platform_not_found);
}

BOOST_AUTO_TEST_CASE(head_with_and_without_digest_header) {
  const std::string body = R"({"schemaVersion":2,"manifests":[]})";
  bool send_digest = true;
  start([&](const seen_request& r) {
    canned c{200, {{"Content-Type", "application/vnd.oci.image.index.v1+json"}}, body};
    if (send_digest) c.headers.emplace_back("Docker-Content-Digest", sha256_digest(body));
    if (r.method == "HEAD") c.headers.emplace_back("Content-Length", std::to_string(body.size()));
    return c;
  });
  auto h = ask<manifest_head>(head_manifest_atom::value, head_request{repo, "v1", registry_auth::anonymous(), opts()});
  BOOST_REQUIRE_MESSAGE(h.ok(), h.error.to_string());
  BOOST_TEST(h.value->digest == sha256_digest(body));
  BOOST_TEST(h.value->size == body.size());
  BOOST_TEST(net->seen().size() == 1u);
  BOOST_TEST(net->seen()[0].method == "HEAD");
  send_digest = false;
  net->clear();
  auto g = ask<manifest_head>(head_manifest_atom::value, head_request{repo, "v1", registry_auth::anonymous(), opts()});
  BOOST_REQUIRE_MESSAGE(g.ok(), g.error.to_string());
  BOOST_TEST(g.value->digest == sha256_digest(body));
  BOOST_TEST(net->seen().size() == 2u);
  BOOST_TEST(net->seen()[1].method == "GET");
}

BOOST_AUTO_TEST_CASE(bad_references_are_refused_without_requests) {
  start([&](const seen_request&) { return json_ok("{}"); });
  auto tag = ask<manifest_result>(get_manifest_atom::value,
                                  manifest_request{repo, "bad tag", registry_auth::anonymous(), opts()});
  BOOST_REQUIRE(!tag.ok());
  BOOST_TEST(tag.error.code == errc::invalid_reference);
  auto dig = ask<manifest_head>(head_manifest_atom::value,
                                head_request{repo, "sha256:abc", registry_auth::anonymous(), opts()});
  BOOST_REQUIRE(!dig.ok());
  BOOST_TEST(dig.error.code == errc::invalid_reference);
  auto budget = ask<tag_list>(list_tags_atom::value, list_tags_request{repo, registry_auth::anonymous(), opts(0ms)});
  BOOST_REQUIRE(!budget.ok());
  BOOST_TEST(budget.error.code == errc::timeout);
  BOOST_TEST(net->seen().empty());
}

BOOST_AUTO_TEST_CASE(transport_failures_are_network_errors) {
  start([&](const seen_request&) { return canned{0, {}, "", http::failure::connection_refused}; });
  auto r = ask<tag_list>(list_tags_atom::value, list_tags_request{repo, registry_auth::anonymous(), opts()});
  BOOST_REQUIRE(!r.ok());
  BOOST_TEST(r.error.code == errc::network_error);
  BOOST_TEST(r.error.message.find("reg.example") != std::string::npos);
}

BOOST_AUTO_TEST_SUITE_END()

// ---- blobs ---------------------------------------------------------------------------

namespace {

struct blob_fixture : actor_fixture {
  std::filesystem::path dir;
  blob_fixture() {
    std::string tmpl = (std::filesystem::temp_directory_path() / "fluxaws-oci-XXXXXX").string();
    if (::mkdtemp(tmpl.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
    dir = tmpl;
  }
  ~blob_fixture() {
    std::error_code ec;
    std::filesystem::remove_all(dir, ec);
  }
  std::size_t files() const {
    std::size_t n = 0;
    for ([[maybe_unused]] const auto& e : std::filesystem::directory_iterator(dir)) ++n;
    return n;
  }
  blob_request blob(const std::string& digest, uint64_t max = 1 << 20) {
    blob_request b;
    b.repo = repo;
    b.digest = digest;
    b.auth = registry_auth::anonymous();
    b.opts = opts();
    b.dest = (dir / "layer.tar.gz").string();
    b.max_bytes = max;
    return b;
  }
};

const std::string layer = "layer bytes \x01\x02\x03";

}  // namespace

BOOST_FIXTURE_TEST_SUITE(registry_actor_blobs, blob_fixture)

BOOST_AUTO_TEST_CASE(verified_download) {
  start([&](const seen_request&) { return canned{200, {}, layer}; });
  auto req = blob(sha256_digest(layer));
  req.expected_size = layer.size();
  auto r = ask<blob_result>(fetch_blob_atom::value, req);
  BOOST_REQUIRE_MESSAGE(r.ok(), r.error.to_string());
  BOOST_TEST(r.value->size == layer.size());
  BOOST_TEST(r.value->path == req.dest);
  std::ifstream in(req.dest, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  BOOST_TEST(ss.str() == layer);
  BOOST_TEST(net->seen()[0].url == "https://reg.example/v2/team/app/blobs/" + sha256_digest(layer));
}

BOOST_AUTO_TEST_CASE(digest_mismatch_leaves_no_file) {
  start([&](const seen_request&) { return canned{200, {}, layer + "!"}; });
  auto r = ask<blob_result>(fetch_blob_atom::value, blob(sha256_digest(layer)));
  BOOST_REQUIRE(!r.ok());
  BOOST_TEST(r.error.code == errc::digest_mismatch);
  BOOST_TEST(files() == 0u);
}

BOOST_AUTO_TEST_CASE(short_body_is_truncated) {
  start([&](const seen_request&) { return canned{200, {}, layer.substr(0, 5)}; });
  auto req = blob(sha256_digest(layer));
  req.expected_size = layer.size();
  auto r = ask<blob_result>(fetch_blob_atom::value, req);
  BOOST_REQUIRE(!r.ok());
  BOOST_TEST(r.error.code == errc::truncated);
  BOOST_TEST(r.error.message.find("received 5 of") != std::string::npos);
  BOOST_TEST(files() == 0u);
}

BOOST_AUTO_TEST_CASE(broken_transfer_is_truncated) {
  start([&](const seen_request&) { return canned{0, {}, "", http::failure::io}; });
  auto r = ask<blob_result>(fetch_blob_atom::value, blob(sha256_digest(layer)));
  BOOST_REQUIRE(!r.ok());
  BOOST_TEST(r.error.code == errc::truncated);
  BOOST_TEST(files() == 0u);
}

BOOST_AUTO_TEST_CASE(size_caps) {
  start([&](const seen_request&) { return canned{200, {}, layer}; });
  auto over = blob(sha256_digest(layer), 4);
  auto r = ask<blob_result>(fetch_blob_atom::value, over);
  BOOST_REQUIRE(!r.ok());
  BOOST_TEST(r.error.code == errc::blob_too_large);
  BOOST_TEST(files() == 0u);
  // A descriptor size over the cap is refused before any request.
  net->clear();
  auto declared = blob(sha256_digest(layer), 100);
  declared.expected_size = 1000;
  auto d = ask<blob_result>(fetch_blob_atom::value, declared);
  BOOST_REQUIRE(!d.ok());
  BOOST_TEST(d.error.code == errc::blob_too_large);
  BOOST_TEST(net->seen().empty());
}

BOOST_AUTO_TEST_CASE(error_answer_reads_the_message_and_removes_the_file) {
  start([&](const seen_request&) {
    return canned{404, {}, R"({"errors":[{"code":"BLOB_UNKNOWN","message":"blob unknown to registry"}]})"};
  });
  auto r = ask<blob_result>(fetch_blob_atom::value, blob(sha256_digest(layer)));
  BOOST_REQUIRE(!r.ok());
  BOOST_TEST(r.error.code == errc::not_found);
  BOOST_TEST(r.error.message.find("BLOB_UNKNOWN: blob unknown to registry") != std::string::npos);
  BOOST_TEST(files() == 0u);
}

BOOST_AUTO_TEST_CASE(sha512_and_missing_parameters_refused) {
  start([&](const seen_request&) { return canned{200, {}, layer}; });
  auto s512 = ask<blob_result>(fetch_blob_atom::value, blob("sha512:" + std::string(128, 'a')));
  BOOST_REQUIRE(!s512.ok());
  BOOST_TEST(s512.error.code == errc::unsupported);
  auto no_dest = blob(sha256_digest(layer));
  no_dest.dest.clear();
  BOOST_TEST(ask<blob_result>(fetch_blob_atom::value, no_dest).error.code == errc::io_error);
  auto no_cap = blob(sha256_digest(layer), 0);
  BOOST_TEST(ask<blob_result>(fetch_blob_atom::value, no_cap).error.code == errc::blob_too_large);
  BOOST_TEST(net->seen().empty());
}

BOOST_AUTO_TEST_SUITE_END()
