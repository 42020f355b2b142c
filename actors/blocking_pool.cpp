#include "actors/blocking_pool.hpp"

#include <caf/send.hpp>
#include <caf/stateful_actor.hpp>
#include <caf/typed_event_based_actor.hpp>
#include <caf/typed_response_promise.hpp>

#include <condition_variable>
#include <deque>
#include <map>
#include <mutex>
#include <thread>
#include <vector>

namespace fluxaws::actors {

namespace {

using done_atom = caf::atom_constant<caf::atom("pooldone")>;
using pool_impl_actor =
    blocking_pool_actor::extend<caf::reacts_to<done_atom, uint64_t, bool, std::string>>;

// Threads and a queue; completions go back to the owning actor as messages, which
// then delivers the promise from its own context (never from a foreign thread).
class thread_pool {
 public:
  thread_pool(std::size_t n, caf::actor_addr owner) : owner_(std::move(owner)) {
    for (std::size_t i = 0; i < n; ++i) threads_.emplace_back([this] { loop(); });
  }
  ~thread_pool() {
    {
      std::lock_guard<std::mutex> lock(mu_);
      stopping_ = true;
    }
    cv_.notify_all();
    for (auto& t : threads_) t.join();
  }
  void submit(uint64_t id, blocking_job job) {
    {
      std::lock_guard<std::mutex> lock(mu_);
      queue_.emplace_back(id, std::move(job));
    }
    cv_.notify_one();
  }

 private:
  void loop() {
    for (;;) {
      std::pair<uint64_t, blocking_job> item;
      {
        std::unique_lock<std::mutex> lock(mu_);
        cv_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
        if (stopping_ && queue_.empty()) return;
        item = std::move(queue_.front());
        queue_.pop_front();
      }
      bool ok = true;
      std::string what;
      try {
        item.second();
      } catch (const std::exception& e) {
        ok = false;
        what = e.what();
      } catch (...) {
        ok = false;
        what = "unknown exception";
      }
      if (auto h = caf::actor_cast<pool_impl_actor>(owner_)) caf::anon_send(h, done_atom::value, item.first, ok, what);
    }
  }

  caf::actor_addr owner_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<std::pair<uint64_t, blocking_job>> queue_;
  bool stopping_ = false;
  std::vector<std::thread> threads_;
};

struct pool_state {
  static inline const char* name = "fluxaws.blocking_pool";
  std::unique_ptr<thread_pool> pool;
  uint64_t next_id = 0;
  std::map<uint64_t, caf::typed_response_promise<bool>> pending;
};

pool_impl_actor::behavior_type pool_behavior(pool_impl_actor::stateful_pointer<pool_state> self, std::size_t threads) {
  self->state.pool = std::make_unique<thread_pool>(threads == 0 ? 1 : threads, self->address());
  // The state's destructor (run when the actor exits) joins the threads.
  return {
      [self](run_atom, blocking_job& job) -> caf::result<bool> {
        auto id = ++self->state.next_id;
        auto rp = self->make_response_promise<bool>();
        self->state.pending.emplace(id, rp);
        self->state.pool->submit(id, std::move(job));
        return rp;
      },
      [self](done_atom, uint64_t id, bool ok, std::string& what) {
        auto it = self->state.pending.find(id);
        if (it == self->state.pending.end()) return;
        if (ok)
          it->second.deliver(true);
        else
          it->second.deliver(caf::make_error(caf::sec::runtime_error, std::move(what)));
        self->state.pending.erase(it);
      },
  };
}

}  // namespace

blocking_pool_actor spawn_blocking_pool(caf::actor_system& sys, std::size_t threads) {
  return caf::actor_cast<blocking_pool_actor>(sys.spawn(pool_behavior, threads));
}

}  // namespace fluxaws::actors
