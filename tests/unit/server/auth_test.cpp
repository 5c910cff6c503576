#include <doctest/doctest.h>

#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "server/auth/acl_file.hpp"
#include "server/auth/password_file.hpp"

using namespace mq;
using namespace mq::server;

namespace {
ByteView pw(std::string_view s) { return as_bytes(s); }

AclFile acl(std::string_view text) {
  std::string error;
  auto a = AclFile::parse(text, "acl", &error);
  REQUIRE_MESSAGE(a, error);
  return *a;
}
std::string acl_error(std::string_view text) {
  std::string error;
  CHECK_FALSE(AclFile::parse(text, "acl", &error));
  return error;
}
std::string pw_error(std::string_view text) {
  std::string error;
  CHECK_FALSE(PasswordFile::parse(text, "pw", &error));
  return error;
}
}  // namespace

TEST_CASE("password hash: mosquitto_passwd's $7$ and $6$ entries verify") {
  // Written by mosquitto_passwd 2.0.11 (Debian): user alice password "secret",
  // default sha512-pbkdf2 with 101 rounds; user bob password "pw2" with -H sha512.
  std::string error;
  auto file = PasswordFile::parse(
      "alice:$7$101$Vb3w2XnLZ/D5CZcf$/AQCPHyJwGO6LZNSrolaUtnraPBU8o2jA3FAHk+GM3OVUIDBrDGYMsmMMrq10f4cgWq0zjdQhUCnaBGxilKM8A==\n"
      "bob:$6$juQQ42oeZzH6qUIA$OS+IGgoBcJP+jfizW1GvRvHIA9F5hWrm9n5vEhoi4RsEp29xl5m2GfSs1SO/TAqjLzn0DQnBP/WSxq2AZmTgPA==\n",
      "pw", &error);
  REQUIRE_MESSAGE(file, error);
  CHECK(file->entries()[0].hash.iterations == 101);
  CHECK(file->entries()[0].hash.salt.size() == 12);
  CHECK(file->entries()[0].hash.hash.size() == 64);
  CHECK(file->check("alice", pw("secret")));
  CHECK_FALSE(file->check("alice", pw("Secret")));
  CHECK_FALSE(file->check("alice", pw("")));
  CHECK(file->check("bob", pw("pw2")));
  CHECK_FALSE(file->check("bob", pw("secret")));
  CHECK_FALSE(file->check("carol", pw("secret")));
}

TEST_CASE("password file: every check costs the dearest hash, known user or not") {
  // mosquitto_passwd's 101-round and one-round entries beside one of ours
  // (2,000 rounds): the cheap users and unknown users are padded to 2,000.
  std::string error;
  auto file = PasswordFile::parse(
      "alice:$7$101$Vb3w2XnLZ/D5CZcf$/AQCPHyJwGO6LZNSrolaUtnraPBU8o2jA3FAHk+GM3OVUIDBrDGYMsmMMrq10f4cgWq0zjdQhUCnaBGxilKM8A==\n"
      "bob:$6$juQQ42oeZzH6qUIA$OS+IGgoBcJP+jfizW1GvRvHIA9F5hWrm9n5vEhoi4RsEp29xl5m2GfSs1SO/TAqjLzn0DQnBP/WSxq2AZmTgPA==\n",
      "pw", &error);
  REQUIRE_MESSAGE(file, error);
  CHECK(file->padding_rounds("alice") == 0);  // all cheap: nothing to hide, nothing added
  CHECK(file->padding_rounds("bob") == 100);
  CHECK(file->padding_rounds("nobody") == 101);
  file->set("carol", "carol-pw", 2000);
  CHECK(file->padding_rounds("carol") == 0);
  CHECK(file->padding_rounds("alice") == 1899);
  CHECK(file->padding_rounds("bob") == 1999);
  CHECK(file->padding_rounds("nobody") == 2000);
  CHECK(file->check_evenly("alice", pw("secret")));
  CHECK(file->check_evenly("carol", pw("carol-pw")));
  CHECK_FALSE(file->check_evenly("bob", pw("secret")));
  CHECK_FALSE(file->check_evenly("nobody", pw("secret")));
  CHECK(PasswordFile::parse("", "pw", &error)->padding_rounds("x") == kDefaultIterations);
}

TEST_CASE("password hash: our entries are salted PBKDF2-SHA512 that round-trip") {
  PasswordHash h = make_password_hash("hunter2", 1000);
  CHECK(h.salt.size() == 12);  // what mosquitto 2.0 accepts
  CHECK(h.hash.size() == 64);
  std::string text = format_password_hash(h);
  CHECK(text.starts_with("$7$1000$"));
  std::string error;
  auto back = parse_password_hash(text, &error);
  REQUIRE_MESSAGE(back, error);
  CHECK(verify_password(*back, pw("hunter2")));
  CHECK_FALSE(verify_password(*back, pw("hunter3")));
  // Two hashes of one password differ by their salt.
  CHECK(format_password_hash(make_password_hash("hunter2", 1000)) != text);
  CHECK(kDefaultIterations >= 100'000);
}

TEST_CASE("password file: precise errors") {
  CHECK(pw_error("\n# c\nalice\n") == "pw:3: expected USER:HASH");
  CHECK(pw_error("alice:secret\n") ==
        "pw:1: user alice: not a password hash (expected $7$ITERATIONS$SALT$HASH or $6$SALT$HASH; plain text "
        "passwords are not accepted)");
  CHECK(pw_error("alice:$5$a$b\n") == "pw:1: user alice: unknown hash type $5$ (known: $7$ PBKDF2-SHA512, $6$ SHA-512)");
  CHECK(pw_error("alice:$7$x$c2FsdA==$aGFzaA==\n") == "pw:1: user alice: the iteration count \"x\" is not a positive number");
  CHECK(pw_error("alice:$7$10$c2FsdA==\n") == "pw:1: user alice: a $7$ hash has the form $7$ITERATIONS$SALT$HASH");
  CHECK(pw_error("alice:$7$10$!!$aGFzaA==\n").starts_with("pw:1: user alice: the salt is not base64"));
  CHECK(pw_error(":$7$10$c2FsdA==$aGFzaA==\n") == "pw:1: the user name is empty");
  CHECK(pw_error("a:$7$10$c2FsdA==$aGFzaA==\na:$7$10$c2FsdA==$aGFzaA==\n") == "pw:2: user a appears twice");
}

TEST_CASE("password file: set, remove, save with mode 0600, load back") {
  namespace fs = std::filesystem;
  std::string path = (fs::temp_directory_path() / ("mq_pw_test_" + std::to_string(::getpid()))).string();
  PasswordFile file;
  file.set("alice", "one", 1000);
  file.set("bob", "two", 1000);
  file.set("alice", "three", 1000);
  CHECK(file.entries().size() == 2);
  CHECK(file.remove("bob"));
  CHECK_FALSE(file.remove("bob"));
  REQUIRE_FALSE(file.save(path));
  struct stat st {};
  REQUIRE(::stat(path.c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0600);
  std::string error;
  auto back = PasswordFile::load(path, &error);
  REQUIRE_MESSAGE(back, error);
  CHECK(back->check("alice", pw("three")));
  CHECK_FALSE(back->check("alice", pw("one")));
  CHECK_FALSE(back->contains("bob"));
  fs::remove(path);
  CHECK_FALSE(PasswordFile::load(fs::temp_directory_path().string(), &error));
  CHECK(error == fs::temp_directory_path().string() + ": cannot read the password file: it is a directory");
  CHECK_FALSE(AclFile::load(fs::temp_directory_path().string(), &error));
  CHECK(error == fs::temp_directory_path().string() + ": cannot read the ACL file: it is a directory");
}

TEST_CASE("password file: entries written now by the real mosquitto_passwd verify" *
          doctest::skip(std::system("command -v mosquitto_passwd >/dev/null 2>&1") != 0)) {
  namespace fs = std::filesystem;
  std::string path = (fs::temp_directory_path() / ("mq_mosq_pw_" + std::to_string(::getpid()))).string();
  std::string cmd = "mosquitto_passwd -c -b " + path + " carol 'p@ss word' && mosquitto_passwd -H sha512 -b " + path +
                    " dave d4ve";
  REQUIRE(std::system(cmd.c_str()) == 0);
  std::string error;
  auto file = PasswordFile::load(path, &error);
  REQUIRE_MESSAGE(file, error);
  CHECK(file->check("carol", pw("p@ss word")));
  CHECK_FALSE(file->check("carol", pw("p@ss")));
  CHECK(file->check("dave", pw("d4ve")));
  fs::remove(path);
}

TEST_CASE("acl: anonymous rules, user rules, patterns with %u and %c") {
  AclFile a = acl(
      "# anonymous clients\n"
      "topic read public/#\n"
      "\n"
      "user alice\n"
      "topic readwrite alice/#\n"
      "topic write sensors/+/temp\n"
      "topic deny alice/secret\n"
      "user bob\n"
      "topic bob/inbox\n"
      "pattern read devices/%c/#\n"
      "pattern write users/%u/out\n");
  std::optional<std::string_view> anon;
  std::optional<std::string_view> alice = "alice";
  std::optional<std::string_view> bob = "bob";
  CHECK(a.may_read(anon, "c1", "public/news"));
  CHECK_FALSE(a.may_write(anon, "c1", "public/news"));
  CHECK_FALSE(a.may_read(alice, "c1", "public/news"));  // anonymous rules are not alice's
  CHECK(a.may_read(alice, "c1", "alice/x"));
  CHECK(a.may_write(alice, "c1", "alice/x/y"));
  CHECK_FALSE(a.may_read(alice, "c1", "alice/secret"));  // deny wins over readwrite alice/#
  CHECK_FALSE(a.may_write(alice, "c1", "alice/secret"));
  CHECK(a.may_write(alice, "c1", "sensors/k/temp"));
  CHECK_FALSE(a.may_read(alice, "c1", "sensors/k/temp"));
  CHECK(a.may_read(bob, "c1", "bob/inbox"));  // no access word: readwrite
  CHECK(a.may_write(bob, "c1", "bob/inbox"));
  CHECK_FALSE(a.may_read(bob, "c1", "alice/x"));
  CHECK(a.may_read(bob, "dev7", "devices/dev7/state"));
  CHECK_FALSE(a.may_read(bob, "dev7", "devices/dev8/state"));
  CHECK(a.may_read(anon, "dev7", "devices/dev7/state"));  // patterns apply to everyone
  CHECK(a.may_write(bob, "x", "users/bob/out"));
  CHECK_FALSE(a.may_write(anon, "x", "users//out"));  // no user: %u never matches
  CHECK_FALSE(a.may_read(bob, "a+b", "devices/a+b/state"));  // wildcards in a client id do not widen a rule
  CHECK_FALSE(a.may_read(std::optional<std::string_view>("carol"), "c", "public/news"));
}

TEST_CASE("acl: subscriptions must stay inside a read rule") {
  AclFile a = acl("user alice\ntopic read a/#\ntopic read b/+/c\ntopic deny a/private/#\n");
  std::optional<std::string_view> alice = "alice";
  CHECK(a.may_subscribe(alice, "c", "a/#"));
  CHECK(a.may_subscribe(alice, "c", "a/+/x"));
  CHECK(a.may_subscribe(alice, "c", "a"));
  CHECK(a.may_subscribe(alice, "c", "b/x/c"));
  CHECK(a.may_subscribe(alice, "c", "b/+/c"));
  CHECK_FALSE(a.may_subscribe(alice, "c", "b/#"));
  CHECK_FALSE(a.may_subscribe(alice, "c", "#"));
  CHECK_FALSE(a.may_subscribe(alice, "c", "a/private/x"));
  CHECK(a.may_subscribe(alice, "c", "a/+"));  // allowed; a/private/... is filtered on delivery
  CHECK_FALSE(a.may_read(alice, "c", "a/private/x"));
}

TEST_CASE("acl: filter coverage") {
  CHECK(filter_covered("#", "a/b"));
  CHECK_FALSE(filter_covered("#", "$SYS/x"));
  CHECK(filter_covered("$SYS/#", "$SYS/broker/+"));
  CHECK(filter_covered("a/#", "a"));
  CHECK_FALSE(filter_covered("a/+", "a/#"));
  CHECK(filter_covered("a/+", "a/+"));
  CHECK_FALSE(filter_covered("a/b", "a/+"));
  CHECK_FALSE(filter_covered("a", "a/b"));
  CHECK_FALSE(filter_covered("a/b/c", "a/b"));
}

TEST_CASE("acl: precise errors") {
  CHECK(acl_error("user alice\ntopic read a/#/b\n").starts_with("acl:2: topic: \"a/#/b\" is not a valid topic filter: "));
  CHECK(acl_error("topc read a\n") == "acl:1: unknown key \"topc\" (expected user, topic or pattern)");
  CHECK(acl_error("user\n") == "acl:1: user: a user name is missing");
  CHECK(acl_error("pattern\n") == "acl:1: pattern: a topic is missing");
}
