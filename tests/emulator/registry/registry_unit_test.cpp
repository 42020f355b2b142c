// Unit tests for the registry part's pure logic: /v2 paths and names, ECR pagination,
// deterministic tar+gzip, and the content a seed turns into.
#define BOOST_TEST_MODULE emulator_registry_unit
#include <boost/test/unit_test.hpp>

#include <archive.h>
#include <archive_entry.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <set>

#include "adapters/common/digest.hpp"
#include "adapters/common/json.hpp"
#include "tests/emulator/registry/deterministic_targz.hpp"
#include "tests/emulator/registry/front_cache.hpp"
#include "tests/emulator/registry/registry_errors.hpp"
#include "tests/emulator/registry/registry_names.hpp"
#include "tests/emulator/registry/seed_content.hpp"
#include "tests/emulator/registry/tag_pages.hpp"

using namespace emu::registry;
namespace fs = std::filesystem;

namespace {

struct temp_dir {
  temp_dir() {
    std::string tmpl = (fs::temp_directory_path() / "emureg-unit-XXXXXX").string();
    BOOST_REQUIRE(::mkdtemp(tmpl.data()) != nullptr);
    path = tmpl;
  }
  ~temp_dir() {
    std::error_code ec;
    fs::remove_all(path, ec);
  }
  fs::path path;
};

void write_file(const fs::path& p, std::string_view data) {
  fs::create_directories(p.parent_path());
  std::ofstream out(p, std::ios::binary);
  out << data;
}

struct tar_member {
  std::string path, data;
  int mode = 0;
  long mtime = -1, uid = -1, gid = -1;
};

std::vector<tar_member> read_targz(const std::string& bytes) {
  std::vector<tar_member> out;
  struct archive* a = archive_read_new();
  archive_read_support_filter_gzip(a);
  archive_read_support_format_tar(a);
  BOOST_REQUIRE(archive_read_open_memory(a, bytes.data(), bytes.size()) == ARCHIVE_OK);
  struct archive_entry* e = nullptr;
  while (archive_read_next_header(a, &e) == ARCHIVE_OK) {
    tar_member m;
    m.path = archive_entry_pathname(e);
    m.mode = archive_entry_perm(e);
    m.mtime = archive_entry_mtime(e);
    m.uid = archive_entry_uid(e);
    m.gid = archive_entry_gid(e);
    m.data.resize(static_cast<std::size_t>(archive_entry_size(e)));
    if (!m.data.empty()) archive_read_data(a, m.data.data(), m.data.size());
    out.push_back(std::move(m));
  }
  archive_read_free(a);
  return out;
}

std::string sha(std::string_view d) { return "sha256:" + fluxaws::digest::sha256_hex(d); }

}  // namespace

BOOST_AUTO_TEST_SUITE(names)

BOOST_AUTO_TEST_CASE(v2_paths_are_read_from_the_right) {
  auto p = parse_v2_path("/v2/tenant-a/manifests/manifests/v1.0.0");
  BOOST_REQUIRE(p);
  BOOST_TEST((p->kind == endpoint::manifest));
  BOOST_TEST(p->name == "tenant-a/manifests");
  BOOST_TEST(p->reference == "v1.0.0");

  p = parse_v2_path("/v2/tenant-a/app/tags/list");
  BOOST_REQUIRE(p);
  BOOST_TEST((p->kind == endpoint::tags_list));
  BOOST_TEST(p->name == "tenant-a/app");

  p = parse_v2_path("/v2/a/b/c/blobs/sha256:" + std::string(64, 'a'));
  BOOST_REQUIRE(p);
  BOOST_TEST((p->kind == endpoint::blob));
  BOOST_TEST(p->name == "a/b/c");

  p = parse_v2_path("/v2/tenant-a/app/blobs/uploads/");
  BOOST_REQUIRE(p);
  BOOST_TEST((p->kind == endpoint::upload_start));
  BOOST_TEST(p->name == "tenant-a/app");

  p = parse_v2_path("/v2/tenant-a/app/blobs/uploads/5f1c-uuid");
  BOOST_REQUIRE(p);
  BOOST_TEST((p->kind == endpoint::upload_session));
  BOOST_TEST(p->reference == "5f1c-uuid");

  // A repository whose last segment is "blobs" still parses as the name.
  p = parse_v2_path("/v2/x/blobs/manifests/latest");
  BOOST_REQUIRE(p);
  BOOST_TEST(p->name == "x/blobs");

  BOOST_TEST((parse_v2_path("/v2/")->kind == endpoint::ping));
  BOOST_TEST((parse_v2_path("/v2")->kind == endpoint::ping));
  BOOST_TEST((parse_v2_path("/v2/_catalog")->kind == endpoint::catalog));
  BOOST_TEST(!parse_v2_path("/v2/manifests/latest").has_value());        // no name
  BOOST_TEST(!parse_v2_path("/v2/Upper/manifests/latest").has_value());  // invalid name
  BOOST_TEST(!parse_v2_path("/v3/x/tags/list").has_value());
  BOOST_TEST(!parse_v2_path("/v2/x/unknown/thing").has_value());
  BOOST_TEST(!parse_v2_path("/v2/x/manifests/").has_value());
}

BOOST_AUTO_TEST_CASE(repository_names_tags_digests) {
  BOOST_TEST(valid_repository_name("tenant-a/app"));
  BOOST_TEST(valid_repository_name("a.b__c--d/e_f"));
  BOOST_TEST(!valid_repository_name("a//b"));
  BOOST_TEST(!valid_repository_name("-a"));
  BOOST_TEST(!valid_repository_name("a-"));
  BOOST_TEST(!valid_repository_name("a___b"));
  BOOST_TEST(!valid_repository_name(std::string(257, 'a')));
  BOOST_TEST(valid_tag("build-0001"));
  BOOST_TEST(valid_tag("2.0.0-rc.1"));
  BOOST_TEST(!valid_tag(".hidden"));
  BOOST_TEST(!valid_tag("a:b"));
  BOOST_TEST(!valid_tag(std::string(129, 'a')));
  BOOST_TEST(valid_digest("sha256:" + std::string(64, '0')));
  BOOST_TEST(!valid_digest("sha256:" + std::string(64, 'A')));
  BOOST_TEST(!valid_digest("sha256:../../etc/passwd"));
  BOOST_TEST(!valid_digest("md5:abc"));
}

BOOST_AUTO_TEST_CASE(backing_names_keep_accounts_apart) {
  BOOST_TEST(backing_name("111122223333", "us-east-1", "app") == "111122223333/us-east-1/app");
  BOOST_TEST(backing_name("111122223333", "us-east-1", "app") != backing_name("444455556666", "us-east-1", "app"));
  BOOST_TEST(repository_arn("111122223333", "us-east-1", "tenant-a/app") ==
             "arn:aws:ecr:us-east-1:111122223333:repository/tenant-a/app");
}

BOOST_AUTO_TEST_CASE(registry_hosts) {
  auto h = parse_registry_host("111122223333.dkr.ecr.us-east-1.amazonaws.com");
  BOOST_REQUIRE(h);
  BOOST_TEST(h->account == "111122223333");
  BOOST_TEST(h->region == "us-east-1");
  h = parse_registry_host("111122223333.DKR.ECR.eu-west-1.amazonaws.com:8443");
  BOOST_REQUIRE(h);
  BOOST_TEST(h->region == "eu-west-1");
  BOOST_TEST(parse_registry_host("111122223333.dkr.ecr-fips.us-east-1.amazonaws.com").has_value());
  BOOST_TEST(parse_registry_host("111122223333.dkr.ecr.cn-north-1.amazonaws.com.cn").has_value());
  BOOST_TEST(!parse_registry_host("sts.us-east-1.amazonaws.com").has_value());
  BOOST_TEST(!parse_registry_host("1111.dkr.ecr.us-east-1.amazonaws.com").has_value());
  BOOST_TEST(!parse_registry_host("127.0.0.1:5000").has_value());
}

BOOST_AUTO_TEST_CASE(query_params) {
  BOOST_TEST(*query_param("n=10&last=abc%3D", "last") == "abc=");
  BOOST_TEST(*query_param("n=10&last=abc", "n") == "10");
  BOOST_TEST(!query_param("n=10", "last").has_value());
  BOOST_TEST(*query_param("flag&n=1", "flag") == "");
  BOOST_TEST(!query_param("last=%zz", "last").has_value());
}

BOOST_AUTO_TEST_CASE(error_bodies_are_ecr_json) {
  auto body = error_body("DENIED", "User: \"x\" is not authorized");
  auto doc = fluxaws::json::parse(body);
  BOOST_REQUIRE(doc);
  BOOST_TEST(doc->find("errors")->as_array()[0].find("code")->as_string() == "DENIED");
  BOOST_TEST(doc->find("errors")->as_array()[0].find("message")->as_string() == "User: \"x\" is not authorized");
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(pagination)

std::vector<std::string> numbered(int count) {
  std::vector<std::string> v;
  for (int i = 0; i < count; ++i) {
    std::string tag = "t";  // (not "t" + to_string: g++ 12 warns falsely, PR105329)
    tag += std::to_string(10000 + i);
    v.push_back(std::move(tag));
  }
  return v;
}

BOOST_AUTO_TEST_CASE(pages_cover_everything_once) {
  auto all = numbered(2345);
  std::vector<std::string> seen;
  std::optional<std::string> last;
  int pages = 0;
  for (;;) {
    auto p = page_of(all, std::nullopt, last);
    BOOST_REQUIRE(p.ok());
    ++pages;
    BOOST_TEST(p->items.size() <= 1000u);
    BOOST_TEST(p->n == 1000u);
    seen.insert(seen.end(), p->items.begin(), p->items.end());
    if (!p->next_token) break;
    BOOST_TEST(*p->next_token != p->items.back());  // opaque, not the tag itself
    last = p->next_token;
  }
  BOOST_TEST(pages == 3);
  BOOST_TEST(seen == all);
}

BOOST_AUTO_TEST_CASE(exact_multiple_has_no_trailing_link) {
  auto all = numbered(2000);
  auto p1 = page_of(all, std::string("1000"), std::nullopt);
  BOOST_REQUIRE(p1.ok());
  BOOST_REQUIRE(p1->next_token);
  auto p2 = page_of(all, std::string("1000"), p1->next_token);
  BOOST_REQUIRE(p2.ok());
  BOOST_TEST(p2->items.size() == 1000u);
  BOOST_TEST(!p2->next_token.has_value());
  auto small = page_of(all, std::string("7"), std::nullopt);
  BOOST_TEST(small->items.size() == 7u);
  BOOST_TEST(small->n == 7u);
}

BOOST_AUTO_TEST_CASE(bad_parameters_get_ecr_errors) {
  auto all = numbered(10);
  auto e = page_of(all, std::string("abc"), std::nullopt);
  BOOST_REQUIRE(!e.ok());
  BOOST_TEST(e.error().code == "PAGINATION_NUMBER_INVALID");
  BOOST_TEST(e.error().status == 400);
  BOOST_TEST(page_of(all, std::string("-1"), std::nullopt).error().code == "PAGINATION_NUMBER_INVALID");
  BOOST_TEST(page_of(all, std::string(""), std::nullopt).error().code == "PAGINATION_NUMBER_INVALID");
  auto big = page_of(all, std::string("1001"), std::nullopt);
  BOOST_REQUIRE(!big.ok());
  BOOST_TEST(big.error().code == "UNSUPPORTED");
  BOOST_TEST(big.error().status == 405);
  BOOST_TEST(page_of(all, std::string("0"), std::nullopt).error().status == 405);
  // A bare tag as `last` is what distribution accepts and ECR refuses.
  auto bare = page_of(all, std::nullopt, std::string("t10003"));
  BOOST_REQUIRE(!bare.ok());
  BOOST_TEST(bare.error().code == "UNSUPPORTED");
}

BOOST_AUTO_TEST_CASE(tokens_round_trip_and_link_is_absolute) {
  BOOST_TEST(*item_of_token(page_token("build-0999")) == "build-0999");
  BOOST_TEST(!item_of_token("build-0999").has_value());
  BOOST_TEST(next_link("https", "111122223333.dkr.ecr.us-east-1.amazonaws.com", "/v2/tenant-a/app/tags/list", "tok", 1000) ==
             "<https://111122223333.dkr.ecr.us-east-1.amazonaws.com/v2/tenant-a/app/tags/list?last=tok&n=1000>; rel=\"next\"");
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(targz)

BOOST_AUTO_TEST_CASE(same_files_same_bytes_in_sorted_order) {
  std::vector<tar_file> files = {{"z.yaml", "z: 1\n", false}, {"a/b.yaml", "b: 2\n", false}, {"run.sh", "#!/bin/sh\n", true}};
  auto one = targz_of(files);
  std::reverse(files.begin(), files.end());
  auto two = targz_of(files);
  BOOST_REQUIRE(one.ok());
  BOOST_REQUIRE(two.ok());
  BOOST_TEST(*one == *two);
  // gzip header: magic, deflate, no flags, mtime 0.
  BOOST_TEST(static_cast<unsigned char>((*one)[0]) == 0x1f);
  BOOST_TEST(static_cast<unsigned char>((*one)[1]) == 0x8b);
  BOOST_TEST((*one)[3] == 0);
  BOOST_TEST(one->substr(4, 4) == std::string(4, '\0'));
  auto members = read_targz(*one);
  BOOST_REQUIRE(members.size() == 3u);
  BOOST_TEST(members[0].path == "a/b.yaml");
  BOOST_TEST(members[1].path == "run.sh");
  BOOST_TEST(members[2].path == "z.yaml");
  BOOST_TEST(members[0].mode == 0644);
  BOOST_TEST(members[1].mode == 0755);
  BOOST_TEST(members[0].data == "b: 2\n");
  for (const auto& m : members) {
    BOOST_TEST(m.mtime == 0);
    BOOST_TEST(m.uid == 0);
    BOOST_TEST(m.gid == 0);
  }
}

BOOST_AUTO_TEST_CASE(long_paths_and_empty_files) {
  std::string deep = std::string(120, 'd') + "/" + std::string(60, 'f') + ".yaml";
  auto gz = targz_of({{deep, "", false}});
  BOOST_REQUIRE(gz.ok());
  auto members = read_targz(*gz);
  BOOST_REQUIRE(members.size() == 1u);
  BOOST_TEST(members[0].path == deep);
  BOOST_TEST(members[0].data.empty());
}

BOOST_AUTO_TEST_CASE(unsafe_paths_are_refused) {
  BOOST_TEST(!targz_of({{"../escape", "x", false}}).ok());
  BOOST_TEST(!targz_of({{"/abs", "x", false}}).ok());
  BOOST_TEST(!targz_of({{"a/./b", "x", false}}).ok());
  BOOST_TEST(!targz_of({{"a", "x", false}, {"a", "y", false}}).ok());
}

BOOST_AUTO_TEST_CASE(directories_are_read_recursively_without_links) {
  temp_dir t;
  write_file(t.path / "apps" / "deploy.yaml", "kind: Deployment\n");
  write_file(t.path / "top.yaml", "kind: Namespace\n");
  write_file(t.path / "tool.sh", "#!/bin/sh\n");
  fs::permissions(t.path / "tool.sh", fs::perms::owner_exec, fs::perm_options::add);
  auto files = files_of_directory(t.path);
  BOOST_REQUIRE(files.ok());
  BOOST_TEST(files->size() == 3u);
  std::set<std::string> paths;
  for (const auto& f : *files) {
    paths.insert(f.path);
    BOOST_TEST(f.executable == (f.path == "tool.sh"));
  }
  BOOST_TEST(paths.count("apps/deploy.yaml") == 1u);
  fs::create_symlink("/etc/passwd", t.path / "link");
  auto refused = files_of_directory(t.path);
  BOOST_REQUIRE(!refused.ok());
  BOOST_TEST(refused.error().message.find("link") != std::string::npos);
  BOOST_TEST(!files_of_directory(t.path / "missing").ok());
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(content)

repository_seed app_seed() {
  repository_seed s;
  s.account = "111122223333";
  s.region = "us-east-1";
  s.name = "tenant-a/app";
  s.images.push_back({{"1.0.0", "latest"}});
  s.ranges.push_back({"build-%04d", 1, 20});
  return s;
}

BOOST_AUTO_TEST_CASE(tag_ranges_expand_like_printf) {
  auto tags = expand_tag_range({"build-%04d", 1, 1500});
  BOOST_REQUIRE(tags.ok());
  BOOST_TEST(tags->size() == 1500u);
  BOOST_TEST(tags->front() == "build-0001");
  BOOST_TEST(tags->back() == "build-1500");
  BOOST_TEST(expand_tag_range({"v%d.0%%", 1, 1}).ok() == false);  // '%' is not a tag character
  BOOST_TEST(!expand_tag_range({"r%3d", 7, 7}).ok());  // spaces are not allowed in tags
  BOOST_TEST(expand_tag_range({"r%-3dx", 7, 7}).ok() == false);
  BOOST_TEST(*expand_tag_range({"v%d", 9, 10}) == (std::vector<std::string>{"v9", "v10"}));
  BOOST_TEST(*expand_tag_range({"r%03d", 7, 7}) == std::vector<std::string>{"r007"});
  BOOST_TEST(*expand_tag_range({"m%d", -2, -2}) == std::vector<std::string>{"m-2"});
}

BOOST_AUTO_TEST_CASE(tag_formats_that_printf_would_misuse_are_refused) {
  for (std::string bad : {"%s", "x", "%d%d", "%n", "%ld", "%x", "%*d", "%"}) {
    auto r = expand_tag_range({bad, 1, 2});
    BOOST_TEST(!r.ok(), "format " << bad);
  }
  BOOST_TEST(!expand_tag_range({"v%d", 5, 4}).ok());
  BOOST_TEST(!expand_tag_range({"v%d", 0, 200000}).ok());
}

BOOST_AUTO_TEST_CASE(each_tag_is_its_own_image_with_a_shared_layer) {
  auto c = build_repository_content(app_seed(), {});
  BOOST_REQUIRE(c.ok());
  BOOST_TEST(c->backing_name == "111122223333/us-east-1/tenant-a/app");
  BOOST_TEST(c->manifests.size() == 22u);
  BOOST_TEST(c->tag_count() == 22u);
  BOOST_TEST(c->blobs.size() == 4u);  // one layer, a config per explicit tag, one for the range
  std::set<std::string> digests;
  for (const auto& m : c->manifests) {
    BOOST_TEST(m.digest == sha(m.data));
    BOOST_TEST(m.media_type == std::string(oci_manifest_type));
    digests.insert(m.digest);
    auto doc = fluxaws::json::parse(m.data);
    BOOST_REQUIRE(doc);
    BOOST_TEST(doc->at({"layers"})->as_array()[0].find("digest")->as_string() == c->blobs[0].digest);
    BOOST_REQUIRE(m.tags.size() == 1u);
    BOOST_TEST(doc->at({"annotations", "org.opencontainers.image.version"})->as_string() == m.tags[0]);
  }
  BOOST_TEST(digests.size() == 22u);
  for (const auto& b : c->blobs) BOOST_TEST(b.digest == sha(b.data));
  // Deterministic: a second build has the same bytes.
  auto again = build_repository_content(app_seed(), {});
  BOOST_TEST(again->fingerprint() == c->fingerprint());
  BOOST_TEST(again->manifests[5].data == c->manifests[5].data);
}

BOOST_AUTO_TEST_CASE(flux_artifacts_have_flux_media_types_and_annotations) {
  temp_dir t;
  write_file(t.path / "manifests" / "cm.yaml", "apiVersion: v1\nkind: ConfigMap\n");
  repository_seed s;
  s.account = "111122223333";
  s.region = "us-east-1";
  s.name = "tenant-a/manifests";
  s.artifacts.push_back({{"v1.0.0"}, "manifests", {{"org.opencontainers.image.source", "https://git.example/x"}, {"extra", "1"}}});
  auto c = build_repository_content(s, t.path);  // relative dir resolved against base_dir
  BOOST_REQUIRE_MESSAGE(c.ok(), (c.ok() ? "" : c.error().message));
  BOOST_REQUIRE(c->manifests.size() == 1u);
  auto doc = fluxaws::json::parse(c->manifests[0].data);
  BOOST_REQUIRE(doc);
  BOOST_TEST(doc->at({"config", "mediaType"})->as_string() == std::string(flux_config_type));
  BOOST_TEST(doc->find("layers")->as_array()[0].find("mediaType")->as_string() == std::string(flux_content_type));
  BOOST_TEST(doc->at({"annotations", "org.opencontainers.image.created"})->as_string() == std::string(seed_created));
  BOOST_TEST(doc->at({"annotations", "org.opencontainers.image.source"})->as_string() == "https://git.example/x");
  BOOST_TEST(doc->at({"annotations", "extra"})->as_string() == "1");
  BOOST_TEST(doc->at({"annotations", "org.opencontainers.image.revision"})->as_string().rfind("v1.0.0@sha1:", 0) == 0u);
  const std::string layer_digest = doc->find("layers")->as_array()[0].find("digest")->as_string();
  bool found = false;
  for (const auto& b : c->blobs) {
    if (b.digest == layer_digest) {
      found = true;
      auto members = read_targz(b.data);
      BOOST_REQUIRE(members.size() == 1u);
      BOOST_TEST(members[0].path == "cm.yaml");
    }
    if (b.digest == doc->at({"config", "digest"})->as_string()) BOOST_TEST(b.data == "{}");
  }
  BOOST_TEST(found);
}

BOOST_AUTO_TEST_CASE(bad_seeds_fail_whole_naming_the_repository) {
  auto dup = app_seed();
  dup.images.push_back({{"build-0003"}});
  auto r = build_repository_content(dup, {});
  BOOST_REQUIRE(!r.ok());
  BOOST_TEST(r.error().message.find("tenant-a/app") != std::string::npos);
  BOOST_TEST(r.error().message.find("build-0003") != std::string::npos);

  auto bad_name = app_seed();
  bad_name.name = "Tenant/App";
  BOOST_TEST(!build_repository_content(bad_name, {}).ok());
  auto bad_account = app_seed();
  bad_account.account = "12";
  BOOST_TEST(!build_repository_content(bad_account, {}).ok());
  auto missing_dir = app_seed();
  missing_dir.artifacts.push_back({{"v1"}, "/nonexistent/dir", {}});
  auto m = build_repository_content(missing_dir, {});
  BOOST_REQUIRE(!m.ok());
  BOOST_TEST(m.error().message.find("/nonexistent/dir") != std::string::npos);
  auto bad_tag = app_seed();
  bad_tag.images.push_back({{"no spaces"}});
  BOOST_TEST(!build_repository_content(bad_tag, {}).ok());
}

// Writes a blob into an OCI layout and returns its descriptor.
fluxaws::json::value layout_blob(const fs::path& dir, std::string_view media_type, const std::string& data) {
  const std::string d = sha(data);
  write_file(dir / "blobs" / "sha256" / d.substr(7), data);
  fluxaws::json::value v = fluxaws::json::value::make_object();
  v.set("mediaType", media_type);
  v.set("digest", d);
  v.set("size", static_cast<int64_t>(data.size()));
  return v;
}

BOOST_AUTO_TEST_CASE(oci_layouts_push_indexes_after_their_manifests) {
  temp_dir t;
  auto config = layout_blob(t.path, oci_config_type, R"({"architecture":"arm64","os":"linux"})");
  auto layer = layout_blob(t.path, oci_layer_type, "not really gzip but a blob");
  fluxaws::json::value m = fluxaws::json::value::make_object();
  m.set("schemaVersion", 2);
  m.set("mediaType", oci_manifest_type);
  m.set("config", config);
  m.set("layers", fluxaws::json::array{layer});
  auto mdesc = layout_blob(t.path, oci_manifest_type, fluxaws::json::dump(m));
  fluxaws::json::value idx = fluxaws::json::value::make_object();
  idx.set("schemaVersion", 2);
  idx.set("mediaType", oci_index_type);
  idx.set("manifests", fluxaws::json::array{mdesc});
  auto idesc = layout_blob(t.path, oci_index_type, fluxaws::json::dump(idx));
  idesc["annotations"].set("org.opencontainers.image.ref.name", "multi");
  auto single = mdesc;
  single["annotations"].set("org.opencontainers.image.ref.name", "example.com/x/y:single");
  fluxaws::json::value top = fluxaws::json::value::make_object();
  top.set("schemaVersion", 2);
  top.set("manifests", fluxaws::json::array{idesc, single});
  write_file(t.path / "index.json", fluxaws::json::dump(top));
  write_file(t.path / "oci-layout", R"({"imageLayoutVersion":"1.0.0"})");

  repository_seed s;
  s.account = "111122223333";
  s.region = "us-east-1";
  s.name = "tenant-a/layout";
  s.layouts.push_back({t.path.string()});
  auto c = build_repository_content(s, {});
  BOOST_REQUIRE_MESSAGE(c.ok(), (c.ok() ? "" : c.error().message));
  BOOST_REQUIRE(c->manifests.size() == 2u);
  BOOST_TEST(c->manifests[0].level == 0);
  BOOST_TEST(c->manifests[0].digest == mdesc.find("digest")->as_string());
  BOOST_TEST(c->manifests[0].tags == std::vector<std::string>{"single"});
  BOOST_TEST(c->manifests[1].level == 1);
  BOOST_TEST(c->manifests[1].media_type == std::string(oci_index_type));
  BOOST_TEST(c->manifests[1].tags == std::vector<std::string>{"multi"});
  BOOST_TEST(c->blobs.size() == 2u);

  // A blob that does not match its digest is refused.
  write_file(t.path / "blobs" / "sha256" / layer.find("digest")->as_string().substr(7), "tampered blob, same size!!");
  auto bad = build_repository_content(s, {});
  BOOST_REQUIRE(!bad.ok());
  BOOST_TEST(bad.error().message.find("does not match its digest") != std::string::npos);
  write_file(t.path / "index.json", "{not json");
  BOOST_TEST(!build_repository_content(s, {}).ok());
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(cache)

std::shared_ptr<const front_cache::object> object_of(const std::string& body) {
  auto o = std::make_shared<front_cache::object>();
  o->content_type = "application/vnd.oci.image.manifest.v1+json";
  o->body = body;
  o->digest = sha(body);
  return o;
}

BOOST_AUTO_TEST_CASE(writes_invalidate_tags_but_not_digests) {
  front_cache c;
  const std::string repo = "111122223333/us-east-1/app";
  auto g = c.generation(repo);
  c.put_tags(repo, std::make_shared<const std::vector<std::string>>(std::vector<std::string>{"a", "b"}), g);
  c.put_manifest(repo, "a", object_of("manifest a"), g);
  BOOST_REQUIRE(c.tags(repo));
  BOOST_TEST(c.tags(repo)->size() == 2u);
  BOOST_REQUIRE(c.manifest(repo, "a"));
  BOOST_TEST(c.manifest(repo, sha("manifest a"))->body == "manifest a");
  BOOST_TEST(!c.manifest("111122223333/us-east-1/other", "a"));

  c.invalidate(repo);
  BOOST_TEST(!c.tags(repo));
  BOOST_TEST(!c.manifest(repo, "a"));
  BOOST_TEST(c.manifest(repo, sha("manifest a")) != nullptr);  // content by digest cannot change

  // A read that started before the write must not bring the old answer back.
  c.put_tags(repo, std::make_shared<const std::vector<std::string>>(std::vector<std::string>{"stale"}), g);
  c.put_manifest(repo, "a", object_of("stale a"), g);
  BOOST_TEST(!c.tags(repo));
  BOOST_TEST(!c.manifest(repo, "a"));
  auto g2 = c.generation(repo);
  BOOST_TEST(g2 != g);
  c.put_manifest(repo, "a", object_of("fresh a"), g2);
  BOOST_TEST(c.manifest(repo, "a")->body == "fresh a");
}

BOOST_AUTO_TEST_CASE(memory_is_bounded) {
  front_cache c(1000, 300);
  const std::string repo = "r";
  auto big = std::make_shared<front_cache::object>();
  big->body = std::string(400, 'x');
  big->digest = sha(big->body);
  c.put_blob(repo, big);
  BOOST_TEST(!c.blob(repo, big->digest));  // above max_blob
  for (int i = 0; i < 20; ++i) {
    auto o = std::make_shared<front_cache::object>();
    o->body = std::string(200, static_cast<char>('a' + i));
    o->digest = sha(o->body);
    c.put_blob(repo, o);
    BOOST_TEST(c.bytes() <= 1000u);
    BOOST_TEST(c.blob(repo, o->digest) != nullptr);
  }
  c.clear();
  BOOST_TEST(c.bytes() == 0u);
}

BOOST_AUTO_TEST_SUITE_END()
