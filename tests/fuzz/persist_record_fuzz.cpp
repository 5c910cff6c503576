/// Fuzzes the persistence file decoder and the broker's restore. Input: the
/// bytes of a persistence file (header, then framed records), as the store
/// reads it at start. Every frame is decoded; a decoded record must encode
/// to bytes that decode and re-encode to themselves, and restoring the
/// records into a broker (then saving it) must not crash or leak. Since a
/// mutated record rarely keeps a valid CRC, the bytes after the header are
/// also decoded as one record body, without the frame. The damage scanner
/// must cut the bytes after the header into valid frames and bad spans that
/// follow each other without gap or overlap, with a torn tail only at the end.

#include <cstddef>
#include <algorithm>
#include <cstdint>
#include <vector>

#include "broker/broker.hpp"
#include "invariant.hpp"
#include "server/persist/record_codec.hpp"
#include "server/persist/scan.hpp"

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

/// The scan's frames and spans tile the file after the header, in order.
void check_scan(ByteView file) {
  const server::RecordScan scan = server::scan_records(file, server::kStoreHeaderSize);
  std::size_t at = server::kStoreHeaderSize, f = 0, d = 0, record = 0;
  while (f < scan.frames.size() || d < scan.damage.size()) {
    ++record;
    if (f < scan.frames.size() && scan.frames[f].offset == at) {
      const auto& fr = scan.frames[f++];
      require(fr.record == record, "frames are not numbered in order");
      auto again = server::read_record_frame(file, at);
      require(again && again->body.size() == fr.body.size(), "a scanned frame does not read again");
      if (auto n = server::end_marker_count(fr.body)) {
        std::vector<std::uint8_t> marker;
        server::encode_end_marker(*n, marker);
        require(ByteView(marker).subspan(8).size() == fr.body.size() &&
                    std::equal(fr.body.begin(), fr.body.end(), marker.begin() + 8),
                "an end marker does not re-encode to itself");
      }
      at += 8 + fr.body.size();
      continue;
    }
    require(d < scan.damage.size() && scan.damage[d].from == at, "a gap between frames and damaged spans");
    const auto& bad = scan.damage[d++];
    require(bad.record == record && bad.to > bad.from && bad.to < file.size(), "a damaged span is misplaced");
    at = bad.to;
  }
  if (scan.torn_tail) {
    require(scan.torn_tail->from == at && scan.torn_tail->to == file.size(), "a torn tail does not end the file");
    at = file.size();
  }
  require(at == std::max(file.size(), server::kStoreHeaderSize), "the scan does not reach the end of the file");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const ByteView file(data, size);
  const broker::TimePoint now = broker::TimePoint{} + std::chrono::hours(24 * 365);
  const server::WallClock clock{now, 1'700'000'000'000};
  if (!server::decode_store_header(file)) return 0;
  check_scan(file);

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
