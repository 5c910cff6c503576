#pragma once
/// The broker's data directory: a snapshot file and, in durable mode, an
/// append-only log of the changes since that snapshot.
///
/// Modes (what each one guarantees):
///  - snapshot: the state is written to the snapshot file (temporary file,
///    fsync, rename) every autosave interval and at shutdown. A crash loses
///    the changes since the last save.
///  - durable: every change is also appended to the log once per loop turn
///    and fsynced before the turn's output is sent (group commit), so a QoS
///    1/2 message is acknowledged only once it is on disk and a crash (even
///    SIGKILL or power loss, given a disk that honours fsync) loses nothing
///    that was acknowledged. The log is folded into a new snapshot every
///    autosave interval, when it passes kCompactBytes, and at start and
///    shutdown.
/// A log belongs to the snapshot of the same generation; a log left over
/// from an older generation (a crash during compaction) is already in the
/// snapshot and is ignored. A log whose last record is cut short or fails
/// its CRC, with nothing valid after it (a torn write), is cut there with a
/// warning. Any other bad record, in the log or the snapshot, or a snapshot
/// without its end marker, stops the open: nothing is written, unless
/// `salvage` is set, which keeps the damaged file aside, restores every
/// intact record and logs each span lost.

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "broker/broker.hpp"
#include "server/config/settings.hpp"
#include "server/log.hpp"
#include "server/persist/record_codec.hpp"

namespace mq::server {

/// Log size past which a durable store compacts at the next loop turn.
inline constexpr std::uint64_t kCompactBytes = 64u * 1024 * 1024;

class Store final : public broker::Journal {
 public:
  /// Where and how; `file` is the snapshot's name in `dir` (the log is
  /// `file` + ".log").
  struct Options {
    std::string dir;
    std::string file;
    PersistenceMode mode = PersistenceMode::Snapshot;
    /// Only load (to check the files): nothing is written and the store
    /// does not stay attached to the broker.
    bool check_only = false;
    /// Start from the intact records of a damaged file (see above).
    bool salvage = false;
  };

  /// Creates `dir` when missing, loads the snapshot and log into `broker`
  /// (which must have no connections yet), attaches itself as its journal
  /// and writes a fresh snapshot. Returns an error message naming the file
  /// and byte offset of a problem.
  static std::optional<std::string> open(Options options, broker::Broker& broker, Logger& log,
                                         std::unique_ptr<Store>& out);
  ~Store() override;
  Store(const Store&) = delete;
  Store& operator=(const Store&) = delete;

  // broker::Journal: durable mode encodes the record for the next commit;
  // snapshot mode notes that a save is due.
  void write(const broker::Record& r) override;

  /// Durable mode: appends the records written since the last commit to the
  /// log and fsyncs it. Call before the broker's output leaves.
  std::optional<std::string> commit();
  /// Writes a new snapshot of `broker` and starts an empty log.
  std::optional<std::string> save(const broker::Broker& broker);
  /// True when a snapshot would differ from the last one written.
  bool changed() const { return changed_; }
  /// True when a durable log has grown past kCompactBytes.
  bool wants_compaction() const { return log_bytes_ > kCompactBytes; }
  PersistenceMode mode() const { return options_.mode; }
  /// Records restored at open (snapshot and log).
  std::size_t restored() const { return restored_; }

 private:
  Store(Options options, Logger& log);
  std::optional<std::string> load(broker::Broker& broker);
  /// Restores the records of one file whose header `h` was read.
  std::optional<std::string> restore_file(const std::string& path, const std::vector<std::uint8_t>& bytes,
                                          const StoreHeader& h, broker::Broker& broker, const WallClock& clock);
  std::string snapshot_path() const;
  std::string log_path() const;

  Options options_;
  Logger& log_;
  int log_fd_ = -1;
  std::uint64_t generation_ = 0;
  std::uint64_t log_bytes_ = 0;
  std::vector<std::uint8_t> pending_;
  bool changed_ = false;
  std::size_t restored_ = 0;
};

}  // namespace mq::server
