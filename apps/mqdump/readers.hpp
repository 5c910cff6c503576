#pragma once
/// What reads a live or captured conversation in mqdump: the printer, or
/// --summary and --lint in its place, plus the tally the exit status needs.
/// Shared by the proxy and the capture readers.

#include <cstdint>
#include <functional>
#include <string_view>

#include "config.hpp"
#include "dump/observed_filter.hpp"
#include "dump/summary.hpp"
#include "exit_codes.hpp"
#include "lint/lint.hpp"

namespace mq::mqdump {

/// The readers a command line asks for, behind one observer.
class ConversationReaders {
 public:
  /// `printer` shows packets unless --summary or --lint replace it; `write`
  /// receives the summary and the findings (whole lines).
  ConversationReaders(const Config& config, dump::PacketObserver& printer, std::function<void(std::string_view)> write);

  /// Where sources hand the conversation.
  dump::PacketObserver& observer() { return fanout_; }
  /// Connections that have ended so far.
  std::uint64_t ended() const { return tally_.ended; }
  /// Ends the conversation at `time_us` (0: the last time seen), writes the
  /// summary and the last findings, and returns `status` made worse by
  /// what was read: DecodeFailed for a packet that did not decode (when
  /// `status` is Ok), else LintFindings for a finding.
  Exit finish(Exit status, std::int64_t time_us = 0);
  /// The lint, for sources that feed it messages directly (mqsub's NDJSON).
  lint::Lint& lint() { return lint_; }

 private:
  struct Tally : dump::PacketObserver {
    std::uint64_t ended = 0;
    std::uint64_t failures = 0;
    void packet(const dump::ObservedPacket& p) override {
      if (p.decoded && !p.decoded->ok()) ++failures;
    }
    void connection_end(const dump::ConnectionEnd&) override { ++ended; }
  };
  const Config& config_;
  std::function<void(std::string_view)> write_;
  dump::ConversationSummary summary_;
  lint::Lint lint_;
  Tally tally_;
  dump::ObserverFanout fanout_;
};

}  // namespace mq::mqdump
