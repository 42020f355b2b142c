// The `sops` metadata of a document (stores/stores.go) in every layout SOPS has
// written: nested (YAML, JSON, binary), flattened below a [sops] section (INI) or
// fully flattened as sops_… keys (dotenv); lists left out, empty or null; values
// weakly typed (a threshold or a flag may be a string) as mapstructure reads them.
// Master keys are kept per key group; age and PGP entries are recognised but not
// unwrapped here, and other key services (GCP, Azure, Vault, HuaweiCloud) are kept
// so that errors can name them. aws_profile is read and ignored, as Flux does.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "adapters/common/result.hpp"
#include "adapters/sops/format.hpp"
#include "adapters/sops/tree.hpp"

namespace fluxaws::sops {

struct kms_entry {
  std::string arn;
  std::string role;
  std::vector<std::pair<std::string, std::string>> context;  // encryption context
  std::string created_at;
  std::string enc;  // base64 of the KMS CiphertextBlob
  std::string aws_profile;
};

struct pgp_entry {
  std::string fp, created_at, enc;
};

struct age_entry {
  std::string recipient, enc;
};

// A master key of a service fluxaws does not talk to (gcp_kms, azure_kv, hc_vault, hckms).
struct other_entry {
  std::string service;  // the metadata key: "gcp_kms", "azure_kv", "hc_vault", "hckms"
  std::string id;       // resource id / vault URL + key name / key id
  std::string created_at, enc;
  std::vector<std::pair<std::string, std::string>> fields;  // as written, for round trips
};

struct key_group {
  std::vector<kms_entry> kms;
  std::vector<pgp_entry> pgp;
  std::vector<age_entry> age;
  std::vector<other_entry> others;
  bool empty() const { return kms.empty() && pgp.empty() && age.empty() && others.empty(); }
  // "kms", "pgp", "age", "gcp_kms", … present in this group.
  std::vector<std::string> key_types() const;
};

struct metadata {
  std::vector<key_group> key_groups;  // one group unless the document uses key_groups
  int shamir_threshold = 0;
  std::string lastmodified;  // RFC 3339 as written
  std::string mac;           // ENC[…] of the MAC, or empty
  std::string unencrypted_suffix;  // "_unencrypted" when no rule is set
  std::string encrypted_suffix;
  std::string unencrypted_regex;
  std::string encrypted_regex;
  std::string unencrypted_comment_regex;
  std::string encrypted_comment_regex;
  bool mac_only_encrypted = false;
  std::string version;
};

// Reads the nested metadata mapping. Errors name the field.
result<metadata> metadata_from_node(const node& mapping);
// The nested mapping as SOPS writes it (keys sorted, empty lists left out).
node metadata_to_node(const metadata& m);

// Takes the metadata out of loaded branches according to the format's layout.
result<metadata> extract_metadata(format fmt, std::vector<node>& branches);
// Puts the metadata into plain branches according to the format's layout; refuses
// data that uses the reserved `sops` key (or sops_ prefix in dotenv).
status embed_metadata(format fmt, const metadata& m, std::vector<node>& branches);

// lastmodified as the MAC's additional data: Go's time.RFC3339 re-formatting
// (offset kept, Z for UTC, fraction dropped).
result<std::string> mac_additional_data(const metadata& m);

}  // namespace fluxaws::sops
