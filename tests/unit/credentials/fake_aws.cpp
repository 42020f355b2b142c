#include "fake_aws.hpp"

#include <caf/typed_event_based_actor.hpp>

#include "adapters/common/encoding.hpp"
#include "adapters/common/json.hpp"
#include "adapters/common/strings.hpp"
#include "adapters/common/time.hpp"

namespace fluxaws::test {

namespace {

std::map<std::string, std::string> form(const std::string& body) {
  std::map<std::string, std::string> out;
  for (auto part : str::split(body, '&')) {
    auto eq = part.find('=');
    if (eq == std::string_view::npos) continue;
    auto k = enc::uri_decode(part.substr(0, eq), true);
    auto v = enc::uri_decode(part.substr(eq + 1), true);
    if (k && v) out[*k] = *v;
  }
  return out;
}

std::string header(const http::request& r, std::string_view name) {
  for (const auto& [k, v] : r.headers)
    if (str::iequals(k, name)) return v;
  return {};
}

std::string host_of(const std::string& url) {
  auto s = url.find("://");
  auto start = s == std::string::npos ? 0 : s + 3;
  auto end = url.find('/', start);
  return url.substr(start, end == std::string::npos ? std::string::npos : end - start);
}

// The access key id of a SigV4 Authorization header.
std::string signer_key(const http::request& r) {
  auto a = header(r, "Authorization");
  auto c = a.find("Credential=");
  if (c == std::string::npos) return {};
  auto end = a.find('/', c);
  return a.substr(c + 11, end - c - 11);
}

http::response sts_error(int status, const std::string& code, const std::string& message) {
  http::response r;
  r.status = status;
  r.headers.emplace_back("content-type", "text/xml");
  r.body = "<ErrorResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\"><Error><Type>Sender</Type><Code>" + code +
           "</Code><Message>" + message + "</Message></Error><RequestId>fake</RequestId></ErrorResponse>";
  return r;
}

http::response json_error(int status, const std::string& code, const std::string& message) {
  http::response r;
  r.status = status;
  r.headers.emplace_back("content-type", "application/x-amz-json-1.1");
  r.body = "{\"__type\":\"" + code + "\",\"message\":\"" + message + "\"}";
  return r;
}

std::string creds_xml(fake_aws_state& st, const std::string& role) {
  // Called with st.mu held.
  std::string akid = "ASIAFAKE" + std::to_string(100000 + ++st.issued);
  st.key_owner[akid] = role;
  auto exp = st.clock->wall() + st.lifetime;
  return "<Credentials><AccessKeyId>" + akid + "</AccessKeyId><SecretAccessKey>secret-" + akid +
         "</SecretAccessKey><SessionToken>token-" + akid + "</SessionToken><Expiration>" + timefmt::rfc3339(exp) +
         "</Expiration></Credentials>";
}

http::response ok_xml(const std::string& op, const std::string& inner) {
  http::response r;
  r.status = 200;
  r.headers.emplace_back("content-type", "text/xml");
  r.body = "<" + op + "Response xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\"><" + op + "Result>" + inner + "</" +
           op + "Result><ResponseMetadata><RequestId>fake</RequestId></ResponseMetadata></" + op + "Response>";
  return r;
}

// Returns the answer; role is set to the STS role asked for (for holding).
http::response answer(fake_aws_state& st, const http::request& req, std::string& role) {
  std::lock_guard<std::mutex> l(st.mu);
  auto host = host_of(req.url);
  ++st.hosts[host];
  if (str::starts_with(host, "sts.")) {
    auto f = form(req.body);
    auto action = f["Action"];
    ++st.calls["sts:" + action];
    role = f["RoleArn"];
    ++st.sts_by_role[role];
    st.events.push_back("sts:" + role);
    if (auto e = st.sts_error.find(role); e != st.sts_error.end())
      return sts_error(e->second == "ExpiredToken" ? 400 : 403, e->second, "fake refusal for " + role);
    if (action == "AssumeRoleWithWebIdentity") {
      auto parts = str::split(f["WebIdentityToken"], '.');
      std::optional<json::value> claims;
      if (parts.size() == 3)
        if (auto raw = enc::unbase64url(parts[1])) claims = json::parse(*raw);
      if (!claims) return sts_error(400, "InvalidIdentityToken", "not a JWT");
      std::string sub = claims->find("sub") ? claims->find("sub")->as_string() : "";
      auto t = st.trust.find(role);
      if (t == st.trust.end() || t->second != sub)
        return sts_error(403, "AccessDenied", "Not authorized to perform sts:AssumeRoleWithWebIdentity");
      ++st.sts_ok_by_role[role];
      return ok_xml("AssumeRoleWithWebIdentity", "<SubjectFromWebIdentityToken>" + sub +
                                                     "</SubjectFromWebIdentityToken><Audience>sts.amazonaws.com</Audience>" +
                                                     creds_xml(st, role));
    }
    if (action == "AssumeRole") {
      auto caller = signer_key(req);
      if (!st.key_owner.count(caller) && !str::starts_with(caller, "AKIA"))
        return sts_error(403, "InvalidClientTokenId", "The security token included in the request is invalid.");
      ++st.sts_ok_by_role[role];
      return ok_xml("AssumeRole", creds_xml(st, role));
    }
    return sts_error(400, "InvalidAction", "unknown action");
  }
  bool pub = str::starts_with(host, "api.ecr-public.");
  if (pub || str::starts_with(host, "api.ecr.")) {
    ++st.calls[pub ? "ecr-public:GetAuthorizationToken" : "ecr:GetAuthorizationToken"];
    if (!st.ecr_errors.empty()) {
      auto code = st.ecr_errors.front();
      st.ecr_errors.pop_front();
      if (!code.empty()) return json_error(code == "ExpiredTokenException" ? 400 : 403, code, "fake ECR refusal");
    }
    auto akid = signer_key(req);
    auto token = enc::base64("AWS:ecr-password-for-" + akid + "-at-" + host);
    auto exp = std::chrono::duration_cast<std::chrono::seconds>((st.clock->wall() + st.ecr_lifetime).time_since_epoch());
    http::response r;
    r.status = 200;
    r.headers.emplace_back("content-type", "application/x-amz-json-1.1");
    if (pub)
      r.body = "{\"authorizationData\":{\"authorizationToken\":\"" + token + "\",\"expiresAt\":" +
               std::to_string(exp.count()) + "}}";
    else
      r.body = "{\"authorizationData\":[{\"authorizationToken\":\"" + token + "\",\"expiresAt\":" +
               std::to_string(exp.count()) + ",\"proxyEndpoint\":\"https://" + host + "\"}]}";
    return r;
  }
  http::response r;
  r.status = 404;
  return r;
}

struct fake_state {
  std::shared_ptr<fake_aws_state> st;
  std::multimap<std::string, std::pair<caf::typed_response_promise<http::response>, http::response>> held;
  std::map<uint64_t, std::pair<caf::typed_response_promise<http::response>, http::response>> delayed;
  uint64_t next_id = 0;
};

fake_aws_actor::behavior_type fake(fake_aws_actor::stateful_pointer<fake_state> self,
                                   std::shared_ptr<fake_aws_state> st) {
  self->state.st = std::move(st);
  return {
      [self](http::request_atom, const http::request& req) -> caf::result<http::response> {
        std::string role;
        auto resp = answer(*self->state.st, req, role);
        bool hold = false;
        std::chrono::milliseconds latency{0};
        {
          std::lock_guard<std::mutex> l(self->state.st->mu);
          hold = !role.empty() && self->state.st->hold.count(role) > 0;
          latency = self->state.st->latency;
        }
        if (!hold && latency.count() > 0) {
          auto rp = self->make_response_promise<http::response>();
          auto id = ++self->state.next_id;
          self->state.delayed.emplace(id, std::make_pair(rp, std::move(resp)));
          self->delayed_send(self, latency, deliver_atom::value, id);
          return rp;
        }
        if (!hold) return resp;
        auto rp = self->make_response_promise<http::response>();
        self->state.held.emplace(role, std::make_pair(rp, std::move(resp)));
        return rp;
      },
      [self](http::stats_atom) -> http::client_stats { return {}; },
      [self](deliver_atom, uint64_t id) {
        auto it = self->state.delayed.find(id);
        if (it == self->state.delayed.end()) return;
        it->second.first.deliver(std::move(it->second.second));
        self->state.delayed.erase(it);
      },
      [self](release_atom, const std::string& role) {
        {
          std::lock_guard<std::mutex> l(self->state.st->mu);
          self->state.st->hold.erase(role);
          self->state.st->events.push_back("release:" + role);
        }
        auto range = self->state.held.equal_range(role);
        for (auto it = range.first; it != range.second; ++it) it->second.first.deliver(std::move(it->second.second));
        self->state.held.erase(range.first, range.second);
      },
  };
}

}  // namespace

fake_aws_actor spawn_fake_aws(caf::actor_system& sys, std::shared_ptr<fake_aws_state> state) {
  return sys.spawn(fake, std::move(state));
}

}  // namespace fluxaws::test
