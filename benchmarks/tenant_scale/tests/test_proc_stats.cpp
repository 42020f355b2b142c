#include <boost/test/unit_test.hpp>

#include <unistd.h>

#include "benchmarks/tenant_scale/src/proc_stats.hpp"

using namespace fluxaws::bench;

BOOST_AUTO_TEST_SUITE(proc_stats)

BOOST_AUTO_TEST_CASE(stat_fields_after_a_tricky_command_name) {
  // comm may hold spaces and parentheses; utime is field 14, stime field 15.
  std::string stat = "1234 (a (b) c) S 1 1234 1234 0 -1 4194560 100 0 0 0 250 75 0 0 20 0 9 0 100 0 0";
  auto t = parse_stat_cpu_ticks(stat);
  BOOST_REQUIRE(t.has_value());
  BOOST_TEST(*t == 325);
  BOOST_TEST(!parse_stat_cpu_ticks("garbage").has_value());
  BOOST_TEST(!parse_stat_cpu_ticks("1 (x) S 1 2").has_value());
}

BOOST_AUTO_TEST_CASE(status_memory) {
  auto m = parse_status_memory("Name:\tfluxaws\nVmPeak:\t  999 kB\nVmHWM:\t   51234 kB\nVmRSS:\t   40000 kB\n");
  BOOST_REQUIRE(m.has_value());
  BOOST_TEST(m->hwm == 51234);
  BOOST_TEST(m->rss == 40000);
  BOOST_TEST(!parse_status_memory("Name: x\n").has_value());
}

BOOST_AUTO_TEST_CASE(this_process_and_machine) {
  auto cpu = cpu_seconds(::getpid());
  BOOST_REQUIRE(cpu.has_value());
  BOOST_TEST(*cpu >= 0);
  auto mem = memory(::getpid());
  BOOST_REQUIRE(mem.has_value());
  BOOST_TEST(mem->rss > 0);
  BOOST_TEST(mem->hwm >= mem->rss);
  auto m = read_machine();
  BOOST_TEST(m.cpus >= 1);
  BOOST_TEST(m.memory_total_kib > 0);
}

BOOST_AUTO_TEST_SUITE_END()
