// fluxaws — entry point. Subcommands: run, get, config, version.
#include <cstring>
#include <iostream>
#include <string_view>

#include "runtime/version.hpp"

namespace {

constexpr const char* kUsage = R"(fluxaws — reconciles the Flux objects that talk to AWS, at tenant scale.

Usage:
  fluxaws version            print the version and the libraries it was built with
  fluxaws --help             this text

Flux kinds: Bucket (S3), OCIRepository (ECR), ImageRepository and ImagePolicy (ECR),
Kustomization with SOPS decryption through KMS. See README.md and docs/.
)";

}  // namespace

int main(int argc, char** argv) {
  std::string_view cmd = argc > 1 ? argv[1] : "--help";
  if (cmd == "version" || cmd == "--version") {
    std::cout << fluxaws::runtime::version() << "\n";
    return 0;
  }
  if (cmd == "--help" || cmd == "-h" || cmd == "help") {
    std::cout << kUsage;
    return 0;
  }
  std::cerr << "fluxaws: unknown command '" << cmd << "'\n\n" << kUsage;
  return 2;
}
