#include "tests/kube-standin/request_target.hpp"

#include <vector>

#include "adapters/common/encoding.hpp"
#include "adapters/common/strings.hpp"

namespace kstand {

namespace {

std::string decode(std::string_view s, bool plus) {
  auto d = fluxaws::enc::uri_decode(s, plus);
  return d ? *d : std::string(s);
}

void parse_resource(request_target& t, const std::vector<std::string>& seg, std::size_t i) {
  // seg[i..]: [namespaces, ns, resource, name, sub] or [resource, name, sub]
  const std::size_t n = seg.size() - i;
  if (n == 0) {
    t.k = request_target::kind::resource_list;
    return;
  }
  t.k = request_target::kind::resource;
  if (seg[i] == "namespaces" && n >= 3 && seg[i + 2] != "status" && seg[i + 2] != "finalize") {
    t.ns = seg[i + 1];
    t.namespaced_url = true;
    i += 2;
  }
  const std::size_t m = seg.size() - i;
  if (m > 3) {
    t.k = request_target::kind::other;
    return;
  }
  t.resource = seg[i];
  if (m >= 2) t.name = seg[i + 1];
  if (m == 3) t.subresource = seg[i + 2];
}

}  // namespace

request_target parse_target(std::string_view target) {
  request_target t;
  auto q = target.find('?');
  std::string_view path = target.substr(0, q);
  if (q != std::string_view::npos) {
    for (auto kv : fluxaws::str::split(target.substr(q + 1), '&')) {
      if (kv.empty()) continue;
      auto eq = kv.find('=');
      std::string key = decode(kv.substr(0, eq), true);
      std::string val = eq == std::string_view::npos ? std::string() : decode(kv.substr(eq + 1), true);
      t.query[key] = val;
    }
  }
  std::vector<std::string> seg;
  for (auto s : fluxaws::str::split(path, '/'))
    if (!s.empty()) seg.push_back(decode(s, false));
  if (seg.empty()) return t;
  if (seg[0] == "api") {
    if (seg.size() == 1) {
      t.k = request_target::kind::core_versions;
      return t;
    }
    t.version = seg[1];
    parse_resource(t, seg, 2);
    return t;
  }
  if (seg[0] == "apis") {
    if (seg.size() == 1) {
      t.k = request_target::kind::group_list;
      return t;
    }
    t.group = seg[1];
    if (seg.size() == 2) {
      t.k = request_target::kind::group;
      return t;
    }
    t.version = seg[2];
    parse_resource(t, seg, 3);
    return t;
  }
  return t;
}

}  // namespace kstand
