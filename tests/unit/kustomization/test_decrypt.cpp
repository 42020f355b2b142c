// SOPS decryption of built resources: what is decrypted (Flux's rules), how data-key
// recoveries are shared and ordered, the cache, and decryption itself — over our own
// fixtures and over the real sops files of testdata/sops re-keyed to a KMS entry.
#include <boost/test/unit_test.hpp>

#include "actors/kustomization_decrypt.hpp"
#include "adapters/common/encoding.hpp"
#include "adapters/kube/object.hpp"
#include "adapters/sops/shamir.hpp"
#include "fixtures.hpp"
#include "support.hpp"

using namespace fluxaws;
namespace ks = fluxaws::actors::kustomization;

namespace {

const std::string kArnA = "arn:aws:kms:us-east-1:111122223333:key/0b6b0a2e-5a3c-4c1e-9a57-1f3a5c7e9a01";
const std::string kArnB = "arn:aws:kms:eu-west-1:111122223333:key/7d2f4e6a-8b1c-4d3e-a5f7-2c4e6a8b0d02";
const std::string kPlain = "Plaintext-Must-Not-Leak-7731";

std::string data_key(char fill) { return std::string(32, fill); }

json::value plain_secret(const std::string& name, const std::vector<std::pair<std::string, std::string>>& data) {
  json::value s = ks_test::yaml("apiVersion: v1\nkind: Secret\nmetadata: {name: " + name + ", namespace: tenant-a}\n");
  for (const auto& [k, v] : data) s["data"][k] = v;
  return s;
}

std::vector<const std::string*> keys_for(const std::vector<ks::sops_target>& targets, const std::string* key) {
  return std::vector<const std::string*>(targets.size(), key);
}

std::string data_value(const json::value& secret, const std::string& field) {
  auto raw = enc::unbase64(secret.at({"data", field})->as_string());
  BOOST_REQUIRE(raw.has_value());
  return *raw;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(decrypt)

BOOST_AUTO_TEST_CASE(targets_are_encrypted_manifests_and_secret_data_documents) {
  auto key = data_key('k');
  auto kms = ks_test::kms_entry(kArnA, "wrapped-k");
  std::vector<json::value> resources;
  resources.push_back(ks_test::encrypted_secret("tenant-a", "whole", {{"password", kPlain}}, key, kms));
  resources.push_back(plain_secret(
      "fields", {{"creds.yaml", enc::base64(ks_test::encrypted_document("user: " + kPlain + "\n", key, kms))},
                 {"plain", enc::base64("hello")},
                 {"not-base64", "%%%"}}));
  resources.push_back(ks_test::yaml("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c, namespace: tenant-a}\n"));
  auto disabled = ks_test::encrypted_secret("tenant-a", "skipped", {{"password", kPlain}}, key, kms);
  disabled["metadata"]["annotations"]["kustomize.toolkit.fluxcd.io/decrypt"] = "Disabled";
  resources.push_back(disabled);

  auto targets = ks::find_targets(resources);
  KS_REQUIRE_OK(targets);
  BOOST_REQUIRE(targets->size() == 2u);
  BOOST_TEST((*targets)[0].resource == 0u);
  BOOST_TEST((*targets)[0].field.empty());
  BOOST_TEST((*targets)[1].resource == 1u);
  BOOST_TEST((*targets)[1].field == "creds.yaml");
  BOOST_TEST(((*targets)[1].output_format == sops::format::yaml));

  auto jobs = ks::recovery_jobs(resources, *targets);
  BOOST_REQUIRE(jobs.ok());
  BOOST_REQUIRE(jobs->size() == 1u);  // one KMS entry: one recovery for both
  BOOST_TEST((*jobs)[0].targets.size() == 2u);
  BOOST_TEST((*jobs)[0].keys.at(0).region == "us-east-1");
  BOOST_TEST((*jobs)[0].keys.at(0).ciphertext_blob == "wrapped-k");

  auto out = ks::decrypt_targets(resources, *targets, keys_for(*targets, &key), true);
  KS_REQUIRE_OK(out);
  BOOST_TEST((*out)[0].find("sops") == nullptr);
  BOOST_TEST((*out)[0].at({"stringData", "password"})->as_string() == kPlain);
  BOOST_TEST(data_value((*out)[1], "creds.yaml") == "user: " + kPlain + "\n");
  BOOST_TEST(data_value((*out)[1], "plain") == "hello");
  BOOST_TEST((*out)[3].find("sops") != nullptr);  // left alone
  BOOST_TEST(!ks::unencrypted_secret_error(*out).has_value());  // the disabled one is exempt
}

BOOST_AUTO_TEST_CASE(an_encrypted_secret_without_decryption_fails_with_fluxs_message) {
  auto s = ks_test::encrypted_secret("tenant-a", "db", {{"password", kPlain}}, data_key('k'),
                                     ks_test::kms_entry(kArnA, "w"));
  auto err = ks::unencrypted_secret_error({s});
  BOOST_REQUIRE(err.has_value());
  BOOST_TEST(*err ==
             "Secret/tenant-a/db is SOPS encrypted, configuring decryption is required for this secret to be reconciled");
  BOOST_TEST(err->find(kPlain) == std::string::npos);
  s["metadata"]["annotations"]["kustomize.toolkit.fluxcd.io/decrypt"] = "disabled";
  BOOST_TEST(!ks::unencrypted_secret_error({s}).has_value());
}

BOOST_AUTO_TEST_CASE(a_hundred_secrets_sharing_a_key_are_one_recovery) {
  auto key = data_key('h');
  auto kms = ks_test::kms_entry(kArnA, "wrapped-h", {{"tenant", "a"}});
  std::vector<json::value> resources;
  for (int i = 0; i < 100; ++i)
    resources.push_back(ks_test::encrypted_secret("tenant-a", "s" + std::to_string(i), {{"v", "x"}}, key, kms));
  // The same ciphertext under another encryption context is another recovery.
  resources.push_back(ks_test::encrypted_secret("tenant-a", "ctx", {{"v", "x"}}, key,
                                                ks_test::kms_entry(kArnA, "wrapped-h", {{"tenant", "b"}})));
  auto targets = ks::find_targets(resources);
  BOOST_REQUIRE(targets.ok());
  auto jobs = ks::recovery_jobs(resources, *targets);
  BOOST_REQUIRE(jobs.ok());
  BOOST_REQUIRE(jobs->size() == 2u);
  BOOST_TEST((*jobs)[0].targets.size() == 100u);
  BOOST_TEST((*jobs)[1].targets.size() == 1u);
}

BOOST_AUTO_TEST_CASE(documents_without_a_kms_key_name_the_resource) {
  // The real file is age-encrypted: fluxaws recovers data keys through KMS only.
  auto age = ks_test::yaml(ks_test::shared_sops_file("fluxcd-kustomize-controller/algorithms_age.yaml"));
  age["metadata"]["namespace"] = "tenant-a";
  std::vector<json::value> resources{age};
  auto targets = ks::find_targets(resources);
  BOOST_REQUIRE(targets.ok());
  auto jobs = ks::recovery_jobs(resources, *targets);
  BOOST_REQUIRE(!jobs.ok());
  BOOST_TEST(jobs.error().code == "BuildFailed");
  BOOST_TEST(jobs.error().message.find("decryption failed for '~G_v1_Secret/age': failed to decrypt and format "
                                       "'tenant-a/age' Secret data: cannot get sops data key: the document has no AWS "
                                       "KMS master key (it is encrypted for age)") == 0u,
             jobs.error().message);
}

BOOST_AUTO_TEST_CASE(the_first_kms_key_that_works_wins) {
  auto key = data_key('w');
  sops::metadata meta;
  meta.key_groups.resize(1);
  std::vector<sops::kms_master_key> keys = {{0, kArnB, "eu-west-1", "", {}, "blob-b"},
                                            {0, kArnA, "us-east-1", "", {}, "blob-a"}};
  ks::key_recovery r(meta, keys);
  BOOST_REQUIRE(r.next() != nullptr);
  BOOST_TEST(r.next()->arn == kArnB);
  r.failed("AccessDeniedException: Decrypt: not allowed (HTTP 400)");
  BOOST_REQUIRE(r.next() != nullptr);
  BOOST_TEST(r.next()->arn == kArnA);
  r.succeeded(key);
  BOOST_TEST(r.next() == nullptr);
  auto got = r.data_key();
  BOOST_REQUIRE(got.ok());
  BOOST_TEST((*got == key));

  ks::key_recovery none(meta, keys);
  none.failed("AccessDeniedException: Decrypt: denied (HTTP 400)");
  none.failed("InvalidCiphertextException: Decrypt: UnknownError (HTTP 400)");
  BOOST_TEST(none.next() == nullptr);
  auto err = none.data_key();
  BOOST_REQUIRE(!err.ok());
  BOOST_TEST(err.error().message ==
             "Error getting data key: 1 successful groups required, got 0: group 1: " + kArnB +
                 ": failed to decrypt sops data key with AWS KMS: AccessDeniedException: Decrypt: denied (HTTP 400); "
                 "group 1: " + kArnA +
                 ": failed to decrypt sops data key with AWS KMS: InvalidCiphertextException: Decrypt: UnknownError "
                 "(HTTP 400)");
}

BOOST_AUTO_TEST_CASE(key_groups_combine_with_shamir_once_enough_answered) {
  auto key = data_key('s');
  auto parts = sops::shamir::split(key, 3, 2);
  BOOST_REQUIRE(parts.ok());
  sops::metadata meta;
  meta.key_groups.resize(3);
  meta.shamir_threshold = 2;
  std::vector<sops::kms_master_key> keys = {{0, kArnA, "us-east-1", "", {}, "g0"},
                                            {1, kArnA, "us-east-1", "", {}, "g1"},
                                            {2, kArnB, "eu-west-1", "", {}, "g2"}};
  ks::key_recovery r(meta, keys);
  r.failed("AccessDeniedException: Decrypt: denied (HTTP 400)");  // group 1
  BOOST_REQUIRE(r.next() && r.next()->group == 1u);
  r.succeeded((*parts)[1]);
  BOOST_REQUIRE(r.next() && r.next()->group == 2u);
  r.succeeded((*parts)[2]);
  BOOST_TEST(r.next() == nullptr);  // two of three: enough
  auto got = r.data_key();
  KS_REQUIRE_OK(got);
  BOOST_TEST((*got == key));

  ks::key_recovery short_of(meta, keys);
  short_of.succeeded((*parts)[0]);
  short_of.failed("AccessDeniedException: x");
  short_of.failed("AccessDeniedException: y");
  BOOST_TEST(short_of.next() == nullptr);
  auto err = short_of.data_key();
  BOOST_REQUIRE(!err.ok());
  BOOST_TEST(err.error().message.find("Error getting data key: 2 successful groups required, got 1") == 0u);
}

BOOST_AUTO_TEST_CASE(the_cache_is_per_identity_and_bounded) {
  sops::kms_master_key k{0, kArnA, "us-east-1", "", {{"tenant", "a"}}, "blob"};
  auto other_ctx = k;
  other_ctx.encryption_context = {{"tenant", "b"}};
  auto role = k;
  role.role = "arn:aws:iam::111122223333:role/sops";
  BOOST_TEST(ks::cache_key("id-1", k) == ks::cache_key("id-1", k));
  BOOST_TEST(ks::cache_key("id-1", k) != ks::cache_key("id-2", k));
  BOOST_TEST(ks::cache_key("id-1", k) != ks::cache_key("id-1", other_ctx));
  BOOST_TEST(ks::cache_key("id-1", k) != ks::cache_key("id-1", role));
  BOOST_TEST(ks::cache_key("id-1", k).find("blob") == std::string::npos);

  ks::data_key_cache cache(2);
  cache.put("a", data_key('1'));
  cache.put("b", data_key('2'));
  BOOST_REQUIRE(cache.find("a"));
  BOOST_TEST((*cache.find("a") == data_key('1')));
  cache.put("c", data_key('3'));  // evicts the oldest
  BOOST_TEST(cache.find("a") == nullptr);
  BOOST_TEST(cache.find("c") != nullptr);
  BOOST_TEST(cache.size() == 2u);
  cache.clear();
  BOOST_TEST(cache.size() == 0u);
  BOOST_TEST(cache.find("b") == nullptr);

  std::string secret = "secret bytes";
  ks::wipe(secret);
  BOOST_TEST(secret.empty());
}

BOOST_AUTO_TEST_CASE(failures_name_the_resource_and_never_the_plaintext) {
  auto key = data_key('r');
  auto kms = ks_test::kms_entry(kArnA, "wrapped-r");
  auto whole = ks_test::encrypted_secret("tenant-a", "db", {{"password", kPlain}}, key, kms);

  auto run = [&](json::value resource, const std::string& k, bool verify) {
    std::vector<json::value> rs{std::move(resource)};
    auto targets = ks::find_targets(rs);
    BOOST_REQUIRE(targets.ok());
    return ks::decrypt_targets(rs, *targets, keys_for(*targets, &k), verify);
  };

  auto wrong = run(whole, data_key('x'), false);
  BOOST_REQUIRE(!wrong.ok());
  BOOST_TEST(wrong.error().code == "BuildFailed");
  BOOST_TEST(wrong.error().message.find("decryption failed for '~G_v1_Secret/db': failed to decrypt and format "
                                        "'tenant-a/db' Secret data: error decrypting sops tree: ") == 0u,
             wrong.error().message);
  BOOST_TEST(wrong.error().message.find(kPlain) == std::string::npos);

  // A value whose GCM tag no longer matches.
  auto tampered = whole;
  std::string v = tampered.at({"stringData", "password"})->as_string();
  auto tag = v.find("tag:") + 4;
  v[tag] = v[tag] == 'A' ? 'B' : 'A';
  tampered["stringData"]["password"] = v;
  auto bad_tag = run(tampered, key, false);
  BOOST_REQUIRE(!bad_tag.ok());
  BOOST_TEST(bad_tag.error().message.find("error decrypting sops tree") != std::string::npos);

  // A MAC that does not match, checked only with --sops-verify-mac.
  auto mac = whole;
  mac["metadata"]["labels"]["added"] = "after-encryption";
  BOOST_TEST(run(mac, key, false).ok());
  auto bad_mac = run(mac, key, true);
  BOOST_REQUIRE(!bad_mac.ok());
  BOOST_TEST(bad_mac.error().message.find("failed to verify sops data integrity") != std::string::npos,
             bad_mac.error().message);
  BOOST_TEST(bad_mac.error().message.find(kPlain) == std::string::npos);

  // A Secret data document under the wrong key names the field.
  auto field = plain_secret("f", {{"app.yaml", enc::base64(ks_test::encrypted_document("p: " + kPlain + "\n", key, kms))}});
  auto wrong_field = run(field, data_key('y'), false);
  BOOST_REQUIRE(!wrong_field.ok());
  BOOST_TEST(wrong_field.error().message.find("decryption failed for '~G_v1_Secret/f': failed to decrypt and format "
                                              "'tenant-a/f' Secret field 'app.yaml': error decrypting sops tree") == 0u,
             wrong_field.error().message);
}

BOOST_AUTO_TEST_CASE(secret_data_documents_are_limited_to_five_mebibytes) {
  std::string big = "a: " + std::string((5u << 20) + 10, 'x') + "\nsops:\n    mac: ENC[AES256_GCM,data:x]\n";
  std::vector<json::value> rs{plain_secret("big", {{"big.yaml", enc::base64(big)}})};
  auto targets = ks::find_targets(rs);
  BOOST_REQUIRE(!targets.ok());
  BOOST_TEST(targets.error().code == "BuildFailed");
  BOOST_TEST(targets.error().message.find("Secret field 'big.yaml': failed to load encrypted YAML data") !=
                 std::string::npos,
             targets.error().message);
}

BOOST_AUTO_TEST_CASE(real_sops_files_rekeyed_to_kms_decrypt) {
  auto kms = [](const std::string& blob) { return ks_test::kms_entry(kArnA, blob, {{"tenant", "a"}}); };
  // A whole Secret written by sops (YAML, encrypted_regex), MAC checked: it has no
  // namespace, and adding one would change what the MAC covers.
  auto age = ks_test::rekey_manifest(
      ks_test::yaml(ks_test::shared_sops_file("fluxcd-kustomize-controller/algorithms_age.yaml")), kms("wrapped-age"));
  auto age_key = ks_test::shared_data_key("fluxcd-kustomize-controller/algorithms_age.yaml");
  // Secret data documents: the binary format (JSON envelope) and dotenv.
  auto file = ks_test::rekey_json_text(ks_test::shared_sops_file("fluxcd-kustomize-controller/files_file.txt"),
                                       kms("wrapped-file"));
  auto file_key = ks_test::shared_data_key("fluxcd-kustomize-controller/files_file.txt");
  auto env = ks_test::rekey_dotenv_text(ks_test::shared_sops_file("fluxcd-kustomize-controller/envs_env.env"),
                                        kms("wrapped-env"));
  auto env_key = ks_test::shared_data_key("fluxcd-kustomize-controller/envs_env.env");

  std::vector<json::value> rs{age, plain_secret("files", {{"file.txt", enc::base64(file)}, {"app.env", enc::base64(env)}})};
  auto targets = ks::find_targets(rs);
  KS_REQUIRE_OK(targets);
  BOOST_REQUIRE(targets->size() == 3u);
  auto jobs = ks::recovery_jobs(rs, *targets);
  KS_REQUIRE_OK(jobs);
  BOOST_TEST(jobs->size() == 3u);  // three data keys
  std::vector<const std::string*> keys;
  for (const auto& t : *targets)
    keys.push_back(t.field.empty() ? &age_key : t.field == "file.txt" ? &file_key : &env_key);
  auto out = ks::decrypt_targets(rs, *targets, keys, true);
  KS_REQUIRE_OK(out);
  BOOST_TEST((*out)[0].at({"stringData", "key"})->as_string() == "value");
  BOOST_TEST(data_value((*out)[1], "file.txt") == "value");
  BOOST_TEST(data_value((*out)[1], "app.env") == "key=value\n");
}

BOOST_AUTO_TEST_CASE(gvk_names_follow_kustomize) {
  BOOST_TEST(ks::gvk_name(ks_test::yaml("apiVersion: v1\nkind: Secret\nmetadata: {name: s}\n")) == "~G_v1_Secret/s");
  BOOST_TEST(ks::gvk_name(ks_test::yaml("apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: d}\n")) ==
             "apps_v1_Deployment/d");
}

BOOST_AUTO_TEST_SUITE_END()
