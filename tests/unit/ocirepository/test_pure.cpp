// The OCIRepository kind's pure logic: spec reading and the refusals that stall,
// source-controller's URL rules, ref planning, semver selection (ranges, Go-regexp
// filters, Helm tags, pre-releases, tags that are not versions), revisions, the
// content-configuration check, the keychain from dockerconfigjson Secrets, layer
// selection and the NewArtifact message.
#include <boost/test/unit_test.hpp>

#include "actors/ocirepository_artifact.hpp"
#include "actors/ocirepository_keychain.hpp"
#include "actors/ocirepository_layer.hpp"
#include "actors/ocirepository_ref.hpp"
#include "actors/ocirepository_spec.hpp"
#include "adapters/common/encoding.hpp"
#include "adapters/common/yaml_json.hpp"

using namespace fluxaws;
using namespace fluxaws::actors;
using namespace fluxaws::actors::ocirepo;

namespace {

json::value yaml(const std::string& text) { return *yamljson::parse_yaml(text); }

spec spec_of(const std::string& spec_yaml) {
  return parse_spec(yaml("apiVersion: source.toolkit.fluxcd.io/v1\nkind: OCIRepository\nmetadata: {name: x, "
                         "namespace: ns}\nspec:\n" +
                         spec_yaml));
}

std::string selected(const std::vector<std::string>& tags, const std::string& range, const std::string& filter = "",
                     const std::string& media = "") {
  auto r = select_semver_tag(tags, range, filter, media);
  return r ? *r : "error: " + r.error().message;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(spec_reading)

BOOST_AUTO_TEST_CASE(defaults_and_fields) {
  auto s = spec_of("  url: oci://r.example/a/b\n  interval: 1m\n");
  BOOST_TEST(s.url == "oci://r.example/a/b");
  BOOST_TEST(s.provider == "generic");
  BOOST_TEST(!s.ref.has_value());
  BOOST_TEST(!s.ignore.has_value());
  BOOST_TEST(s.layer_operation() == "extract");
  BOOST_TEST(s.layer_media_type() == "");
  BOOST_TEST(!validate(s).has_value());

  auto t = spec_of(
      "  url: oci://r.example/a/b\n  provider: aws\n  secretRef: {name: regcred}\n  serviceAccountName: flux\n"
      "  ignore: \"*.md\"\n  insecure: true\n  ref: {semver: '>=1.0.0', semverFilter: '^v', tag: t, digest: ''}\n"
      "  layerSelector: {mediaType: application/x-tar, operation: copy}\n");
  BOOST_TEST(t.provider == "aws");
  BOOST_TEST(t.secret_ref == "regcred");
  BOOST_TEST(t.service_account == "flux");
  BOOST_TEST(*t.ignore == "*.md");
  BOOST_TEST(t.insecure);
  BOOST_TEST(t.ref->semver == ">=1.0.0");
  BOOST_TEST(t.ref->semver_filter == "^v");
  BOOST_TEST(t.layer_operation() == "copy");
  BOOST_TEST(t.layer_media_type() == "application/x-tar");
}

BOOST_AUTO_TEST_CASE(an_empty_ignore_is_not_an_absent_one) {
  auto s = spec_of("  url: oci://r.example/a/b\n  ignore: \"\"\n");
  BOOST_TEST(s.ignore.has_value());
  BOOST_TEST(s.ignore->empty());
}

BOOST_AUTO_TEST_CASE(verify_is_refused_not_ignored) {
  auto s = spec_of("  url: oci://r.example/a/b\n  verify: {provider: cosign, secretRef: {name: keys}}\n");
  auto e = validate(s);
  BOOST_REQUIRE(e.has_value());
  BOOST_TEST((e->kind == reconcile_error::type::stalling));
  BOOST_TEST(e->reason == "VerificationError");
  BOOST_TEST(e->message.find("spec.verify is not supported") != std::string::npos);
  BOOST_TEST(e->message.find("'cosign'") != std::string::npos);

  auto n = validate(spec_of("  url: oci://r.example/a/b\n  verify: {provider: notation}\n"));
  BOOST_REQUIRE(n.has_value());
  BOOST_TEST(n->message.find("'notation'") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(other_providers_and_tls_or_proxy_secrets_stall) {
  for (const char* p : {"azure", "gcp"}) {
    auto e = validate(spec_of(std::string("  url: oci://r.example/a/b\n  provider: ") + p + "\n"));
    BOOST_REQUIRE(e.has_value());
    BOOST_TEST(e->reason == "InvalidProviderConfiguration");
    BOOST_TEST(e->message.find(p) != std::string::npos);
  }
  auto c = validate(spec_of("  url: oci://r.example/a/b\n  certSecretRef: {name: tls}\n"));
  BOOST_REQUIRE(c.has_value());
  BOOST_TEST(c->message.find("spec.certSecretRef") != std::string::npos);
  auto x = validate(spec_of("  url: oci://r.example/a/b\n  proxySecretRef: {name: proxy}\n"));
  BOOST_REQUIRE(x.has_value());
  BOOST_TEST(x->message.find("spec.proxySecretRef") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(url_rules) {
  auto ok = parse_url("oci://111122223333.dkr.ecr.us-east-1.amazonaws.com/tenant-a/manifests");
  BOOST_REQUIRE(ok.ok());
  BOOST_TEST(ok->registry == "111122223333.dkr.ecr.us-east-1.amazonaws.com");
  BOOST_TEST(ok->repository == "tenant-a/manifests");

  auto port = parse_url("oci://127.0.0.1:5000/team/app");
  BOOST_REQUIRE(port.ok());
  BOOST_TEST(port->registry == "127.0.0.1:5000");

  auto scheme = parse_url("https://r.example/a/b");
  BOOST_REQUIRE(!scheme.ok());
  BOOST_TEST(scheme.error().message == "URL must be in format 'oci://<domain>/<org>/<repo>'");

  auto tag = parse_url("oci://r.example/a/b:v1.0.0");
  BOOST_REQUIRE(!tag.ok());
  BOOST_TEST(tag.error().message == "URL must not contain a tag; remove ':v1.0.0'");

  auto digest = parse_url("oci://r.example/a/b@sha256:" + std::string(64, 'a'));
  BOOST_REQUIRE(!digest.ok());
  BOOST_TEST(digest.error().message.find("digest") != std::string::npos);

  BOOST_TEST(!parse_url("oci://R.example/UPPER/case").ok());
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(refs_and_revisions)

BOOST_AUTO_TEST_CASE(digest_beats_semver_beats_tag_beats_latest) {
  auto none = plan_ref(spec_of("  url: oci://r.example/a/b\n"));
  BOOST_TEST((none.what == ref_plan::kind::tag));
  BOOST_TEST(none.tag == "latest");
  auto empty = plan_ref(spec_of("  url: oci://r.example/a/b\n  ref: {}\n"));
  BOOST_TEST(empty.tag == "latest");
  auto tag = plan_ref(spec_of("  url: oci://r.example/a/b\n  ref: {tag: v1}\n"));
  BOOST_TEST((tag.what == ref_plan::kind::tag));
  BOOST_TEST(tag.tag == "v1");
  auto semver = plan_ref(spec_of("  url: oci://r.example/a/b\n  ref: {tag: v1, semver: '1.x', semverFilter: '.*'}\n"));
  BOOST_TEST((semver.what == ref_plan::kind::semver));
  BOOST_TEST(semver.semver == "1.x");
  BOOST_TEST(semver.semver_filter == ".*");
  auto digest =
      plan_ref(spec_of("  url: oci://r.example/a/b\n  ref: {tag: v1, semver: '1.x', digest: 'sha256:abc'}\n"));
  BOOST_TEST((digest.what == ref_plan::kind::digest));
  BOOST_TEST(digest.digest == "sha256:abc");
}

BOOST_AUTO_TEST_CASE(semver_picks_the_greatest_in_range) {
  std::vector<std::string> tags{"v1.0.0", "v1.1.0", "latest", "build-0001"};
  BOOST_TEST(selected(tags, ">=1.0.0 <1.1.0") == "v1.0.0");
  BOOST_TEST(selected(tags, ">=1.0.0") == "v1.1.0");
  BOOST_TEST(selected(tags, "1.x") == "v1.1.0");
  BOOST_TEST(selected(tags, ">=2.0.0") == "error: no match found for semver: >=2.0.0");
}

BOOST_AUTO_TEST_CASE(semver_skips_pre_releases_and_non_versions) {
  // Flux parses with fluxcd/pkg/version: at least two dots.
  std::vector<std::string> tags{"1.0.0", "1.2.3", "2.0.0-rc.1", "latest", "2.1", "3", "build-1500"};
  BOOST_TEST(selected(tags, ">=1.0.0") == "1.2.3");
  BOOST_TEST(selected(tags, ">=2.0.0-0") == "2.0.0-rc.1");
  BOOST_TEST(selected(tags, "*") == "1.2.3");
}

BOOST_AUTO_TEST_CASE(semver_filter_is_a_go_regexp_matched_anywhere) {
  std::vector<std::string> tags{"1.0.0", "1.1.0-alpha", "v1.2.0", "1.3.0-prod"};
  BOOST_TEST(selected(tags, ">=1.0.0-0", "prod") == "1.3.0-prod");
  BOOST_TEST(selected(tags, ">=1.0.0", "^v") == "v1.2.0");
  BOOST_TEST(selected(tags, ">=1.0.0", "^1\\.[01]") == "1.0.0");
  auto bad = select_semver_tag(tags, ">=1.0.0", "(", "");
  BOOST_REQUIRE(!bad.ok());
  BOOST_TEST(bad.error().message.find("error parsing regexp") == 0u);
}

BOOST_AUTO_TEST_CASE(semver_range_errors_say_so) {
  auto bad = select_semver_tag({"1.0.0"}, ">= 1.2 foo", "", "");
  BOOST_REQUIRE(!bad.ok());
  BOOST_TEST(bad.error().message.find("semver '>= 1.2 foo' parse error") == 0u);
}

BOOST_AUTO_TEST_CASE(helm_chart_tags_map_underscore_to_plus) {
  std::vector<std::string> tags{"1.0.0_build.1", "1.0.0_build.2", "0.9.0"};
  BOOST_TEST(selected(tags, ">=1.0.0", "", helm_chart_layer_type).find("1.0.0_build.") == 0u);
  // Without the Helm layer type, "_" makes them invalid versions.
  BOOST_TEST(selected(tags, ">=0.1.0") == "0.9.0");
}

BOOST_AUTO_TEST_CASE(equal_versions_keep_the_first_listed) {
  BOOST_TEST(selected({"v1.0.0", "1.0.0"}, "1.x") == "v1.0.0");
  BOOST_TEST(selected({"1.0.0", "v1.0.0"}, "1.x") == "1.0.0");
}

BOOST_AUTO_TEST_CASE(revisions) {
  std::string d = "sha256:" + std::string(64, 'b');
  BOOST_TEST(tag_revision("v1.0.0", d) == "v1.0.0@" + d);
  BOOST_TEST(*digest_revision(d) == d);
  BOOST_TEST(!digest_revision("sha256:short").ok());
  BOOST_TEST(!digest_revision("nodigest").ok());
  BOOST_TEST(digest_from_revision("v1.0.0@" + d) == d);
  BOOST_TEST(digest_from_revision(d) == d);
  oci::repository_ref repo{"r.example", "a/b"};
  BOOST_TEST(reference_string(repo, "v1") == "r.example/a/b:v1");
  BOOST_TEST(reference_string(repo, d) == "r.example/a/b@" + d);
}

BOOST_AUTO_TEST_CASE(content_configuration) {
  auto s = spec_of("  url: oci://r.example/a/b\n");
  json::value st = json::value::make_object();
  BOOST_TEST(!content_config_changed(s, st));
  st["observedIgnore"] = "";
  BOOST_TEST(content_config_changed(s, st));  // absent vs "" differ
  auto ig = spec_of("  url: oci://r.example/a/b\n  ignore: \"\"\n");
  BOOST_TEST(!content_config_changed(ig, st));

  auto ls = spec_of("  url: oci://r.example/a/b\n  layerSelector: {}\n");
  json::value st2 = json::value::make_object();
  BOOST_TEST(content_config_changed(ls, st2));  // absent vs {} differ
  st2["observedLayerSelector"] = layer_selector_json(*ls.layer);
  BOOST_TEST(!content_config_changed(ls, st2));
  auto copy = spec_of("  url: oci://r.example/a/b\n  layerSelector: {operation: copy}\n");
  BOOST_TEST(content_config_changed(copy, st2));
  st2["observedLayerSelector"] = layer_selector_json(*copy.layer);
  BOOST_TEST(json::dump(*st2.find("observedLayerSelector")) == R"({"operation":"copy"})");
  BOOST_TEST(!content_config_changed(copy, st2));
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(keychain_from_secrets)

namespace {

json::value pull_secret(const std::string& name, const std::string& config_json) {
  return yaml("apiVersion: v1\nkind: Secret\nmetadata: {name: " + name +
              ", namespace: ns}\ntype: kubernetes.io/dockerconfigjson\ndata:\n  .dockerconfigjson: " +
              enc::base64(config_json) + "\n");
}

}  // namespace

BOOST_AUTO_TEST_CASE(secret_ref_then_service_account_pull_secrets) {
  resource_index idx;
  idx.put(pull_secret("regcred", R"({"auths":{"r.example":{"username":"u1","password":"p1"}}})"));
  idx.put(pull_secret("sa-pull", R"({"auths":{"r.example":{"username":"u2","password":"p2"},)"
                                 R"("other.example:5000":{"auth":")" +
                                     enc::base64("u3:p3") + R"("}}})"));
  idx.put(yaml("apiVersion: v1\nkind: ServiceAccount\nmetadata: {name: flux, namespace: ns}\n"
               "imagePullSecrets: [{name: sa-pull}]\n"));

  auto k = load_keychain(idx, "ns", "regcred", "flux");
  BOOST_REQUIRE(k.ok());
  BOOST_TEST(k->sources.size() == 2u);
  auto a = auth_for(*k, "r.example");
  BOOST_REQUIRE(a.ok());
  BOOST_TEST(a->username == "u1");  // secretRef wins
  auto b = auth_for(*k, "other.example:5000");
  BOOST_REQUIRE(b.ok());
  BOOST_TEST(b->username == "u3");
  auto anon = auth_for(*k, "third.example");
  BOOST_REQUIRE(anon.ok());
  BOOST_TEST(!anon->has_credentials());

  auto none = load_keychain(idx, "ns", "", "");
  BOOST_REQUIRE(none.ok());
  BOOST_TEST(none->empty());
}

BOOST_AUTO_TEST_CASE(missing_or_malformed_secrets_name_themselves_not_their_values) {
  resource_index idx;
  auto missing = load_keychain(idx, "ns", "regcred", "");
  BOOST_REQUIRE(!missing.ok());
  BOOST_TEST(missing.error().code == "AuthenticationFailed");
  BOOST_TEST(missing.error().message == "failed to get secret 'ns/regcred': secrets \"regcred\" not found");

  idx.put(yaml("apiVersion: v1\nkind: Secret\nmetadata: {name: opaque, namespace: ns}\nstringData: {password: "
               "hunter2}\n"));
  auto opaque = load_keychain(idx, "ns", "opaque", "");
  BOOST_REQUIRE(!opaque.ok());
  BOOST_TEST(opaque.error().message.find(".dockerconfigjson") != std::string::npos);
  BOOST_TEST(opaque.error().message.find("hunter2") == std::string::npos);

  idx.put(pull_secret("broken", "{not json hunter2"));
  auto broken = load_keychain(idx, "ns", "broken", "");
  BOOST_REQUIRE(!broken.ok());
  BOOST_TEST(broken.error().message.find("Secret ns/broken") != std::string::npos);
  BOOST_TEST(broken.error().message.find("hunter2") == std::string::npos);

  auto no_sa = load_keychain(idx, "ns", "", "ghost");
  BOOST_REQUIRE(!no_sa.ok());
  BOOST_TEST(no_sa.error().message.find("service account 'ns/ghost'") != std::string::npos);

  // Another namespace's Secret is never found.
  idx.put(yaml("apiVersion: v1\nkind: Secret\nmetadata: {name: elsewhere, namespace: other}\ndata: {}\n"));
  BOOST_TEST(!load_keychain(idx, "ns", "elsewhere", "").ok());
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(layers_and_messages)

namespace {

oci::descriptor desc(const std::string& media, char fill) {
  oci::descriptor d;
  d.media_type = media;
  d.digest = "sha256:" + std::string(64, fill);
  d.size = 1;
  return d;
}

}  // namespace

BOOST_AUTO_TEST_CASE(first_layer_or_first_of_the_media_type) {
  oci::image_manifest m;
  BOOST_TEST(select_layer(m, "").error().message == "no layers found in artifact");
  m.layers = {desc("application/a", '1'), desc("application/b", '2'), desc("application/b", '3')};
  BOOST_TEST(select_layer(m, "")->digest == m.layers[0].digest);
  BOOST_TEST(select_layer(m, "application/b")->digest == m.layers[1].digest);
  auto none = select_layer(m, "application/c");
  BOOST_REQUIRE(!none.ok());
  BOOST_TEST(none.error().message == "failed to find layer with media type 'application/c' in artifact");
}

BOOST_AUTO_TEST_CASE(annotations_become_metadata) {
  oci::image_manifest m;
  m.annotations = {{"a", "1"}, {"b", "2"}, {"a", "3"}};
  auto md = manifest_metadata(m);
  BOOST_TEST(md.size() == 2u);
  BOOST_TEST(md["a"] == "3");
}

BOOST_AUTO_TEST_CASE(new_artifact_message_names_the_origin_when_known) {
  BOOST_TEST(new_artifact_message("v1@sha256:x", "oci://r/a", {}) ==
             "stored artifact with revision 'v1@sha256:x' from 'oci://r/a'");
  BOOST_TEST(new_artifact_message("v1@sha256:x", "oci://r/a",
                                  {{"org.opencontainers.image.source", "https://git/x"},
                                   {"org.opencontainers.image.revision", "main@sha1:1"}}) ==
             "stored artifact with revision 'v1@sha256:x' from 'oci://r/a', origin source 'https://git/x', "
             "origin revision 'main@sha1:1'");
  BOOST_TEST(new_artifact_message("r", "u", {{"org.opencontainers.image.source", "s"}}) ==
             "stored artifact with revision 'r' from 'u'");
}

BOOST_AUTO_TEST_SUITE_END()
