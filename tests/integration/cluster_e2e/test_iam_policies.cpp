// The shipped least-privilege IAM documents (deploy/aws), proven sufficient and each
// action necessary, end to end: the documents are rendered by deploy/aws/render.sh into
// an emulator world (iam_world.hpp) — one role per variant: the full documents, and every
// Action of every document removed in turn — and ONE fluxaws process in cluster mode
// reconciles, in one namespace per variant, a Bucket (S3 read), an OCIRepository and an
// ImageRepository (ECR read) and a Kustomization decrypting a SOPS Secret (KMS Decrypt),
// each as the namespace's ServiceAccount `flux` (IRSA: the role annotation, TokenRequest,
// AssumeRoleWithWebIdentity under the shipped trust document).
//  - full-irsa, full-oidc: everything Ready, the decrypted Secret applied;
//  - no-<action>: the objects that need the action fail with the refusal in their Ready
//    condition, the others stay Ready (the action is needed for that integration, no more);
//  - EKS Pod Identity: the controller's own identity (trust-pod-identity.json) reconciles a
//    namespace of objects naming no ServiceAccount; each trust action removed, the agent
//    refuses that association's credentials.
#include <boost/test/unit_test.hpp>
#include <curl/curl.h>

#include <algorithm>
#include <cctype>
#include <map>
#include <sstream>

#include "tests/integration/cluster_e2e/cluster_env.hpp"
#include "tests/integration/cluster_e2e/iam_world.hpp"

using namespace e2e;

namespace {

const std::string kPassword = "E2E-Iam-Password-4421";
const std::string kControllerNs = "controller-pod-identity";

std::string objects_for(const std::string& ns, const std::string& role) {
  const std::string registry = std::string(kAccount) + ".dkr.ecr." + kIamRegion + ".amazonaws.com/" + kIamRepository;
  // Object-level identity when the namespace has a role; the controller's own otherwise.
  const std::string sa = role.empty() ? "" : ", serviceAccountName: flux";
  std::string y = "---\napiVersion: v1\nkind: Namespace\nmetadata: {name: " + ns + "}\n";
  if (!role.empty())
    y += "---\napiVersion: v1\nkind: ServiceAccount\nmetadata: {name: flux, namespace: " + ns +
         ", annotations: {eks.amazonaws.com/role-arn: \"arn:aws:iam::" + kAccount + ":role/" + role + "\"}}\n";
  y += "---\napiVersion: source.toolkit.fluxcd.io/v1\nkind: Bucket\nmetadata: {name: src, namespace: " + ns +
       "}\nspec: {bucketName: " + kIamBucket + ", endpoint: s3.amazonaws.com, region: " + kIamRegion +
       ", provider: aws, interval: 10m" + sa + "}\n";
  y += "---\napiVersion: source.toolkit.fluxcd.io/v1\nkind: OCIRepository\nmetadata: {name: manifests, namespace: " + ns +
       "}\nspec: {url: \"oci://" + registry + "\", ref: {tag: v1.1.0}, provider: aws, interval: 10m" + sa + "}\n";
  y += "---\napiVersion: image.toolkit.fluxcd.io/v1\nkind: ImageRepository\nmetadata: {name: manifests, namespace: " +
       ns + "}\nspec: {image: \"" + registry + "\", provider: aws, interval: 10m" + sa + "}\n";
  y += "---\napiVersion: kustomize.toolkit.fluxcd.io/v1\nkind: Kustomization\nmetadata: {name: secrets, namespace: " +
       ns + "}\nspec: {interval: 10m, prune: true, path: ./secrets, targetNamespace: " + ns +
       ", sourceRef: {kind: Bucket, name: src}, decryption: {provider: sops" + sa + "}}\n";
  return y;
}

const std::map<std::string, std::string> kNames = {{"Bucket", "src"},
                                                   {"OCIRepository", "manifests"},
                                                   {"ImageRepository", "manifests"},
                                                   {"Kustomization", "secrets"}};

// "Kind/ns/name" -> the object, for every Flux object of the four kinds.
std::map<std::string, value> all_objects(api_server& api) {
  std::map<std::string, value> out;
  auto r = api.kubectl({"get", "buckets,ocirepositories,imagerepositories,kustomizations", "-A", "-o", "json"});
  if (r.exit_code != 0) return out;
  auto doc = fluxaws::json::parse(r.out);
  if (!doc) return out;
  if (const value* items = doc->find("items"))
    for (const auto& o : items->as_array()) {
      const value* kind = o.find("kind");
      const value* ns = o.at({"metadata", "namespace"});
      const value* name = o.at({"metadata", "name"});
      if (kind && ns && name) out[kind->as_string() + "/" + ns->as_string() + "/" + name->as_string()] = o;
    }
  return out;
}

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

// The refusal of an AWS or registry call, as a Ready condition's message says it.
bool access_denied(const std::string& message) {
  auto m = lower(message);
  for (const char* w : {"denied", "not authorized", "forbidden", "403"})
    if (m.find(w) != std::string::npos) return true;
  return false;
}

struct expectation {
  std::string object;  // Kind/ns/name
  bool ready;          // true: Ready=True; false: Ready=False with an access refusal
  std::string why;
  std::string action;  // the removed action, which the refusal names
};

// The refusal names the removed action — except S3's HeadBucket, whose 403 has no body
// (as on AWS: "AccessDenied: Access Denied").
bool names_action(const std::string& message, const std::string& action) {
  return action.empty() || action == "s3:ListBucket" || message.find(action) != std::string::npos;
}

// GET of the emulator's Pod Identity agent with an Authorization token: the HTTP status
// only (the body holds credentials and is never printed).
long pod_identity_status(const std::string& base_url, const std::string& token) {
  CURL* c = curl_easy_init();
  if (!c) return 0;
  std::string body;
  curl_slist* headers = curl_slist_append(nullptr, ("Authorization: " + token).c_str());
  curl_easy_setopt(c, CURLOPT_URL, (base_url + "/v1/credentials").c_str());
  curl_easy_setopt(c, CURLOPT_HTTPHEADER, headers);
  curl_easy_setopt(c, CURLOPT_TIMEOUT, 30L);
  curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, +[](char* p, size_t s, size_t n, void* ud) {
    static_cast<std::string*>(ud)->append(p, s * n);
    return s * n;
  });
  curl_easy_setopt(c, CURLOPT_WRITEDATA, &body);
  long status = 0;
  if (curl_easy_perform(c) == CURLE_OK) curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
  curl_slist_free_all(headers);
  curl_easy_cleanup(c);
  return status;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(iam_policies)

BOOST_AUTO_TEST_CASE(shipped_policies_suffice_and_every_action_is_needed, *boost::unit_test::timeout(240)) {
  temp_dir dir;
  auto files = write_iam_world(dir.path());
  BOOST_TEST_MESSAGE(files.variants.size() << " IRSA/OIDC variants, " << files.pod_identity.size()
                                           << " Pod Identity associations");
  aws_world aws(files.world);
  aws.put_object(kIamBucket, kIamRegion, "secrets/db.yaml",
                 aws.sops_encrypt("apiVersion: v1\nkind: Secret\nmetadata: {name: db}\nstringData: {password: " +
                                      kPassword + "}\n",
                                  iam_key_arn(), kIamSetupKeyId, kIamSetupSecret),
                 kIamSetupKeyId, kIamSetupSecret);

  api_server api;
  std::string yaml;
  for (const auto& v : files.variants) yaml += objects_for(v.ns, v.role);
  yaml += objects_for(kControllerNs, "");
  api.apply(yaml);

  // The controller's own identity: EKS Pod Identity through the agent's static token.
  const std::string token_file = dir.path() + "/pod-identity-token";
  write_file(token_file, pod_identity_token("fluxaws"));
  auto o = replica_options::named("fluxaws-iam");
  o.env = {"AWS_CONTAINER_CREDENTIALS_FULL_URI=http://169.254.170.23/v1/credentials",
           "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE=" + token_file};
  replica fluxaws(api, aws, dir.path(), o);

  std::vector<expectation> expected;
  for (const auto& v : files.variants) {
    const std::string why = v.action.empty() ? "the full documents (" + v.ns + ")"
                                             : v.action + " removed from deploy/aws/" + v.document;
    for (const auto& k : v.ready) expected.push_back({k + "/" + v.ns + "/" + kNames.at(k), true, why, ""});
    for (const auto& k : v.failing)
      expected.push_back({k + "/" + v.ns + "/" + kNames.at(k), false, why, v.action});
  }
  for (const auto& [k, name] : kNames)
    expected.push_back({k + "/" + kControllerNs + "/" + name, true, "EKS Pod Identity (trust-pod-identity.json)", ""});

  // One listing per poll; bounded.
  std::map<std::string, value> objects;
  auto met = [&](const expectation& e) {
    auto it = objects.find(e.object);
    if (it == objects.end()) return false;
    if (e.ready) return condition(it->second, "Ready") == "True";
    const auto message = condition(it->second, "Ready", "message");
    return condition(it->second, "Ready") == "False" && access_denied(message) && names_action(message, e.action);
  };
  bool all_met = wait_until(
      [&] {
        objects = all_objects(api);
        return std::all_of(expected.begin(), expected.end(), met);
      },
      90s);
  for (const auto& e : expected) {
    auto it = objects.find(e.object);
    const std::string status = it == objects.end() ? "(absent)" : condition(it->second, "Ready");
    const std::string message = it == objects.end() ? "" : condition(it->second, "Ready", "message");
    BOOST_TEST(met(e), e.object << " should be " << (e.ready ? "Ready" : "refused") << " with " << e.why
                                << "; Ready=" << status << ": " << message);
    if (!e.ready) BOOST_TEST_MESSAGE(e.object << " (" << e.why << "): " << message);
  }
  if (!all_met) BOOST_TEST_MESSAGE("fluxaws log:\n" << fluxaws.log_tail(30));

  // The decrypted Secret reached the stand-in where KMS Decrypt was allowed, not elsewhere.
  for (const auto& v : files.variants) {
    bool decrypts = v.ready.count("Kustomization") > 0;
    if (!decrypts && !v.failing.count("Kustomization")) continue;
    BOOST_TEST(api.get("secret", v.ns, "db").has_value() == decrypts, v.ns);
  }
  BOOST_TEST(api.get("secret", kControllerNs, "db").has_value());

  // Pod Identity: the shipped trust gives the controller's association credentials;
  // without either of its actions the agent refuses them.
  for (const auto& v : files.pod_identity) {
    long status = pod_identity_status(aws.base_url(), pod_identity_token(v.service_account));
    if (v.action.empty())
      BOOST_TEST(status == 200, "flux-system/" << v.service_account << ": " << status);
    else
      BOOST_TEST(status == 403, v.action << " removed from deploy/aws/trust-pod-identity.json: agent answered "
                                         << status);
  }

  BOOST_TEST(fluxaws.logs().find(kPassword) == std::string::npos);
  BOOST_TEST(fluxaws.proc().stop().value_or(-1) == 0);
}

BOOST_AUTO_TEST_SUITE_END()
