#define BOOST_TEST_MODULE unit_archive
#include <boost/test/unit_test.hpp>
