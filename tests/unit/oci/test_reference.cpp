// OCIRepository URLs, ImageRepository images and image references, with Docker Hub
// normalisation and the refusals Flux makes.
#include <boost/test/unit_test.hpp>

#include "adapters/oci/error_codes.hpp"
#include "adapters/oci/reference.hpp"

using namespace fluxaws;
using namespace fluxaws::oci;

namespace {
const std::string d64 = "sha256:" + std::string(64, 'a');
}

BOOST_AUTO_TEST_SUITE(references)

BOOST_AUTO_TEST_CASE(oci_urls) {
  auto r = parse_oci_url("oci://123456789012.dkr.ecr.us-east-1.amazonaws.com/team/app");
  BOOST_REQUIRE(r.ok());
  BOOST_TEST(r->registry == "123456789012.dkr.ecr.us-east-1.amazonaws.com");
  BOOST_TEST(r->repository == "team/app");
  BOOST_TEST(r->api_host() == r->registry);
  BOOST_TEST(r->name() == "123456789012.dkr.ecr.us-east-1.amazonaws.com/team/app");

  auto p = parse_oci_url("oci://localhost:5000/a/b/c");
  BOOST_REQUIRE(p.ok());
  BOOST_TEST(p->registry == "localhost:5000");
  BOOST_TEST(p->repository == "a/b/c");

  auto ip = parse_oci_url("oci://127.0.0.1:5000/manifests/podinfo");
  BOOST_REQUIRE(ip.ok());
  BOOST_TEST(ip->registry == "127.0.0.1:5000");

  auto v6 = parse_oci_url("oci://[::1]:5000/app");
  BOOST_REQUIRE(v6.ok());
  BOOST_TEST(v6->registry == "[::1]:5000");

  auto upper_host = parse_oci_url("oci://Registry.Example.COM/app");
  BOOST_REQUIRE(upper_host.ok());
  BOOST_TEST(upper_host->registry == "registry.example.com");

  auto slash = parse_oci_url("oci://ghcr.io/stefanprodan/manifests/podinfo/");
  BOOST_REQUIRE(slash.ok());
  BOOST_TEST(slash->repository == "stefanprodan/manifests/podinfo");
}

BOOST_AUTO_TEST_CASE(oci_urls_refused) {
  for (const char* bad : {"ghcr.io/app", "https://ghcr.io/app", "oci://", "oci://ghcr.io/app:v1",
                          "oci://ghcr.io/app@sha256:aaaa", "oci://ghcr.io/App", "oci://ghcr.io//app",
                          "oci://ghcr.io/app?x=1", "oci://ghcr.io:99999/app", "oci://ghcr.io:/app",
                          "oci://-bad-.io/app", "oci://ghcr.io/a b", "oci://ghcr.io/app-"}) {
    auto r = parse_oci_url(bad);
    BOOST_TEST(!r.ok(), bad);
    if (!r.ok()) {
      BOOST_TEST(r.error().code == errc::invalid_reference);
      BOOST_TEST(r.error().message.find(bad) != std::string::npos, bad);
    }
  }
  auto tagged = parse_oci_url("oci://ghcr.io/app:v1");
  BOOST_TEST(tagged.error().message.find("spec.ref.tag") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(docker_hub_normalisation) {
  auto short_name = parse_repository("nginx");
  BOOST_REQUIRE(short_name.ok());
  BOOST_TEST(short_name->registry == "docker.io");
  BOOST_TEST(short_name->repository == "library/nginx");
  BOOST_TEST(short_name->api_host() == "registry-1.docker.io");

  auto user = parse_repository("fluxcd/flux");
  BOOST_REQUIRE(user.ok());
  BOOST_TEST(user->registry == "docker.io");
  BOOST_TEST(user->repository == "fluxcd/flux");

  auto explicit_lib = parse_repository("docker.io/library/x");
  BOOST_REQUIRE(explicit_lib.ok());
  BOOST_TEST(explicit_lib->registry == "docker.io");
  BOOST_TEST(explicit_lib->repository == "library/x");

  auto explicit_short = parse_repository("docker.io/x");
  BOOST_REQUIRE(explicit_short.ok());
  BOOST_TEST(explicit_short->repository == "library/x");

  auto index = parse_repository("index.docker.io/library/x");
  BOOST_REQUIRE(index.ok());
  BOOST_TEST(index->registry == "docker.io");
  BOOST_TEST((*index == *explicit_lib));

  // localhost and anything with '.' or ':' is a registry host, not a Docker Hub user.
  auto local = parse_repository("localhost/app");
  BOOST_REQUIRE(local.ok());
  BOOST_TEST(local->registry == "localhost");
  BOOST_TEST(local->repository == "app");
  auto port = parse_repository("myhost:5000/app");
  BOOST_REQUIRE(port.ok());
  BOOST_TEST(port->registry == "myhost:5000");
  // Only Docker Hub gets "library/" added.
  auto other = parse_repository("quay.io/app");
  BOOST_REQUIRE(other.ok());
  BOOST_TEST(other->repository == "app");
}

BOOST_AUTO_TEST_CASE(image_references_with_tag_and_digest) {
  auto t = parse_image_reference("registry.example:5000/team/app:v1.2.3");
  BOOST_REQUIRE(t.ok());
  BOOST_TEST(t->repo.registry == "registry.example:5000");
  BOOST_TEST(t->repo.repository == "team/app");
  BOOST_TEST(t->tag == "v1.2.3");
  BOOST_TEST(t->digest.empty());
  BOOST_TEST(t->reference() == "v1.2.3");

  auto d = parse_image_reference("registry.example/app@" + d64);
  BOOST_REQUIRE(d.ok());
  BOOST_TEST(d->tag.empty());
  BOOST_TEST(d->digest == d64);
  BOOST_TEST(d->reference() == d64);

  auto both = parse_image_reference("registry.example/app:1.0@" + d64);
  BOOST_REQUIRE(both.ok());
  BOOST_TEST(both->tag == "1.0");
  BOOST_TEST(both->digest == d64);
  BOOST_TEST(both->reference() == d64);
  BOOST_TEST(both->str() == "registry.example/app:1.0@" + d64);

  auto hub = parse_image_reference("nginx:1.25");
  BOOST_REQUIRE(hub.ok());
  BOOST_TEST(hub->repo.name() == "docker.io/library/nginx");
  BOOST_TEST(hub->tag == "1.25");

  auto port_only = parse_image_reference("localhost:5000/app");
  BOOST_REQUIRE(port_only.ok());
  BOOST_TEST(port_only->repo.registry == "localhost:5000");
  BOOST_TEST(port_only->tag.empty());
}

BOOST_AUTO_TEST_CASE(image_references_refused) {
  for (std::string bad : {std::string(""), std::string(":tag"), std::string("app:"), std::string("app:-x"),
                          std::string("app:" + std::string(129, 'a')), std::string("app@sha256:short"),
                          std::string("app@"), std::string("oci://host/app:v1"),
                          std::string("host/app:v1:v2"), std::string("host/a__b___c"),
                          std::string("host/" + std::string(300, 'a'))}) {
    auto r = parse_image_reference(bad);
    BOOST_TEST(!r.ok(), bad);
    if (!r.ok()) BOOST_TEST(r.error().code == errc::invalid_reference);
  }
  // "UPPER/app": an upper-case first element is a host, so "UPPER" is a registry.
  auto upper = parse_repository("UPPER/app");
  BOOST_REQUIRE(upper.ok());
  BOOST_TEST(upper->registry == "upper");
}

BOOST_AUTO_TEST_CASE(path_components) {
  BOOST_TEST(parse_repository("host/a.b_c__d-e---f/g").ok());
  BOOST_TEST(!parse_repository("host/a..b").ok());
  BOOST_TEST(!parse_repository("host/_a").ok());
  BOOST_TEST(!parse_repository("host/a/").ok());
  BOOST_TEST(!parse_repository("host/a:tag").ok());
}

BOOST_AUTO_TEST_CASE(image_repository_refusals_as_flux) {
  auto ok = parse_image_repository("123456789012.dkr.ecr.eu-west-1.amazonaws.com/app");
  BOOST_REQUIRE(ok.ok());
  BOOST_TEST(ok->repository == "app");

  auto tag = parse_image_repository("ghcr.io/app:v1");
  BOOST_REQUIRE(!tag.ok());
  BOOST_TEST(tag.error().message.find("remove ':v1'") != std::string::npos);

  auto scheme = parse_image_repository("https://ghcr.io/app");
  BOOST_REQUIRE(!scheme.ok());
  BOOST_TEST(scheme.error().message.find("remove 'https://'") != std::string::npos);

  auto digest = parse_image_repository("ghcr.io/app@" + d64);
  BOOST_REQUIRE(!digest.ok());
  BOOST_TEST(digest.error().message.find("digest") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(tags) {
  BOOST_TEST(is_valid_tag("latest"));
  BOOST_TEST(is_valid_tag("_x"));
  BOOST_TEST(is_valid_tag("v1.2.3-rc.1_build"));
  BOOST_TEST(is_valid_tag(std::string(128, 'a')));
  BOOST_TEST(!is_valid_tag(std::string(129, 'a')));
  BOOST_TEST(!is_valid_tag(".x"));
  BOOST_TEST(!is_valid_tag("-x"));
  BOOST_TEST(!is_valid_tag("a/b"));
  BOOST_TEST(!is_valid_tag("a+b"));
  BOOST_TEST(!is_valid_tag(""));
}

BOOST_AUTO_TEST_CASE(canonical_registry_keys) {
  BOOST_TEST(canonical_registry("Index.Docker.IO") == "docker.io");
  BOOST_TEST(canonical_registry("registry-1.docker.io") == "docker.io");
  BOOST_TEST(canonical_registry("docker.io") == "docker.io");
  BOOST_TEST(canonical_registry("GHCR.io") == "ghcr.io");
  BOOST_TEST(canonical_registry("host:5000") == "host:5000");
}

BOOST_AUTO_TEST_SUITE_END()
