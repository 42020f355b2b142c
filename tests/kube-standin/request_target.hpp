// request_target.hpp — what a Kubernetes API URL names: discovery documents
// (/api, /api/v1, /apis, /apis/<g>, /apis/<g>/<v>) or a resource request
// (/api/v1[/namespaces/<ns>]/<resource>[/<name>[/<subresource>]], same under
// /apis/<g>/<v>), plus the decoded query parameters.
//
// Contract: parse() never fails on odd input; an unrecognised path has kind::other.
// "namespaces/<n>/status" and "namespaces/<n>/finalize" are namespace subresources,
// any other third segment after "namespaces/<n>" is a namespaced resource.
#pragma once

#include <map>
#include <string>
#include <string_view>

namespace kstand {

struct request_target {
  enum class kind { other, core_versions, group_list, group, resource_list, resource } k = kind::other;
  std::string group, version;  // group empty: core
  std::string ns;              // namespace in the URL (empty: cluster scope or all namespaces)
  bool namespaced_url = false; // the URL had /namespaces/<ns>/<resource>
  std::string resource, name, subresource;
  std::map<std::string, std::string> query;

  std::string param(const std::string& key, std::string fallback = {}) const {
    auto it = query.find(key);
    return it == query.end() ? fallback : it->second;
  }
  bool has(const std::string& key) const { return query.count(key) != 0; }
};

request_target parse_target(std::string_view target);  // path plus optional "?query"

}  // namespace kstand
