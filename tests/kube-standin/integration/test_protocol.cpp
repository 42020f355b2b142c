// The stand-in as a running program, over raw HTTP: watch events and bookmarks,
// a cut mid-stream, a clean end at timeoutSeconds, 410 after compaction and after a
// restart, 409 on stale and armed writes, state kept across a restart, TokenRequest
// tokens checked with the conformance world's public key, 401 without the token.
#define BOOST_TEST_MODULE kube_standin_protocol
#include <openssl/evp.h>
#include <openssl/pem.h>

#include <boost/test/unit_test.hpp>
#include <fstream>
#include <sstream>

#include "adapters/common/encoding.hpp"
#include "tests/kube-standin/harness/standin_process.hpp"
#include "tests/kube-standin/integration/http_probe.hpp"

using namespace kstand;
using fluxaws::json::value;
using namespace std::chrono_literals;

namespace {

const std::string kCrdUrl = "/apis/apiextensions.k8s.io/v1/customresourcedefinitions";
const std::string kBuckets = "/apis/source.toolkit.fluxcd.io/v1/namespaces/tenant-a/buckets";

std::string slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  BOOST_REQUIRE_MESSAGE(in, "cannot read " + path);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::string shared_dir() {
  const char* s = std::getenv("FLUXAWS_SHARED_DIR");
  BOOST_REQUIRE_MESSAGE(s, "FLUXAWS_SHARED_DIR is not set (run through ctest)");
  return s;
}

struct running {
  harness::standin_process p;
  explicit running(std::vector<std::string> extra = {"--bookmark-interval-ms", "200"})
      : p(harness::standin_options{FLUXAWS_KUBE_STANDIN_BIN, std::move(extra)}) {}
  // A clean exit after SIGTERM (also how a sanitizer report in the child fails the test).
  ~running() {
    int rc = p.stop();
    BOOST_TEST(rc == 0, "fluxaws-kube-standin exited with " << rc << ":\n" << p.log_tail());
  }
  probe::reply call(const std::string& method, const std::string& target, const std::string& body = "",
                    const std::string& ct = "application/json") {
    return probe::request(p.port(), method, target, p.token(), body, ct);
  }
  void install_bucket_crd() {
    auto r = call("POST", kCrdUrl, slurp(shared_dir() + "/testdata/flux-crds/source.toolkit.fluxcd.io_buckets.yaml"),
                  "application/yaml");
    BOOST_REQUIRE_EQUAL(r.status, 201);
  }
  value create_bucket(const std::string& name) {
    auto r = call("POST", kBuckets,
                  R"({"apiVersion":"source.toolkit.fluxcd.io/v1","kind":"Bucket","metadata":{"name":")" + name +
                      R"("},"spec":{"bucketName":"b","endpoint":"s3.amazonaws.com","interval":"5m","provider":"aws"}})");
    BOOST_REQUIRE_EQUAL(r.status, 201);
    return r.json();
  }
};

std::string rv_of(const value& v) { return v.at({"metadata", "resourceVersion"})->as_string(); }

// Events until one of type `want` arrives (bounded); returns it or null.
value until(probe::watch_reader& w, const std::string& want, std::vector<std::string>* seen = nullptr) {
  for (int i = 0; i < 50; ++i) {
    auto ev = w.next(5s);
    if (!ev) return value();
    std::string type = ev->find("type")->as_string();
    if (seen) seen->push_back(type);
    if (type == want) return *ev;
  }
  return value();
}

}  // namespace

BOOST_AUTO_TEST_CASE(requests_without_the_token_are_refused) {
  running s;
  BOOST_TEST(probe::request(s.p.port(), "GET", "/api/v1/namespaces", "").status == 401);
  BOOST_TEST(probe::request(s.p.port(), "GET", "/api/v1/namespaces", "not-the-token").status == 401);
  BOOST_TEST(s.call("GET", "/api/v1/namespaces").status == 200);
  BOOST_TEST(s.call("GET", "/api/v1/namespaces/default").status == 200);
  BOOST_TEST(s.p.stop() == 0);  // SIGTERM is a clean stop
}

BOOST_AUTO_TEST_CASE(a_watch_sees_added_modified_deleted_and_bookmarks) {
  running s;
  s.install_bucket_crd();
  auto list = s.call("GET", kBuckets).json();
  probe::watch_reader w(s.p.port(), kBuckets + "?watch=true&allowWatchBookmarks=true&resourceVersion=" + rv_of(list),
                        s.p.token());
  BOOST_REQUIRE_EQUAL(w.status(), 200);
  s.create_bucket("a");
  auto added = until(w, "ADDED");
  BOOST_REQUIRE(!added.is_null());
  BOOST_TEST(added.at({"object", "metadata", "name"})->as_string() == "a");
  BOOST_TEST(added.at({"object", "apiVersion"})->as_string() == "source.toolkit.fluxcd.io/v1");
  BOOST_TEST(s.call("PATCH", kBuckets + "/a/status", R"({"status":{"observedGeneration":1}})", "application/merge-patch+json").status == 200);
  auto modified = until(w, "MODIFIED");
  BOOST_REQUIRE(!modified.is_null());
  BOOST_TEST(modified.at({"object", "status", "observedGeneration"})->as_int() == 1);
  auto bookmark = until(w, "BOOKMARK");
  BOOST_REQUIRE(!bookmark.is_null());
  BOOST_TEST(std::stoull(rv_of(bookmark.at({"object"}) ? *bookmark.find("object") : value())) >=
             std::stoull(rv_of(*modified.find("object"))));
  BOOST_TEST(s.call("DELETE", kBuckets + "/a").status == 200);
  auto deleted = until(w, "DELETED");
  BOOST_REQUIRE(!deleted.is_null());
  BOOST_TEST(deleted.at({"object", "metadata", "name"})->as_string() == "a");
  BOOST_TEST(!w.cut());
}

BOOST_AUTO_TEST_CASE(a_cut_watch_ends_without_the_final_chunk_and_a_timeout_ends_cleanly) {
  running s;
  s.install_bucket_crd();
  s.create_bucket("a");
  probe::watch_reader cut(s.p.port(), kBuckets + "?watch=1", s.p.token());
  auto first = cut.next(5s);  // the current state comes first
  BOOST_REQUIRE(first.has_value());
  BOOST_TEST(first->find("type")->as_string() == "ADDED");
  auto r = s.call("POST", "/_standin/watches/cut");
  BOOST_TEST(r.status == 200);
  BOOST_TEST(r.json().find("cut")->as_int() == 1);
  BOOST_TEST(!cut.next(5s).has_value());
  BOOST_TEST(cut.cut());
  BOOST_TEST(!cut.ended_cleanly());

  probe::watch_reader timed(s.p.port(), kBuckets + "?watch=1&timeoutSeconds=1", s.p.token());
  BOOST_TEST(timed.next(5s).has_value());
  BOOST_TEST(!timed.next(5s).has_value());
  BOOST_TEST(timed.ended_cleanly());
  BOOST_TEST(s.call("GET", "/_standin/state").json().find("openWatches")->as_int() == 0);
}

BOOST_AUTO_TEST_CASE(an_expired_resource_version_gets_410) {
  running s;
  s.install_bucket_crd();
  auto a = s.create_bucket("a");
  s.create_bucket("b");
  // Compaction: history before now is gone.
  BOOST_TEST(s.call("POST", "/_standin/history/compact").status == 200);
  probe::watch_reader w(s.p.port(), kBuckets + "?watch=1&resourceVersion=" + rv_of(a), s.p.token());
  BOOST_REQUIRE_EQUAL(w.status(), 200);
  auto ev = w.next(5s);
  BOOST_REQUIRE(ev.has_value());
  BOOST_TEST(ev->find("type")->as_string() == "ERROR");
  BOOST_TEST(ev->at({"object", "kind"})->as_string() == "Status");
  BOOST_TEST(ev->at({"object", "code"})->as_int() == 410);
  BOOST_TEST(ev->at({"object", "reason"})->as_string() == "Expired");
  BOOST_TEST(!w.next(5s).has_value());
  BOOST_TEST(w.ended_cleanly());
  // An exact list at a gone version is an HTTP 410.
  auto exact = s.call("GET", kBuckets + "?resourceVersion=" + rv_of(a) + "&resourceVersionMatch=Exact");
  BOOST_TEST(exact.status == 410);
  // Armed expiry: the next watch from a still-retained version expires too, once.
  auto now_rv = rv_of(s.call("GET", kBuckets).json());
  BOOST_TEST(s.call("POST", "/_standin/faults/expire-watches?count=1").status == 200);
  probe::watch_reader armed(s.p.port(), kBuckets + "?watch=1&resourceVersion=" + now_rv, s.p.token());
  auto e2 = armed.next(5s);
  BOOST_REQUIRE(e2.has_value());
  BOOST_TEST(e2->at({"object", "code"})->as_int() == 410);
  probe::watch_reader fine(s.p.port(), kBuckets + "?watch=1&timeoutSeconds=1&resourceVersion=" + now_rv, s.p.token());
  BOOST_TEST(!fine.next(3s).has_value());  // no events, no error
  BOOST_TEST(fine.ended_cleanly());
}

BOOST_AUTO_TEST_CASE(stale_and_armed_writes_get_409) {
  running s;
  s.install_bucket_crd();
  auto a = s.create_bucket("a");
  value edit = a;
  edit["spec"].set("endpoint", "s3.us-west-2.amazonaws.com");
  BOOST_TEST(s.call("PUT", kBuckets + "/a", fluxaws::json::dump(edit)).status == 200);
  auto stale = s.call("PUT", kBuckets + "/a", fluxaws::json::dump(edit));
  BOOST_TEST(stale.status == 409);
  BOOST_TEST(stale.json().find("reason")->as_string() == "Conflict");
  value st = a;
  st.set("status", value::make_object());
  st["status"].set("observedGeneration", 1);
  auto stale_status = s.call("PUT", kBuckets + "/a/status", fluxaws::json::dump(st));
  BOOST_TEST(stale_status.status == 409);
  BOOST_TEST(s.call("POST", "/_standin/faults/status-conflicts?count=1").status == 200);
  const std::string patch = R"({"status":{"observedGeneration":2}})";
  BOOST_TEST(s.call("PATCH", kBuckets + "/a/status", patch, "application/merge-patch+json").status == 409);
  BOOST_TEST(s.call("PATCH", kBuckets + "/a/status", patch, "application/merge-patch+json").status == 200);
  auto state = s.call("GET", "/_standin/state").json();
  BOOST_TEST(state.at({"requests", "PATCH buckets.source.toolkit.fluxcd.io/status"})->as_int() == 2);
}

BOOST_AUTO_TEST_CASE(a_restart_keeps_objects_status_and_credentials) {
  running s;
  s.install_bucket_crd();
  auto a = s.create_bucket("a");
  BOOST_REQUIRE_EQUAL(s.call("PATCH", kBuckets + "/a/status",
                             R"({"status":{"conditions":[{"type":"Ready","status":"True","reason":"Succeeded","message":"ok","lastTransitionTime":"2025-01-01T00:00:00Z"}]}})",
                             "application/merge-patch+json").status, 200);
  auto before = s.call("GET", kBuckets + "/a").json();
  const std::string token = s.p.token();
  const unsigned short port = s.p.port();
  probe::watch_reader w(port, kBuckets + "?watch=1&resourceVersion=" + rv_of(before), token);
  BOOST_REQUIRE_EQUAL(w.status(), 200);
  s.p.restart();
  BOOST_TEST(s.p.port() == port);
  BOOST_TEST(s.p.token() == token);
  BOOST_TEST(!w.next(5s).has_value());  // the old watch is gone with the old process
  BOOST_TEST(w.cut());
  auto after = s.call("GET", kBuckets + "/a").json();
  BOOST_TEST(fluxaws::json::dump(after) == fluxaws::json::dump(before));
  // Watching from the last version resumes; an older one is gone.
  probe::watch_reader resumed(port, kBuckets + "?watch=1&resourceVersion=" + rv_of(after), token);
  s.create_bucket("b");
  auto ev = resumed.next(5s);
  BOOST_REQUIRE(ev.has_value());
  BOOST_TEST(ev->find("type")->as_string() == "ADDED");
  BOOST_TEST(ev->at({"object", "metadata", "name"})->as_string() == "b");
  BOOST_TEST(std::stoull(rv_of(*ev->find("object"))) > std::stoull(rv_of(after)));
  probe::watch_reader old(port, kBuckets + "?watch=1&resourceVersion=" + rv_of(a), token);
  auto gone = old.next(5s);
  BOOST_REQUIRE(gone.has_value());
  BOOST_TEST(gone->at({"object", "code"})->as_int() == 410);
  // CRDs came back too: discovery serves the group.
  BOOST_TEST(s.call("GET", "/apis/source.toolkit.fluxcd.io/v1").status == 200);
}

BOOST_AUTO_TEST_CASE(token_requests_verify_with_the_conformance_public_key) {
  const std::string worlds = FLUXAWS_EMULATOR_WORLDS;
  running s({"--issuer", "https://oidc.conformance.local", "--signing-key", worlds + "/conformance-oidc.key"});
  const std::string url = "/api/v1/namespaces/tenant-a/serviceaccounts/flux/token";
  const std::string body = R"({"apiVersion":"authentication.k8s.io/v1","kind":"TokenRequest","spec":{"audiences":["sts.amazonaws.com"],"expirationSeconds":3600}})";
  BOOST_TEST(s.call("POST", url, body).status == 404);
  BOOST_REQUIRE_EQUAL(s.call("POST", "/api/v1/namespaces/tenant-a/serviceaccounts", R"({"metadata":{"name":"flux"}})").status, 201);
  auto r = s.call("POST", url, body);
  BOOST_REQUIRE_EQUAL(r.status, 201);
  const std::string token = r.json().at({"status", "token"})->as_string();
  BOOST_REQUIRE(!token.empty());

  auto d1 = token.find('.'), d2 = token.rfind('.');
  auto claims = fluxaws::json::parse(fluxaws::enc::unbase64url(token.substr(d1 + 1, d2 - d1 - 1)).value()).value();
  BOOST_TEST(claims.find("iss")->as_string() == "https://oidc.conformance.local");
  BOOST_TEST(claims.find("sub")->as_string() == "system:serviceaccount:tenant-a:flux");
  BOOST_TEST(fluxaws::json::dump(*claims.find("aud")) == R"(["sts.amazonaws.com"])");
  BOOST_TEST(claims.find("exp")->as_int() - claims.find("iat")->as_int() == 3600);
  BOOST_TEST(claims.at({"kubernetes.io", "namespace"})->as_string() == "tenant-a");
  BOOST_TEST(claims.at({"kubernetes.io", "serviceaccount", "name"})->as_string() == "flux");

  std::string pub = slurp(worlds + "/conformance-oidc.pub");
  BIO* bio = BIO_new_mem_buf(pub.data(), static_cast<int>(pub.size()));
  EVP_PKEY* key = PEM_read_bio_PUBKEY(bio, nullptr, nullptr, nullptr);
  BIO_free(bio);
  BOOST_REQUIRE(key);
  std::string input = token.substr(0, d2);
  std::string sig = fluxaws::enc::unbase64url(token.substr(d2 + 1)).value();
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  bool ok = EVP_DigestVerifyInit(ctx, nullptr, EVP_sha256(), nullptr, key) == 1 &&
            EVP_DigestVerify(ctx, reinterpret_cast<const unsigned char*>(sig.data()), sig.size(),
                             reinterpret_cast<const unsigned char*>(input.data()), input.size()) == 1;
  EVP_MD_CTX_free(ctx);
  EVP_PKEY_free(key);
  BOOST_TEST(ok);
  // The OIDC discovery documents a client of the issuer would read.
  auto jwks = s.call("GET", "/openid/v1/jwks").json();
  BOOST_TEST(jwks.find("keys")->size() == 1u);
}
