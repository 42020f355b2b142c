#define BOOST_TEST_MODULE unit_aws
#include <boost/test/unit_test.hpp>
