// RS256 signing, ServiceAccount token claims, and the local token issuer actor.
// Signatures are checked with OpenSSL directly, independently of the signer.
#include <boost/test/unit_test.hpp>

#include <caf/actor_system.hpp>
#include <caf/scoped_actor.hpp>

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "adapters/common/encoding.hpp"
#include "adapters/common/jwt.hpp"
#include "adapters/common/strings.hpp"
#include "adapters/kube/local_sa_token_issuer.hpp"
#include "adapters/kube/sa_token_claims.hpp"
#include "plane_fixture.hpp"

using namespace fluxaws;
using namespace std::chrono_literals;

namespace {

bool verify_rs256(const std::string& compact, const std::string& public_pem) {
  auto last = compact.rfind('.');
  if (last == std::string::npos) return false;
  auto sig = enc::unbase64url(compact.substr(last + 1));
  if (!sig) return false;
  std::string input = compact.substr(0, last);
  BIO* bio = BIO_new_mem_buf(public_pem.data(), static_cast<int>(public_pem.size()));
  EVP_PKEY* pk = PEM_read_bio_PUBKEY(bio, nullptr, nullptr, nullptr);
  BIO_free(bio);
  if (!pk) return false;
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  bool ok = EVP_DigestVerifyInit(ctx, nullptr, EVP_sha256(), nullptr, pk) == 1 &&
            EVP_DigestVerify(ctx, reinterpret_cast<const unsigned char*>(sig->data()), sig->size(),
                             reinterpret_cast<const unsigned char*>(input.data()), input.size()) == 1;
  EVP_MD_CTX_free(ctx);
  EVP_PKEY_free(pk);
  return ok;
}

json::value part(const std::string& compact, int i) {
  auto parts = str::split(compact, '.');
  BOOST_REQUIRE(parts.size() == 3u);
  auto raw = enc::unbase64url(parts[static_cast<std::size_t>(i)]);
  BOOST_REQUIRE(raw);
  auto v = json::parse(*raw);
  BOOST_REQUIRE(v);
  return *v;
}

std::string pem_of(EVP_PKEY* pk, bool encrypted = false) {
  BIO* bio = BIO_new(BIO_s_mem());
  if (encrypted)
    PEM_write_bio_PrivateKey(bio, pk, EVP_aes_256_cbc(), nullptr, 0, nullptr, const_cast<char*>("pass"));
  else
    PEM_write_bio_PrivateKey(bio, pk, nullptr, nullptr, 0, nullptr, nullptr);
  char* data = nullptr;
  long n = BIO_get_mem_data(bio, &data);
  std::string pem(data, static_cast<std::size_t>(n));
  BIO_free(bio);
  return pem;
}

struct temp_file {
  std::string path;
  explicit temp_file(const std::string& content) {
    static int n = 0;
    path = (std::filesystem::temp_directory_path() /
            ("fluxaws-cred-" + std::to_string(::getpid()) + "-" + std::to_string(n++)))
               .string();
    std::ofstream(path, std::ios::binary) << content;
  }
  ~temp_file() {
    std::error_code ec;
    std::filesystem::remove(path, ec);
  }
};

}  // namespace

BOOST_AUTO_TEST_SUITE(rs256)

BOOST_AUTO_TEST_CASE(signs_verifiable_tokens_with_the_api_servers_header) {
  auto key = jwt::rsa_signing_key::from_pem(test::test_key_pem());
  BOOST_REQUIRE(key.ok());
  BOOST_TEST((*key)->bits() == 2048);
  json::value payload = json::value::make_object();
  payload.set("sub", "system:serviceaccount:a:b");
  auto token = jwt::sign_rs256(payload, **key);
  BOOST_REQUIRE(token.ok());
  BOOST_TEST(verify_rs256(*token, (*key)->public_key_pem()));
  auto header = part(*token, 0);
  BOOST_TEST(json::dump(header) == "{\"alg\":\"RS256\",\"kid\":\"" + (*key)->key_id() + "\"}");
  BOOST_TEST(json::dump(part(*token, 1)) == json::dump(payload));
  // A tampered payload does not verify.
  auto parts = str::split(*token, '.');
  std::string forged = enc::base64url("{\"sub\":\"system:serviceaccount:b:b\"}");
  BOOST_TEST(!verify_rs256(std::string(parts[0]) + "." + forged + "." + std::string(parts[2]), (*key)->public_key_pem()));
}

BOOST_AUTO_TEST_CASE(key_id_is_kubernetes_style) {
  auto key = jwt::rsa_signing_key::from_pem(test::test_key_pem());
  BOOST_REQUIRE(key.ok());
  // base64url(SHA-256(DER SPKI)): 43 characters, URL alphabet, no padding.
  const auto& kid = (*key)->key_id();
  BOOST_TEST(kid.size() == 43u);
  BOOST_TEST(kid.find_first_of("+/=") == std::string::npos);
  auto again = jwt::rsa_signing_key::from_pem(test::test_key_pem());
  BOOST_TEST((*again)->key_id() == kid);
}

BOOST_AUTO_TEST_CASE(refuses_unusable_keys_clearly) {
  auto junk = jwt::rsa_signing_key::from_pem("not a key");
  BOOST_REQUIRE(!junk.ok());
  BOOST_TEST(junk.error().message.find("PEM") != std::string::npos);

  EVP_PKEY* ec = EVP_EC_gen("P-256");
  auto ec_key = jwt::rsa_signing_key::from_pem(pem_of(ec));
  EVP_PKEY_free(ec);
  BOOST_REQUIRE(!ec_key.ok());
  BOOST_TEST(ec_key.error().message.find("not an RSA key") != std::string::npos);

  EVP_PKEY* small = EVP_RSA_gen(1024);
  auto small_key = jwt::rsa_signing_key::from_pem(pem_of(small));
  BOOST_REQUIRE(!small_key.ok());
  BOOST_TEST(small_key.error().message.find("1024 bits") != std::string::npos);

  auto enc_pem = pem_of(small, true);
  EVP_PKEY_free(small);
  auto enc_key = jwt::rsa_signing_key::from_pem(enc_pem);
  BOOST_REQUIRE(!enc_key.ok());
  BOOST_TEST(enc_key.error().message.find("encrypted") != std::string::npos);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(service_account_tokens)

BOOST_AUTO_TEST_CASE(claims_are_the_api_servers) {
  kube::sa_token_claims_input in;
  in.issuer = "https://oidc.example.com";
  in.ns = "tenant-a";
  in.name = "flux";
  in.uid = "0b6b0a2e-5a3c-4c1e-9a57-1f3a5c7e9a01";
  in.audiences = {"sts.amazonaws.com"};
  in.issued_at = std::chrono::system_clock::time_point(std::chrono::seconds(1'700'000'000)) + 250ms;
  in.lifetime = 3600s;
  in.jti = "6f1c2d3e-0000-4000-8000-000000000001";
  BOOST_TEST(json::dump(kube::service_account_token_claims(in)) ==
             "{\"aud\":[\"sts.amazonaws.com\"],\"exp\":1700003600,\"iat\":1700000000,"
             "\"iss\":\"https://oidc.example.com\",\"jti\":\"6f1c2d3e-0000-4000-8000-000000000001\","
             "\"kubernetes.io\":{\"namespace\":\"tenant-a\",\"serviceaccount\":{\"name\":\"flux\","
             "\"uid\":\"0b6b0a2e-5a3c-4c1e-9a57-1f3a5c7e9a01\"}},\"nbf\":1700000000,"
             "\"sub\":\"system:serviceaccount:tenant-a:flux\"}");
}

BOOST_AUTO_TEST_CASE(requests_are_checked) {
  BOOST_TEST(kube::check_sa_token_request("tenant-a", "flux", {"sts.amazonaws.com"}).ok());
  BOOST_TEST(kube::check_sa_token_request("tenant-a", "flux.sops", {"sts.amazonaws.com"}).ok());
  BOOST_TEST(!kube::check_sa_token_request("Tenant_A", "flux", {"sts.amazonaws.com"}).ok());
  BOOST_TEST(!kube::check_sa_token_request("tenant-a", "", {"sts.amazonaws.com"}).ok());
  BOOST_TEST(!kube::check_sa_token_request("tenant-a", "flux", {}).ok());
  auto st = kube::check_sa_token_request("tenant-a", "a/b", {"x"});
  BOOST_REQUIRE(!st.ok());
  BOOST_TEST(st.error().message.find("tenant-a/a/b") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(uuids) {
  auto a = kube::random_uuid(), b = kube::random_uuid();
  BOOST_TEST(a != b);
  BOOST_TEST(a.size() == 36u);
  BOOST_TEST(a[14] == '4');
  BOOST_TEST(kube::name_uuid("tenant-a/flux") == kube::name_uuid("tenant-a/flux"));
  BOOST_TEST(kube::name_uuid("tenant-a/flux") != kube::name_uuid("tenant-b/flux"));
  BOOST_TEST(kube::name_uuid("x")[14] == '5');
}

BOOST_AUTO_TEST_CASE(the_local_issuer_signs_what_it_is_asked) {
  test::test_system_config cfg;
  caf::actor_system sys{cfg};
  caf::scoped_actor self{sys};
  auto now = std::chrono::system_clock::time_point(std::chrono::seconds(1'800'000'000));
  kube::local_sa_token_options lo;
  lo.clock = [now] { return now; };
  lo.uid_of = [](const std::string& ns, const std::string& name) {
    return ns == "tenant-a" && name == "flux" ? std::string("uid-from-manifest") : std::string();
  };
  auto issuer = kube::spawn_local_sa_token_issuer(sys, "https://oidc.test.local/", test::test_key_file(), lo);
  BOOST_REQUIRE_MESSAGE(issuer.ok(), (issuer.ok() ? "" : issuer.error().message));
  auto ask = [&](kube::sa_token_request req) {
    kube::sa_token_reply out;
    self->request(*issuer, 10s, kube::sa_token_atom::value, std::move(req))
        .receive([&](kube::sa_token_reply& r) { out = std::move(r); }, [&](caf::error&) {});
    return out;
  };
  auto r = ask({"tenant-a", "flux", "sts.amazonaws.com", 3600s});
  BOOST_REQUIRE(r.ok);
  auto key = jwt::rsa_signing_key::from_pem(test::test_key_pem());
  BOOST_TEST(verify_rs256(r.token, (*key)->public_key_pem()));
  auto claims = part(r.token, 1);
  BOOST_TEST(claims.find("iss")->as_string() == "https://oidc.test.local");  // trailing '/' dropped
  BOOST_TEST(claims.find("sub")->as_string() == "system:serviceaccount:tenant-a:flux");
  BOOST_TEST(json::dump(*claims.find("aud")) == "[\"sts.amazonaws.com\"]");
  BOOST_TEST(claims.find("exp")->as_int() == 1'800'003'600);
  BOOST_TEST(claims.find("nbf")->as_int() == 1'800'000'000);
  BOOST_TEST(claims.at({"kubernetes.io", "serviceaccount", "uid"})->as_string() == "uid-from-manifest");
  BOOST_TEST((r.expires_at == now + 3600s));
  // Unknown uid: a stable derived one; lifetimes clamped to the API server's minimum.
  auto r2 = ask({"tenant-b", "flux", "sts.amazonaws.com", 60s});
  BOOST_REQUIRE(r2.ok);
  auto c2 = part(r2.token, 1);
  BOOST_TEST(c2.at({"kubernetes.io", "serviceaccount", "uid"})->as_string() == kube::name_uuid("tenant-b/flux"));
  BOOST_TEST(c2.find("exp")->as_int() - c2.find("iat")->as_int() == 600);
  // A bad request is answered with an error naming the ServiceAccount.
  auto bad = ask({"tenant-a", "Not_Valid", "sts.amazonaws.com", 3600s});
  BOOST_TEST(!bad.ok);
  BOOST_TEST(bad.token.empty());
  BOOST_TEST(bad.error.message.find("tenant-a/Not_Valid") != std::string::npos);
  self->send_exit(*issuer, caf::exit_reason::user_shutdown);
}

BOOST_AUTO_TEST_CASE(the_local_issuer_refuses_to_start_without_a_usable_key) {
  test::test_system_config cfg;
  caf::actor_system sys{cfg};
  auto missing = kube::spawn_local_sa_token_issuer(sys, "https://oidc.test.local", "/nonexistent/key.pem");
  BOOST_REQUIRE(!missing.ok());
  BOOST_TEST(missing.error().message.find("/nonexistent/key.pem") != std::string::npos);
  temp_file junk("-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n");
  auto bad = kube::spawn_local_sa_token_issuer(sys, "https://oidc.test.local", junk.path);
  BOOST_REQUIRE(!bad.ok());
  BOOST_TEST(bad.error().message.find(junk.path) != std::string::npos);
  BOOST_TEST(bad.error().message.find("AAAA") == std::string::npos);
  auto plain = kube::spawn_local_sa_token_issuer(sys, "http://oidc.test.local", test::test_key_file());
  BOOST_REQUIRE(!plain.ok());
  BOOST_TEST(plain.error().message.find("https://") != std::string::npos);
}

BOOST_AUTO_TEST_SUITE_END()
