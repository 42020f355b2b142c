#include "tests/emulator/credential_store.hpp"

#include "adapters/common/digest.hpp"
#include "adapters/common/encoding.hpp"

namespace emu {

namespace {
constexpr auto kKeepExpired = std::chrono::hours(1);
}

std::string random_key_id(std::string_view prefix) {
  static const char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
  auto bytes = fluxaws::digest::random_bytes(16);
  std::string id(prefix);
  for (unsigned char b : bytes) id.push_back(alphabet[b % 32]);
  return id;
}

std::string random_secret() {
  auto s = fluxaws::enc::base64(fluxaws::digest::random_bytes(30));  // 40 characters
  return s;
}

std::string random_token(std::size_t bytes) { return fluxaws::enc::base64(fluxaws::digest::random_bytes(bytes)); }

credential_store::credential_store(const world& w) {
  for (const auto& u : w.users) {
    auto p = std::make_shared<principal>();
    p->type = principal::kind::user;
    p->account = u.account;
    p->arn = u.arn;
    p->user_id = u.user_id;
    p->name = u.name;
    p->policies = &u.policies;
    users_[u.arn] = p;
    for (const auto& k : u.keys) keys_[k.id] = key_entry{k.secret, {}, std::nullopt, p};
  }
}

std::optional<key_entry> credential_store::find_key(std::string_view access_key_id) const {
  std::lock_guard lock(mu_);
  auto it = keys_.find(std::string(access_key_id));
  if (it == keys_.end()) return std::nullopt;
  return it->second;
}

issued_credentials credential_store::issue_session(principal_ptr who, std::chrono::seconds lifetime) {
  issued_credentials c;
  c.access_key_id = random_key_id("ASIA");
  c.secret = random_secret();
  // Real session tokens are long opaque base64 blobs; keep the shape.
  c.session_token = "FwoGZXIvYXdzE" + random_token(96);
  auto now = sys_clock::now();
  c.expiry = std::chrono::time_point_cast<std::chrono::seconds>(now + lifetime);
  std::lock_guard lock(mu_);
  keys_[c.access_key_id] = key_entry{c.secret, c.session_token, c.expiry, std::move(who)};
  if (++issued_ % 1024 == 0) sweep_locked(now);
  return c;
}

std::string credential_store::issue_ecr_password(principal_ptr who, std::string account, std::string region,
                                                 sys_clock::time_point expiry) {
  auto password = fluxaws::enc::base64url(fluxaws::digest::random_bytes(48));
  std::lock_guard lock(mu_);
  ecr_[password] = ecr_token_entry{std::move(who), std::move(account), std::move(region), expiry};
  if (++issued_ % 1024 == 0) sweep_locked(sys_clock::now());
  return password;
}

std::optional<ecr_token_entry> credential_store::find_ecr_password(std::string_view password) const {
  std::lock_guard lock(mu_);
  auto it = ecr_.find(std::string(password));
  if (it == ecr_.end()) return std::nullopt;
  return it->second;
}

std::string credential_store::issue_imds_token(std::chrono::seconds ttl) {
  auto token = fluxaws::enc::base64url(fluxaws::digest::random_bytes(32));
  auto now = sys_clock::now();
  std::lock_guard lock(mu_);
  imds_[token] = now + ttl;
  if (++issued_ % 1024 == 0) sweep_locked(now);
  return token;
}

bool credential_store::imds_token_valid(std::string_view token) const {
  std::lock_guard lock(mu_);
  auto it = imds_.find(std::string(token));
  return it != imds_.end() && sys_clock::now() < it->second;
}

principal_ptr credential_store::user(std::string_view arn) const {
  std::lock_guard lock(mu_);
  auto it = users_.find(std::string(arn));
  return it == users_.end() ? nullptr : it->second;
}

void credential_store::add_key(const std::string& access_key_id, key_entry entry) {
  std::lock_guard lock(mu_);
  keys_[access_key_id] = std::move(entry);
}

void credential_store::sweep_locked(sys_clock::time_point now) {
  for (auto it = keys_.begin(); it != keys_.end();) {
    if (it->second.expiry && *it->second.expiry + kKeepExpired < now) it = keys_.erase(it);
    else ++it;
  }
  for (auto it = ecr_.begin(); it != ecr_.end();) {
    if (it->second.expiry + kKeepExpired < now) it = ecr_.erase(it);
    else ++it;
  }
  for (auto it = imds_.begin(); it != imds_.end();) {
    if (it->second < now) it = imds_.erase(it);
    else ++it;
  }
}

}  // namespace emu
