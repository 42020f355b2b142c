#include "tests/emulator/service_context.hpp"

namespace emu {

sigv4::verify_result authenticate(const http_request& req, const route&, const service_context& ctx,
                                  std::string_view signing_name, std::string_view expected_region, bool s3) {
  sigv4::verify_input in;
  in.service = signing_name;
  in.region = expected_region;
  in.normalize_path = !s3;
  in.s3_payload = s3;
  in.now = std::chrono::system_clock::now();
  return sigv4::verify(req, ctx.creds, in);
}

std::chrono::seconds session_lifetime(const iam_role& role, const runtime_settings& s,
                                      std::optional<int64_t> duration_seconds) {
  std::chrono::seconds life = role.credential_lifetime ? *role.credential_lifetime
                                                       : std::chrono::seconds(s.credential_lifetime_s.load());
  if (duration_seconds && std::chrono::seconds(*duration_seconds) < life) life = std::chrono::seconds(*duration_seconds);
  return life;
}

principal_ptr session_principal(const iam_role& role, const std::string& session_name) {
  auto p = std::make_shared<principal>();
  p->type = principal::kind::assumed_role;
  p->account = role.account;
  p->arn = "arn:aws:sts::" + role.account + ":assumed-role/" + role.name + "/" + session_name;
  p->user_id = role.role_id + ":" + session_name;
  p->name = role.name;
  p->role_arn = role.arn;
  p->session_name = session_name;
  p->policies = &role.policies;
  return p;
}

}  // namespace emu
