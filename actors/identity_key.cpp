#include "actors/identity_key.hpp"

#include "adapters/common/digest.hpp"
#include "adapters/common/encoding.hpp"

namespace fluxaws::actors {

namespace {

void line(std::string& out, const char* name, const std::string& v) {
  out += name;
  out += '=';
  // Values come from object specs and annotations: keep the key unambiguous.
  for (char c : v) {
    if (c == '\n' || c == '\\') out += '\\';
    out += c == '\n' ? 'n' : c;
  }
  out += '\n';
}

}  // namespace

std::string identity_key::canonical() const {
  std::string out;
  out.reserve(256);
  line(out, "provider", provider);
  line(out, "source", source);
  line(out, "roleARN", role_arn);
  line(out, "serviceAccountNamespace", sa_namespace);
  line(out, "serviceAccountName", sa_name);
  std::string auds;
  for (std::size_t i = 0; i < audiences.size(); ++i) auds += (i ? "," : "") + audiences[i];
  line(out, "audiences", auds);
  line(out, "region", region);
  line(out, "stsEndpoint", sts_endpoint);
  line(out, "accessKeyID", access_key_id);
  line(out, "secretHash", secret_hash);
  line(out, "assumeRoleARN", assume_role_arn);
  return out;
}

std::string identity_key::describe() const {
  std::string out;
  if (source == "serviceaccount")
    out = "role " + role_arn + " via ServiceAccount " + sa_namespace + "/" + sa_name;
  else if (source == "secret")
    out = "access key " + access_key_id + " from Secret";
  else if (source == "node")
    out = "the node's instance role (IMDS)";
  else
    out = "the controller's credentials (" + source.substr(source.find(':') + 1) + ")";
  if (!region.empty()) out += " in " + region;
  if (!assume_role_arn.empty()) out += ", then role " + assume_role_arn;
  return out;
}

std::string static_secret_hash(const std::string& salt, const std::string& secret_access_key,
                               const std::string& session_token) {
  return enc::hex(digest::hmac_sha256(salt, secret_access_key + "\n" + session_token));
}

}  // namespace fluxaws::actors
