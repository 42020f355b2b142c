#include "adapters/sops/document.hpp"

#include "adapters/common/encoding.hpp"
#include "adapters/sops/detect.hpp"
#include "adapters/sops/stores.hpp"
#include "adapters/sops/value_cipher.hpp"

namespace fluxaws::sops {

namespace {

// After a value failed to authenticate: does the key decrypt the MAC? Then the key is
// right and the value was modified; otherwise the key is wrong.
error_info explain_auth_failure(const metadata& meta, std::string_view key, const error_info& value_error) {
  auto aad = mac_additional_data(meta);
  if (!meta.mac.empty() && aad) {
    auto mac = decrypt_value(meta.mac, key, *aad);
    if (mac)
      return make_error("sops_auth", value_error.message + "; the data key is right (it decrypts the MAC), so the "
                                                          "value was modified");
    if (mac.error().code == "sops_auth")
      return make_error("sops_wrong_key", "wrong data key: the MAC does not authenticate under it either (" +
                                              value_error.message + ")");
  }
  return make_error("sops_auth", value_error.message);
}

}  // namespace

result<document> parse_document(std::string_view bytes, format fmt, std::size_t max_size) {
  if (max_size > 0 && bytes.size() > max_size)
    return make_error("sops_too_large", "cannot decrypt a document of " + std::to_string(bytes.size()) +
                                            " bytes: the limit is " + std::to_string(max_size) + " bytes");
  auto branches = load_encrypted(fmt, bytes);
  if (!branches) return branches.error();
  auto meta = extract_metadata(fmt, *branches);
  if (!meta) return meta.error();
  return document{fmt, std::move(*branches), std::move(*meta)};
}

result<document> parse_manifest(const json::value& manifest) {
  if (!manifest.is_object()) return make_error("sops_parse", "a Kubernetes object must be a JSON object");
  std::vector<node> branches;
  branches.push_back(from_json(manifest));
  auto meta = extract_metadata(format::json, branches);
  if (!meta) return meta.error();
  return document{format::json, std::move(branches), std::move(*meta)};
}

result<decrypted_document> decrypt(document doc, std::string_view data_key, const decrypt_options& opts) {
  if (data_key.size() != 32)
    return make_error("sops_wrong_key", "the data key is " + std::to_string(data_key.size()) + " bytes, not 32");
  decrypted_document out;
  auto computed = decrypt_branches(doc.branches, doc.meta, data_key, opts.collect_leaves ? &out.leaves : nullptr);
  if (!computed) {
    if (computed.error().code == "sops_auth") return explain_auth_failure(doc.meta, data_key, computed.error());
    return computed.error();
  }
  auto aad = mac_additional_data(doc.meta);
  if (!aad) return aad.error();
  auto stored = decrypt_value(doc.meta.mac, data_key, *aad);
  out.mac_ok = stored && stored->kind == node_kind::string && stored->text == *computed;
  if (opts.verify_mac && !out.mac_ok) {
    // The values decrypted, so a MAC that does not is damaged rather than under another key.
    if (!stored) return make_error("sops_mac", "cannot decrypt the MAC: " + stored.error().message);
    if (doc.meta.mac.empty())
      return make_error("sops_mac", "the document has no MAC, and MAC verification is on");
    return make_error("sops_mac", "MAC mismatch: the document's values were changed after it was encrypted");
  }
  out.output_format = opts.output_format.value_or(doc.fmt);
  auto bytes = emit_plain(out.output_format, doc.branches);
  if (!bytes) return bytes.error();
  out.bytes = std::move(*bytes);
  if (out.output_format == format::yaml || out.output_format == format::json)
    for (const auto& b : doc.branches) out.json_documents.push_back(to_json(b));
  return out;
}

result<decrypted_document> decrypt(std::string_view bytes, format fmt, std::string_view data_key,
                                   const decrypt_options& opts) {
  auto doc = parse_document(bytes, fmt);
  if (!doc) return doc.error();
  return decrypt(std::move(*doc), data_key, opts);
}

result<json::value> decrypt_manifest(const json::value& manifest, std::string_view data_key, bool verify_mac) {
  auto doc = parse_manifest(manifest);
  if (!doc) return doc.error();
  decrypt_options opts;
  opts.verify_mac = verify_mac;
  auto out = decrypt(std::move(*doc), data_key, opts);
  if (!out) return out.error();
  return std::move(out->json_documents.at(0));
}

std::optional<result<secret_data_document>> parse_secret_data_value(std::string_view name,
                                                                    std::string_view base64_value) {
  auto bytes = enc::unbase64(base64_value);
  if (!bytes) return std::nullopt;  // Flux lets the build report it
  auto in = detect_format_from_markers(*bytes);
  if (!in) return std::nullopt;
  auto doc = parse_document(*bytes, *in);
  if (!doc) {
    error_info e = doc.error();
    e.message = "Secret data \"" + std::string(name) + "\": " + e.message;
    return result<secret_data_document>(std::move(e));
  }
  return result<secret_data_document>(secret_data_document{std::move(*doc), format_for_path(name)});
}

}  // namespace fluxaws::sops
