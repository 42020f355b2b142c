#define BOOST_TEST_MODULE kube_standin_unit
#include <boost/test/unit_test.hpp>
