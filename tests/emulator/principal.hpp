// principal.hpp — who made a request: an IAM user or an assumed-role session.
//
// Contract: a principal is immutable once built and shared (shared_ptr<const>) by the
// credential store, sessions and ECR tokens. `policies` points into the world, which
// outlives every principal.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "tests/emulator/iam_policy.hpp"

namespace emu {

struct principal {
  enum class kind { user, assumed_role };
  kind type = kind::user;
  std::string account;
  std::string arn;        // arn:aws:iam::A:user/N or arn:aws:sts::A:assumed-role/R/S
  std::string user_id;    // AIDA… or AROA…:session
  std::string name;       // user name or role name
  std::string role_arn;   // arn:aws:iam::A:role/R for sessions
  std::string session_name;
  const std::vector<iam::policy>* policies = nullptr;

  // "User" in AWS's AccessDenied messages is used for every kind of caller.
  bool is_session() const { return type == kind::assumed_role; }
};

using principal_ptr = std::shared_ptr<const principal>;

}  // namespace emu
