// Which inputs are SOPS documents, decided as Flux's kustomize-controller does
// (internal/decryptor/decryptor.go):
//   - a manifest is SOPS-encrypted when it has a non-empty top-level `sops` field
//     whose `mac` is non-empty (isSOPSEncryptedResource);
//   - a Secret `data` value (after base64) is a whole SOPS document when it contains
//     the marker bytes of a format (sopsFormatToMarkerBytes); the format of the
//     decrypted value then follows the data key's name (format_for_path).
// Flux iterates its marker map in random order; here the order is fixed
// (YAML, JSON, dotenv, INI) and the binary envelope is reported as JSON, which SOPS
// reads identically.
#pragma once

#include <optional>
#include <string_view>

#include "adapters/common/json.hpp"
#include "adapters/sops/format.hpp"

namespace fluxaws::sops {

// The marker Flux looks for: YAML "mac: ENC[", JSON and binary "\"mac\": \"ENC[",
// dotenv "sops_mac=ENC[", INI "[sops]".
std::string_view marker_bytes(format f);
std::optional<format> detect_format_from_markers(std::string_view bytes);
// Flux's sopsDecryptFile check: the bytes carry the marker of the expected format.
bool has_marker(std::string_view bytes, format expected);

bool is_sops_encrypted_manifest(const json::value& object);
// IsEncryptedSecret: kind Secret, apiVersion v1, with a top-level `sops` field.
bool is_encrypted_secret(const json::value& object);

}  // namespace fluxaws::sops
