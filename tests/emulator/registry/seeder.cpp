#include "tests/emulator/registry/seeder.hpp"

#include <algorithm>
#include <fstream>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <sstream>

#include "adapters/common/encoding.hpp"
#include "adapters/common/json.hpp"

namespace emu::registry {
namespace fs = std::filesystem;
using fluxaws::make_error;

namespace {

std::string where(const repository_content& r) {
  return "ECR repository '" + r.name + "' (" + r.account + ", " + r.region + ")";
}

std::string answer_text(const http_response& res) {
  std::string body = res.body().substr(0, 300);
  return "HTTP " + std::to_string(res.result_int()) + (body.empty() ? "" : ": " + body);
}

http_request make_request(http::verb verb, std::string target) {
  http_request req{verb, target, 11};
  return req;
}

// Runs job(0..count-1), `concurrency` at a time, on the calling coroutine's executor
// (a strand); stops handing out jobs after the first error and returns it.
struct parallel_state {
  explicit parallel_state(asio::any_io_executor ex) : done(ex) {}
  std::size_t count = 0, next = 0, running = 0;
  std::optional<fluxaws::error_info> error;
  std::function<asio::awaitable<fluxaws::status>(std::size_t)> job;
  asio::steady_timer done;
};

asio::awaitable<void> parallel_worker(std::shared_ptr<parallel_state> st) {
  while (!st->error && st->next < st->count) {
    std::size_t i = st->next++;
    auto s = co_await st->job(i);
    if (!s && !st->error) st->error = s.error();
  }
}

asio::awaitable<fluxaws::status> run_parallel(std::size_t count, std::size_t concurrency,
                                              std::function<asio::awaitable<fluxaws::status>(std::size_t)> job) {
  if (count == 0) co_return fluxaws::status{};
  auto ex = co_await asio::this_coro::executor;
  auto st = std::make_shared<parallel_state>(ex);
  st->count = count;
  st->job = std::move(job);
  st->running = std::min(std::max<std::size_t>(concurrency, 1), count);
  for (std::size_t w = 0, n = st->running; w < n; ++w) {
    asio::co_spawn(ex, parallel_worker(st), asio::bind_executor(ex, [st](std::exception_ptr e) {
                     if (e && !st->error) st->error = make_error("internal", "a seeding worker stopped on an exception");
                     if (--st->running == 0) st->done.cancel();
                   }));
  }
  while (st->running > 0) {
    st->done.expires_at(asio::steady_timer::time_point::max());
    beast::error_code ec;
    co_await st->done.async_wait(asio::redirect_error(asio::use_awaitable, ec));
  }
  if (st->error) co_return *st->error;
  co_return fluxaws::status{};
}

struct counters {
  std::size_t requests = 0;
};

asio::awaitable<fluxaws::status> upload_blob(registry_client& client, const repository_content& repo, const blob& b,
                                             counters& count) {
  auto start = make_request(http::verb::post, "/v2/" + repo.backing_name + "/blobs/uploads/");
  ++count.requests;
  auto started = co_await client.send(std::move(start));
  if (!started) co_return make_error(started.error().code, where(repo) + ": " + started.error().message);
  auto location = started->find(http::field::location);
  if (started->result_int() != 202 || location == started->end())
    co_return make_error("seed_failed", where(repo) + ": starting the upload of blob " + b.digest + " got " + answer_text(*started));
  std::string target(location->value());
  target += target.find('?') == std::string::npos ? '?' : '&';
  target += "digest=" + fluxaws::enc::uri_encode(b.digest);
  auto put = make_request(http::verb::put, std::move(target));
  put.set(http::field::content_type, "application/octet-stream");
  put.body() = b.data;
  ++count.requests;
  auto done = co_await client.send(std::move(put));
  if (!done) co_return make_error(done.error().code, where(repo) + ": " + done.error().message);
  if (done->result_int() != 201)
    co_return make_error("seed_failed", where(repo) + ": uploading blob " + b.digest + " got " + answer_text(*done));
  co_return fluxaws::status{};
}

asio::awaitable<fluxaws::status> put_manifest(registry_client& client, const repository_content& repo, const manifest& m,
                                              const std::string& reference, counters& count) {
  auto put = make_request(http::verb::put, "/v2/" + repo.backing_name + "/manifests/" + reference);
  put.set(http::field::content_type, m.media_type);
  put.body() = m.data;
  ++count.requests;
  auto res = co_await client.send(std::move(put));
  if (!res) co_return make_error(res.error().code, where(repo) + ": " + res.error().message);
  if (res->result_int() != 201)
    co_return make_error("seed_failed", where(repo) + ": pushing manifest " + reference + " (" + m.digest + ") got " + answer_text(*res));
  co_return fluxaws::status{};
}

// True when docker-registry lists every tag the content has.
asio::awaitable<bool> already_present(registry_client& client, const repository_content& repo, counters& count) {
  ++count.requests;
  auto res = co_await client.send(make_request(http::verb::get, "/v2/" + repo.backing_name + "/tags/list"));
  if (!res) co_return false;
  // docker-registry does not know a repository without tags: nothing to check then.
  if (res->result_int() == 404 && repo.manifests.empty()) co_return true;
  if (res->result_int() != 200) co_return false;
  auto doc = fluxaws::json::parse(res->body());
  if (!doc) co_return false;
  std::set<std::string> listed;
  if (const auto* tags = doc->find("tags"))
    for (const auto& t : tags->as_array()) listed.insert(t.as_string());
  for (const auto& m : repo.manifests)
    for (const auto& t : m.tags)
      if (!listed.count(t)) co_return false;
  co_return true;
}

std::map<std::string, std::string> read_state(const fs::path& file) {
  std::map<std::string, std::string> out;
  std::ifstream in(file, std::ios::binary);
  if (!in) return out;
  std::ostringstream buf;
  buf << in.rdbuf();
  auto doc = fluxaws::json::parse(buf.str());
  if (!doc || !doc->is_object()) return out;
  for (const auto& [k, v] : doc->as_object())
    if (v.is_string()) out[k] = v.as_string();
  return out;
}

fluxaws::status write_state(const fs::path& file, const std::map<std::string, std::string>& state) {
  fluxaws::json::value doc = fluxaws::json::value::make_object();
  for (const auto& [k, v] : state) doc.set(k, v);
  const fs::path tmp = file.string() + ".tmp";
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    out << fluxaws::json::dump(doc, 2) << "\n";
    if (!out) return make_error("io", "cannot write '" + tmp.string() + "'");
  }
  std::error_code ec;
  fs::rename(tmp, file, ec);
  if (ec) return make_error("io", "cannot rename '" + tmp.string() + "': " + ec.message());
  return {};
}

struct manifest_job {
  std::size_t repo;
  const manifest* m;
  std::string reference;
};

struct seed_outcome {  // default-constructible, as co_spawn's completion needs
  seed_report report;
  std::optional<fluxaws::error_info> error;
};

asio::awaitable<seed_outcome> seed_on_strand(registry_client& client, std::vector<repository_content> contents,
                                             seed_options options) {
  const auto started = std::chrono::steady_clock::now();
  seed_outcome out;
  counters count;
  out.report.repositories = contents.size();

  std::map<std::string, std::string> state;
  std::vector<bool> skip(contents.size(), false);
  if (!options.state_file.empty()) {
    state = read_state(options.state_file);
    for (std::size_t i = 0; i < contents.size(); ++i) {
      auto it = state.find(contents[i].backing_name);
      if (it == state.end() || it->second != contents[i].fingerprint()) continue;
      const bool present = co_await already_present(client, contents[i], count);
      if (present) {
        skip[i] = true;
        ++out.report.skipped;
      }
    }
  }

  std::vector<std::pair<std::size_t, std::size_t>> blob_jobs;
  int max_level = 0;
  for (std::size_t r = 0; r < contents.size(); ++r) {
    if (skip[r]) continue;
    for (std::size_t b = 0; b < contents[r].blobs.size(); ++b) blob_jobs.emplace_back(r, b);
    for (const auto& m : contents[r].manifests) max_level = std::max(max_level, m.level);
  }
  auto st = co_await run_parallel(blob_jobs.size(), options.concurrency, [&](std::size_t i) {
    const auto& repo = contents[blob_jobs[i].first];
    return upload_blob(client, repo, repo.blobs[blob_jobs[i].second], count);
  });
  if (!st) {
    out.error = st.error();
    co_return out;
  }
  out.report.blobs = blob_jobs.size();
  out.report.blobs_elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started);

  for (int level = 0; level <= max_level; ++level) {
    std::vector<manifest_job> jobs;
    for (std::size_t r = 0; r < contents.size(); ++r) {
      if (skip[r]) continue;
      for (const auto& m : contents[r].manifests) {
        if (m.level != level) continue;
        ++out.report.manifests;
        out.report.tags += m.tags.size();
        if (m.tags.empty()) jobs.push_back({r, &m, m.digest});
        for (const auto& t : m.tags) jobs.push_back({r, &m, t});
      }
    }
    st = co_await run_parallel(jobs.size(), options.concurrency, [&](std::size_t i) {
      return put_manifest(client, contents[jobs[i].repo], *jobs[i].m, jobs[i].reference, count);
    });
    if (!st) {
      out.error = st.error();
      co_return out;
    }
  }

  if (!options.state_file.empty()) {
    for (const auto& c : contents) state[c.backing_name] = c.fingerprint();
    if (auto w = write_state(options.state_file, state); !w) {
      out.error = w.error();
      co_return out;
    }
  }
  out.report.requests = count.requests;
  out.report.elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started);
  co_return out;
}

}  // namespace

fluxaws::result<std::vector<repository_content>> build_contents(const std::vector<repository_seed>& seeds,
                                                                const fs::path& base_dir) {
  std::vector<repository_content> out;
  std::set<std::string> names;
  for (const auto& s : seeds) {
    auto c = build_repository_content(s, base_dir);
    if (!c) return c.error();
    if (!names.insert(c->backing_name).second)
      return make_error("invalid_seed", "ECR repository '" + s.name + "' (" + s.account + ", " + s.region + ") is listed twice");
    out.push_back(std::move(c).value());
  }
  return out;
}

asio::awaitable<fluxaws::result<seed_report>> seed(registry_client& client, std::vector<repository_content> contents,
                                                   seed_options options) {
  auto strand = asio::make_strand(client.executor());
  auto outcome = co_await asio::co_spawn(strand, seed_on_strand(client, std::move(contents), std::move(options)),
                                         asio::use_awaitable);
  if (outcome.error) co_return *outcome.error;
  co_return outcome.report;
}

fluxaws::result<seed_report> seed_blocking(std::uint16_t registry_port, const std::vector<repository_seed>& seeds,
                                           const seed_options& options) {
  const auto started = std::chrono::steady_clock::now();
  auto contents = build_contents(seeds, options.base_dir);
  if (!contents) return contents.error();
  asio::io_context ioc(1);
  registry_client::options copts;
  copts.port = registry_port;
  registry_client client(ioc.get_executor(), copts);
  std::optional<fluxaws::result<seed_report>> result;
  asio::co_spawn(
      ioc,
      [&]() -> asio::awaitable<void> { result.emplace(co_await seed(client, std::move(contents).value(), options)); },
      [&](std::exception_ptr e) {
        if (e && !result) result.emplace(make_error("internal", "seeding stopped on an exception"));
      });
  ioc.run();
  client.close_idle();
  if (!result) return make_error("internal", "seeding did not complete");
  if (*result) (*result)->elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started);
  return std::move(*result);
}

}  // namespace emu::registry
