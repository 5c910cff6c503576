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

TEST_CASE("file authorizer: deferred hashing is bounded per source and in total; a verified password is remembered") {
  Files f;
  Settings s = settings("listener 0 127.0.0.1\npassword_file " + f.path("pw") + "\n");
  FileAuthorizer a;
  REQUIRE_FALSE(a.load(s, s.effective_listeners()));
  a.defer_hashing(true);
  auto from = [](const char* peer, const char* user, const char* password, broker::ConnectionId id) {
    broker::Credentials c = creds("0", user, password);
    c.peer_address = peer;
    c.connection = id;
    return c;
  };
  // Unknown and known users alike wait for the hash.
  CHECK(a.authenticate(from("10.0.0.1:1", "mallory", "x", 1)) == broker::kAuthDeferred);
  for (broker::ConnectionId id = 2; id <= 4; ++id)
    CHECK(a.authenticate(from("10.0.0.1:2", "alice", "wrong", id)) == broker::kAuthDeferred);
  CHECK(a.authenticate(from("10.0.0.1:5", "alice", "alice-pw", 5)) == 0x89);  // four pending from 10.0.0.1
  CHECK(a.authenticate(from("10.0.0.2:1", "alice", "alice-pw", 6)) == broker::kAuthDeferred);
  auto jobs = a.take_jobs();
  REQUIRE(jobs.size() == 5);
  CHECK(jobs[0].source == "10.0.0.1");
  CHECK(jobs[4].connection == 6);
  CHECK_FALSE(jobs[0].file->check_evenly(jobs[0].user, jobs[0].password));  // mallory: no such user
  CHECK(jobs[4].file->check_evenly(jobs[4].user, jobs[4].password));
  CHECK(a.finish(jobs[0], false) == 0x86);
  CHECK(a.authenticate(from("10.0.0.1:6", "alice", "wrong", 7)) == broker::kAuthDeferred);  // a place freed
  CHECK(a.finish(jobs[4], true) == 0x00);
  CHECK(a.authenticate(from("10.0.0.3:1", "alice", "alice-pw", 8)) == 0x00);  // remembered: no hash

  // In total at most kMaxHashing wait, whatever their sources.
  std::size_t deferred = 0;
  for (std::size_t i = 0; i < 2 * FileAuthorizer::kMaxHashing; ++i) {
    const std::string peer = "10.1.0." + std::to_string(i) + ":1";
    if (a.authenticate(from(peer.c_str(), "bob", "x", 100 + i)) == broker::kAuthDeferred) ++deferred;
  }
  CHECK(deferred + 4 == FileAuthorizer::kMaxHashing);  // 4 still pending from above

  // A check started before a reload admits its connection but is not remembered.
  auto more = a.take_jobs();
  REQUIRE_FALSE(a.load(s, s.effective_listeners()));
  FileAuthorizer::HashJob stale = more.front();
  stale.user = "alice";
  stale.password = {'a', 'l', 'i', 'c', 'e', '-', 'p', 'w'};
  a.defer_hashing(true);
  CHECK(a.finish(stale, true) == 0x00);
  CHECK(a.authenticate(from("10.0.0.9:1", "alice", "alice-pw", 9)) == broker::kAuthDeferred);
}
