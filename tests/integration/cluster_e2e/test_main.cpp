#define BOOST_TEST_MODULE cluster_e2e
#include <boost/test/unit_test.hpp>
