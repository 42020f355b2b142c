#include "tests/emulator/admin_service.hpp"

#include "adapters/common/json.hpp"
#include "adapters/common/time.hpp"
#include "tests/emulator/asio.hpp"
#include "tests/emulator/aws_responses.hpp"
#include "tests/emulator/form.hpp"

namespace emu {

namespace json = fluxaws::json;

namespace {

http_response json_answer(unsigned version, unsigned status, const json::value& v) {
  auto res = plain_response(version, status, json::dump(v), "application/json");
  return res;
}

http_response bad(unsigned version, std::string reason) {
  json::value e = json::value::make_object();
  e.set("error", std::move(reason));
  return json_answer(version, 400, e);
}

std::optional<std::chrono::seconds> seconds_of(const json::value& v) {
  if (v.is_integer() && v.as_int() > 0) return std::chrono::seconds(v.as_int());
  if (!v.is_string()) return std::nullopt;
  auto d = fluxaws::timefmt::parse_go_duration(v.as_string());
  if (!d || *d < std::chrono::seconds(1)) return std::nullopt;
  return std::chrono::duration_cast<std::chrono::seconds>(*d);
}

}  // namespace

http_response admin_service::handle(const http_request& req) {
  const auto version = req.version();
  auto parts = split_target(sv(req.target()));
  auto path = parts.path;
  auto query = parse_form(parts.query);
  bool post = req.method() == http::verb::post;
  bool get = req.method() == http::verb::get;
  bool replace = query.count("replace") && query["replace"] == "true";

  if (path == "/_emulator/health" && get) {
    json::value ok = json::value::make_object();
    ok.set("ok", true);
    return json_answer(version, 200, ok);
  }
  if (path == "/_emulator/calls" && get) return json_answer(version, 200, calls_.to_json());
  if (path == "/_emulator/calls/reset" && post) {
    calls_.reset();
    json::value ok = json::value::make_object();
    ok.set("reset", true);
    return json_answer(version, 200, ok);
  }
  if (path == "/_emulator/faults" || path == "/_emulator/latency") {
    bool faults = path == "/_emulator/faults";
    if (post) {
      std::string err;
      auto body = json::parse(req.body().empty() ? std::string_view("{}") : std::string_view(req.body()), &err);
      if (!body) return bad(version, "the body is not JSON: " + err);
      auto st = faults ? faults_.set_faults(*body, replace) : faults_.set_latency(*body, replace);
      if (!st) return bad(version, st.error().message);
    } else if (!get) {
      return bad(version, "use GET or POST");
    }
    return json_answer(version, 200, faults ? faults_.faults_json() : faults_.latency_json());
  }
  if (path == "/_emulator/settings") {
    if (post) {
      std::string err;
      auto body = json::parse(req.body().empty() ? std::string_view("{}") : std::string_view(req.body()), &err);
      if (!body || !body->is_object()) return bad(version, "the body is not a JSON object");
      std::optional<std::chrono::seconds> cred, ecr;
      if (const auto* v = body->at({"sts", "credentialLifetime"})) {
        cred = seconds_of(*v);
        if (!cred) return bad(version, "sts.credentialLifetime must be a duration of at least 1s");
      }
      if (const auto* v = body->at({"ecr", "tokenLifetime"})) {
        ecr = seconds_of(*v);
        if (!ecr) return bad(version, "ecr.tokenLifetime must be a duration of at least 1s");
      }
      if (cred) settings_.credential_lifetime_s = cred->count();
      if (ecr) settings_.ecr_token_lifetime_s = ecr->count();
    } else if (!get) {
      return bad(version, "use GET or POST");
    }
    json::value out = json::value::make_object();
    json::value sts = json::value::make_object();
    sts.set("credentialLifetime", fluxaws::timefmt::go_duration(std::chrono::seconds(settings_.credential_lifetime_s.load())));
    json::value ecr = json::value::make_object();
    ecr.set("tokenLifetime", fluxaws::timefmt::go_duration(std::chrono::seconds(settings_.ecr_token_lifetime_s.load())));
    out.set("sts", std::move(sts));
    out.set("ecr", std::move(ecr));
    return json_answer(version, 200, out);
  }
  json::value e = json::value::make_object();
  e.set("error", "no such admin endpoint: " + std::string(req.method_string()) + " " + std::string(path));
  return json_answer(version, 404, e);
}

}  // namespace emu
