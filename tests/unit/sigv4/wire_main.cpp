// sigv4_wire: reproduces byte for byte the Authorization headers the AWS SDK for
// JavaScript v3 sent (testdata/aws-wire/*.json, see its README). For every signed
// exchange: keep the recorded headers its SignedHeaders names, in wire order; give
// x-amz-date, x-amz-security-token and x-amz-content-sha256 back to the signer (the
// clock, the credentials and sign_body_header); re-sign; compare. Then the verifier
// must accept the recorded request as received (user-agent, Connection and all) and
// reject it once a signed part is changed.
#define BOOST_TEST_MODULE sigv4_wire
#include <boost/test/unit_test.hpp>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>

#include "adapters/aws/sigv4.hpp"
#include "adapters/common/digest.hpp"
#include "adapters/common/json.hpp"
#include "adapters/common/strings.hpp"
#include "adapters/common/time.hpp"

namespace fs = std::filesystem;
namespace sigv4 = fluxaws::aws::sigv4;
using fluxaws::json::value;

namespace {

fs::path wire_dir() {
  if (const char* d = std::getenv("AWS_WIRE_DIR"); d && *d) return d;
  const char* shared = std::getenv("FLUXAWS_SHARED_DIR");
  return fs::path(shared && *shared ? shared : "../shared") / "testdata/aws-wire";
}

std::string read_file(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

struct recorded {
  std::string file, name;
  sigv4::http_request request;  // as received, every header in wire order
  std::string authorization;
  fluxaws::aws::credentials creds;
  fluxaws::timefmt::sys_time clock;
};

const std::string* find(const sigv4::http_request& r, std::string_view name) {
  for (const auto& h : r.headers)
    if (fluxaws::str::iequals(h.first, name)) return &h.second;
  return nullptr;
}

std::vector<recorded> load_signed_exchanges(std::size_t& unsigned_count) {
  std::vector<recorded> out;
  std::vector<fs::path> files;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(wire_dir(), ec))
    if (e.path().extension() == ".json") files.push_back(e.path());
  std::sort(files.begin(), files.end());
  for (const auto& f : files) {
    std::string err;
    auto doc = fluxaws::json::parse(read_file(f), &err);
    BOOST_TEST_REQUIRE(doc.has_value(), f.filename().string() << ": " << err);
    const value* cred = doc->at({"captured_with", "credentials"});
    const value* clock = doc->at({"captured_with", "fixed_clock"});
    BOOST_TEST_REQUIRE((cred && clock), f.filename().string() << ": no captured_with.credentials/fixed_clock");
    auto when = fluxaws::timefmt::parse_rfc3339(clock->as_string());
    BOOST_TEST_REQUIRE(when.has_value());
    for (const value& ex : doc->find("exchanges") ? doc->find("exchanges")->as_array() : fluxaws::json::array{}) {
      const value* req = ex.find("request");
      BOOST_TEST_REQUIRE(req != nullptr);
      recorded r;
      r.file = f.filename().string();
      r.name = ex.find("name") ? ex.find("name")->as_string() : "?";
      r.request.method = req->find("method")->as_string();
      const std::string target = req->find("path")->as_string();
      const auto q = target.find('?');
      r.request.path = target.substr(0, q);
      if (q != std::string::npos) r.request.query = target.substr(q + 1);
      for (const value& h : req->find("headers")->as_array())
        r.request.headers.emplace_back(h.as_array().at(0).as_string(), h.as_array().at(1).as_string());
      const value* body_is_utf8 = req->find("bodyIsUtf8");
      BOOST_TEST_REQUIRE((!body_is_utf8 || body_is_utf8->as_bool(true)),
                         r.file << " " << r.name << ": body is not UTF-8 text; cannot replay it byte for byte");
      r.request.body = req->find("body") ? req->find("body")->as_string() : "";
      const std::string* authz = find(r.request, "authorization");
      if (!authz) {
        ++unsigned_count;
        continue;
      }
      r.authorization = *authz;
      r.creds.access_key_id = cred->find("access_key_id")->as_string();
      r.creds.secret_access_key = cred->find("secret_access_key")->as_string();
      r.creds.source = "static";
      r.clock = *when;
      out.push_back(std::move(r));
    }
  }
  return out;
}

}  // namespace

BOOST_AUTO_TEST_CASE(resigning_reproduces_every_recorded_authorization) {
  std::size_t unsigned_count = 0;
  const auto exchanges = load_signed_exchanges(unsigned_count);
  std::size_t reproduced = 0;
  for (const auto& ex : exchanges) {
    BOOST_TEST_CONTEXT(ex.file << " / " << ex.name) {
      const auto auth = sigv4::parse_authorization(ex.authorization);
      BOOST_TEST_REQUIRE(auth.has_value());

      sigv4::http_request req;
      req.method = ex.request.method;
      req.path = ex.request.path;
      req.query = ex.request.query;
      req.body = ex.request.body;
      fluxaws::aws::credentials creds = ex.creds;
      sigv4::signing_params params;
      params.region = auth->region;
      params.service = auth->service;
      params.time = ex.clock;
      params.normalize_path = auth->service != "s3";
      for (const auto& [name, val] : ex.request.headers) {
        const std::string lname = fluxaws::str::to_lower(name);
        if (std::find(auth->signed_headers.begin(), auth->signed_headers.end(), lname) == auth->signed_headers.end())
          continue;  // user-agent, Connection, authorization: never signed
        if (lname == "x-amz-date") {
          BOOST_TEST(val == fluxaws::timefmt::amz_date(ex.clock));
        } else if (lname == "x-amz-security-token") {
          creds.session_token = val;
        } else if (lname == "x-amz-content-sha256") {
          params.sign_body_header = true;
          if (val != fluxaws::digest::sha256_hex(req.body)) params.payload_hash = val;
        } else {
          req.headers.emplace_back(name, val);
        }
      }
      const auto parts = sigv4::sign_headers(req, creds, params);
      const std::string* ours = find(req, "authorization");
      BOOST_TEST_REQUIRE(ours != nullptr);
      BOOST_TEST(*ours == ex.authorization);
      if (*ours == ex.authorization) ++reproduced;
      else
        std::cout << "MISMATCH " << ex.file << " / " << ex.name << "\n  recorded: " << ex.authorization
                  << "\n  ours:     " << *ours << "\n  canonical request:\n" << parts.canonical_request << "\n";
    }
  }
  std::cout << "sigv4_wire: reproduced " << reproduced << " of " << exchanges.size()
            << " signed requests of the AWS JS SDK v3 (" << unsigned_count << " unsigned exchanges skipped) from "
            << wire_dir().string() << "\n";
  BOOST_TEST(exchanges.size() > 0u, "no signed exchange found under " << wire_dir().string());
  BOOST_TEST(reproduced == exchanges.size());
}

BOOST_AUTO_TEST_CASE(the_verifier_accepts_the_sdk_requests_and_rejects_altered_ones) {
  std::size_t unsigned_count = 0;
  const auto exchanges = load_signed_exchanges(unsigned_count);
  BOOST_TEST_REQUIRE(exchanges.size() > 0u);
  for (const auto& ex : exchanges) {
    BOOST_TEST_CONTEXT(ex.file << " / " << ex.name) {
      const auto auth = sigv4::parse_authorization(ex.authorization);
      BOOST_TEST_REQUIRE(auth.has_value());
      sigv4::verify_options opts;
      opts.normalize_path = auth->service != "s3";
      opts.now = ex.clock + std::chrono::seconds(30);
      const auto st = sigv4::verify_headers(ex.request, *auth, ex.creds.secret_access_key, opts);
      BOOST_TEST(st.ok(), (st.ok() ? "" : st.error().to_string()));

      // Change one signed header value (amz-sdk-request is signed in every capture).
      sigv4::http_request altered = ex.request;
      bool changed = false;
      for (auto& h : altered.headers)
        if (fluxaws::str::iequals(h.first, "amz-sdk-request")) {
          h.second = "attempt=2; max=3";
          changed = true;
        }
      BOOST_TEST_REQUIRE(changed);
      const auto bad = sigv4::verify_headers(altered, *auth, ex.creds.secret_access_key, opts);
      BOOST_TEST(!bad.ok());
      if (!bad.ok()) BOOST_TEST(bad.error().code == "SignatureDoesNotMatch");

      // An unsigned header may change freely.
      altered = ex.request;
      for (auto& h : altered.headers)
        if (fluxaws::str::iequals(h.first, "user-agent")) h.second = "something else";
      BOOST_TEST(sigv4::verify_headers(altered, *auth, ex.creds.secret_access_key, opts).ok());
    }
  }
}
