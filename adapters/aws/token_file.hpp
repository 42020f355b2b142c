// Reading the small token files credential sources use (the projected
// service-account token of IRSA, the EKS Pod Identity token). Blocking, but bounded:
// these files live on a local tmpfs and are capped at max_bytes; the driver reads
// them between HTTP steps. Errors name the file and the reason, never the content.
#pragma once

#include <cstddef>
#include <string>

#include "adapters/common/result.hpp"

namespace fluxaws::aws {

result<std::string> read_token_file(const std::string& path, std::size_t max_bytes = 64u << 10);

}  // namespace fluxaws::aws
