// adapters/common/digest_prefetched: the same bytes as digest.hpp, from any thread.
#include <boost/test/unit_test.hpp>

#include <atomic>
#include <random>
#include <thread>

#include "adapters/common/digest.hpp"
#include "adapters/common/digest_prefetched.hpp"
#include "adapters/common/encoding.hpp"

namespace fast = fluxaws::digest::prefetched;
namespace ref = fluxaws::digest;
using fluxaws::enc::hex;
using fluxaws::enc::unhex;

BOOST_AUTO_TEST_SUITE(digest_prefetched)

BOOST_AUTO_TEST_CASE(rfc4231_hmac_sha256_vectors) {
  struct vec {
    std::string key_hex, data, mac_hex;
  };
  const vec cases[] = {
      {"0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b", "Hi There",
       "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7"},
      {"4a656665", "what do ya want for nothing?", "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"},
      {std::string(40, 'a'), std::string(50, '\xdd'),
       "773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe"},
      {std::string(262, 'a'), "Test Using Larger Than Block-Size Key - Hash Key First",
       "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54"},
  };
  for (const auto& c : cases) {
    const std::string key = *unhex(c.key_hex);
    BOOST_TEST(hex(fast::hmac_sha256(key, c.data)) == c.mac_hex);
  }
}

BOOST_AUTO_TEST_CASE(sha256_known_values) {
  BOOST_TEST(fast::sha256_hex("") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  BOOST_TEST(fast::sha256_hex("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  BOOST_TEST(hex(fast::sha256("abc")) == fast::sha256_hex("abc"));
}

BOOST_AUTO_TEST_CASE(agrees_with_digest_hpp_for_any_size_and_key) {
  std::mt19937 rng(7);
  for (std::size_t n : {0u, 1u, 55u, 56u, 63u, 64u, 65u, 127u, 128u, 1000u, 70000u}) {
    std::string data(n, '\0'), key(1 + rng() % 100, '\0');
    for (auto& c : data) c = static_cast<char>(rng());
    for (auto& c : key) c = static_cast<char>(rng());
    BOOST_TEST(fast::sha256(data) == ref::sha256(data));
    BOOST_TEST(fast::sha256_hex(data) == ref::sha256_hex(data));
    BOOST_TEST(fast::hmac_sha256(key, data) == ref::hmac_sha256(key, data));
  }
  // An empty key is a valid HMAC key (it is not "reuse the last key").
  fast::hmac_sha256("some key", "x");
  BOOST_TEST(fast::hmac_sha256("", "data") == ref::hmac_sha256("", "data"));
}

BOOST_AUTO_TEST_CASE(each_thread_gets_correct_results) {
  std::atomic<int> wrong{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t)
    threads.emplace_back([t, &wrong] {
      for (int i = 0; i < 2000; ++i) {
        const std::string key = "key-" + std::to_string(t) + "-" + std::to_string(i % 7);
        const std::string data = std::string(static_cast<std::size_t>(i % 300), static_cast<char>('a' + t));
        if (fast::hmac_sha256(key, data) != ref::hmac_sha256(key, data)) ++wrong;
        if (fast::sha256_hex(data) != ref::sha256_hex(data)) ++wrong;
      }
    });
  for (auto& th : threads) th.join();
  BOOST_TEST(wrong.load() == 0);
}

BOOST_AUTO_TEST_SUITE_END()
