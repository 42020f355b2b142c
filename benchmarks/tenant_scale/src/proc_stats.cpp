#include "benchmarks/tenant_scale/src/proc_stats.hpp"

#include <sched.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <sstream>

namespace fluxaws::bench {

namespace {

std::optional<std::string> slurp(const std::string& path) {
  std::ifstream in(path);
  if (!in) return std::nullopt;
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

long kib_field(std::string_view text, std::string_view key) {
  auto p = text.find(key);
  if (p == std::string_view::npos) return -1;
  p += key.size();
  while (p < text.size() && (text[p] == ' ' || text[p] == '\t')) ++p;
  return std::strtol(std::string(text.substr(p, 24)).c_str(), nullptr, 10);
}

}  // namespace

std::optional<double> parse_stat_cpu_ticks(std::string_view stat) {
  // The command name (field 2) may hold spaces and parentheses: count from the last ')'.
  auto close = stat.rfind(')');
  if (close == std::string_view::npos) return std::nullopt;
  std::istringstream in{std::string(stat.substr(close + 1))};
  std::string field;
  // After ')': field 3 (state) ... field 14 utime, 15 stime.
  double utime = 0, stime = 0;
  for (int f = 3; f <= 15; ++f) {
    if (!(in >> field)) return std::nullopt;
    if (f == 14) utime = std::strtod(field.c_str(), nullptr);
    if (f == 15) stime = std::strtod(field.c_str(), nullptr);
  }
  return utime + stime;
}

std::optional<memory_kib> parse_status_memory(std::string_view status) {
  memory_kib m;
  m.rss = kib_field(status, "VmRSS:");
  m.hwm = kib_field(status, "VmHWM:");
  if (m.rss < 0 || m.hwm < 0) return std::nullopt;
  return m;
}

std::optional<double> cpu_seconds(pid_t pid) {
  auto text = slurp("/proc/" + std::to_string(pid) + "/stat");
  if (!text) return std::nullopt;
  auto ticks = parse_stat_cpu_ticks(*text);
  if (!ticks) return std::nullopt;
  return *ticks / static_cast<double>(::sysconf(_SC_CLK_TCK));
}

std::optional<memory_kib> memory(pid_t pid) {
  auto text = slurp("/proc/" + std::to_string(pid) + "/status");
  if (!text) return std::nullopt;
  return parse_status_memory(*text);
}

machine_info read_machine() {
  machine_info m;
  cpu_set_t set;
  CPU_ZERO(&set);
  m.cpus = ::sched_getaffinity(0, sizeof set, &set) == 0 ? CPU_COUNT(&set) : static_cast<int>(::sysconf(_SC_NPROCESSORS_ONLN));
  if (auto info = slurp("/proc/cpuinfo")) {
    auto p = info->find("model name");
    if (p != std::string::npos) {
      auto colon = info->find(':', p);
      auto nl = info->find('\n', p);
      if (colon != std::string::npos && colon < nl) {
        m.cpu_model = info->substr(colon + 1, nl - colon - 1);
        while (!m.cpu_model.empty() && m.cpu_model.front() == ' ') m.cpu_model.erase(0, 1);
      }
    }
  }
  if (auto load = slurp("/proc/loadavg")) {
    std::istringstream in(*load);
    in >> m.load1 >> m.load5 >> m.load15;
  }
  if (auto mem = slurp("/proc/meminfo")) m.memory_total_kib = kib_field(*mem, "MemTotal:");
  utsname u{};
  if (::uname(&u) == 0) m.kernel = std::string(u.sysname) + " " + u.release;
  return m;
}

}  // namespace fluxaws::bench
