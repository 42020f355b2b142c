#define BOOST_TEST_MODULE unit_sigv4
#include <boost/test/unit_test.hpp>
