// table_view.hpp — server-side printing (meta.k8s.io/v1 Table), what `kubectl get`
// asks for (Accept: application/json;as=Table;v=v1;g=meta.k8s.io): columns from the
// CRD's additionalPrinterColumns (type "date" rendered as an age, like "5m10s"), or
// Name + Age when a CRD declares none; built-in resources get Name, a few columns of
// their own and Age. Each row carries the object as PartialObjectMetadata (default),
// the full object (includeObject=Object) or nothing (None).
#pragma once

#include <chrono>
#include <string>
#include <string_view>
#include <vector>

#include "adapters/common/json.hpp"
#include "tests/kube-standin/object_store.hpp"
#include "tests/kube-standin/resource_catalog.hpp"

namespace kstand {

// Go's k8s.io/apimachinery duration.HumanDuration.
std::string human_duration(std::chrono::seconds d);

fluxaws::json::value to_table(const resource_type& type, std::string_view version, const std::vector<object_ptr>& objects,
                              std::string_view include_object, std::string_view list_rv, std::string_view continue_token,
                              std::chrono::system_clock::time_point now);

// The object as the requested version serves it (apiVersion rewritten when it differs).
fluxaws::json::value as_version(const fluxaws::json::value& obj, const resource_type& type, std::string_view version);

}  // namespace kstand
