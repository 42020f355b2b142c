#define BOOST_TEST_MODULE unit_images
#include <boost/test/unit_test.hpp>
