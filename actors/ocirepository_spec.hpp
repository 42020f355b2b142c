// The OCIRepository kind's spec (source.toolkit.fluxcd.io/v1) as fluxaws reads it, the
// checks that stall an object fluxaws cannot honour, the URL rules of source-
// controller's parseRepository, and the "content configuration" observations
// (status.observedIgnore, status.observedLayerSelector) that decide whether an
// unchanged revision must still be pulled again.
//
// Contract:
//  - parse_spec() never fails: absent fields take Flux's defaults (provider "generic",
//    layer operation "extract"); the CRD schema has been checked before.
//  - validate() stalls what would otherwise be silently ignored: spec.verify (cosign /
//    notation signature verification is out of scope), providers other than aws and
//    generic, spec.certSecretRef and spec.proxySecretRef. Messages name the field.
//  - parse_url() gives source-controller's messages for its two own checks ("URL must
//    be in format 'oci://<domain>/<org>/<repo>'", "URL must not contain a tag; remove
//    ':<tag>'") and the reference parser's for the rest; the caller wraps them as
//    "URL validation failed for '<url>': ..." (URLInvalid, Stalled).
//  - content_config_changed() is ociContentConfigChanged: spec.ignore differs from
//    status.observedIgnore (absent and "" differ), or spec.layerSelector from
//    status.observedLayerSelector (absent and {} differ).
#pragma once

#include <optional>
#include <string>

#include "actors/reconcile_result.hpp"
#include "adapters/common/json.hpp"
#include "adapters/common/result.hpp"
#include "adapters/oci/reference.hpp"

namespace fluxaws::actors::ocirepo {

inline constexpr const char* layer_extract = "extract";
inline constexpr const char* layer_copy = "copy";
// Helm charts pushed as OCI artifacts: their tags map '+' to '_' (see semver selection).
inline constexpr const char* helm_chart_layer_type = "application/vnd.cncf.helm.chart.content.v1.tar+gzip";

struct layer_selector {
  std::string media_type;
  std::string operation;
  friend bool operator==(const layer_selector&, const layer_selector&) = default;
};

struct ref_spec {
  std::string digest;
  std::string semver;
  std::string semver_filter;
  std::string tag;
};

struct spec {
  std::string url;
  std::optional<ref_spec> ref;
  std::optional<layer_selector> layer;
  std::string provider = "generic";
  std::string secret_ref;
  std::string service_account;
  std::optional<std::string> ignore;
  bool insecure = false;
  // Present only to be refused (validate()).
  bool has_verify = false;
  std::string verify_provider;
  bool has_cert_secret_ref = false;
  bool has_proxy_secret_ref = false;

  // GetLayerMediaType / GetLayerOperation.
  std::string layer_media_type() const { return layer ? layer->media_type : std::string(); }
  std::string layer_operation() const {
    return layer && !layer->operation.empty() ? layer->operation : std::string(layer_extract);
  }
};

spec parse_spec(const json::value& obj);

std::optional<reconcile_error> validate(const spec& s);

result<oci::repository_ref> parse_url(const std::string& url);

// status.observedLayerSelector as Flux writes it (omitempty fields), and back.
json::value layer_selector_json(const layer_selector& l);
std::optional<layer_selector> layer_selector_from(const json::value* v);

// status: the object's kind-specific status fields (observedIgnore, observedLayerSelector).
bool content_config_changed(const spec& s, const json::value& status);

}  // namespace fluxaws::actors::ocirepo
