// fluxaws-sops-fixture — encrypts a Kubernetes manifest (a Secret's data/stringData, or
// every value) with SOPS under a KMS key served by a running fluxaws-emulator:
// GenerateDataKey as the given IAM user, then SOPS encryption with fluxaws's own
// implementation. The output decrypts with real sops semantics; since the emulator's
// key material derives from the key ARN, it stays decryptable by any later emulator
// run of the same world.
//
//   fluxaws-sops-fixture --emulator-config STATE/fluxaws.yaml --key-arn ARN
//       --access-key-id ID --secret-access-key SECRET [--context k=v]... < in.yaml > out.yaml
//
// Test material only: the plaintext and the data key never leave this process but in
// encrypted form.
#include <curl/curl.h>

#include <chrono>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

#include "adapters/aws/endpoints.hpp"
#include "adapters/aws/kms.hpp"
#include "adapters/aws/service_request.hpp"
#include "adapters/common/encoding.hpp"
#include "adapters/common/time.hpp"
#include "adapters/common/yaml_json.hpp"
#include "adapters/sops/encrypt.hpp"

using namespace fluxaws;

namespace {

std::size_t on_body(char* p, std::size_t s, std::size_t n, void* u) {
  static_cast<std::string*>(u)->append(p, s * n);
  return s * n;
}

int fail(const std::string& msg) {
  std::cerr << "fluxaws-sops-fixture: " << msg << "\n";
  return 1;
}

}  // namespace

int main(int argc, char** argv) {
  std::string config, key_arn, access_key, secret_key;
  aws::kms::encryption_context context;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    auto next = [&]() -> std::string { return i + 1 < argc ? argv[++i] : ""; };
    if (a == "--emulator-config") config = next();
    else if (a == "--key-arn") key_arn = next();
    else if (a == "--access-key-id") access_key = next();
    else if (a == "--secret-access-key") secret_key = next();
    else if (a == "--context") {
      auto kv = next();
      auto eq = kv.find('=');
      if (eq == std::string::npos) return fail("--context wants k=v");
      context.emplace_back(kv.substr(0, eq), kv.substr(eq + 1));
    } else {
      return fail("unknown argument " + a);
    }
  }
  if (config.empty() || key_arn.empty() || access_key.empty() || secret_key.empty())
    return fail("usage: --emulator-config FILE --key-arn ARN --access-key-id ID --secret-access-key SECRET");
  auto region = aws::kms::region_of_key_arn(key_arn);
  if (!region) return fail("not a KMS key ARN: " + key_arn);

  std::stringstream cfg_text, input;
  cfg_text << std::ifstream(config).rdbuf();
  input << std::cin.rdbuf();
  auto cfg = yamljson::parse_yaml(cfg_text.str());
  if (!cfg.ok()) return fail(config + ": " + cfg.error().message);
  auto manifest = yamljson::parse_yaml(input.str());
  if (!manifest.ok()) return fail("input: " + manifest.error().message);

  auto ep = aws::resolve_endpoint(aws::service::kms, *region, {});
  if (!ep.ok()) return fail(ep.error().message);
  aws::kms::generate_data_key_params p;
  p.key_id = key_arn;
  p.context = context;
  p.key_spec = "AES_256";
  aws::credentials creds{access_key, secret_key, "", std::nullopt, "static"};
  auto req = aws::sign_request(aws::kms::generate_data_key_request(*ep, p), creds, std::chrono::system_clock::now(),
                               std::chrono::seconds(30));

  curl_global_init(CURL_GLOBAL_DEFAULT);
  CURL* c = curl_easy_init();
  curl_slist* headers = nullptr;
  curl_slist* connect = nullptr;
  for (const auto& [k, v] : req.headers) headers = curl_slist_append(headers, (k + ": " + v).c_str());
  headers = curl_slist_append(headers, "Expect:");
  if (const json::value* rules = cfg->at({"http", "connectTo"}))
    for (const auto& r : rules->as_array()) connect = curl_slist_append(connect, r.as_string().c_str());
  std::string body;
  curl_easy_setopt(c, CURLOPT_URL, req.url.c_str());
  curl_easy_setopt(c, CURLOPT_POSTFIELDS, req.body.data());
  curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(req.body.size()));
  curl_easy_setopt(c, CURLOPT_HTTPHEADER, headers);
  if (connect) curl_easy_setopt(c, CURLOPT_CONNECT_TO, connect);
  if (const json::value* ca = cfg->at({"http", "caFile"})) curl_easy_setopt(c, CURLOPT_CAINFO, ca->as_string().c_str());
  curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
  curl_easy_setopt(c, CURLOPT_WRITEDATA, &body);
  curl_easy_setopt(c, CURLOPT_NOPROXY, "*");
  auto rc = curl_easy_perform(c);
  long status = 0;
  curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
  curl_slist_free_all(headers);
  curl_slist_free_all(connect);
  curl_easy_cleanup(c);
  if (rc != CURLE_OK) return fail(std::string("KMS GenerateDataKey: ") + curl_easy_strerror(rc));
  http::response r;
  r.status = static_cast<int>(status);
  r.body = body;
  auto key = aws::kms::parse_generate_data_key(r);
  if (!key.ok()) return fail("KMS GenerateDataKey: " + key.error().to_string());

  sops::kms_entry entry;
  entry.arn = key_arn;
  entry.context = context;
  entry.created_at = timefmt::rfc3339(std::chrono::system_clock::now());
  entry.enc = enc::base64(key->ciphertext_blob);
  auto opts = sops::encrypt_options::for_kubernetes_secret({entry});
  auto out = sops::encrypt_manifest(*manifest, key->plaintext, opts);
  if (!out.ok()) return fail("SOPS: " + out.error().message);
  std::cout << yamljson::to_yaml(*out);
  return 0;
}
