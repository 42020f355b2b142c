// The real sops-written fixtures of testdata/sops: every file expected.json lists is
// decrypted with its data key, every leaf compared (path AAD, type, plaintext) and
// every MAC checked. New entries in expected.json are picked up automatically.
// Messages name files and leaf positions only, never values.
#include <boost/test/unit_test.hpp>

#include <functional>

#include "adapters/common/encoding.hpp"
#include "adapters/sops/document.hpp"
#include "adapters/sops/stores.hpp"
#include "adapters/sops/value_cipher.hpp"
#include "test_support.hpp"

using namespace fluxaws;
using namespace fluxaws::sops;
using sops_test::expected;
using sops_test::key_of;
using sops_test::read_file;
using sops_test::shared_dir;

BOOST_AUTO_TEST_SUITE(shared_files)

BOOST_AUTO_TEST_CASE(every_listed_file_decrypts_leaf_by_leaf) {
  const auto& all = expected().as_object();
  BOOST_REQUIRE_GE(all.size(), 19u);
  std::size_t files = 0, leaves_checked = 0, macs_ok = 0;
  for (const auto& [file, exp] : all) {
    BOOST_TEST_CONTEXT("file " << file) {
      auto fmt = parse_format_name(exp.find("format")->as_string());
      BOOST_REQUIRE(fmt.has_value());
      std::string bytes = read_file(shared_dir() + "/" + file);
      decrypt_options opts;
      opts.collect_leaves = true;
      auto out = decrypt(bytes, *fmt, key_of(file), opts);
      BOOST_REQUIRE_MESSAGE(out.ok(), "decrypt failed: " << (out.ok() ? "" : out.error().to_string()));
      const auto& want = exp.find("values")->as_array();
      BOOST_CHECK_EQUAL(out->leaves.size(), want.size());
      for (std::size_t i = 0; i < std::min(want.size(), out->leaves.size()); ++i) {
        const auto& got = out->leaves[i];
        const auto& w = want[i];
        std::string want_type = w.find("type")->as_string();
        BOOST_CHECK_MESSAGE(got.type == want_type, "leaf " << i << " (" << got.path << "): type " << got.type
                                                            << ", expected " << want_type);
        if (w.find("aad")->is_null()) {
          BOOST_CHECK_MESSAGE(!got.aad, "leaf " << i << " (" << got.path << ") should be unencrypted");
        } else {
          BOOST_CHECK_MESSAGE(got.aad && *got.aad == w.find("aad")->as_string(),
                              "leaf " << i << " (" << got.path << "): additional data differs");
        }
        BOOST_CHECK_MESSAGE(got.plaintext == w.find("plaintext")->as_string(),
                            "leaf " << i << " (" << got.path << "): plaintext differs");
        ++leaves_checked;
      }
      bool want_mac = exp.find("mac_ok")->as_bool();
      BOOST_CHECK_EQUAL(out->mac_ok, want_mac);
      macs_ok += out->mac_ok ? 1 : 0;

      // The stored MAC itself, decrypted with lastmodified as additional data.
      auto doc = parse_document(bytes, *fmt);
      BOOST_REQUIRE(doc.ok());
      BOOST_CHECK_EQUAL(doc->meta.lastmodified, exp.find("lastmodified")->as_string());
      if (!doc->meta.mac.empty()) {
        auto mac = decrypt_value(doc->meta.mac, key_of(file), doc->meta.lastmodified);
        BOOST_REQUIRE(mac.ok());
        BOOST_CHECK(mac->text == exp.find("mac_plaintext")->as_string());
        BOOST_CHECK_EQUAL(mac->text.size(), 128u);
      }

      // With verification on, a good MAC passes and a missing one is refused.
      decrypt_options verify;
      verify.verify_mac = true;
      auto checked = decrypt(bytes, *fmt, key_of(file), verify);
      BOOST_CHECK_EQUAL(checked.ok(), want_mac);
      if (!want_mac) BOOST_CHECK_EQUAL(checked.error().code, "sops_mac");
      ++files;
    }
  }
  BOOST_TEST_MESSAGE("checked " << files << " files, " << leaves_checked << " leaves, " << macs_ok << " MACs");
  BOOST_CHECK_GE(leaves_checked, 60u);
}

// The upstream functional tests' expected plaintexts for functional-tests/res/format.*
BOOST_AUTO_TEST_CASE(format_fixtures_emit_what_sops_prints) {
  struct {
    const char* file;
    format fmt;
    const char* want;
  } cases[] = {
      {"getsops-sops/ft_format.enc.yaml", format::yaml, "foo: bar\n"},
      {"getsops-sops/ft_format.enc.json", format::json, "{\n\t\"foo\": \"bar\"\n}\n"},
      {"getsops-sops/ft_format.enc.env", format::dotenv, "foo = bar\n"},
      {"getsops-sops/ft_format.enc.ini", format::ini, "[foo]\nbar = baz\n"},
      {"getsops-sops/ft_format-2.enc.ini", format::ini, "[foo]\nbar = baz\n"},
  };
  for (const auto& c : cases) {
    BOOST_TEST_CONTEXT(c.file) {
      auto out = decrypt(read_file(shared_dir() + "/" + c.file), c.fmt, key_of(c.file));
      BOOST_REQUIRE(out.ok());
      BOOST_CHECK_MESSAGE(out->bytes == c.want, "plaintext output differs from sops' functional test");
    }
  }
}

BOOST_AUTO_TEST_CASE(kubernetes_secrets_decrypt_to_json_objects) {
  struct {
    const char* file;
    const char* key;
    const char* value;
  } cases[] = {
      {"fluxcd-kustomize-controller/algorithms_age.yaml", "key", "value"},
      {"fluxcd-kustomize-controller/patches_merge1.yaml", "key", "merge1"},
      {"fluxcd-kustomize-controller/patches_merge2.yaml", "merge2", "merge2"},
      {"fluxcd-kustomize-controller/global_secret.yaml", "key", "global-value"},
  };
  for (const auto& c : cases) {
    BOOST_TEST_CONTEXT(c.file) {
      auto out = decrypt(read_file(shared_dir() + "/" + c.file), format::yaml, key_of(c.file));
      BOOST_REQUIRE(out.ok());
      BOOST_REQUIRE_EQUAL(out->json_documents.size(), 1u);
      const auto& obj = out->json_documents[0];
      BOOST_CHECK(obj.find("sops") == nullptr);
      BOOST_CHECK_EQUAL(obj.find("kind")->as_string(), "Secret");
      const auto* v = obj.at({"stringData", c.key});
      BOOST_REQUIRE(v != nullptr);
      BOOST_CHECK_MESSAGE(v->as_string() == c.value, "stringData value differs from Flux's test expectation");
    }
  }
}

BOOST_AUTO_TEST_CASE(encrypted_comments_decrypt_with_their_collection_path) {
  // example.yaml: 4 encrypted comments; ft_comments.enc.yaml: 2 at the top level;
  // example.ini: one section comment.
  struct {
    const char* file;
    format fmt;
    std::size_t comments;
  } cases[] = {{"getsops-sops/example.yaml", format::yaml, 4},
               {"getsops-sops/ft_comments.enc.yaml", format::yaml, 2},
               {"getsops-sops/example.ini", format::ini, 1}};
  for (const auto& c : cases) {
    BOOST_TEST_CONTEXT(c.file) {
      std::string bytes = read_file(shared_dir() + "/" + c.file);
      auto doc = parse_document(bytes, c.fmt);
      BOOST_REQUIRE(doc.ok());
      auto out = decrypt(std::move(*doc), key_of(c.file));
      BOOST_REQUIRE(out.ok());
      // Re-read the plaintext: every comment is there, none is still encrypted.
      auto again = load_plain(c.fmt, out->bytes);
      BOOST_REQUIRE(again.ok());
      std::size_t seen = 0, still_encrypted = 0;
      std::function<void(const node&)> visit = [&](const node& n) {
        if (n.is_comment()) {
          ++seen;
          if (n.text.find("ENC[AES256_GCM") != std::string::npos) ++still_encrypted;
        }
        for (const auto& e : n.entries) visit(e.value);
        for (const auto& i : n.items) visit(i);
      };
      for (const auto& b : *again) visit(b);
      BOOST_CHECK_EQUAL(seen, c.comments);
      BOOST_CHECK_EQUAL(still_encrypted, 0u);
    }
  }
  // ft_comments.enc.yaml decrypts to the comments of its plaintext twin.
  auto out = decrypt(read_file(shared_dir() + "/getsops-sops/ft_comments.enc.yaml"), format::yaml,
                     key_of("getsops-sops/ft_comments.enc.yaml"));
  BOOST_REQUIRE(out.ok());
  std::string twin = read_file(shared_dir() + "/getsops-sops/ft_comments.yaml");
  if (!twin.empty() && twin.back() != '\n') twin += '\n';
  BOOST_CHECK_MESSAGE(out->bytes == twin,
                      "decrypted ft_comments.enc.yaml differs from ft_comments.yaml");
}

BOOST_AUTO_TEST_CASE(typed_values_keep_their_type) {
  auto out = decrypt(read_file(shared_dir() + "/getsops-sops/example.yaml"), format::yaml,
                     key_of("getsops-sops/example.yaml"));
  BOOST_REQUIRE(out.ok());
  const auto& obj = out->json_documents.at(0);
  BOOST_CHECK(obj.find("number")->type() == json::value::kind::number);
  BOOST_CHECK_EQUAL(obj.find("number")->as_double(), 1234568000.0);
  const auto& bools = obj.find("somebooleans")->as_array();
  BOOST_REQUIRE_EQUAL(bools.size(), 2u);
  BOOST_CHECK(bools[0].is_bool() && bools[0].as_bool());
  BOOST_CHECK(bools[1].is_bool() && !bools[1].as_bool());
  BOOST_CHECK_EQUAL(obj.find("an_array")->size(), 4u);
  // The YAML text keeps them typed as well.
  auto again = load_yaml(out->bytes);
  BOOST_REQUIRE(again.ok());
  BOOST_CHECK(to_json(again->at(0)) == obj);

  auto js = decrypt(read_file(shared_dir() + "/getsops-sops/example.json"), format::json,
                    key_of("getsops-sops/example.json"));
  BOOST_REQUIRE(js.ok());
  const auto& jo = js->json_documents.at(0);
  BOOST_CHECK(jo.find("age")->type() == json::value::kind::number);
  BOOST_CHECK(jo.find("anEmptyValue")->is_string() && jo.find("anEmptyValue")->as_string().empty());
  auto reparsed = json::parse(js->bytes);
  BOOST_REQUIRE(reparsed.has_value());
  BOOST_CHECK(*reparsed == jo);
}

BOOST_AUTO_TEST_CASE(binary_documents_give_back_the_file) {
  auto out = decrypt(read_file(shared_dir() + "/getsops-sops/example.txt"), format::binary,
                     key_of("getsops-sops/example.txt"));
  BOOST_REQUIRE(out.ok());
  BOOST_CHECK_EQUAL(out->bytes.size(), 155u);
  BOOST_CHECK(out->bytes.rfind("Welcome to SOPS!", 0) == 0);
  BOOST_CHECK(out->json_documents.empty());
}

BOOST_AUTO_TEST_CASE(a_document_is_emitted_in_another_format_on_request) {
  // Flux decrypts a Secret data value in the marker's format and writes it in the
  // format of the data key's name.
  decrypt_options opts;
  opts.output_format = format::json;
  auto out = decrypt(read_file(shared_dir() + "/fluxcd-kustomize-controller/envs_env.env"), format::dotenv,
                     key_of("fluxcd-kustomize-controller/envs_env.env"), opts);
  BOOST_REQUIRE(out.ok());
  BOOST_CHECK_MESSAGE(out->bytes == "{\n\t\"key\": \"value\"\n}\n", "dotenv → JSON output differs");
  opts.output_format = format::dotenv;
  auto nested = decrypt(read_file(shared_dir() + "/getsops-sops/example.yaml"), format::yaml,
                        key_of("getsops-sops/example.yaml"), opts);
  BOOST_REQUIRE(!nested.ok());
  BOOST_CHECK_EQUAL(nested.error().code, "sops_format");
}

BOOST_AUTO_TEST_SUITE_END()
