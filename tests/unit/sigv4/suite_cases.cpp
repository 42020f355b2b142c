#include "tests/unit/sigv4/suite_cases.hpp"

#include <algorithm>
#include <fstream>
#include <optional>
#include <sstream>

#include "adapters/aws/sigv4.hpp"
#include "adapters/common/digest.hpp"
#include "adapters/common/encoding.hpp"
#include "adapters/common/json.hpp"
#include "adapters/common/strings.hpp"
#include "adapters/common/time.hpp"
#include "tests/unit/sigv4/raw_request.hpp"

namespace fluxaws::testsupport {

namespace fs = std::filesystem;
namespace sigv4 = aws::sigv4;

std::size_t suite_report::checked() const {
  return std::count_if(cases.begin(), cases.end(), [](const case_outcome& c) { return !c.skipped; });
}
std::size_t suite_report::failed() const {
  return std::count_if(cases.begin(), cases.end(), [](const case_outcome& c) { return !c.skipped && !c.passed(); });
}
std::size_t suite_report::skipped() const { return cases.size() - checked(); }
std::size_t suite_report::in_layout(std::string_view layout) const {
  return std::count_if(cases.begin(), cases.end(),
                       [&](const case_outcome& c) { return !c.skipped && c.layout == layout; });
}

namespace {

// The botocore suite's fixed inputs (README "Fixed inputs"); the key id, region and
// service are read from each case's expected Authorization or string to sign.
constexpr std::string_view kBotocoreSecret = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
constexpr std::string_view kBotocoreKeyId = "AKIDEXAMPLE";
constexpr std::string_view kBotocoreTime = "20150830T123600Z";

std::optional<std::string> read_file(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  if (!in) return std::nullopt;
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// Expected outputs: CRLF as LF, no trailing line breaks (most files have none).
std::string normalize_expected(std::string s) {
  s = str::replace_all(s, "\r\n", "\n");
  while (!s.empty() && (s.back() == '\n' || s.back() == '\r' || s.back() == ' ')) s.pop_back();
  return s;
}

std::vector<std::string> lines_of(std::string_view s) {
  std::vector<std::string> out;
  for (auto part : str::split(s, '\n')) out.emplace_back(part);
  return out;
}

// "<what> differs (<file>) at line N", then both texts with -/+ prefixes.
std::string mismatch(std::string_view variant, std::string_view what, const fs::path& file,
                     const std::string& expected, const std::string& actual) {
  const auto e = lines_of(expected), a = lines_of(actual);
  std::size_t line = 0;
  while (line < e.size() && line < a.size() && e[line] == a[line]) ++line;
  std::ostringstream m;
  m << "[" << variant << "] " << what << " differs (" << file.filename().string() << ") at line " << line + 1
    << "\n    --- expected\n";
  for (const auto& l : e) m << "    -" << l << "\n";
  m << "    +++ actual\n";
  for (const auto& l : a) m << "    +" << l << "\n";
  return m.str();
}

void compare(case_outcome& out, std::string_view variant, std::string_view what, const fs::path& file,
             const std::string& actual) {
  auto text = read_file(file);
  if (!text) return;  // that expectation is not part of this case
  std::string expected = normalize_expected(*text);
  if (expected != actual) out.failures.push_back(mismatch(variant, what, file, expected, actual));
}

const std::string* header_value(const sigv4::http_request& req, std::string_view name) {
  for (const auto& h : req.headers)
    if (str::iequals(h.first, name)) return &h.second;
  return nullptr;
}

void erase_header(sigv4::http_request& req, std::string_view name) {
  std::erase_if(req.headers, [&](const auto& h) { return str::iequals(h.first, name); });
}

sigv4::http_request to_http_request(raw_request raw) {
  sigv4::http_request req;
  req.method = std::move(raw.method);
  req.path = std::move(raw.path);
  req.query = std::move(raw.query);
  req.headers = std::move(raw.headers);
  req.body = std::move(raw.body);
  return req;
}

std::string first_line(std::string_view s) { return std::string(s.substr(0, s.find('\n'))); }

bool is_sigv4a(const fs::path& dir) {
  if (fs::exists(dir / "public-key.json")) return true;
  for (const char* f : {"header-string-to-sign.txt", "query-string-to-sign.txt", "string-to-sign.txt"}) {
    if (auto t = read_file(dir / f)) {
      std::string alg = str::replace_all(first_line(*t), "\r", "");
      if (!alg.empty() && alg != sigv4::kAlgorithm) return true;
    }
  }
  return false;
}

// The signer's own output, re-checked from the receiving side: what the emulator does.
void check_verifier_accepts(case_outcome& out, const sigv4::http_request& signed_req, std::string_view secret,
                            bool normalize) {
  const std::string* authz = header_value(signed_req, "authorization");
  auto parsed = authz ? sigv4::parse_authorization(*authz) : std::nullopt;
  if (!parsed) {
    out.failures.push_back("[header] parse_authorization rejects the Authorization the signer produced");
    return;
  }
  sigv4::verify_options opts;
  opts.normalize_path = normalize;
  auto st = sigv4::verify_headers(signed_req, *parsed, secret, opts);
  if (!st.ok()) out.failures.push_back("[header] verify_headers rejects the signed request: " + st.error().to_string());
}

// ---- aws-c-auth layout -------------------------------------------------------------

struct vector_context {
  aws::credentials creds;
  sigv4::signing_params params;
  bool sign_body = false;
  std::optional<std::string> signed_body_value;
};

std::optional<vector_context> parse_context(const std::string& text, std::string& error) {
  std::string perr;
  auto doc = json::parse(text, &perr);
  if (!doc || !doc->is_object()) {
    error = "context.json is not a JSON object: " + perr;
    return std::nullopt;
  }
  auto need_string = [&](const json::value* v, const char* name, std::string& dst) {
    if (!v || !v->is_string()) {
      error = std::string("context.json: '") + name + "' is missing or not a string";
      return false;
    }
    dst = v->as_string();
    return true;
  };
  auto opt_bool = [&](const char* name, bool fallback, bool& dst) {
    const json::value* v = doc->find(name);
    if (!v || v->is_null()) {
      dst = fallback;
      return true;
    }
    if (!v->is_bool()) {
      error = std::string("context.json: '") + name + "' is not a boolean";
      return false;
    }
    dst = v->as_bool();
    return true;
  };

  vector_context c;
  const json::value* cr = doc->find("credentials");
  if (!cr || !cr->is_object()) {
    error = "context.json: 'credentials' is missing or not an object";
    return std::nullopt;
  }
  if (!need_string(cr->find("access_key_id"), "credentials.access_key_id", c.creds.access_key_id) ||
      !need_string(cr->find("secret_access_key"), "credentials.secret_access_key", c.creds.secret_access_key))
    return std::nullopt;
  if (const json::value* t = cr->find("token"); t && !t->is_null()) {
    if (!need_string(t, "credentials.token", c.creds.session_token)) return std::nullopt;
  }
  c.creds.source = "static";

  std::string timestamp;
  if (!need_string(doc->find("region"), "region", c.params.region) ||
      !need_string(doc->find("service"), "service", c.params.service) ||
      !need_string(doc->find("timestamp"), "timestamp", timestamp))
    return std::nullopt;
  auto when = timefmt::parse_rfc3339(timestamp);
  if (!when) {
    error = "context.json: 'timestamp' is not an ISO 8601 time: " + timestamp;
    return std::nullopt;
  }
  c.params.time = *when;

  if (const json::value* e = doc->find("expiration_in_seconds"); e && !e->is_null()) {
    if (!e->is_integer() || e->as_int() < 0) {
      error = "context.json: 'expiration_in_seconds' is not a non-negative integer";
      return std::nullopt;
    }
    c.params.expires = std::chrono::seconds(e->as_int());
  }
  if (!opt_bool("normalize", true, c.params.normalize_path) || !opt_bool("sign_body", false, c.sign_body) ||
      !opt_bool("omit_session_token", false, c.params.omit_session_token))
    return std::nullopt;
  if (const json::value* v = doc->find("signed_body_value"); v && !v->is_null()) {
    std::string s;
    if (!need_string(v, "signed_body_value", s)) return std::nullopt;
    c.signed_body_value = std::move(s);
  }
  return c;
}

// The payload hash as aws-c-auth's test harness configures its signer: the given
// signed_body_value; else with sign_body the body's hash (and the header); else the
// x-amz-content-sha256 the request already carries (S3 clients send it themselves);
// else the empty-payload hash (aws-c-auth's default for sign_body=false).
std::optional<std::string> payload_for(const vector_context& c, const sigv4::http_request& req) {
  if (c.signed_body_value) return c.signed_body_value;
  if (c.sign_body) return std::nullopt;  // the signer hashes the body
  if (const std::string* h = header_value(req, "x-amz-content-sha256")) return std::string(str::trim(*h));
  return std::string(sigv4::kEmptyPayloadHash);
}

void check_aws_c_auth_case(const fs::path& dir, case_outcome& out) {
  if (is_sigv4a(dir)) {
    out.skipped = true;
    out.skip_reason = "SigV4a (ECDSA) vector, not SigV4";
    return;
  }
  auto has_expectations = [&](const std::string& variant) {
    for (const char* f : {"-canonical-request.txt", "-string-to-sign.txt", "-signature.txt", "-signed-request.txt"})
      if (fs::exists(dir / (variant + f))) return true;
    return false;
  };
  if (!has_expectations("header") && !has_expectations("query")) {
    // Inputs only (aws-c-auth keeps a few such folders): nothing to compare, so not
    // counted as checked.
    out.skipped = true;
    out.skip_reason = "no header-* or query-* expected files";
    return;
  }
  std::string error;
  auto ctx_text = read_file(dir / "context.json");
  auto req_text = read_file(dir / "request.txt");
  if (!ctx_text || !req_text) {
    out.failures.push_back("cannot read context.json or request.txt");
    return;
  }
  auto ctx = parse_context(*ctx_text, error);
  if (!ctx) {
    out.failures.push_back(error);
    return;
  }
  auto raw = parse_raw_request(*req_text, &error);
  if (!raw) {
    out.failures.push_back("request.txt: " + error);
    return;
  }
  const sigv4::http_request unsigned_req = to_http_request(std::move(*raw));

  for (const std::string variant : {"header", "query"}) {
    if (!has_expectations(variant)) continue;
    out.variants.push_back(variant);

    sigv4::http_request req = unsigned_req;
    sigv4::signing_params params = ctx->params;
    params.payload_hash = payload_for(*ctx, req);
    params.sign_body_header = ctx->sign_body;
    const sigv4::signature_parts parts =
        variant == "header" ? sigv4::sign_headers(req, ctx->creds, params) : sigv4::sign_query(req, ctx->creds, params);

    compare(out, variant, "canonical request", dir / (variant + "-canonical-request.txt"), parts.canonical_request);
    compare(out, variant, "string to sign", dir / (variant + "-string-to-sign.txt"), parts.string_to_sign);
    compare(out, variant, "signature", dir / (variant + "-signature.txt"), parts.signature);

    // The signed request: the Authorization we add, or the presigned query we build.
    if (auto signed_text = read_file(dir / (variant + "-signed-request.txt"))) {
      std::string perr;
      auto expected = parse_raw_request(*signed_text, &perr);
      if (!expected) {
        out.failures.push_back("[" + variant + "] " + variant + "-signed-request.txt: " + perr);
      } else if (variant == "header") {
        sigv4::http_request exp = to_http_request(std::move(*expected));
        const std::string* want = header_value(exp, "authorization");
        const std::string* got = header_value(req, "authorization");
        if (want && (!got || str::trim(*want) != str::trim(*got)))
          out.failures.push_back(mismatch(variant, "Authorization header", dir / "header-signed-request.txt",
                                          std::string(str::trim(*want)), got ? std::string(str::trim(*got)) : ""));
      } else {
        const std::string want = sigv4::canonical_query(expected->query);
        const std::string got = sigv4::canonical_query(req.query);
        if (want != got)
          out.failures.push_back(mismatch(variant, "presigned query parameters", dir / "query-signed-request.txt",
                                          str::replace_all(want, "&", "\n"), str::replace_all(got, "&", "\n")));
      }
    }

    // Round trip through the verifier, when a server would derive the same payload hash.
    if (variant == "header" && header_value(req, "host")) {
      const std::string* claimed = header_value(req, "x-amz-content-sha256");
      const std::string server_payload = claimed ? *claimed : digest::sha256_hex(req.body);
      const std::string used = params.payload_hash ? *params.payload_hash : digest::sha256_hex(req.body);
      if (server_payload == used) check_verifier_accepts(out, req, ctx->creds.secret_access_key, params.normalize_path);
    }
  }
}

// ---- botocore layout ---------------------------------------------------------------

// "Mon, 09 Sep 2011 23:36:00 GMT" (RFC 1123), as the 2011 edition of the suite dates requests.
std::optional<timefmt::sys_time> parse_http_date(std::string_view s) {
  static constexpr std::string_view kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                 "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  s = str::trim(s);
  if (s.size() != 29 || s.substr(3, 2) != ", " || s.substr(25) != " GMT") return std::nullopt;
  std::string_view mon = s.substr(8, 3);
  int m = 0;
  while (m < 12 && kMonths[m] != mon) ++m;
  if (m == 12) return std::nullopt;
  const std::string iso = std::string(s.substr(12, 4)) + "-" + (m + 1 < 10 ? "0" : "") + std::to_string(m + 1) +
                          "-" + std::string(s.substr(5, 2)) + "T" + std::string(s.substr(17, 8)) + "Z";
  return timefmt::parse_rfc3339(iso);
}

void check_botocore_case(const fs::path& req_file, case_outcome& out) {
  const fs::path stem = req_file.parent_path() / req_file.stem();
  auto sibling = [&](const char* ext) { return fs::path(stem.string() + ext); };
  std::string error;
  auto req_text = read_file(req_file);
  if (!req_text) {
    out.failures.push_back("cannot read " + req_file.filename().string());
    return;
  }
  auto raw = parse_raw_request(*req_text, &error);
  if (!raw) {
    out.failures.push_back(req_file.filename().string() + ": " + error);
    return;
  }
  sigv4::http_request req = to_http_request(std::move(*raw));
  out.variants.push_back("header");

  // Key id and scope from the expected Authorization, else from the string to sign.
  aws::credentials creds;
  creds.access_key_id = kBotocoreKeyId;
  creds.secret_access_key = kBotocoreSecret;
  creds.source = "static";
  sigv4::signing_params params;
  params.region = "us-east-1";
  params.service = "service";
  if (auto authz = read_file(sibling(".authz"))) {
    auto parsed = sigv4::parse_authorization(normalize_expected(*authz));
    if (!parsed) {
      out.failures.push_back(sibling(".authz").filename().string() + " is not a SigV4 Authorization value");
      return;
    }
    creds.access_key_id = parsed->access_key_id;
    params.region = parsed->region;
    params.service = parsed->service;
  } else if (auto sts = read_file(sibling(".sts"))) {
    auto l = lines_of(normalize_expected(*sts));
    auto scope = l.size() > 2 ? str::split(l[2], '/') : std::vector<std::string_view>{};
    if (scope.size() == 4) {
      params.region = scope[1];
      params.service = scope[2];
    }
  }
  params.normalize_path = params.service != "s3";  // S3 keeps its path as is

  // The session token: in the request, or (get-vanilla-with-session-token) only in the
  // expected canonical request, meaning the signer must add it.
  if (const std::string* t = header_value(req, "x-amz-security-token")) {
    creds.session_token = std::string(str::trim(*t));
    erase_header(req, "x-amz-security-token");
  } else if (auto creq = read_file(sibling(".creq"))) {
    for (const auto& l : lines_of(normalize_expected(*creq)))
      if (str::starts_with(l, "x-amz-security-token:")) creds.session_token = l.substr(21);
  }

  const std::string* claimed = header_value(req, "x-amz-content-sha256");
  params.payload_hash = claimed ? std::string(str::trim(*claimed)) : digest::sha256_hex(req.body);

  sigv4::signature_parts parts;
  std::string authorization;
  if (const std::string* d = header_value(req, "x-amz-date")) {
    auto when = timefmt::parse_amz_date(str::trim(*d));
    if (!when) {
      out.failures.push_back("X-Amz-Date of the request is malformed: " + *d);
      return;
    }
    params.time = *when;
    erase_header(req, "x-amz-date");  // the signer adds it
    parts = sigv4::sign_headers(req, creds, params);
    authorization = *header_value(req, "authorization");
  } else {
    // 2011 edition: dated by a Date header and no X-Amz-Date to add, so the building
    // blocks are used directly over every header of the request.
    std::optional<timefmt::sys_time> when;
    if (const std::string* d = header_value(req, "date")) when = parse_http_date(*d);
    if (!when) when = timefmt::parse_amz_date(kBotocoreTime);
    if (!creds.session_token.empty()) req.headers.emplace_back("X-Amz-Security-Token", creds.session_token);
    std::vector<std::string> names;
    for (const auto& h : req.headers) names.push_back(str::to_lower(h.first));
    std::sort(names.begin(), names.end());
    names.erase(std::unique(names.begin(), names.end()), names.end());
    std::string joined;
    for (const auto& n : names) joined += (joined.empty() ? "" : ";") + n;
    const std::string amz_date = timefmt::amz_date(*when);
    parts.credential_scope = timefmt::amz_day(*when) + "/" + params.region + "/" + params.service + "/aws4_request";
    parts.signed_headers = joined;
    parts.canonical_request = sigv4::canonical_request(req, joined, *params.payload_hash, params.normalize_path);
    parts.string_to_sign = sigv4::string_to_sign(amz_date, parts.credential_scope, parts.canonical_request);
    parts.signature = enc::hex(digest::hmac_sha256(
        sigv4::signing_key(creds.secret_access_key, timefmt::amz_day(*when), params.region, params.service),
        parts.string_to_sign));
    authorization = sigv4::authorization_header(creds.access_key_id, parts);
  }

  compare(out, "header", "canonical request", sibling(".creq"), parts.canonical_request);
  compare(out, "header", "string to sign", sibling(".sts"), parts.string_to_sign);
  compare(out, "header", "Authorization", sibling(".authz"), authorization);
}

std::string relative_name(const fs::path& p, const fs::path& root) {
  std::error_code ec;
  fs::path rel = fs::relative(p, root, ec);
  if (ec || rel.empty()) return p.string();
  if (rel == ".") return p.filename().empty() ? p.parent_path().filename().string() : p.filename().string();
  return rel.generic_string();
}

}  // namespace

suite_report run_sigv4_suite(const fs::path& dir) {
  suite_report report;
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) return report;

  std::vector<fs::path> case_dirs, req_files;
  if (fs::exists(dir / "context.json") && fs::exists(dir / "request.txt")) case_dirs.push_back(dir);
  for (auto it = fs::recursive_directory_iterator(dir, fs::directory_options::follow_directory_symlink |
                                                          fs::directory_options::skip_permission_denied,
                                                  ec);
       !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
    const fs::path& p = it->path();
    std::error_code e2;
    if (it->is_directory(e2)) {
      if (fs::exists(p / "context.json", e2) && fs::exists(p / "request.txt", e2)) case_dirs.push_back(p);
    } else if (p.extension() == ".req") {
      const std::string stem = (p.parent_path() / p.stem()).string();
      if (fs::exists(stem + ".creq", e2) || fs::exists(stem + ".sts", e2) || fs::exists(stem + ".authz", e2))
        req_files.push_back(p);
    }
  }
  if (ec) report.walk_error = "walking " + dir.string() + " stopped early: " + ec.message();
  std::sort(case_dirs.begin(), case_dirs.end());
  std::sort(req_files.begin(), req_files.end());

  for (const auto& d : case_dirs) {
    case_outcome out;
    out.name = relative_name(d, dir);
    out.layout = "aws-c-auth";
    try {
      check_aws_c_auth_case(d, out);
    } catch (const std::exception& e) {
      out.failures.push_back(std::string("exception: ") + e.what());
    }
    report.cases.push_back(std::move(out));
  }
  for (const auto& f : req_files) {
    case_outcome out;
    out.name = relative_name(f.parent_path() / f.stem(), dir);
    out.layout = "botocore";
    try {
      check_botocore_case(f, out);
    } catch (const std::exception& e) {
      out.failures.push_back(std::string("exception: ") + e.what());
    }
    report.cases.push_back(std::move(out));
  }
  return report;
}

}  // namespace fluxaws::testsupport
