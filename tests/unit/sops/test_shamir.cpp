// Shamir as SOPS (HashiCorp Vault's package) does it: GF(2^8) with the AES
// polynomial, parts laid out {y…, x}. Fixed vectors were computed with an
// independent implementation (Python, carry-less multiply mod 0x11B).
#include <boost/test/unit_test.hpp>

#include <memory>

#include "adapters/common/encoding.hpp"
#include "adapters/sops/kms_keys.hpp"
#include "adapters/sops/shamir.hpp"

using namespace fluxaws;
using namespace fluxaws::sops;

namespace {

// A random source that hands out fixed bytes in order.
shamir::random_source fixed(std::vector<uint8_t> bytes) {
  auto pos = std::make_shared<std::size_t>(0);
  return [bytes, pos](std::size_t n) {
    std::string out;
    for (std::size_t i = 0; i < n; ++i) out.push_back(static_cast<char>(bytes.at((*pos)++)));
    return out;
  };
}

std::string unhex(const char* h) { return *enc::unhex(h); }

}  // namespace

BOOST_AUTO_TEST_SUITE(shamir_sharing)

BOOST_AUTO_TEST_CASE(field_arithmetic_matches_the_aes_field_and_vaults_tables) {
  BOOST_CHECK_EQUAL(shamir::gf_mul(3, 7), 9);
  BOOST_CHECK_EQUAL(shamir::gf_mul(3, 0), 0);
  BOOST_CHECK_EQUAL(shamir::gf_mul(0x57, 0x83), 0xC1);  // FIPS-197 §4.2
  BOOST_CHECK_EQUAL(shamir::gf_add(16, 16), 0);
  BOOST_CHECK_EQUAL(shamir::gf_add(3, 4), 7);
  BOOST_CHECK_EQUAL(shamir::gf_div(0, 7), 0);
  BOOST_CHECK_EQUAL(shamir::gf_div(3, 3), 1);
  BOOST_CHECK_EQUAL(shamir::gf_div(6, 3), 2);
  // Vault's original code multiplied with log/exp tables over generator 3.
  uint8_t exp_table[255], log_table[256] = {};
  uint8_t v = 1;
  for (int i = 0; i < 255; ++i) {
    exp_table[i] = v;
    log_table[v] = static_cast<uint8_t>(i);
    v = static_cast<uint8_t>(v ^ (v << 1) ^ ((v & 0x80) ? 0x1B : 0));  // v *= 3
  }
  int mismatches = 0;
  for (int a = 0; a < 256; ++a)
    for (int b = 0; b < 256; ++b) {
      uint8_t want = (a == 0 || b == 0) ? 0 : exp_table[(log_table[a] + log_table[b]) % 255];
      if (shamir::gf_mul(static_cast<uint8_t>(a), static_cast<uint8_t>(b)) != want) ++mismatches;
      if (b != 0 && shamir::gf_div(shamir::gf_mul(static_cast<uint8_t>(a), static_cast<uint8_t>(b)),
                                   static_cast<uint8_t>(b)) != a)
        ++mismatches;
    }
  BOOST_CHECK_EQUAL(mismatches, 0);
  for (int a = 1; a < 256; ++a)
    BOOST_CHECK_EQUAL(shamir::gf_mul(static_cast<uint8_t>(a), shamir::gf_inverse(static_cast<uint8_t>(a))), 1);
  BOOST_CHECK_EQUAL(shamir::gf_inverse(0), 0);
}

BOOST_AUTO_TEST_CASE(split_matches_fixed_vectors) {
  auto two_of_three = shamir::split("test", 3, 2, fixed({0x11, 0x22, 0x33, 0x44}));
  BOOST_REQUIRE(two_of_three.ok());
  BOOST_REQUIRE_EQUAL(two_of_three->size(), 3u);
  BOOST_CHECK_EQUAL(enc::hex((*two_of_three)[0]), "6547403001");
  BOOST_CHECK_EQUAL(enc::hex((*two_of_three)[1]), "562115fc02");
  BOOST_CHECK_EQUAL(enc::hex((*two_of_three)[2]), "470326b803");

  auto three_of_five = shamir::split("test", 5, 3, fixed({0x01, 0x02, 0xfe, 0x80, 0x55, 0xaa, 0x00, 0xff}));
  BOOST_REQUIRE(three_of_five.ok());
  const char* want[] = {"771b8c8b01", "7eb447a502", "7dcab85a03", "5068721d04", "53168de205"};
  for (std::size_t i = 0; i < 5; ++i) BOOST_CHECK_EQUAL(enc::hex((*three_of_five)[i]), want[i]);
}

BOOST_AUTO_TEST_CASE(combine_matches_fixed_vectors) {
  auto a = shamir::combine({unhex("6547403001"), unhex("470326b803")});
  BOOST_REQUIRE(a.ok());
  BOOST_CHECK_EQUAL(*a, "test");
  auto b = shamir::combine({unhex("5068721d04"), unhex("771b8c8b01"), unhex("7dcab85a03")});
  BOOST_REQUIRE(b.ok());
  BOOST_CHECK_EQUAL(*b, "test");
  // Too few parts interpolate to something else (the caller checks the threshold).
  auto c = shamir::combine({unhex("5068721d04"), unhex("771b8c8b01")});
  BOOST_REQUIRE(c.ok());
  BOOST_CHECK(*c != "test");
}

BOOST_AUTO_TEST_CASE(every_threshold_subset_recovers_a_random_key) {
  std::string secret = *enc::unhex("558e95c88337865c839703a4e892c03eed324ae6bbcb65c2989558e1a55825bb");
  auto parts = shamir::split(secret, 5, 3);
  BOOST_REQUIRE(parts.ok());
  int checked = 0;
  for (int i = 0; i < 5; ++i)
    for (int j = 0; j < 5; ++j)
      for (int k = 0; k < 5; ++k) {
        if (i == j || j == k || i == k) continue;
        auto r = shamir::combine({(*parts)[static_cast<std::size_t>(i)], (*parts)[static_cast<std::size_t>(j)],
                                  (*parts)[static_cast<std::size_t>(k)]});
        BOOST_REQUIRE(r.ok());
        BOOST_CHECK(*r == secret);
        ++checked;
      }
  BOOST_CHECK_EQUAL(checked, 60);
}

BOOST_AUTO_TEST_CASE(invalid_inputs_are_refused) {
  BOOST_CHECK(!shamir::split("test", 0, 0).ok());
  BOOST_CHECK(!shamir::split("test", 2, 3).ok());
  BOOST_CHECK(!shamir::split("test", 1000, 3).ok());
  BOOST_CHECK(!shamir::split("test", 10, 1).ok());
  BOOST_CHECK(!shamir::split("", 3, 2).ok());
  BOOST_CHECK(!shamir::combine({}).ok());
  BOOST_CHECK(!shamir::combine({"foo", "ba"}).ok());
  BOOST_CHECK(!shamir::combine({"f", "b"}).ok());
  BOOST_CHECK(!shamir::combine({"foo", "foo"}).ok());
}

BOOST_AUTO_TEST_CASE(data_key_from_parts_applies_the_threshold) {
  metadata m;
  m.key_groups.resize(3);
  m.shamir_threshold = 2;
  std::string key = *enc::unhex("472b5e68ce8212f116283588b74be542f0e38353e16126654737e6858b961e5a");
  auto parts = shamir::split(key, 3, 2);
  BOOST_REQUIRE(parts.ok());
  std::vector<std::optional<std::string>> got = {std::nullopt, (*parts)[1], (*parts)[2]};
  auto ok = data_key_from_parts(m, got);
  BOOST_REQUIRE(ok.ok());
  BOOST_CHECK(*ok == key);
  got[1].reset();
  auto one = data_key_from_parts(m, got);
  BOOST_REQUIRE(!one.ok());
  BOOST_CHECK_EQUAL(one.error().code, "sops_shamir");
  BOOST_CHECK(one.error().message.find("only 1 of 3") != std::string::npos);
  BOOST_CHECK(!data_key_from_parts(m, {std::nullopt}).ok());  // one entry per group

  metadata single;
  single.key_groups.resize(1);
  auto direct = data_key_from_parts(single, {key});
  BOOST_REQUIRE(direct.ok());
  BOOST_CHECK(*direct == key);
  BOOST_CHECK(!data_key_from_parts(single, {std::nullopt}).ok());
  auto short_key = data_key_from_parts(single, {key.substr(0, 16)});
  BOOST_REQUIRE(!short_key.ok());
  BOOST_CHECK_EQUAL(short_key.error().code, "sops_wrong_key");
}

BOOST_AUTO_TEST_SUITE_END()
