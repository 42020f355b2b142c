// SIGTERM/SIGINT as a flag the main thread polls (async-signal-safe: the handler only
// stores to an atomic).
#pragma once

namespace fluxaws::runtime {

void install_stop_signals();
bool stop_requested();
void request_stop();  // for tests and --once

}  // namespace fluxaws::runtime
