// The Kustomization against fluxaws-emulator's conformance world, in-process with the
// real reconcilers, HTTP client, artifact server and credential plane: tenant-a's
// Kustomization over tenant-a's Bucket with Secrets encrypted under alias/tenant-a —
// fixtures made in the setup with the emulator's GenerateDataKey/Encrypt, fluxaws's
// own SOPS encryption, and the real sops files of testdata/sops re-keyed to KMS —
// becomes Ready with the right plaintext and exactly one KMS Decrypt per data key;
// then the refusals: tenant-b's key as tenant-a's ServiceAccount (AccessDenied), a
// wrong encryption context, a tampered value, a tampered MAC under --sops-verify-mac, a
// truncated `enc` — each BuildFailed, nothing applied, no plaintext or key in the log.
#define BOOST_TEST_MODULE integration_kustomization
#include <boost/test/unit_test.hpp>

#include <filesystem>
#include <functional>
#include <thread>

#include "adapters/common/encoding.hpp"
#include "adapters/common/yaml_json.hpp"
#include "adapters/sops/metadata.hpp"
#include "emulator_engine.hpp"
#include "tests/unit/kustomization/fixtures.hpp"
#include "tests/unit/kustomization/support.hpp"

using namespace fluxaws;
using namespace ks_itest;
namespace fs = std::filesystem;

namespace {

const std::vector<std::pair<std::string, std::string>> kContext = {{"app", "fluxaws-itest"}};
const std::string kTargetNs = "tenant-a-apps";

std::string to_yaml(const json::value& v) { return yamljson::to_yaml(v); }

std::string kustomization(const std::string& name, const std::string& decryption, const std::string& annotations = "") {
  return "apiVersion: kustomize.toolkit.fluxcd.io/v1\nkind: Kustomization\nmetadata:\n  name: " + name +
         "\n  namespace: tenant-a\n" + annotations + "spec:\n  interval: 10m\n  prune: true\n  path: ./" + name +
         "\n  targetNamespace: " + kTargetNs + "\n  sourceRef: {kind: Bucket, name: src-" + name + "}\n" + decryption;
}

// The objects of one case: the ci keys for the Bucket (generic provider), the Bucket
// over tenant-a-manifests at prefix "<name>/", the decryption Secret, and the
// Kustomization (ks_extra: more spec lines).
std::string case_objects(const std::string& name, const std::string& decryption) {
  return "apiVersion: v1\nkind: Secret\nmetadata: {name: ci-keys, namespace: tenant-a}\n"
         "stringData: {accesskey: AKIACONFORMANCE00001, secretkey: conformance/Secret+Key/00001}\n---\n"
         "apiVersion: v1\nkind: Secret\nmetadata: {name: sops-keys, namespace: tenant-a}\n"
         "stringData:\n  sops.aws-kms: |\n    aws_access_key_id: AKIACONFORMANCE00001\n"
         "    aws_secret_access_key: conformance/Secret+Key/00001\n---\n"
         "apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: flux\n  namespace: tenant-a\n  annotations:\n"
         "    eks.amazonaws.com/role-arn: arn:aws:iam::111122223333:role/tenant-a\n---\n"
         "apiVersion: source.toolkit.fluxcd.io/v1\nkind: Bucket\nmetadata: {name: src-" + name +
         ", namespace: tenant-a}\nspec: {bucketName: tenant-a-manifests, endpoint: s3.amazonaws.com, region: us-east-1,"
         " provider: generic, secretRef: {name: ci-keys}, prefix: '" + name + "/', interval: 10m}\n---\n" +
         kustomization(name, decryption);
}

const std::string kBySecret = "  decryption: {provider: sops, secretRef: {name: sops-keys}}\n";
const std::string kByServiceAccount = "  decryption: {provider: sops, serviceAccountName: flux}\n";

std::string applied_file(engine_world& w, const std::string& name, const std::string& file) {
  return ks_test::read_file(fs::path(w.state_dir()) / "applied" / "tenant-a" / name / file);
}

bool applied_exists(engine_world& w, const std::string& name) {
  return fs::exists(fs::path(w.state_dir()) / "applied" / "tenant-a" / name);
}

std::string data_value(const json::value& secret, const std::string& field) {
  const json::value* v = secret.at({"data", field});
  BOOST_REQUIRE_MESSAGE(v, "no data." << field);
  auto raw = enc::unbase64(v->as_string());
  BOOST_REQUIRE(raw.has_value());
  return *raw;
}

// Every form a secret could leak in: as is, base64, hex.
void require_absent(const std::string& text, const std::vector<std::string>& secrets) {
  for (const auto& s : secrets) {
    BOOST_TEST(text.find(s) == std::string::npos);
    BOOST_TEST(text.find(enc::base64(s)) == std::string::npos);
    BOOST_TEST(text.find(enc::hex(s)) == std::string::npos);
  }
}

// One Secret under a fresh tenant-a data key, through the given entry tweak.
struct bad_secret {
  std::string yaml;
  std::vector<std::string> secrets;  // plaintext and data key
};

}  // namespace

BOOST_AUTO_TEST_SUITE(kustomization_on_the_emulator)

BOOST_AUTO_TEST_CASE(tenant_a_secrets_decrypt_with_one_kms_call_per_data_key) {
  engine_world w;
  const std::string name = "happy";
  const std::string db = "Itest-DB-Password-4412", token = "Itest-Api-Token-0931";

  // Our own SOPS encryption under emulator data keys: three Secrets share one key, a
  // Secret data document has another.
  auto k1 = w.generate_data_key(kTenantAKey, "us-east-1", kContext);
  auto k2 = w.generate_data_key(kTenantAKey, "us-east-1", kContext);
  auto e1 = ks_test::kms_entry(kTenantAKey, k1.ciphertext, kContext);
  auto e2 = ks_test::kms_entry(kTenantAKey, k2.ciphertext, kContext);
  std::string secrets;
  for (int i = 0; i < 3; ++i)
    secrets += "---\n" + to_yaml(ks_test::encrypted_secret(kTargetNs, "db-" + std::to_string(i),
                                                           {{"password", db + "-" + std::to_string(i)}}, k1.plaintext,
                                                           e1));
  json::value api = ks_test::yaml("apiVersion: v1\nkind: Secret\nmetadata: {name: api}\n");
  api["data"]["token.yaml"] = enc::base64(ks_test::encrypted_document("token: " + token + "\n", k2.plaintext, e2));

  // The real sops files, their data keys wrapped by the emulator's KMS.
  auto rekey = [&](const std::string& rel) {
    auto key = ks_test::shared_data_key(rel);
    return ks_test::kms_entry(kTenantAKey, w.encrypt(kTenantAKey, "us-east-1", key, kContext), kContext);
  };
  auto age = ks_test::rekey_manifest(
      ks_test::yaml(ks_test::shared_sops_file("fluxcd-kustomize-controller/algorithms_age.yaml")),
      rekey("fluxcd-kustomize-controller/algorithms_age.yaml"));
  json::value files = ks_test::yaml("apiVersion: v1\nkind: Secret\nmetadata: {name: files}\n");
  files["data"]["file.txt"] = enc::base64(ks_test::rekey_json_text(
      ks_test::shared_sops_file("fluxcd-kustomize-controller/files_file.txt"),
      rekey("fluxcd-kustomize-controller/files_file.txt")));
  files["data"]["app.env"] = enc::base64(ks_test::rekey_dotenv_text(
      ks_test::shared_sops_file("fluxcd-kustomize-controller/envs_env.env"),
      rekey("fluxcd-kustomize-controller/envs_env.env")));

  w.put_object("tenant-a-manifests", "us-east-1", name + "/secrets.yaml", secrets);
  w.put_object("tenant-a-manifests", "us-east-1", name + "/api.yaml", to_yaml(api));
  w.put_object("tenant-a-manifests", "us-east-1", name + "/real/age.yaml", to_yaml(age));
  w.put_object("tenant-a-manifests", "us-east-1", name + "/real/files.yaml", to_yaml(files));
  w.put_object("tenant-a-manifests", "us-east-1", name + "/config.yaml",
               "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: settings}\ndata: {mode: test}\n");
  w.reset_calls();

  w.apply(case_objects(name, kBySecret));
  BOOST_REQUIRE(w.settled_with("Kustomization/tenant-a/happy", "ReconciliationSucceeded"));
  auto obj = w.latest("Kustomization/tenant-a/happy");
  auto revision = w.latest("Bucket/tenant-a/src-happy").at({"status", "artifact", "revision"})->as_string();
  BOOST_TEST(w.ready("Kustomization/tenant-a/happy", "message") == "Applied revision: " + revision);
  BOOST_TEST(obj.at({"status", "lastAppliedRevision"})->as_string() == revision);
  BOOST_TEST(obj.at({"status", "inventory", "entries"})->as_array().size() == 7u);
  BOOST_TEST(w.calls("kms", "Decrypt") == 5);  // five data keys, seven documents

  auto db1 = ks_test::yaml(applied_file(w, name, kTargetNs + "_db-1__Secret.yaml"));
  BOOST_TEST(data_value(db1, "password") == db + "-1");
  auto api_out = ks_test::yaml(applied_file(w, name, kTargetNs + "_api__Secret.yaml"));
  BOOST_TEST(data_value(api_out, "token.yaml") == "token: " + token + "\n");
  auto age_out = ks_test::yaml(applied_file(w, name, kTargetNs + "_age__Secret.yaml"));
  BOOST_TEST(data_value(age_out, "key") == "value");  // what kustomize-controller's tests expect
  auto files_out = ks_test::yaml(applied_file(w, name, kTargetNs + "_files__Secret.yaml"));
  BOOST_TEST(data_value(files_out, "file.txt") == "value");
  BOOST_TEST(data_value(files_out, "app.env") == "key=value\n");

  // Again (requestedAt): the keys are cached, KMS is not asked.
  w.apply_modified(kustomization(name, kBySecret, "  annotations: {reconcile.fluxcd.io/requestedAt: again}\n"));
  BOOST_REQUIRE(w.settled_with("Kustomization/tenant-a/happy", "ReconciliationSucceeded"));
  for (int i = 0; i < 200; ++i) {
    auto lh = w.latest("Kustomization/tenant-a/happy").at({"status", "lastHandledReconcileAt"});
    if (lh && lh->as_string() == "again") break;
    std::this_thread::sleep_for(std::chrono::milliseconds(25));
  }
  BOOST_REQUIRE(w.settled_with("Kustomization/tenant-a/happy", "ReconciliationSucceeded"));
  BOOST_TEST(w.latest("Kustomization/tenant-a/happy").at({"status", "lastHandledReconcileAt"})->as_string() == "again");
  BOOST_TEST(w.calls("kms", "Decrypt") == 5);

  auto logs = w.log_text();
  BOOST_TEST(logs.find("Reconciliation finished") != std::string::npos);
  require_absent(logs, {db + "-0", db + "-1", db + "-2", token, k1.plaintext, k2.plaintext});
}

BOOST_AUTO_TEST_CASE(tenant_b_key_as_tenant_a_is_access_denied) {
  engine_world w;
  const std::string plain_a = "Itest-TenantA-Only-7001", plain_b = "Itest-TenantB-Only-7002";
  auto ka = w.generate_data_key(kTenantAKey, "us-east-1", kContext);
  auto kb = w.generate_data_key(kTenantBKey, "eu-west-1", kContext);
  w.put_object("tenant-a-manifests", "us-east-1", "sa-own/s.yaml",
               to_yaml(ks_test::encrypted_secret(kTargetNs, "own", {{"v", plain_a}}, ka.plaintext,
                                                 ks_test::kms_entry(kTenantAKey, ka.ciphertext, kContext))));
  w.put_object("tenant-a-manifests", "us-east-1", "sa-other/s.yaml",
               to_yaml(ks_test::encrypted_secret(kTargetNs, "other", {{"v", plain_b}}, kb.plaintext,
                                                 ks_test::kms_entry(kTenantBKey, kb.ciphertext, kContext))));
  // tenant-a's ServiceAccount federates into role tenant-a (object-level identity).
  w.apply(case_objects("sa-own", kByServiceAccount));
  w.apply(case_objects("sa-other", kByServiceAccount));
  BOOST_REQUIRE(w.settled_with("Kustomization/tenant-a/sa-own", "ReconciliationSucceeded"));
  BOOST_REQUIRE(w.settled_with("Kustomization/tenant-a/sa-other", "BuildFailed"));
  auto msg = w.ready("Kustomization/tenant-a/sa-other", "message");
  BOOST_TEST_MESSAGE("sa-other: " << msg);
  BOOST_TEST(msg.find("decryption failed for '~G_v1_Secret/other'") == 0u, msg);
  BOOST_TEST(msg.find("AccessDeniedException") != std::string::npos, msg);
  BOOST_TEST(msg.find("role/tenant-a") != std::string::npos, msg);
  BOOST_TEST(!applied_exists(w, "sa-other"));
  BOOST_TEST(data_value(ks_test::yaml(applied_file(w, "sa-own", kTargetNs + "_own__Secret.yaml")), "v") == plain_a);
  require_absent(w.log_text(), {plain_b, kb.plaintext, ka.plaintext});
}

BOOST_AUTO_TEST_CASE(broken_documents_are_build_failures_with_nothing_applied) {
  engine_world w;
  struct broken {
    std::string name;
    std::string expect;
    std::function<void(json::value&, sops::kms_entry&, const std::string& ciphertext)> spoil;
  };
  std::vector<broken> cases = {
      {"wrong-context", "InvalidCiphertextException",
       [](json::value&, sops::kms_entry& e, const std::string&) { e.context = {{"app", "someone-else"}}; }},
      {"truncated-enc", "InvalidCiphertextException",
       [](json::value&, sops::kms_entry& e, const std::string& ct) { e.enc = enc::base64(ct.substr(0, ct.size() / 2)); }},
      {"tampered-value", "error decrypting sops tree",
       [](json::value& s, sops::kms_entry&, const std::string&) {
         std::string v = s.at({"stringData", "password"})->as_string();
         auto tag = v.find("tag:") + 4;
         v[tag] = v[tag] == 'A' ? 'B' : 'A';
         s["stringData"]["password"] = v;
       }},
  };
  std::vector<std::string> secrets;
  for (auto& c : cases) {
    const std::string plain = "Itest-Broken-" + c.name + "-5150";
    auto k = w.generate_data_key(kTenantAKey, "us-east-1", kContext);
    secrets.push_back(plain);
    secrets.push_back(k.plaintext);
    auto entry = ks_test::kms_entry(kTenantAKey, k.ciphertext, kContext);
    auto secret = ks_test::encrypted_secret(kTargetNs, "broken", {{"password", plain}}, k.plaintext, entry);
    // Spoil after encryption: the metadata entry or a value of the finished document.
    sops::kms_entry spoiled = entry;
    c.spoil(secret, spoiled, k.ciphertext);
    if (spoiled.enc != entry.enc || spoiled.context != entry.context)
      secret = ks_test::rekey_manifest(std::move(secret), spoiled);
    w.put_object("tenant-a-manifests", "us-east-1", c.name + "/s.yaml", to_yaml(secret));
    w.apply(case_objects(c.name, kBySecret));
  }
  for (auto& c : cases) {
    BOOST_TEST_CONTEXT(c.name) {
      std::string key = "Kustomization/tenant-a/" + c.name;
      BOOST_REQUIRE(w.settled_with(key, "BuildFailed"));
      auto msg = w.ready(key, "message");
      BOOST_TEST_MESSAGE(c.name << ": " << msg);
      BOOST_TEST(msg.find("decryption failed for '~G_v1_Secret/broken'") == 0u, msg);
      BOOST_TEST(msg.find(c.expect) != std::string::npos, msg);
      BOOST_TEST(!applied_exists(w, c.name));
      BOOST_TEST(w.latest(key).at({"status", "inventory"}) == nullptr);
    }
  }
  require_absent(w.log_text(), secrets);
}

BOOST_AUTO_TEST_CASE(a_tampered_mac_fails_only_with_sops_verify_mac) {
  const std::string plain = "Itest-Mac-Check-3003";
  std::string document;
  std::string data_key;
  {
    engine_world w;  // Flux's default: the MAC is not checked
    auto k = w.generate_data_key(kTenantAKey, "us-east-1", kContext);
    data_key = k.plaintext;
    auto secret = ks_test::encrypted_secret(kTargetNs, "mac", {{"password", plain}}, k.plaintext,
                                            ks_test::kms_entry(kTenantAKey, k.ciphertext, kContext));
    std::string mac = secret.at({"sops", "mac"})->as_string();
    auto pos = mac.find("data:") + 5;
    mac[pos] = mac[pos] == 'A' ? 'B' : 'A';
    secret["sops"]["mac"] = mac;
    document = to_yaml(secret);
    w.put_object("tenant-a-manifests", "us-east-1", "mac-default/s.yaml", document);
    w.apply(case_objects("mac-default", kBySecret));
    BOOST_REQUIRE(w.settled_with("Kustomization/tenant-a/mac-default", "ReconciliationSucceeded"));
  }
  engine_world::options o;
  o.verify_mac = true;
  engine_world w(o);
  w.put_object("tenant-a-manifests", "us-east-1", "mac-verify/s.yaml", document);
  w.apply(case_objects("mac-verify", kBySecret));
  BOOST_REQUIRE(w.settled_with("Kustomization/tenant-a/mac-verify", "BuildFailed"));
  auto msg = w.ready("Kustomization/tenant-a/mac-verify", "message");
  BOOST_TEST_MESSAGE("mac-verify: " << msg);
  BOOST_TEST(msg.find("failed to verify sops data integrity") != std::string::npos, msg);
  BOOST_TEST(!applied_exists(w, "mac-verify"));
  require_absent(w.log_text(), {plain, data_key});
}

BOOST_AUTO_TEST_SUITE_END()
