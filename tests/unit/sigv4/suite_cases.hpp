// Test support: discovers and checks SigV4 test-suite vectors under a folder, in the
// layouts of /work/shared/testdata/sigv4/README.md:
//   - aws-c-auth layout (also the s3/ set): any directory, at any depth, holding
//     context.json and request.txt is one case. Its header-* and query-* files (whichever
//     exist) are the expected canonical request, string to sign, signature and signed
//     request of the Authorization-header and presigned variants.
//   - botocore layout: any <name>.req with a sibling <name>.creq, .sts or .authz is one
//     case (several may share a directory, as in botocore's older flat folder).
// SigV4a cases (public-key.json, or an AWS4-ECDSA-P256-SHA256 string to sign) are
// reported as skipped, never as checked.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace fluxaws::testsupport {

struct case_outcome {
  std::string name;    // path relative to the suite folder ("s3/s3-get-object")
  std::string layout;  // "aws-c-auth" or "botocore"
  std::vector<std::string> variants;  // checked: "header", "query"
  bool skipped = false;
  std::string skip_reason;
  std::vector<std::string> failures;  // one diff-friendly message per mismatch
  bool passed() const { return !skipped && failures.empty(); }
};

struct suite_report {
  std::vector<case_outcome> cases;
  std::string walk_error;  // set when the folder could not be walked to the end
  std::size_t checked() const;  // cases not skipped
  std::size_t failed() const;
  std::size_t skipped() const;
  std::size_t in_layout(std::string_view layout) const;  // checked cases of that layout
};

// Walks dir recursively (sorted, so output is stable). A missing or unreadable folder
// yields a report with no cases; an error part-way sets walk_error (a partial walk
// must not pass for a full one).
suite_report run_sigv4_suite(const std::filesystem::path& dir);

}  // namespace fluxaws::testsupport
