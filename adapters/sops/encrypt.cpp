#include "adapters/sops/encrypt.hpp"

#include <chrono>

#include "adapters/common/digest.hpp"
#include "adapters/common/time.hpp"
#include "adapters/sops/scalars.hpp"
#include "adapters/sops/stores.hpp"
#include "adapters/sops/tree_walk.hpp"
#include "adapters/sops/value_cipher.hpp"

namespace fluxaws::sops {

namespace {

result<metadata> metadata_for(const encrypt_options& o) {
  metadata m;
  m.key_groups = o.key_groups;
  bool any_key = false;
  for (const auto& g : m.key_groups) any_key = any_key || !g.empty();
  if (!any_key) return make_error("sops_encrypt", "no master key given: a SOPS document needs at least one");
  if (m.key_groups.size() > 1) {
    for (std::size_t i = 0; i < m.key_groups.size(); ++i)
      if (m.key_groups[i].empty())
        return make_error("sops_encrypt", "key group " + std::to_string(i + 1) + " is empty");
    m.shamir_threshold = o.shamir_threshold > 0 ? o.shamir_threshold : static_cast<int>(m.key_groups.size());
    if (m.shamir_threshold < 2 || m.shamir_threshold > static_cast<int>(m.key_groups.size()))
      return make_error("sops_encrypt", "shamir_threshold must be between 2 and the number of key groups");
  }
  std::string last = o.lastmodified;
  if (last.empty()) last = timefmt::rfc3339(std::chrono::system_clock::now());
  auto t = gofmt::parse_rfc3339(last);
  if (!t) return make_error("sops_encrypt", "lastmodified is not an RFC 3339 time");
  m.lastmodified = gofmt::format_rfc3339(*t);
  m.version = o.version;
  m.unencrypted_suffix = o.unencrypted_suffix;
  m.encrypted_suffix = o.encrypted_suffix;
  m.unencrypted_regex = o.unencrypted_regex;
  m.encrypted_regex = o.encrypted_regex;
  m.unencrypted_comment_regex = o.unencrypted_comment_regex;
  m.encrypted_comment_regex = o.encrypted_comment_regex;
  m.mac_only_encrypted = o.mac_only_encrypted;
  int rules = !m.unencrypted_suffix.empty() + !m.encrypted_suffix.empty() + !m.unencrypted_regex.empty() +
              !m.encrypted_regex.empty() + !m.unencrypted_comment_regex.empty() + !m.encrypted_comment_regex.empty();
  if (rules > 1) return make_error("sops_encrypt", "at most one encryption rule (suffix or regex) may be set");
  if (rules == 0) m.unencrypted_suffix = "_unencrypted";
  return m;
}

result<std::vector<node>> encrypt_tree(std::vector<node> branches, format out_fmt, std::string_view key,
                                       const encrypt_options& opts) {
  if (key.size() != 32) return make_error("sops_encrypt", "the data key must be 32 bytes");
  auto meta = metadata_for(opts);
  if (!meta) return meta.error();
  for (const auto& b : branches)
    if (find_entry(b, "sops")) return make_error("sops_encrypt", "the document is already SOPS-encrypted");
  auto mac = encrypt_branches(branches, *meta, key);
  if (!mac) return mac.error();
  auto enc_mac = encrypt_bytes(*mac, "str", key, meta->lastmodified, digest::random_bytes(32));
  if (!enc_mac) return enc_mac.error();
  meta->mac = std::move(*enc_mac);
  if (auto s = embed_metadata(out_fmt, *meta, branches); !s) return s.error();
  return branches;
}

}  // namespace

encrypt_options encrypt_options::for_kubernetes_secret(std::vector<kms_entry> kms) {
  encrypt_options o;
  key_group g;
  g.kms = std::move(kms);
  o.key_groups.push_back(std::move(g));
  o.encrypted_regex = std::string(kubernetes_secret_regex);
  return o;
}

result<std::string> encrypt(std::string_view plaintext, format fmt, std::string_view data_key,
                            const encrypt_options& opts) {
  auto branches = load_plain(fmt, plaintext);
  if (!branches) return branches.error();
  format out_fmt = opts.output_format.value_or(fmt);
  auto enc = encrypt_tree(std::move(*branches), out_fmt, data_key, opts);
  if (!enc) return enc.error();
  return emit_encrypted(out_fmt, *enc);
}

result<json::value> encrypt_manifest(const json::value& manifest, std::string_view data_key,
                                     const encrypt_options& opts) {
  if (!manifest.is_object()) return make_error("sops_encrypt", "a Kubernetes object must be a JSON object");
  std::vector<node> branches;
  branches.push_back(from_json(manifest));
  auto enc = encrypt_tree(std::move(branches), format::json, data_key, opts);
  if (!enc) return enc.error();
  return to_json((*enc)[0]);
}

}  // namespace fluxaws::sops
