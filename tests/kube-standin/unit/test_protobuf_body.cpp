// Protobuf request bodies of built-in kinds, built by hand on the wire format.
#include <boost/test/unit_test.hpp>

#include "tests/kube-standin/protobuf_body.hpp"

using namespace kstand;

namespace {

std::string varint(uint64_t n) {
  std::string out;
  do {
    unsigned char b = n & 0x7f;
    n >>= 7;
    if (n) b |= 0x80;
    out += static_cast<char>(b);
  } while (n);
  return out;
}
std::string field(int number, const std::string& bytes) { return varint(static_cast<uint64_t>(number) << 3 | 2) + varint(bytes.size()) + bytes; }
std::string field_varint(int number, uint64_t v) { return varint(static_cast<uint64_t>(number) << 3) + varint(v); }
std::string entry(const std::string& k, const std::string& v) { return field(1, k) + field(2, v); }
std::string envelope(const std::string& api_version, const std::string& kind, const std::string& raw) {
  return std::string("k8s\0", 4) + field(1, field(1, api_version) + field(2, kind)) + field(2, raw) + field(4, "application/vnd.kubernetes.protobuf");
}

}  // namespace

BOOST_AUTO_TEST_SUITE(protobuf_bodies)

BOOST_AUTO_TEST_CASE(a_secret_with_labels_data_and_unknown_fields) {
  std::string meta = field(1, "s1") + field(3, "tenant-a") + field(11, entry("app", "x")) + field(11, entry("tier", "y")) +
                     field(5, "ignored-uid") + field_varint(7, 3);
  std::string secret = field(1, meta) + field(2, entry("k", std::string("v\0w", 3))) + field(3, "Opaque") +
                       field(4, entry("plain", "text")) + field_varint(5, 1);
  auto obj = decode_kube_protobuf(envelope("v1", "Secret", secret));
  BOOST_REQUIRE(obj.ok());
  BOOST_TEST(fluxaws::json::dump(*obj) ==
             R"({"apiVersion":"v1","kind":"Secret","metadata":{"name":"s1","namespace":"tenant-a","labels":{"app":"x","tier":"y"}},)"
             R"("data":{"k":"dgB3"},"type":"Opaque","stringData":{"plain":"text"},"immutable":true})");
}

BOOST_AUTO_TEST_CASE(a_token_request) {
  std::string spec = field(1, "sts.amazonaws.com") + field(1, "other") + field_varint(4, 3600) +
                     field(3, field(1, "Pod") + field(3, "p"));
  auto obj = decode_kube_protobuf(envelope("authentication.k8s.io/v1", "TokenRequest", field(1, field(1, "flux")) + field(2, spec)));
  BOOST_REQUIRE(obj.ok());
  BOOST_TEST(fluxaws::json::dump(*obj->find("spec")) ==
             R"({"audiences":["sts.amazonaws.com","other"],"expirationSeconds":3600,"boundObjectRef":{"kind":"Pod","name":"p"}})");
}

BOOST_AUTO_TEST_CASE(malformed_or_foreign_bodies_are_errors) {
  std::string ns = field(1, field(1, "n"));
  BOOST_TEST(decode_kube_protobuf(envelope("v1", "Namespace", ns)).ok());
  BOOST_TEST(!decode_kube_protobuf("{\"kind\":\"Namespace\"}").ok());                     // no magic
  BOOST_TEST(!decode_kube_protobuf(envelope("v1", "Pod", ns)).ok());                      // kind not read
  std::string whole = envelope("v1", "Namespace", ns);
  // Up to the end of the raw object (the envelope's contentType after it is optional).
  const std::size_t raw_end = whole.size() - field(4, "application/vnd.kubernetes.protobuf").size();
  for (std::size_t cut = 5; cut < raw_end; ++cut) {
    auto r = decode_kube_protobuf(whole.substr(0, cut));  // never a crash, never a partial object
    if (r.ok()) BOOST_TEST(false, "a truncated body at " << cut << " decoded");
  }
  std::string bad_wire = field(1, std::string("\x0f", 1));  // wire type 7 inside metadata
  BOOST_TEST(!decode_kube_protobuf(envelope("v1", "Namespace", bad_wire)).ok());
}

BOOST_AUTO_TEST_SUITE_END()
