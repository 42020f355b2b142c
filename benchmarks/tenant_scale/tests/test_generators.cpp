#include <boost/test/unit_test.hpp>

#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <unistd.h>

#include "adapters/common/encoding.hpp"
#include "adapters/common/yaml_json.hpp"
#include "adapters/sops/document.hpp"
#include "benchmarks/tenant_scale/src/object_generator.hpp"
#include "benchmarks/tenant_scale/src/world_generator.hpp"
#include "tests/emulator/kms_blob.hpp"

using namespace fluxaws;
using namespace fluxaws::bench;
namespace fs = std::filesystem;

namespace {

oidc_key_pair test_keys() {
  std::string dir = FLUXAWS_EMULATOR_DIR;
  return {dir + "/worlds/conformance-oidc.pub", dir + "/worlds/conformance-oidc.key"};
}

std::vector<json::value> docs(const std::string& yaml) {
  auto all = yamljson::parse_yaml_all(yaml);
  BOOST_REQUIRE_MESSAGE(all.ok(), (all.ok() ? "" : all.error().message));
  return *all;
}

std::map<std::string, int> kinds_of(const std::vector<json::value>& objects) {
  std::map<std::string, int> n;
  for (const auto& o : objects) ++n[o.find("kind")->as_string()];
  return n;
}

const json::value* named(const std::vector<json::value>& objects, const std::string& kind, const std::string& name) {
  for (const auto& o : objects)
    if (o.find("kind")->as_string() == kind && o.at({"metadata", "name"})->as_string() == name) return &o;
  return nullptr;
}

object_forms forms_all(auth_form f) {
  object_forms out;
  for (const auto& k : all_kinds()) out.forms[k] = f;
  out.ecr_password = "test-password";
  return out;
}

struct temp_dir {
  fs::path path;
  temp_dir() {
    std::string t = (fs::temp_directory_path() / "tenant-scale-test-XXXXXX").string();
    BOOST_REQUIRE(::mkdtemp(t.data()));
    path = t;
  }
  ~temp_dir() {
    std::error_code ec;
    fs::remove_all(path, ec);
  }
};

}  // namespace

BOOST_AUTO_TEST_SUITE(generators)

BOOST_AUTO_TEST_CASE(names_are_stable_and_distinct) {
  BOOST_TEST(tenant(42) == "tenant-00042");
  plan_options plan;
  plan.tenants = 120;
  plan.tenants_per_account = 50;
  BOOST_TEST(account_count(plan) == 3);
  BOOST_TEST(account_id(0) == "111122220000");
  BOOST_TEST(tenant_account(plan, 49) == "111122220000");
  BOOST_TEST(tenant_account(plan, 50) == "111122220001");
  BOOST_TEST(tenant_account(plan, 119) == "111122220002");
  BOOST_TEST(role_arn(plan, 42) == "arn:aws:iam::111122220000:role/tenant-00042");
  BOOST_TEST(role_arn(plan, 60) == "arn:aws:iam::111122220001:role/tenant-00060");
  BOOST_TEST(kms_key_arn(plan, 60) == "arn:aws:kms:us-east-1:111122220001:key/" + kms_key_id(60));
  BOOST_TEST(registry_host(account_id(1)) == "111122220001.dkr.ecr.us-east-1.amazonaws.com");
  BOOST_TEST(bucket_name(3) == "tenant-00003-manifests");
  BOOST_TEST(kms_key_id(42) == "b3a0c000-0000-4000-8000-000000000042");
  BOOST_TEST(image_repository(1, 0) == "tenant-00001/app");
  BOOST_TEST(image_repository(1, 1) == "tenant-00001/worker");
  BOOST_TEST(derived_key("a") == derived_key("a"));
  BOOST_TEST(derived_key("a") != derived_key("b"));
  BOOST_TEST(derived_key("a").size() == 32u);
}

BOOST_AUTO_TEST_CASE(world_document_holds_every_tenant) {
  plan_options plan;
  plan.tenants = 3;
  plan.tenants_per_account = 2;
  plan.faults = true;
  auto w = world_document(plan, test_keys());
  BOOST_TEST(w.find("accounts")->size() == 2u);
  BOOST_TEST(w.at({"iam", "oidcProviders"})->size() == 2u);  // the issuer in each account
  BOOST_TEST(w.at({"iam", "roles"})->size() == 3u);
  BOOST_TEST(w.at({"iam", "roles"})->as_array()[2].find("account")->as_string() == account_id(1));
  BOOST_TEST(w.at({"kms", "keys"})->as_array()[2].find("account")->as_string() == account_id(1));
  BOOST_TEST(w.at({"kms", "keys"})->size() == 3u);
  BOOST_TEST(w.at({"s3", "buckets"})->size() == 4u);            // + the peer bucket
  BOOST_TEST(w.at({"ecr", "repositories"})->size() == 3u * 3 + 1);  // app, worker, manifests + peer
  BOOST_TEST(w.at({"latency", "default", "fixed"})->as_string() == "5ms");
  BOOST_TEST(w.at({"latency", "default", "jitter"})->as_string() == "1ms");
  BOOST_TEST(w.at({"faults", "sts", "throttle"})->as_double() > 0);
  // Each role trusts only its own ServiceAccount.
  const auto& role = w.at({"iam", "roles"})->as_array()[2];
  const auto& trust = role.at({"trustPolicy"})->find("Statement")->as_array()[0];
  const json::value* sub = trust.at({"Condition", "StringEquals", "oidc.tenant-scale.bench:sub"});
  BOOST_REQUIRE(sub);
  BOOST_TEST(sub->as_string() == "system:serviceaccount:tenant-00002:flux");
  BOOST_TEST(trust.at({"Principal", "Federated"})->as_string() ==
             "arn:aws:iam::" + account_id(1) + ":oidc-provider/oidc.tenant-scale.bench");
  // Key policies are authoritative: they name the tenant's role and the bench-ci user.
  std::string key_policy = json::dump(*w.at({"kms", "keys"})->as_array()[2].find("policy"));
  BOOST_TEST(key_policy.find(role_arn(plan, 2)) != std::string::npos);
  BOOST_TEST(key_policy.find(ci_user_arn()) != std::string::npos);
  plan.faults = false;
  plan.peer_bucket_objects = 0;
  plan.peer_repository_tags = 0;
  auto quiet = world_document(plan, test_keys());
  BOOST_TEST(!quiet.find("faults"));
  BOOST_TEST(quiet.at({"s3", "buckets"})->size() == 3u);
  BOOST_TEST(quiet.at({"ecr", "repositories"})->size() == 9u);
}

BOOST_AUTO_TEST_CASE(sops_secrets_decrypt_with_the_emulators_key) {
  plan_options plan;
  plan.tenants_per_account = 4;
  auto yaml = sops_secret_yaml(plan, 5, 2);
  BOOST_REQUIRE(yaml.ok());
  auto manifest = yamljson::parse_yaml(*yaml);
  BOOST_REQUIRE(manifest.ok());
  BOOST_TEST(yaml->find(tenant(5)) == std::string::npos);  // the plaintext is not in the file
  auto doc = sops::parse_manifest(*manifest);
  BOOST_REQUIRE_MESSAGE(doc.ok(), (doc.ok() ? "" : doc.error().message));
  BOOST_REQUIRE(doc->meta.key_groups.size() == 1u);
  BOOST_REQUIRE(doc->meta.key_groups[0].kms.size() == 1u);
  const auto& entry = doc->meta.key_groups[0].kms[0];
  BOOST_TEST(entry.arn == kms_key_arn(plan, 5));
  BOOST_TEST(entry.arn.find(account_id(1)) != std::string::npos);
  auto blob = enc::unbase64(entry.enc);
  BOOST_REQUIRE(blob.has_value());
  auto data_key = emu::kms_blob::open(derived_key("kms-material/" + tenant(5)), *blob, {});
  BOOST_REQUIRE(data_key.ok());
  // Another tenant's key material does not open it.
  BOOST_TEST(!emu::kms_blob::open(derived_key("kms-material/" + tenant(6)), *blob, {}).ok());
  auto plain = sops::decrypt_manifest(*manifest, *data_key, true);
  BOOST_REQUIRE_MESSAGE(plain.ok(), (plain.ok() ? "" : plain.error().message));
  BOOST_TEST(plain->at({"stringData", "username"})->as_string() == tenant(5));
  BOOST_TEST(plain->at({"metadata", "name"})->as_string() == "secret-2");
  // Two Secrets of a tenant have distinct data keys.
  auto other = sops_secret_yaml(plan, 5, 1);
  BOOST_REQUIRE(other.ok());
  auto other_doc = sops::parse_manifest(*yamljson::parse_yaml(*other));
  BOOST_REQUIRE(other_doc.ok());
  auto other_key = emu::kms_blob::open(derived_key("kms-material/" + tenant(5)),
                                       *enc::unbase64(other_doc->meta.key_groups[0].kms[0].enc), {});
  BOOST_REQUIRE(other_key.ok());
  BOOST_TEST(*other_key != *data_key);
}

BOOST_AUTO_TEST_CASE(bucket_holds_configmaps_and_secrets) {
  plan_options plan;
  auto files = tenant_bucket_files(plan, 0);
  BOOST_REQUIRE(files.ok());
  BOOST_TEST(files->size() == 20u);
  int secrets = 0;
  for (const auto& f : *files) secrets += f.shared_name.empty() ? 1 : 0;
  BOOST_TEST(secrets == 2);
}

BOOST_AUTO_TEST_CASE(world_on_disk) {
  temp_dir t;
  plan_options plan;
  plan.tenants = 2;
  plan.peer_bucket_objects = 3;
  auto w = write_world(plan, t.path, test_keys());
  BOOST_REQUIRE_MESSAGE(w.ok(), (w.ok() ? "" : w.error().message));
  BOOST_TEST(fs::exists(w->world));
  std::size_t files = 0;
  for (const auto& e : fs::directory_iterator(t.path / "buckets" / bucket_name(1))) files += e.is_regular_file();
  BOOST_TEST(files == 20u);
  BOOST_TEST(fs::hard_link_count(t.path / "shared" / "config-01.yaml") == 3u);  // shared + 2 tenants
  std::size_t peer = 0;
  for (const auto& e : fs::directory_iterator(t.path / "peer-bucket")) peer += e.is_regular_file();
  BOOST_TEST(peer == 3u);
  std::ifstream in(w->world);
  std::stringstream ss;
  ss << in.rdbuf();
  auto parsed = yamljson::parse_yaml(ss.str());
  BOOST_REQUIRE(parsed.ok());
  BOOST_TEST(parsed->at({"iam", "roles"})->size() == 2u);
  // A folder that cannot be created is an error naming it.
  auto bad = write_world(plan, "/proc/no-such-place/world", test_keys());
  BOOST_TEST(!bad.ok());
}

BOOST_AUTO_TEST_CASE(tenant_objects_in_the_identity_form) {
  plan_options plan;
  auto f = forms_all(auth_form::aws_identity);
  auto objects = docs(tenant_objects_yaml(plan, 3, f));
  auto n = kinds_of(objects);
  BOOST_TEST(n["Namespace"] == 1);
  BOOST_TEST(n["ServiceAccount"] == 1);
  BOOST_TEST(n["Secret"] == 0);  // nothing static
  auto per = objects_per_tenant(plan, f);
  int flux = 0;
  for (const auto& k : all_kinds()) {
    BOOST_TEST(n[k] == per[k], k);
    flux += per[k];
  }
  BOOST_TEST(flux == 8);  // the default mix
  const json::value* sa = named(objects, "ServiceAccount", "flux");
  BOOST_REQUIRE(sa);
  BOOST_TEST(sa->at({"metadata", "annotations"})->find("eks.amazonaws.com/role-arn")->as_string() ==
             role_arn(plan, 3));
  const json::value* b = named(objects, "Bucket", "manifests");
  BOOST_REQUIRE(b);
  BOOST_TEST(b->at({"spec", "provider"})->as_string() == "aws");
  BOOST_TEST(b->at({"spec", "serviceAccountName"})->as_string() == "flux");
  BOOST_TEST(b->at({"spec", "bucketName"})->as_string() == bucket_name(3));
  BOOST_TEST(b->at({"spec", "interval"})->as_string() == "5s");
  const json::value* k = named(objects, "Kustomization", "apps");
  BOOST_REQUIRE(k);
  BOOST_TEST(k->at({"spec", "decryption", "serviceAccountName"})->as_string() == "flux");
  BOOST_TEST(k->at({"spec", "targetNamespace"})->as_string() == tenant(3));
  BOOST_TEST(k->at({"spec", "prune"})->as_bool());
  const json::value* o1 = named(objects, "OCIRepository", "config-1");
  BOOST_REQUIRE(o1);
  BOOST_TEST(o1->at({"spec", "url"})->as_string() ==
             "oci://111122220000.dkr.ecr.us-east-1.amazonaws.com/tenant-00003/manifests");
  BOOST_TEST(o1->at({"spec", "ref", "semver"}));
  const json::value* p = named(objects, "ImagePolicy", "worker");
  BOOST_REQUIRE(p);
  BOOST_TEST(p->at({"spec", "imageRepositoryRef", "name"})->as_string() == "worker");
  for (const auto& o : objects)
    if (o.find("kind")->as_string() != "Namespace")
      BOOST_TEST(o.at({"metadata", "namespace"})->as_string() == tenant(3));
}

BOOST_AUTO_TEST_CASE(static_form_and_missing_kinds) {
  plan_options plan;
  object_forms f;
  f.forms["OCIRepository"] = auth_form::static_keys;
  f.forms["ImagePolicy"] = auth_form::static_keys;  // without its ImageRepository: not generated
  f.forms["Kustomization"] = auth_form::aws_identity;  // without its Bucket: not generated
  f.ecr_password = "pw";
  auto objects = docs(tenant_objects_yaml(plan, 0, f));
  auto n = kinds_of(objects);
  BOOST_TEST(n["OCIRepository"] == 2);
  BOOST_TEST(n["ImagePolicy"] == 0);
  BOOST_TEST(n["Kustomization"] == 0);
  BOOST_TEST(n["Secret"] == 2);
  const json::value* o = named(objects, "OCIRepository", "config-0");
  BOOST_REQUIRE(o);
  BOOST_TEST(o->at({"spec", "provider"})->as_string() == "generic");
  BOOST_TEST(o->at({"spec", "secretRef", "name"})->as_string() == "ecr-pull");
  const json::value* pull = named(objects, "Secret", "ecr-pull");
  BOOST_REQUIRE(pull);
  auto cfg = json::parse(pull->at({"stringData", ".dockerconfigjson"})->as_string());
  BOOST_REQUIRE(cfg.has_value());
  BOOST_TEST(cfg->find("auths")->find(registry_host(account_id(0)))->find("auth")->as_string() ==
             enc::base64("AWS:pw"));
}

BOOST_AUTO_TEST_CASE(probe_objects_cover_every_form_once) {
  plan_options plan;
  auto objects = docs(probe_objects_yaml(plan, "pw"));
  std::set<std::string> names;
  int flux = 0;
  for (const auto& o : objects) {
    std::string kind = o.find("kind")->as_string();
    if (kind == "Namespace" || kind == "ServiceAccount" || kind == "Secret") continue;
    ++flux;
    BOOST_TEST(names.insert(kind + "/" + o.at({"metadata", "name"})->as_string()).second);
  }
  BOOST_TEST(flux == 3 * 2 + 2 + 4);
  BOOST_TEST(names.count("Kustomization/" + probe_object_name("Kustomization", auth_form::static_keys,
                                                              auth_form::aws_identity)) == 1u);
  BOOST_TEST(names.count("ImagePolicy/" + probe_object_name("ImagePolicy", auth_form::aws_identity,
                                                            auth_form::aws_identity)) == 1u);
  auto peer = docs(peer_bucket_objects_yaml("10m"));
  BOOST_TEST(named(peer, "Bucket", "peer")->at({"spec", "bucketName"})->as_string() == peer_bucket);
  auto image = docs(peer_image_objects_yaml("pw", "10m"));
  BOOST_TEST(named(image, "ImageRepository", "peer")->at({"spec", "image"})->as_string() ==
             registry_host(account_id(0)) + "/" + peer_repository);
}

BOOST_AUTO_TEST_CASE(objects_on_disk) {
  temp_dir t;
  plan_options plan;
  plan.tenants = 3;
  auto f = forms_all(auth_form::aws_identity);
  BOOST_REQUIRE(write_objects(plan, f, t.path / "objects").ok());
  std::size_t files = 0;
  for (const auto& e : fs::directory_iterator(t.path / "objects")) files += e.is_regular_file();
  BOOST_TEST(files == 3u);
}

BOOST_AUTO_TEST_SUITE_END()
