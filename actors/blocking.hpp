// Running a plain function on the blocking pool from an event-based actor and
// getting its result back as a continuation on that actor:
//
//   run_blocking<artifact>(self, eng.pool, 60s,
//       [=] { return store->store_directory(...); },       // on a pool thread
//       [=](result<artifact> r) { ... });                  // back on self
//
// fn returns result<T>; a pool failure (exception, timeout) becomes an error result.
#pragma once

#include <caf/error.hpp>

#include <chrono>
#include <memory>
#include <optional>

#include "actors/protocol.hpp"
#include "adapters/common/result.hpp"

namespace fluxaws::actors {

template <class T, class Self, class Fn, class Then>
void run_blocking(Self* self, const blocking_pool_actor& pool, std::chrono::milliseconds timeout, Fn fn, Then then) {
  auto out = std::make_shared<std::optional<result<T>>>();
  blocking_job job = [out, fn = std::move(fn)]() mutable { out->emplace(fn()); };
  auto done = std::make_shared<Then>(std::move(then));
  self->request(pool, timeout, run_atom::value, std::move(job))
      .then(
          [out, done](bool) {
            if (*out)
              (*done)(std::move(**out));
            else
              (*done)(result<T>(make_error("blocking", "the job produced no result")));
          },
          [self, done](caf::error& err) {
            (*done)(result<T>(make_error("blocking", "blocking job failed: " + self->system().render(err))));
          });
}

}  // namespace fluxaws::actors
