#include <doctest/doctest.h>

#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "server/config/reader.hpp"
#include "server/file_authorizer.hpp"

using namespace mq;
using namespace mq::server;

namespace {

struct Files {
  std::filesystem::path dir;
  Files() {
    dir = std::filesystem::temp_directory_path() / ("mq_fa_test_" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir);
    PasswordFile pw;
    pw.set("alice", "alice-pw", 1000);
    REQUIRE_FALSE(pw.save(path("pw")));
    std::ofstream(path("acl")) << "user alice\ntopic read a/#\ntopic write w/#\nuser carol\ntopic readwrite c/#\n";
  }
  ~Files() { std::filesystem::remove_all(dir); }
  std::string path(const char* name) const { return (dir / name).string(); }
};

Settings settings(const std::string& text) {
  Settings s;
  ConfigReader r(s);
  auto e = r.read_text(text, "t.conf");
  REQUIRE_MESSAGE(!e, (e ? to_string(*e) : ""));
  REQUIRE_FALSE(r.finish());
  return s;
}

broker::Credentials creds(const char* listener, std::optional<std::string_view> user, const char* password,
                          std::string_view cert = {}) {
  broker::Credentials c;
  c.client.client_id = "c1";
  c.client.username = user;
  c.client.listener = listener;
  c.client.cert_identity = cert;
  if (password) c.password = as_bytes(password);
  return c;
}

}  // namespace

TEST_CASE("file authorizer: per-listener anonymous access, passwords and ACL") {
  Files f;
  Settings s = settings("per_listener_settings true\nlistener 0 127.0.0.1\nallow_anonymous true\n"
                        "listener 0 127.0.0.1\npassword_file " + f.path("pw") + "\nacl_file " + f.path("acl") + "\n");
  FileAuthorizer a;
  REQUIRE_FALSE(a.load(s, s.effective_listeners()));
  CHECK(a.checks_reads());
  CHECK(a.authenticate(creds("0", std::nullopt, nullptr)) == 0x00);
  CHECK(a.authenticate(creds("1", std::nullopt, nullptr)) == 0x87);
  CHECK(a.authenticate(creds("1", "alice", "alice-pw")) == 0x00);
  CHECK(a.authenticate(creds("1", "alice", "alice-pw")) == 0x00);  // the remembered digest
  CHECK(a.authenticate(creds("1", "alice", "wrong")) == 0x86);
  CHECK(a.authenticate(creds("1", "alice", nullptr)) == 0x86);
  CHECK(a.authenticate(creds("1", "mallory", "x")) == 0x86);
  CHECK(a.authenticate(creds("7", "alice", "alice-pw")) == 0x87);  // unknown listener

  broker::ClientInfo alice{"c1", "alice", {}, "1"};
  CHECK(a.may_subscribe(alice, "a/#", 1));
  CHECK(a.may_subscribe(alice, "$share/g/a/x", 1));  // judged by the filter after $share/g/
  CHECK_FALSE(a.may_subscribe(alice, "$share/g/#", 1));
  CHECK(a.may_receive(alice, "a/b"));
  CHECK_FALSE(a.may_receive(alice, "c/b"));
  CHECK(a.may_publish(alice, "w/1", 0, false));
  CHECK_FALSE(a.may_publish(alice, "a/1", 0, false));
  broker::ClientInfo anon{"c2", std::nullopt, {}, "0"};
  CHECK(a.may_publish(anon, "anything", 0, false));  // listener 0 has no ACL
}

TEST_CASE("file authorizer: the certificate identity as user name") {
  Files f;
  Settings s = settings("listener 0 127.0.0.1\ncertfile /c\nkeyfile /k\ncafile /ca\nrequire_certificate true\n"
                        "use_identity_as_username true\nacl_file " + f.path("acl") + "\n");
  FileAuthorizer a;
  REQUIRE_FALSE(a.load(s, s.effective_listeners()));
  CHECK(a.authenticate(creds("0", std::nullopt, nullptr, "carol")) == 0x00);
  CHECK(a.authenticate(creds("0", "alice", "anything", "")) == 0x87);
  broker::ClientInfo carol{"c1", "someone-else", "carol", "0"};
  CHECK(a.may_publish(carol, "c/x", 0, false));
  CHECK_FALSE(a.may_publish(carol, "w/x", 0, false));
}

TEST_CASE("file authorizer: a failed reload keeps the files in force") {
  Files f;
  Settings s = settings("listener 0 127.0.0.1\npassword_file " + f.path("pw") + "\n");
  FileAuthorizer a;
  REQUIRE_FALSE(a.load(s, s.effective_listeners()));
  std::ofstream(f.path("pw")) << "broken line\n";
  auto e = a.load(s, s.effective_listeners());
  REQUIRE(e);
  CHECK(*e == f.path("pw") + ":1: expected USER:HASH");
  CHECK(a.authenticate(creds("0", "alice", "alice-pw")) == 0x00);
}
