// JWT (RS256) verification and the KMS ciphertext format.
#include <boost/test/unit_test.hpp>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "adapters/common/encoding.hpp"
#include "tests/emulator/jwt.hpp"
#include "tests/emulator/kms_blob.hpp"
#include "tests/emulator/web_identity.hpp"
#include "tests/emulator/world.hpp"

using namespace emu;
namespace json = fluxaws::json;

namespace {

std::string worlds_dir() { return std::string(FLUXAWS_EMULATOR_DIR) + "/worlds"; }

std::string slurp(const std::string& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::shared_ptr<jwt::key> private_key() {
  auto k = jwt::key::private_from_pem(slurp(worlds_dir() + "/conformance-oidc.key"));
  BOOST_REQUIRE(k.ok());
  return k.value();
}

json::value claims(const std::string& sub, const std::string& aud, int64_t exp_offset) {
  auto now = std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
  json::value c = json::value::make_object();
  c.set("iss", "https://oidc.conformance.local");
  c.set("sub", sub);
  c.set("aud", json::array{json::value(aud)});
  c.set("iat", now);
  c.set("nbf", now);
  c.set("exp", now + exp_offset);
  return c;
}

const world& conformance() {
  static world w = [] {
    auto r = load_world(worlds_dir() + "/conformance.yaml");
    BOOST_REQUIRE_MESSAGE(r.ok(), (r.ok() ? "" : r.error().message));
    return std::move(r.value());
  }();
  return w;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(tokens)

BOOST_AUTO_TEST_CASE(rs256_round_trip_and_tampering) {
  auto key = private_key();
  auto token = jwt::sign_rs256(claims("system:serviceaccount:tenant-a:flux", "sts.amazonaws.com", 600), *key);
  BOOST_REQUIRE(token.ok());
  auto pub = jwt::key::public_from_pem(slurp(worlds_dir() + "/conformance-oidc.pub"));
  BOOST_REQUIRE(pub.ok());
  auto t = jwt::decode(*token);
  BOOST_REQUIRE(t.ok());
  BOOST_TEST(jwt::verify_rs256(*t, *pub.value()));
  BOOST_TEST(t->sub() == "system:serviceaccount:tenant-a:flux");
  BOOST_TEST(t->aud().size() == 1u);

  // Flip one character of the payload: the signature no longer holds.
  std::string bad = *token;
  auto dot = bad.find('.');
  bad[dot + 5] = bad[dot + 5] == 'A' ? 'B' : 'A';
  auto tb = jwt::decode(bad);
  BOOST_TEST((!tb.ok() || !jwt::verify_rs256(*tb, *pub.value())));
  BOOST_TEST(!jwt::decode("not-a-jwt").ok());
  BOOST_TEST(!jwt::decode("a.b").ok());
}

BOOST_AUTO_TEST_CASE(web_identity_checks_issuer_time_and_audience) {
  auto v = web_identity_verifier::create(conformance());
  BOOST_REQUIRE(v.ok());
  auto key = private_key();
  auto now = std::chrono::system_clock::now();
  auto ok = jwt::sign_rs256(claims("system:serviceaccount:tenant-a:flux", "sts.amazonaws.com", 600), *key);
  auto r = v.value()->verify(*ok, now, "111122223333");
  BOOST_TEST(r.ok(), (r.ok() ? "" : r.error().message));

  auto expired = jwt::sign_rs256(claims("system:serviceaccount:tenant-a:flux", "sts.amazonaws.com", -10), *key);
  auto e = v.value()->verify(*expired, now, "111122223333");
  BOOST_REQUIRE(!e.ok());
  BOOST_TEST(e.error().code == "ExpiredTokenException");

  auto wrong_aud = jwt::sign_rs256(claims("system:serviceaccount:tenant-a:flux", "example.com", 600), *key);
  auto a = v.value()->verify(*wrong_aud, now, "111122223333");
  BOOST_REQUIRE(!a.ok());
  BOOST_TEST(a.error().code == "InvalidIdentityToken");
  BOOST_TEST(a.error().message == "Incorrect token audience");

  auto c = claims("x", "sts.amazonaws.com", 600);
  c.set("iss", "https://unknown.example");
  auto unknown = jwt::sign_rs256(c, *key);
  auto u = v.value()->verify(*unknown, now, "111122223333");
  BOOST_REQUIRE(!u.ok());
  BOOST_TEST(u.error().code == "InvalidIdentityToken");

  // Pod Identity asks for its own audience.
  auto pods = jwt::sign_rs256(claims("system:serviceaccount:flux-system:fluxaws", "pods.eks.amazonaws.com", 600), *key);
  BOOST_TEST(v.value()->verify(*pods, now, "111122223333", "pods.eks.amazonaws.com").ok());
  BOOST_TEST(!v.value()->verify(*pods, now, "111122223333").ok());
}

BOOST_AUTO_TEST_CASE(kms_blob_binds_key_and_context) {
  std::string material(32, 'k');
  kms_blob::encryption_context ctx{{"purpose", "sops"}, {"tenant", "a"}};
  auto blob = kms_blob::seal(material, "arn:aws:kms:us-east-1:111122223333:key/k1", "secret data", ctx);
  BOOST_TEST(*kms_blob::key_arn_of(blob) == "arn:aws:kms:us-east-1:111122223333:key/k1");
  auto pt = kms_blob::open(material, blob, ctx);
  BOOST_REQUIRE(pt.ok());
  BOOST_TEST(*pt == "secret data");
  auto other_ctx = ctx;
  other_ctx["tenant"] = "b";
  BOOST_TEST(!kms_blob::open(material, blob, other_ctx).ok());
  BOOST_TEST(!kms_blob::open(material, blob, {}).ok());
  BOOST_TEST(!kms_blob::open(std::string(32, 'x'), blob, ctx).ok());
  auto cut = blob.substr(0, 10);
  BOOST_TEST(!kms_blob::open(material, cut, ctx).ok());
  auto flipped = blob;
  flipped.back() ^= 1;
  auto r = kms_blob::open(material, flipped, ctx);
  BOOST_REQUIRE(!r.ok());
  BOOST_TEST(r.error().code == "InvalidCiphertextException");
  // Two seals of the same plaintext differ (random nonce).
  BOOST_TEST(kms_blob::seal(material, "a", "x", {}) != kms_blob::seal(material, "a", "x", {}));
}

BOOST_AUTO_TEST_SUITE_END()
