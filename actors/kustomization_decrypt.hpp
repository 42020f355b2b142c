// SOPS decryption of a Kustomization's built resources, as kustomize-controller's
// decryptor does it (internal/decryptor/decryptor.go), split into pure steps the
// reconciler sequences:
//
//   1. find_targets: what to decrypt. With spec.decryption (provider sops), every
//      resource not annotated kustomize.toolkit.fluxcd.io/decrypt: disabled that is a
//      SOPS-encrypted manifest (a `sops` field with a `mac`) is decrypted whole; a
//      Secret that is not has each `data` value that is a whole SOPS document (by
//      Flux's marker bytes; 5 MiB per document) decrypted into the format its key's
//      name implies. Without spec.decryption, unencrypted_secret_error() is Flux's
//      refusal of an encrypted Secret.
//   2. recovery_jobs: the distinct data-key recoveries (documents with the same KMS
//      entries share one), and key_recovery: which KMS master key to ask next — first
//      entry of a group that works wins, groups combine with Shamir once enough
//      answered — and, at the end, the data key or SOPS' "Error getting data key"
//      naming every key and its KMS error.
//   3. data_key_cache: recovered keys per (identity, KMS entry: ARN, role, context,
//      ciphertext), bounded, wiped from memory when dropped. Never written anywhere.
//   4. decrypt_targets: the resources with every target decrypted (AES-GCM, and the MAC
//      when asked), or the first failure.
//
// Every error is Flux's text: "decryption failed for '<gvk>/<name>': failed to decrypt
// and format '<ns>/<name>' Secret field '<key>': ...", code "BuildFailed". Errors and
// logs never hold a plaintext or a key.
#pragma once

#include <cstddef>
#include <list>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "adapters/common/json.hpp"
#include "adapters/common/result.hpp"
#include "adapters/sops/document.hpp"
#include "adapters/sops/format.hpp"
#include "adapters/sops/kms_keys.hpp"
#include "adapters/sops/metadata.hpp"

namespace fluxaws::actors::kustomization {

// The annotation that exempts one resource from decryption.
inline constexpr std::string_view kDecryptAnnotation = "kustomize.toolkit.fluxcd.io/decrypt";
bool decryption_disabled(const json::value& resource);

// Flux's message for an encrypted Secret applied without spec.decryption
// ("Secret/<ns>/<name> is SOPS encrypted, configuring decryption is required for this
// secret to be reconciled"); nullopt when no resource is one.
std::optional<std::string> unencrypted_secret_error(const std::vector<json::value>& resources);

// kustomize's resource id prefix in Flux's messages: "~G_v1_Secret/name".
std::string gvk_name(const json::value& resource);

struct sops_target {
  std::size_t resource = 0;  // index into the resources
  std::string field;         // the Secret data key; empty: the whole manifest
  sops::document doc;
  sops::format output_format = sops::format::json;  // for a data field
};

// Step 1. Parse errors come back in Flux's form, naming the resource and field.
result<std::vector<sops_target>> find_targets(const std::vector<json::value>& resources);

// The message prefix of a target ("decryption failed for '...': failed to decrypt and
// format '...'"), used for every later error of that target.
std::string target_subject(const json::value& resource, const sops_target& t);

// Step 2: one per distinct set of KMS entries.
struct recovery_job {
  sops::metadata meta;  // of the first document (shamir settings and groups)
  std::vector<sops::kms_master_key> keys;
  std::vector<std::size_t> targets;  // indexes into the targets
};
// An error (a document without a usable KMS key) names its first target.
result<std::vector<recovery_job>> recovery_jobs(const std::vector<json::value>& resources,
                                                const std::vector<sops_target>& targets);

class key_recovery {
 public:
  key_recovery(sops::metadata meta, std::vector<sops::kms_master_key> keys);
  // The next master key to ask KMS about; nullptr when enough groups answered or no
  // key is left to try.
  const sops::kms_master_key* next() const;
  // The answer for next(): the decrypted part, or why it failed (e.g.
  // "AccessDeniedException: Decrypt: ... (HTTP 400)").
  void succeeded(std::string plaintext);
  void failed(std::string reason);
  // Once next() is nullptr: the data key, or SOPS' error naming every failed key.
  result<std::string> data_key() const;
  ~key_recovery();

 private:
  void advance();
  sops::metadata meta_;
  std::vector<sops::kms_master_key> keys_;
  std::size_t pos_ = 0;
  std::vector<std::optional<std::string>> parts_;
  std::vector<std::string> failures_;
  std::size_t need_ = 1;
};

// Step 3. identity: who asks KMS (the registry's identity description plus, for
// static keys, a hash of them), so a rotated or another identity never reuses keys.
std::string cache_key(const std::string& identity, const sops::kms_master_key& key);

class data_key_cache {
 public:
  explicit data_key_cache(std::size_t max_entries = 1024) : max_(max_entries) {}
  ~data_key_cache() { clear(); }
  data_key_cache(const data_key_cache&) = delete;
  data_key_cache& operator=(const data_key_cache&) = delete;

  const std::string* find(const std::string& key) const;
  void put(const std::string& key, std::string data_key);
  void clear();
  std::size_t size() const { return entries_.size(); }

 private:
  std::size_t max_;
  std::map<std::string, std::string> entries_;
  std::list<std::string> order_;  // insertion order, oldest first
};

// Overwrites a string's bytes before it is released.
void wipe(std::string& s);

// Step 4. keys[i] is the data key of targets[i]. Consumes the targets' documents.
result<std::vector<json::value>> decrypt_targets(std::vector<json::value> resources,
                                                 std::vector<sops_target>& targets,
                                                 const std::vector<const std::string*>& keys, bool verify_mac);

}  // namespace fluxaws::actors::kustomization
