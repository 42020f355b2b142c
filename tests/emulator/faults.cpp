#include "tests/emulator/faults.hpp"

#include <random>

#include "adapters/common/time.hpp"

namespace emu {

namespace json = fluxaws::json;
using fluxaws::make_error;

namespace {

const char* const kServices[] = {"default", "sts", "ecr", "registry", "s3", "kms", "imds", "podidentity"};

std::optional<std::chrono::microseconds> parse_duration(const json::value& v) {
  if (v.is_integer()) return std::chrono::milliseconds(v.as_int());
  if (v.is_number()) return std::chrono::microseconds(static_cast<int64_t>(v.as_double() * 1000));
  if (!v.is_string()) return std::nullopt;
  auto d = fluxaws::timefmt::parse_go_duration(v.as_string());
  if (!d || d->count() < 0) return std::nullopt;
  return std::chrono::duration_cast<std::chrono::microseconds>(*d);
}

std::string duration_text(std::chrono::microseconds d) { return fluxaws::timefmt::go_duration(d); }

std::mt19937_64& rng() {
  thread_local std::mt19937_64 gen{std::random_device{}()};
  return gen;
}

}  // namespace

bool known_fault_service(std::string_view name) {
  for (const char* s : kServices)
    if (name == s) return true;
  return false;
}

fluxaws::status fault_plan::set_latency(const json::value& v, bool replace) {
  if (!v.is_object()) return make_error("ValidationError", "latency must be an object keyed by service");
  std::map<std::string, latency_spec, std::less<>> parsed;
  for (const auto& [svc, spec] : v.as_object()) {
    if (!known_fault_service(svc)) return make_error("ValidationError", "latency: unknown service " + svc);
    if (!spec.is_object()) return make_error("ValidationError", "latency." + svc + " must be an object");
    latency_spec l;
    for (const auto& [k, val] : spec.as_object()) {
      auto d = parse_duration(val);
      if (!d) return make_error("ValidationError", "latency." + svc + "." + k + " is not a duration");
      if (k == "fixed") l.fixed = *d;
      else if (k == "jitter") l.jitter = *d;
      else return make_error("ValidationError", "latency." + svc + ": unknown field " + k);
    }
    parsed[svc] = l;
  }
  std::lock_guard lock(mu_);
  if (replace) latency_.clear();
  for (auto& [k, l] : parsed) latency_[k] = l;
  any_ = false;
  for (auto& [k, l] : latency_) any_ = any_ || l.active();
  for (auto& [k, f] : faults_) any_ = any_ || f.active();
  return {};
}

fluxaws::status fault_plan::set_faults(const json::value& v, bool replace) {
  if (!v.is_object()) return make_error("ValidationError", "faults must be an object keyed by service");
  std::map<std::string, fault_spec, std::less<>> parsed;
  for (const auto& [svc, spec] : v.as_object()) {
    if (!known_fault_service(svc)) return make_error("ValidationError", "faults: unknown service " + svc);
    if (!spec.is_object()) return make_error("ValidationError", "faults." + svc + " must be an object");
    fault_spec f;
    for (const auto& [k, val] : spec.as_object()) {
      if (!val.is_number() || val.as_double() < 0 || val.as_double() > 1)
        return make_error("ValidationError", "faults." + svc + "." + k + " must be a rate between 0 and 1");
      double r = val.as_double();
      if (k == "error500") f.error500 = r;
      else if (k == "error503") f.error503 = r;
      else if (k == "throttle") f.throttle = r;
      else if (k == "reset") f.reset = r;
      else if (k == "slowBody") f.slow_body = r;
      else return make_error("ValidationError", "faults." + svc + ": unknown field " + k);
    }
    if (f.error500 + f.error503 + f.throttle + f.reset + f.slow_body > 1.0 + 1e-9)
      return make_error("ValidationError", "faults." + svc + ": the rates add up to more than 1");
    parsed[svc] = f;
  }
  std::lock_guard lock(mu_);
  if (replace) faults_.clear();
  for (auto& [k, f] : parsed) faults_[k] = f;
  any_ = false;
  for (auto& [k, l] : latency_) any_ = any_ || l.active();
  for (auto& [k, f] : faults_) any_ = any_ || f.active();
  return {};
}

json::value fault_plan::latency_json() const {
  std::lock_guard lock(mu_);
  json::value out = json::value::make_object();
  for (const auto& [svc, l] : latency_) {
    json::value e = json::value::make_object();
    e.set("fixed", duration_text(l.fixed));
    e.set("jitter", duration_text(l.jitter));
    out.set(svc, std::move(e));
  }
  return out;
}

json::value fault_plan::faults_json() const {
  std::lock_guard lock(mu_);
  json::value out = json::value::make_object();
  for (const auto& [svc, f] : faults_) {
    json::value e = json::value::make_object();
    e.set("error500", f.error500);
    e.set("error503", f.error503);
    e.set("throttle", f.throttle);
    e.set("reset", f.reset);
    e.set("slowBody", f.slow_body);
    out.set(svc, std::move(e));
  }
  return out;
}

fault_decision fault_plan::draw(std::string_view service) {
  fault_decision d;
  std::lock_guard lock(mu_);
  if (!any_) return d;
  const latency_spec* l = nullptr;
  if (auto it = latency_.find(service); it != latency_.end()) l = &it->second;
  else if (auto dit = latency_.find("default"); dit != latency_.end()) l = &dit->second;
  if (l && l->active()) {
    d.delay = l->fixed;
    if (l->jitter.count() > 0)
      d.delay += std::chrono::microseconds(
          std::uniform_int_distribution<int64_t>(0, l->jitter.count())(rng()));
  }
  const fault_spec* f = nullptr;
  if (auto it = faults_.find(service); it != faults_.end()) f = &it->second;
  else if (auto dit = faults_.find("default"); dit != faults_.end()) f = &dit->second;
  if (f && f->active()) {
    double x = std::uniform_real_distribution<double>(0.0, 1.0)(rng());
    double acc = 0;
    if (x < (acc += f->error500)) d.fault = fault_kind::error500;
    else if (x < (acc += f->error503)) d.fault = fault_kind::error503;
    else if (x < (acc += f->throttle)) d.fault = fault_kind::throttle;
    else if (x < (acc += f->reset)) d.fault = fault_kind::reset;
    else if (x < (acc += f->slow_body)) d.fault = fault_kind::slow_body;
  }
  return d;
}

}  // namespace emu
