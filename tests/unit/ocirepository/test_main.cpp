#define BOOST_TEST_MODULE unit_ocirepository
#include <boost/test/unit_test.hpp>
