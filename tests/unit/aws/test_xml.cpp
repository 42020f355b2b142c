// The XML reader: what AWS sends, and what a hostile or broken peer could send.
#include <boost/test/unit_test.hpp>

#include "adapters/aws/xml.hpp"

using namespace fluxaws::aws;

BOOST_AUTO_TEST_SUITE(xml_reader)

BOOST_AUTO_TEST_CASE(elements_text_and_namespaces) {
  auto doc = xml::parse(
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
      "<!-- a comment -->\n"
      "<s3:ListBucketResult xmlns:s3=\"http://s3.amazonaws.com/doc/2006-03-01/\" a='1'>"
      "<s3:Name>bucket</s3:Name><Contents><Key>a</Key></Contents><Contents><Key>b</Key></Contents>"
      "<Empty/><Empty2 x=\"y\" /></s3:ListBucketResult>\n");
  BOOST_REQUIRE_MESSAGE(doc.ok(), (doc.ok() ? std::string() : doc.error().message));
  BOOST_TEST(doc->name == "ListBucketResult");
  BOOST_TEST(doc->child_text("Name") == "bucket");
  BOOST_TEST(doc->all("Contents").size() == 2u);
  BOOST_TEST(doc->all("Contents")[1]->child_text("Key") == "b");
  BOOST_TEST(doc->child("Empty") != nullptr);
  BOOST_TEST(doc->child("Empty2") != nullptr);
  BOOST_TEST(doc->child("Missing") == nullptr);
  BOOST_TEST(doc->child_text("Missing", "fallback") == "fallback");
  BOOST_TEST(doc->find({"Contents", "Key"})->text == "a");
  BOOST_TEST(doc->find({"Contents", "Nope"}) == nullptr);
}

BOOST_AUTO_TEST_CASE(entities_and_cdata) {
  auto doc = xml::parse("<a>&amp;&lt;&gt;&quot;&apos; &#65;&#x42;&#xe9;&#x1F600; <![CDATA[<raw & stuff>]]></a>");
  BOOST_REQUIRE(doc.ok());
  BOOST_TEST(doc->text == "&<>\"' AB\xC3\xA9\xF0\x9F\x98\x80 <raw & stuff>");
  auto etag = xml::parse("<ETag>&quot;5eb63bbbe01eeed093cb22bb8f5acdc3&quot;</ETag>");
  BOOST_TEST(etag->text == "\"5eb63bbbe01eeed093cb22bb8f5acdc3\"");
}

BOOST_AUTO_TEST_CASE(byte_order_mark_and_whitespace) {
  auto doc = xml::parse("\xEF\xBB\xBF  \n<a> x </a>  \n");
  BOOST_REQUIRE(doc.ok());
  BOOST_TEST(doc->text == " x ");
}

BOOST_AUTO_TEST_CASE(refuses_dtds_and_unknown_entities) {
  const char* xxe =
      "<?xml version=\"1.0\"?><!DOCTYPE foo [<!ENTITY xxe SYSTEM \"file:///etc/passwd\">]><foo>&xxe;</foo>";
  auto d = xml::parse(xxe);
  BOOST_REQUIRE(!d.ok());
  BOOST_TEST(d.error().code == "parse");
  BOOST_TEST(d.error().message.find("DOCTYPE") != std::string::npos);
  BOOST_TEST(!xml::parse("<foo>&xxe;</foo>").ok());
  BOOST_TEST(!xml::parse("<foo>&lol1;&lol1;</foo>").ok());
  BOOST_TEST(!xml::parse("<foo><!ENTITY x \"y\"></foo>").ok());
  BOOST_TEST(!xml::parse("<foo>&#0;</foo>").ok());
  BOOST_TEST(!xml::parse("<foo>&#xD800;</foo>").ok());
  BOOST_TEST(!xml::parse("<foo>&#x110000;</foo>").ok());
  BOOST_TEST(!xml::parse("<foo>&#xZZ;</foo>").ok());
  BOOST_TEST(!xml::parse("<foo>&amp</foo>").ok());
  BOOST_TEST(!xml::parse("<foo>&;</foo>").ok());
}

BOOST_AUTO_TEST_CASE(malformed_and_truncated) {
  const char* bad[] = {
      "",
      "   ",
      "not xml",
      "{\"__type\":\"x\"}",
      "<a>",
      "<a><b></a>",
      "<a></b>",
      "<a>text",
      "<a></a><b></b>",
      "<a></a>trailing",
      "text<a></a>",
      "<a b></a>",
      "<a b=1></a>",
      "<a b=\"1\"c=\"2\"></a>",
      "<a b=\"<\"></a>",
      "<a b=\"1></a>",
      "<1a></1a>",
      "<a><!-- unterminated </a>",
      "<a><![CDATA[ unterminated </a>",
      "<?xml version=\"1.0\"",
      "<a/",
      "<",
      "<AssumeRoleWithWebIdentityResponse><AssumeRoleWithWebIdentityResult><Credentials><AccessKeyId>ASIA",
  };
  for (auto b : bad) {
    BOOST_TEST_CONTEXT("input: " << b) {
      auto d = xml::parse(b);
      BOOST_TEST(!d.ok());
      if (!d.ok()) {
        BOOST_TEST(d.error().code == "parse");
        BOOST_TEST(d.error().message.find("at byte") != std::string::npos);
      }
    }
  }
  // Every prefix of a real document is refused, none crashes.
  std::string full =
      "<ErrorResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\"><Error><Type>Sender</Type>"
      "<Code>InvalidIdentityToken</Code><Message>a &amp; b</Message></Error><RequestId>x</RequestId></ErrorResponse>";
  for (std::size_t n = 0; n < full.size(); ++n) BOOST_TEST(!xml::parse(full.substr(0, n)).ok());
  BOOST_TEST(xml::parse(full).ok());
}

BOOST_AUTO_TEST_CASE(limits) {
  std::string deep;
  for (int i = 0; i < 100; ++i) deep += "<a>";
  for (int i = 0; i < 100; ++i) deep += "</a>";
  auto d = xml::parse(deep);
  BOOST_REQUIRE(!d.ok());
  BOOST_TEST(d.error().message.find("nesting") != std::string::npos);
  xml::limits lim;
  lim.max_depth = 200;
  BOOST_TEST(xml::parse(deep, lim).ok());

  // Far deeper than any stack would allow if depth were unchecked.
  std::string very_deep;
  for (int i = 0; i < 500000; ++i) very_deep += "<a>";
  BOOST_TEST(!xml::parse(very_deep).ok());

  lim = {};
  lim.max_bytes = 10;
  BOOST_TEST(!xml::parse("<a>0123456789</a>", lim).ok());
  lim = {};
  lim.max_elements = 3;
  BOOST_TEST(!xml::parse("<a><b/><c/><d/></a>", lim).ok());
  BOOST_TEST(xml::parse("<a><b/><c/></a>", lim).ok());
}

BOOST_AUTO_TEST_SUITE_END()
