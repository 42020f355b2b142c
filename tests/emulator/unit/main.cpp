// The emulator's unit tests: pure logic (policies, signatures, tokens, ciphertexts,
// routing, the world file, S3 listing) with no server.
#define BOOST_TEST_MODULE emulator_unit
#include <boost/test/unit_test.hpp>
