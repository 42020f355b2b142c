#include "adapters/kube/directory_source.hpp"

#include <caf/event_based_actor.hpp>
#include <caf/stateful_actor.hpp>

#include <set>

namespace fluxaws::kube {

namespace {

using scan_atom = caf::atom_constant<caf::atom("scan")>;

struct source_state {
  static inline const char* name = "fluxaws.directory_source";
  std::unique_ptr<directory_scanner> scanner;
  manifest_set last;
  std::set<std::string> reported;
  bool synced = false;
};

caf::behavior source_behavior(caf::stateful_actor<source_state>* self, std::filesystem::path dir,
                              change_sink_actor sink, std::chrono::milliseconds poll) {
  self->state.scanner = std::make_unique<directory_scanner>(std::move(dir));
  auto scan = [self, sink] {
    auto& st = self->state;
    if (st.scanner->rescan() || !st.synced) {
      const auto& now = st.scanner->snapshot();
      for (auto& ch : diff(st.last, now)) self->send(sink, change_atom::value, std::move(ch));
      std::set<std::string> current;
      for (const auto& issue : now.issues) {
        auto text = issue.to_string();
        current.insert(text);
        if (!st.reported.count(text)) self->send(sink, issue_atom::value, text);
      }
      st.reported = std::move(current);
      st.last = now;
    }
    if (!st.synced) {
      st.synced = true;
      self->send(sink, sync_atom::value);
    }
  };
  self->send(self, scan_atom::value);
  return {
      [self, scan, poll](scan_atom) {
        scan();
        self->delayed_send(self, poll, scan_atom::value);
      },
  };
}

}  // namespace

caf::actor spawn_directory_source(caf::actor_system& sys, std::filesystem::path dir, change_sink_actor sink,
                                  std::chrono::milliseconds poll_interval) {
  return sys.spawn<caf::detached>(source_behavior, std::move(dir), std::move(sink), poll_interval);
}

}  // namespace fluxaws::kube
