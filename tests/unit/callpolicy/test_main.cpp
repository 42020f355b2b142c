#define BOOST_TEST_MODULE unit_callpolicy
#include <boost/test/unit_test.hpp>
