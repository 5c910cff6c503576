#pragma once
/// A journal for the core's persistence tests: it keeps the records encoded
/// as the durable log would, and replays them into a restarted broker.

#include <string>
#include <vector>

#include "harness.hpp"
#include "server/persist/record_codec.hpp"

namespace mq::broker::test {

/// A journal that keeps the encoded records, as the durable log would.
struct Tape final : Journal {
  Bytes bytes;
  std::vector<std::string> names;
  server::WallClock clock;
  explicit Tape(TimePoint now) : clock{now, 1'700'000'000'000} {}
  void write(const Record& r) override {
    names.emplace_back(server::record_name(r));
    server::encode_record(r, clock, bytes);
  }
  /// Drops every record after the first `n`, as a log torn by a crash.
  void cut(std::size_t n) {
    std::size_t at = 0;
    for (std::size_t i = 0; i < n; ++i) at = server::read_record_frame(bytes, at)->next;
    bytes.resize(at);
    names.resize(n);
  }
  /// Decodes every record into `b` (which journals to `next`).
  void replay(Broker& b, Journal& next, TimePoint now) const {
    b.set_journal(&next);
    for (std::size_t at = 0; at < bytes.size();) {
      auto f = server::read_record_frame(bytes, at);
      REQUIRE(f);
      auto r = server::decode_record(f->body, at + 8, server::WallClock{now, clock.unix_ms});
      REQUIRE(r);
      b.restore(*r, now);
      at = f->next;
    }
    b.restore_done(now);
  }
};

}  // namespace mq::broker::test
