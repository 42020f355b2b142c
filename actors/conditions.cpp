#include "actors/conditions.hpp"

#include <algorithm>

namespace fluxaws::actors {

namespace {

constexpr std::size_t kMaxMessageLength = 32768;

std::string trim_message(std::string msg) {
  if (msg.size() <= kMaxMessageLength) return msg;
  msg.resize(kMaxMessageLength - 3);
  msg += "...";
  return msg;
}

int weight(std::string_view type) {
  if (type == cond::stalled) return 0;
  if (type == cond::reconciling) return 1;
  if (type == cond::ready) return 2;
  return -1;
}

// conditions.lexicographicLess
bool ordered_before(const condition& a, const condition& b) {
  int wa = weight(a.type), wb = weight(b.type);
  if (wa >= 0 && wb >= 0) return wa < wb;
  if (wa >= 0 || wb >= 0) return wb < 0;
  if (a.observed_generation == b.observed_generation) return a.type < b.type;
  return a.observed_generation > b.observed_generation;
}

bool contains(const std::vector<std::string>& list, std::string_view v) {
  return std::find(list.begin(), list.end(), v) != list.end();
}

struct group {
  std::string status;
  bool negative = false;
  std::vector<const condition*> members;

  // merge priority: True&negative 0, False&positive 1, True&positive 2,
  // False&negative 3, Unknown 4.
  int priority() const {
    if (status == cond::true_) return negative ? 0 : 2;
    if (status == cond::false_) return negative ? 3 : 1;
    if (status == cond::unknown) return 4;
    return 99;
  }
};

}  // namespace

const condition* condition_set::get(std::string_view type) const {
  for (const auto& c : items_)
    if (c.type == type) return &c;
  return nullptr;
}

bool condition_set::is_true(std::string_view type) const {
  auto* c = get(type);
  return c && c->status == cond::true_;
}

bool condition_set::is_false(std::string_view type) const {
  auto* c = get(type);
  return c && c->status == cond::false_;
}

bool condition_set::is_unknown(std::string_view type) const {
  auto* c = get(type);
  return !c || c->status == cond::unknown;
}

void condition_set::set(condition c, int64_t generation, const std::string& now) {
  c.observed_generation = generation;
  c.message = trim_message(std::move(c.message));
  bool exists = false;
  for (auto& existing : items_) {
    if (existing.type != c.type) continue;
    exists = true;
    bool same_state = existing.status == c.status && existing.reason == c.reason && existing.message == c.message;
    if (!same_state) {
      c.last_transition_time = now;
      existing = std::move(c);
    } else {
      existing.observed_generation = c.observed_generation;
    }
    break;
  }
  if (!exists) {
    if (c.last_transition_time.empty()) c.last_transition_time = now;
    items_.push_back(std::move(c));
  }
  std::stable_sort(items_.begin(), items_.end(), ordered_before);
}

void condition_set::mark_true(std::string_view type, std::string_view reason, std::string message, int64_t generation,
                              const std::string& now) {
  set(condition{std::string(type), std::string(cond::true_), std::string(reason), std::move(message), 0, {}},
      generation, now);
}

void condition_set::mark_false(std::string_view type, std::string_view reason, std::string message, int64_t generation,
                               const std::string& now) {
  set(condition{std::string(type), std::string(cond::false_), std::string(reason), std::move(message), 0, {}},
      generation, now);
}

void condition_set::mark_unknown(std::string_view type, std::string_view reason, std::string message,
                                 int64_t generation, const std::string& now) {
  set(condition{std::string(type), std::string(cond::unknown), std::string(reason), std::move(message), 0, {}},
      generation, now);
}

void condition_set::mark_reconciling(std::string_view reason, std::string message, int64_t generation,
                                     const std::string& now) {
  remove(cond::stalled);
  mark_true(cond::reconciling, reason, std::move(message), generation, now);
}

void condition_set::mark_stalled(std::string_view reason, std::string message, int64_t generation,
                                 const std::string& now) {
  remove(cond::reconciling);
  mark_true(cond::stalled, reason, std::move(message), generation, now);
}

void condition_set::remove(std::string_view type) {
  items_.erase(std::remove_if(items_.begin(), items_.end(), [&](const condition& c) { return c.type == type; }),
               items_.end());
}

std::optional<condition> summarize(const std::vector<condition>& conditions, std::string_view target,
                                   const summary_policy& policy) {
  std::vector<group> groups;
  for (const auto& c : conditions) {
    if (c.type == target) continue;
    if (!contains(policy.summarize, c.type)) continue;
    bool negative = contains(policy.negative_polarity, c.type);
    auto it = std::find_if(groups.begin(), groups.end(),
                           [&](const group& g) { return g.status == c.status && g.negative == negative; });
    if (it == groups.end()) {
      groups.push_back(group{c.status, negative, {&c}});
    } else {
      it->members.push_back(&c);
    }
  }
  if (groups.empty()) return std::nullopt;
  std::stable_sort(groups.begin(), groups.end(),
                   [](const group& a, const group& b) { return a.priority() < b.priority(); });
  auto& top = groups.front();
  std::stable_sort(top.members.begin(), top.members.end(),
                   [](const condition* a, const condition* b) { return ordered_before(*a, *b); });
  // getFirstCondition: with several in the top group, the first in policy order.
  const condition* first = top.members.front();
  if (top.members.size() > 1) {
    bool found = false;
    for (const auto& p : policy.summarize) {
      for (const auto* c : top.members) {
        if (c->type == p) {
          first = c;
          found = true;
          break;
        }
      }
      if (found) break;
    }
  }
  bool target_negative = contains(policy.negative_polarity, target);
  condition out;
  out.type = std::string(target);
  out.reason = first->reason;
  out.message = first->message;
  if (top.status == cond::true_)
    out.status = std::string(top.negative != target_negative ? cond::false_ : cond::true_);
  else if (top.status == cond::false_)
    out.status = std::string(top.negative != target_negative ? cond::true_ : cond::false_);
  else
    out.status = std::string(cond::unknown);
  return out;
}

void condition_set::set_summary(std::string_view target, const summary_policy& policy, int64_t generation,
                                const std::string& now) {
  if (auto c = summarize(items_, target, policy)) set(std::move(*c), generation, now);
}

void condition_set::progressive(bool drift, std::string_view reason, std::string message, int64_t generation,
                                const std::string& now) {
  mark_reconciling(reason, message, generation, now);
  if (drift || !has(cond::ready) || is_unknown(cond::ready))
    mark_unknown(cond::ready, reason, std::move(message), generation, now);
}

json::value condition_set::to_json() const {
  json::array out;
  for (const auto& c : items_) {
    json::value v;
    v["type"] = c.type;
    v["status"] = c.status;
    v["observedGeneration"] = c.observed_generation;
    v["lastTransitionTime"] = c.last_transition_time;
    v["reason"] = c.reason;
    v["message"] = c.message;
    out.push_back(std::move(v));
  }
  return json::value(std::move(out));
}

condition_set condition_set::from_json(const json::value& conditions) {
  condition_set out;
  for (const auto& v : conditions.as_array()) {
    condition c;
    c.type = v.find("type") ? v.find("type")->as_string() : "";
    if (c.type.empty()) continue;
    if (auto* s = v.find("status")) c.status = s->as_string();
    if (auto* s = v.find("reason")) c.reason = s->as_string();
    if (auto* s = v.find("message")) c.message = s->as_string();
    if (auto* s = v.find("observedGeneration")) c.observed_generation = s->as_int();
    if (auto* s = v.find("lastTransitionTime")) c.last_transition_time = s->as_string();
    out.items_.push_back(std::move(c));
  }
  return out;
}

}  // namespace fluxaws::actors
