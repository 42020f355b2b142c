#include "actors/kustomization_decrypt.hpp"

#include <openssl/crypto.h>

#include <algorithm>

#include "adapters/common/digest.hpp"
#include "adapters/common/encoding.hpp"
#include "adapters/common/strings.hpp"
#include "adapters/kube/object.hpp"
#include "adapters/sops/detect.hpp"

namespace fluxaws::actors::kustomization {

namespace {

constexpr const char* kBuildFailed = "BuildFailed";

// kustomize-controller's sopsFormatToString.
std::string flux_format_name(sops::format f) {
  switch (f) {
    case sops::format::binary: return "binary";
    case sops::format::dotenv: return "dotenv";
    case sops::format::ini: return "INI";
    case sops::format::json: return "JSON";
    case sops::format::yaml: return "YAML";
  }
  return "binary";
}

// A SOPS failure in the words kustomize-controller's SopsDecryptWithFormat uses.
std::string sops_failure(const error_info& e, sops::format in, sops::format out) {
  if (e.code == "sops_mac") return "failed to verify sops data integrity: " + e.message;
  if (e.code == "sops_value" || e.code == "sops_auth" || e.code == "sops_wrong_key" || e.code == "sops_crypto")
    return "error decrypting sops tree: " + e.message;
  if (e.code == "sops_format")
    return "failed to emit encrypted " + flux_format_name(in) + " file as decrypted " + flux_format_name(out) + ": " +
           e.message;
  if (e.code == "sops_parse" || e.code == "sops_metadata" || e.code == "sops_too_large")
    return "failed to load encrypted " + flux_format_name(in) + " data: " + e.message;
  return e.message;
}

std::string strip_field_prefix(const std::string& message, const std::string& field) {
  std::string prefix = "Secret data \"" + field + "\": ";
  return str::starts_with(message, prefix) ? message.substr(prefix.size()) : message;
}

std::string namespaced_name(const json::value& r) {
  return std::string(kube::namespace_of(r)) + "/" + std::string(kube::name_of(r));
}

}  // namespace

bool decryption_disabled(const json::value& resource) {
  return str::iequals(kube::annotation(resource, kDecryptAnnotation), "disabled");
}

std::optional<std::string> unencrypted_secret_error(const std::vector<json::value>& resources) {
  for (const auto& r : resources) {
    if (!sops::is_encrypted_secret(r) || decryption_disabled(r)) continue;
    std::string who = std::string(kube::kind_of(r)) + "/";
    if (!kube::namespace_of(r).empty()) who += std::string(kube::namespace_of(r)) + "/";
    who += std::string(kube::name_of(r));
    return who + " is SOPS encrypted, configuring decryption is required for this secret to be reconciled";
  }
  return std::nullopt;
}

std::string gvk_name(const json::value& resource) {
  std::string_view api = kube::api_version_of(resource);
  std::string group(kube::api_group(api));
  auto slash = api.rfind('/');
  std::string version(slash == std::string_view::npos ? api : api.substr(slash + 1));
  std::string kind(kube::kind_of(resource));
  return (group.empty() ? "~G" : group) + "_" + (version.empty() ? "~V" : version) + "_" +
         (kind.empty() ? "~K" : kind) + "/" + std::string(kube::name_of(resource));
}

std::string target_subject(const json::value& resource, const sops_target& t) {
  std::string s = "decryption failed for '" + gvk_name(resource) + "': failed to decrypt and format '" +
                  namespaced_name(resource) + "' ";
  if (t.field.empty()) return s + std::string(kube::kind_of(resource)) + " data";
  return s + "Secret field '" + t.field + "'";
}

result<std::vector<sops_target>> find_targets(const std::vector<json::value>& resources) {
  std::vector<sops_target> out;
  for (std::size_t i = 0; i < resources.size(); ++i) {
    const json::value& r = resources[i];
    if (decryption_disabled(r)) continue;
    if (sops::is_sops_encrypted_manifest(r)) {
      sops_target t;
      t.resource = i;
      auto doc = sops::parse_manifest(r);
      if (!doc)
        return make_error(kBuildFailed, target_subject(r, t) + ": " +
                                            sops_failure(doc.error(), sops::format::json, sops::format::json));
      t.doc = std::move(*doc);
      out.push_back(std::move(t));
      continue;
    }
    if (kube::kind_of(r) != "Secret") continue;
    const json::value* data = r.find("data");
    if (!data) continue;
    for (const auto& [name, value] : data->as_object()) {
      if (!value.is_string()) continue;
      auto parsed = sops::parse_secret_data_value(name, value.as_string());
      if (!parsed) continue;
      sops_target t;
      t.resource = i;
      t.field = name;
      if (!parsed->ok()) {
        error_info e = parsed->error();
        e.message = strip_field_prefix(e.message, name);
        auto in = sops::detect_format_from_markers(*enc::unbase64(value.as_string())).value_or(sops::format::json);
        return make_error(kBuildFailed,
                          target_subject(r, t) + ": " + sops_failure(e, in, sops::format_for_path(name)));
      }
      t.doc = std::move(parsed->value().doc);
      t.output_format = parsed->value().output_format;
      out.push_back(std::move(t));
    }
  }
  return out;
}

result<std::vector<recovery_job>> recovery_jobs(const std::vector<json::value>& resources,
                                                const std::vector<sops_target>& targets) {
  std::vector<recovery_job> jobs;
  std::map<std::string, std::size_t> by_signature;
  for (std::size_t i = 0; i < targets.size(); ++i) {
    const auto& t = targets[i];
    auto keys = sops::kms_master_keys(t.doc.meta);
    if (!keys)
      return make_error(kBuildFailed, target_subject(resources[t.resource], t) +
                                          ": cannot get sops data key: " + keys.error().message);
    std::string sig = std::to_string(t.doc.meta.key_groups.size()) + "/" + std::to_string(t.doc.meta.shamir_threshold);
    for (const auto& k : *keys) {
      sig += '\n' + std::to_string(k.group) + '\0' + k.arn + '\0' + k.role + '\0';
      for (const auto& [ck, cv] : k.encryption_context) sig += ck + '=' + cv + '\0';
      sig += k.ciphertext_blob;
    }
    auto [it, fresh] = by_signature.emplace(sig, jobs.size());
    if (fresh) jobs.push_back(recovery_job{t.doc.meta, std::move(*keys), {}});
    jobs[it->second].targets.push_back(i);
  }
  return jobs;
}

// ---- key_recovery -------------------------------------------------------------------

key_recovery::key_recovery(sops::metadata meta, std::vector<sops::kms_master_key> keys)
    : meta_(std::move(meta)), keys_(std::move(keys)), parts_(meta_.key_groups.size()) {
  need_ = meta_.key_groups.size() <= 1 ? 1 : static_cast<std::size_t>(std::max(meta_.shamir_threshold, 2));
  if (parts_.empty()) parts_.resize(1);
  advance();
}

key_recovery::~key_recovery() {
  for (auto& p : parts_)
    if (p) wipe(*p);
}

void key_recovery::advance() {
  std::size_t have = 0;
  for (const auto& p : parts_) have += p ? 1 : 0;
  if (have >= need_) {
    pos_ = keys_.size();
    return;
  }
  while (pos_ < keys_.size() && keys_[pos_].group < parts_.size() && parts_[keys_[pos_].group]) ++pos_;
}

const sops::kms_master_key* key_recovery::next() const { return pos_ < keys_.size() ? &keys_[pos_] : nullptr; }

void key_recovery::succeeded(std::string plaintext) {
  if (pos_ >= keys_.size()) return;
  auto g = keys_[pos_].group;
  if (g < parts_.size()) parts_[g] = std::move(plaintext);
  ++pos_;
  advance();
}

void key_recovery::failed(std::string reason) {
  if (pos_ >= keys_.size()) return;
  const auto& k = keys_[pos_];
  failures_.push_back("group " + std::to_string(k.group + 1) + ": " + k.arn +
                      ": failed to decrypt sops data key with AWS KMS: " + reason);
  ++pos_;
  advance();
}

result<std::string> key_recovery::data_key() const {
  std::size_t have = 0;
  for (const auto& p : parts_) have += p ? 1 : 0;
  if (have < need_) {
    std::string msg = "Error getting data key: " + std::to_string(need_) + " successful groups required, got " +
                      std::to_string(have);
    for (std::size_t i = 0; i < failures_.size(); ++i) msg += (i ? "; " : ": ") + failures_[i];
    return make_error("sops_data_key", msg);
  }
  return sops::data_key_from_parts(meta_, parts_);
}

// ---- cache --------------------------------------------------------------------------

std::string cache_key(const std::string& identity, const sops::kms_master_key& key) {
  std::string material = identity;
  material += '\0' + key.arn + '\0' + key.role + '\0';
  for (const auto& [k, v] : key.encryption_context) material += k + '=' + v + '\0';
  material += key.ciphertext_blob;
  return digest::sha256_hex(material);
}

void wipe(std::string& s) {
  if (!s.empty()) OPENSSL_cleanse(s.data(), s.size());
  s.clear();
}

const std::string* data_key_cache::find(const std::string& key) const {
  auto it = entries_.find(key);
  return it == entries_.end() ? nullptr : &it->second;
}

void data_key_cache::put(const std::string& key, std::string data_key) {
  auto it = entries_.find(key);
  if (it != entries_.end()) {
    wipe(it->second);
    it->second = std::move(data_key);
    return;
  }
  while (max_ > 0 && entries_.size() >= max_ && !order_.empty()) {
    auto old = entries_.find(order_.front());
    if (old != entries_.end()) {
      wipe(old->second);
      entries_.erase(old);
    }
    order_.pop_front();
  }
  if (max_ == 0) {
    wipe(data_key);
    return;
  }
  entries_.emplace(key, std::move(data_key));
  order_.push_back(key);
}

void data_key_cache::clear() {
  for (auto& [k, v] : entries_) wipe(v);
  entries_.clear();
  order_.clear();
}

// ---- decryption -----------------------------------------------------------------------

result<std::vector<json::value>> decrypt_targets(std::vector<json::value> resources,
                                                 std::vector<sops_target>& targets,
                                                 const std::vector<const std::string*>& keys, bool verify_mac) {
  for (std::size_t i = 0; i < targets.size(); ++i) {
    auto& t = targets[i];
    json::value& r = resources[t.resource];
    const std::string* key = i < keys.size() ? keys[i] : nullptr;
    if (!key) return make_error(kBuildFailed, target_subject(r, t) + ": cannot get sops data key: no data key");
    std::string subject = target_subject(r, t);
    sops::format in = t.doc.fmt;
    sops::decrypt_options opts;
    opts.verify_mac = verify_mac;
    if (t.field.empty()) {
      opts.output_format = sops::format::json;
      auto out = sops::decrypt(std::move(t.doc), *key, opts);
      if (!out) return make_error(kBuildFailed, subject + ": " + sops_failure(out.error(), in, sops::format::json));
      if (out->json_documents.empty() || !out->json_documents.front().is_object())
        return make_error(kBuildFailed, subject + ": the decrypted document is not a Kubernetes object");
      wipe(out->bytes);
      r = std::move(out->json_documents.front());
      continue;
    }
    opts.output_format = t.output_format;
    auto out = sops::decrypt(std::move(t.doc), *key, opts);
    if (!out) return make_error(kBuildFailed, subject + ": " + sops_failure(out.error(), in, t.output_format));
    r["data"][t.field] = enc::base64(out->bytes);
    wipe(out->bytes);
  }
  return resources;
}

}  // namespace fluxaws::actors::kustomization
