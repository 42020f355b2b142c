// kms_blob.hpp — the emulator's KMS ciphertext format.
//
//   "FXK1" | u16 big-endian length | key ARN | 12-byte nonce | 16-byte GCM tag | ciphertext
//
// AES-256-GCM under the key's 32-byte material; the additional authenticated data binds
// the magic, the key ARN and the encryption context (pairs sorted by key, each part
// u32-length-prefixed), so a blob decrypts only under its key and with exactly the
// context it was made with. Not AWS's format (which is opaque) — only this emulator
// reads it.
#pragma once

#include <map>
#include <string>
#include <string_view>

#include "adapters/common/result.hpp"

namespace emu::kms_blob {

using encryption_context = std::map<std::string, std::string>;

std::string seal(std::string_view material, std::string_view key_arn, std::string_view plaintext,
                 const encryption_context& ctx);

// The key ARN a blob names; error when the blob is not ours or is truncated.
fluxaws::result<std::string> key_arn_of(std::string_view blob);

// Plaintext, or an error (code InvalidCiphertextException) on any mismatch.
fluxaws::result<std::string> open(std::string_view material, std::string_view blob, const encryption_context& ctx);

}  // namespace emu::kms_blob
