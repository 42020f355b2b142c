// Flux's detection rules on Flux's own fixtures: marker bytes per format, encrypted
// manifests (top-level sops with a MAC), the Secret whose data value is a whole
// SOPS document (inside_secret.yaml), the format a data key's name implies, and the
// 5 MiB limit.
#include <boost/test/unit_test.hpp>

#include "adapters/common/encoding.hpp"
#include "adapters/common/yaml_json.hpp"
#include "adapters/sops/detect.hpp"
#include "adapters/sops/document.hpp"
#include "adapters/sops/encrypt.hpp"
#include "adapters/sops/kms_keys.hpp"
#include "test_support.hpp"

using namespace fluxaws;
using namespace fluxaws::sops;
using sops_test::read_file;
using sops_test::shared_dir;

BOOST_AUTO_TEST_SUITE(detect)

BOOST_AUTO_TEST_CASE(marker_bytes_of_the_fixture_files) {
  struct {
    const char* file;
    std::optional<format> want;
  } cases[] = {
      {"fluxcd-kustomize-controller/algorithms_age.yaml", format::yaml},
      {"fluxcd-kustomize-controller/algorithms_pgp.yaml", format::yaml},
      {"fluxcd-kustomize-controller/global_secret.yaml", format::yaml},
      {"fluxcd-kustomize-controller/patches_merge1.yaml", format::yaml},
      {"fluxcd-kustomize-controller/envs_env.env", format::dotenv},
      {"fluxcd-kustomize-controller/files_file.txt", format::json},  // binary: JSON envelope
      {"fluxcd-kustomize-controller/inside_secret.yaml", std::nullopt},  // plain Secret around it
      {"fluxcd-kustomize-controller/dot-sops.yaml", std::nullopt},
      {"getsops-sops/example.json", format::json},
      {"getsops-sops/example.ini", format::ini},
      {"getsops-sops/ft_format.enc.ini", format::ini},
      {"getsops-sops/ft_format.enc.env", format::dotenv},
      {"getsops-sops/ft_comments.yaml", std::nullopt},
      {"getsops-sops/ft_no_mac.yaml", std::nullopt},  // no MAC, no marker
  };
  for (const auto& c : cases) {
    BOOST_TEST_CONTEXT(c.file) {
      auto got = detect_format_from_markers(read_file(shared_dir() + "/" + c.file));
      BOOST_CHECK(got == c.want);
    }
  }
  BOOST_CHECK(has_marker(read_file(shared_dir() + "/getsops-sops/example.txt"), format::binary));
  BOOST_CHECK(!has_marker(read_file(shared_dir() + "/getsops-sops/example.txt"), format::yaml));
}

BOOST_AUTO_TEST_CASE(encrypted_manifests_and_secrets) {
  auto load = [](const char* f) {
    auto v = yamljson::parse_yaml(read_file(shared_dir() + "/" + f));
    BOOST_REQUIRE(v.ok());
    return *v;
  };
  json::value age = load("fluxcd-kustomize-controller/algorithms_age.yaml");
  BOOST_CHECK(is_sops_encrypted_manifest(age));
  BOOST_CHECK(is_encrypted_secret(age));
  BOOST_CHECK(is_sops_encrypted_manifest(load("fluxcd-kustomize-controller/global_secret.yaml")));
  json::value inside = load("fluxcd-kustomize-controller/inside_secret.yaml");
  BOOST_CHECK(!is_sops_encrypted_manifest(inside));
  BOOST_CHECK(!is_encrypted_secret(inside));
  // Flux requires a MAC: a document without one is not treated as encrypted.
  BOOST_CHECK(!is_sops_encrypted_manifest(load("getsops-sops/ft_no_mac.yaml")));
  BOOST_CHECK(!is_sops_encrypted_manifest(*yamljson::parse_yaml("kind: Secret\nsops: {}\n")));
  BOOST_CHECK(!is_sops_encrypted_manifest(*yamljson::parse_yaml("kind: Secret\nsops: {mac: ''}\n")));
  BOOST_CHECK(is_sops_encrypted_manifest(*yamljson::parse_yaml("kind: ConfigMap\nsops: {mac: x}\n")));
  BOOST_CHECK(!is_encrypted_secret(*yamljson::parse_yaml("kind: ConfigMap\napiVersion: v1\nsops: {mac: x}\n")));
}

// inside_secret.yaml: a plain Secret whose data.key is the base64 of a whole SOPS
// JSON document (age-encrypted, so no KMS key can recover it here).
BOOST_AUTO_TEST_CASE(secret_data_value_holding_a_sops_document) {
  auto secret = yamljson::parse_yaml(read_file(shared_dir() + "/fluxcd-kustomize-controller/inside_secret.yaml"));
  BOOST_REQUIRE(secret.ok());
  int found = 0;
  for (const auto& [name, value] : secret->find("data")->as_object()) {
    auto bytes = enc::unbase64(value.as_string());
    BOOST_REQUIRE(bytes.has_value());
    auto in = detect_format_from_markers(*bytes);
    if (!in) continue;
    ++found;
    BOOST_CHECK(*in == format::json);
    BOOST_CHECK(format_for_path(name) == format::binary);  // "key": no extension
    auto doc = parse_document(*bytes, *in);
    BOOST_REQUIRE(doc.ok());
    BOOST_CHECK_EQUAL(doc->meta.lastmodified, "2024-11-12T13:32:04Z");
    BOOST_CHECK_EQUAL(doc->meta.key_groups.at(0).age.size(), 1u);
    BOOST_REQUIRE(find_entry(doc->branches.at(0), "data") != nullptr);
    auto keys = kms_master_keys(doc->meta);
    BOOST_REQUIRE(!keys.ok());
    BOOST_CHECK(keys.error().message.find("age") != std::string::npos);
  }
  BOOST_CHECK_EQUAL(found, 1);
}

BOOST_AUTO_TEST_CASE(format_for_secret_data_keys) {
  BOOST_CHECK(format_for_path("app.yaml") == format::yaml);
  BOOST_CHECK(format_for_path("app.yml") == format::yaml);
  BOOST_CHECK(format_for_path("creds.json") == format::json);
  BOOST_CHECK(format_for_path(".dockerconfigjson") == format::json);
  BOOST_CHECK(format_for_path("x.dockerconfigjson") == format::json);
  BOOST_CHECK(format_for_path("vars.env") == format::dotenv);
  BOOST_CHECK(format_for_path("conf.ini") == format::ini);
  BOOST_CHECK(format_for_path("token") == format::binary);
  BOOST_CHECK(format_for_path("notes.txt") == format::binary);
  BOOST_CHECK(format_for_path("env") == format::binary);
  BOOST_CHECK(format_for_path("a.yaml.bak") == format::binary);
  BOOST_CHECK(*parse_format_name("dotenv") == format::dotenv);
  BOOST_CHECK(!parse_format_name("toml"));
}

BOOST_AUTO_TEST_CASE(flux_size_limit) {
  BOOST_CHECK_EQUAL(max_document_size, 5u * 1024 * 1024);
  std::string doc = read_file(shared_dir() + "/fluxcd-kustomize-controller/files_file.txt");
  BOOST_CHECK(parse_document(doc, format::binary).ok());
  doc.insert(doc.find('{') + 1, std::string(max_document_size, ' '));
  auto r = parse_document(doc, format::binary);
  BOOST_REQUIRE(!r.ok());
  BOOST_CHECK_EQUAL(r.error().code, "sops_too_large");
  BOOST_CHECK(parse_document(doc, format::binary, 0).ok());  // 0 lifts the limit
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(secret_data)

// Flux's DecryptResource for Secret data entries, end to end with a KMS stand-in:
// a YAML document stored under "app.env" is written back as dotenv.
BOOST_AUTO_TEST_CASE(secret_data_values_follow_flux) {
  auto inside = yamljson::parse_yaml(read_file(shared_dir() + "/fluxcd-kustomize-controller/inside_secret.yaml"));
  BOOST_REQUIRE(inside.ok());
  auto parsed = parse_secret_data_value("key", inside->at({"data", "key"})->as_string());
  BOOST_REQUIRE(parsed.has_value());
  BOOST_REQUIRE(parsed->ok());
  BOOST_CHECK((*parsed)->output_format == format::binary);
  BOOST_CHECK((*parsed)->doc.fmt == format::json);

  BOOST_CHECK(!parse_secret_data_value("x", "not base64!").has_value());
  BOOST_CHECK(!parse_secret_data_value("x", enc::base64("plain: yaml\n")).has_value());
  auto broken = parse_secret_data_value("conf.yaml", enc::base64("a: 1\nmac: ENC[\n"));
  BOOST_REQUIRE(broken.has_value());
  BOOST_REQUIRE(!broken->ok());
  BOOST_CHECK(broken->error().message.find("conf.yaml") != std::string::npos);

  const std::string key = sops_test::test_key("secret data");
  encrypt_options o;
  key_group g;
  kms_entry k;
  k.arn = "arn:aws:kms:us-east-1:111122223333:key/abcd";
  k.enc = enc::base64(key);  // the stand-in KMS "wraps" by identity
  g.kms.push_back(k);
  o.key_groups.push_back(g);
  auto enc = encrypt("A: one\nB: two\n", format::yaml, key, o);
  BOOST_REQUIRE(enc.ok());
  auto entry = parse_secret_data_value("app.env", enc::base64(*enc));
  BOOST_REQUIRE(entry.has_value() && entry->ok());
  BOOST_CHECK((*entry)->doc.fmt == format::yaml);
  BOOST_CHECK((*entry)->output_format == format::dotenv);
  auto masters = kms_master_keys((*entry)->doc.meta);
  BOOST_REQUIRE(masters.ok());
  auto data_key = data_key_from_parts((*entry)->doc.meta, {masters->at(0).ciphertext_blob});
  BOOST_REQUIRE(data_key.ok());
  decrypt_options opts;
  opts.output_format = (*entry)->output_format;
  auto out = decrypt(std::move((*entry)->doc), *data_key, opts);
  BOOST_REQUIRE(out.ok());
  BOOST_CHECK_MESSAGE(out->bytes == "A=one\nB=two\n", "dotenv output differs");
}

BOOST_AUTO_TEST_SUITE_END()
