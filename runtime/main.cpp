// fluxaws — entry point. Subcommands: run, get, config, version.
#include <iostream>
#include <string>
#include <string_view>
#include <vector>

#include "runtime/commands.hpp"
#include "runtime/version.hpp"

namespace {

constexpr const char* kUsage = R"(fluxaws — reconciles the Flux objects that talk to AWS, at tenant scale.

Usage:
  fluxaws run [--config FILE] --objects DIR --state-dir DIR [--once] [flags]
                             local mode: Flux objects, ServiceAccounts and Secrets from YAML files
  fluxaws run [--config FILE] [--kubeconfig FILE] [flags]
                             cluster mode: watch the Kubernetes API, patch status
  fluxaws get [all|buckets|ocirepositories|imagerepositories|imagepolicies|kustomizations]
              --state-dir DIR [-o table|json]
                             what `flux get` shows, from a local run's state directory
  fluxaws config defaults    print the full default configuration file
  fluxaws config validate FILE|-
                             check a configuration file without starting
  fluxaws version            print the version and the libraries it was built with
  fluxaws run --help         every flag (Flux's names)

Flux kinds: Bucket (S3), OCIRepository (ECR), ImageRepository and ImagePolicy (ECR),
Kustomization with SOPS decryption through KMS. See README.md and docs/config.md.
)";

}  // namespace

int main(int argc, char** argv) {
  std::string_view cmd = argc > 1 ? argv[1] : "--help";
  std::vector<std::string> rest(argv + (argc > 1 ? 2 : 1), argv + argc);
  if (cmd == "version" || cmd == "--version") {
    std::cout << fluxaws::runtime::version() << "\n";
    return 0;
  }
  if (cmd == "--help" || cmd == "-h" || cmd == "help") {
    std::cout << kUsage;
    return 0;
  }
  if (cmd == "run") return fluxaws::runtime::run_command(rest);
  if (cmd == "get") return fluxaws::runtime::get_command(rest);
  if (cmd == "config") return fluxaws::runtime::config_command(rest);
  std::cerr << "fluxaws: unknown command '" << cmd << "'\n\n" << kUsage;
  return 2;
}
