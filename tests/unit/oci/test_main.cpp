#define BOOST_TEST_MODULE unit_oci
#include <boost/test/unit_test.hpp>
