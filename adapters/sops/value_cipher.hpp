// One SOPS value: ENC[AES256_GCM,data:<b64>,iv:<b64>,tag:<b64>,type:<t>].
// AES-256-GCM with the document's 32-byte data key, the IV length as written (SOPS
// writes 32 bytes), a 16-byte tag stored apart from the ciphertext, and the value's
// path (or lastmodified, for the MAC) as additional data. The type restores the
// scalar: str, int, float, bool, bytes, time, comment. An empty string is never
// encrypted: "" decrypts to "" and encrypts to "".
// Errors carry the reason only (the caller names the path) and never plaintext or key.
#pragma once

#include <string>
#include <string_view>

#include "adapters/common/result.hpp"
#include "adapters/sops/tree.hpp"

namespace fluxaws::sops {

struct enc_parts {
  std::string data;  // ciphertext without the tag
  std::string iv;
  std::string tag;
  std::string type;
};

// True when s has the shape SOPS' parser matches (^ENC\[AES256_GCM,data:…\]).
bool is_enc_value(std::string_view s);
result<enc_parts> parse_enc(std::string_view s);

// Decrypts the raw plaintext bytes of a parsed value.
result<std::string> decrypt_bytes(const enc_parts& v, std::string_view key, std::string_view aad);
// Decrypts and restores the typed scalar ("" gives an empty string).
result<node> decrypt_value(std::string_view enc, std::string_view key, std::string_view aad);

// Encrypts a scalar (or comment) with a fresh random 32-byte IV ("" stays "").
result<std::string> encrypt_value(const node& scalar, std::string_view key, std::string_view aad);
// Encrypts raw bytes under an explicit IV with the given type name.
result<std::string> encrypt_bytes(std::string_view plaintext, std::string_view type, std::string_view key,
                                  std::string_view aad, std::string_view iv);

}  // namespace fluxaws::sops
