// The object store (resourceVersions, history, 410 floor, subscribers), the resource
// catalog over the real Flux CRDs, schema defaulting, ages, and ServiceAccount tokens.
#include <openssl/evp.h>
#include <openssl/pem.h>

#include <boost/test/unit_test.hpp>
#include <cstdlib>
#include <fstream>
#include <sstream>

#include <algorithm>

#include "adapters/common/encoding.hpp"
#include "adapters/common/time.hpp"
#include "adapters/common/yaml_json.hpp"
#include "tests/kube-standin/object_store.hpp"
#include "tests/kube-standin/resource_catalog.hpp"
#include "tests/kube-standin/schema_defaults.hpp"
#include "tests/kube-standin/table_view.hpp"
#include "tests/kube-standin/token_signer.hpp"

using namespace kstand;
using fluxaws::json::value;

namespace {

value j(const char* text) { return fluxaws::json::parse(text).value(); }

value named(const char* ns, const char* name) {
  value v = value::make_object();
  v["metadata"].set("namespace", ns);
  v["metadata"].set("name", name);
  return v;
}

std::string slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  BOOST_REQUIRE_MESSAGE(in, "cannot read " + path);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::string flux_crd_path(const std::string& file) {
  const char* shared = std::getenv("FLUXAWS_SHARED_DIR");
  BOOST_REQUIRE_MESSAGE(shared, "FLUXAWS_SHARED_DIR is not set (run through ctest)");
  return std::string(shared) + "/testdata/flux-crds/" + file;
}

value flux_crd(const std::string& file) {
  auto doc = fluxaws::yamljson::parse_yaml(slurp(flux_crd_path(file)));
  BOOST_REQUIRE(doc.ok());
  return doc.value();
}

}  // namespace

BOOST_AUTO_TEST_SUITE(store)

BOOST_AUTO_TEST_CASE(writes_stamp_increasing_resource_versions_and_list_in_order) {
  object_store s;
  uint64_t start = s.current_rv();
  auto a = s.put("g/things", named("b", "x"), event_type::added);
  auto b = s.put("g/things", named("a", "y"), event_type::added);
  auto c = s.put("g/things", named("a", "x"), event_type::added);
  BOOST_TEST(a->at({"metadata", "resourceVersion"})->as_string() == std::to_string(start + 1));
  BOOST_TEST(c->at({"metadata", "resourceVersion"})->as_string() == std::to_string(start + 3));
  auto all = s.list("g/things", "");
  BOOST_REQUIRE(all.size() == 3u);
  BOOST_TEST(all[0]->at({"metadata", "name"})->as_string() == "x");  // a/x, a/y, b/x
  BOOST_TEST(all[1]->at({"metadata", "name"})->as_string() == "y");
  BOOST_TEST(s.list("g/things", "a").size() == 2u);
  BOOST_TEST(s.list("g/things", "").size() == 3u);
  bool more = false;
  auto page = s.list("g/things", "", "a/x", 1, &more);
  BOOST_REQUIRE(page.size() == 1u);
  BOOST_TEST(page[0]->at({"metadata", "name"})->as_string() == "y");
  BOOST_TEST(more);
  BOOST_TEST(!s.get("g/things", "a", "z"));
  BOOST_TEST(s.get("g/things", "a", "y") == b);
}

BOOST_AUTO_TEST_CASE(history_resumes_and_expires) {
  object_store s(3);
  uint64_t r0 = s.current_rv();
  s.put("g/things", named("n", "a"), event_type::added);
  uint64_t r1 = s.current_rv();
  s.put("g/things", named("n", "b"), event_type::added);
  s.put("g/other", named("n", "c"), event_type::added);
  auto since = s.events_since(r1, "g/things");
  BOOST_REQUIRE(since.has_value());
  BOOST_REQUIRE(since->size() == 1u);
  BOOST_TEST((*since)[0]->object->at({"metadata", "name"})->as_string() == "b");
  s.remove("g/things", "n", "a");  // 4th event: the first falls out of the history
  BOOST_TEST(!s.events_since(r0, "g/things").has_value());
  BOOST_TEST(s.events_since(r1, "g/things").has_value());
  auto del = s.events_since(s.current_rv() - 1, "g/things");
  BOOST_REQUIRE(del && del->size() == 1u);
  BOOST_TEST(std::string(event_type_name((*del)[0]->type)) == "DELETED");
  BOOST_TEST((*del)[0]->previous->at({"metadata", "name"})->as_string() == "a");
  s.compact();
  BOOST_TEST(!s.events_since(r1, "g/things").has_value());
  BOOST_TEST(s.events_since(s.current_rv(), "g/things").value().empty());
}

BOOST_AUTO_TEST_CASE(subscribers_see_their_resource_in_order_until_unsubscribed) {
  object_store s;
  std::vector<std::string> seen;
  auto id = s.subscribe("g/things", [&](const store_event& ev) {
    seen.push_back(std::string(event_type_name(ev.type)) + " " + ev.object->at({"metadata", "name"})->as_string());
  });
  s.put("g/things", named("n", "a"), event_type::added);
  s.put("g/other", named("n", "x"), event_type::added);
  s.put("g/things", named("n", "a"), event_type::modified);
  s.remove("g/things", "n", "a");
  s.unsubscribe(id);
  s.put("g/things", named("n", "b"), event_type::added);
  BOOST_TEST(seen == (std::vector<std::string>{"ADDED a", "MODIFIED a", "DELETED a"}));
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(catalog)

BOOST_AUTO_TEST_CASE(builtins_are_served) {
  resource_catalog c;
  BOOST_TEST(c.find("", "v1", "namespaces"));
  BOOST_TEST(!c.find("", "v1", "namespaces")->namespaced);
  BOOST_TEST(c.find("coordination.k8s.io", "v1", "leases"));
  BOOST_TEST(c.find("events.k8s.io", "v1", "events"));
  BOOST_TEST(c.find("apiextensions.k8s.io", "v1", "customresourcedefinitions"));
  BOOST_TEST(!c.find("", "v2", "namespaces"));
  BOOST_TEST(!c.find("source.toolkit.fluxcd.io", "v1", "buckets"));
}

BOOST_AUTO_TEST_CASE(the_five_flux_crds_register_with_their_names_columns_and_subresources) {
  resource_catalog c;
  for (const char* f : {"source.toolkit.fluxcd.io_buckets.yaml", "source.toolkit.fluxcd.io_ocirepositories.yaml",
                        "image.toolkit.fluxcd.io_imagerepositories.yaml", "image.toolkit.fluxcd.io_imagepolicies.yaml",
                        "kustomize.toolkit.fluxcd.io_kustomizations.yaml"}) {
    auto r = c.register_crd(flux_crd(f));
    BOOST_TEST_REQUIRE(r.ok(), f << ": " << (r.ok() ? "" : r.error().message));
  }
  const resource_type* b = c.find("source.toolkit.fluxcd.io", "v1", "buckets");
  BOOST_REQUIRE(b);
  BOOST_TEST(b->kind == "Bucket");
  BOOST_TEST(b->list_kind == "BucketList");
  BOOST_TEST(b->singular == "bucket");
  BOOST_TEST(b->namespaced);
  BOOST_TEST(b->categories.size() == 3u);  // all, fluxcd, fluxcd-sources
  BOOST_TEST(b->categories.front() == "all");
  BOOST_TEST(b->version("v1")->status_subresource);
  BOOST_REQUIRE(b->version("v1")->columns.size() == 4u);
  BOOST_TEST(b->version("v1")->columns[0].name == "Endpoint");
  BOOST_TEST(b->version("v1")->columns[1].type == "date");
  const resource_type* ks = c.find("kustomize.toolkit.fluxcd.io", "v1", "kustomizations");
  BOOST_REQUIRE(ks);
  BOOST_TEST(ks->short_names == std::vector<std::string>{"ks"});
  auto groups = c.groups();
  BOOST_TEST(std::count_if(groups.begin(), groups.end(), [](const api_group_info& g) {
               return g.name == "image.toolkit.fluxcd.io";
             }) == 1);
  c.unregister("source.toolkit.fluxcd.io/buckets");
  BOOST_TEST(!c.find("source.toolkit.fluxcd.io", "v1", "buckets"));
  BOOST_TEST(c.find("source.toolkit.fluxcd.io", "v1", "ocirepositories"));
  c.unregister("/namespaces");  // built-ins stay
  BOOST_TEST(c.find("", "v1", "namespaces"));
}

BOOST_AUTO_TEST_CASE(invalid_crds_are_refused_naming_the_field) {
  resource_catalog c;
  auto good = flux_crd("source.toolkit.fluxcd.io_buckets.yaml");
  auto with = [&](const char* path_json) {
    value crd = good;
    auto patch = j(path_json);
    for (const auto& [k, v] : patch.as_object()) crd["spec"].set(k, v);
    return c.register_crd(crd);
  };
  auto r1 = with(R"({"group":"nodots"})");
  BOOST_TEST(!r1.ok());
  BOOST_TEST(r1.error().message.find("spec.group") != std::string::npos);
  auto r2 = with(R"({"scope":"Galaxy"})");
  BOOST_TEST(!r2.ok());
  BOOST_TEST(r2.error().message.find("spec.scope") != std::string::npos);
  auto r3 = with(R"({"versions":[{"name":"v1","served":true,"storage":false}]})");
  BOOST_TEST(!r3.ok());
  value renamed = good;
  renamed["metadata"].set("name", "wrong.example.com");
  auto r4 = c.register_crd(renamed);
  BOOST_TEST(!r4.ok());
  BOOST_TEST(r4.error().message.find("metadata.name") != std::string::npos);
  BOOST_TEST(!c.find("source.toolkit.fluxcd.io", "v1", "buckets"));
}

BOOST_AUTO_TEST_CASE(version_priority_is_kubernetes_order) {
  std::vector<std::string> v = {"v1alpha1", "foo", "v1beta1", "v2", "v1", "v1beta2", "v10", "v2alpha3"};
  std::sort(v.begin(), v.end(), [](const std::string& a, const std::string& b) { return version_priority_less(a, b); });
  BOOST_TEST(v == (std::vector<std::string>{"v10", "v2", "v1", "v1beta2", "v1beta1", "v2alpha3", "v1alpha1", "foo"}));
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(defaults_and_tables)

BOOST_AUTO_TEST_CASE(schema_defaults_of_the_bucket_crd) {
  resource_catalog c;
  auto r = c.register_crd(flux_crd("source.toolkit.fluxcd.io_buckets.yaml"));
  BOOST_REQUIRE(r.ok());
  value obj = j(R"({"spec":{"bucketName":"b","endpoint":"e","interval":"1m"}})");
  apply_schema_defaults(obj, (*r)->storage_version().schema);
  BOOST_TEST(obj.at({"spec", "provider"})->as_string() == "generic");
  BOOST_TEST(obj.at({"spec", "timeout"})->as_string() == "60s");
  BOOST_TEST(obj.at({"status", "observedGeneration"})->as_int() == -1);
  value set = j(R"({"spec":{"provider":"aws","timeout":"5s"},"status":{"observedGeneration":3}})");
  apply_schema_defaults(set, (*r)->storage_version().schema);
  BOOST_TEST(set.at({"spec", "provider"})->as_string() == "aws");  // present values stay
  BOOST_TEST(set.at({"spec", "timeout"})->as_string() == "5s");
  BOOST_TEST(set.at({"status", "observedGeneration"})->as_int() == 3);
}

BOOST_AUTO_TEST_CASE(human_durations_match_kubectl) {
  using std::chrono::seconds;
  BOOST_TEST(human_duration(seconds(-5)) == "<invalid>");
  BOOST_TEST(human_duration(seconds(0)) == "0s");
  BOOST_TEST(human_duration(seconds(119)) == "119s");
  BOOST_TEST(human_duration(seconds(130)) == "2m10s");
  BOOST_TEST(human_duration(seconds(600)) == "10m");
  BOOST_TEST(human_duration(seconds(3 * 3600 + 60)) == "3h1m");
  BOOST_TEST(human_duration(seconds(30 * 3600)) == "30h");
  BOOST_TEST(human_duration(seconds(3 * 86400 + 7200)) == "3d2h");
  BOOST_TEST(human_duration(seconds(400 * 86400)) == "400d");
  BOOST_TEST(human_duration(seconds(3LL * 365 * 86400 + 86400)) == "3y1d");
}

BOOST_AUTO_TEST_CASE(tables_carry_the_crd_columns) {
  resource_catalog c;
  auto r = c.register_crd(flux_crd("source.toolkit.fluxcd.io_buckets.yaml"));
  BOOST_REQUIRE(r.ok());
  auto obj = std::make_shared<const value>(j(R"({"apiVersion":"source.toolkit.fluxcd.io/v1","kind":"Bucket",
    "metadata":{"name":"b","namespace":"n","creationTimestamp":"2025-01-01T00:00:00Z"},"spec":{"endpoint":"s3"},
    "status":{"conditions":[{"type":"Ready","status":"False","message":"access denied"}]}})"));
  auto now = fluxaws::timefmt::parse_rfc3339("2025-01-01T00:02:10Z").value();
  value t = to_table(**r, "v1", {obj}, "", "7", "", now);
  BOOST_TEST(t.find("kind")->as_string() == "Table");
  std::vector<std::string> names;
  for (const auto& d : t.find("columnDefinitions")->as_array()) names.push_back(d.find("name")->as_string());
  BOOST_TEST(names == (std::vector<std::string>{"Name", "Endpoint", "Age", "Ready", "Status"}));
  const auto& cells = t.find("rows")->as_array()[0].find("cells")->as_array();
  BOOST_TEST(fluxaws::json::dump(value(cells)) == R"(["b","s3","2m10s","False","access denied"])");
  BOOST_TEST(t.find("rows")->as_array()[0].at({"object", "kind"})->as_string() == "PartialObjectMetadata");
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(tokens)

BOOST_AUTO_TEST_CASE(token_claims_and_an_independent_signature_check) {
  auto signer = token_signer::generate();
  BOOST_REQUIRE(signer.ok());
  auto now = std::chrono::system_clock::now();
  value claims = service_account_claims("https://issuer.example", {"tenant-a", "flux", "uid-1"}, {"sts.amazonaws.com"},
                                        now, std::chrono::seconds(3600), "jti-1");
  auto token = (*signer)->sign(claims);
  BOOST_REQUIRE(token.ok());
  // Verify with OpenSSL and the public key only (not through the signer).
  const std::string& t = token.value();
  auto d2 = t.rfind('.');
  std::string input = t.substr(0, d2);
  auto sig = fluxaws::enc::unbase64url(t.substr(d2 + 1)).value();
  std::string pub = (*signer)->public_pem();
  BIO* bio = BIO_new_mem_buf(pub.data(), static_cast<int>(pub.size()));
  EVP_PKEY* key = PEM_read_bio_PUBKEY(bio, nullptr, nullptr, nullptr);
  BIO_free(bio);
  BOOST_REQUIRE(key);
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  bool ok = EVP_DigestVerifyInit(ctx, nullptr, EVP_sha256(), nullptr, key) == 1 &&
            EVP_DigestVerify(ctx, reinterpret_cast<const unsigned char*>(sig.data()), sig.size(),
                             reinterpret_cast<const unsigned char*>(input.data()), input.size()) == 1;
  EVP_MD_CTX_free(ctx);
  EVP_PKEY_free(key);
  BOOST_TEST(ok);
  auto header = fluxaws::json::parse(fluxaws::enc::unbase64url(t.substr(0, t.find('.'))).value()).value();
  BOOST_TEST(header.find("alg")->as_string() == "RS256");
  BOOST_TEST(header.find("kid")->as_string() == (*signer)->key_id());
  auto back = (*signer)->verify(t, now);
  BOOST_REQUIRE(back.ok());
  BOOST_TEST(back->find("sub")->as_string() == "system:serviceaccount:tenant-a:flux");
  BOOST_TEST(back->at({"kubernetes.io", "serviceaccount", "uid"})->as_string() == "uid-1");
  BOOST_TEST(back->find("exp")->as_int() - back->find("iat")->as_int() == 3600);
  BOOST_TEST(!(*signer)->verify(t, now + std::chrono::hours(2)).ok());  // expired
  std::string tampered = t;
  tampered[t.find('.') + 3] ^= 1;
  BOOST_TEST(!(*signer)->verify(tampered, now).ok());
  auto jwks = (*signer)->jwks();
  BOOST_TEST(jwks.find("keys")->as_array()[0].find("kid")->as_string() == (*signer)->key_id());
  BOOST_TEST(!token_signer::from_pem("not a key").ok());
}

BOOST_AUTO_TEST_SUITE_END()
