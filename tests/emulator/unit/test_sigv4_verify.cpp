// The verifier against the official SigV4 test suite (aws-c-auth layout, header and
// presigned variants) and the S3 examples AWS published, then against tampering.
#include <boost/test/unit_test.hpp>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "adapters/common/json.hpp"
#include "adapters/common/strings.hpp"
#include "adapters/common/time.hpp"
#include "tests/emulator/asio.hpp"
#include "tests/emulator/sigv4_verify.hpp"

namespace fs = std::filesystem;
using namespace emu;

namespace {

std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

fs::path testdata() {
  const char* shared = std::getenv("FLUXAWS_SHARED_DIR");
  return fs::path(shared ? shared : "/work/shared") / "testdata" / "sigv4";
}

// The suite's raw request text: request line, Name:value headers (obs-fold continues a
// value), blank line, body. The path is not encoded.
http_request parse_raw(const std::string& text) {
  http_request req;
  auto header_end = text.find("\n\n");
  std::string head = text.substr(0, header_end);
  std::string body = header_end == std::string::npos ? "" : text.substr(header_end + 2);
  std::istringstream lines(head);
  std::string line;
  std::getline(lines, line);
  auto sp = line.find(' ');
  auto http = line.rfind(" HTTP/1.1");
  req.method_string(bsv(std::string_view(line).substr(0, sp)));
  req.target(bsv(std::string_view(line).substr(sp + 1, http - sp - 1)));
  req.version(11);
  std::vector<std::pair<std::string, std::string>> headers;
  while (std::getline(lines, line)) {
    if (!line.empty() && (line[0] == ' ' || line[0] == '\t')) {
      headers.back().second += " " + std::string(fluxaws::str::trim(line));
      continue;
    }
    auto colon = line.find(':');
    headers.emplace_back(line.substr(0, colon), line.substr(colon + 1));
  }
  for (auto& [k, v] : headers) req.insert(bsv(k), bsv(v));
  req.body() = body;
  return req;
}

struct vector_case {
  std::string name;
  http_request req;
  fluxaws::json::value ctx;
};

world world_for(const fluxaws::json::value& ctx) {
  world w;
  w.accounts = {"111122223333"};
  iam_user u;
  u.account = "111122223333";
  u.name = "example";
  u.arn = "arn:aws:iam::111122223333:user/example";
  u.keys.push_back({ctx.at({"credentials", "access_key_id"})->as_string(),
                    ctx.at({"credentials", "secret_access_key"})->as_string()});
  w.users.push_back(u);
  return w;
}

sigv4::verify_result run(const http_request& req, const fluxaws::json::value& ctx, std::chrono::seconds shift = {}) {
  world w = world_for(ctx);
  credential_store store(w);
  if (const auto* token = ctx.at({"credentials", "token"})) {
    auto key = store.find_key(ctx.at({"credentials", "access_key_id"})->as_string());
    key->session_token = token->as_string();
    key->expiry = std::chrono::system_clock::now() + std::chrono::hours(24 * 365 * 50);
    store.add_key(ctx.at({"credentials", "access_key_id"})->as_string(), *key);
  }
  sigv4::verify_input in;
  in.service = ctx.find("service")->as_string();
  in.region = ctx.find("region")->as_string();
  in.normalize_path = ctx.find("normalize")->as_bool(true);
  in.s3_payload = in.service == "s3";
  in.now = *fluxaws::timefmt::parse_rfc3339(ctx.find("timestamp")->as_string()) + shift;
  return sigv4::verify(req, store, in);
}

std::vector<std::pair<fs::path, std::string>> signed_files() {
  std::vector<std::pair<fs::path, std::string>> out;
  for (const char* set : {"aws-c-auth-v4", "s3"}) {
    for (const auto& d : fs::directory_iterator(testdata() / set)) {
      if (!d.is_directory()) continue;
      for (const char* f : {"header-signed-request.txt", "query-signed-request.txt"})
        if (fs::exists(d.path() / f)) out.emplace_back(d.path(), f);
    }
  }
  return out;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(sigv4_verify)

BOOST_AUTO_TEST_CASE(every_official_vector_verifies) {
  auto files = signed_files();
  BOOST_REQUIRE_GE(files.size(), 60u);
  std::size_t checked = 0;
  for (const auto& [dir, file] : files) {
    auto ctx = fluxaws::json::parse(slurp(dir / "context.json"));
    BOOST_REQUIRE(ctx);
    auto req = parse_raw(slurp(dir / file));
    auto r = run(req, *ctx);
    BOOST_TEST(r.ok(), dir.filename().string() << "/" << file << ": " << r.message);
    if (r.ok()) {
      BOOST_TEST(r.who->arn == "arn:aws:iam::111122223333:user/example");
      auto kind = std::string(file).substr(0, 5) == "query" ? "query" : "header";
      auto expected_creq = slurp(dir / (std::string(kind) + "-canonical-request.txt"));
      BOOST_TEST(r.canonical_request == expected_creq, dir.filename().string() << "/" << file);
    }
    ++checked;
  }
  BOOST_TEST(checked == files.size());
}

BOOST_AUTO_TEST_CASE(tampering_is_refused) {
  auto dir = testdata() / "aws-c-auth-v4" / "post-x-www-form-urlencoded";
  auto ctx = *fluxaws::json::parse(slurp(dir / "context.json"));
  auto good = parse_raw(slurp(dir / "header-signed-request.txt"));
  BOOST_REQUIRE(run(good, ctx).ok());

  auto body = good;
  body.body() = "Param1=value2";
  BOOST_TEST((run(body, ctx).error == sigv4::auth_error::content_sha_mismatch));

  auto header = good;
  header.set(http::field::content_type, "text/plain");
  BOOST_TEST((run(header, ctx).error == sigv4::auth_error::bad_signature));

  BOOST_TEST((run(good, ctx, std::chrono::minutes(16)).error == sigv4::auth_error::skewed));
  BOOST_TEST((run(good, ctx, -std::chrono::minutes(16)).error == sigv4::auth_error::skewed));
  BOOST_TEST(run(good, ctx, std::chrono::minutes(14)).ok());

  auto wrong_secret = ctx;
  wrong_secret["credentials"]["secret_access_key"] = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEZ";
  BOOST_TEST((run(good, wrong_secret).error == sigv4::auth_error::bad_signature));

  auto unknown = ctx;
  unknown["credentials"]["access_key_id"] = "AKIDOTHER";
  BOOST_TEST((run(good, unknown).error == sigv4::auth_error::unknown_key));

  auto other_region = ctx;
  other_region["region"] = "eu-west-1";
  BOOST_TEST((run(good, other_region).error == sigv4::auth_error::bad_scope_region));
  auto other_service = ctx;
  other_service["service"] = "kms";
  BOOST_TEST((run(good, other_service).error == sigv4::auth_error::bad_scope_service));

  auto no_auth = good;
  no_auth.erase(http::field::authorization);
  BOOST_TEST((run(no_auth, ctx).error == sigv4::auth_error::missing));
}

BOOST_AUTO_TEST_CASE(session_tokens_must_match_and_be_current) {
  auto dir = testdata() / "aws-c-auth-v4" / "get-vanilla-with-session-token";
  auto ctx = *fluxaws::json::parse(slurp(dir / "context.json"));
  auto good = parse_raw(slurp(dir / "header-signed-request.txt"));
  BOOST_REQUIRE(run(good, ctx).ok());
  auto wrong = ctx;
  wrong["credentials"]["token"] = "something-else";
  BOOST_TEST((run(good, wrong).error == sigv4::auth_error::invalid_token));
  auto missing = good;
  missing.erase("X-Amz-Security-Token");
  BOOST_TEST((run(missing, ctx).error == sigv4::auth_error::missing_token));

  // An expired session: same request, the key's expiry in the past.
  world w = world_for(ctx);
  credential_store store(w);
  auto key = *store.find_key("AKIDEXAMPLE");
  key.session_token = ctx.at({"credentials", "token"})->as_string();
  auto now = *fluxaws::timefmt::parse_rfc3339("2015-08-30T12:36:00Z");
  key.expiry = now - std::chrono::seconds(1);
  store.add_key("AKIDEXAMPLE", key);
  sigv4::verify_input in{"service", "us-east-1", true, false, now};
  BOOST_TEST((sigv4::verify(good, store, in).error == sigv4::auth_error::expired_token));
}

BOOST_AUTO_TEST_CASE(presigned_urls_expire) {
  auto dir = testdata() / "s3" / "s3-presigned-get-object";
  auto ctx = *fluxaws::json::parse(slurp(dir / "context.json"));
  auto req = parse_raw(slurp(dir / "query-signed-request.txt"));
  BOOST_TEST(run(req, ctx, std::chrono::hours(23)).ok());
  BOOST_TEST((run(req, ctx, std::chrono::hours(25)).error == sigv4::auth_error::presign_expired));
}

BOOST_AUTO_TEST_CASE(s3_requires_the_content_hash_header) {
  auto dir = testdata() / "s3" / "s3-get-object";
  auto ctx = *fluxaws::json::parse(slurp(dir / "context.json"));
  auto req = parse_raw(slurp(dir / "header-signed-request.txt"));
  BOOST_REQUIRE(run(req, ctx).ok());
  req.erase("x-amz-content-sha256");
  BOOST_TEST((run(req, ctx).error == sigv4::auth_error::missing_content_sha));
}

BOOST_AUTO_TEST_CASE(canonical_pieces) {
  BOOST_TEST(sigv4::canonical_uri_from_wire("/a/./b/../c//d/", true) == "/a/c/d/");
  BOOST_TEST(sigv4::canonical_uri_from_wire("/a/./b/../c//d/", false) == "/a/./b/../c//d/");
  BOOST_TEST(sigv4::canonical_uri_from_wire("/dir/b%20c%2Bd.txt", false) == "/dir/b%20c%2Bd.txt");
  BOOST_TEST(sigv4::canonical_uri_from_wire("/example space/", true) == "/example%20space/");
  BOOST_TEST(sigv4::canonical_uri_from_wire("/a%20b", true) == "/a%2520b");  // encoded twice
  BOOST_TEST(sigv4::canonical_query_from_wire("b=2&a=1&a=0&c", false) == "a=0&a=1&b=2&c=");
  BOOST_TEST(sigv4::canonical_query_from_wire("X-Amz-Signature=abc&a=1", true) == "a=1");
  BOOST_TEST(sigv4::fold_header_value("  a   b \t c  ") == "a b c");
}

BOOST_AUTO_TEST_SUITE_END()
