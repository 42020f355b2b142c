// schema_defaults.hpp — structural-schema defaulting as the API server applies it to
// custom resources: a property absent from the object gets its schema "default", then
// defaulting continues inside it; present objects, array items and
// additionalProperties values are walked. (Flux's CRDs default e.g. status to
// {observedGeneration: -1} and spec.timeout, spec.provider.)
// Contract: never removes or changes a present value.
#pragma once

#include "adapters/common/json.hpp"

namespace kstand {

void apply_schema_defaults(fluxaws::json::value& object, const fluxaws::json::value& schema);

}  // namespace kstand
