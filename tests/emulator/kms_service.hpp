// kms_service.hpp — KMS over awsJson1_1 (X-Amz-Target: TrentService.<Op>): Encrypt,
// Decrypt, GenerateDataKey, plus DescribeKey.
//
// Contract: KeyId may be a key id, key ARN, alias name or alias ARN, resolved in the
// request's region and the caller's account (or the account named by an ARN).
// Ciphertexts are kms_blob's format; Decrypt without KeyId finds the key in the blob;
// a wrong encryption context is InvalidCiphertextException. Authorization follows KMS:
// the key policy is authoritative (see authorizer.hpp's key_policy mode). Errors are
// JSON {"__type","message"} with HTTP 400 (5xx only for injected server faults).
#pragma once

#include <map>
#include <string>

#include "tests/emulator/service_context.hpp"

namespace emu {

class kms_service {
 public:
  explicit kms_service(const service_context& ctx);
  http_response handle(const http_request& req, const route& rt, call_record& rec);
  static std::string operation_of(const http_request& req);

 private:
  service_context ctx_;
  std::map<std::string, const kms_key_def*> by_arn_;    // key ARN -> key
  std::map<std::string, const kms_key_def*> by_alias_;  // alias ARN -> key
};

// KMS's (and ECR's) JSON answer to a failed signature check.
http_response json_auth_error(unsigned version, const sigv4::verify_result& v);

}  // namespace emu
