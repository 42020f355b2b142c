#include "adapters/sops/tree_walk.hpp"

#include <openssl/crypto.h>
#include <re2/re2.h>

#include <memory>

#include "adapters/common/digest.hpp"
#include "adapters/common/encoding.hpp"
#include "adapters/common/strings.hpp"
#include "adapters/sops/value_cipher.hpp"

namespace fluxaws::sops {

namespace {

using comment_stack = std::vector<std::vector<std::string>>;

// sha256("sops"): the MAC's first bytes with mac_only_encrypted (sops.go).
const unsigned char kMacOnlyEncryptedInit[32] = {0x8a, 0x3f, 0xd2, 0xad, 0x54, 0xce, 0x66, 0x52, 0x7b, 0x10, 0x34,
                                                 0xf3, 0xd1, 0x47, 0xbe, 0x0b, 0x0b, 0x97, 0x5b, 0x3b, 0xf4, 0x4f,
                                                 0x72, 0xc6, 0xfd, 0xad, 0xec, 0x81, 0x76, 0xf2, 0x7d, 0x69};

std::unique_ptr<RE2> compile(const std::string& pattern) {
  if (pattern.empty()) return nullptr;
  RE2::Options opts;
  opts.set_log_errors(false);
  return std::make_unique<RE2>(pattern, opts);
}

bool search(const RE2& re, std::string_view s) { return RE2::PartialMatch(re2::StringPiece(s.data(), s.size()), re); }

class rules {
 public:
  static result<rules> from(const metadata& m) {
    rules r(m);
    for (auto [name, re] : {std::pair{"unencrypted_regex", r.unencrypted_regex_.get()},
                            std::pair{"encrypted_regex", r.encrypted_regex_.get()},
                            std::pair{"unencrypted_comment_regex", r.unencrypted_comment_regex_.get()},
                            std::pair{"encrypted_comment_regex", r.encrypted_comment_regex_.get()}})
      if (re && !re->ok())
        return make_error("sops_metadata", std::string("sops metadata: ") + name + " is not a valid regular expression");
    return r;
  }

  // Tree.shouldBeEncrypted.
  bool should_encrypt(const std::vector<std::string>& path, const comment_stack& stack, bool is_comment) const {
    bool encrypted = true;
    if (!m_->unencrypted_suffix.empty())
      for (const auto& p : path)
        if (str::ends_with(p, m_->unencrypted_suffix)) {
          encrypted = false;
          break;
        }
    if (!m_->encrypted_suffix.empty()) {
      encrypted = false;
      for (const auto& p : path)
        if (str::ends_with(p, m_->encrypted_suffix)) {
          encrypted = true;
          break;
        }
    }
    if (unencrypted_regex_)
      for (const auto& p : path)
        if (search(*unencrypted_regex_, p)) {
          encrypted = false;
          break;
        }
    if (encrypted_regex_) {
      encrypted = false;
      for (const auto& p : path)
        if (search(*encrypted_regex_, p)) {
          encrypted = true;
          break;
        }
    }
    if (unencrypted_comment_regex_) {
      for (const auto& frame : stack)
        for (const auto& c : frame)
          if (search(*unencrypted_comment_regex_, c)) encrypted = false;
    }
    if (encrypted_comment_regex_) {
      encrypted = false;
      for (std::size_t i = 0; i < stack.size() && !encrypted; ++i)
        for (std::size_t j = 0; j < stack[i].size(); ++j) {
          // The comment that matches is not encrypted itself, only what follows it.
          if (is_comment && i == stack.size() - 1 && j == stack[i].size() - 1) continue;
          if (search(*encrypted_comment_regex_, stack[i][j])) {
            encrypted = true;
            break;
          }
        }
    }
    return encrypted;
  }

  const RE2* unencrypted_comment_regex() const { return unencrypted_comment_regex_.get(); }

 private:
  explicit rules(const metadata& m)
      : m_(&m),
        unencrypted_regex_(compile(m.unencrypted_regex)),
        encrypted_regex_(compile(m.encrypted_regex)),
        unencrypted_comment_regex_(compile(m.unencrypted_comment_regex)),
        encrypted_comment_regex_(compile(m.encrypted_comment_regex)) {}

  const metadata* m_;
  std::unique_ptr<RE2> unencrypted_regex_, encrypted_regex_, unencrypted_comment_regex_, encrypted_comment_regex_;
};

class walker {
 public:
  walker(const metadata& meta, const rules& r, std::string_view key, bool decrypting, std::vector<leaf_record>* leaves)
      : meta_(meta), rules_(r), key_(key), decrypting_(decrypting), leaves_(leaves) {
    if (meta.mac_only_encrypted) mac_input_.append(reinterpret_cast<const char*>(kMacOnlyEncryptedInit), 32);
  }
  ~walker() { OPENSSL_cleanse(mac_input_.data(), mac_input_.size()); }

  status walk_document(node& branch, const std::string& display_prefix) {
    display_ = display_prefix;
    return walk_mapping(branch);
  }

  std::string mac() const { return enc::hex_upper(digest::sha512(mac_input_)); }

 private:
  status walk_value(node& v) {
    switch (v.kind) {
      case node_kind::mapping: return walk_mapping(v);
      case node_kind::sequence: return walk_sequence(v);
      case node_kind::null: return {};  // never visited, not in the MAC
      default: return on_leaf(v, v.is_comment());
    }
  }

  status walk_mapping(node& m) {
    stack_.emplace_back();
    for (auto& e : m.entries) {
      if (e.is_comment()) {
        stack_.back().push_back(e.value.text);
        if (auto s = on_leaf(e.value, true); !s) return s;
        continue;
      }
      std::size_t mark = display_.size();
      if (!display_.empty() && display_.back() != ' ') display_ += '.';
      display_ += e.key;
      path_.push_back(e.key);
      auto s = walk_value(e.value);
      path_.pop_back();
      display_.resize(mark);
      if (!s) return s;
      stack_.back().clear();
    }
    stack_.pop_back();
    return {};
  }

  status walk_sequence(node& seq) {
    stack_.emplace_back();
    std::size_t index = 0;
    for (auto& item : seq.items) {
      bool is_comment = item.is_comment();
      if (is_comment) stack_.back().push_back(item.text);
      std::size_t mark = display_.size();
      if (!is_comment) {
        display_ += '[';
        display_ += std::to_string(index++);
        display_ += ']';
      }
      auto s = walk_value(item);
      display_.resize(mark);
      if (!s) return s;
      if (!is_comment) stack_.back().clear();
    }
    stack_.pop_back();
    return {};
  }

  std::string aad() const {
    std::string out;
    for (std::size_t i = 0; i < path_.size(); ++i) {
      if (i) out += ':';
      out += path_[i];
    }
    out += ':';
    return out;
  }

  std::string where(bool is_comment) const {
    std::string p = display_.empty() ? std::string("the document root") : display_;
    return is_comment ? "a comment in " + p : p;
  }

  status on_leaf(node& v, bool is_comment) {
    bool encrypted = rules_.should_encrypt(path_, stack_, is_comment);
    std::string additional = aad();
    if (decrypting_) {
      if (encrypted) {
        if (is_comment) {
          decrypt_comment(v, additional);
        } else {
          if (v.kind != node_kind::string)
            return make_error("sops_value", "cannot decrypt " + where(false) +
                                                ": expected an encrypted string, found an unencrypted value");
          bool empty = v.text.empty();
          auto plain = decrypt_value(v.text, key_, additional);
          if (!plain) return make_error(plain.error().code, "cannot decrypt " + where(false) + ": " + plain.error().message);
          v = std::move(*plain);
          if (leaves_) {
            std::string type = empty ? "empty" : v.kind == node_kind::bytes ? "bytes" : std::string(enc_type_name(v));
            leaves_->push_back(leaf_record{display_, additional, std::move(type), mac_bytes(v)});
          }
        }
      } else if (!is_comment && leaves_) {
        leaves_->push_back(leaf_record{display_, std::nullopt, "unencrypted", mac_bytes(v)});
      }
      if ((!meta_.mac_only_encrypted || encrypted) && !is_comment) mac_input_ += mac_bytes(v);
      return {};
    }
    if ((!meta_.mac_only_encrypted || encrypted) && !is_comment) mac_input_ += mac_bytes(v);
    if (!encrypted) return {};
    auto enc = encrypt_value(v, key_, additional);
    if (!enc) return make_error(enc.error().code, "cannot encrypt " + where(is_comment) + ": " + enc.error().message);
    if (is_comment && rules_.unencrypted_comment_regex() && search(*rules_.unencrypted_comment_regex(), *enc))
      return make_error("sops_encrypt", "an encrypted comment in " + where(false) +
                                            " matches unencrypted_comment_regex; it could not be decrypted again");
    bool was_inline = v.inline_comment;
    v = is_comment ? node::make_comment(std::move(*enc), was_inline) : node::make_string(std::move(*enc));
    return {};
  }

  // SOPS keeps a comment that does not decrypt as it is (older files have plain
  // comments). The path of the collection holding it is tried first, then its parents
  // in case the comment was attached one level too deep.
  void decrypt_comment(node& c, const std::string& additional) {
    if (c.text.empty()) return;
    std::vector<std::string> candidates{additional};
    for (std::size_t n = path_.size(); n-- > 0;) {
      std::string a;
      for (std::size_t i = 0; i < n; ++i) {
        a += path_[i];
        a += ':';
      }
      if (a.empty()) a.push_back(':');
      candidates.push_back(a);
    }
    for (const auto& a : candidates) {
      auto plain = decrypt_value(c.text, key_, a);
      if (plain && (plain->kind == node_kind::comment || plain->kind == node_kind::string)) {
        bool was_inline = c.inline_comment;
        c = node::make_comment(std::move(plain->text), was_inline);
        return;
      }
    }
  }

  const metadata& meta_;
  const rules& rules_;
  std::string_view key_;
  bool decrypting_;
  std::vector<leaf_record>* leaves_;
  std::vector<std::string> path_;
  std::string display_;
  comment_stack stack_;
  std::string mac_input_;
};

result<std::string> walk_all(std::vector<node>& branches, const metadata& meta, std::string_view key, bool decrypting,
                             std::vector<leaf_record>* leaves) {
  auto r = rules::from(meta);
  if (!r) return r.error();
  walker w(meta, *r, key, decrypting, leaves);
  for (std::size_t i = 0; i < branches.size(); ++i) {
    std::string prefix = branches.size() > 1 ? "document " + std::to_string(i + 1) + " " : std::string();
    if (auto s = w.walk_document(branches[i], prefix); !s) return s.error();
  }
  return w.mac();
}

}  // namespace

result<std::string> decrypt_branches(std::vector<node>& branches, const metadata& meta, std::string_view key,
                                     std::vector<leaf_record>* leaves) {
  return walk_all(branches, meta, key, true, leaves);
}

result<std::string> encrypt_branches(std::vector<node>& branches, const metadata& meta, std::string_view key) {
  return walk_all(branches, meta, key, false, nullptr);
}

}  // namespace fluxaws::sops
