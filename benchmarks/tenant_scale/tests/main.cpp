#define BOOST_TEST_MODULE tenant_scale_unit_test
#include <boost/test/unit_test.hpp>
