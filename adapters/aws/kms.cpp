#include "adapters/aws/kms.hpp"

#include "adapters/aws/json_protocol.hpp"
#include "adapters/common/encoding.hpp"
#include "adapters/common/json.hpp"
#include "adapters/common/strings.hpp"

namespace fluxaws::aws::kms {

namespace {

constexpr std::string_view kDecrypt = "KMS Decrypt";
constexpr std::string_view kEncrypt = "KMS Encrypt";
constexpr std::string_view kGenerate = "KMS GenerateDataKey";

void put_context(json::value& body, const encryption_context& ctx) {
  if (ctx.empty()) return;
  json::value obj = json::value::make_object();
  for (const auto& [k, v] : ctx) obj.as_object().emplace_back(k, json::value(v));
  body.set("EncryptionContext", std::move(obj));
}

void put_grants(json::value& body, const std::vector<std::string>& grants) {
  if (grants.empty()) return;
  json::value arr = json::value::make_array();
  for (const auto& g : grants) arr.push_back(g);
  body.set("GrantTokens", std::move(arr));
}

// A required base64 blob member, decoded.
result<std::string> required_blob(const json::value& obj, std::string_view member, std::string_view op) {
  auto text = required_string(obj, member, op);
  if (!text) return text.error();
  auto raw = enc::unbase64(*text);
  if (!raw) return make_error("parse", std::string(op) + ": " + std::string(member) + " is not valid base64");
  return std::move(raw).value();
}

std::string optional_string(const json::value& obj, std::string_view member) {
  const json::value* v = obj.find(member);
  return (v != nullptr && v->is_string()) ? v->as_string() : std::string();
}

}  // namespace

std::string decrypt_body(const decrypt_params& p) {
  json::value body = json::value::make_object();
  body.set("CiphertextBlob", enc::base64(p.ciphertext_blob));
  put_context(body, p.context);
  put_grants(body, p.grant_tokens);
  if (!p.key_id.empty()) body.set("KeyId", p.key_id);
  if (!p.encryption_algorithm.empty()) body.set("EncryptionAlgorithm", p.encryption_algorithm);
  return json::dump(body);
}

std::string encrypt_body(const encrypt_params& p) {
  json::value body = json::value::make_object();
  body.set("KeyId", p.key_id);
  body.set("Plaintext", enc::base64(p.plaintext));
  put_context(body, p.context);
  put_grants(body, p.grant_tokens);
  if (!p.encryption_algorithm.empty()) body.set("EncryptionAlgorithm", p.encryption_algorithm);
  return json::dump(body);
}

std::string generate_data_key_body(const generate_data_key_params& p) {
  json::value body = json::value::make_object();
  body.set("KeyId", p.key_id);
  put_context(body, p.context);
  if (p.number_of_bytes) body.set("NumberOfBytes", *p.number_of_bytes);
  if (!p.key_spec.empty()) body.set("KeySpec", p.key_spec);
  put_grants(body, p.grant_tokens);
  return json::dump(body);
}

service_request decrypt_request(const endpoint& ep, const decrypt_params& p) {
  return json_request(ep, std::string(kDecrypt), "TrentService.Decrypt", decrypt_body(p));
}

service_request encrypt_request(const endpoint& ep, const encrypt_params& p) {
  return json_request(ep, std::string(kEncrypt), "TrentService.Encrypt", encrypt_body(p));
}

service_request generate_data_key_request(const endpoint& ep, const generate_data_key_params& p) {
  return json_request(ep, std::string(kGenerate), "TrentService.GenerateDataKey", generate_data_key_body(p));
}

result<decrypt_result> parse_decrypt(const http::response& r) {
  auto doc = parse_json_success(r, kDecrypt);
  if (!doc) return doc.error();
  auto pt = required_blob(*doc, "Plaintext", kDecrypt);
  if (!pt) return pt.error();
  decrypt_result out;
  out.plaintext = std::move(pt).value();
  out.key_id = optional_string(*doc, "KeyId");
  out.encryption_algorithm = optional_string(*doc, "EncryptionAlgorithm");
  return out;
}

result<encrypt_result> parse_encrypt(const http::response& r) {
  auto doc = parse_json_success(r, kEncrypt);
  if (!doc) return doc.error();
  auto ct = required_blob(*doc, "CiphertextBlob", kEncrypt);
  if (!ct) return ct.error();
  encrypt_result out;
  out.ciphertext_blob = std::move(ct).value();
  out.key_id = optional_string(*doc, "KeyId");
  out.encryption_algorithm = optional_string(*doc, "EncryptionAlgorithm");
  return out;
}

result<generate_data_key_result> parse_generate_data_key(const http::response& r) {
  auto doc = parse_json_success(r, kGenerate);
  if (!doc) return doc.error();
  auto ct = required_blob(*doc, "CiphertextBlob", kGenerate);
  if (!ct) return ct.error();
  auto pt = required_blob(*doc, "Plaintext", kGenerate);
  if (!pt) return pt.error();
  generate_data_key_result out;
  out.ciphertext_blob = std::move(ct).value();
  out.plaintext = std::move(pt).value();
  out.key_id = optional_string(*doc, "KeyId");
  return out;
}

std::optional<std::string> region_of_key_arn(std::string_view arn) {
  auto parts = str::split(arn, ':');
  if (parts.size() < 6 || parts[0] != "arn" || parts[2] != "kms" || parts[3].empty()) return std::nullopt;
  if (!str::starts_with(parts[1], "aws")) return std::nullopt;
  return std::string(parts[3]);
}

}  // namespace fluxaws::aws::kms
