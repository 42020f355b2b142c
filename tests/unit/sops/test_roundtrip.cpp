// Encryption round trips for every format, and the encrypted output checked against
// SOPS' rules with an independent decoder (OpenSSL directly, the project's YAML
// reader, a hand-computed MAC) instead of the library's own walk.
#include <boost/test/unit_test.hpp>

#include <openssl/sha.h>

#include "adapters/common/digest.hpp"
#include "adapters/common/encoding.hpp"
#include "adapters/common/yaml_json.hpp"
#include "adapters/sops/document.hpp"
#include "adapters/sops/encrypt.hpp"
#include "adapters/sops/kms_keys.hpp"
#include "adapters/sops/shamir.hpp"
#include "adapters/sops/stores.hpp"
#include "test_support.hpp"

using namespace fluxaws;
using namespace fluxaws::sops;
using sops_test::independent_open;
using sops_test::test_key;

namespace {

const char* const kSecretWord = "TopSecret-Plain-42";
const char* const kLastModified = "2025-01-02T03:04:05Z";

kms_entry fake_kms(std::string enc = enc::base64("wrapped-by-kms")) {
  kms_entry k;
  k.arn = "arn:aws:kms:eu-west-1:111122223333:key/00000000-0000-0000-0000-000000000000";
  k.created_at = kLastModified;
  k.enc = std::move(enc);
  k.context = {{"app", "demo"}, {"tenant", "t1"}};
  return k;
}

encrypt_options options() {
  encrypt_options o;
  key_group g;
  g.kms.push_back(fake_kms());
  o.key_groups.push_back(g);
  o.lastmodified = kLastModified;
  return o;
}

const std::string kYaml = R"(# top comment
apiVersion: v1
kind: Secret
metadata:
    name: demo
    labels:
        app: demo
stringData:
    password: TopSecret-Plain-42
    port: "8080"
    # the port above is a string
    count: 3
list:
    - one
    - 2
    - 3.5
    - true
    - null
    -
      - nested
    - key: value
      other: 7
empty: ""
multi: |
    line one
    line two
keep: |+
    a

quoted: "0777"
yes_word: "yes"
number_like: "1e3"
when: "2024-01-01"
unicode: héllo wörld
tricky: "a: b # c"
plain_unencrypted: keep me
---
second: document
count: 42
)";

const std::string kJson =
    "{\n\t\"a\": 1,\n\t\"b\": 2.5,\n\t\"c\": \"text \\u003c\\u0026\\u003e\",\n\t\"d\": [\n\t\ttrue,\n\t\tnull,\n\t\t-7\n\t],\n\t\"e\": "
    "{\n\t\t\"f\": \"g\",\n\t\t\"n\": {}\n\t},\n\t\"h\": \"\",\n\t\"i\": 3.0,\n\t\"j\": []\n}\n";

const std::string kDotenv = "# a comment\nA=1\nB=hello world\nMULTI=line1\\nline2\nSPACED =  x \nEMPTY=\n";

const std::string kIni = "[first]\n; note\na   = 1\nbcd = two words\n\n[second]\nc = x\n";

std::string binary_blob() {
  std::string b = "line 1\nline 2\n";
  b += std::string("\0\xff\xfe binary", 10);
  return b;
}

void check_round_trip(const std::string& plain, format fmt, const encrypt_options& opts) {
  std::string key = test_key("round trip");
  // The sample is in the canonical form the store writes.
  auto loaded = load_plain(fmt, plain);
  BOOST_REQUIRE(loaded.ok());
  auto canonical = emit_plain(fmt, *loaded);
  BOOST_REQUIRE(canonical.ok());
  BOOST_CHECK_MESSAGE(*canonical == plain, "the " << format_name(fmt) << " sample is not in canonical form");

  auto enc = encrypt(plain, fmt, key, opts);
  BOOST_REQUIRE_MESSAGE(enc.ok(), "encrypt: " << (enc.ok() ? "" : enc.error().to_string()));
  BOOST_CHECK(enc->find(kSecretWord) == std::string::npos);
  BOOST_CHECK(enc->find("ENC[AES256_GCM,data:") != std::string::npos);

  decrypt_options verify;
  verify.verify_mac = true;
  auto dec = decrypt(*enc, fmt, key, verify);
  BOOST_REQUIRE_MESSAGE(dec.ok(), "decrypt: " << (dec.ok() ? "" : dec.error().to_string()));
  BOOST_CHECK(dec->mac_ok);
  BOOST_CHECK_MESSAGE(dec->bytes == plain, "the " << format_name(fmt) << " round trip changed the document");
}

}  // namespace

BOOST_AUTO_TEST_SUITE(round_trip)

BOOST_AUTO_TEST_CASE(yaml) { check_round_trip(kYaml, format::yaml, options()); }
BOOST_AUTO_TEST_CASE(json_format) { check_round_trip(kJson, format::json, options()); }
BOOST_AUTO_TEST_CASE(dotenv) { check_round_trip(kDotenv, format::dotenv, options()); }
BOOST_AUTO_TEST_CASE(ini) { check_round_trip(kIni, format::ini, options()); }
BOOST_AUTO_TEST_CASE(binary) { check_round_trip(binary_blob(), format::binary, options()); }

BOOST_AUTO_TEST_CASE(every_rule_and_the_mac_only_variant) {
  encrypt_options o = options();
  o.encrypted_suffix = "_secret";
  check_round_trip("a: 1\nb_secret: two\nc:\n    d_secret:\n        e: 3\n", format::yaml, o);
  o = options();
  o.unencrypted_regex = "^(a|c)$";
  check_round_trip("a: 1\nb: two\nc:\n    d: 3\n", format::yaml, o);
  o = options();
  o.encrypted_comment_regex = "sops:enc";
  check_round_trip("# sops:enc\na: secret\nb: plain\n", format::yaml, o);
  o = options();
  o.unencrypted_comment_regex = "sops:plain";
  check_round_trip("# sops:plain\na: visible\nb: hidden\n", format::yaml, o);
  o = options();
  o.mac_only_encrypted = true;
  o.encrypted_regex = "^(data|stringData)$";
  check_round_trip("kind: Secret\nstringData:\n    a: b\n", format::yaml, o);
}

BOOST_AUTO_TEST_CASE(comment_rules_select_what_is_encrypted) {
  std::string key = test_key("comment rules");
  encrypt_options o = options();
  o.encrypted_comment_regex = "sops:enc";
  auto enc = encrypt("# sops:enc\na: secret\nb: plain\n", format::yaml, key, o);
  BOOST_REQUIRE(enc.ok());
  BOOST_CHECK(enc->find("# sops:enc\n") != std::string::npos);  // the marker stays readable
  BOOST_CHECK(enc->find("a: ENC[") != std::string::npos);
  BOOST_CHECK(enc->find("b: plain") != std::string::npos);
}

// The encrypted Secret follows SOPS' rules, checked without the library's walk:
// AAD = mapping keys joined with ':' plus ':', the MAC = SHA-512 of every value's
// text in document order, encrypted with lastmodified as additional data.
BOOST_AUTO_TEST_CASE(secret_encryption_matches_sops_rules_independently) {
  std::string key = test_key("independent");
  const std::string plain =
      "apiVersion: v1\nkind: Secret\nmetadata:\n    name: demo\nstringData:\n    password: TopSecret-Plain-42\n"
      "    port: 8080\n    ratio: 0.5\n    on: true\n    list:\n        - a\n        - b\n";
  for (bool mac_only : {false, true}) {
    BOOST_TEST_CONTEXT("mac_only_encrypted " << mac_only) {
      encrypt_options o = encrypt_options::for_kubernetes_secret({fake_kms()});
      o.lastmodified = kLastModified;
      o.mac_only_encrypted = mac_only;
      auto enc = encrypt(plain, format::yaml, key, o);
      BOOST_REQUIRE(enc.ok());
      auto obj = yamljson::parse_yaml(*enc);  // the project's own YAML reader
      BOOST_REQUIRE(obj.ok());
      BOOST_CHECK_EQUAL(obj->at({"metadata", "name"})->as_string(), "demo");
      BOOST_CHECK_EQUAL(obj->at({"sops", "encrypted_regex"})->as_string(), "^(data|stringData)$");
      BOOST_CHECK_EQUAL(obj->at({"sops", "lastmodified"})->as_string(), kLastModified);
      BOOST_CHECK_EQUAL(obj->at({"sops", "kms"})->as_array().at(0).find("arn")->as_string(), fake_kms().arn);
      BOOST_CHECK(obj->at({"sops", "kms"})->as_array().at(0).at({"context", "tenant"}) != nullptr);
      struct {
        std::vector<std::string_view> path;
        int index;
        const char* aad;
        const char* type;
        const char* text;
      } leaves[] = {{{"stringData", "password"}, -1, "stringData:password:", "str", kSecretWord},
                    {{"stringData", "port"}, -1, "stringData:port:", "int", "8080"},
                    {{"stringData", "ratio"}, -1, "stringData:ratio:", "float", "0.5"},
                    {{"stringData", "on"}, -1, "stringData:on:", "bool", "True"},
                    {{"stringData", "list"}, 0, "stringData:list:", "str", "a"},
                    {{"stringData", "list"}, 1, "stringData:list:", "str", "b"}};
      std::string mac_input = mac_only ? std::string(
                                             "\x8a\x3f\xd2\xad\x54\xce\x66\x52\x7b\x10\x34\xf3\xd1\x47\xbe\x0b\x0b\x97"
                                             "\x5b\x3b\xf4\x4f\x72\xc6\xfd\xad\xec\x81\x76\xf2\x7d\x69",
                                             32)
                                       : std::string("v1") + "Secret" + "demo";
      for (const auto& l : leaves) {
        const json::value* v = obj->at({l.path[0], l.path[1]});
        BOOST_REQUIRE(v != nullptr);
        if (l.index >= 0) v = &v->as_array().at(static_cast<std::size_t>(l.index));
        std::string got, type;
        BOOST_CHECK_MESSAGE(independent_open(v->as_string(), key, l.aad, got, type), "value at " << l.aad << " does not open");
        BOOST_CHECK_EQUAL(type, l.type);
        BOOST_CHECK_MESSAGE(got == l.text, "value at " << l.aad << " differs");
        mac_input += l.text;
      }
      unsigned char md[SHA512_DIGEST_LENGTH];
      SHA512(reinterpret_cast<const unsigned char*>(mac_input.data()), mac_input.size(), md);
      std::string want_mac = enc::hex_upper(std::string_view(reinterpret_cast<const char*>(md), sizeof md));
      std::string stored, type;
      BOOST_REQUIRE(independent_open(obj->at({"sops", "mac"})->as_string(), key, kLastModified, stored, type));
      BOOST_CHECK_EQUAL(type, "str");
      BOOST_CHECK(stored == want_mac);
    }
  }
}

BOOST_AUTO_TEST_CASE(manifests_round_trip_as_json_objects) {
  std::string key = test_key("manifest");
  auto manifest = yamljson::parse_yaml(
      "apiVersion: v1\nkind: Secret\nmetadata: {name: s, namespace: ns}\ntype: Opaque\n"
      "data: {token: dG9rZW4=}\nstringData: {password: TopSecret-Plain-42, n: 5}\n");
  BOOST_REQUIRE(manifest.ok());
  encrypt_options o = encrypt_options::for_kubernetes_secret({fake_kms()});
  auto enc = encrypt_manifest(*manifest, key, o);
  BOOST_REQUIRE(enc.ok());
  BOOST_CHECK(json::dump(*enc).find(kSecretWord) == std::string::npos);
  BOOST_CHECK_EQUAL(enc->at({"metadata", "name"})->as_string(), "s");
  BOOST_CHECK(enc->at({"data", "token"})->as_string().rfind("ENC[", 0) == 0);
  auto dec = decrypt_manifest(*enc, key, true);
  BOOST_REQUIRE(dec.ok());
  BOOST_CHECK(*dec == *manifest);
  BOOST_CHECK(dec->at({"stringData", "n"})->is_integer());
}

// Several key groups: the data key is split with Shamir, each group's KMS entry
// wraps its part; any two of three groups recover it.
BOOST_AUTO_TEST_CASE(key_groups_with_shamir_recover_the_data_key) {
  std::string key = test_key("shamir data key");
  auto parts = shamir::split(key, 3, 2);
  BOOST_REQUIRE(parts.ok());
  encrypt_options o;
  o.lastmodified = kLastModified;
  o.shamir_threshold = 2;
  for (const auto& p : *parts) {
    key_group g;
    g.kms.push_back(fake_kms(enc::base64(p)));  // a stand-in KMS whose ciphertext is the part
    o.key_groups.push_back(g);
  }
  auto enc = encrypt("a: TopSecret-Plain-42\n", format::yaml, key, o);
  BOOST_REQUIRE(enc.ok());
  BOOST_CHECK(enc->find("key_groups:") != std::string::npos);
  BOOST_CHECK(enc->find("shamir_threshold: 2") != std::string::npos);

  auto doc = parse_document(*enc, format::yaml);
  BOOST_REQUIRE(doc.ok());
  BOOST_CHECK_EQUAL(doc->meta.key_groups.size(), 3u);
  BOOST_CHECK_EQUAL(doc->meta.shamir_threshold, 2);
  auto masters = kms_master_keys(doc->meta);
  BOOST_REQUIRE(masters.ok());
  BOOST_REQUIRE_EQUAL(masters->size(), 3u);
  std::vector<std::optional<std::string>> got(3);
  got[0] = (*masters)[0].ciphertext_blob;  // groups 1 and 3 answer, group 2 is down
  got[2] = (*masters)[2].ciphertext_blob;
  auto recovered = data_key_from_parts(doc->meta, got);
  BOOST_REQUIRE(recovered.ok());
  BOOST_CHECK(*recovered == key);
  auto dec = decrypt(std::move(*doc), *recovered);
  BOOST_REQUIRE(dec.ok());
  BOOST_CHECK(dec->bytes == "a: TopSecret-Plain-42\n");

  got[2].reset();
  auto short_of_parts = data_key_from_parts(parse_document(*enc, format::yaml)->meta, got);
  BOOST_REQUIRE(!short_of_parts.ok());
  BOOST_CHECK_EQUAL(short_of_parts.error().code, "sops_shamir");
}

BOOST_AUTO_TEST_CASE(encryption_refuses_what_sops_refuses) {
  std::string key = test_key("refusals");
  encrypt_options o = options();
  BOOST_CHECK(!encrypt("sops: x\n", format::yaml, key, o).ok());            // reserved key
  BOOST_CHECK(!encrypt("sops_x=1\n", format::dotenv, key, o).ok());        // reserved prefix
  BOOST_CHECK(!encrypt("a: 1\n", format::yaml, key.substr(0, 16), o).ok());  // short key
  o.encrypted_regex = "a";
  o.unencrypted_suffix = "_x";
  BOOST_CHECK(!encrypt("a: 1\n", format::yaml, key, o).ok());  // two rules
  encrypt_options none;
  BOOST_CHECK(!encrypt("a: 1\n", format::yaml, key, none).ok());  // no master key
}

BOOST_AUTO_TEST_SUITE_END()
