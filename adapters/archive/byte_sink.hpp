// byte_sink: where a producer (tar writer, gzip compressor) pushes its output, in
// order. Returning an error stops the producer, which returns that error.
#pragma once

#include <functional>
#include <string_view>

#include "adapters/common/result.hpp"

namespace fluxaws::archive {

using byte_sink = std::function<status(std::string_view)>;

}  // namespace fluxaws::archive
