// The data directory: snapshot and log files written by the store and read
// back at start, including a torn log tail, a log of an older generation,
// and a damaged snapshot.

#include <doctest/doctest.h>

#include <cstdio>
#include <filesystem>
#include <fstream>

#include <unistd.h>

#include "server/persist/store.hpp"

namespace mq::server {

namespace {

namespace fs = std::filesystem;
using Bytes = std::vector<std::uint8_t>;

struct NoOutput final : broker::Output {
  void send(broker::ConnectionId, ByteView) override {}
  void close(broker::ConnectionId) override {}
};

broker::Config quiet() {
  broker::Config c;
  c.sys_interval = 0;
  return c;
}

/// A fresh directory, removed at the end of the test.
struct TempDir {
  fs::path path;
  TempDir() {
    path = fs::temp_directory_path() / ("mq_store_test_" + std::to_string(::getpid()) + "_" + std::to_string(++count));
    fs::remove_all(path);
  }
  ~TempDir() { fs::remove_all(path); }
  static inline int count = 0;
};

Bytes read_all(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  return Bytes(std::istreambuf_iterator<char>(in), {});
}

void write_all(const fs::path& p, const Bytes& b) {
  std::ofstream(p, std::ios::binary).write(reinterpret_cast<const char*>(b.data()), static_cast<std::streamsize>(b.size()));
}

/// Stores `count` retained messages through a durable store and commits them.
void retain_through_store(const fs::path& dir, int count) {
  NoOutput out;
  broker::Broker b(quiet(), out, nullptr, broker::Clock::now());
  Logger log(LogLevel::Error, false, nullptr);
  std::unique_ptr<Store> store;
  REQUIRE_FALSE(Store::open({dir.string(), "data.db", PersistenceMode::Durable}, b, log, store));
  for (int i = 0; i < count; ++i) {
    const std::string topic = "r/" + std::to_string(i);
    store->write(broker::RetainSet{broker::Message::make({topic, as_bytes("v"), nullptr, 0, true, std::nullopt})});
  }
  REQUIRE_FALSE(store->commit());
}

std::size_t retained_after_restart(const fs::path& dir, std::optional<std::string>* error = nullptr) {
  NoOutput out;
  broker::Broker b(quiet(), out, nullptr, broker::Clock::now());
  Logger log(LogLevel::Error, false, nullptr);
  std::unique_ptr<Store> store;
  auto e = Store::open({dir.string(), "data.db", PersistenceMode::Durable}, b, log, store);
  if (error) *error = e;
  return b.counters().retained;
}

}  // namespace

TEST_CASE("store: a durable log is replayed at start and folded into a new snapshot") {
  TempDir d;
  retain_through_store(d.path, 3);
  CHECK(read_all(d.path / "data.db").size() == kStoreHeaderSize + 17);  // the changes are in the log (17: end marker)
  CHECK(read_all(d.path / "data.db.log").size() > kStoreHeaderSize);
  CHECK(retained_after_restart(d.path) == 3);
  CHECK(read_all(d.path / "data.db.log").size() == kStoreHeaderSize);  // folded into the snapshot
  CHECK(retained_after_restart(d.path) == 3);
}

TEST_CASE("store: a torn log tail is cut at the last complete record") {
  TempDir d;
  retain_through_store(d.path, 3);
  Bytes log = read_all(d.path / "data.db.log");
  log.resize(log.size() - 2);
  write_all(d.path / "data.db.log", log);
  CHECK(retained_after_restart(d.path) == 2);
}

TEST_CASE("store: a log of an older generation is already in the snapshot and ignored") {
  TempDir d;
  retain_through_store(d.path, 2);
  const Bytes old_log = read_all(d.path / "data.db.log");
  CHECK(retained_after_restart(d.path) == 2);  // new snapshot, generation + 1
  write_all(d.path / "data.db.log", old_log);  // as if the crash came before the log was reset
  CHECK(retained_after_restart(d.path) == 2);  // not 4 records applied twice, and no error
}

TEST_CASE("store: a damaged snapshot is an error naming the file and offset") {
  TempDir d;
  retain_through_store(d.path, 1);
  CHECK(retained_after_restart(d.path) == 1);
  Bytes snap = read_all(d.path / "data.db");
  snap[kStoreHeaderSize + 9] ^= 0xFF;  // in the one record's body
  write_all(d.path / "data.db", snap);
  std::optional<std::string> e;
  retained_after_restart(d.path, &e);
  REQUIRE(e);
  CHECK(*e == (d.path / "data.db").string() +
                  ": record 1 at offset 17 is damaged (offset 21, record CRC: CRC mismatch: the record is corrupt); "
                  "0 records are intact, 0 of them after the damage. Nothing was changed: set persistence_salvage "
                  "true (--persistence-salvage true) to start from the intact records, keeping the damaged file "
                  "aside");
}

}  // namespace mq::server
