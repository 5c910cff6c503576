#include "server/persist/store.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

#include <fmt/format.h>

#include "server/persist/files.hpp"

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
  void write(const broker::Record& r) override { encode_record(r, clock_, out_); }

 private:
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

  // The snapshot was written whole and renamed into place: any damage is
  // real corruption, and starting without it would lose data silently.
  const std::string snap = snapshot_path();
  if (auto e = read_file(snap, bytes, exists)) return e;
  if (exists) {
    auto h = decode_store_header(bytes);
    if (!h) return fmt::format("{}: {}", snap, to_string(h.error()));
    if (h->kind != StoreFileKind::Snapshot) return fmt::format("{}: a log file, not a snapshot", snap);
    generation_ = h->generation;
    for (std::size_t at = kStoreHeaderSize; at < bytes.size();) {
      auto f = read_record_frame(bytes, at);
      if (!f) return fmt::format("{}: {} (the snapshot is damaged; move it away to start without it)", snap,
                                 to_string(f.error()));
      auto r = decode_record(f->body, at + 8, clock);
      if (!r) return fmt::format("{}: {}", snap, to_string(r.error()));
      broker.restore(*r, clock.steady);
      ++restored_;
      at = f->next;
    }
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
  for (std::size_t at = kStoreHeaderSize; at < bytes.size();) {
    auto f = read_record_frame(bytes, at);
    if (!f) {
      // A write cut short by a crash: what follows was never acknowledged.
      log_.log(LogLevel::Warning, "persistence log cut at the last complete record",
               {{"file", logp}, {"offset", std::to_string(at)}, {"reason", to_string(f.error())}});
      break;
    }
    auto r = decode_record(f->body, at + 8, clock);
    if (!r) return fmt::format("{}: {}", logp, to_string(r.error()));
    broker.restore(*r, clock.steady);
    ++restored_;
    at = f->next;
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
