// The persistence file format: record bytes written out by hand, round
// trips of every record type, torn tails, CRC mismatches and bad fields.

#include <doctest/doctest.h>

#include "server/persist/record_codec.hpp"

namespace mq::server {

using Bytes = std::vector<std::uint8_t>;
using namespace mq::broker;

namespace {

const WallClock kClock{TimePoint{} + std::chrono::hours(5), 1'700'000'000'000};

Bytes encoded(const Record& r) {
  Bytes out;
  encode_record(r, kClock, out);
  return out;
}

/// Decodes one framed record written at offset 0.
Result<Record> decoded(const Bytes& b) {
  auto f = read_record_frame(b, 0);
  if (!f) return f.error();
  return decode_record(f->body, 8, kClock);
}

MessagePtr message(std::string_view topic, std::string_view payload, QoS qos, bool retain,
                   std::optional<TimePoint> expires = std::nullopt, const Properties* props = nullptr) {
  return Message::make(MessageView{topic, as_bytes(payload), props, qos, retain, expires});
}

}  // namespace

TEST_CASE("persist: CRC-32 of the standard check string") {
  CHECK(crc32(as_bytes("123456789")) == 0xCBF43926u);
}

TEST_CASE("persist: file header bytes") {
  Bytes out;
  encode_store_header({StoreFileKind::Log, 7}, out);
  CHECK(out == Bytes{'M', 'Q', 'D', 'B', 0, 0, 0, 3,  // magic, format version 3
                     1,                                 // kind: log
                     0, 0, 0, 0, 0, 0, 0, 7});          // generation
  auto h = decode_store_header(out);
  REQUIRE(h);
  CHECK(h->kind == StoreFileKind::Log);
  CHECK(h->generation == 7);

  Bytes mosquitto = out;
  mosquitto[0] = 0x00;
  auto bad = decode_store_header(mosquitto);
  REQUIRE_FALSE(bad);
  CHECK(to_string(bad.error()) == "offset 0, magic: not an mqbroker persistence file (expected \"MQDB\")");
  auto short_header = decode_store_header(ByteView(out).first(10));
  REQUIRE_FALSE(short_header);
  CHECK(short_header.error().kind == ErrorKind::Truncated);
}

TEST_CASE("persist: incoming received record bytes") {
  const Bytes b = encoded(IncomingReceived{"c1", 0x1234});
  const Bytes body{11,                 // type: incoming received
                   0x00, 0x02, 'c', '1',  // client id
                   0x12, 0x34};        // packet identifier
  const std::uint32_t crc = crc32(body);
  Bytes expected{0, 0, 0, 7,  // body length
                 static_cast<std::uint8_t>(crc >> 24), static_cast<std::uint8_t>(crc >> 16),
                 static_cast<std::uint8_t>(crc >> 8), static_cast<std::uint8_t>(crc)};
  expected.insert(expected.end(), body.begin(), body.end());
  CHECK(b == expected);
  auto r = decoded(b);
  REQUIRE(r);
  auto& in = std::get<IncomingReceived>(*r);
  CHECK(in.client_id == "c1");
  CHECK(in.packet_id == 0x1234);
}

TEST_CASE("persist: incoming held record bytes (format version 3)") {
  const Bytes b = encoded(IncomingHeld{"c1", 7, message("a", "hi", 2, false)});
  const Bytes body{13,                    // type: incoming held
                   0x00, 0x02, 'c', '1',  // client id
                   0x00, 0x07,            // packet identifier
                   0x02,                  // message flags: QoS 2
                   0x00, 0x01, 'a',       // topic
                   0x00,                  // property length
                   0x00, 0x00, 0x00, 0x02, 'h', 'i'};  // payload
  REQUIRE(b.size() == 8 + body.size());
  CHECK(Bytes(b.begin() + 8, b.end()) == body);
  auto r = decoded(b);
  REQUIRE(r);
  const auto& held = std::get<IncomingHeld>(*r);
  CHECK(held.client_id == "c1");
  CHECK(held.packet_id == 7);
  CHECK(as_chars(held.message->payload()) == "hi");

  // Files of versions 1 and 2 still load; a later version is refused by its header.
  Bytes header;
  encode_store_header({StoreFileKind::Snapshot, 1}, header);
  for (std::uint8_t v : {1, 2}) {
    header[7] = v;
    auto h = decode_store_header(header);
    REQUIRE(h);
    CHECK(h->version == v);
  }
  header[7] = 4;
  auto later = decode_store_header(header);
  REQUIRE_FALSE(later);
  CHECK(to_string(later.error()) == "offset 4, format version: format version 4 is not 1, 2 or 3");
}

TEST_CASE("persist: retained message record bytes, expiry as Unix milliseconds") {
  const Bytes b = encoded(RetainSet{message("a/b", "hi", 1, true, kClock.steady + std::chrono::seconds(2))});
  const Bytes body{1,                                  // type: retain set
                   0x0D,                               // QoS 1 | retain | has expiry
                   0x00, 0x00, 0x01, 0x8B, 0xCF, 0xE5, 0x6F, 0xD0,  // 1'700'000'002'000
                   0x00, 0x03, 'a', '/', 'b',          // topic
                   0x00,                               // property length
                   0x00, 0x00, 0x00, 0x02, 'h', 'i'};  // payload
  REQUIRE(b.size() == 8 + body.size());
  CHECK(Bytes(b.begin() + 8, b.end()) == body);
  auto r = decoded(b);
  REQUIRE(r);
  const Message& m = *std::get<RetainSet>(*r).message;
  CHECK(m.topic() == "a/b");
  CHECK(as_chars(m.payload()) == "hi");
  CHECK(m.qos() == 1);
  CHECK(m.retain());
  CHECK(m.expires() == kClock.steady + std::chrono::seconds(2));
}

TEST_CASE("persist: every record type round-trips") {
  Properties props{Property{PropertyId::ContentType, 0, {}, "text/plain"},
                   Property{PropertyId::UserProperty, 0, "k", "v"}};
  const std::vector<Record> records = {
      RetainSet{message("t", "p", 0, true, std::nullopt, &props)},
      RetainDelete{"gone/topic"},
      SessionSave{"client", 3600, ProtocolVersion::v5, std::string_view("alice")},
      SessionSave{"anon", 0xFFFFFFFF, ProtocolVersion::v31, std::nullopt},
      SessionDelete{"client"},
      SubscriptionAdd{"client", "$share/g/a/+", SubOptions{2, true, true, 2, 77}},
      SubscriptionRemove{"client", "a/#"},
      OutgoingAdd{"client", 1ull << 40, 2, true, false, 9, {1, 268435455}, message("x", "payload", 2, false)},
      OutgoingAdd{"client", 5, 2, false, true, 10, {}, nullptr},
      OutgoingSent{"client", 6, 65535},
      OutgoingReleased{"client", 6},
      OutgoingDone{"client", 7},
      IncomingReceived{"client", 1},
      IncomingReleased{"client", 1},
      IncomingHeld{"client", 65535, message("held/t", "kept", 2, true, kClock.steady + std::chrono::seconds(9), &props)},
  };
  for (const Record& rec : records) {
    CAPTURE(record_name(rec));
    const Bytes b = encoded(rec);
    auto r = decoded(b);
    REQUIRE(r);
    REQUIRE(r->index() == rec.index());
    CHECK(encoded(*r) == b);  // re-encoding gives the same bytes
    // Every shorter prefix is a torn record, never a crash.
    for (std::size_t n = 0; n < b.size(); ++n) {
      auto f = read_record_frame(ByteView(b).first(n), 0);
      REQUIRE_FALSE(f);
      CHECK(f.error().kind == ErrorKind::Truncated);
    }
  }
  auto add_record = decoded(encoded(records[7]));
  const auto& add = std::get<OutgoingAdd>(*add_record);
  CHECK(add.seq == 1ull << 40);
  CHECK(add.subscription_ids == std::vector<std::uint32_t>{1, 268435455});
  CHECK(as_chars(add.message->payload()) == "payload");
  auto sub_record = decoded(encoded(records[5]));
  const auto& sub = std::get<SubscriptionAdd>(*sub_record);
  CHECK(sub.options.qos == 2);
  CHECK(sub.options.no_local);
  CHECK(sub.options.retain_handling == 2);
  CHECK(sub.options.identifier == 77);
  auto retain_record = decoded(encoded(records[0]));
  const auto& msg = *std::get<RetainSet>(*retain_record).message;
  CHECK(msg.properties() == props);
}

TEST_CASE("persist: a flipped bit is a CRC mismatch at the record's CRC field") {
  Bytes b = encoded(OutgoingDone{"c", 1});
  b.back() ^= 0x01;
  auto f = read_record_frame(b, 0);
  REQUIRE_FALSE(f);
  CHECK(to_string(f.error()) == "offset 4, record CRC: CRC mismatch: the record is corrupt");
}

TEST_CASE("persist: frames are read in sequence and offsets count from the file start") {
  Bytes file;
  encode_store_header({StoreFileKind::Log, 0}, file);
  encode_record(OutgoingDone{"c", 1}, kClock, file);
  const std::size_t second = file.size();
  encode_record(OutgoingDone{"c", 2}, kClock, file);
  file.resize(file.size() - 1);  // torn tail
  auto f = read_record_frame(file, kStoreHeaderSize);
  REQUIRE(f);
  CHECK(f->next == second);
  auto torn = read_record_frame(file, second);
  REQUIRE_FALSE(torn);
  CHECK(torn.error().kind == ErrorKind::Truncated);
  CHECK(torn.error().offset == second + 8);
}

TEST_CASE("persist: bad record bodies give precise errors") {
  auto body_error = [](Bytes body) {
    auto r = decode_record(body, 100, kClock);
    REQUIRE_FALSE(r);
    return to_string(r.error());
  };
  CHECK(body_error({0x2A}) == "offset 100, record type: unknown record type 42");
  CHECK(body_error({11, 0x00, 0x01, 'c', 0x00, 0x01, 0xFF}) ==
        "offset 106, incoming received: 1 bytes after the last field");
  CHECK(body_error({3, 0x00, 0x01, 'c', 0, 0, 0, 0, 9, 0}) == "offset 108, protocol level: not 3, 4 or 5");
  CHECK(body_error({1, 0x03}) == "offset 101, message flags: QoS 3 or reserved bits set");
  CHECK(body_error({2, 0x00, 0x05, 'a'}) == "offset 103, topic: declares 5 bytes, 1 left");
  // A subscription identifier count larger than the record.
  CHECK(body_error({7, 0x00, 0x01, 'c', 0, 0, 0, 0, 0, 0, 0, 1, 0x01, 0x00, 0x01, 0xFF, 0xFF}) ==
        "offset 117, subscription identifiers: declares more than the record holds");

  Bytes huge{0xFF, 0xFF, 0xFF, 0xFF, 0, 0, 0, 0};
  auto f = read_record_frame(huge, 0);
  REQUIRE_FALSE(f);
  CHECK(f.error().kind == ErrorKind::TooLarge);
}

}  // namespace mq::server
