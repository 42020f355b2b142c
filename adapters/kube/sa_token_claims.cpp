#include "adapters/kube/sa_token_claims.hpp"

#include "adapters/common/digest.hpp"
#include "adapters/common/encoding.hpp"

namespace fluxaws::kube {

namespace {

int64_t unix_seconds(std::chrono::system_clock::time_point t) {
  return std::chrono::duration_cast<std::chrono::seconds>(t.time_since_epoch()).count();
}

bool dns_label(const std::string& s) {
  if (s.empty() || s.size() > 63) return false;
  for (char c : s)
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-')) return false;
  return s.front() != '-' && s.back() != '-';
}

bool dns_subdomain(const std::string& s) {
  if (s.empty() || s.size() > 253) return false;
  std::size_t start = 0;
  while (true) {
    auto dot = s.find('.', start);
    auto part = s.substr(start, dot == std::string::npos ? std::string::npos : dot - start);
    if (!dns_label(part)) return false;
    if (dot == std::string::npos) return true;
    start = dot + 1;
  }
}

// 16 bytes as 8-4-4-4-12 hex, with the version and variant bits set.
std::string format_uuid(std::string bytes, int version) {
  bytes[6] = static_cast<char>((static_cast<unsigned char>(bytes[6]) & 0x0f) | (version << 4));
  bytes[8] = static_cast<char>((static_cast<unsigned char>(bytes[8]) & 0x3f) | 0x80);
  std::string h = enc::hex(bytes.substr(0, 16));
  return h.substr(0, 8) + "-" + h.substr(8, 4) + "-" + h.substr(12, 4) + "-" + h.substr(16, 4) + "-" + h.substr(20, 12);
}

}  // namespace

json::value service_account_token_claims(const sa_token_claims_input& in) {
  auto iat = unix_seconds(in.issued_at);
  json::value aud = json::value::make_array();
  for (const auto& a : in.audiences) aud.push_back(a);
  json::value sa = json::value::make_object();
  sa.set("name", in.name);
  sa.set("uid", in.uid);
  json::value k8s = json::value::make_object();
  k8s.set("namespace", in.ns);
  k8s.set("serviceaccount", std::move(sa));
  json::value c = json::value::make_object();
  c.set("aud", std::move(aud));
  c.set("exp", iat + static_cast<int64_t>(in.lifetime.count()));
  c.set("iat", iat);
  c.set("iss", in.issuer);
  c.set("jti", in.jti);
  c.set("kubernetes.io", std::move(k8s));
  c.set("nbf", iat);
  c.set("sub", "system:serviceaccount:" + in.ns + ":" + in.name);
  return c;
}

status check_sa_token_request(const std::string& ns, const std::string& name, const std::vector<std::string>& audiences) {
  if (!dns_label(ns))
    return make_error("InvalidTokenRequest", "cannot issue a token for ServiceAccount '" + ns + "/" + name +
                                                 "': the namespace is not a valid DNS label");
  if (!dns_subdomain(name))
    return make_error("InvalidTokenRequest", "cannot issue a token for ServiceAccount '" + ns + "/" + name +
                                                 "': the name is not a valid DNS subdomain");
  if (audiences.empty())
    return make_error("InvalidTokenRequest",
                      "cannot issue a token for ServiceAccount '" + ns + "/" + name + "': no audience");
  for (const auto& a : audiences)
    if (a.empty())
      return make_error("InvalidTokenRequest",
                        "cannot issue a token for ServiceAccount '" + ns + "/" + name + "': an empty audience");
  return {};
}

std::string random_uuid() { return format_uuid(digest::random_bytes(16), 4); }

std::string name_uuid(const std::string& name) {
  return format_uuid(digest::sha256("fluxaws/serviceaccount-uid/" + name).substr(0, 16), 5);
}

}  // namespace fluxaws::kube
