#include "fixtures.hpp"

#include <boost/test/unit_test.hpp>

#include <cstdlib>
#include <fstream>
#include <sstream>

#include "adapters/common/encoding.hpp"
#include "adapters/common/yaml_json.hpp"
#include "adapters/sops/encrypt.hpp"

namespace ks_test {

using namespace fluxaws;

namespace {

std::string shared_dir() {
  const char* d = std::getenv("FLUXAWS_SHARED_DIR");
  return d ? d : "../shared";
}

json::value kms_json(const sops::kms_entry& k) {
  json::value e = json::value::make_object();
  e["arn"] = k.arn;
  if (!k.context.empty()) {
    json::value ctx = json::value::make_object();
    for (const auto& [a, b] : k.context) ctx[a] = b;
    e["context"] = std::move(ctx);
  }
  e["created_at"] = k.created_at;
  e["enc"] = k.enc;
  e["aws_profile"] = "";
  return e;
}

}  // namespace

std::string shared_sops_file(const std::string& rel) {
  std::ifstream in(shared_dir() + "/testdata/sops/" + rel, std::ios::binary);
  BOOST_REQUIRE_MESSAGE(in, "missing shared file testdata/sops/" << rel << " (FLUXAWS_SHARED_DIR)");
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::string shared_data_key(const std::string& rel) {
  auto doc = json::parse(shared_sops_file("expected.json"));
  BOOST_REQUIRE(doc.has_value());
  const json::value* entry = doc->find(rel);
  BOOST_REQUIRE_MESSAGE(entry, "expected.json has no entry for " << rel);
  auto key = enc::unhex(entry->find("data_key_hex")->as_string());
  BOOST_REQUIRE(key.has_value());
  return *key;
}

sops::kms_entry kms_entry(const std::string& arn, const std::string& ciphertext_blob,
                          std::vector<std::pair<std::string, std::string>> context) {
  sops::kms_entry k;
  k.arn = arn;
  k.enc = enc::base64(ciphertext_blob);
  k.context = std::move(context);
  k.created_at = "2025-01-02T03:04:05Z";
  return k;
}

json::value encrypted_secret(const std::string& ns, const std::string& name,
                             const std::vector<std::pair<std::string, std::string>>& string_data,
                             const std::string& data_key, const sops::kms_entry& kms) {
  json::value s = json::value::make_object();
  s["apiVersion"] = "v1";
  s["kind"] = "Secret";
  s["metadata"]["name"] = name;
  if (!ns.empty()) s["metadata"]["namespace"] = ns;
  s["type"] = "Opaque";
  for (const auto& [k, v] : string_data) s["stringData"][k] = v;
  auto opts = sops::encrypt_options::for_kubernetes_secret({kms});
  auto out = sops::encrypt_manifest(s, data_key, opts);
  BOOST_REQUIRE_MESSAGE(out.ok(), "encrypting a fixture: " << (out.ok() ? "" : out.error().message));
  return *out;
}

std::string encrypted_document(const std::string& plaintext_yaml, const std::string& data_key,
                               const sops::kms_entry& kms) {
  sops::encrypt_options o;
  sops::key_group g;
  g.kms.push_back(kms);
  o.key_groups.push_back(g);
  auto out = sops::encrypt(plaintext_yaml, sops::format::yaml, data_key, o);
  BOOST_REQUIRE_MESSAGE(out.ok(), "encrypting a fixture: " << (out.ok() ? "" : out.error().message));
  return *out;
}

json::value rekey_manifest(json::value manifest, const sops::kms_entry& kms) {
  json::value& meta = manifest["sops"];
  for (const char* other : {"age", "pgp", "gcp_kms", "azure_kv", "hc_vault", "hckms", "kms"}) meta.erase(other);
  json::value list = json::value::make_array();
  list.push_back(kms_json(kms));
  meta["kms"] = std::move(list);
  return manifest;
}

std::string rekey_json_text(const std::string& text, const sops::kms_entry& kms) {
  auto doc = json::parse(text);
  BOOST_REQUIRE(doc.has_value());
  return json::dump(rekey_manifest(std::move(*doc), kms), 2);
}

std::string rekey_dotenv_text(const std::string& text, const sops::kms_entry& kms) {
  std::istringstream in(text);
  std::string line, out;
  while (std::getline(in, line)) {
    if (line.rfind("sops_age__", 0) == 0 || line.rfind("sops_pgp__", 0) == 0) continue;
    out += line + "\n";
  }
  out += "sops_kms__list_0__map_arn=" + kms.arn + "\n";
  for (const auto& [k, v] : kms.context) out += "sops_kms__list_0__map_context__map_" + k + "=" + v + "\n";
  out += "sops_kms__list_0__map_created_at=" + kms.created_at + "\n";
  out += "sops_kms__list_0__map_enc=" + kms.enc + "\n";
  out += "sops_kms__list_0__map_aws_profile=\n";
  return out;
}

}  // namespace ks_test
