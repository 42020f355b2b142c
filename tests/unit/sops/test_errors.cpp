// Bad input gets a clear error that names the part of the document and the reason,
// and never carries plaintext or key material: tampered values, a tampered MAC, the
// wrong key, truncated and malformed ENC values, missing or broken metadata,
// documents with only age/PGP keys, hostile YAML.
#include <boost/test/unit_test.hpp>

#include "adapters/common/encoding.hpp"
#include "adapters/common/strings.hpp"
#include "adapters/sops/document.hpp"
#include "adapters/sops/encrypt.hpp"
#include "adapters/sops/kms_keys.hpp"
#include "adapters/sops/value_cipher.hpp"
#include "test_support.hpp"

using namespace fluxaws;
using namespace fluxaws::sops;
using sops_test::key_of;
using sops_test::read_file;
using sops_test::shared_dir;
using sops_test::test_key;

namespace {

const std::string kSecret = "TopSecret-Plain-42";
const std::string kAgeFile = "fluxcd-kustomize-controller/algorithms_age.yaml";

std::string age_secret() { return read_file(shared_dir() + "/" + kAgeFile); }

// An encrypted YAML document of our own with a distinctive plaintext.
std::string own_document(const std::string& key) {
  encrypt_options o;
  key_group g;
  kms_entry k;
  k.arn = "arn:aws:kms:us-east-1:111122223333:key/11111111-2222-3333-4444-555555555555";
  k.enc = enc::base64("blob");
  g.kms.push_back(k);
  o.key_groups.push_back(g);
  o.lastmodified = "2025-03-04T05:06:07Z";
  auto enc = encrypt("name: plain\nsecret:\n    token: " + kSecret + "\n    n: 12345\n", format::yaml, key, o);
  BOOST_REQUIRE(enc.ok());
  return *enc;
}

// The error names no plaintext and no key bytes in any encoding.
void check_clean(const error_info& e, const std::string& key) {
  std::string text = e.to_string();
  BOOST_CHECK_MESSAGE(text.find(kSecret) == std::string::npos, "an error message carries plaintext");
  BOOST_CHECK_MESSAGE(text.find("12345") == std::string::npos, "an error message carries plaintext");
  BOOST_CHECK_MESSAGE(text.find(enc::hex(key)) == std::string::npos, "an error message carries the key");
  BOOST_CHECK_MESSAGE(text.find(enc::base64(key)) == std::string::npos, "an error message carries the key");
}

// Replaces the first occurrence of from (must exist).
std::string replace_once(std::string s, const std::string& from, const std::string& to) {
  auto pos = s.find(from);
  BOOST_REQUIRE(pos != std::string::npos);
  return s.replace(pos, from.size(), to);
}

// The ENC value of the line that starts with prefix.
std::string enc_on_line(const std::string& doc, const std::string& prefix) {
  auto pos = doc.find(prefix);
  BOOST_REQUIRE(pos != std::string::npos);
  auto start = doc.find("ENC[", pos);
  return doc.substr(start, doc.find(']', start) + 1 - start);
}

}  // namespace

BOOST_AUTO_TEST_SUITE(errors)

BOOST_AUTO_TEST_CASE(tampered_value_fails_authentication_and_names_the_path) {
  std::string key = key_of(kAgeFile);
  std::string doc = age_secret();
  std::string value = enc_on_line(doc, "key: ENC[");
  // Flip one ciphertext character (data "mHeXsmQ=" → "nHeXsmQ=").
  auto tampered = decrypt(replace_once(doc, value, replace_once(value, "data:m", "data:n")), format::yaml, key);
  BOOST_REQUIRE(!tampered.ok());
  BOOST_CHECK_EQUAL(tampered.error().code, "sops_auth");
  BOOST_CHECK(tampered.error().message.find("stringData.key") != std::string::npos);
  BOOST_CHECK(tampered.error().message.find("modified") != std::string::npos);

  std::string own_key = test_key("tamper");
  std::string own = own_document(own_key);
  std::string token = enc_on_line(own, "token: ENC[");
  std::string iv = token.substr(token.find(",iv:") + 4, 4);
  std::string other_iv = iv == "AAAA" ? "BBBB" : "AAAA";
  auto bad = decrypt(replace_once(own, token, replace_once(token, ",iv:" + iv, ",iv:" + other_iv)), format::yaml,
                     own_key);
  BOOST_REQUIRE(!bad.ok());
  BOOST_CHECK_EQUAL(bad.error().code, "sops_auth");
  BOOST_CHECK(bad.error().message.find("secret.token") != std::string::npos);
  check_clean(bad.error(), own_key);
}

BOOST_AUTO_TEST_CASE(swapped_values_fail_because_the_path_is_authenticated) {
  std::string key = test_key("swap");
  std::string own = own_document(key);
  std::string name = enc_on_line(own, "name: ENC[");
  std::string token = enc_on_line(own, "token: ENC[");
  // A valid ciphertext moved under another key no longer authenticates.
  auto r = decrypt(replace_once(own, name, token), format::yaml, key);
  BOOST_REQUIRE(!r.ok());
  BOOST_CHECK_EQUAL(r.error().code, "sops_auth");
  BOOST_CHECK(r.error().message.find("cannot decrypt name") != std::string::npos);
  check_clean(r.error(), key);
}

BOOST_AUTO_TEST_CASE(tampered_mac_is_an_error_only_when_verifying) {
  std::string key = key_of(kAgeFile);
  // metadata.name is not encrypted but is covered by the MAC.
  std::string doc = replace_once(age_secret(), "name: age", "name: agf");
  auto lenient = decrypt(doc, format::yaml, key);
  BOOST_REQUIRE(lenient.ok());
  BOOST_CHECK(!lenient->mac_ok);
  decrypt_options verify;
  verify.verify_mac = true;
  auto strict = decrypt(doc, format::yaml, key, verify);
  BOOST_REQUIRE(!strict.ok());
  BOOST_CHECK_EQUAL(strict.error().code, "sops_mac");
  check_clean(strict.error(), key);

  // A MAC value that does not authenticate at all.
  std::string mac = enc_on_line(age_secret(), "mac: ENC[");
  std::string broken = replace_once(age_secret(), mac, replace_once(mac, "data:v", "data:w"));
  BOOST_CHECK(decrypt(broken, format::yaml, key).ok());
  auto r = decrypt(broken, format::yaml, key, verify);
  BOOST_REQUIRE(!r.ok());
  BOOST_CHECK_EQUAL(r.error().code, "sops_mac");
  BOOST_CHECK(r.error().message.find("cannot decrypt the MAC") != std::string::npos);

  // No MAC at all (ft_no_mac.yaml): fine unless verifying.
  std::string nomac = read_file(shared_dir() + "/getsops-sops/ft_no_mac.yaml");
  BOOST_CHECK(decrypt(nomac, format::yaml, key_of("getsops-sops/ft_no_mac.yaml")).ok());
  auto v = decrypt(nomac, format::yaml, key_of("getsops-sops/ft_no_mac.yaml"), verify);
  BOOST_REQUIRE(!v.ok());
  BOOST_CHECK_EQUAL(v.error().code, "sops_mac");
}

BOOST_AUTO_TEST_CASE(wrong_data_key_is_reported_as_such) {
  std::string wrong = test_key("not the key");
  auto r = decrypt(age_secret(), format::yaml, wrong);
  BOOST_REQUIRE(!r.ok());
  BOOST_CHECK_EQUAL(r.error().code, "sops_wrong_key");
  check_clean(r.error(), wrong);
  auto short_key = decrypt(age_secret(), format::yaml, wrong.substr(0, 31));
  BOOST_REQUIRE(!short_key.ok());
  BOOST_CHECK_EQUAL(short_key.error().code, "sops_wrong_key");

  std::string key = test_key("own");
  auto own = decrypt(own_document(key), format::yaml, wrong);
  BOOST_REQUIRE(!own.ok());
  BOOST_CHECK_EQUAL(own.error().code, "sops_wrong_key");
  check_clean(own.error(), key);
  check_clean(own.error(), wrong);
}

BOOST_AUTO_TEST_CASE(truncated_and_malformed_enc_values) {
  std::string key = key_of(kAgeFile);
  std::string doc = age_secret();
  std::string value = enc_on_line(doc, "key: ENC[");
  struct {
    const char* what;
    std::string replacement;
    const char* code;
  } cases[] = {
      {"cut in the middle", value.substr(0, 30), "sops_value"},
      {"tag truncated", replace_once(value, "tag:IroV7hykADvD0IUaq6kikA==", "tag:IroV7hykADvD0IUaq6k="), "sops_auth"},
      {"no tag", replace_once(value, ",tag:IroV7hykADvD0IUaq6kikA==", ""), "sops_value"},
      {"bad base64 in data", replace_once(value, "data:mHeXsmQ=", "data:mH*XsmQ="), "sops_value"},
      {"bad base64 in iv", replace_once(value, "iv:vUMp", "iv:v!Mp"), "sops_value"},
      {"bad base64 in tag", replace_once(value, "tag:IroV", "tag:I%oV"), "sops_value"},
      {"unknown type", replace_once(value, "type:str]", "type:float64]"), "sops_value"},
      {"other cipher", replace_once(value, "AES256_GCM", "AES128_GCM"), "sops_value"},
      {"type changed to int", replace_once(value, "type:str]", "type:int]"), "sops_value"},
  };
  for (const auto& c : cases) {
    BOOST_TEST_CONTEXT(c.what) {
      auto r = decrypt(replace_once(doc, value, c.replacement), format::yaml, key);
      BOOST_REQUIRE(!r.ok());
      BOOST_CHECK_EQUAL(r.error().code, c.code);
      BOOST_CHECK(r.error().message.find("stringData.key") != std::string::npos);
    }
  }
  // An encrypted path that holds a non-string.
  auto number = decrypt(replace_once(doc, value, "42"), format::yaml, key);
  BOOST_REQUIRE(!number.ok());
  BOOST_CHECK_EQUAL(number.error().code, "sops_value");

  // Directly: the parser's verdicts.
  BOOST_CHECK(!parse_enc("ENC[AES256_GCM,data:,iv:,tag:,type:]").ok());
  BOOST_CHECK(!parse_enc("").ok());
  BOOST_CHECK(is_enc_value(value));
  BOOST_CHECK(!is_enc_value("plain text"));
  auto empty = decrypt_value("", key, "x:");
  BOOST_REQUIRE(empty.ok());
  BOOST_CHECK(empty->kind == node_kind::string && empty->text.empty());
}

BOOST_AUTO_TEST_CASE(missing_or_broken_metadata) {
  std::string key = test_key("meta");
  struct {
    const char* what;
    std::string doc;
    format fmt;
  } cases[] = {
      {"no sops key", "a: 1\n", format::yaml},
      {"sops not a mapping", "a: 1\nsops: nope\n", format::yaml},
      {"no master keys", "a: 1\nsops:\n    lastmodified: '2024-01-01T00:00:00Z'\n    mac: ''\n", format::yaml},
      {"bad lastmodified",
       "a: 1\nsops:\n    kms: [{arn: 'arn:aws:kms:us-east-1:1:key/x', enc: QQ==}]\n    lastmodified: yesterday\n",
       format::yaml},
      {"two rules",
       "a: 1\nsops:\n    kms: [{arn: 'arn:aws:kms:us-east-1:1:key/x', enc: QQ==}]\n    lastmodified: "
       "'2024-01-01T00:00:00Z'\n    encrypted_regex: a\n    unencrypted_suffix: _u\n",
       format::yaml},
      {"kms not a list", "a: 1\nsops:\n    kms: oops\n    lastmodified: '2024-01-01T00:00:00Z'\n", format::yaml},
      {"threshold not a number",
       "a: 1\nsops:\n    kms: [{arn: 'arn:aws:kms:us-east-1:1:key/x', enc: QQ==}]\n    lastmodified: "
       "'2024-01-01T00:00:00Z'\n    shamir_threshold: many\n",
       format::yaml},
      {"json without sops", "{\"a\": 1}", format::json},
      {"dotenv without sops", "A=1\n", format::dotenv},
      {"ini without sops", "[a]\nb = 1\n", format::ini},
      {"dotenv incomplete list", "A=1\nsops_kms__list_1__map_arn=x\nsops_lastmodified=2024-01-01T00:00:00Z\n",
       format::dotenv},
  };
  for (const auto& c : cases) {
    BOOST_TEST_CONTEXT(c.what) {
      auto r = parse_document(c.doc, c.fmt);
      BOOST_REQUIRE(!r.ok());
      BOOST_CHECK_EQUAL(r.error().code, "sops_metadata");
      BOOST_CHECK(!r.error().message.empty());
    }
  }
  // An invalid encryption regex is refused when decrypting.
  auto bad_regex = parse_document(
      "a: ENC[AES256_GCM,data:AA==,iv:AA==,tag:AAAAAAAAAAAAAAAAAAAAAA==,type:str]\nsops:\n    kms: [{arn: "
      "'arn:aws:kms:us-east-1:1:key/x', enc: QQ==}]\n    lastmodified: '2024-01-01T00:00:00Z'\n    "
      "encrypted_regex: '(['\n",
      format::yaml);
  BOOST_REQUIRE(bad_regex.ok());
  auto r = decrypt(std::move(*bad_regex), key);
  BOOST_REQUIRE(!r.ok());
  BOOST_CHECK_EQUAL(r.error().code, "sops_metadata");
}

BOOST_AUTO_TEST_CASE(age_or_pgp_only_documents_name_their_key_types) {
  struct {
    const char* file;
    format fmt;
    const char* types;
  } cases[] = {{"fluxcd-kustomize-controller/algorithms_age.yaml", format::yaml, "age"},
               {"fluxcd-kustomize-controller/algorithms_pgp.yaml", format::yaml, "pgp"},
               {"getsops-sops/example.json", format::json, "pgp"},
               {"fluxcd-kustomize-controller/envs_env.env", format::dotenv, "age"},
               {"fluxcd-kustomize-controller/algorithms_age-pq.yaml", format::yaml, "age"}};
  for (const auto& c : cases) {
    BOOST_TEST_CONTEXT(c.file) {
      auto doc = parse_document(read_file(shared_dir() + "/" + c.file), c.fmt);
      BOOST_REQUIRE(doc.ok());
      auto keys = kms_master_keys(doc->meta);
      BOOST_REQUIRE(!keys.ok());
      BOOST_CHECK_EQUAL(keys.error().code, "sops_no_kms_key");
      BOOST_CHECK_MESSAGE(keys.error().message.find(c.types) != std::string::npos,
                          "the error does not name the key type: " << keys.error().message);
      BOOST_CHECK(keys.error().message.find("KMS") != std::string::npos);
    }
  }
  auto both = parse_document(read_file(shared_dir() + "/getsops-sops/example.yaml"), format::yaml);
  BOOST_REQUIRE(both.ok());
  BOOST_CHECK_EQUAL(both->meta.key_groups.at(0).pgp.size(), 2u);
}

BOOST_AUTO_TEST_CASE(hostile_and_malformed_documents) {
  std::string key = test_key("hostile");
  std::string bomb = "a: &a [x, x, x, x, x, x, x, x, x, x]\n";
  char prev = 'a';
  for (char c = 'b'; c <= 'k'; ++c, ++prev)
    bomb += std::string(1, c) + ": &" + c + " [*" + prev + ", *" + prev + ", *" + prev + ", *" + prev + ", *" + prev +
            ", *" + prev + ", *" + prev + ", *" + prev + ", *" + prev + ", *" + prev + "]\n";
  std::string deep(500, '[');
  deep = "a: " + deep + std::string(500, ']') + "\n";
  struct {
    const char* what;
    std::string doc;
    format fmt;
  } cases[] = {
      {"alias bomb", bomb, format::yaml},
      {"deep nesting", deep, format::yaml},
      {"top-level sequence", "- a\n- b\n", format::yaml},
      {"top-level scalar", "just text\n", format::yaml},
      {"broken YAML", "a: [1, 2\nb: }\n", format::yaml},
      {"duplicate key", "a: 1\na: 2\n", format::yaml},
      {"non-string key", "1: one\n", format::yaml},
      {"huge integer", "a: 18446744073709551615\n", format::yaml},
      {"JSON array", "[1, 2]", format::json},
      {"broken JSON", "{\"a\": ", format::json},
      {"dotenv line without =", "A=1\nTopSecret-Plain-42\n", format::dotenv},
      {"INI unclosed section", "[a\nb = 1\n", format::ini},
      {"INI unclosed multi-line value", "[a]\nb = \"\"\"x\ny\n", format::ini},
      {"binary envelope not JSON", "plain bytes", format::binary},
  };
  for (const auto& c : cases) {
    BOOST_TEST_CONTEXT(c.what) {
      auto r = parse_document(c.doc, c.fmt);
      BOOST_REQUIRE(!r.ok());
      BOOST_CHECK_EQUAL(r.error().code, "sops_parse");
      check_clean(r.error(), key);
    }
  }
  std::string big(max_document_size + 1, 'a');
  auto r = parse_document(big, format::binary);
  BOOST_REQUIRE(!r.ok());
  BOOST_CHECK_EQUAL(r.error().code, "sops_too_large");
}

BOOST_AUTO_TEST_SUITE_END()
