#define BOOST_TEST_MODULE unit_versions
#include <boost/test/unit_test.hpp>
