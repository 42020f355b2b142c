// protobuf_body.hpp — reading the Kubernetes protobuf request bodies kubectl sends for
// built-in kinds (`kubectl create namespace|serviceaccount|secret|configmap|token`):
// the "k8s\0" magic, a runtime.Unknown envelope (typeMeta, raw), and the object message
// for Namespace, ServiceAccount, Secret, ConfigMap and TokenRequest, turned into the
// JSON object the API holds (bytes maps as base64, like the JSON form).
//
// Contract: only the fields a client sets on create are read (ObjectMeta name,
// generateName, namespace, labels, annotations, finalizers; the kinds' own data);
// others are skipped by wire type. Truncated or malformed input, or another kind, is an
// error naming the reason — never a partial object.
#pragma once

#include <string_view>

#include "adapters/common/json.hpp"
#include "adapters/common/result.hpp"

namespace kstand {

fluxaws::result<fluxaws::json::value> decode_kube_protobuf(std::string_view body);

}  // namespace kstand
