// KMS Decrypt, Encrypt and GenerateDataKey (awsJson1_1, X-Amz-Target TrentService.<Op>,
// signing name kms). Request members go in the model's order
// (Decrypt: CiphertextBlob, EncryptionContext, GrantTokens, KeyId, EncryptionAlgorithm;
// Encrypt: KeyId, Plaintext, EncryptionContext, GrantTokens, EncryptionAlgorithm;
// GenerateDataKey: KeyId, EncryptionContext, NumberOfBytes, KeySpec, GrantTokens);
// blobs are standard padded base64; the encryption context keeps the caller's order.
// Absent optional members are omitted, as the SDKs do.
//
// A 200 answer without the required blob (Plaintext / CiphertextBlob), with a blob
// that is not valid base64, or carrying an error document is a "parse" error — never
// an empty key. Plaintexts are secrets: no error message contains one.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "adapters/aws/endpoints.hpp"
#include "adapters/aws/service_request.hpp"
#include "adapters/common/result.hpp"
#include "adapters/http/types.hpp"

namespace fluxaws::aws::kms {

using encryption_context = std::vector<std::pair<std::string, std::string>>;

struct decrypt_params {
  std::string ciphertext_blob;  // raw bytes
  encryption_context context;
  std::vector<std::string> grant_tokens;
  std::string key_id;                // optional
  std::string encryption_algorithm;  // optional
};

struct decrypt_result {
  std::string key_id;
  std::string plaintext;  // raw bytes, secret
  std::string encryption_algorithm;
};

struct encrypt_params {
  std::string key_id;
  std::string plaintext;  // raw bytes
  encryption_context context;
  std::vector<std::string> grant_tokens;
  std::string encryption_algorithm;
};

struct encrypt_result {
  std::string ciphertext_blob;  // raw bytes
  std::string key_id;
  std::string encryption_algorithm;
};

struct generate_data_key_params {
  std::string key_id;
  encryption_context context;
  std::optional<int> number_of_bytes;
  std::string key_spec;  // "AES_256", "AES_128"
  std::vector<std::string> grant_tokens;
};

struct generate_data_key_result {
  std::string ciphertext_blob;  // raw bytes
  std::string plaintext;        // raw bytes, secret
  std::string key_id;
};

std::string decrypt_body(const decrypt_params& p);
std::string encrypt_body(const encrypt_params& p);
std::string generate_data_key_body(const generate_data_key_params& p);

service_request decrypt_request(const endpoint& ep, const decrypt_params& p);
service_request encrypt_request(const endpoint& ep, const encrypt_params& p);
service_request generate_data_key_request(const endpoint& ep, const generate_data_key_params& p);

result<decrypt_result> parse_decrypt(const http::response& r);
result<encrypt_result> parse_encrypt(const http::response& r);
result<generate_data_key_result> parse_generate_data_key(const http::response& r);

// The region of a KMS key ARN ("arn:aws:kms:<region>:<account>:key/<id>"), or nullopt
// for key ids, aliases and malformed ARNs.
std::optional<std::string> region_of_key_arn(std::string_view arn);

}  // namespace fluxaws::aws::kms
