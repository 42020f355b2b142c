// s3_service.hpp — S3's REST/XML API over the in-memory store: HeadBucket,
// GetBucketLocation, ListObjectsV2 (and V1), GetObject, HeadObject, PutObject,
// DeleteObject, in virtual-host and path style.
//
// Contract:
//   - Signatures are checked with S3's rules (path not normalized, x-amz-content-sha256
//     required on header auth, presigned GET/HEAD accepted) against the bucket's region;
//     a request scoped to another region gets AuthorizationHeaderMalformed naming the
//     bucket's region, a regional host of another region 301 PermanentRedirect.
//   - Permissions: s3:ListBucket (HeadBucket, list), s3:GetBucketLocation, s3:GetObject
//     (GetObject, HeadObject), s3:PutObject, s3:DeleteObject, on the bucket or object
//     ARN, against identity policies and the bucket policy. A missing key is NoSuchKey
//     only for callers allowed s3:ListBucket, else AccessDenied, as S3 does.
//   - GetObject: ETag, Last-Modified, Range (206 / 416 InvalidRange), If-Match (412),
//     If-None-Match (304); stored checksums are returned with x-amz-checksum-mode.
//   - PutObject: plain bodies, UNSIGNED-PAYLOAD, and aws-chunked bodies
//     (STREAMING-UNSIGNED-PAYLOAD-TRAILER and STREAMING-AWS4-HMAC-SHA256-PAYLOAD; the
//     chunk signatures of the latter are not re-verified); Content-MD5 checked.
//   - Multipart uploads (CreateMultipartUpload, UploadPart, CompleteMultipartUpload,
//     AbortMultipartUpload) for `aws s3 cp` of large files; the object's ETag is S3's
//     "<md5 of the parts' md5s>-<parts>". Uploads live in memory until completed.
//   - Errors are S3's XML (<Error><Code>…<RequestId>…<HostId>) with S3's codes.
#pragma once

#include <map>
#include <mutex>

#include "tests/emulator/s3_store.hpp"
#include "tests/emulator/service_context.hpp"

namespace emu {

class s3_service {
 public:
  s3_service(const service_context& ctx, s3_store& store) : ctx_(ctx), store_(store) {}
  http_response handle(const http_request& req, const route& rt, call_record& rec);
  // The S3 operation of a request from its method, path and query alone.
  static std::string operation_of(const http_request& req, const route& rt);

 private:
  struct part {
    std::string data, etag;
  };
  struct upload {
    std::string bucket, key, content_type;
    std::map<int, part> parts;
  };

  service_context ctx_;
  s3_store& store_;
  std::mutex uploads_mu_;
  std::map<std::string, upload> uploads_;  // by upload id
};

// Decodes an aws-chunked body; the trailer headers (x-amz-checksum-…) go to trailers.
fluxaws::result<std::string> decode_aws_chunked(std::string_view body, std::map<std::string, std::string>& trailers);

struct byte_range {
  std::size_t first = 0, last = 0;  // inclusive
};
// "bytes=a-b" / "bytes=a-" / "bytes=-n" against size; nullopt = ignore the header;
// error = unsatisfiable.
std::optional<fluxaws::result<byte_range>> parse_range(std::string_view header, std::size_t size);

}  // namespace emu
