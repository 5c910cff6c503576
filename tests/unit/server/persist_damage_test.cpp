// Damaged persistence files: a torn log tail is repaired, any other bad
// record stops the start without touching the file, and salvage keeps the
// damaged file aside and every intact record. Snapshots close with an end
// marker, so one cut at a record boundary is seen as cut.

#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>

#include <unistd.h>

#include "server/persist/files.hpp"
#include "server/persist/scan.hpp"
#include "server/persist/store.hpp"

namespace mq::server {

namespace {

namespace fs = std::filesystem;
using Bytes = std::vector<std::uint8_t>;

struct NoOutput final : broker::Output {
  void send(broker::ConnectionId, ByteView) override {}
  void close(broker::ConnectionId) override {}
};

/// A fresh directory, removed at the end of the test.
struct TempDir {
  fs::path path;
  TempDir() {
    path = fs::temp_directory_path() / ("mq_damage_test_" + std::to_string(::getpid()) + "_" + std::to_string(++count));
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

broker::Config quiet() {
  broker::Config c;
  c.sys_interval = 0;
  return c;
}

broker::MessagePtr retained(int i) {
  const std::string topic = "r/" + std::to_string(i);
  return broker::Message::make({topic, as_bytes("value"), nullptr, 0, true, std::nullopt});
}

/// Opens the store in `dir` and returns the retained messages restored (or
/// -1 with `error` set when the open fails); then, in durable mode, logs
/// `add` more and returns `add`.
int open_count(const fs::path& dir, PersistenceMode mode, bool salvage, std::optional<std::string>* error = nullptr,
               int add = 0) {
  NoOutput out;
  broker::Broker b(quiet(), out, nullptr, broker::Clock::now());
  Logger log(LogLevel::Error, false, nullptr);
  std::unique_ptr<Store> store;
  auto e = Store::open({dir.string(), "data.db", mode, false, salvage}, b, log, store);
  if (error) *error = e;
  if (e) return -1;
  if (add == 0) return static_cast<int>(b.counters().retained);
  REQUIRE(mode == PersistenceMode::Durable);
  for (int i = 0; i < add; ++i) store->write(broker::RetainSet{retained(i)});
  REQUIRE_FALSE(store->commit());
  return add;
}

/// Offsets of the records of a file, from the frames that check.
std::vector<std::size_t> record_offsets(const Bytes& file) {
  std::vector<std::size_t> out;
  for (const ScannedFrame& f : scan_records(file, kStoreHeaderSize).frames) out.push_back(f.offset);
  return out;
}

/// Names in `dir` that start with `prefix`.
std::vector<fs::path> files_starting(const fs::path& dir, const std::string& prefix) {
  std::vector<fs::path> out;
  for (const auto& e : fs::directory_iterator(dir))
    if (e.path().filename().string().starts_with(prefix)) out.push_back(e.path());
  return out;
}

}  // namespace

TEST_CASE("persist damage: the scanner tells a flipped byte mid-file from a torn tail") {
  TempDir d;
  REQUIRE(open_count(d.path, PersistenceMode::Durable, false, nullptr, 20) == 20);
  const Bytes log = read_all(d.path / "data.db.log");
  const auto at = record_offsets(log);
  REQUIRE(at.size() == 20);

  Bytes flipped = log;
  flipped[at[9] + 12] ^= 0x01;  // inside record 10's body
  RecordScan s = scan_records(flipped, kStoreHeaderSize);
  REQUIRE(s.damage.size() == 1);
  CHECK(s.damage[0].record == 10);
  CHECK(s.damage[0].from == at[9]);
  CHECK(s.damage[0].to == at[10]);  // resynchronised at record 11
  CHECK_FALSE(s.torn_tail);
  CHECK(s.frames.size() == 19);

  Bytes length = log;
  length[at[4]] = 0x7F;  // record 5 declares far more than the file holds
  s = scan_records(length, kStoreHeaderSize);
  REQUIRE(s.damage.size() == 1);
  CHECK(s.damage[0].record == 5);
  CHECK(s.frames.size() == 19);

  Bytes torn(log.begin(), log.begin() + static_cast<std::ptrdiff_t>(at[19] + 5));  // cut inside the last record
  s = scan_records(torn, kStoreHeaderSize);
  CHECK(s.damage.empty());
  REQUIRE(s.torn_tail);
  CHECK(s.torn_tail->from == at[19]);
  CHECK(s.frames.size() == 19);

  Bytes last_crc = log;
  last_crc.back() ^= 0x01;  // the last record fails its CRC, nothing after it
  s = scan_records(last_crc, kStoreHeaderSize);
  CHECK(s.damage.empty());
  CHECK(s.torn_tail);

  Bytes zeros = log;
  zeros.resize(log.size() + 4096, 0);  // what a crash can leave past the last append
  s = scan_records(zeros, kStoreHeaderSize);
  CHECK(s.damage.empty());
  REQUIRE(s.torn_tail);
  CHECK(s.torn_tail->from == log.size());
  CHECK(s.frames.size() == 20);
}

TEST_CASE("persist damage: a torn log tail is repaired; a damaged log refuses to start and is left alone") {
  TempDir d;
  REQUIRE(open_count(d.path, PersistenceMode::Durable, false, nullptr, 100) == 100);
  const Bytes log = read_all(d.path / "data.db.log");
  const auto at = record_offsets(log);
  REQUIRE(at.size() == 100);

  Bytes damaged = log;
  damaged[at[9] + 12] ^= 0x01;
  write_all(d.path / "data.db.log", damaged);
  std::optional<std::string> e;
  CHECK(open_count(d.path, PersistenceMode::Durable, false, &e) == -1);
  REQUIRE(e);
  CHECK(e->starts_with((d.path / "data.db.log").string() + ": record 10 at offset " + std::to_string(at[9]) +
                       " is damaged ("));
  CHECK(e->find("99 records are intact, 90 of them after the damage") != std::string::npos);
  CHECK(e->find("persistence_salvage true") != std::string::npos);
  CHECK(read_all(d.path / "data.db.log") == damaged);  // not rewritten
  CHECK(files_starting(d.path, "data.db.log.damaged-").empty());

  // Salvage: the damaged file is kept byte for byte, the 99 intact records restored.
  CHECK(open_count(d.path, PersistenceMode::Durable, true, &e) == 99);
  CHECK_FALSE(e);
  const auto kept = files_starting(d.path, "data.db.log.damaged-");
  REQUIRE(kept.size() == 1);
  CHECK(read_all(kept[0]) == damaged);
  CHECK(read_all(d.path / "data.db.log").size() == kStoreHeaderSize);  // folded into a new snapshot
  CHECK(open_count(d.path, PersistenceMode::Durable, false) == 99);

  // Keeping aside again never replaces the first copy.
  std::string second;
  REQUIRE_FALSE(keep_aside(d.path.string(), (d.path / "data.db.log").string(), Bytes{}, second));
  CHECK(files_starting(d.path, "data.db.log.damaged-").size() == 2);
  CHECK(second != kept[0].string());
  CHECK(read_all(kept[0]) == damaged);
}

TEST_CASE("persist damage: a log cut inside its last record starts without error") {
  TempDir d;
  REQUIRE(open_count(d.path, PersistenceMode::Durable, false, nullptr, 5) == 5);
  Bytes log = read_all(d.path / "data.db.log");
  log.resize(log.size() - 3);
  write_all(d.path / "data.db.log", log);
  std::optional<std::string> e;
  CHECK(open_count(d.path, PersistenceMode::Durable, false, &e) == 4);
  CHECK_FALSE(e);
  CHECK(files_starting(d.path, "data.db.log.damaged-").empty());
}

TEST_CASE("persist damage: a snapshot cut at a record boundary is detected") {
  TempDir d;
  REQUIRE(open_count(d.path, PersistenceMode::Durable, false, nullptr, 3) == 3);
  REQUIRE(open_count(d.path, PersistenceMode::Snapshot, false) == 3);  // saved at open: 3 records + end marker
  const Bytes snap = read_all(d.path / "data.db");
  const auto at = record_offsets(snap);
  REQUIRE(at.size() == 4);
  CHECK(end_marker_count(ByteView(snap).subspan(at[3] + 8)) == 3u);

  for (std::size_t cut : {at[1], at[3]}) {
    CAPTURE(cut);
    const Bytes shorter(snap.begin(), snap.begin() + static_cast<std::ptrdiff_t>(cut));
    write_all(d.path / "data.db", shorter);
    std::optional<std::string> e;
    CHECK(open_count(d.path, PersistenceMode::Snapshot, false, &e) == -1);
    REQUIRE(e);
    CHECK(e->find("without its end marker") != std::string::npos);
    CHECK(read_all(d.path / "data.db") == shorter);
  }
  // Salvage starts from what is there and keeps the cut file aside.
  CHECK(open_count(d.path, PersistenceMode::Snapshot, true) == 3);
  CHECK(files_starting(d.path, "data.db.damaged-").size() == 1);
}

TEST_CASE("persist damage: a format version 1 snapshot (no end marker) is read as before") {
  TempDir d;
  REQUIRE(open_count(d.path, PersistenceMode::Durable, false, nullptr, 3) == 3);
  REQUIRE(open_count(d.path, PersistenceMode::Snapshot, false) == 3);
  Bytes snap = read_all(d.path / "data.db");
  const auto at = record_offsets(snap);
  REQUIRE(at.size() == 4);
  snap.resize(at[3]);  // without the end marker
  snap[7] = 1;         // format version 1
  write_all(d.path / "data.db", snap);
  std::optional<std::string> e;
  CHECK(open_count(d.path, PersistenceMode::Snapshot, false, &e) == 3);
  CHECK_FALSE(e);
  // Saved at open in the current version, with its end marker.
  const Bytes now = read_all(d.path / "data.db");
  CHECK(now[7] == kStoreVersion);
  CHECK(record_offsets(now).size() == 4);
}

TEST_CASE("persist damage: an end marker is a frame of type 0 with the record count") {
  Bytes out;
  encode_end_marker(258, out);
  REQUIRE(out.size() == 17);
  CHECK(Bytes(out.begin(), out.begin() + 4) == Bytes{0, 0, 0, 9});  // body length
  CHECK(Bytes(out.begin() + 8, out.end()) == Bytes{0, 0, 0, 0, 0, 0, 0, 1, 2});
  CHECK(crc32(ByteView(out).subspan(8)) == (std::uint32_t{out[4]} << 24 | out[5] << 16 | out[6] << 8 | out[7]));
  CHECK(end_marker_count(ByteView(out).subspan(8)) == 258u);
  CHECK_FALSE(end_marker_count(ByteView(out).subspan(7)));
}

}  // namespace mq::server
