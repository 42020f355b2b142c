#include "adapters/common/log.hpp"

#include <atomic>
#include <chrono>
#include <iostream>
#include <mutex>

#include "adapters/common/json.hpp"
#include "adapters/common/time.hpp"

namespace fluxaws::log {

namespace {

struct sink {
  std::mutex mu;
  std::atomic<int> min{static_cast<int>(level::info)};
  bool json = true;
  std::ostream* out = &std::cerr;
};

sink& the_sink() {
  static sink s;
  return s;
}

std::string_view name(level l) {
  switch (l) {
    case level::debug: return "debug";
    case level::info: return "info";
    case level::error: return "error";
  }
  return "info";
}

template <class Fields>
void emit(level l, std::string_view msg, const Fields& fields) {
  auto& s = the_sink();
  if (static_cast<int>(l) < s.min.load(std::memory_order_relaxed)) return;
  auto now = std::chrono::system_clock::now();
  std::string line;
  line.reserve(128);
  if (s.json) {
    line += "{\"level\":\"";
    line += name(l);
    line += "\",\"ts\":\"";
    line += timefmt::rfc3339_millis(now);
    line += "\",\"msg\":";
    json::append_quoted(line, msg);
    for (const auto& f : fields) {
      line += ',';
      json::append_quoted(line, f.key);
      line += ':';
      json::append_quoted(line, f.value);
    }
    line += "}\n";
  } else {
    line += timefmt::rfc3339_millis(now);
    line += '\t';
    line += name(l);
    line += '\t';
    line += msg;
    for (const auto& f : fields) {
      line += '\t';
      line += f.key;
      line += '=';
      line += f.value;
    }
    line += '\n';
  }
  std::lock_guard<std::mutex> lock(s.mu);
  *s.out << line;
  s.out->flush();
}

}  // namespace

void configure(level min, bool json, std::ostream* out) {
  auto& s = the_sink();
  std::lock_guard<std::mutex> lock(s.mu);
  s.min = static_cast<int>(min);
  s.json = json;
  if (out) s.out = out;
}

bool enabled(level l) { return static_cast<int>(l) >= the_sink().min.load(std::memory_order_relaxed); }

std::optional<level> parse_level(std::string_view s) {
  if (s == "debug" || s == "trace") return level::debug;
  if (s == "info") return level::info;
  if (s == "error") return level::error;
  return std::nullopt;
}

void write(level l, std::string_view msg, std::initializer_list<field> fields) { emit(l, msg, fields); }
void write(level l, std::string_view msg, const std::vector<field>& fields) { emit(l, msg, fields); }

}  // namespace fluxaws::log
