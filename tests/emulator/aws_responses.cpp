#include "tests/emulator/aws_responses.hpp"

#include <algorithm>
#include <cctype>
#include <chrono>
#include <random>

#include "adapters/common/json.hpp"
#include "adapters/common/time.hpp"
#include "tests/emulator/asio.hpp"

namespace emu {

namespace {

std::mt19937_64& rng() {
  thread_local std::mt19937_64 gen{std::random_device{}()};
  return gen;
}

// The Date header changes once a second; format it once per second per thread.
const std::string& date_header() {
  thread_local std::string cached;
  thread_local std::chrono::system_clock::time_point::rep second = -1;
  auto now = std::chrono::system_clock::now();
  auto s = std::chrono::duration_cast<std::chrono::seconds>(now.time_since_epoch()).count();
  if (s != second) {
    second = s;
    cached = fluxaws::timefmt::http_date(now);
  }
  return cached;
}

http_response base(unsigned version, unsigned status) {
  http_response res{static_cast<http::status>(status), version};
  res.set(http::field::date, date_header());
  res.set(http::field::server, "fluxaws-emulator");
  return res;
}

}  // namespace

std::string new_request_id() {
  static const char hex[] = "0123456789abcdef";
  uint64_t a = rng()(), b = rng()();
  std::string id(36, '-');
  int bit = 0;
  for (std::size_t i = 0; i < 36; ++i) {
    if (i == 8 || i == 13 || i == 18 || i == 23) continue;
    uint64_t& src = bit < 64 ? a : b;
    id[i] = hex[(src >> (bit % 64)) & 15];
    bit += 4;
  }
  id[14] = '4';
  id[19] = hex[8 + ((b >> 60) & 3)];
  return id;
}

std::string xml_escape(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (char c : s) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&apos;"; break;
      default: out.push_back(c);
    }
  }
  return out;
}

http_response query_ok(unsigned version, std::string_view action, std::string_view result_inner_xml) {
  auto res = base(version, 200);
  auto rid = new_request_id();
  res.set("x-amzn-RequestId", rid);
  res.set(http::field::content_type, "text/xml");
  std::string body;
  body.reserve(result_inner_xml.size() + 256);
  body.append("<").append(action).append("Response xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\">\n  <");
  body.append(action).append("Result>\n");
  body.append(result_inner_xml);
  body.append("  </").append(action).append("Result>\n  <ResponseMetadata>\n    <RequestId>").append(rid);
  body.append("</RequestId>\n  </ResponseMetadata>\n</").append(action).append("Response>\n");
  res.body() = std::move(body);
  return res;
}

http_response query_error(unsigned version, unsigned status, std::string_view code, std::string_view message) {
  auto res = base(version, status);
  auto rid = new_request_id();
  res.set("x-amzn-RequestId", rid);
  res.set(http::field::content_type, "text/xml");
  std::string body = "<ErrorResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\">\n  <Error>\n    <Type>";
  body.append(status >= 500 ? "Receiver" : "Sender").append("</Type>\n    <Code>").append(xml_escape(code));
  body.append("</Code>\n    <Message>").append(xml_escape(message)).append("</Message>\n  </Error>\n  <RequestId>");
  body.append(rid).append("</RequestId>\n</ErrorResponse>\n");
  res.body() = std::move(body);
  return res;
}

http_response json_ok(unsigned version, std::string body) {
  auto res = base(version, 200);
  res.set("x-amzn-RequestId", new_request_id());
  res.set(http::field::content_type, "application/x-amz-json-1.1");
  res.body() = std::move(body);
  return res;
}

http_response json_error(unsigned version, unsigned status, std::string_view type, std::string_view message) {
  auto res = base(version, status);
  res.set("x-amzn-RequestId", new_request_id());
  res.set(http::field::content_type, "application/x-amz-json-1.1");
  std::string body = "{\"__type\":\"";
  body.append(type).append("\",\"message\":");
  if (message.empty()) {
    body.append("null}");  // as real KMS sends for InvalidCiphertextException
  } else {
    std::string m;
    fluxaws::json::append_quoted(m, message);
    body.append(m).append("}");
  }
  res.body() = std::move(body);
  return res;
}

http_response s3_response(unsigned version, unsigned status) {
  auto res = base(version, status);
  auto rid = new_request_id();
  rid.erase(std::remove(rid.begin(), rid.end(), '-'), rid.end());
  for (auto& c : rid) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  res.set("x-amz-request-id", rid.substr(0, 16));
  res.set("x-amz-id-2", rid + "=");
  return res;
}

http_response s3_error(const http_request& req, unsigned status, std::string_view code, std::string_view message,
                       const std::vector<std::pair<std::string, std::string>>& extra) {
  auto res = s3_response(req.version(), status);
  if (req.method() == http::verb::head) return res;  // HEAD answers carry no body
  res.set(http::field::content_type, "application/xml");
  std::string body = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>";
  body.append(xml_escape(code)).append("</Code><Message>").append(xml_escape(message)).append("</Message>");
  for (const auto& [k, v] : extra) body.append("<").append(k).append(">").append(xml_escape(v)).append("</").append(k).append(">");
  body.append("<RequestId>").append(sv(res["x-amz-request-id"])).append("</RequestId><HostId>");
  body.append(sv(res["x-amz-id-2"])).append("</HostId></Error>");
  res.body() = std::move(body);
  return res;
}

http_response plain_response(unsigned version, unsigned status, std::string body, std::string_view content_type) {
  auto res = base(version, status);
  res.set(http::field::content_type, bsv(content_type));
  res.body() = std::move(body);
  return res;
}

}  // namespace emu
