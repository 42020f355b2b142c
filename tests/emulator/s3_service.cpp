#include "tests/emulator/s3_service.hpp"

#include "adapters/common/digest.hpp"
#include "adapters/common/encoding.hpp"
#include "adapters/common/strings.hpp"
#include "adapters/common/time.hpp"
#include "tests/emulator/asio.hpp"
#include "tests/emulator/authorizer.hpp"
#include "tests/emulator/aws_responses.hpp"
#include "tests/emulator/form.hpp"

namespace emu {

namespace str = fluxaws::str;
using fluxaws::make_error;

namespace {

struct s3_target {
  std::string bucket;
  std::string key;  // decoded; empty for bucket operations
  bool has_key = false;
  param_map query;
};

s3_target parse_target(const http_request& req, const route& rt) {
  s3_target t;
  auto parts = split_target(sv(req.target()));
  t.query = parse_form(parts.query);
  auto raw_path = parts.path;
  auto decoded = fluxaws::enc::uri_decode(raw_path, false);
  std::string path = decoded ? *decoded : std::string(raw_path);
  std::string_view p = path;
  if (!p.empty() && p.front() == '/') p.remove_prefix(1);
  if (!rt.bucket.empty()) {
    t.bucket = rt.bucket;
    t.key = std::string(p);
  } else {
    auto slash = p.find('/');
    t.bucket = std::string(p.substr(0, slash));
    if (slash != std::string_view::npos) t.key = std::string(p.substr(slash + 1));
  }
  t.has_key = !t.key.empty();
  return t;
}

bool has(const param_map& q, std::string_view k) { return q.find(k) != q.end(); }

std::string op_for(const http_request& req, const s3_target& t) {
  auto m = req.method();
  if (t.bucket.empty()) return m == http::verb::get ? "ListBuckets" : "Unknown";
  if (!t.has_key) {
    if (m == http::verb::head) return "HeadBucket";
    if (m == http::verb::get) {
      if (has(t.query, "location")) return "GetBucketLocation";
      if (has(t.query, "list-type")) {
        auto it = t.query.find("list-type");
        return it->second == "2" ? "ListObjectsV2" : "ListObjects";
      }
      if (t.query.empty() || has(t.query, "prefix") || has(t.query, "marker") || has(t.query, "delimiter") ||
          has(t.query, "max-keys") || has(t.query, "encoding-type"))
        return "ListObjects";
      return "UnsupportedBucketOperation";
    }
    if (m == http::verb::put) return "CreateBucket";
    if (m == http::verb::delete_) return "DeleteBucket";
    return "Unknown";
  }
  if (m == http::verb::get) return has(t.query, "uploadId") ? "ListParts" : "GetObject";
  if (m == http::verb::head) return "HeadObject";
  if (m == http::verb::put) {
    if (req.find("x-amz-copy-source") != req.end()) return "CopyObject";
    if (has(t.query, "uploadId")) return "UploadPart";
    return "PutObject";
  }
  if (m == http::verb::delete_) return has(t.query, "uploadId") ? "AbortMultipartUpload" : "DeleteObject";
  if (m == http::verb::post) {
    if (has(t.query, "uploads")) return "CreateMultipartUpload";
    if (has(t.query, "uploadId")) return "CompleteMultipartUpload";
  }
  return "Unknown";
}

http_response auth_error(const http_request& req, const sigv4::verify_result& v, const std::string& bucket_region) {
  using E = sigv4::auth_error;
  switch (v.error) {
    case E::unknown_key:
    case E::missing_token:
      return s3_error(req, 403, "InvalidAccessKeyId", "The AWS Access Key Id you provided does not exist in our records.",
                      {{"AWSAccessKeyId", v.access_key_id}});
    case E::invalid_token:
      return s3_error(req, 400, "InvalidToken", "The provided token is malformed or otherwise invalid.");
    case E::expired_token: return s3_error(req, 400, "ExpiredToken", "The provided token has expired.");
    case E::missing: return s3_error(req, 403, "AccessDenied", "Access Denied");
    case E::skewed: {
      auto now = std::chrono::system_clock::now();
      return s3_error(req, 403, "RequestTimeTooSkewed",
                      "The difference between the request time and the current time is too large.",
                      {{"ServerTime", fluxaws::timefmt::rfc3339(now)}, {"MaxAllowedSkewMilliseconds", "900000"}});
    }
    case E::presign_expired: return s3_error(req, 403, "AccessDenied", "Request has expired");
    case E::bad_scope_region:
      return s3_error(req, 400, "AuthorizationHeaderMalformed",
                      "The authorization header is malformed; the region '" + v.region + "' is wrong; expecting '" +
                          bucket_region + "'",
                      {{"Region", bucket_region}});
    case E::content_sha_mismatch:
      return s3_error(req, 400, "XAmzContentSHA256Mismatch",
                      "The provided 'x-amz-content-sha256' header does not match what was computed.");
    case E::missing_content_sha: return s3_error(req, 400, "InvalidRequest", v.message);
    case E::bad_signature:
      return s3_error(req, 403, "SignatureDoesNotMatch",
                      "The request signature we calculated does not match the signature you provided. Check your key "
                      "and signing method.",
                      {{"AWSAccessKeyId", v.access_key_id},
                       {"StringToSign", v.string_to_sign},
                       {"SignatureProvided", v.signature_provided},
                       {"CanonicalRequest", v.canonical_request}});
    case E::malformed:
    case E::unsupported_algorithm:
    case E::missing_date:
    case E::bad_scope_date:
    case E::bad_scope_service:
    case E::bad_scope_terminator:
    case E::none: break;
  }
  if (v.presigned) return s3_error(req, 400, "AuthorizationQueryParametersError", v.message);
  return s3_error(req, 400, "AuthorizationHeaderMalformed", v.message);
}

// The uploaded bytes of a PutObject/UploadPart: plain, or aws-chunked (trailers out).
fluxaws::result<std::string> upload_body(const http_request& req, std::map<std::string, std::string>& trailers) {
  auto sha = sv(req["x-amz-content-sha256"]);
  auto encoding = sv(req[http::field::content_encoding]);
  std::string data;
  if (str::starts_with(sha, "STREAMING-") || encoding.find("aws-chunked") != std::string_view::npos) {
    auto decoded = decode_aws_chunked(req.body(), trailers);
    if (!decoded) return decoded.error();
    data = std::move(decoded.value());
    auto declared = sv(req["x-amz-decoded-content-length"]);
    if (!declared.empty() && declared != std::to_string(data.size()))
      return make_error("IncompleteBody",
                        "You did not provide the number of bytes specified by the x-amz-decoded-content-length header.");
  } else {
    data = req.body();
  }
  if (auto md5 = sv(req["content-md5"]); !md5.empty()) {
    auto want = fluxaws::enc::unbase64(md5);
    auto got = fluxaws::enc::unhex(md5_hex(data));
    if (!want || !got || *want != *got)
      return make_error("BadDigest", "The Content-MD5 you specified did not match what we received.");
  }
  return data;
}

std::string xml_text(std::string_view xml, std::string_view tag, std::size_t& from) {
  std::string open = "<" + std::string(tag) + ">", close = "</" + std::string(tag) + ">";
  auto a = xml.find(open, from);
  if (a == std::string_view::npos) return {};
  auto b = xml.find(close, a);
  if (b == std::string_view::npos) return {};
  from = b + close.size();
  return std::string(xml.substr(a + open.size(), b - a - open.size()));
}

std::string list_xml_key(std::string_view s, bool url) {
  return xml_escape(url ? fluxaws::enc::uri_encode(s, true) : std::string(s));
}

void set_object_headers(http_response& res, const s3_object& o) {
  res.set(http::field::etag, o.etag);
  res.set(http::field::last_modified, fluxaws::timefmt::http_date(o.last_modified));
  res.set(http::field::content_type, o.content_type);
  res.set(http::field::accept_ranges, "bytes");
}

}  // namespace

fluxaws::result<std::string> decode_aws_chunked(std::string_view body, std::map<std::string, std::string>& trailers) {
  std::string out;
  std::size_t pos = 0;
  for (;;) {
    auto eol = body.find("\r\n", pos);
    if (eol == std::string_view::npos) return make_error("IncompleteBody", "an aws-chunked chunk header is cut short");
    auto header = body.substr(pos, eol - pos);
    auto semi = header.find(';');
    auto hex = header.substr(0, semi);
    if (hex.empty() || hex.size() > 16 || hex.find_first_not_of("0123456789abcdefABCDEF") != std::string_view::npos)
      return make_error("InvalidChunkSizeError", "an aws-chunked chunk size is not hexadecimal");
    std::size_t n = std::stoull(std::string(hex), nullptr, 16);
    pos = eol + 2;
    if (n == 0) break;
    if (body.size() < pos + n + 2 || body.substr(pos + n, 2) != "\r\n")
      return make_error("IncompleteBody", "an aws-chunked chunk is shorter than its size");
    out.append(body.substr(pos, n));
    pos += n + 2;
  }
  // Trailers: "name:value\r\n" lines up to an empty line (or the end).
  while (pos < body.size()) {
    auto eol = body.find("\r\n", pos);
    auto line = body.substr(pos, eol == std::string_view::npos ? std::string_view::npos : eol - pos);
    if (line.empty()) break;
    auto colon = line.find(':');
    if (colon != std::string_view::npos)
      trailers[str::to_lower(str::trim(line.substr(0, colon)))] = std::string(str::trim(line.substr(colon + 1)));
    if (eol == std::string_view::npos) break;
    pos = eol + 2;
  }
  return out;
}

std::optional<fluxaws::result<byte_range>> parse_range(std::string_view h, std::size_t size) {
  h = str::trim(h);
  if (!str::starts_with(h, "bytes=") || h.find(',') != std::string_view::npos) return std::nullopt;
  auto spec = h.substr(6);
  auto dash = spec.find('-');
  if (dash == std::string_view::npos) return std::nullopt;
  auto a = spec.substr(0, dash), b = spec.substr(dash + 1);
  auto num = [](std::string_view s, std::size_t& v) {
    if (s.empty() || s.size() > 18 || s.find_first_not_of("0123456789") != std::string_view::npos) return false;
    v = std::stoull(std::string(s));
    return true;
  };
  std::size_t first = 0, last = 0;
  fluxaws::error_info unsatisfiable = make_error("InvalidRange", "The requested range is not satisfiable");
  if (a.empty()) {  // suffix: the last n bytes
    std::size_t n = 0;
    if (!num(b, n)) return std::nullopt;
    if (n == 0 || size == 0) return fluxaws::result<byte_range>(unsatisfiable);
    first = n >= size ? 0 : size - n;
    last = size - 1;
  } else {
    if (!num(a, first)) return std::nullopt;
    if (b.empty()) last = size ? size - 1 : 0;
    else if (!num(b, last)) return std::nullopt;
    if (last < first) return std::nullopt;  // syntactically invalid: ignored, as HTTP says
    if (first >= size) return fluxaws::result<byte_range>(unsatisfiable);
    if (last >= size) last = size - 1;
  }
  return fluxaws::result<byte_range>(byte_range{first, last});
}

std::string s3_service::operation_of(const http_request& req, const route& rt) {
  return op_for(req, parse_target(req, rt));
}

http_response s3_service::handle(const http_request& req, const route& rt, call_record& rec) {
  const auto version = req.version();
  auto t = parse_target(req, rt);
  rec.operation = op_for(req, t);
  s3_bucket* bucket = t.bucket.empty() ? nullptr : store_.find(t.bucket);

  // The signature must be scoped to the bucket's region when the bucket exists.
  std::string expected_region = bucket ? bucket->def().region : (rt.bare ? std::string() : rt.region);
  auto v = authenticate(req, rt, ctx_, "s3", expected_region, true);
  if (!v.ok()) {
    if (v.error == sigv4::auth_error::expired_token)
      if (auto key = ctx_.creds.find_key(v.access_key_id)) rec.principal = key->who->arn;
    return auth_error(req, v, expected_region);
  }
  const principal& who = *v.who;
  rec.principal = who.arn;

  if (t.bucket.empty()) {
    return s3_error(req, 501, "NotImplemented", "A header you provided implies functionality that is not implemented");
  }
  if (!bucket)
    return s3_error(req, 404, "NoSuchBucket", "The specified bucket does not exist", {{"BucketName", t.bucket}});
  const auto& bd = bucket->def();
  if (!rt.bare && rt.region != bd.region) {
    auto res = s3_error(req, 301, "PermanentRedirect",
                        "The bucket you are attempting to access must be addressed using the specified endpoint. "
                        "Please send all future requests to this endpoint.",
                        {{"Endpoint", bd.name + ".s3." + bd.region + ".amazonaws.com"}, {"Bucket", bd.name}});
    res.set("x-amz-bucket-region", bd.region);
    return res;
  }
  const iam::policy* bucket_policy = bd.policy ? &*bd.policy : nullptr;
  const std::string bucket_arn = "arn:aws:s3:::" + bd.name;
  auto check = [&](std::string_view action, const std::string& resource,
                   const iam::context_map* extra = nullptr) -> std::optional<http_response> {
    auto d = authorize(who, action, resource, bucket_policy, extra);
    if (d.allowed) return std::nullopt;
    return s3_error(req, 403, "AccessDenied", d.message);
  };

  const auto& op = rec.operation;
  if (op == "HeadBucket") {
    if (auto denied = check("s3:ListBucket", bucket_arn)) return *denied;
    auto res = s3_response(version, 200);
    res.set("x-amz-bucket-region", bd.region);
    return res;
  }
  if (op == "GetBucketLocation") {
    if (auto denied = check("s3:GetBucketLocation", bucket_arn)) return *denied;
    auto res = s3_response(version, 200);
    res.set(http::field::content_type, "application/xml");
    std::string loc = bd.region == "us-east-1" ? "" : bd.region;  // S3 answers empty for us-east-1
    res.body() = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<LocationConstraint "
                 "xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">" + loc + "</LocationConstraint>";
    return res;
  }
  if (op == "ListObjectsV2" || op == "ListObjects") {
    bool v2 = op == "ListObjectsV2";
    s3_list_request lr;
    auto q = [&](std::string_view k) {
      auto it = t.query.find(k);
      return it == t.query.end() ? std::string() : it->second;
    };
    lr.prefix = q("prefix");
    lr.delimiter = q("delimiter");
    lr.start_after = v2 ? q("start-after") : q("marker");
    lr.continuation_token = v2 ? q("continuation-token") : "";
    if (has(t.query, "continuation-token") && lr.continuation_token.empty() && v2)
      return s3_error(req, 400, "InvalidArgument", "The continuation token provided is incorrect",
                      {{"ArgumentName", "continuation-token"}});
    if (auto mk = q("max-keys"); !mk.empty()) {
      if (mk.size() > 9 || mk.find_first_not_of("0123456789") != std::string::npos)
        return s3_error(req, 400, "InvalidArgument", "Provided max-keys not an integer or within integer range",
                        {{"ArgumentName", "max-keys"}, {"ArgumentValue", mk}});
      lr.max_keys = std::min(std::stoi(mk), 1000);
    }
    bool url = q("encoding-type") == "url";
    if (has(t.query, "encoding-type") && !url)
      return s3_error(req, 400, "InvalidArgument", "Invalid Encoding Method specified in Request",
                      {{"ArgumentName", "encoding-type"}});
    iam::context_map extra{{"s3:prefix", lr.prefix}, {"s3:delimiter", lr.delimiter},
                           {"s3:max-keys", std::to_string(lr.max_keys)}};
    if (auto denied = check("s3:ListBucket", bucket_arn, &extra)) return *denied;
    auto listed = bucket->list(lr);
    if (!listed)
      return s3_error(req, 400, listed.error().code, listed.error().message, {{"ArgumentName", "continuation-token"}});
    const auto& l = listed.value();
    std::string x;
    x.reserve(256 + l.contents.size() * 256);
    x += "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<ListBucketResult xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">";
    x += "<Name>" + xml_escape(bd.name) + "</Name><Prefix>" + list_xml_key(lr.prefix, url) + "</Prefix>";
    if (v2) {
      if (!lr.start_after.empty()) x += "<StartAfter>" + list_xml_key(lr.start_after, url) + "</StartAfter>";
      if (!lr.continuation_token.empty()) x += "<ContinuationToken>" + xml_escape(lr.continuation_token) + "</ContinuationToken>";
      x += "<KeyCount>" + std::to_string(l.contents.size() + l.common_prefixes.size()) + "</KeyCount>";
    } else {
      x += "<Marker>" + list_xml_key(lr.start_after, url) + "</Marker>";
    }
    x += "<MaxKeys>" + std::to_string(lr.max_keys) + "</MaxKeys>";
    if (!lr.delimiter.empty()) x += "<Delimiter>" + list_xml_key(lr.delimiter, url) + "</Delimiter>";
    if (url) x += "<EncodingType>url</EncodingType>";
    x += std::string("<IsTruncated>") + (l.truncated ? "true" : "false") + "</IsTruncated>";
    if (l.truncated) {
      if (v2) {
        x += "<NextContinuationToken>" + xml_escape(l.next_token) + "</NextContinuationToken>";
      } else if (!lr.delimiter.empty()) {
        auto raw = fluxaws::enc::unbase64(l.next_token);
        x += "<NextMarker>" + list_xml_key(raw ? raw->substr(1) : "", url) + "</NextMarker>";
      }
    }
    for (const auto& e : l.contents) {
      x += "<Contents><Key>" + list_xml_key(e.key, url) + "</Key><LastModified>" +
           fluxaws::timefmt::rfc3339_millis(e.object->last_modified) + "</LastModified><ETag>" +
           xml_escape(e.object->etag) + "</ETag><Size>" + std::to_string(e.object->data.size()) +
           "</Size><StorageClass>STANDARD</StorageClass></Contents>";
    }
    for (const auto& cp : l.common_prefixes) x += "<CommonPrefixes><Prefix>" + list_xml_key(cp, url) + "</Prefix></CommonPrefixes>";
    x += "</ListBucketResult>";
    auto res = s3_response(version, 200);
    res.set(http::field::content_type, "application/xml");
    res.body() = std::move(x);
    return res;
  }
  if (op == "GetObject" || op == "HeadObject") {
    const std::string object_arn = bucket_arn + "/" + t.key;
    if (auto denied = check("s3:GetObject", object_arn)) return *denied;
    auto obj = bucket->get(t.key);
    if (!obj) {
      // Without s3:ListBucket, S3 does not reveal whether the key exists.
      if (auto denied = check("s3:ListBucket", bucket_arn)) return *denied;
      return s3_error(req, 404, "NoSuchKey", "The specified key does not exist.", {{"Key", t.key}});
    }
    auto if_match = sv(req[http::field::if_match]);
    if (!if_match.empty() && if_match != "*" && str::trim(if_match) != obj->etag)
      return s3_error(req, 412, "PreconditionFailed", "At least one of the pre-conditions you specified did not hold",
                      {{"Condition", "If-Match"}});
    auto if_none = sv(req[http::field::if_none_match]);
    if (!if_none.empty() && (if_none == "*" || str::trim(if_none) == obj->etag)) {
      auto res = s3_response(version, 304);
      res.set(http::field::etag, obj->etag);
      res.set(http::field::last_modified, fluxaws::timefmt::http_date(obj->last_modified));
      return res;
    }
    auto res = s3_response(version, 200);
    set_object_headers(res, *obj);
    std::size_t size = obj->data.size();
    auto range_header = sv(req[http::field::range]);
    std::optional<byte_range> range;
    if (!range_header.empty()) {
      if (auto r = parse_range(range_header, size)) {
        if (!r->ok())
          return s3_error(req, 416, "InvalidRange", "The requested range is not satisfiable",
                          {{"RangeRequested", std::string(range_header)}, {"ActualObjectSize", std::to_string(size)}});
        range = r->value();
      }
    }
    if (range) {
      res.result(http::status::partial_content);
      res.set(http::field::content_range, "bytes " + std::to_string(range->first) + "-" + std::to_string(range->last) +
                                              "/" + std::to_string(size));
    } else if (sv(req["x-amz-checksum-mode"]) == "ENABLED") {
      for (const auto& [name, value] : obj->checksums) res.set(name, value);
    }
    if (op == "HeadObject") {
      res.content_length(range ? range->last - range->first + 1 : size);
      return res;
    }
    if (range) res.body() = obj->data.substr(range->first, range->last - range->first + 1);
    else res.body() = obj->data;
    return res;
  }
  if (op == "PutObject") {
    const std::string object_arn = bucket_arn + "/" + t.key;
    if (auto denied = check("s3:PutObject", object_arn)) return *denied;
    if (t.key.size() > 1024) return s3_error(req, 400, "KeyTooLongError", "Your key is too long");
    std::map<std::string, std::string> trailers;
    auto body = upload_body(req, trailers);
    if (!body) return s3_error(req, 400, body.error().code, body.error().message);
    std::string data = std::move(body.value());
    auto ctype = sv(req[http::field::content_type]);
    auto obj = make_object(std::move(data), ctype.empty() ? "binary/octet-stream" : std::string(ctype));
    for (const auto& f : req) {
      auto name = str::to_lower(sv(f.name_string()));
      if (str::starts_with(name, "x-amz-checksum-") && name != "x-amz-checksum-mode" && name != "x-amz-checksum-algorithm")
        obj.checksums[name] = std::string(sv(f.value()));
    }
    for (const auto& [k, val] : trailers)
      if (str::starts_with(k, "x-amz-checksum-")) obj.checksums[k] = val;
    auto res = s3_response(version, 200);
    res.set(http::field::etag, obj.etag);
    for (const auto& [name, value] : obj.checksums) res.set(name, value);
    bucket->put(t.key, std::move(obj));
    return res;
  }
  if (op == "CreateMultipartUpload" || op == "UploadPart" || op == "CompleteMultipartUpload" ||
      op == "AbortMultipartUpload") {
    const std::string object_arn = bucket_arn + "/" + t.key;
    if (auto denied = check(op == "AbortMultipartUpload" ? "s3:AbortMultipartUpload" : "s3:PutObject", object_arn))
      return *denied;
    auto xml_answer = [&](std::string x) {
      auto res = s3_response(version, 200);
      res.set(http::field::content_type, "application/xml");
      res.body() = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n" + std::move(x);
      return res;
    };
    auto no_upload = [&] {
      return s3_error(req, 404, "NoSuchUpload",
                      "The specified upload does not exist. The upload ID may be invalid, or the upload may have been "
                      "aborted or completed.",
                      {{"UploadId", t.query.count("uploadId") ? t.query.at("uploadId") : ""}});
    };
    if (op == "CreateMultipartUpload") {
      auto id = fluxaws::enc::base64url(fluxaws::digest::random_bytes(24));
      auto ctype = sv(req[http::field::content_type]);
      {
        std::lock_guard lock(uploads_mu_);
        uploads_[id] = upload{bd.name, t.key, ctype.empty() ? "binary/octet-stream" : std::string(ctype), {}};
      }
      return xml_answer("<InitiateMultipartUploadResult xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"><Bucket>" +
                        xml_escape(bd.name) + "</Bucket><Key>" + xml_escape(t.key) + "</Key><UploadId>" + id +
                        "</UploadId></InitiateMultipartUploadResult>");
    }
    const std::string id = t.query.count("uploadId") ? t.query.at("uploadId") : "";
    if (op == "UploadPart") {
      const auto* pn = find_param(t.query, "partNumber");
      int number = 0;
      if (!pn || pn->empty() || pn->size() > 5 || pn->find_first_not_of("0123456789") != std::string::npos ||
          (number = std::stoi(*pn)) < 1 || number > 10000)
        return s3_error(req, 400, "InvalidArgument", "Part number must be an integer between 1 and 10000, inclusive",
                        {{"ArgumentName", "partNumber"}});
      std::map<std::string, std::string> trailers;
      auto body = upload_body(req, trailers);
      if (!body) return s3_error(req, 400, body.error().code, body.error().message);
      part p{std::move(body.value()), {}};
      p.etag = "\"" + md5_hex(p.data) + "\"";
      auto etag = p.etag;
      std::lock_guard lock(uploads_mu_);
      auto it = uploads_.find(id);
      if (it == uploads_.end() || it->second.bucket != bd.name || it->second.key != t.key) return no_upload();
      it->second.parts[number] = std::move(p);
      auto res = s3_response(version, 200);
      res.set(http::field::etag, etag);
      return res;
    }
    if (op == "AbortMultipartUpload") {
      std::lock_guard lock(uploads_mu_);
      auto it = uploads_.find(id);
      if (it == uploads_.end() || it->second.bucket != bd.name || it->second.key != t.key) return no_upload();
      uploads_.erase(it);
      return s3_response(version, 204);
    }
    // CompleteMultipartUpload: the listed parts, ascending, with their ETags.
    upload done;
    {
      std::lock_guard lock(uploads_mu_);
      auto it = uploads_.find(id);
      if (it == uploads_.end() || it->second.bucket != bd.name || it->second.key != t.key) return no_upload();
      done = it->second;
    }
    std::string data, md5s;
    std::size_t pos = 0;
    int last = 0, count = 0;
    const std::string& xml = req.body();
    for (;;) {
      std::size_t part_pos = pos;
      auto part_xml = xml_text(xml, "Part", part_pos);
      if (part_xml.empty()) break;
      pos = part_pos;
      std::size_t inner = 0;
      auto number_text = xml_text(part_xml, "PartNumber", inner);
      inner = 0;
      auto etag = xml_text(part_xml, "ETag", inner);
      etag = str::replace_all(etag, "&quot;", "\"");
      if (!etag.empty() && etag.front() != '"') etag = "\"" + etag + "\"";
      int number = std::atoi(number_text.c_str());
      if (number <= last)
        return s3_error(req, 400, "InvalidPartOrder", "The list of parts was not in ascending order. The parts list "
                                                      "must be specified in order by part number.");
      auto p = done.parts.find(number);
      if (p == done.parts.end() || p->second.etag != etag)
        return s3_error(req, 400, "InvalidPart", "One or more of the specified parts could not be found. The part may "
                                                 "not have been uploaded, or the specified entity tag may not match the "
                                                 "part's entity tag.");
      data += p->second.data;
      md5s += *fluxaws::enc::unhex(md5_hex(p->second.data));
      last = number;
      ++count;
    }
    if (count == 0)
      return s3_error(req, 400, "MalformedXML", "The XML you provided was not well-formed or did not validate against "
                                                "our published schema");
    auto obj = make_object(std::move(data), done.content_type);
    obj.etag = "\"" + md5_hex(md5s) + "-" + std::to_string(count) + "\"";
    auto etag = obj.etag;
    bucket->put(t.key, std::move(obj));
    {
      std::lock_guard lock(uploads_mu_);
      uploads_.erase(id);
    }
    return xml_answer("<CompleteMultipartUploadResult xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"><Location>https://" +
                      xml_escape(bd.name) + ".s3." + bd.region + ".amazonaws.com/" + xml_escape(t.key) +
                      "</Location><Bucket>" + xml_escape(bd.name) + "</Bucket><Key>" + xml_escape(t.key) +
                      "</Key><ETag>" + xml_escape(etag) + "</ETag></CompleteMultipartUploadResult>");
  }
  if (op == "DeleteObject") {
    const std::string object_arn = bucket_arn + "/" + t.key;
    if (auto denied = check("s3:DeleteObject", object_arn)) return *denied;
    bucket->erase(t.key);
    return s3_response(version, 204);
  }
  return s3_error(req, 501, "NotImplemented", "A header you provided implies functionality that is not implemented");
}

}  // namespace emu
