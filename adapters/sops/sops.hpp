// Everything of the SOPS adapter in one include: formats and detection, parsing and
// decryption, data-key recovery helpers (KMS master keys, Shamir), encryption.
#pragma once

#include "adapters/sops/detect.hpp"
#include "adapters/sops/document.hpp"
#include "adapters/sops/encrypt.hpp"
#include "adapters/sops/format.hpp"
#include "adapters/sops/kms_keys.hpp"
#include "adapters/sops/metadata.hpp"
#include "adapters/sops/shamir.hpp"
