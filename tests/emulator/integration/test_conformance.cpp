// The emulator with the conformance world, driven over real connections: requests are
// signed with the project's own SigV4 signer and sent with libcurl (TLS to the real
// AWS host names through connect-to rules, trusting the emulator's CA). Checks the
// ready files, every service's happy path, the refusals the issue names (wrong
// secret, expired session, wrong audience, principal outside a policy) with AWS's own
// error codes, the call counters, fault injection, and a clean SIGTERM stop.
#define BOOST_TEST_MODULE emulator_conformance
#include <boost/test/unit_test.hpp>

#include <curl/curl.h>
#include <signal.h>
#include <sys/wait.h>

#include <cstdlib>

#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <thread>

#include "adapters/aws/credentials.hpp"
#include "adapters/aws/sigv4.hpp"
#include "adapters/common/encoding.hpp"
#include "adapters/common/json.hpp"
#include "adapters/common/strings.hpp"
#include "tests/emulator/harness/emulator_process.hpp"
#include "tests/emulator/jwt.hpp"

namespace json = fluxaws::json;
namespace sigv4 = fluxaws::aws::sigv4;
using fluxaws::aws::credentials;

namespace {

const std::string kWorlds = std::string(FLUXAWS_EMULATOR_DIR) + "/worlds";
const std::string kAccount = "111122223333";

std::string slurp(const std::string& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

struct reply {
  long status = 0;
  std::string body;
  std::map<std::string, std::string> headers;  // lower-case names
  std::string error;                           // curl's, when no answer
  std::string header(const std::string& n) const {
    auto it = headers.find(n);
    return it == headers.end() ? "" : it->second;
  }
  // <Code>…</Code> of an XML error, or __type of a JSON one.
  std::string code() const {
    auto a = body.find("<Code>");
    if (a != std::string::npos) return body.substr(a + 6, body.find("</Code>") - a - 6);
    auto doc = json::parse(body);
    if (doc && doc->find("__type")) return doc->find("__type")->as_string();
    return {};
  }
};

std::size_t on_body(char* p, std::size_t s, std::size_t n, void* u) {
  static_cast<std::string*>(u)->append(p, s * n);
  return s * n;
}

std::size_t on_header(char* p, std::size_t s, std::size_t n, void* u) {
  std::string line(p, s * n);
  auto colon = line.find(':');
  if (colon != std::string::npos)
    (*static_cast<std::map<std::string, std::string>*>(u))[fluxaws::str::to_lower(line.substr(0, colon))] =
        std::string(fluxaws::str::trim(line.substr(colon + 1)));
  return s * n;
}

// FLUXAWS_EMULATOR_BIN / FLUXAWS_EMULATOR_ARGS (space-separated) override the binary and
// add arguments: run this test against a sanitizer build or with --threads 4.
emu::harness::emulator_options options() {
  emu::harness::emulator_options o{FLUXAWS_EMULATOR_BIN, kWorlds + "/conformance.yaml", {}, std::chrono::seconds(600)};
  if (const char* bin = std::getenv("FLUXAWS_EMULATOR_BIN"); bin && *bin) o.binary = bin;
  if (const char* args = std::getenv("FLUXAWS_EMULATOR_ARGS"))
    for (auto a : fluxaws::str::split(args, ' '))
      if (!a.empty()) o.extra_args.emplace_back(a);
  return o;
}

struct world_fixture {
  emu::harness::emulator_process emu{options()};

  // Sends to https://host (or http://host) through a connect-to rule to the emulator.
  reply send(const std::string& method, const std::string& host, const std::string& target,
             const std::vector<std::pair<std::string, std::string>>& headers, const std::string& body,
             bool tls = true) {
    reply r;
    CURL* c = curl_easy_init();
    std::string url = (tls ? "https://" : "http://") + host + target;
    std::string rule = host + (tls ? ":443:" : ":80:") + "127.0.0.1:" + std::to_string(emu.port());
    curl_slist* connect_to = curl_slist_append(nullptr, rule.c_str());
    curl_slist* hdrs = nullptr;
    for (const auto& [k, v] : headers) {
      if (fluxaws::str::iequals(k, "host")) continue;  // curl sends it from the URL
      hdrs = curl_slist_append(hdrs, (k + ": " + v).c_str());
    }
    hdrs = curl_slist_append(hdrs, "Expect:");
    curl_easy_setopt(c, CURLOPT_URL, url.c_str());
    curl_easy_setopt(c, CURLOPT_CONNECT_TO, connect_to);
    curl_easy_setopt(c, CURLOPT_CAINFO, emu.ca_file().c_str());
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, hdrs);
    curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method.c_str());
    if (method == "HEAD") curl_easy_setopt(c, CURLOPT_NOBODY, 1L);
    if (!body.empty() || method == "POST" || method == "PUT") {
      curl_easy_setopt(c, CURLOPT_POSTFIELDS, body.data());
      curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE, static_cast<long>(body.size()));
    }
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, &r.body);
    curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_header);
    curl_easy_setopt(c, CURLOPT_HEADERDATA, &r.headers);
    curl_easy_setopt(c, CURLOPT_TIMEOUT, 60L);
    auto rc = curl_easy_perform(c);
    if (rc != CURLE_OK) r.error = curl_easy_strerror(rc);
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &r.status);
    curl_slist_free_all(hdrs);
    curl_slist_free_all(connect_to);
    curl_easy_cleanup(c);
    return r;
  }

  // A SigV4-signed call with the project's signer.
  reply aws(const credentials& creds, const std::string& service, const std::string& region, const std::string& host,
            const std::string& method, const std::string& path, const std::string& query, const std::string& body,
            std::vector<std::pair<std::string, std::string>> headers = {}, bool s3 = false,
            std::chrono::seconds clock_offset = {}) {
    sigv4::http_request r{method, path, query, {}, body};
    r.headers.emplace_back("Host", host);
    for (auto& h : headers) r.headers.push_back(h);
    sigv4::signing_params p;
    p.region = region;
    p.service = service;
    p.time = std::chrono::system_clock::now() + clock_offset;
    p.normalize_path = !s3;
    p.sign_body_header = s3;
    sigv4::sign_headers(r, creds, p);
    std::string target = fluxaws::enc::uri_encode(path, true) + (query.empty() ? "" : "?" + query);
    return send(method, host, target, r.headers, body);
  }

  reply sts(const credentials& creds, const std::string& form, std::chrono::seconds clock_offset = {}) {
    return aws(creds, "sts", "us-east-1", "sts.us-east-1.amazonaws.com", "POST", "/", "", form,
               {{"Content-Type", "application/x-www-form-urlencoded"}}, false, clock_offset);
  }
  reply kms(const credentials& creds, const std::string& region, const std::string& op, const json::value& body) {
    return aws(creds, "kms", region, "kms." + region + ".amazonaws.com", "POST", "/", "", json::dump(body),
               {{"Content-Type", "application/x-amz-json-1.1"}, {"X-Amz-Target", "TrentService." + op}});
  }
  reply s3(const credentials& creds, const std::string& region, const std::string& bucket, const std::string& method,
           const std::string& key, const std::string& query = "", const std::string& body = "",
           std::vector<std::pair<std::string, std::string>> headers = {}) {
    return aws(creds, "s3", region, bucket + ".s3." + region + ".amazonaws.com", method, "/" + key, query, body,
               std::move(headers), true);
  }
  reply ecr(const credentials& creds, const std::string& op, const std::string& body = "{}") {
    return aws(creds, "ecr", "us-east-1", "api.ecr.us-east-1.amazonaws.com", "POST", "/", "", body,
               {{"Content-Type", "application/x-amz-json-1.1"},
                {"X-Amz-Target", "AmazonEC2ContainerRegistry_V20150921." + op}});
  }
  reply admin(const std::string& method, const std::string& path, const std::string& body = "") {
    return send(method, "127.0.0.1", path, {{"Content-Type", "application/json"}}, body, false);
  }

  // AssumeRoleWithWebIdentity (unsigned) with a token signed by the world's OIDC key.
  reply assume_web(const std::string& role, const std::string& sub, const std::string& aud, int64_t exp_offset = 600,
                   const std::string& extra = "") {
    auto key = emu::jwt::key::private_from_pem(slurp(kWorlds + "/conformance-oidc.key"));
    BOOST_REQUIRE(key.ok());
    auto now = std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
    json::value c = json::value::make_object();
    c.set("iss", "https://oidc.conformance.local");
    c.set("sub", sub);
    c.set("aud", aud);
    c.set("iat", now - 5);
    c.set("exp", now + exp_offset);
    auto token = emu::jwt::sign_rs256(c, *key.value());
    BOOST_REQUIRE(token.ok());
    std::string form = "Action=AssumeRoleWithWebIdentity&Version=2011-06-15&RoleArn=" +
                       fluxaws::enc::uri_encode("arn:aws:iam::" + kAccount + ":role/" + role) +
                       "&RoleSessionName=conformance&WebIdentityToken=" + *token + extra;
    return send("POST", "sts.us-east-1.amazonaws.com", "/", {{"Content-Type", "application/x-www-form-urlencoded"}}, form);
  }
};

std::string between(const std::string& s, const std::string& a, const std::string& b) {
  auto i = s.find(a);
  if (i == std::string::npos) return {};
  i += a.size();
  return s.substr(i, s.find(b, i) - i);
}

credentials session_of(const reply& r) {
  credentials c;
  c.access_key_id = between(r.body, "<AccessKeyId>", "</AccessKeyId>");
  c.secret_access_key = between(r.body, "<SecretAccessKey>", "</SecretAccessKey>");
  c.session_token = between(r.body, "<SessionToken>", "</SessionToken>");
  return c;
}

credentials ci() { return {"AKIACONFORMANCE00001", "conformance/Secret+Key/00001", "", std::nullopt, "static"}; }
credentials outsider() { return {"AKIAOUTSIDER00000001", "outsider/Secret+Key/00001", "", std::nullopt, "static"}; }

json::value obj(std::initializer_list<std::pair<const char*, json::value>> members) {
  json::value v = json::value::make_object();
  for (const auto& [k, val] : members) v.set(k, val);
  return v;
}

world_fixture* the_world = nullptr;

struct global_fixture {
  global_fixture() {
    curl_global_init(CURL_GLOBAL_DEFAULT);
    the_world = new world_fixture();
  }
  ~global_fixture() {
    delete the_world;
    curl_global_cleanup();
  }
};

}  // namespace

BOOST_TEST_GLOBAL_FIXTURE(global_fixture);

BOOST_AUTO_TEST_CASE(ready_files_describe_the_emulator) {
  auto& w = *the_world;
  auto ready = json::parse(w.emu.ready_json());
  BOOST_REQUIRE(ready);
  BOOST_TEST(ready->find("listen")->as_string() == "127.0.0.1:" + std::to_string(w.emu.port()));
  BOOST_TEST(ready->find("ca")->as_string() == w.emu.ca_file());
  BOOST_TEST(ready->find("registry")->is_string());
  BOOST_TEST(ready->find("pid")->as_int() == w.emu.pid());
  BOOST_TEST(slurp(w.emu.ca_file()).find("BEGIN CERTIFICATE") != std::string::npos);
  auto env = slurp(w.emu.state_dir() + "/env");
  BOOST_TEST(env.find("export AWS_ENDPOINT_URL_STS=https://127.0.0.1:" + std::to_string(w.emu.port())) != std::string::npos);
  BOOST_TEST(env.find("AWS_CA_BUNDLE=") != std::string::npos);
  auto cfg = slurp(w.emu.state_dir() + "/fluxaws.yaml");
  auto to = ":127.0.0.1:" + std::to_string(w.emu.port());
  for (const std::string host : {"sts.us-east-1.amazonaws.com:443", "kms.eu-west-1.amazonaws.com:443",
                                 "111122223333.dkr.ecr.us-east-1.amazonaws.com:443",
                                 "tenant-b-manifests.s3.eu-west-1.amazonaws.com:443", "169.254.169.254:80",
                                 "169.254.170.23:80"})
    BOOST_TEST(cfg.find(host + to) != std::string::npos, host);
  BOOST_TEST(cfg.find("serviceAccountTokenIssuer: https://oidc.conformance.local") != std::string::npos);
  BOOST_TEST(cfg.find(kWorlds + "/conformance-oidc.key") != std::string::npos);
  BOOST_TEST(w.emu.registry_pid() > 0);
}

BOOST_AUTO_TEST_CASE(sts_caller_identity_and_signature_refusals) {
  auto& w = *the_world;
  auto ok = w.sts(ci(), "Action=GetCallerIdentity&Version=2011-06-15");
  BOOST_TEST(ok.error == "");
  BOOST_TEST(ok.status == 200);
  BOOST_TEST(between(ok.body, "<Arn>", "</Arn>") == "arn:aws:iam::111122223333:user/ci");

  auto bad_secret = ci();
  bad_secret.secret_access_key = "not-the-secret";
  auto r = w.sts(bad_secret, "Action=GetCallerIdentity&Version=2011-06-15");
  BOOST_TEST(r.status == 403);
  BOOST_TEST(r.code() == "SignatureDoesNotMatch");

  auto unknown = ci();
  unknown.access_key_id = "AKIAUNKNOWN000000000";
  r = w.sts(unknown, "Action=GetCallerIdentity&Version=2011-06-15");
  BOOST_TEST(r.status == 403);
  BOOST_TEST(r.code() == "InvalidClientTokenId");

  r = w.sts(ci(), "Action=GetCallerIdentity&Version=2011-06-15", std::chrono::minutes(-20));
  BOOST_TEST(r.status == 403);
  BOOST_TEST(r.code() == "SignatureDoesNotMatch");
  BOOST_TEST(r.body.find("Signature expired") != std::string::npos);

  // Wrong secret on each of the other services: their own codes.
  r = w.kms(bad_secret, "us-east-1", "Encrypt", obj({{"KeyId", "alias/tenant-a"}, {"Plaintext", "aGk="}}));
  BOOST_TEST(r.status == 400);
  BOOST_TEST(r.code() == "InvalidSignatureException");
  r = w.s3(bad_secret, "us-east-1", "tenant-a-manifests", "GET", "namespace.yaml");
  BOOST_TEST(r.status == 403);
  BOOST_TEST(r.code() == "SignatureDoesNotMatch");
  r = w.ecr(unknown, "GetAuthorizationToken");
  BOOST_TEST(r.code() == "UnrecognizedClientException");
}

BOOST_AUTO_TEST_CASE(web_identity_trust_audience_and_expiry) {
  auto& w = *the_world;
  auto ok = w.assume_web("tenant-a", "system:serviceaccount:tenant-a:flux", "sts.amazonaws.com");
  BOOST_TEST(ok.status == 200, ok.body);
  BOOST_TEST(between(ok.body, "<Arn>", "</Arn>") == "arn:aws:sts::111122223333:assumed-role/tenant-a/conformance");
  auto creds = session_of(ok);
  BOOST_TEST(fluxaws::str::starts_with(creds.access_key_id, "ASIA"));
  auto who = w.sts(creds, "Action=GetCallerIdentity&Version=2011-06-15");
  BOOST_TEST(between(who.body, "<Arn>", "</Arn>") == "arn:aws:sts::111122223333:assumed-role/tenant-a/conformance");

  auto wrong_aud = w.assume_web("tenant-a", "system:serviceaccount:tenant-a:flux", "example.com");
  BOOST_TEST(wrong_aud.status == 400);
  BOOST_TEST(wrong_aud.code() == "InvalidIdentityToken");
  auto wrong_sub = w.assume_web("tenant-a", "system:serviceaccount:tenant-b:flux", "sts.amazonaws.com");
  BOOST_TEST(wrong_sub.status == 403);
  BOOST_TEST(wrong_sub.code() == "AccessDenied");
  auto expired = w.assume_web("tenant-a", "system:serviceaccount:tenant-a:flux", "sts.amazonaws.com", -30);
  BOOST_TEST(expired.status == 400);
  BOOST_TEST(expired.code() == "ExpiredTokenException");
  auto too_short = w.assume_web("tenant-a", "system:serviceaccount:tenant-a:flux", "sts.amazonaws.com", 600,
                                "&DurationSeconds=100");
  BOOST_TEST(too_short.code() == "ValidationError");
}

BOOST_AUTO_TEST_CASE(expired_sessions_are_refused_by_every_service) {
  auto& w = *the_world;
  BOOST_REQUIRE(w.admin("POST", "/_emulator/settings", R"({"sts":{"credentialLifetime":"2s"},"ecr":{"tokenLifetime":"2s"}})").status == 200);
  auto ok = w.assume_web("tenant-a", "system:serviceaccount:tenant-a:flux", "sts.amazonaws.com");
  auto token = w.ecr(ci(), "GetAuthorizationToken");
  BOOST_REQUIRE(w.admin("POST", "/_emulator/settings", R"({"sts":{"credentialLifetime":"1h"},"ecr":{"tokenLifetime":"12h"}})").status == 200);
  BOOST_REQUIRE(ok.status == 200);
  BOOST_REQUIRE(token.status == 200);
  auto creds = session_of(ok);
  std::this_thread::sleep_for(std::chrono::milliseconds(3000));  // let the 2 s session and token lapse
  auto basic = "Basic " + json::parse(token.body)->find("authorizationData")->as_array().at(0).find("authorizationToken")->as_string();
  auto lapsed = w.send("GET", "111122223333.dkr.ecr.us-east-1.amazonaws.com", "/v2/tenant-a/app/tags/list",
                       {{"Authorization", basic}}, "");
  BOOST_TEST(lapsed.status == 403);
  BOOST_TEST(lapsed.body.find("expired") != std::string::npos);
  auto s = w.sts(creds, "Action=GetCallerIdentity&Version=2011-06-15");
  BOOST_TEST(s.status == 403);
  BOOST_TEST(s.code() == "ExpiredToken");
  auto k = w.kms(creds, "us-east-1", "Encrypt", obj({{"KeyId", "alias/tenant-a"}, {"Plaintext", "aGk="}}));
  BOOST_TEST(k.status == 400);
  BOOST_TEST(k.code() == "ExpiredTokenException");
  auto o = w.s3(creds, "us-east-1", "tenant-a-manifests", "GET", "namespace.yaml");
  BOOST_TEST(o.status == 400);
  BOOST_TEST(o.code() == "ExpiredToken");
  auto e = w.ecr(creds, "GetAuthorizationToken");
  BOOST_TEST(e.code() == "ExpiredTokenException");
}

BOOST_AUTO_TEST_CASE(principals_outside_a_policy_are_denied_by_name) {
  auto& w = *the_world;
  auto k = w.kms(outsider(), "us-east-1", "Encrypt", obj({{"KeyId", "alias/tenant-a"}, {"Plaintext", "aGk="}}));
  BOOST_TEST(k.status == 400);
  BOOST_TEST(k.code() == "AccessDeniedException");
  BOOST_TEST(k.body.find("arn:aws:iam::111122223333:user/outsider") != std::string::npos);
  auto e = w.ecr(outsider(), "GetAuthorizationToken");
  BOOST_TEST(e.code() == "AccessDeniedException");

  auto a = session_of(w.assume_web("tenant-a", "system:serviceaccount:tenant-a:flux", "sts.amazonaws.com"));
  auto other_bucket = w.s3(a, "eu-west-1", "tenant-b-manifests", "GET", "namespace.yaml");
  BOOST_TEST(other_bucket.status == 403);
  BOOST_TEST(other_bucket.code() == "AccessDenied");
  BOOST_TEST(other_bucket.body.find("assumed-role/tenant-a/conformance") != std::string::npos);
  auto other_key = w.kms(a, "eu-west-1", "Encrypt", obj({{"KeyId", "alias/tenant-b"}, {"Plaintext", "aGk="}}));
  BOOST_TEST(other_key.code() == "AccessDeniedException");
}

BOOST_AUTO_TEST_CASE(kms_round_trip_and_context_binding) {
  auto& w = *the_world;
  auto ctx = obj({{"purpose", "conformance"}});
  auto enc = w.kms(ci(), "us-east-1", "Encrypt",
                   obj({{"KeyId", "alias/tenant-a"}, {"Plaintext", fluxaws::enc::base64("s3cr3t")}, {"EncryptionContext", ctx}}));
  BOOST_REQUIRE(enc.status == 200);
  auto blob = json::parse(enc.body)->find("CiphertextBlob")->as_string();
  auto dec = w.kms(ci(), "us-east-1", "Decrypt", obj({{"CiphertextBlob", blob}, {"EncryptionContext", ctx}}));
  BOOST_REQUIRE(dec.status == 200);
  auto d = json::parse(dec.body);
  BOOST_TEST(*fluxaws::enc::unbase64(d->find("Plaintext")->as_string()) == "s3cr3t");
  BOOST_TEST(d->find("KeyId")->as_string() == "arn:aws:kms:us-east-1:111122223333:key/0b6b0a2e-5a3c-4c1e-9a57-1f3a5c7e9a01");
  auto wrong = w.kms(ci(), "us-east-1", "Decrypt", obj({{"CiphertextBlob", blob}, {"EncryptionContext", obj({{"purpose", "x"}})}}));
  BOOST_TEST(wrong.code() == "InvalidCiphertextException");
  auto gdk = w.kms(ci(), "eu-west-1", "GenerateDataKey", obj({{"KeyId", "alias/tenant-b"}, {"KeySpec", "AES_256"}}));
  BOOST_REQUIRE(gdk.status == 200);
  BOOST_TEST(fluxaws::enc::unbase64(json::parse(gdk.body)->find("Plaintext")->as_string())->size() == 32u);
  auto missing = w.kms(ci(), "us-east-1", "Encrypt", obj({{"KeyId", "alias/nope"}, {"Plaintext", "aGk="}}));
  BOOST_TEST(missing.code() == "NotFoundException");
}

BOOST_AUTO_TEST_CASE(s3_objects_listing_and_conditions) {
  auto& w = *the_world;
  auto list = w.s3(ci(), "us-east-1", "tenant-a-manifests", "GET", "", "list-type=2&max-keys=2");
  BOOST_REQUIRE(list.status == 200);
  BOOST_TEST(list.body.find("<IsTruncated>true</IsTruncated>") != std::string::npos);
  BOOST_TEST(list.body.find("<Key>.sourceignore</Key>") != std::string::npos);
  auto token = between(list.body, "<NextContinuationToken>", "</NextContinuationToken>");
  auto page2 = w.s3(ci(), "us-east-1", "tenant-a-manifests", "GET", "",
                    "continuation-token=" + fluxaws::enc::uri_encode(token) + "&list-type=2&max-keys=2");
  BOOST_TEST(page2.body.find("<Key>apps/deployment.yaml</Key>") != std::string::npos);

  auto get = w.s3(ci(), "us-east-1", "tenant-a-manifests", "GET", "namespace.yaml");
  BOOST_REQUIRE(get.status == 200);
  BOOST_TEST(get.body.find("tenant-a-apps") != std::string::npos);
  auto etag = get.header("etag");
  auto not_modified = w.s3(ci(), "us-east-1", "tenant-a-manifests", "GET", "namespace.yaml", "", "", {{"If-None-Match", etag}});
  BOOST_TEST(not_modified.status == 304);
  auto failed = w.s3(ci(), "us-east-1", "tenant-a-manifests", "GET", "namespace.yaml", "", "", {{"If-Match", "\"nope\""}});
  BOOST_TEST(failed.status == 412);
  auto range = w.s3(ci(), "us-east-1", "tenant-a-manifests", "GET", "namespace.yaml", "", "", {{"Range", "bytes=0-9"}});
  BOOST_TEST(range.status == 206);
  BOOST_TEST(range.body == "apiVersion");
  auto missing = w.s3(ci(), "us-east-1", "tenant-a-manifests", "GET", "missing.yaml");
  BOOST_TEST(missing.status == 404);
  BOOST_TEST(missing.code() == "NoSuchKey");
  auto no_bucket = w.s3(ci(), "us-east-1", "no-such-bucket-here", "GET", "x");
  BOOST_TEST(no_bucket.code() == "NoSuchBucket");

  auto put = w.s3(ci(), "eu-west-1", "tenant-b-manifests", "PUT", "uploaded/new.yaml", "", "kind: Test\n");
  BOOST_TEST(put.status == 200);
  auto back = w.s3(ci(), "eu-west-1", "tenant-b-manifests", "GET", "uploaded/new.yaml");
  BOOST_TEST(back.body == "kind: Test\n");
  auto head = w.s3(ci(), "eu-west-1", "tenant-b-manifests", "HEAD", "");
  BOOST_TEST(head.status == 200);
  BOOST_TEST(head.header("x-amz-bucket-region") == "eu-west-1");
  // Multipart: two parts, completed; the ETag is S3's "<md5 of md5s>-2".
  auto created = w.s3(ci(), "eu-west-1", "tenant-b-manifests", "POST", "multi/obj.bin", "uploads=");
  BOOST_REQUIRE(created.status == 200);
  auto upload_id = between(created.body, "<UploadId>", "</UploadId>");
  auto p1 = w.s3(ci(), "eu-west-1", "tenant-b-manifests", "PUT", "multi/obj.bin",
                 "partNumber=1&uploadId=" + upload_id, std::string(5 << 20, 'a'));
  auto p2 = w.s3(ci(), "eu-west-1", "tenant-b-manifests", "PUT", "multi/obj.bin",
                 "partNumber=2&uploadId=" + upload_id, "tail");
  BOOST_REQUIRE(p1.status == 200);
  BOOST_REQUIRE(p2.status == 200);
  std::string complete = "<CompleteMultipartUpload><Part><PartNumber>1</PartNumber><ETag>" + p1.header("etag") +
                         "</ETag></Part><Part><PartNumber>2</PartNumber><ETag>" + p2.header("etag") +
                         "</ETag></Part></CompleteMultipartUpload>";
  auto done = w.s3(ci(), "eu-west-1", "tenant-b-manifests", "POST", "multi/obj.bin", "uploadId=" + upload_id, complete);
  BOOST_TEST(done.status == 200);
  BOOST_TEST(between(done.body, "<ETag>", "</ETag>").find("-2&quot;") != std::string::npos);
  auto whole = w.s3(ci(), "eu-west-1", "tenant-b-manifests", "GET", "multi/obj.bin");
  BOOST_TEST(whole.body.size() == (5u << 20) + 4u);
  auto gone = w.s3(ci(), "eu-west-1", "tenant-b-manifests", "POST", "multi/obj.bin", "uploadId=" + upload_id, complete);
  BOOST_TEST(gone.code() == "NoSuchUpload");

  // A bucket addressed in the wrong region's signature.
  auto wrong_region = w.aws(ci(), "s3", "us-east-1", "s3.eu-west-1.amazonaws.com", "GET", "/tenant-b-manifests/namespace.yaml",
                            "", "", {}, true);
  BOOST_TEST(wrong_region.code() == "AuthorizationHeaderMalformed");
}

BOOST_AUTO_TEST_CASE(ecr_tokens_open_the_registry) {
  auto& w = *the_world;
  auto tok = w.ecr(ci(), "GetAuthorizationToken");
  BOOST_REQUIRE(tok.status == 200);
  auto data = json::parse(tok.body)->find("authorizationData")->as_array().at(0);
  BOOST_TEST(data.find("proxyEndpoint")->as_string() == "https://111122223333.dkr.ecr.us-east-1.amazonaws.com");
  BOOST_TEST(data.find("expiresAt")->is_number());
  auto basic = "Basic " + data.find("authorizationToken")->as_string();
  const std::string host = "111122223333.dkr.ecr.us-east-1.amazonaws.com";
  auto tags = w.send("GET", host, "/v2/tenant-a/app/tags/list", {{"Authorization", basic}}, "");
  BOOST_REQUIRE(tags.status == 200);
  BOOST_TEST(tags.header("link").find("https://" + host + "/v2/tenant-a/app/tags/list?") != std::string::npos);
  BOOST_TEST(json::parse(tags.body)->find("tags")->as_array().size() == 1000u);
  auto anonymous = w.send("GET", host, "/v2/tenant-a/app/tags/list", {}, "");
  BOOST_TEST(anonymous.status == 401);
  BOOST_TEST(anonymous.header("www-authenticate").find("Basic realm=") == 0u);

  auto b = session_of(w.assume_web("tenant-b", "system:serviceaccount:tenant-b:flux", "sts.amazonaws.com"));
  auto btok = w.ecr(b, "GetAuthorizationToken");
  BOOST_REQUIRE(btok.status == 200);
  auto bbasic = "Basic " + json::parse(btok.body)->find("authorizationData")->as_array().at(0).find("authorizationToken")->as_string();
  auto denied = w.send("GET", host, "/v2/tenant-a/app/manifests/1.0.0", {{"Authorization", bbasic}}, "");
  BOOST_TEST(denied.status == 403);
  BOOST_TEST(denied.body.find("assumed-role/tenant-b/conformance") != std::string::npos);
  auto allowed = w.send("HEAD", host, "/v2/tenant-b/app/manifests/0.3.0",
                        {{"Authorization", bbasic}, {"Accept", "application/vnd.oci.image.manifest.v1+json"}}, "");
  BOOST_TEST(allowed.status == 200);
  BOOST_TEST(fluxaws::str::starts_with(allowed.header("docker-content-digest"), "sha256:"));
}

BOOST_AUTO_TEST_CASE(imds_and_pod_identity_hand_out_role_credentials) {
  auto& w = *the_world;
  auto no_token = w.send("GET", "169.254.169.254", "/latest/meta-data/iam/security-credentials/", {}, "", false);
  BOOST_TEST(no_token.status == 401);
  auto token = w.send("PUT", "169.254.169.254", "/latest/api/token", {{"X-aws-ec2-metadata-token-ttl-seconds", "60"}}, "", false);
  BOOST_REQUIRE(token.status == 200);
  auto role = w.send("GET", "169.254.169.254", "/latest/meta-data/iam/security-credentials/",
                     {{"X-aws-ec2-metadata-token", token.body}}, "", false);
  BOOST_TEST(role.body == "node");
  auto creds = w.send("GET", "169.254.169.254", "/latest/meta-data/iam/security-credentials/node",
                      {{"X-aws-ec2-metadata-token", token.body}}, "", false);
  BOOST_REQUIRE(creds.status == 200);
  auto c = json::parse(creds.body);
  credentials node{c->find("AccessKeyId")->as_string(), c->find("SecretAccessKey")->as_string(),
                   c->find("Token")->as_string(), std::nullopt, "imds"};
  auto who = w.sts(node, "Action=GetCallerIdentity&Version=2011-06-15");
  BOOST_TEST(between(who.body, "<Arn>", "</Arn>").find("assumed-role/node/") != std::string::npos);
  BOOST_TEST(w.ecr(node, "GetAuthorizationToken").status == 200);
  BOOST_TEST(w.s3(node, "us-east-1", "tenant-a-manifests", "GET", "namespace.yaml").status == 403);

  auto pod = w.send("GET", "169.254.170.23", "/v1/credentials", {{"Authorization", "conformance-pod-identity-token-fluxaws"}}, "", false);
  BOOST_REQUIRE(pod.status == 200);
  auto p = json::parse(pod.body);
  BOOST_TEST(p->find("AccountId")->as_string() == kAccount);
  credentials controller{p->find("AccessKeyId")->as_string(), p->find("SecretAccessKey")->as_string(),
                         p->find("Token")->as_string(), std::nullopt, "container"};
  auto cwho = w.sts(controller, "Action=GetCallerIdentity&Version=2011-06-15");
  BOOST_TEST(between(cwho.body, "<Arn>", "</Arn>").find("assumed-role/controller/") != std::string::npos);
  // A projected ServiceAccount token for Pod Identity (audience pods.eks.amazonaws.com).
  auto key = emu::jwt::key::private_from_pem(slurp(kWorlds + "/conformance-oidc.key"));
  BOOST_REQUIRE(key.ok());
  auto now = std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
  json::value claims = json::value::make_object();
  claims.set("iss", "https://oidc.conformance.local");
  claims.set("sub", "system:serviceaccount:flux-system:fluxaws");
  claims.set("aud", "pods.eks.amazonaws.com");
  claims.set("exp", now + 600);
  auto jwt = emu::jwt::sign_rs256(claims, *key.value());
  BOOST_REQUIRE(jwt.ok());
  auto projected = w.send("GET", "169.254.170.23", "/v1/credentials", {{"Authorization", *jwt}}, "", false);
  BOOST_TEST(projected.status == 200);
  claims.set("sub", "system:serviceaccount:flux-system:other");
  auto unassociated = w.send("GET", "169.254.170.23", "/v1/credentials", {{"Authorization", *emu::jwt::sign_rs256(claims, *key.value())}}, "", false);
  BOOST_TEST(unassociated.status == 403);
  auto bad = w.send("GET", "169.254.170.23", "/v1/credentials", {{"Authorization", "nope"}}, "", false);
  BOOST_TEST(bad.status == 401);
  auto none = w.send("GET", "169.254.170.23", "/v1/credentials", {}, "", false);
  BOOST_TEST(none.status == 400);
}

BOOST_AUTO_TEST_CASE(counters_count_exactly_and_faults_inject) {
  auto& w = *the_world;
  BOOST_REQUIRE(w.admin("POST", "/_emulator/calls/reset").status == 200);
  for (int i = 0; i < 3; ++i) w.sts(ci(), "Action=GetCallerIdentity&Version=2011-06-15");
  w.assume_web("tenant-b", "system:serviceaccount:tenant-b:flux", "sts.amazonaws.com");
  auto calls = json::parse(w.admin("GET", "/_emulator/calls").body);
  BOOST_REQUIRE(calls && calls->is_array());
  int64_t gci = 0, web = 0;
  for (const auto& c : calls->as_array()) {
    if (c.find("operation")->as_string() == "GetCallerIdentity" &&
        c.find("principal")->as_string() == "arn:aws:iam::111122223333:user/ci" && c.find("status")->as_int() == 200)
      gci = c.find("count")->as_int();
    if (c.find("operation")->as_string() == "AssumeRoleWithWebIdentity" &&
        c.find("principal")->as_string() == "arn:aws:iam::111122223333:role/tenant-b")
      web = c.find("count")->as_int();
  }
  BOOST_TEST(gci == 3);
  BOOST_TEST(web == 1);

  BOOST_REQUIRE(w.admin("POST", "/_emulator/faults", R"({"kms":{"throttle":1.0}})").status == 200);
  auto t = w.kms(ci(), "us-east-1", "Encrypt", obj({{"KeyId", "alias/tenant-a"}, {"Plaintext", "aGk="}}));
  BOOST_TEST(t.code() == "ThrottlingException");
  BOOST_REQUIRE(w.admin("POST", "/_emulator/faults?replace=true", R"({"s3":{"error503":1.0}})").status == 200);
  BOOST_TEST(w.kms(ci(), "us-east-1", "Encrypt", obj({{"KeyId", "alias/tenant-a"}, {"Plaintext", "aGk="}})).status == 200);
  auto slow = w.s3(ci(), "us-east-1", "tenant-a-manifests", "GET", "namespace.yaml");
  BOOST_TEST(slow.status == 503);
  BOOST_TEST(w.admin("POST", "/_emulator/faults", R"({"s3":{"reset":1.0}})").status == 200);
  auto reset = w.s3(ci(), "us-east-1", "tenant-a-manifests", "GET", "namespace.yaml");
  BOOST_TEST(reset.error != "");
  BOOST_TEST(w.admin("POST", "/_emulator/faults", R"({"s3":{"rate":2}})").status == 400);
  // A slow body still arrives whole.
  BOOST_REQUIRE(w.admin("POST", "/_emulator/faults?replace=true", R"({"s3":{"slowBody":1.0}})").status == 200);
  auto dribbled = w.s3(ci(), "us-east-1", "tenant-a-manifests", "GET", "namespace.yaml");
  BOOST_TEST(dribbled.status == 200);
  BOOST_TEST(dribbled.body == slurp(kWorlds + "/conformance/buckets/tenant-a-manifests/namespace.yaml"));
  // Latency settings are taken and reported back (their effect is time: benchmarks' business).
  auto lat = w.admin("POST", "/_emulator/latency", R"({"s3":{"fixed":"20ms","jitter":"5ms"}})");
  BOOST_REQUIRE(lat.status == 200);
  BOOST_TEST(json::parse(lat.body)->at({"s3", "fixed"})->as_string() == "20ms");
  BOOST_TEST(w.admin("POST", "/_emulator/latency", R"({"s3":{"fixed":"soon"}})").status == 400);
  BOOST_REQUIRE(w.admin("POST", "/_emulator/latency?replace=true", "{}").status == 200);
  BOOST_REQUIRE(w.admin("POST", "/_emulator/faults?replace=true", "{}").status == 200);
  BOOST_TEST(w.s3(ci(), "us-east-1", "tenant-a-manifests", "GET", "namespace.yaml").status == 200);
}

BOOST_AUTO_TEST_CASE(non_loopback_listen_addresses_are_refused) {
  auto state = the_world->emu.state_dir() + "-refused";
  for (const std::string listen : {"0.0.0.0:0", "192.0.2.1:0"}) {
    std::string cmd = options().binary + " --world " + kWorlds + "/conformance.yaml --listen " + listen +
                      " --state-dir " + state + " --no-registry --quiet 2>/dev/null";
    int rc = std::system(cmd.c_str());
    BOOST_TEST(WIFEXITED(rc));
    BOOST_TEST(WEXITSTATUS(rc) == 2, listen);
  }
  std::error_code ec;
  std::filesystem::remove_all(state, ec);
}

// Last (Boost.Test runs cases in declaration order): SIGTERM stops everything.
BOOST_AUTO_TEST_CASE(sigterm_stops_cleanly_leaving_no_process) {
  auto& w = *the_world;
  long registry = w.emu.registry_pid();
  BOOST_REQUIRE(registry > 0);
  BOOST_TEST(w.emu.stop() == 0);
  BOOST_TEST(::kill(static_cast<pid_t>(registry), 0) != 0);  // the docker-registry child is gone
}
