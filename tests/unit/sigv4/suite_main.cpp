// sigv4_suite: checks every SigV4 test vector under $SIGV4_SUITE_DIR (default
// $FLUXAWS_SHARED_DIR/testdata/sigv4) — the aws-c-auth, s3 and botocore layouts, header
// and presigned variants — and fails if any case fails or if no case was found.
#define BOOST_TEST_MODULE sigv4_suite
#include <boost/test/unit_test.hpp>

#include <cstdlib>
#include <iostream>

#include "tests/unit/sigv4/suite_cases.hpp"

#ifndef FLUXAWS_DEFAULT_SIGV4_SUITE_DIR
#define FLUXAWS_DEFAULT_SIGV4_SUITE_DIR "../shared/testdata/sigv4"
#endif

namespace {

std::filesystem::path suite_dir() {
  if (const char* d = std::getenv("SIGV4_SUITE_DIR"); d && *d) return d;
  if (const char* s = std::getenv("FLUXAWS_SHARED_DIR"); s && *s) return std::filesystem::path(s) / "testdata/sigv4";
  return FLUXAWS_DEFAULT_SIGV4_SUITE_DIR;
}

}  // namespace

BOOST_AUTO_TEST_CASE(every_vector_in_the_suite_folder) {
  using fluxaws::testsupport::run_sigv4_suite;
  const auto dir = suite_dir();
  const auto report = run_sigv4_suite(dir);

  for (const auto& c : report.cases) {
    std::string variants;
    for (const auto& v : c.variants) variants += (variants.empty() ? "" : ",") + v;
    if (c.skipped) {
      std::cout << "skip " << c.name << " (" << c.skip_reason << ")\n";
    } else if (c.passed()) {
      std::cout << "ok   " << c.name << " [" << c.layout << ": " << variants << "]\n";
    } else {
      std::cout << "FAIL " << c.name << " [" << c.layout << ": " << variants << "]\n";
      for (const auto& f : c.failures) std::cout << "  " << f << (f.empty() || f.back() != '\n' ? "\n" : "");
    }
  }
  std::cout << "sigv4_suite: checked " << report.checked() << " cases in " << dir.string() << " ("
            << report.in_layout("aws-c-auth") << " aws-c-auth/s3 layout, " << report.in_layout("botocore")
            << " botocore layout; " << report.skipped() << " skipped): " << report.checked() - report.failed()
            << " passed, " << report.failed() << " failed\n";
  if (report.failed() > 0) {
    std::cout << "failed cases:";
    for (const auto& c : report.cases)
      if (!c.skipped && !c.passed()) std::cout << " " << c.name;
    std::cout << "\n";
  }
  if (!report.walk_error.empty()) std::cout << "error: " << report.walk_error << "\n";
  std::cout.flush();

  BOOST_TEST(report.walk_error.empty(), report.walk_error);
  BOOST_TEST(report.checked() > 0, "no SigV4 test case found under " << dir.string() << ": checking nothing fails");
  BOOST_TEST(report.failed() == 0u, report.failed() << " of " << report.checked() << " SigV4 cases failed");
}
