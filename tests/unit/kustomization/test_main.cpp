#define BOOST_TEST_MODULE kustomization
#include <boost/test/unit_test.hpp>
