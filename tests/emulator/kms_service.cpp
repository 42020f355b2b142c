#include "tests/emulator/kms_service.hpp"

#include "adapters/common/digest.hpp"
#include "adapters/common/encoding.hpp"
#include "adapters/common/json.hpp"
#include "adapters/common/strings.hpp"
#include "tests/emulator/asio.hpp"
#include "tests/emulator/authorizer.hpp"
#include "tests/emulator/aws_responses.hpp"
#include "tests/emulator/kms_blob.hpp"

namespace emu {

namespace json = fluxaws::json;
namespace str = fluxaws::str;

namespace {

constexpr std::string_view kTargetPrefix = "TrentService.";

struct kms_error {
  std::string type, message;
};

// Encryption context from the request: a JSON object of strings.
bool context_of(const json::value& body, kms_blob::encryption_context& out) {
  const auto* c = body.find("EncryptionContext");
  if (!c || c->is_null()) return true;
  if (!c->is_object()) return false;
  for (const auto& [k, v] : c->as_object()) {
    if (!v.is_string()) return false;
    out[k] = v.as_string();
  }
  return true;
}

std::string json_string(std::string_view s) {
  std::string out;
  json::append_quoted(out, s);
  return out;
}

}  // namespace

http_response json_auth_error(unsigned version, const sigv4::verify_result& v) {
  using E = sigv4::auth_error;
  switch (v.error) {
    case E::unknown_key:
    case E::missing_token:
    case E::invalid_token: return json_error(version, 400, "UnrecognizedClientException", v.message);
    case E::expired_token: return json_error(version, 400, "ExpiredTokenException", v.message);
    case E::missing: return json_error(version, 400, "MissingAuthenticationTokenException", v.message);
    case E::malformed:
    case E::unsupported_algorithm:
    case E::missing_date:
    case E::bad_scope_date:
    case E::bad_scope_region:
    case E::bad_scope_terminator:
    case E::missing_content_sha: return json_error(version, 400, "IncompleteSignatureException", v.message);
    case E::presign_expired:
    case E::skewed:
    case E::bad_scope_service:
    case E::content_sha_mismatch:
    case E::bad_signature:
    case E::none: break;
  }
  return json_error(version, 400, "InvalidSignatureException", v.message);
}

kms_service::kms_service(const service_context& ctx) : ctx_(ctx) {
  for (const auto& k : ctx_.w.kms_keys) {
    by_arn_[k.arn] = &k;
    for (const auto& a : k.aliases) by_alias_["arn:aws:kms:" + k.region + ":" + k.account + ":" + a] = &k;
  }
}

std::string kms_service::operation_of(const http_request& req) {
  auto t = sv(req["x-amz-target"]);
  if (str::starts_with(t, kTargetPrefix)) return std::string(t.substr(kTargetPrefix.size()));
  return "Unknown";
}

http_response kms_service::handle(const http_request& req, const route& rt, call_record& rec) {
  const auto version = req.version();
  rec.operation = operation_of(req);
  auto v = authenticate(req, rt, ctx_, "kms", rt.bare ? std::string_view{} : std::string_view(rt.region));
  if (!v.ok()) {
    if (v.error == sigv4::auth_error::expired_token)
      if (auto key = ctx_.creds.find_key(v.access_key_id)) rec.principal = key->who->arn;
    return json_auth_error(version, v);
  }
  const principal& who = *v.who;
  rec.principal = who.arn;
  const std::string region = v.region;
  if (req.method() != http::verb::post) return json_error(version, 400, "UnknownOperationException", "");

  std::string perr;
  auto body = json::parse(req.body().empty() ? std::string_view("{}") : std::string_view(req.body()), &perr);
  if (!body || !body->is_object())
    return json_error(version, 400, "SerializationException", "The request body is not a JSON object");

  // KeyId -> key, in this region; ARNs may name another account.
  auto resolve = [&](const std::string& key_id, const kms_key_def*& out) -> std::optional<kms_error> {
    std::string arn;
    if (str::starts_with(key_id, "arn:")) arn = key_id;
    else if (str::starts_with(key_id, "alias/")) arn = "arn:aws:kms:" + region + ":" + who.account + ":" + key_id;
    else arn = "arn:aws:kms:" + region + ":" + who.account + ":key/" + key_id;
    auto parts = str::split(arn, ':');
    if (parts.size() < 6 || parts[2] != "kms")
      return kms_error{"NotFoundException", "Invalid keyId '" + key_id + "'"};
    if (parts[3] != region)
      return kms_error{"NotFoundException", "Invalid arn " + arn + " (region " + std::string(parts[3]) +
                                                " is not the request's region " + region + ")"};
    bool alias = str::starts_with(parts[5], "alias/");
    const auto& index = alias ? by_alias_ : by_arn_;
    auto it = index.find(arn);
    if (it == index.end()) {
      if (alias) return kms_error{"NotFoundException", "Alias " + arn + " is not found."};
      return kms_error{"NotFoundException", "Key '" + arn + "' does not exist"};
    }
    out = it->second;
    if (!out->enabled) return kms_error{"DisabledException", out->arn + " is disabled."};
    return std::nullopt;
  };
  auto allowed = [&](const kms_key_def& key, std::string_view action) -> std::optional<kms_error> {
    auto d = authorize(who, action, key.arn, key.policy ? &*key.policy : nullptr, nullptr,
                       resource_policy_mode::key_policy);
    if (d.allowed) return std::nullopt;
    return kms_error{"AccessDeniedException", d.message};
  };
  auto fail = [&](const kms_error& e) { return json_error(version, 400, e.type, e.message); };
  auto key_id_field = [&]() -> std::string {
    const auto* k = body->find("KeyId");
    return k && k->is_string() ? k->as_string() : std::string();
  };
  kms_blob::encryption_context ec;
  if (!context_of(*body, ec))
    return json_error(version, 400, "ValidationException", "EncryptionContext must be a map of strings");

  if (rec.operation == "Encrypt") {
    auto key_id = key_id_field();
    if (key_id.empty())
      return json_error(version, 400, "ValidationException",
                        "1 validation error detected: Value null at 'keyId' failed to satisfy constraint: Member must not be null");
    const auto* pt_field = body->find("Plaintext");
    auto pt = pt_field && pt_field->is_string() ? fluxaws::enc::unbase64(pt_field->as_string()) : std::nullopt;
    if (!pt || pt->empty() || pt->size() > 4096)
      return json_error(version, 400, "ValidationException",
                        "1 validation error detected: Value at 'plaintext' failed to satisfy constraint: Member must "
                        "have length between 1 and 4096");
    const kms_key_def* key = nullptr;
    if (auto e = resolve(key_id, key)) return fail(*e);
    if (auto e = allowed(*key, "kms:Encrypt")) return fail(*e);
    auto blob = kms_blob::seal(key->material, key->arn, *pt, ec);
    return json_ok(version, "{\"CiphertextBlob\":\"" + fluxaws::enc::base64(blob) + "\",\"KeyId\":" +
                                json_string(key->arn) + ",\"EncryptionAlgorithm\":\"SYMMETRIC_DEFAULT\"}");
  }
  if (rec.operation == "Decrypt") {
    const auto* ct_field = body->find("CiphertextBlob");
    auto ct = ct_field && ct_field->is_string() ? fluxaws::enc::unbase64(ct_field->as_string()) : std::nullopt;
    if (!ct || ct->empty())
      return json_error(version, 400, "ValidationException",
                        "1 validation error detected: Value at 'ciphertextBlob' failed to satisfy constraint: Member "
                        "must have length greater than or equal to 1");
    auto blob_key = kms_blob::key_arn_of(*ct);
    if (!blob_key) return json_error(version, 400, "InvalidCiphertextException", "");
    auto it = by_arn_.find(*blob_key);
    if (it == by_arn_.end() || it->second->region != region)
      return json_error(version, 400, "InvalidCiphertextException", "");
    const kms_key_def* key = it->second;
    if (auto key_id = key_id_field(); !key_id.empty()) {
      const kms_key_def* named = nullptr;
      if (auto e = resolve(key_id, named)) return fail(*e);
      if (named != key)
        return json_error(version, 400, "IncorrectKeyException",
                          "The key ID in the request does not identify a CMK that can perform this operation.");
    }
    if (!key->enabled) return fail({"DisabledException", key->arn + " is disabled."});
    if (auto e = allowed(*key, "kms:Decrypt")) return fail(*e);
    auto pt = kms_blob::open(key->material, *ct, ec);
    if (!pt) return json_error(version, 400, "InvalidCiphertextException", "");
    return json_ok(version, "{\"KeyId\":" + json_string(key->arn) + ",\"Plaintext\":\"" + fluxaws::enc::base64(*pt) +
                                "\",\"EncryptionAlgorithm\":\"SYMMETRIC_DEFAULT\"}");
  }
  if (rec.operation == "GenerateDataKey") {
    auto key_id = key_id_field();
    if (key_id.empty())
      return json_error(version, 400, "ValidationException",
                        "1 validation error detected: Value null at 'keyId' failed to satisfy constraint: Member must not be null");
    const auto* spec = body->find("KeySpec");
    const auto* nbytes = body->find("NumberOfBytes");
    std::size_t n = 0;
    if (spec && nbytes)
      return json_error(version, 400, "ValidationException", "Please specify either number of bytes or key spec.");
    if (spec) {
      if (spec->as_string() == "AES_256") n = 32;
      else if (spec->as_string() == "AES_128") n = 16;
      else
        return json_error(version, 400, "ValidationException",
                          "1 validation error detected: Value '" + spec->as_string() +
                              "' at 'keySpec' failed to satisfy constraint: Member must satisfy enum value set: [AES_256, AES_128]");
    } else if (nbytes) {
      auto v64 = nbytes->as_int(-1);
      if (v64 < 1 || v64 > 1024)
        return json_error(version, 400, "ValidationException",
                          "1 validation error detected: Value at 'numberOfBytes' failed to satisfy constraint: Member "
                          "must have value between 1 and 1024");
      n = static_cast<std::size_t>(v64);
    } else {
      return json_error(version, 400, "ValidationException", "Please specify either number of bytes or key spec.");
    }
    const kms_key_def* key = nullptr;
    if (auto e = resolve(key_id, key)) return fail(*e);
    if (auto e = allowed(*key, "kms:GenerateDataKey")) return fail(*e);
    auto pt = fluxaws::digest::random_bytes(n);
    auto blob = kms_blob::seal(key->material, key->arn, pt, ec);
    return json_ok(version, "{\"CiphertextBlob\":\"" + fluxaws::enc::base64(blob) + "\",\"Plaintext\":\"" +
                                fluxaws::enc::base64(pt) + "\",\"KeyId\":" + json_string(key->arn) + "}");
  }
  if (rec.operation == "DescribeKey") {
    auto key_id = key_id_field();
    const kms_key_def* key = nullptr;
    if (auto e = resolve(key_id, key); e && e->type != "DisabledException") return fail(*e);
    if (!key) return fail({"NotFoundException", "Key '" + key_id + "' does not exist"});
    if (auto e = allowed(*key, "kms:DescribeKey")) return fail(*e);
    return json_ok(version, "{\"KeyMetadata\":{\"AWSAccountId\":\"" + key->account + "\",\"KeyId\":\"" + key->id +
                                "\",\"Arn\":" + json_string(key->arn) + ",\"Enabled\":" +
                                (key->enabled ? "true" : "false") +
                                ",\"KeyState\":\"" + (key->enabled ? "Enabled" : "Disabled") +
                                "\",\"KeyUsage\":\"ENCRYPT_DECRYPT\",\"KeySpec\":\"SYMMETRIC_DEFAULT\","
                                "\"KeyManager\":\"CUSTOMER\",\"Origin\":\"AWS_KMS\"}}");
  }
  return json_error(version, 400, "UnknownOperationException", "");
}

}  // namespace emu
