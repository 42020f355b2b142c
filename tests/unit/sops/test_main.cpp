#define BOOST_TEST_MODULE unit_sops
#include <boost/test/unit_test.hpp>
