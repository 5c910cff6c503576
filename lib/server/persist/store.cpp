#include "server/persist/store.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>

#include <fmt/format.h>

#include "server/persist/files.hpp"
#include "server/persist/scan.hpp"

namespace mq::server {

namespace {

WallClock wall_clock_now() {
  const auto unix = std::chrono::duration_cast<std::chrono::milliseconds>(
      std::chrono::system_clock::now().time_since_epoch());
  return WallClock{broker::Clock::now(), unix.count()};
}

/// Encodes every record it is given into one buffer (a snapshot's body).
class Collector final : public broker::Journal {
 public:
  Collector(std::vector<std::uint8_t>& out, const WallClock& clock) : out_(out), clock_(clock) {}
  void write(const broker::Record& r) override {
    encode_record(r, clock_, out_);
    ++count_;
  }
  std::uint64_t count() const { return count_; }

 private:
  std::uint64_t count_ = 0;
  std::vector<std::uint8_t>& out_;
  WallClock clock_;
};

}  // namespace

Store::Store(Options options, Logger& log) : options_(std::move(options)), log_(log) {}

Store::~Store() {
  if (log_fd_ >= 0) ::close(log_fd_);
}

std::string Store::snapshot_path() const { return options_.dir + "/" + options_.file; }
std::string Store::log_path() const { return snapshot_path() + ".log"; }

std::optional<std::string> Store::open(Options options, broker::Broker& broker, Logger& log,
                                       std::unique_ptr<Store>& out) {
  if (options.dir.empty()) options.dir.push_back('.');  // (= "." trips g++ 12 -Wrestrict at -O2)
  if (!options.check_only)
    if (auto e = ensure_dir(options.dir)) return e;
  std::unique_ptr<Store> s(new Store(std::move(options), log));
  broker.set_journal(s.get());
  if (auto e = s->load(broker)) {
    broker.set_journal(nullptr);
    return e;
  }
  broker.restore_done(broker::Clock::now());
  if (s->options_.check_only) {
    broker.set_journal(nullptr);
    out = std::move(s);
    return std::nullopt;
  }
  if (auto e = s->save(broker)) {
    broker.set_journal(nullptr);
    return e;
  }
  out = std::move(s);
  return std::nullopt;
}

std::optional<std::string> Store::load(broker::Broker& broker) {
  const WallClock clock = wall_clock_now();
  std::vector<std::uint8_t> bytes;
  bool exists = false;

  const std::string snap = snapshot_path();
  if (auto e = read_file(snap, bytes, exists)) return e;
  if (exists) {
    auto h = decode_store_header(bytes);
    if (!h) return fmt::format("{}: {}", snap, to_string(h.error()));
    if (h->kind != StoreFileKind::Snapshot) return fmt::format("{}: a log file, not a snapshot", snap);
    generation_ = h->generation;
    if (auto e = restore_file(snap, bytes, *h, broker, clock)) return e;
  }

  const std::string logp = log_path();
  if (auto e = read_file(logp, bytes, exists)) return e;
  if (!exists) return std::nullopt;
  auto h = decode_store_header(bytes);
  if (!h) {
    if (h.error().kind != ErrorKind::Truncated) return fmt::format("{}: {}", logp, to_string(h.error()));
    log_.log(LogLevel::Warning, "persistence log ends inside its header; ignored", {{"file", logp}});
    return std::nullopt;
  }
  if (h->kind != StoreFileKind::Log) return fmt::format("{}: a snapshot, not a log file", logp);
  if (h->generation != generation_) {
    // Left over from a compaction that finished: already in the snapshot.
    log_.log(LogLevel::Notice, "persistence log of another generation ignored",
             {{"file", logp},
              {"log_generation", std::to_string(h->generation)},
              {"snapshot_generation", std::to_string(generation_)}});
    return std::nullopt;
  }
  return restore_file(logp, bytes, *h, broker, clock);
}

std::optional<std::string> Store::restore_file(const std::string& path, const std::vector<std::uint8_t>& bytes,
                                               const StoreHeader& h, broker::Broker& broker,
                                               const WallClock& clock) {
  const bool snapshot = h.kind == StoreFileKind::Snapshot;
  const RecordScan scan = scan_records(bytes, kStoreHeaderSize);
  std::vector<BadSpan> bad = scan.damage;
  std::vector<broker::Record> records;
  bool closed = false;  // a snapshot's end marker was read, last
  for (std::size_t i = 0; i < scan.frames.size(); ++i) {
    const ScannedFrame& f = scan.frames[i];
    const std::size_t to = f.offset + 8 + f.body.size();
    if (auto count = end_marker_count(f.body)) {
      // Only a snapshot from version 2 on has one, as its very last frame.
      closed = snapshot && h.version >= 2 && i + 1 == scan.frames.size() && !scan.torn_tail && *count == i;
      if (!closed) {
        DecodeError e;
        e.kind = ErrorKind::Malformed;
        e.offset = f.offset;
        e.field = "end marker";
        e.message = fmt::format("an end marker counting {} records where {} were read, or not at the end", *count, i);
        bad.push_back({f.offset, to, f.record, e});
      }
      continue;
    }
    auto r = decode_record(f.body, f.offset + 8, clock);
    if (!r) {
      bad.push_back({f.offset, to, f.record, r.error()});
      continue;
    }
    records.push_back(std::move(*r));
  }
  if (snapshot && scan.torn_tail) bad.push_back(*scan.torn_tail);  // written whole: a cut is damage
  if (snapshot && h.version < 2) {
    log_.log(LogLevel::Warning,
             "persistence snapshot in format version 1: it has no end marker, so a cut at a record boundary "
             "cannot be detected (the next save writes the current version)",
             {{"file", path}});
  } else if (snapshot && !closed && bad.empty()) {
    DecodeError e;
    e.kind = ErrorKind::Truncated;
    e.offset = bytes.size();
    e.field = "end marker";
    e.message = "the snapshot ends without its end marker: it was cut short";
    bad.push_back({bytes.size(), bytes.size(), scan.frames.size() + 1, e});
  }
  std::sort(bad.begin(), bad.end(), [](const BadSpan& a, const BadSpan& b) { return a.from < b.from; });

  if (!bad.empty()) {
    const BadSpan& first = bad.front();
    const auto after = std::count_if(scan.frames.begin(), scan.frames.end(),
                                     [&](const ScannedFrame& f) { return f.offset >= first.to && !end_marker_count(f.body); });
    if (!options_.salvage)
      return fmt::format(
          "{}: record {} at offset {} is damaged ({}); {} records are intact, {} of them after the damage. "
          "Nothing was changed: set persistence_salvage true (--persistence-salvage true) to start from the "
          "intact records, keeping the damaged file aside",
          path, first.record, first.from, to_string(first.error), records.size(), after);
    std::string kept = "(not written: --check-config)";
    if (!options_.check_only)
      if (auto e = keep_aside(options_.dir, path, bytes, kept)) return e;
    log_.log(LogLevel::Warning, "persistence file damaged; salvaging its intact records",
             {{"file", path}, {"kept_as", kept}, {"records_kept", std::to_string(records.size())}});
    for (const BadSpan& b : bad)
      log_.log(LogLevel::Warning, "persistence data lost",
               {{"file", path},
                {"record", std::to_string(b.record)},
                {"from", std::to_string(b.from)},
                {"to", std::to_string(b.to)},
                {"reason", to_string(b.error)}});
  }
  if (!snapshot && scan.torn_tail) {
    // A write cut short by a crash: what it held was never acknowledged.
    log_.log(LogLevel::Warning, "persistence log cut at the last complete record",
             {{"file", path},
              {"offset", std::to_string(scan.torn_tail->from)},
              {"reason", to_string(scan.torn_tail->error)}});
  }
  for (const broker::Record& r : records) {
    broker.restore(r, clock.steady);
    ++restored_;
  }
  return std::nullopt;
}

void Store::write(const broker::Record& r) {
  changed_ = true;
  if (options_.mode == PersistenceMode::Durable) encode_record(r, wall_clock_now(), pending_);
}

std::optional<std::string> Store::commit() {
  if (pending_.empty() || log_fd_ < 0) return std::nullopt;
  if (auto e = append_fd(log_fd_, log_path(), pending_, true)) return e;
  log_bytes_ += pending_.size();
  pending_.clear();
  return std::nullopt;
}

std::optional<std::string> Store::save(const broker::Broker& broker) {
  std::vector<std::uint8_t> buf;
  encode_store_header({StoreFileKind::Snapshot, generation_ + 1}, buf);
  Collector collect(buf, wall_clock_now());
  broker.save(collect);
  encode_end_marker(collect.count(), buf);
  if (auto e = replace_file(options_.dir, snapshot_path(), buf)) return e;
  ++generation_;
  pending_.clear();  // everything journaled so far is in the snapshot
  changed_ = false;

  const std::string logp = log_path();
  if (log_fd_ >= 0) ::close(log_fd_);
  log_fd_ = -1;
  if (options_.mode == PersistenceMode::Snapshot) {
    if (::unlink(logp.c_str()) != 0 && errno != ENOENT)
      return fmt::format("cannot remove {}: {}", logp, std::strerror(errno));
    return std::nullopt;
  }
  buf.clear();
  encode_store_header({StoreFileKind::Log, generation_}, buf);
  if (auto e = replace_file(options_.dir, logp, buf)) return e;
  log_fd_ = ::open(logp.c_str(), O_WRONLY | O_APPEND | O_CLOEXEC | O_NOFOLLOW);
  if (log_fd_ < 0) return fmt::format("cannot open {}: {}", logp, std::strerror(errno));
  log_bytes_ = buf.size();
  return std::nullopt;
}

}  // namespace mq::server
