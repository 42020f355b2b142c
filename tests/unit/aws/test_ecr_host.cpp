// ECR registry host parsing: the forms fluxcd/pkg auth/aws accepts (its own test
// table plus the credential helper's), and look-alikes that must never get ECR
// credentials.
#include <boost/test/unit_test.hpp>

#include "adapters/aws/ecr_host.hpp"

using namespace fluxaws::aws;

BOOST_AUTO_TEST_SUITE(ecr_host)

struct good_row {
  const char* input;
  const char* account;
  const char* region;
  bool fips;
  bool dualstack;
  const char* suffix;
};

BOOST_AUTO_TEST_CASE(accepts_every_partition_and_form) {
  const good_row rows[] = {
      {"012345678901.dkr.ecr.us-east-1.amazonaws.com", "012345678901", "us-east-1", false, false, "amazonaws.com"},
      {"012345678901.dkr.ecr.us-west-2.amazonaws.com", "012345678901", "us-west-2", false, false, "amazonaws.com"},
      {"012345678901.dkr.ecr.cn-north-1.amazonaws.com.cn", "012345678901", "cn-north-1", false, false, "amazonaws.com.cn"},
      {"012345678901.dkr.ecr-fips.us-gov-west-1.amazonaws.com", "012345678901", "us-gov-west-1", true, false, "amazonaws.com"},
      {"012345678901.dkr.ecr-fips.us-east-1.amazonaws.com", "012345678901", "us-east-1", true, false, "amazonaws.com"},
      {"012345678901.dkr.ecr.us-secret-region.sc2s.sgov.gov", "012345678901", "us-secret-region", false, false, "sc2s.sgov.gov"},
      {"012345678901.dkr.ecr-fips.us-ts-region.c2s.ic.gov", "012345678901", "us-ts-region", true, false, "c2s.ic.gov"},
      {"012345678901.dkr.ecr.uk-region.cloud.adc-e.uk", "012345678901", "uk-region", false, false, "cloud.adc-e.uk"},
      {"012345678901.dkr.ecr.us-ts-region.csp.hci.ic.gov", "012345678901", "us-ts-region", false, false, "csp.hci.ic.gov"},
      {"012345678901.dkr.ecr.eusc-de-east-1.amazonaws.eu", "012345678901", "eusc-de-east-1", false, false, "amazonaws.eu"},
      {"557238627320.dkr-ecr.us-west-2.on.aws", "557238627320", "us-west-2", false, true, "on.aws"},
      {"557238627320.dkr-ecr.eu-central-1.on.aws", "557238627320", "eu-central-1", false, true, "on.aws"},
      {"557238627320.dkr-ecr-fips.us-east-1.on.aws", "557238627320", "us-east-1", true, true, "on.aws"},
      {"557238627320.dkr-ecr.cn-north-1.on.amazonwebservices.com.cn", "557238627320", "cn-north-1", false, true,
       "on.amazonwebservices.com.cn"},
      {"111122223333.dkr.ecr.us-east-1.amazonaws.com:443", "111122223333", "us-east-1", false, false, "amazonaws.com"},
      {"111122223333.DKR.ECR.US-EAST-1.AMAZONAWS.COM", "111122223333", "us-east-1", false, false, "amazonaws.com"},
  };
  for (const auto& r : rows) {
    BOOST_TEST_CONTEXT(r.input) {
      auto reg = parse_ecr_host(r.input);
      BOOST_REQUIRE(reg.has_value());
      BOOST_TEST(reg->account == r.account);
      BOOST_TEST(reg->region == r.region);
      BOOST_TEST(reg->fips == r.fips);
      BOOST_TEST(reg->dualstack == r.dualstack);
      BOOST_TEST(reg->dns_suffix == r.suffix);
      BOOST_TEST(!reg->is_public);
      BOOST_TEST(reg->host.find(':') == std::string::npos);
    }
  }
}

BOOST_AUTO_TEST_CASE(ecr_public) {
  auto p = parse_ecr_host("public.ecr.aws");
  BOOST_REQUIRE(p.has_value());
  BOOST_TEST(p->is_public);
  BOOST_TEST(p->region == "us-east-1");
  BOOST_TEST(p->account.empty());
  auto ds = parse_ecr_host("ecr-public.aws.com");
  BOOST_REQUIRE(ds.has_value());
  BOOST_TEST(ds->is_public);
  BOOST_TEST(ds->dualstack);
  BOOST_TEST(parse_ecr_reference("public.ecr.aws/foo/bar")->is_public);
  BOOST_TEST(parse_ecr_reference("oci://public.ecr.aws/foo/bar:1.0")->is_public);
}

BOOST_AUTO_TEST_CASE(references) {
  const char* refs[] = {
      "012345678901.dkr.ecr.us-east-1.amazonaws.com/foo:v1",
      "012345678901.dkr.ecr.us-east-1.amazonaws.com/foo",
      "012345678901.dkr.ecr.us-east-1.amazonaws.com/v2/part/part",
      "oci://012345678901.dkr.ecr.us-east-1.amazonaws.com/charts/app",
      "https://012345678901.dkr.ecr.us-east-1.amazonaws.com",
  };
  for (auto ref : refs) {
    BOOST_TEST_CONTEXT(ref) {
      auto r = parse_ecr_reference(ref);
      BOOST_REQUIRE(r.has_value());
      BOOST_TEST(r->region == "us-east-1");
      BOOST_TEST(r->account == "012345678901");
    }
  }
  BOOST_TEST(!parse_ecr_reference("gcr.io/foo/bar:baz").has_value());
  // Credentials never go in clear text.
  BOOST_TEST(!parse_ecr_reference("http://012345678901.dkr.ecr.us-east-1.amazonaws.com/foo").has_value());
}

BOOST_AUTO_TEST_CASE(refuses_look_alikes) {
  const char* bad[] = {
      "111122223333.dkr.ecr.us-east-1.amazonaws.com.evil.com",
      "evil.com/111122223333.dkr.ecr.us-east-1.amazonaws.com",
      "111122223333.dkr.ecr.us-east-1.amazonaws.com/evil",  // a host, not a reference
      "evil.111122223333.dkr.ecr.us-east-1.amazonaws.com",
      "x111122223333.dkr.ecr.us-east-1.amazonaws.com",
      "11112222333.dkr.ecr.us-east-1.amazonaws.com",     // 11 digits
      "1111222233334.dkr.ecr.us-east-1.amazonaws.com",   // 13 digits
      "11112222333a.dkr.ecr.us-east-1.amazonaws.com",
      "+11122223333.dkr.ecr.us-east-1.amazonaws.com",   // Flux's [0-9+]* would take it
      "111122223333.dkr.ecr.us-east-1.amazonaws.com.",   // trailing dot
      "111122223333.dkr.ecr.us-east-1.amazonaws.com:8443",
      "111122223333.dkr.ecr.us-east-1.amazonaws.com:",
      "111122223333.dkr.ecr.us-east-1.amazonaws.com:443:443",
      "user@111122223333.dkr.ecr.us-east-1.amazonaws.com",
      "111122223333.dkr.ecr.amazonaws.com",              // no region
      "111122223333.dkr.ecr.us.east.1.amazonaws.com",    // region with dots
      "111122223333.dkr.ecr.-us-east-1.amazonaws.com",
      "111122223333.dkrXecr.us-east-1.amazonaws.com",    // Flux's unescaped '.' would take it
      "111122223333.dkr.ecr.us-east-1.amazonaws.co",
      "111122223333.dkr.ecr.us-east-1.amazonaws.com.cn.evil.com",
      "111122223333.dkr.ecr.us-east-1.on.aws",           // classic label on the dual-stack domain
      "111122223333.dkr-ecr.us-east-1.amazonaws.com",    // dual-stack label on the classic domain
      "111122223333.dkr.ecr.us-east-1.evilamazonaws.com",
      "public.ecr.aws.evil.com",
      "evilpublic.ecr.aws",
      "public.ecr.aws:8443",
      "",
      "111122223333.dkr.ecr.us-east-1.amazonaws.com\n",
      "[::1]",
  };
  for (auto h : bad) BOOST_TEST_CONTEXT(h) { BOOST_TEST(!parse_ecr_host(h).has_value()); }
  BOOST_TEST(!parse_ecr_reference("evil.com/111122223333.dkr.ecr.us-east-1.amazonaws.com/repo").has_value());
}

BOOST_AUTO_TEST_SUITE_END()
