/// Fuzzes the persistence file decoder and the broker's restore. Input: the
/// bytes of a persistence file (header, then framed records), as the store
/// reads it at start. Every frame is decoded; a decoded record must encode
/// to bytes that decode and re-encode to themselves, and restoring the
/// records into a broker (then saving it) must not crash or leak. Since a
/// mutated record rarely keeps a valid CRC, the bytes after the header are
/// also decoded as one record body, without the frame.

#include <cstddef>
#include <cstdint>
#include <vector>

#include "broker/broker.hpp"
#include "invariant.hpp"
#include "server/persist/record_codec.hpp"

using namespace mq;
using mq::fuzz::require;

namespace {

struct NoOutput final : broker::Output {
  void send(broker::ConnectionId, ByteView) override {}
  void close(broker::ConnectionId) override {}
};

/// Encodes what the broker saves, checking each record decodes again.
struct Resave final : broker::Journal {
  server::WallClock clock;
  void write(const broker::Record& r) override {
    std::vector<std::uint8_t> b;
    server::encode_record(r, clock, b);
    auto f = server::read_record_frame(b, 0);
    if (!f) fuzz::broken("a saved record does not frame", f.error());
    auto d = server::decode_record(f->body, 8, clock);
    if (!d) fuzz::broken("a saved record does not decode", d.error());
  }
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const ByteView file(data, size);
  const broker::TimePoint now = broker::TimePoint{} + std::chrono::hours(24 * 365);
  const server::WallClock clock{now, 1'700'000'000'000};
  if (!server::decode_store_header(file)) return 0;

  NoOutput out;
  broker::Config config;
  config.sys_interval = 0;
  broker::Broker b(config, out, nullptr, now);
  Resave resave;
  resave.clock = clock;
  b.set_journal(&resave);
  auto check_and_restore = [&](ByteView body, std::size_t base) {
    auto r = server::decode_record(body, base, clock);
    if (!r) return;
    std::vector<std::uint8_t> once;
    server::encode_record(*r, clock, once);
    auto f2 = server::read_record_frame(once, 0);
    if (!f2) fuzz::broken("a re-encoded record does not frame", f2.error());
    auto r2 = server::decode_record(f2->body, 8, clock);
    if (!r2) fuzz::broken("a re-encoded record does not decode", r2.error());
    std::vector<std::uint8_t> twice;
    server::encode_record(*r2, clock, twice);
    require(once == twice, "decode and encode are not inverse on re-encoded bytes");
    b.restore(*r, now);
  };
  for (std::size_t at = server::kStoreHeaderSize; at < file.size();) {
    auto f = server::read_record_frame(file, at);
    if (!f) break;
    require(f->next > at && f->next <= file.size(), "a frame does not advance within the file");
    check_and_restore(f->body, at + 8);
    at = f->next;
  }
  if (file.size() > server::kStoreHeaderSize)
    check_and_restore(file.subspan(server::kStoreHeaderSize), server::kStoreHeaderSize);
  b.restore_done(now);
  b.save(resave);
  return 0;
}
