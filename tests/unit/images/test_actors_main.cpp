#define BOOST_TEST_MODULE unit_images_actors
#include <boost/test/unit_test.hpp>
