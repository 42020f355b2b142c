// Endpoint resolution, table-driven. The partition table below is what botocore 1.43's
// endpoint rule sets (the same rules the JS and Go SDKs embed) resolve for each
// service, region, FIPS and dual-stack setting.
#include <boost/test/unit_test.hpp>

#include "adapters/aws/endpoints.hpp"
#include "adapters/aws/partitions.hpp"

using namespace fluxaws;
using namespace fluxaws::aws;

namespace {

struct row {
  service svc;
  const char* region;
  bool fips;
  bool dualstack;
  const char* url;             // "" = the rules give an error
  const char* signing_region;
};

const row kRows[] = {
    {service::sts, "us-east-1", false, false, "https://sts.us-east-1.amazonaws.com", "us-east-1"},
    {service::sts, "us-east-1", false, true, "https://sts.us-east-1.api.aws", "us-east-1"},
    {service::sts, "us-east-1", true, false, "https://sts-fips.us-east-1.amazonaws.com", "us-east-1"},
    {service::sts, "us-east-1", true, true, "https://sts-fips.us-east-1.api.aws", "us-east-1"},
    {service::sts, "eu-central-1", false, false, "https://sts.eu-central-1.amazonaws.com", "eu-central-1"},
    {service::sts, "eu-central-1", false, true, "https://sts.eu-central-1.api.aws", "eu-central-1"},
    {service::sts, "eu-central-1", true, false, "https://sts-fips.eu-central-1.amazonaws.com", "eu-central-1"},
    {service::sts, "eu-central-1", true, true, "https://sts-fips.eu-central-1.api.aws", "eu-central-1"},
    {service::sts, "cn-north-1", false, false, "https://sts.cn-north-1.amazonaws.com.cn", "cn-north-1"},
    {service::sts, "cn-north-1", false, true, "https://sts.cn-north-1.api.amazonwebservices.com.cn", "cn-north-1"},
    {service::sts, "cn-north-1", true, false, "https://sts-fips.cn-north-1.amazonaws.com.cn", "cn-north-1"},
    {service::sts, "cn-north-1", true, true, "https://sts-fips.cn-north-1.api.amazonwebservices.com.cn", "cn-north-1"},
    {service::sts, "cn-northwest-1", false, false, "https://sts.cn-northwest-1.amazonaws.com.cn", "cn-northwest-1"},
    {service::sts, "cn-northwest-1", false, true, "https://sts.cn-northwest-1.api.amazonwebservices.com.cn", "cn-northwest-1"},
    {service::sts, "cn-northwest-1", true, false, "https://sts-fips.cn-northwest-1.amazonaws.com.cn", "cn-northwest-1"},
    {service::sts, "cn-northwest-1", true, true, "https://sts-fips.cn-northwest-1.api.amazonwebservices.com.cn", "cn-northwest-1"},
    {service::sts, "us-gov-west-1", false, false, "https://sts.us-gov-west-1.amazonaws.com", "us-gov-west-1"},
    {service::sts, "us-gov-west-1", false, true, "https://sts.us-gov-west-1.api.aws", "us-gov-west-1"},
    {service::sts, "us-gov-west-1", true, false, "https://sts.us-gov-west-1.amazonaws.com", "us-gov-west-1"},
    {service::sts, "us-gov-west-1", true, true, "https://sts-fips.us-gov-west-1.api.aws", "us-gov-west-1"},
    {service::sts, "us-iso-east-1", false, false, "https://sts.us-iso-east-1.c2s.ic.gov", "us-iso-east-1"},
    {service::sts, "us-iso-east-1", false, true, "https://sts.us-iso-east-1.api.aws.ic.gov", "us-iso-east-1"},
    {service::sts, "us-iso-east-1", true, false, "https://sts-fips.us-iso-east-1.c2s.ic.gov", "us-iso-east-1"},
    {service::sts, "us-iso-east-1", true, true, "https://sts-fips.us-iso-east-1.api.aws.ic.gov", "us-iso-east-1"},
    {service::sts, "us-isob-east-1", false, false, "https://sts.us-isob-east-1.sc2s.sgov.gov", "us-isob-east-1"},
    {service::sts, "us-isob-east-1", false, true, "https://sts.us-isob-east-1.api.aws.scloud", "us-isob-east-1"},
    {service::sts, "us-isob-east-1", true, false, "https://sts-fips.us-isob-east-1.sc2s.sgov.gov", "us-isob-east-1"},
    {service::sts, "us-isob-east-1", true, true, "https://sts-fips.us-isob-east-1.api.aws.scloud", "us-isob-east-1"},
    {service::sts, "eu-isoe-west-1", false, false, "https://sts.eu-isoe-west-1.cloud.adc-e.uk", "eu-isoe-west-1"},
    {service::sts, "eu-isoe-west-1", false, true, "https://sts.eu-isoe-west-1.api.cloud-aws.adc-e.uk", "eu-isoe-west-1"},
    {service::sts, "eu-isoe-west-1", true, false, "https://sts-fips.eu-isoe-west-1.cloud.adc-e.uk", "eu-isoe-west-1"},
    {service::sts, "eu-isoe-west-1", true, true, "https://sts-fips.eu-isoe-west-1.api.cloud-aws.adc-e.uk", "eu-isoe-west-1"},
    {service::sts, "us-isof-south-1", false, false, "https://sts.us-isof-south-1.csp.hci.ic.gov", "us-isof-south-1"},
    {service::sts, "us-isof-south-1", false, true, "https://sts.us-isof-south-1.api.aws.hci.ic.gov", "us-isof-south-1"},
    {service::sts, "us-isof-south-1", true, false, "https://sts-fips.us-isof-south-1.csp.hci.ic.gov", "us-isof-south-1"},
    {service::sts, "us-isof-south-1", true, true, "https://sts-fips.us-isof-south-1.api.aws.hci.ic.gov", "us-isof-south-1"},
    {service::sts, "eusc-de-east-1", false, false, "https://sts.eusc-de-east-1.amazonaws.eu", "eusc-de-east-1"},
    {service::sts, "eusc-de-east-1", false, true, "https://sts.eusc-de-east-1.api.amazonwebservices.eu", "eusc-de-east-1"},
    {service::sts, "eusc-de-east-1", true, false, "https://sts-fips.eusc-de-east-1.amazonaws.eu", "eusc-de-east-1"},
    {service::sts, "eusc-de-east-1", true, true, "https://sts-fips.eusc-de-east-1.api.amazonwebservices.eu", "eusc-de-east-1"},
    {service::sts, "aws-global", false, false, "https://sts.amazonaws.com", "us-east-1"},
    {service::sts, "aws-global", false, true, "https://sts.aws-global.api.aws", "aws-global"},
    {service::sts, "aws-global", true, false, "https://sts-fips.aws-global.amazonaws.com", "aws-global"},
    {service::sts, "aws-global", true, true, "https://sts-fips.aws-global.api.aws", "aws-global"},
    {service::ecr, "us-east-1", false, false, "https://api.ecr.us-east-1.amazonaws.com", "us-east-1"},
    {service::ecr, "us-east-1", false, true, "https://ecr.us-east-1.api.aws", "us-east-1"},
    {service::ecr, "us-east-1", true, false, "https://api.ecr-fips.us-east-1.amazonaws.com", "us-east-1"},
    {service::ecr, "us-east-1", true, true, "https://ecr-fips.us-east-1.api.aws", "us-east-1"},
    {service::ecr, "eu-central-1", false, false, "https://api.ecr.eu-central-1.amazonaws.com", "eu-central-1"},
    {service::ecr, "eu-central-1", false, true, "https://ecr.eu-central-1.api.aws", "eu-central-1"},
    {service::ecr, "eu-central-1", true, false, "https://api.ecr-fips.eu-central-1.amazonaws.com", "eu-central-1"},
    {service::ecr, "eu-central-1", true, true, "https://ecr-fips.eu-central-1.api.aws", "eu-central-1"},
    {service::ecr, "cn-north-1", false, false, "https://api.ecr.cn-north-1.amazonaws.com.cn", "cn-north-1"},
    {service::ecr, "cn-north-1", false, true, "https://ecr.cn-north-1.api.amazonwebservices.com.cn", "cn-north-1"},
    {service::ecr, "cn-north-1", true, false, "https://api.ecr-fips.cn-north-1.amazonaws.com.cn", "cn-north-1"},
    {service::ecr, "cn-north-1", true, true, "https://ecr-fips.cn-north-1.api.amazonwebservices.com.cn", "cn-north-1"},
    {service::ecr, "cn-northwest-1", false, false, "https://api.ecr.cn-northwest-1.amazonaws.com.cn", "cn-northwest-1"},
    {service::ecr, "cn-northwest-1", false, true, "https://ecr.cn-northwest-1.api.amazonwebservices.com.cn", "cn-northwest-1"},
    {service::ecr, "cn-northwest-1", true, false, "https://api.ecr-fips.cn-northwest-1.amazonaws.com.cn", "cn-northwest-1"},
    {service::ecr, "cn-northwest-1", true, true, "https://ecr-fips.cn-northwest-1.api.amazonwebservices.com.cn", "cn-northwest-1"},
    {service::ecr, "us-gov-west-1", false, false, "https://api.ecr.us-gov-west-1.amazonaws.com", "us-gov-west-1"},
    {service::ecr, "us-gov-west-1", false, true, "https://ecr.us-gov-west-1.api.aws", "us-gov-west-1"},
    {service::ecr, "us-gov-west-1", true, false, "https://api.ecr-fips.us-gov-west-1.amazonaws.com", "us-gov-west-1"},
    {service::ecr, "us-gov-west-1", true, true, "https://ecr-fips.us-gov-west-1.api.aws", "us-gov-west-1"},
    {service::ecr, "us-iso-east-1", false, false, "https://api.ecr.us-iso-east-1.c2s.ic.gov", "us-iso-east-1"},
    {service::ecr, "us-iso-east-1", false, true, "https://ecr.us-iso-east-1.api.aws.ic.gov", "us-iso-east-1"},
    {service::ecr, "us-iso-east-1", true, false, "https://api.ecr-fips.us-iso-east-1.c2s.ic.gov", "us-iso-east-1"},
    {service::ecr, "us-iso-east-1", true, true, "https://ecr-fips.us-iso-east-1.api.aws.ic.gov", "us-iso-east-1"},
    {service::ecr, "us-isob-east-1", false, false, "https://api.ecr.us-isob-east-1.sc2s.sgov.gov", "us-isob-east-1"},
    {service::ecr, "us-isob-east-1", false, true, "https://ecr.us-isob-east-1.api.aws.scloud", "us-isob-east-1"},
    {service::ecr, "us-isob-east-1", true, false, "https://api.ecr-fips.us-isob-east-1.sc2s.sgov.gov", "us-isob-east-1"},
    {service::ecr, "us-isob-east-1", true, true, "https://ecr-fips.us-isob-east-1.api.aws.scloud", "us-isob-east-1"},
    {service::ecr, "eu-isoe-west-1", false, false, "https://api.ecr.eu-isoe-west-1.cloud.adc-e.uk", "eu-isoe-west-1"},
    {service::ecr, "eu-isoe-west-1", false, true, "https://ecr.eu-isoe-west-1.api.cloud-aws.adc-e.uk", "eu-isoe-west-1"},
    {service::ecr, "eu-isoe-west-1", true, false, "https://api.ecr-fips.eu-isoe-west-1.cloud.adc-e.uk", "eu-isoe-west-1"},
    {service::ecr, "eu-isoe-west-1", true, true, "https://ecr-fips.eu-isoe-west-1.api.cloud-aws.adc-e.uk", "eu-isoe-west-1"},
    {service::ecr, "us-isof-south-1", false, false, "https://api.ecr.us-isof-south-1.csp.hci.ic.gov", "us-isof-south-1"},
    {service::ecr, "us-isof-south-1", false, true, "https://ecr.us-isof-south-1.api.aws.hci.ic.gov", "us-isof-south-1"},
    {service::ecr, "us-isof-south-1", true, false, "https://api.ecr-fips.us-isof-south-1.csp.hci.ic.gov", "us-isof-south-1"},
    {service::ecr, "us-isof-south-1", true, true, "https://ecr-fips.us-isof-south-1.api.aws.hci.ic.gov", "us-isof-south-1"},
    {service::ecr, "eusc-de-east-1", false, false, "https://api.ecr.eusc-de-east-1.amazonaws.eu", "eusc-de-east-1"},
    {service::ecr, "eusc-de-east-1", false, true, "https://ecr.eusc-de-east-1.api.amazonwebservices.eu", "eusc-de-east-1"},
    {service::ecr, "eusc-de-east-1", true, false, "https://api.ecr-fips.eusc-de-east-1.amazonaws.eu", "eusc-de-east-1"},
    {service::ecr, "eusc-de-east-1", true, true, "https://ecr-fips.eusc-de-east-1.api.amazonwebservices.eu", "eusc-de-east-1"},
    {service::ecr, "aws-global", false, false, "https://api.ecr.aws-global.amazonaws.com", "aws-global"},
    {service::ecr, "aws-global", false, true, "https://ecr.aws-global.api.aws", "aws-global"},
    {service::ecr, "aws-global", true, false, "https://api.ecr-fips.aws-global.amazonaws.com", "aws-global"},
    {service::ecr, "aws-global", true, true, "https://ecr-fips.aws-global.api.aws", "aws-global"},
    {service::ecr_public, "us-east-1", false, false, "https://api.ecr-public.us-east-1.amazonaws.com", "us-east-1"},
    {service::ecr_public, "us-east-1", false, true, "https://ecr-public.us-east-1.api.aws", "us-east-1"},
    {service::ecr_public, "us-east-1", true, false, "https://api.ecr-public-fips.us-east-1.amazonaws.com", "us-east-1"},
    {service::ecr_public, "us-east-1", true, true, "https://api.ecr-public-fips.us-east-1.api.aws", "us-east-1"},
    {service::ecr_public, "eu-central-1", false, false, "https://api.ecr-public.eu-central-1.amazonaws.com", "eu-central-1"},
    {service::ecr_public, "eu-central-1", false, true, "https://ecr-public.eu-central-1.api.aws", "eu-central-1"},
    {service::ecr_public, "eu-central-1", true, false, "https://api.ecr-public-fips.eu-central-1.amazonaws.com", "eu-central-1"},
    {service::ecr_public, "eu-central-1", true, true, "https://api.ecr-public-fips.eu-central-1.api.aws", "eu-central-1"},
    {service::ecr_public, "cn-north-1", false, false, "https://api.ecr-public.cn-north-1.amazonaws.com.cn", "cn-north-1"},
    {service::ecr_public, "cn-north-1", false, true, "https://api.ecr-public.cn-north-1.api.amazonwebservices.com.cn", "cn-north-1"},
    {service::ecr_public, "cn-north-1", true, false, "https://api.ecr-public-fips.cn-north-1.amazonaws.com.cn", "cn-north-1"},
    {service::ecr_public, "cn-north-1", true, true, "https://api.ecr-public-fips.cn-north-1.api.amazonwebservices.com.cn", "cn-north-1"},
    {service::ecr_public, "cn-northwest-1", false, false, "https://api.ecr-public.cn-northwest-1.amazonaws.com.cn", "cn-northwest-1"},
    {service::ecr_public, "cn-northwest-1", false, true, "https://api.ecr-public.cn-northwest-1.api.amazonwebservices.com.cn", "cn-northwest-1"},
    {service::ecr_public, "cn-northwest-1", true, false, "https://api.ecr-public-fips.cn-northwest-1.amazonaws.com.cn", "cn-northwest-1"},
    {service::ecr_public, "cn-northwest-1", true, true, "https://api.ecr-public-fips.cn-northwest-1.api.amazonwebservices.com.cn", "cn-northwest-1"},
    {service::ecr_public, "us-gov-west-1", false, false, "https://api.ecr-public.us-gov-west-1.amazonaws.com", "us-gov-west-1"},
    {service::ecr_public, "us-gov-west-1", false, true, "https://api.ecr-public.us-gov-west-1.api.aws", "us-gov-west-1"},
    {service::ecr_public, "us-gov-west-1", true, false, "https://api.ecr-public-fips.us-gov-west-1.amazonaws.com", "us-gov-west-1"},
    {service::ecr_public, "us-gov-west-1", true, true, "https://api.ecr-public-fips.us-gov-west-1.api.aws", "us-gov-west-1"},
    {service::ecr_public, "us-iso-east-1", false, false, "https://api.ecr-public.us-iso-east-1.c2s.ic.gov", "us-iso-east-1"},
    {service::ecr_public, "us-iso-east-1", false, true, "https://api.ecr-public.us-iso-east-1.api.aws.ic.gov", "us-iso-east-1"},
    {service::ecr_public, "us-iso-east-1", true, false, "https://api.ecr-public-fips.us-iso-east-1.c2s.ic.gov", "us-iso-east-1"},
    {service::ecr_public, "us-iso-east-1", true, true, "https://api.ecr-public-fips.us-iso-east-1.api.aws.ic.gov", "us-iso-east-1"},
    {service::ecr_public, "us-isob-east-1", false, false, "https://api.ecr-public.us-isob-east-1.sc2s.sgov.gov", "us-isob-east-1"},
    {service::ecr_public, "us-isob-east-1", false, true, "https://api.ecr-public.us-isob-east-1.api.aws.scloud", "us-isob-east-1"},
    {service::ecr_public, "us-isob-east-1", true, false, "https://api.ecr-public-fips.us-isob-east-1.sc2s.sgov.gov", "us-isob-east-1"},
    {service::ecr_public, "us-isob-east-1", true, true, "https://api.ecr-public-fips.us-isob-east-1.api.aws.scloud", "us-isob-east-1"},
    {service::ecr_public, "eu-isoe-west-1", false, false, "https://api.ecr-public.eu-isoe-west-1.cloud.adc-e.uk", "eu-isoe-west-1"},
    {service::ecr_public, "eu-isoe-west-1", false, true, "https://api.ecr-public.eu-isoe-west-1.api.cloud-aws.adc-e.uk", "eu-isoe-west-1"},
    {service::ecr_public, "eu-isoe-west-1", true, false, "https://api.ecr-public-fips.eu-isoe-west-1.cloud.adc-e.uk", "eu-isoe-west-1"},
    {service::ecr_public, "eu-isoe-west-1", true, true, "https://api.ecr-public-fips.eu-isoe-west-1.api.cloud-aws.adc-e.uk", "eu-isoe-west-1"},
    {service::ecr_public, "us-isof-south-1", false, false, "https://api.ecr-public.us-isof-south-1.csp.hci.ic.gov", "us-isof-south-1"},
    {service::ecr_public, "us-isof-south-1", false, true, "https://api.ecr-public.us-isof-south-1.api.aws.hci.ic.gov", "us-isof-south-1"},
    {service::ecr_public, "us-isof-south-1", true, false, "https://api.ecr-public-fips.us-isof-south-1.csp.hci.ic.gov", "us-isof-south-1"},
    {service::ecr_public, "us-isof-south-1", true, true, "https://api.ecr-public-fips.us-isof-south-1.api.aws.hci.ic.gov", "us-isof-south-1"},
    {service::ecr_public, "eusc-de-east-1", false, false, "https://api.ecr-public.eusc-de-east-1.amazonaws.eu", "eusc-de-east-1"},
    {service::ecr_public, "eusc-de-east-1", false, true, "https://api.ecr-public.eusc-de-east-1.api.amazonwebservices.eu", "eusc-de-east-1"},
    {service::ecr_public, "eusc-de-east-1", true, false, "https://api.ecr-public-fips.eusc-de-east-1.amazonaws.eu", "eusc-de-east-1"},
    {service::ecr_public, "eusc-de-east-1", true, true, "https://api.ecr-public-fips.eusc-de-east-1.api.amazonwebservices.eu", "eusc-de-east-1"},
    {service::ecr_public, "aws-global", false, false, "https://api.ecr-public.aws-global.amazonaws.com", "aws-global"},
    {service::ecr_public, "aws-global", false, true, "https://ecr-public.aws-global.api.aws", "aws-global"},
    {service::ecr_public, "aws-global", true, false, "https://api.ecr-public-fips.aws-global.amazonaws.com", "aws-global"},
    {service::ecr_public, "aws-global", true, true, "https://api.ecr-public-fips.aws-global.api.aws", "aws-global"},
    {service::kms, "us-east-1", false, false, "https://kms.us-east-1.amazonaws.com", "us-east-1"},
    {service::kms, "us-east-1", false, true, "https://kms.us-east-1.api.aws", "us-east-1"},
    {service::kms, "us-east-1", true, false, "https://kms-fips.us-east-1.amazonaws.com", "us-east-1"},
    {service::kms, "us-east-1", true, true, "https://kms-fips.us-east-1.api.aws", "us-east-1"},
    {service::kms, "eu-central-1", false, false, "https://kms.eu-central-1.amazonaws.com", "eu-central-1"},
    {service::kms, "eu-central-1", false, true, "https://kms.eu-central-1.api.aws", "eu-central-1"},
    {service::kms, "eu-central-1", true, false, "https://kms-fips.eu-central-1.amazonaws.com", "eu-central-1"},
    {service::kms, "eu-central-1", true, true, "https://kms-fips.eu-central-1.api.aws", "eu-central-1"},
    {service::kms, "cn-north-1", false, false, "https://kms.cn-north-1.amazonaws.com.cn", "cn-north-1"},
    {service::kms, "cn-north-1", false, true, "https://kms.cn-north-1.api.amazonwebservices.com.cn", "cn-north-1"},
    {service::kms, "cn-north-1", true, false, "https://kms-fips.cn-north-1.amazonaws.com.cn", "cn-north-1"},
    {service::kms, "cn-north-1", true, true, "https://kms-fips.cn-north-1.api.amazonwebservices.com.cn", "cn-north-1"},
    {service::kms, "cn-northwest-1", false, false, "https://kms.cn-northwest-1.amazonaws.com.cn", "cn-northwest-1"},
    {service::kms, "cn-northwest-1", false, true, "https://kms.cn-northwest-1.api.amazonwebservices.com.cn", "cn-northwest-1"},
    {service::kms, "cn-northwest-1", true, false, "https://kms-fips.cn-northwest-1.amazonaws.com.cn", "cn-northwest-1"},
    {service::kms, "cn-northwest-1", true, true, "https://kms-fips.cn-northwest-1.api.amazonwebservices.com.cn", "cn-northwest-1"},
    {service::kms, "us-gov-west-1", false, false, "https://kms.us-gov-west-1.amazonaws.com", "us-gov-west-1"},
    {service::kms, "us-gov-west-1", false, true, "https://kms.us-gov-west-1.api.aws", "us-gov-west-1"},
    {service::kms, "us-gov-west-1", true, false, "https://kms-fips.us-gov-west-1.amazonaws.com", "us-gov-west-1"},
    {service::kms, "us-gov-west-1", true, true, "https://kms-fips.us-gov-west-1.api.aws", "us-gov-west-1"},
    {service::kms, "us-iso-east-1", false, false, "https://kms.us-iso-east-1.c2s.ic.gov", "us-iso-east-1"},
    {service::kms, "us-iso-east-1", false, true, "https://kms.us-iso-east-1.api.aws.ic.gov", "us-iso-east-1"},
    {service::kms, "us-iso-east-1", true, false, "https://kms-fips.us-iso-east-1.c2s.ic.gov", "us-iso-east-1"},
    {service::kms, "us-iso-east-1", true, true, "https://kms-fips.us-iso-east-1.api.aws.ic.gov", "us-iso-east-1"},
    {service::kms, "us-isob-east-1", false, false, "https://kms.us-isob-east-1.sc2s.sgov.gov", "us-isob-east-1"},
    {service::kms, "us-isob-east-1", false, true, "https://kms.us-isob-east-1.api.aws.scloud", "us-isob-east-1"},
    {service::kms, "us-isob-east-1", true, false, "https://kms-fips.us-isob-east-1.sc2s.sgov.gov", "us-isob-east-1"},
    {service::kms, "us-isob-east-1", true, true, "https://kms-fips.us-isob-east-1.api.aws.scloud", "us-isob-east-1"},
    {service::kms, "eu-isoe-west-1", false, false, "https://kms.eu-isoe-west-1.cloud.adc-e.uk", "eu-isoe-west-1"},
    {service::kms, "eu-isoe-west-1", false, true, "https://kms.eu-isoe-west-1.api.cloud-aws.adc-e.uk", "eu-isoe-west-1"},
    {service::kms, "eu-isoe-west-1", true, false, "https://kms-fips.eu-isoe-west-1.cloud.adc-e.uk", "eu-isoe-west-1"},
    {service::kms, "eu-isoe-west-1", true, true, "https://kms-fips.eu-isoe-west-1.api.cloud-aws.adc-e.uk", "eu-isoe-west-1"},
    {service::kms, "us-isof-south-1", false, false, "https://kms.us-isof-south-1.csp.hci.ic.gov", "us-isof-south-1"},
    {service::kms, "us-isof-south-1", false, true, "https://kms.us-isof-south-1.api.aws.hci.ic.gov", "us-isof-south-1"},
    {service::kms, "us-isof-south-1", true, false, "https://kms-fips.us-isof-south-1.csp.hci.ic.gov", "us-isof-south-1"},
    {service::kms, "us-isof-south-1", true, true, "https://kms-fips.us-isof-south-1.api.aws.hci.ic.gov", "us-isof-south-1"},
    {service::kms, "eusc-de-east-1", false, false, "https://kms.eusc-de-east-1.amazonaws.eu", "eusc-de-east-1"},
    {service::kms, "eusc-de-east-1", false, true, "https://kms.eusc-de-east-1.api.amazonwebservices.eu", "eusc-de-east-1"},
    {service::kms, "eusc-de-east-1", true, false, "https://kms-fips.eusc-de-east-1.amazonaws.eu", "eusc-de-east-1"},
    {service::kms, "eusc-de-east-1", true, true, "https://kms-fips.eusc-de-east-1.api.amazonwebservices.eu", "eusc-de-east-1"},
    {service::kms, "aws-global", false, false, "https://kms.aws-global.amazonaws.com", "aws-global"},
    {service::kms, "aws-global", false, true, "https://kms.aws-global.api.aws", "aws-global"},
    {service::kms, "aws-global", true, false, "https://kms-fips.aws-global.amazonaws.com", "aws-global"},
    {service::kms, "aws-global", true, true, "https://kms-fips.aws-global.api.aws", "aws-global"},
    {service::s3, "us-east-1", false, false, "https://s3.us-east-1.amazonaws.com", "us-east-1"},
    {service::s3, "us-east-1", false, true, "https://s3.dualstack.us-east-1.amazonaws.com", "us-east-1"},
    {service::s3, "us-east-1", true, false, "https://s3-fips.us-east-1.amazonaws.com", "us-east-1"},
    {service::s3, "us-east-1", true, true, "https://s3-fips.dualstack.us-east-1.amazonaws.com", "us-east-1"},
    {service::s3, "eu-central-1", false, false, "https://s3.eu-central-1.amazonaws.com", "eu-central-1"},
    {service::s3, "eu-central-1", false, true, "https://s3.dualstack.eu-central-1.amazonaws.com", "eu-central-1"},
    {service::s3, "eu-central-1", true, false, "https://s3-fips.eu-central-1.amazonaws.com", "eu-central-1"},
    {service::s3, "eu-central-1", true, true, "https://s3-fips.dualstack.eu-central-1.amazonaws.com", "eu-central-1"},
    {service::s3, "cn-north-1", false, false, "https://s3.cn-north-1.amazonaws.com.cn", "cn-north-1"},
    {service::s3, "cn-north-1", false, true, "https://s3.dualstack.cn-north-1.amazonaws.com.cn", "cn-north-1"},
    {service::s3, "cn-north-1", true, false, "", ""},  // Partition does not support FIPS
    {service::s3, "cn-north-1", true, true, "", ""},  // Partition does not support FIPS
    {service::s3, "cn-northwest-1", false, false, "https://s3.cn-northwest-1.amazonaws.com.cn", "cn-northwest-1"},
    {service::s3, "cn-northwest-1", false, true, "https://s3.dualstack.cn-northwest-1.amazonaws.com.cn", "cn-northwest-1"},
    {service::s3, "cn-northwest-1", true, false, "", ""},  // Partition does not support FIPS
    {service::s3, "cn-northwest-1", true, true, "", ""},  // Partition does not support FIPS
    {service::s3, "us-gov-west-1", false, false, "https://s3.us-gov-west-1.amazonaws.com", "us-gov-west-1"},
    {service::s3, "us-gov-west-1", false, true, "https://s3.dualstack.us-gov-west-1.amazonaws.com", "us-gov-west-1"},
    {service::s3, "us-gov-west-1", true, false, "https://s3-fips.us-gov-west-1.amazonaws.com", "us-gov-west-1"},
    {service::s3, "us-gov-west-1", true, true, "https://s3-fips.dualstack.us-gov-west-1.amazonaws.com", "us-gov-west-1"},
    {service::s3, "us-iso-east-1", false, false, "https://s3.us-iso-east-1.c2s.ic.gov", "us-iso-east-1"},
    {service::s3, "us-iso-east-1", false, true, "https://s3.dualstack.us-iso-east-1.c2s.ic.gov", "us-iso-east-1"},
    {service::s3, "us-iso-east-1", true, false, "https://s3-fips.us-iso-east-1.c2s.ic.gov", "us-iso-east-1"},
    {service::s3, "us-iso-east-1", true, true, "https://s3-fips.dualstack.us-iso-east-1.c2s.ic.gov", "us-iso-east-1"},
    {service::s3, "us-isob-east-1", false, false, "https://s3.us-isob-east-1.sc2s.sgov.gov", "us-isob-east-1"},
    {service::s3, "us-isob-east-1", false, true, "https://s3.dualstack.us-isob-east-1.sc2s.sgov.gov", "us-isob-east-1"},
    {service::s3, "us-isob-east-1", true, false, "https://s3-fips.us-isob-east-1.sc2s.sgov.gov", "us-isob-east-1"},
    {service::s3, "us-isob-east-1", true, true, "https://s3-fips.dualstack.us-isob-east-1.sc2s.sgov.gov", "us-isob-east-1"},
    {service::s3, "eu-isoe-west-1", false, false, "https://s3.eu-isoe-west-1.cloud.adc-e.uk", "eu-isoe-west-1"},
    {service::s3, "eu-isoe-west-1", false, true, "https://s3.dualstack.eu-isoe-west-1.cloud.adc-e.uk", "eu-isoe-west-1"},
    {service::s3, "eu-isoe-west-1", true, false, "https://s3-fips.eu-isoe-west-1.cloud.adc-e.uk", "eu-isoe-west-1"},
    {service::s3, "eu-isoe-west-1", true, true, "https://s3-fips.dualstack.eu-isoe-west-1.cloud.adc-e.uk", "eu-isoe-west-1"},
    {service::s3, "us-isof-south-1", false, false, "https://s3.us-isof-south-1.csp.hci.ic.gov", "us-isof-south-1"},
    {service::s3, "us-isof-south-1", false, true, "https://s3.dualstack.us-isof-south-1.csp.hci.ic.gov", "us-isof-south-1"},
    {service::s3, "us-isof-south-1", true, false, "https://s3-fips.us-isof-south-1.csp.hci.ic.gov", "us-isof-south-1"},
    {service::s3, "us-isof-south-1", true, true, "https://s3-fips.dualstack.us-isof-south-1.csp.hci.ic.gov", "us-isof-south-1"},
    {service::s3, "eusc-de-east-1", false, false, "https://s3.eusc-de-east-1.amazonaws.eu", "eusc-de-east-1"},
    {service::s3, "eusc-de-east-1", false, true, "https://s3.dualstack.eusc-de-east-1.amazonaws.eu", "eusc-de-east-1"},
    {service::s3, "eusc-de-east-1", true, false, "https://s3-fips.eusc-de-east-1.amazonaws.eu", "eusc-de-east-1"},
    {service::s3, "eusc-de-east-1", true, true, "https://s3-fips.dualstack.eusc-de-east-1.amazonaws.eu", "eusc-de-east-1"},
    {service::s3, "aws-global", false, false, "https://s3.amazonaws.com", "us-east-1"},
    {service::s3, "aws-global", false, true, "https://s3.dualstack.us-east-1.amazonaws.com", "us-east-1"},
    {service::s3, "aws-global", true, false, "https://s3-fips.us-east-1.amazonaws.com", "us-east-1"},
    {service::s3, "aws-global", true, true, "https://s3-fips.dualstack.us-east-1.amazonaws.com", "us-east-1"},
};

endpoint_settings with(bool fips, bool dualstack) {
  endpoint_settings s;
  s.use_fips = fips;
  s.use_dualstack = dualstack;
  return s;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(endpoints)

BOOST_AUTO_TEST_CASE(rule_table_all_partitions_fips_dualstack) {
  int checked = 0;
  for (const auto& r : kRows) {
    auto ep = resolve_endpoint(r.svc, r.region, with(r.fips, r.dualstack));
    BOOST_TEST_CONTEXT(signing_name(r.svc) << " " << r.region << " fips=" << r.fips << " ds=" << r.dualstack) {
      if (*r.url == '\0') {
        BOOST_TEST(!ep.ok());
        if (!ep.ok()) BOOST_TEST(ep.error().code == "endpoint");
      } else {
        BOOST_REQUIRE_MESSAGE(ep.ok(), (ep.ok() ? std::string() : ep.error().message));
        BOOST_TEST(ep->to_string() == r.url);
        BOOST_TEST(ep->signing_region == r.signing_region);
        BOOST_TEST(ep->signing_name == signing_name(r.svc));
      }
    }
    ++checked;
  }
  BOOST_TEST(checked == 220);
}

BOOST_AUTO_TEST_CASE(examples_from_the_issue) {
  auto url = [](service s, bool fips, bool ds) { return resolve_endpoint(s, "us-east-1", with(fips, ds))->to_string(); };
  BOOST_TEST(url(service::sts, true, false) == "https://sts-fips.us-east-1.amazonaws.com");
  BOOST_TEST(url(service::s3, false, true) == "https://s3.dualstack.us-east-1.amazonaws.com");
  BOOST_TEST(url(service::s3, true, false) == "https://s3-fips.us-east-1.amazonaws.com");
  BOOST_TEST(url(service::ecr, false, false) == "https://api.ecr.us-east-1.amazonaws.com");
  // The current ECR rule set: FIPS is api.ecr-fips (older rule sets said ecr-fips).
  BOOST_TEST(url(service::ecr, true, false) == "https://api.ecr-fips.us-east-1.amazonaws.com");
  BOOST_TEST(url(service::ecr, false, true) == "https://ecr.us-east-1.api.aws");
  BOOST_TEST(url(service::kms, true, false) == "https://kms-fips.us-east-1.amazonaws.com");
  BOOST_TEST(url(service::ecr_public, false, false) == "https://api.ecr-public.us-east-1.amazonaws.com");
  BOOST_TEST(url(service::sts, false, false) == "https://sts.us-east-1.amazonaws.com");
  BOOST_TEST(resolve_endpoint(service::sts, "cn-north-1", {})->to_string() == "https://sts.cn-north-1.amazonaws.com.cn");
}

BOOST_AUTO_TEST_CASE(partitions_by_region) {
  BOOST_TEST(partition_for_region("us-east-1").name == "aws");
  BOOST_TEST(partition_for_region("ap-southeast-7").name == "aws");
  BOOST_TEST(partition_for_region("mx-central-1").name == "aws");
  BOOST_TEST(partition_for_region("cn-northwest-1").name == "aws-cn");
  BOOST_TEST(partition_for_region("us-gov-east-1").name == "aws-us-gov");
  BOOST_TEST(partition_for_region("us-iso-west-1").name == "aws-iso");
  BOOST_TEST(partition_for_region("us-isob-east-1").name == "aws-iso-b");
  BOOST_TEST(partition_for_region("eu-isoe-west-1").name == "aws-iso-e");
  BOOST_TEST(partition_for_region("us-isof-east-1").name == "aws-iso-f");
  BOOST_TEST(partition_for_region("eusc-de-east-1").name == "aws-eusc");
  BOOST_TEST(partition_for_region("aws-cn-global").name == "aws-cn");
  BOOST_TEST(partition_for_region("aws-us-gov-global").name == "aws-us-gov");
  // Unknown shapes fall back to aws, as aws.partition does.
  BOOST_TEST(partition_for_region("moon-base-1").name == "aws");
  BOOST_TEST(partition_for_region("local").name == "aws");
  BOOST_TEST(resolve_endpoint(service::kms, "local", {})->to_string() == "https://kms.local.amazonaws.com");
}

BOOST_AUTO_TEST_CASE(settings_from_environment) {
  env_map env{{"AWS_USE_FIPS_ENDPOINT", "TRUE"}, {"AWS_USE_DUALSTACK_ENDPOINT", "false"}};
  auto s = endpoint_settings_from_env(env, service::kms);
  BOOST_TEST(s.use_fips);
  BOOST_TEST(!s.use_dualstack);
  BOOST_TEST(!s.endpoint_url.has_value());

  env = {{"AWS_USE_DUALSTACK_ENDPOINT", "true"}, {"AWS_USE_FIPS_ENDPOINT", "yes"}};
  s = endpoint_settings_from_env(env, service::kms);
  BOOST_TEST(!s.use_fips);  // only "true" counts
  BOOST_TEST(s.use_dualstack);
  BOOST_TEST(resolve_endpoint(service::kms, "eu-west-1", s)->to_string() == "https://kms.eu-west-1.api.aws");
}

BOOST_AUTO_TEST_CASE(endpoint_url_overrides_service_specific_wins) {
  env_map env{{"AWS_ENDPOINT_URL", "http://127.0.0.1:4566"},
              {"AWS_ENDPOINT_URL_STS", "https://sts.internal.example:8443"},
              {"AWS_ENDPOINT_URL_ECR_PUBLIC", "http://localhost:9001/ecrp"}};
  BOOST_TEST(env_name(service::ecr_public) == "ECR_PUBLIC");
  auto sts = resolve_endpoint(service::sts, "eu-west-1", endpoint_settings_from_env(env, service::sts));
  BOOST_REQUIRE(sts.ok());
  BOOST_TEST(sts->to_string() == "https://sts.internal.example:8443");
  BOOST_TEST(sts->url.authority() == "sts.internal.example:8443");
  BOOST_TEST(sts->signing_region == "eu-west-1");
  BOOST_TEST(sts->signing_name == "sts");

  for (auto s : {service::ecr, service::kms, service::s3}) {
    auto ep = resolve_endpoint(s, "eu-west-1", endpoint_settings_from_env(env, s));
    BOOST_REQUIRE(ep.ok());
    BOOST_TEST(ep->to_string() == "http://127.0.0.1:4566");
    BOOST_TEST(ep->signing_name == signing_name(s));
  }
  auto pub = resolve_endpoint(service::ecr_public, "us-east-1", endpoint_settings_from_env(env, service::ecr_public));
  BOOST_REQUIRE(pub.ok());
  BOOST_TEST(pub->to_string() == "http://localhost:9001/ecrp");
  BOOST_TEST(pub->path_for("/") == "/ecrp/");
  BOOST_TEST(pub->signing_name == "ecr-public");

  env["AWS_IGNORE_CONFIGURED_ENDPOINT_URLS"] = "true";
  auto ignored = resolve_endpoint(service::sts, "eu-west-1", endpoint_settings_from_env(env, service::sts));
  BOOST_TEST(ignored->to_string() == "https://sts.eu-west-1.amazonaws.com");
}

BOOST_AUTO_TEST_CASE(override_with_fips_or_dualstack_is_an_error) {
  for (auto s : {service::sts, service::ecr, service::ecr_public, service::kms, service::s3}) {
    endpoint_settings st;
    st.endpoint_url = "http://127.0.0.1:4566";
    st.use_fips = true;
    BOOST_TEST(!resolve_endpoint(s, "us-east-1", st).ok());
    st.use_fips = false;
    st.use_dualstack = true;
    BOOST_TEST(!resolve_endpoint(s, "us-east-1", st).ok());
  }
}

BOOST_AUTO_TEST_CASE(bad_overrides_and_regions_are_clear_errors) {
  endpoint_settings st;
  st.endpoint_url = "ftp://example.com";
  st.endpoint_url_origin = "AWS_ENDPOINT_URL_KMS";
  auto ep = resolve_endpoint(service::kms, "us-east-1", st);
  BOOST_REQUIRE(!ep.ok());
  BOOST_TEST(ep.error().message.find("AWS_ENDPOINT_URL_KMS") != std::string::npos);
  st.endpoint_url = "https://user:pw@example.com";
  BOOST_TEST(!resolve_endpoint(service::kms, "us-east-1", st).ok());
  st.endpoint_url = "https://example.com?x=1";
  BOOST_TEST(!resolve_endpoint(service::kms, "us-east-1", st).ok());

  BOOST_TEST(!resolve_endpoint(service::sts, "", {}).ok());
  BOOST_TEST(!resolve_endpoint(service::sts, "us-east-1.evil.com", {}).ok());
  BOOST_TEST(!resolve_endpoint(service::sts, "us-east-1/x", {}).ok());
  BOOST_TEST(!resolve_endpoint(service::sts, "-us-east-1", {}).ok());
  BOOST_TEST(!resolve_endpoint(service::sts, "US-EAST-1", {}).ok());
  BOOST_TEST(!resolve_s3_bucket("us-east-1", "a/b", {}).ok());
  BOOST_TEST(!resolve_s3_bucket("us-east-1", "", {}).ok());
}

BOOST_AUTO_TEST_CASE(sts_legacy_global_endpoint) {
  env_map env{{"AWS_STS_REGIONAL_ENDPOINTS", "legacy"}};
  auto st = endpoint_settings_from_env(env, service::sts);
  BOOST_TEST(st.sts_legacy_global);
  auto g = resolve_endpoint(service::sts, "eu-west-1", st);
  BOOST_TEST(g->to_string() == "https://sts.amazonaws.com");
  BOOST_TEST(g->signing_region == "us-east-1");
  // Regions launched later stay regional, and FIPS is never global.
  BOOST_TEST(resolve_endpoint(service::sts, "eu-south-1", st)->to_string() == "https://sts.eu-south-1.amazonaws.com");
  st.use_fips = true;
  BOOST_TEST(resolve_endpoint(service::sts, "eu-west-1", st)->to_string() == "https://sts-fips.eu-west-1.amazonaws.com");
  // Regional is the default.
  BOOST_TEST(resolve_endpoint(service::sts, "eu-west-1", {})->to_string() == "https://sts.eu-west-1.amazonaws.com");
}

struct bucket_row {
  const char* region;
  const char* bucket;
  const char* endpoint_url;  // "" = none
  bool force_path;
  bool fips;
  bool dualstack;
  const char* url;  // endpoint + bucket path; "" = error
  bool virtual_host;
};

// Expected values from botocore 1.43's S3 rule set, except where noted.
const bucket_row kBuckets[] = {
    {"us-east-1", "my-bucket", "", false, false, false, "https://my-bucket.s3.us-east-1.amazonaws.com", true},
    {"us-east-1", "my.bucket", "", false, false, false, "https://s3.us-east-1.amazonaws.com/my.bucket", false},
    {"us-east-1", "My_Bucket", "", false, false, false, "https://s3.us-east-1.amazonaws.com/My_Bucket", false},
    {"us-east-1", "ab", "", false, false, false, "https://s3.us-east-1.amazonaws.com/ab", false},
    {"us-east-1", "-bucket", "", false, false, false, "https://s3.us-east-1.amazonaws.com/-bucket", false},
    {"us-east-1", "bucket-", "", false, false, false, "https://s3.us-east-1.amazonaws.com/bucket-", false},
    {"us-east-1", "192.168.1.1", "", false, false, false, "https://s3.us-east-1.amazonaws.com/192.168.1.1", false},
    {"us-east-1", "my--bucket", "", false, false, false, "https://my--bucket.s3.us-east-1.amazonaws.com", true},
    {"us-east-1", "UPPER", "", false, false, false, "https://s3.us-east-1.amazonaws.com/UPPER", false},
    {"us-east-1", "my-bucket", "", true, false, false, "https://s3.us-east-1.amazonaws.com/my-bucket", false},
    {"us-east-1", "my-bucket", "", false, false, true, "https://my-bucket.s3.dualstack.us-east-1.amazonaws.com", true},
    {"us-east-1", "my-bucket", "", false, true, false, "https://my-bucket.s3-fips.us-east-1.amazonaws.com", true},
    {"us-east-1", "my-bucket", "", false, true, true, "https://my-bucket.s3-fips.dualstack.us-east-1.amazonaws.com", true},
    {"us-east-1", "my.bucket", "", false, false, true, "https://s3.dualstack.us-east-1.amazonaws.com/my.bucket", false},
    {"cn-north-1", "my-bucket", "", false, false, false, "https://my-bucket.s3.cn-north-1.amazonaws.com.cn", true},
    {"cn-north-1", "my-bucket", "", false, false, true, "https://my-bucket.s3.dualstack.cn-north-1.amazonaws.com.cn", true},
    {"cn-north-1", "my-bucket", "", false, true, false, "", false},
    {"us-gov-west-1", "my-bucket", "", false, true, false, "https://my-bucket.s3-fips.us-gov-west-1.amazonaws.com", true},
    {"aws-global", "my-bucket", "", false, false, false, "https://my-bucket.s3.amazonaws.com", true},
    {"us-east-1", "my-bucket", "http://127.0.0.1:9000", false, false, false, "http://127.0.0.1:9000/my-bucket", false},
    {"us-east-1", "my-bucket", "http://localhost:9000", false, false, false, "http://my-bucket.localhost:9000", true},
    {"us-east-1", "my-bucket", "https://minio.example.com", false, false, false, "https://my-bucket.minio.example.com", true},
    {"us-east-1", "my-bucket", "https://minio.example.com/base", false, false, false, "https://my-bucket.minio.example.com/base", true},
    {"us-east-1", "my.bucket", "http://minio.example.com", false, false, false, "http://my.bucket.minio.example.com", true},
    {"us-east-1", "my.bucket", "https://minio.example.com", false, false, false, "https://minio.example.com/my.bucket", false},
    {"us-east-1", "my-bucket", "https://minio.example.com", true, false, false, "https://minio.example.com/my-bucket", false},
    {"us-east-1", "my-bucket", "https://minio.example.com/base", true, false, false, "https://minio.example.com/base/my-bucket", false},
    {"us-east-1", "my-bucket", "http://[::1]:9000", false, false, false, "http://[::1]:9000/my-bucket", false},
    {"us-east-1", "My_Bucket", "https://minio.example.com", false, false, false, "https://minio.example.com/My_Bucket", false},
    {"us-east-1", "my-bucket", "https://minio.example.com", false, true, false, "", false},
    {"us-east-1", "my-bucket", "https://minio.example.com", false, false, true, "", false},
    // The rules would give http://bucket.with.dots.127.0.0.1:9000 (the bucket prepended to
    // an IP address, which cannot resolve); IP endpoints stay path style here.
    {"eu-west-1", "bucket.with.dots", "http://127.0.0.1:9000", false, false, false, "http://127.0.0.1:9000/bucket.with.dots", false},
};

BOOST_AUTO_TEST_CASE(s3_bucket_addressing) {
  for (const auto& r : kBuckets) {
    endpoint_settings st;
    if (*r.endpoint_url) st.endpoint_url = r.endpoint_url;
    st.s3_force_path_style = r.force_path;
    st.use_fips = r.fips;
    st.use_dualstack = r.dualstack;
    auto b = resolve_s3_bucket(r.region, r.bucket, st);
    BOOST_TEST_CONTEXT(r.bucket << " at " << r.endpoint_url << " fips=" << r.fips << " ds=" << r.dualstack) {
      if (*r.url == '\0') {
        BOOST_TEST(!b.ok());
      } else {
        BOOST_REQUIRE_MESSAGE(b.ok(), (b.ok() ? std::string() : b.error().message));
        BOOST_TEST(b->ep.to_string() == r.url);
        BOOST_TEST(b->virtual_host == r.virtual_host);
        BOOST_TEST(b->ep.signing_name == "s3");
      }
    }
  }
  auto g = resolve_s3_bucket("aws-global", "my-bucket", {});
  BOOST_TEST(g->ep.signing_region == "us-east-1");
}

BOOST_AUTO_TEST_CASE(s3_us_east_1_legacy_global) {
  env_map env{{"AWS_S3_US_EAST_1_REGIONAL_ENDPOINT", "legacy"}};
  auto st = endpoint_settings_from_env(env, service::s3);
  BOOST_TEST(resolve_s3_bucket("us-east-1", "my-bucket", st)->ep.to_string() == "https://my-bucket.s3.amazonaws.com");
  BOOST_TEST(resolve_s3_bucket("us-west-2", "my-bucket", st)->ep.to_string() ==
             "https://my-bucket.s3.us-west-2.amazonaws.com");
}

BOOST_AUTO_TEST_CASE(virtual_hostable_bucket_names) {
  BOOST_TEST(is_virtual_hostable_bucket("abc", false));
  BOOST_TEST(!is_virtual_hostable_bucket("ab", false));
  BOOST_TEST(is_virtual_hostable_bucket(std::string(63, 'a'), false));
  BOOST_TEST(!is_virtual_hostable_bucket(std::string(64, 'a'), false));
  BOOST_TEST(!is_virtual_hostable_bucket("a.bc", false));
  BOOST_TEST(is_virtual_hostable_bucket("a.bc", true));
  BOOST_TEST(!is_virtual_hostable_bucket("a..bc", true));
  BOOST_TEST(!is_virtual_hostable_bucket("10.0.0.1", true));
  BOOST_TEST(!is_virtual_hostable_bucket("Abc", false));
}

BOOST_AUTO_TEST_SUITE_END()
