#include "test_support.hpp"

#include <openssl/evp.h>
#include <openssl/sha.h>

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include "adapters/common/encoding.hpp"

namespace sops_test {

std::string shared_dir() {
  const char* d = std::getenv("FLUXAWS_SHARED_DIR");
  return std::string(d ? d : "../shared") + "/testdata/sops";
}

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read " + path);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

const fluxaws::json::value& expected() {
  static const fluxaws::json::value v = [] {
    auto parsed = fluxaws::json::parse(read_file(shared_dir() + "/expected.json"));
    if (!parsed) throw std::runtime_error("expected.json does not parse");
    return *parsed;
  }();
  return v;
}

std::string key_of(const std::string& file) {
  const auto* e = expected().find(file);
  if (!e) throw std::runtime_error("no expected.json entry for " + file);
  auto k = fluxaws::enc::unhex(e->find("data_key_hex")->as_string());
  if (!k) throw std::runtime_error("bad data_key_hex for " + file);
  return *k;
}

std::string test_key(std::string_view label) {
  unsigned char md[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(label.data()), label.size(), md);
  return std::string(reinterpret_cast<const char*>(md), sizeof md);
}

bool independent_open(std::string_view enc, std::string_view key, std::string_view aad, std::string& plain,
                      std::string& type) {
  // ENC[AES256_GCM,data:<b64>,iv:<b64>,tag:<b64>,type:<t>], split by hand.
  constexpr std::string_view head = "ENC[AES256_GCM,data:";
  if (enc.substr(0, head.size()) != head || enc.empty() || enc.back() != ']') return false;
  std::string_view rest = enc.substr(head.size(), enc.size() - head.size() - 1);
  auto iv_at = rest.find(",iv:"), tag_at = rest.find(",tag:"), type_at = rest.find(",type:");
  if (iv_at == std::string_view::npos || tag_at == std::string_view::npos || type_at == std::string_view::npos ||
      !(iv_at < tag_at && tag_at < type_at))
    return false;
  auto data = fluxaws::enc::unbase64(rest.substr(0, iv_at));
  auto iv = fluxaws::enc::unbase64(rest.substr(iv_at + 4, tag_at - iv_at - 4));
  auto tag = fluxaws::enc::unbase64(rest.substr(tag_at + 5, type_at - tag_at - 5));
  if (!data || !iv || iv->empty() || !tag || tag->size() != 16) return false;
  type = std::string(rest.substr(type_at + 6));
  EVP_CIPHER_CTX* ctx = EVP_CIPHER_CTX_new();
  auto u = [](std::string_view s) { return reinterpret_cast<const unsigned char*>(s.data()); };
  std::string out(data->size() + 16, '\0');
  int len = 0, total = 0;
  bool ok = EVP_DecryptInit_ex(ctx, EVP_aes_256_gcm(), nullptr, nullptr, nullptr) == 1 &&
            EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_SET_IVLEN, static_cast<int>(iv->size()), nullptr) == 1 &&
            EVP_DecryptInit_ex(ctx, nullptr, nullptr, u(key), u(*iv)) == 1 &&
            EVP_DecryptUpdate(ctx, nullptr, &len, u(aad), static_cast<int>(aad.size())) == 1 &&
            EVP_DecryptUpdate(ctx, reinterpret_cast<unsigned char*>(out.data()), &len, u(*data),
                              static_cast<int>(data->size())) == 1;
  total = len;
  ok = ok && EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_SET_TAG, 16, tag->data()) == 1 &&
       EVP_DecryptFinal_ex(ctx, reinterpret_cast<unsigned char*>(out.data()) + total, &len) == 1;
  EVP_CIPHER_CTX_free(ctx);
  if (!ok) return false;
  out.resize(static_cast<std::size_t>(total + len));
  plain = out;
  return true;
}

}  // namespace sops_test
