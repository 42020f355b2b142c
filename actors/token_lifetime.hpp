// When a cached credential (or ECR token) may be reused and when to refresh it, after
// Flux's token cache: reused until reuse_fraction (80%) of its lifetime, capped at the
// cache's maximum duration, and judged on both clocks — a steady deadline (immune to
// the wall clock being set back) and a wall deadline (whole seconds, so a wall clock
// set forward or a suspended machine also ends it). Background refresh is due at
// refresh_at of the reuse window.
//
// Contract: plain values and pure functions; the clock readings are arguments.
// A credential whose expiry is already past (or closer than a second) is "unusable"
// (window of zero): the caller reports it rather than caching it. A credential without
// expiry (static keys) gets the maximum duration.
#pragma once

#include <chrono>
#include <optional>

namespace fluxaws::actors {

struct token_window {
  std::chrono::steady_clock::time_point obtained_mono;
  std::chrono::steady_clock::time_point reuse_until_mono;
  std::chrono::system_clock::time_point reuse_until_wall;
  std::chrono::steady_clock::time_point refresh_at_mono;

  bool usable() const { return reuse_until_mono > obtained_mono; }
  // Still reusable at these clock readings: both deadlines in the future.
  bool valid(std::chrono::steady_clock::time_point mono_now, std::chrono::system_clock::time_point wall_now) const {
    return mono_now < reuse_until_mono && wall_now < reuse_until_wall;
  }
  bool refresh_due(std::chrono::steady_clock::time_point mono_now) const { return mono_now >= refresh_at_mono; }
};

struct window_policy {
  double reuse_fraction = 0.8;
  double refresh_at = 0.9;
  std::chrono::seconds max_duration{3600};
};

token_window make_window(std::optional<std::chrono::system_clock::time_point> expires_at,
                         std::chrono::steady_clock::time_point mono_now, std::chrono::system_clock::time_point wall_now,
                         const window_policy& p);

}  // namespace fluxaws::actors
