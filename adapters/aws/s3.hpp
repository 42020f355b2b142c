// S3 (restXml) request builders and answer parsers for what the Bucket source needs:
// HeadBucket, ListObjectsV2, GetObject, PutObject. Requests are signed with the S3
// flavour of SigV4 (auth_mode::sigv4_s3: x-amz-content-sha256 signed, path encoded
// once, not normalised). Bucket addressing (virtual host or path style) comes from
// resolve_s3_bucket() in endpoints.hpp.
//
// ListObjectsV2 sends list-type=2 with its parameters sorted by name, as the SDKs do,
// and never asks for encoding-type=url, so keys in the answer are taken verbatim.
// A truncated listing without a NextContinuationToken is a "parse" error (following it
// would loop). GetObject/PutObject carry the SDKs' x-id query parameter.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "adapters/aws/endpoints.hpp"
#include "adapters/aws/service_request.hpp"
#include "adapters/common/result.hpp"
#include "adapters/http/types.hpp"

namespace fluxaws::aws::s3 {

struct list_objects_v2_params {
  std::string prefix;
  std::string continuation_token;
  std::string start_after;
  std::string delimiter;
  std::optional<int> max_keys;
};

struct object_summary {
  std::string key;
  std::string etag;  // as sent, quotes included
  uint64_t size = 0;
  std::optional<std::chrono::system_clock::time_point> last_modified;
};

struct list_objects_v2_result {
  std::string name;
  std::string prefix;
  std::vector<object_summary> contents;
  std::vector<std::string> common_prefixes;
  bool is_truncated = false;
  std::string next_continuation_token;
  int key_count = 0;
};

struct get_object_params {
  std::string if_match;       // ETag, quotes included
  std::string if_none_match;
  std::string range;          // "bytes=0-99"
};

struct object_info {
  std::string etag;
  uint64_t content_length = 0;
  std::string content_type;
  std::string last_modified;  // HTTP date as sent
};

// The raw path of an object: the bucket's base path + "/" + key.
std::string object_path(const s3_bucket_endpoint& b, std::string_view key);

service_request head_bucket_request(const s3_bucket_endpoint& b);
service_request list_objects_v2_request(const s3_bucket_endpoint& b, const list_objects_v2_params& p);
service_request get_object_request(const s3_bucket_endpoint& b, std::string_view key, const get_object_params& p = {});
service_request put_object_request(const s3_bucket_endpoint& b, std::string_view key, std::string body,
                                   std::string_view content_type = {});

// HeadBucket: ok for 2xx; otherwise the error (NotFound, Forbidden, MovedPermanently
// with the bucket's region in the message when S3 says it).
status check_head_bucket(const http::response& r);
result<list_objects_v2_result> parse_list_objects_v2(const http::response& r);
// GetObject/PutObject: the object's metadata from the headers of a 2xx answer.
result<object_info> parse_object_info(const http::response& r, std::string_view operation);

}  // namespace fluxaws::aws::s3
