// Go-compatible scalar text: the MAC hashes Go's rendering of typed values, and
// go-yaml v3's resolution decides which YAML scalars are numbers.
#include <boost/test/unit_test.hpp>

#include <cmath>
#include <limits>

#include "adapters/sops/scalars.hpp"

using namespace fluxaws::sops::gofmt;
using kind = resolved_scalar::kind;

BOOST_AUTO_TEST_SUITE(go_scalars)

BOOST_AUTO_TEST_CASE(format_float_f_shortest) {
  BOOST_CHECK_EQUAL(format_float(1234568000.0), "1234568000");
  BOOST_CHECK_EQUAL(format_float(1.234568e9), "1234568000");
  BOOST_CHECK_EQUAL(format_float(0.1), "0.1");
  BOOST_CHECK_EQUAL(format_float(25.4), "25.4");
  BOOST_CHECK_EQUAL(format_float(1.0), "1");
  BOOST_CHECK_EQUAL(format_float(-0.0), "-0");
  BOOST_CHECK_EQUAL(format_float(1e21), "1000000000000000000000");
  BOOST_CHECK_EQUAL(format_float(1e-7), "0.0000001");
  BOOST_CHECK_EQUAL(format_float(std::numeric_limits<double>::quiet_NaN()), "NaN");
  BOOST_CHECK_EQUAL(format_float(std::numeric_limits<double>::infinity()), "+Inf");
  BOOST_CHECK_EQUAL(format_float(-std::numeric_limits<double>::infinity()), "-Inf");
}

BOOST_AUTO_TEST_CASE(format_float_g_and_json) {
  BOOST_CHECK_EQUAL(format_float_g(1234568000.0), "1.234568E+09");
  BOOST_CHECK_EQUAL(format_float_g(25.4), "25.4");
  BOOST_CHECK_EQUAL(format_float_g(100000.0), "100000");
  BOOST_CHECK_EQUAL(format_float_g(1e6), "1E+06");
  BOOST_CHECK_EQUAL(format_float_g(1e-5), "1E-05");
  BOOST_CHECK_EQUAL(format_float_g(0.0001), "0.0001");
  BOOST_CHECK_EQUAL(format_json_float(1e21), "1e+21");
  BOOST_CHECK_EQUAL(format_json_float(1e20), "100000000000000000000");
  BOOST_CHECK_EQUAL(format_json_float(1e-7), "1e-7");
  BOOST_CHECK_EQUAL(format_json_float(0.000001), "0.000001");
  BOOST_CHECK_EQUAL(format_json_float(25.4), "25.4");
}

BOOST_AUTO_TEST_CASE(parse_int_base_zero) {
  BOOST_CHECK_EQUAL(*parse_int("0x1F"), 31);
  BOOST_CHECK_EQUAL(*parse_int("0o17"), 15);
  BOOST_CHECK_EQUAL(*parse_int("017"), 15);
  BOOST_CHECK_EQUAL(*parse_int("0b101"), 5);
  BOOST_CHECK_EQUAL(*parse_int("-0b101"), -5);
  BOOST_CHECK_EQUAL(*parse_int("+5"), 5);
  BOOST_CHECK_EQUAL(*parse_int("0"), 0);
  BOOST_CHECK_EQUAL(*parse_int("1_000"), 1000);
  BOOST_CHECK_EQUAL(*parse_int("-9223372036854775808"), std::numeric_limits<int64_t>::min());
  BOOST_CHECK(!parse_int("9223372036854775808"));
  BOOST_CHECK(!parse_int("_1"));
  BOOST_CHECK(!parse_int("1__0"));
  BOOST_CHECK(!parse_int("08"));
  BOOST_CHECK(!parse_int("0x"));
  BOOST_CHECK(!parse_int(""));
  BOOST_CHECK(!parse_int("-"));
  BOOST_CHECK(!parse_int("1.0"));
  BOOST_CHECK_EQUAL(*parse_atoi("007"), 7);
  BOOST_CHECK_EQUAL(*parse_atoi("-12"), -12);
  BOOST_CHECK(!parse_atoi("0x1"));
  BOOST_CHECK(!parse_atoi("1_0"));
}

BOOST_AUTO_TEST_CASE(parse_float_and_bool) {
  BOOST_CHECK_EQUAL(*parse_float("25.4"), 25.4);
  BOOST_CHECK_EQUAL(*parse_float(".5"), 0.5);
  BOOST_CHECK_EQUAL(*parse_float("5."), 5.0);
  BOOST_CHECK_EQUAL(*parse_float("-1e3"), -1000.0);
  BOOST_CHECK_EQUAL(*parse_float("1e-400"), 0.0);  // underflow rounds to zero
  BOOST_CHECK(!parse_float("1e400"));               // overflow is an error in Go
  BOOST_CHECK(std::isinf(*parse_float("+Inf")));
  BOOST_CHECK(std::isinf(*parse_float("-infinity")));
  BOOST_CHECK(std::isnan(*parse_float("NaN")));
  BOOST_CHECK(!parse_float("1_0"));
  BOOST_CHECK(!parse_float("."));
  BOOST_CHECK(!parse_float("1e"));
  BOOST_CHECK(!parse_float("abc"));
  for (const char* t : {"1", "t", "T", "TRUE", "true", "True"}) BOOST_CHECK(*parse_bool(t));
  for (const char* f : {"0", "f", "F", "FALSE", "false", "False"}) BOOST_CHECK(!*parse_bool(f));
  BOOST_CHECK(!parse_bool("yes"));
  BOOST_CHECK(!parse_bool("tRUE"));
}

BOOST_AUTO_TEST_CASE(rfc3339_as_go_formats_it) {
  auto t = parse_rfc3339("2024-11-12T13:33:42Z");
  BOOST_REQUIRE(t);
  BOOST_CHECK_EQUAL(format_rfc3339(*t), "2024-11-12T13:33:42Z");
  auto f = parse_rfc3339("2024-11-12T13:33:42.1230+02:00");
  BOOST_REQUIRE(f);
  BOOST_CHECK_EQUAL(format_rfc3339(*f), "2024-11-12T13:33:42+02:00");
  BOOST_CHECK_EQUAL(format_rfc3339_nano(*f), "2024-11-12T13:33:42.123+02:00");
  BOOST_CHECK_EQUAL(format_rfc3339(*parse_rfc3339("2024-11-12T13:33:42+00:00")), "2024-11-12T13:33:42Z");
  BOOST_CHECK_EQUAL(format_rfc3339(*parse_rfc3339("2024-02-29T00:00:00-05:30")), "2024-02-29T00:00:00-05:30");
  BOOST_CHECK(!parse_rfc3339("2023-02-29T00:00:00Z"));
  BOOST_CHECK(!parse_rfc3339("2024-13-01T00:00:00Z"));
  BOOST_CHECK(!parse_rfc3339("2024-11-12 13:33:42Z"));
  BOOST_CHECK(!parse_rfc3339("2024-11-12T13:33:42"));
  BOOST_CHECK(!parse_rfc3339("2024-11-12T24:00:00Z"));
  BOOST_CHECK(!parse_rfc3339("24-11-12T13:33:42Z"));
  BOOST_CHECK(!parse_rfc3339("2024-11-12T13:33:42Zjunk"));
}

BOOST_AUTO_TEST_CASE(go_yaml_v3_resolution) {
  auto is = [](const char* s, kind k) { return yaml_resolve_plain(s).type == k; };
  BOOST_CHECK(is("", kind::null));
  BOOST_CHECK(is("~", kind::null));
  BOOST_CHECK(is("Null", kind::null));
  BOOST_CHECK(is("True", kind::boolean));
  BOOST_CHECK(is("FALSE", kind::boolean));
  BOOST_CHECK(is("yes", kind::string));  // YAML 1.1 words stay strings in go-yaml v3
  BOOST_CHECK(is("on", kind::string));
  BOOST_CHECK(is("tRUE", kind::string));
  BOOST_CHECK_EQUAL(yaml_resolve_plain("0777").integer, 511);
  BOOST_CHECK_EQUAL(yaml_resolve_plain("0o17").integer, 15);
  BOOST_CHECK_EQUAL(yaml_resolve_plain("0x_1F").integer, 31);
  BOOST_CHECK_EQUAL(yaml_resolve_plain("1_000").integer, 1000);
  BOOST_CHECK_EQUAL(yaml_resolve_plain("-42").integer, -42);
  BOOST_CHECK(is("09", kind::floating));  // not octal, but a float
  BOOST_CHECK_EQUAL(yaml_resolve_plain("1e3").floating, 1000.0);
  BOOST_CHECK_EQUAL(yaml_resolve_plain(".5").floating, 0.5);
  BOOST_CHECK(std::isinf(yaml_resolve_plain("-.Inf").floating));
  BOOST_CHECK(std::isnan(yaml_resolve_plain(".NaN").floating));
  BOOST_CHECK(is(".iNf", kind::string));
  BOOST_CHECK(is("18446744073709551615", kind::out_of_range));
  BOOST_CHECK(is("99999999999999999999", kind::floating));
  BOOST_CHECK(is("2024-01-01", kind::string));
  BOOST_CHECK(is("2024-01-01T00:00:00Z", kind::string));
  BOOST_CHECK(is("1.2.3", kind::string));
  BOOST_CHECK(is("-", kind::string));
  BOOST_CHECK(is("+", kind::string));
  BOOST_CHECK(is("<<", kind::string));
  BOOST_CHECK(is("v1", kind::string));
}

BOOST_AUTO_TEST_SUITE_END()
