#include "actors/token_lifetime.hpp"

#include <algorithm>

namespace fluxaws::actors {

token_window make_window(std::optional<std::chrono::system_clock::time_point> expires_at,
                         std::chrono::steady_clock::time_point mono_now, std::chrono::system_clock::time_point wall_now,
                         const window_policy& p) {
  using std::chrono::duration_cast;
  using std::chrono::milliseconds;
  using std::chrono::seconds;
  token_window w;
  w.obtained_mono = mono_now;
  milliseconds reuse = duration_cast<milliseconds>(p.max_duration);
  if (expires_at) {
    auto lifetime = duration_cast<milliseconds>(*expires_at - wall_now);
    if (lifetime < seconds(1)) lifetime = milliseconds(0);
    reuse = std::min(reuse, milliseconds(static_cast<int64_t>(static_cast<double>(lifetime.count()) * p.reuse_fraction)));
  }
  w.reuse_until_mono = mono_now + reuse;
  // Whole seconds, rounded down: the wall deadline never outlives the steady one.
  w.reuse_until_wall = std::chrono::time_point_cast<seconds>(wall_now + reuse);
  w.refresh_at_mono = mono_now + milliseconds(static_cast<int64_t>(static_cast<double>(reuse.count()) * p.refresh_at));
  return w;
}

}  // namespace fluxaws::actors
