// proc_stats.hpp — what /proc says about a running process: CPU time (utime + stime
// from /proc/<pid>/stat, all threads, including those that exited), resident and peak
// resident memory (VmRSS, VmHWM from /proc/<pid>/status), and the machine the
// benchmark ran on (CPU count, model, load averages).
//
// Contract: readers return nullopt when the process is gone or the file is
// unreadable; parse_* are the pure halves, for tests.
#pragma once

#include <sys/types.h>

#include <optional>
#include <string>
#include <string_view>

namespace fluxaws::bench {

struct memory_kib {
  long rss = 0;
  long hwm = 0;
};

std::optional<double> parse_stat_cpu_ticks(std::string_view stat);  // utime + stime, in clock ticks
std::optional<memory_kib> parse_status_memory(std::string_view status);

std::optional<double> cpu_seconds(pid_t pid);
std::optional<memory_kib> memory(pid_t pid);

struct machine_info {
  int cpus = 0;  // nproc: the CPUs this process may run on
  std::string cpu_model;
  double load1 = 0, load5 = 0, load15 = 0;
  long memory_total_kib = 0;
  std::string kernel;
};
machine_info read_machine();

}  // namespace fluxaws::bench
