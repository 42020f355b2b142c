#include "plane_fixture.hpp"

#include <caf/event_based_actor.hpp>

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <stdexcept>

#include "actors/identity_registry.hpp"
#include "adapters/common/encoding.hpp"
#include "adapters/kube/local_sa_token_issuer.hpp"

namespace fluxaws::test {

namespace {

using done_atom = caf::atom_constant<caf::atom("loaddone")>;

std::string generate_key() {
  EVP_PKEY* pk = EVP_RSA_gen(2048);
  if (!pk) throw std::runtime_error("cannot generate an RSA key");
  BIO* bio = BIO_new(BIO_s_mem());
  PEM_write_bio_PrivateKey(bio, pk, nullptr, nullptr, 0, nullptr, nullptr);
  char* data = nullptr;
  long n = BIO_get_mem_data(bio, &data);
  std::string pem(data, static_cast<std::size_t>(n));
  BIO_free(bio);
  EVP_PKEY_free(pk);
  return pem;
}

template <class Reply, class Send>
std::vector<Reply> fire(caf::actor_system& sys, std::size_t n, Send send, std::chrono::milliseconds timeout) {
  auto out = std::make_shared<std::vector<Reply>>(n);
  caf::scoped_actor waiter{sys};
  auto reporter = caf::actor_cast<caf::actor>(waiter);
  sys.spawn([=](caf::event_based_actor* self, int /*no-arg spawn trips UBSan in CAF 0.17*/) {
    auto remaining = std::make_shared<std::size_t>(n);
    auto finish = [=] {
      if (--*remaining == 0) {
        self->send(reporter, done_atom::value);
        self->quit();
      }
    };
    for (std::size_t i = 0; i < n; ++i)
      send(self, i, timeout)
          .then([=](Reply& r) { (*out)[i] = std::move(r); finish(); },
                [=](caf::error& e) {
                  (*out)[i].error = make_error("caf", self->system().render(e));
                  finish();
                });
  }, 0);
  if (n > 0) waiter->receive([](done_atom) {});
  return std::move(*out);
}

}  // namespace

std::string role_arn(const std::string& name) { return "arn:aws:iam::" + std::string(account) + ":role/" + name; }

const std::string& test_key_pem() {
  static const std::string pem = generate_key();
  return pem;
}

const std::string& test_key_file() {
  static const std::string path = [] {
    auto p = std::filesystem::temp_directory_path() / ("fluxaws-cred-test-key-" + std::to_string(::getpid()) + ".pem");
    std::ofstream(p, std::ios::binary | std::ios::trunc) << test_key_pem();
    std::atexit([] {
      std::error_code ec;
      std::filesystem::remove(std::filesystem::temp_directory_path() /
                                  ("fluxaws-cred-test-key-" + std::to_string(::getpid()) + ".pem"),
                              ec);
    });
    return p.string();
  }();
  return path;
}

json::value service_account(const std::string& ns, const std::string& name, const std::string& role) {
  json::value sa = json::value::make_object();
  sa.set("apiVersion", "v1");
  sa.set("kind", "ServiceAccount");
  json::value md = json::value::make_object();
  md.set("name", name);
  md.set("namespace", ns);
  if (!role.empty()) {
    json::value ann = json::value::make_object();
    ann.set("eks.amazonaws.com/role-arn", role);
    md.set("annotations", std::move(ann));
  }
  sa.set("metadata", std::move(md));
  return sa;
}

json::value secret(const std::string& ns, const std::string& name,
                   const std::vector<std::pair<std::string, std::string>>& data) {
  json::value s = json::value::make_object();
  s.set("apiVersion", "v1");
  s.set("kind", "Secret");
  json::value md = json::value::make_object();
  md.set("name", name);
  md.set("namespace", ns);
  s.set("metadata", std::move(md));
  json::value d = json::value::make_object();
  for (const auto& [k, v] : data) d.set(k, enc::base64(v));
  s.set("data", std::move(d));
  return s;
}

actors::credential_request bucket_request(const std::string& ns, const std::string& name, const std::string& sa,
                                          const std::string& region) {
  actors::credential_request r;
  r.object = {"Bucket", ns, name};
  r.service_account = sa;
  r.region = region;
  r.secret_format = "bucket";
  return r;
}

actors::credential_request oci_request(const std::string& ns, const std::string& name, const std::string& sa) {
  actors::credential_request r;
  r.object = {"OCIRepository", ns, name};
  r.service_account = sa;
  r.allow_node_identity = true;
  return r;
}

std::vector<actors::credential_reply> request_all(caf::actor_system& sys, const actors::identity_registry_actor& reg,
                                                  const std::vector<actors::credential_request>& reqs,
                                                  std::chrono::milliseconds timeout) {
  return fire<actors::credential_reply>(
      sys, reqs.size(),
      [reg, reqs](caf::event_based_actor* self, std::size_t i, std::chrono::milliseconds t) {
        return self->request(reg, t, actors::credentials_atom::value, reqs[i]);
      },
      timeout);
}

std::vector<actors::ecr_token_reply> request_all_ecr(
    caf::actor_system& sys, const actors::identity_registry_actor& reg,
    const std::vector<std::pair<actors::credential_request, std::string>>& reqs, std::chrono::milliseconds timeout) {
  return fire<actors::ecr_token_reply>(
      sys, reqs.size(),
      [reg, reqs](caf::event_based_actor* self, std::size_t i, std::chrono::milliseconds t) {
        return self->request(reg, t, actors::ecr_token_atom::value, reqs[i].first, reqs[i].second);
      },
      timeout);
}

plane_fixture::plane_fixture() {
  aws->clock = clock;
  http = spawn_fake_aws(sys, aws);
  kube::local_sa_token_options lo;
  lo.clock = [c = clock] { return c->wall(); };
  auto issued = kube::spawn_local_sa_token_issuer(sys, "https://oidc.test.local", test_key_file(), lo);
  if (!issued) throw std::runtime_error(issued.error().message);
  issuer = issued.value();
  opts.object_level_identity = true;
  opts.default_region = "us-east-1";
  opts.hostname = "unit-test-host";
  opts.clock = clock->as_identity_clock(clock);
  // No real credentials anywhere: the controller chain must not find the machine's.
  opts.env = {{"AWS_EC2_METADATA_DISABLED", "true"}};
  opts.fetch_deadline = std::chrono::seconds(20);
}

plane_fixture::~plane_fixture() {
  stop();
  self->send_exit(http, caf::exit_reason::user_shutdown);
  self->send_exit(issuer, caf::exit_reason::user_shutdown);
}

void plane_fixture::start() {
  registry = actors::spawn_identity_registry(sys, opts, index, http, issuer);
}

void plane_fixture::stop() {
  if (registry) self->send_exit(registry, caf::exit_reason::user_shutdown);
  registry = nullptr;
}

void plane_fixture::add_tenant(const std::string& ns, const std::string& role) {
  index->put(service_account(ns, "flux", role_arn(role)));
  std::lock_guard<std::mutex> l(aws->mu);
  aws->trust[role_arn(role)] = "system:serviceaccount:" + ns + ":flux";
}

std::chrono::milliseconds plane_fixture::timeout() const { return actors::reply_deadline(opts); }

actors::credential_reply plane_fixture::creds(const actors::credential_request& req) {
  actors::credential_reply out;
  self->request(registry, timeout(), actors::credentials_atom::value, req)
      .receive([&](actors::credential_reply& r) { out = std::move(r); },
               [&](caf::error& e) { out.error = make_error("caf", sys.render(e)); });
  return out;
}

actors::ecr_token_reply plane_fixture::ecr(const actors::credential_request& req, const std::string& host) {
  actors::ecr_token_reply out;
  self->request(registry, timeout(), actors::ecr_token_atom::value, req, host)
      .receive([&](actors::ecr_token_reply& r) { out = std::move(r); },
               [&](caf::error& e) { out.error = make_error("caf", sys.render(e)); });
  return out;
}

void plane_fixture::invalidate(const actors::credential_request& req, const std::string& what) {
  self->send(registry, actors::invalidate_atom::value, req, what);
}

}  // namespace fluxaws::test
