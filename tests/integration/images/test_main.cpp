#define BOOST_TEST_MODULE integration_images
#include <boost/test/unit_test.hpp>
