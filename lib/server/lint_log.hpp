#pragma once
/// mqbroker --lint: every packet the broker receives and sends goes, per
/// connection, through a tap (framed and decoded again, as the proxy of
/// mqdump does) into the lint engine mqdump uses, and each finding is
/// logged once per client id and rule, as text or as a JSON line. Off, the
/// server holds no LintLog and pays one branch per read and write.

#include <chrono>
#include <cstdint>
#include <memory>
#include <string_view>
#include <unordered_map>

#include "codec/types.hpp"
#include "lint/lint.hpp"
#include "net/loop.hpp"
#include "proxy/tap.hpp"
#include "server/log.hpp"

namespace mq::server {

/// The bounds of the broker's lint, stated in mqbroker's man page.
struct LintBounds {
  /// Client ids whose findings are remembered; the oldest is forgotten
  /// first (and may then be reported again).
  static constexpr std::size_t kClients = 10000;
  /// Entries of each table the conversation rules keep (topics per id
  /// pattern, QoS 2 topics, retained topics, filters, takeovers).
  static constexpr std::size_t kTracked = 4096;
  /// Longest topic, filter or client id those tables keep.
  static constexpr std::size_t kKeyBytes = 256;
  /// Subscriptions per connection the overlap rule compares.
  static constexpr std::size_t kFilters = 256;
  /// How often retain-clutter is judged while the broker runs (until it
  /// has been reported once).
  static constexpr std::chrono::seconds kReview{300};
};

/// The lint of a running broker.
class LintLog {
 public:
  /// Logs findings to `log` at warning level; `max_packet` bounds the
  /// framing of each direction (the broker's own limit). Reviews the
  /// whole-run rules every LintBounds::kReview on `loop`.
  LintLog(net::Loop& loop, Logger& log, const lint::LintSettings& settings, std::uint32_t max_packet);

  /// Connection `id` from `peer` ("127.0.0.1:5000") was accepted; its
  /// findings name it by `number`, as every other log line does.
  void opened(std::uint64_t id, std::uint64_t number, std::string_view peer);
  /// Bytes `id` sent to the broker (before the core reads them).
  void received(std::uint64_t id, ByteView bytes) { feed(id, lint::Direction::ToServer, bytes); }
  /// Bytes the broker sent to `id`.
  void sent(std::uint64_t id, ByteView bytes) { feed(id, lint::Direction::ToClient, bytes); }
  /// The socket of `id` closed: rules judged at the end of a connection run.
  void closed(std::uint64_t id);
  /// The broker stops: rules judged over the whole run (retained clutter)
  /// run a last time, and the review timer stops.
  void finish();

 private:
  void feed(std::uint64_t id, lint::Direction d, ByteView bytes);
  void log_finding(const lint::LintFinding& f);

  Logger& log_;
  std::uint32_t max_packet_;
  lint::Lint lint_;
  std::unordered_map<std::uint64_t, std::unique_ptr<proxy::ConnectionTap>> taps_;
  net::Timer review_timer_;
};

}  // namespace mq::server
