#define BOOST_TEST_MODULE unit_credentials
#include <boost/test/unit_test.hpp>
