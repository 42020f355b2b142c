#include "adapters/aws/s3.hpp"

#include <algorithm>

#include "adapters/aws/service_error.hpp"
#include "adapters/aws/xml.hpp"
#include "adapters/common/encoding.hpp"
#include "adapters/common/strings.hpp"
#include "adapters/common/time.hpp"

namespace fluxaws::aws::s3 {

namespace {

constexpr std::string_view kList = "S3 ListObjectsV2";

service_request base_request(const s3_bucket_endpoint& b, std::string operation, std::string method, std::string path) {
  service_request r;
  r.operation = std::move(operation);
  r.method = std::move(method);
  r.ep = b.ep;
  r.ep.url.path.clear();  // the bucket's path is in r.path
  r.path = std::move(path);
  r.auth = auth_mode::sigv4_s3;
  return r;
}

std::string bucket_root(const s3_bucket_endpoint& b) {
  std::string p = b.ep.url.path;
  while (!p.empty() && p.back() == '/') p.pop_back();
  return p;
}

error_info parse_error(std::string_view op, std::string what) {
  return make_error("parse", std::string(op) + ": " + std::move(what));
}

std::optional<uint64_t> parse_u64(std::string_view s) {
  s = str::trim(s);
  if (s.empty() || s.size() > 20) return std::nullopt;
  uint64_t v = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return std::nullopt;
    uint64_t next = v * 10 + static_cast<uint64_t>(c - '0');
    if (next / 10 != v) return std::nullopt;
    v = next;
  }
  return v;
}

std::string header_of(const http::response& r, std::string_view name) { return std::string(r.header(name)); }

}  // namespace

std::string object_path(const s3_bucket_endpoint& b, std::string_view key) {
  return bucket_root(b) + "/" + std::string(key);
}

service_request head_bucket_request(const s3_bucket_endpoint& b) {
  std::string root = bucket_root(b);
  return base_request(b, "S3 HeadBucket", "HEAD", root.empty() ? "/" : root);
}

service_request list_objects_v2_request(const s3_bucket_endpoint& b, const list_objects_v2_params& p) {
  auto r = base_request(b, std::string(kList), "GET", bucket_root(b) + "/");
  std::vector<std::pair<std::string, std::string>> q;
  if (!p.continuation_token.empty()) q.emplace_back("continuation-token", p.continuation_token);
  if (!p.delimiter.empty()) q.emplace_back("delimiter", p.delimiter);
  q.emplace_back("list-type", "2");
  if (p.max_keys) q.emplace_back("max-keys", std::to_string(*p.max_keys));
  if (!p.prefix.empty()) q.emplace_back("prefix", p.prefix);
  if (!p.start_after.empty()) q.emplace_back("start-after", p.start_after);
  std::sort(q.begin(), q.end());
  for (const auto& [k, v] : q) {
    if (!r.query.empty()) r.query.push_back('&');
    r.query += enc::uri_encode(k) + "=" + enc::uri_encode(v);
  }
  return r;
}

service_request get_object_request(const s3_bucket_endpoint& b, std::string_view key, const get_object_params& p) {
  auto r = base_request(b, "S3 GetObject", "GET", object_path(b, key));
  r.query = "x-id=GetObject";
  if (!p.if_match.empty()) r.headers.emplace_back("If-Match", p.if_match);
  if (!p.if_none_match.empty()) r.headers.emplace_back("If-None-Match", p.if_none_match);
  if (!p.range.empty()) r.headers.emplace_back("Range", p.range);
  return r;
}

service_request put_object_request(const s3_bucket_endpoint& b, std::string_view key, std::string body,
                                   std::string_view content_type) {
  auto r = base_request(b, "S3 PutObject", "PUT", object_path(b, key));
  r.query = "x-id=PutObject";
  if (!content_type.empty()) r.headers.emplace_back("Content-Type", std::string(content_type));
  r.body = std::move(body);
  return r;
}

status check_head_bucket(const http::response& r) {
  if (!r.ok()) return transport_error(r, r.effective_url, "S3 HeadBucket");
  if (r.status >= 200 && r.status < 300) return {};
  auto e = parse_service_error(protocol::rest_xml, r.status, r.headers, r.body);
  auto info = to_error_info(e, "S3 HeadBucket");
  if (!e.bucket_region.empty()) info.message += "; the bucket is in region " + e.bucket_region;
  return info;
}

result<list_objects_v2_result> parse_list_objects_v2(const http::response& r) {
  if (auto err = response_error(protocol::rest_xml, r, r.effective_url, kList)) return *err;
  auto doc = xml::parse(r.body);
  if (!doc) return parse_error(kList, doc.error().message);
  if (doc->name == "Error") return parse_error(kList, "HTTP 200 answer carries an error document instead of ListBucketResult");
  if (doc->name != "ListBucketResult") return parse_error(kList, "answer is <" + doc->name + ">, not <ListBucketResult>");
  list_objects_v2_result out;
  out.name = std::string(doc->child_text("Name"));
  out.prefix = std::string(doc->child_text("Prefix"));
  for (const auto* c : doc->all("Contents")) {
    object_summary o;
    if (c->child("Key") == nullptr) return parse_error(kList, "a Contents entry has no Key");
    o.key = c->child_text("Key");
    o.etag = std::string(str::trim(c->child_text("ETag")));
    auto size = parse_u64(c->child_text("Size", "0"));
    if (!size) return parse_error(kList, "Size of \"" + o.key + "\" is not a number");
    o.size = *size;
    if (auto lm = str::trim(c->child_text("LastModified")); !lm.empty()) {
      auto t = timefmt::parse_rfc3339(lm);
      if (!t) return parse_error(kList, "LastModified of \"" + o.key + "\" is not an RFC 3339 time");
      o.last_modified = *t;
    }
    out.contents.push_back(std::move(o));
  }
  for (const auto* cp : doc->all("CommonPrefixes")) out.common_prefixes.emplace_back(cp->child_text("Prefix"));
  auto truncated = str::trim(doc->child_text("IsTruncated", "false"));
  if (truncated == "true") {
    out.is_truncated = true;
  } else if (truncated != "false") {
    return parse_error(kList, "IsTruncated is neither true nor false");
  }
  out.next_continuation_token = std::string(doc->child_text("NextContinuationToken"));
  if (out.is_truncated && out.next_continuation_token.empty())
    return parse_error(kList, "listing is truncated but has no NextContinuationToken");
  auto kc = parse_u64(doc->child_text("KeyCount", std::to_string(out.contents.size())));
  if (!kc || *kc > 1000000) return parse_error(kList, "KeyCount is not a number");
  out.key_count = static_cast<int>(*kc);
  return out;
}

result<object_info> parse_object_info(const http::response& r, std::string_view operation) {
  if (auto err = response_error(protocol::rest_xml, r, r.effective_url, operation)) return *err;
  object_info out;
  out.etag = header_of(r, "etag");
  out.content_type = header_of(r, "content-type");
  out.last_modified = header_of(r, "last-modified");
  out.content_length = r.body_size != 0 ? r.body_size : r.body.size();
  if (auto cl = parse_u64(r.header("content-length"))) out.content_length = *cl;
  return out;
}

}  // namespace fluxaws::aws::s3
