// Helpers for the SOPS tests: shared test data, expected.json, and an independent
// re-implementation of SOPS' value and MAC rules used to check what our encryption
// writes without going through the library's own walk.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "adapters/common/json.hpp"

namespace sops_test {

std::string shared_dir();                 // $FLUXAWS_SHARED_DIR/testdata/sops
std::string read_file(const std::string& path);
const fluxaws::json::value& expected();   // expected.json, parsed once
std::string key_of(const std::string& file);  // the 32-byte data key of an expected.json entry

// A 32-byte test key derived from a label (not a secret of anything).
std::string test_key(std::string_view label);

// Independent AES-256-GCM open of an ENC[…] value (OpenSSL directly).
bool independent_open(std::string_view enc, std::string_view key, std::string_view aad, std::string& plain,
                      std::string& type);

}  // namespace sops_test
