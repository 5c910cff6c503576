#include "server/persist/record_codec.hpp"

#include <array>

#include "codec/properties_codec.hpp"
#include "codec/reader.hpp"
#include "codec/writer.hpp"

namespace mq::server {

using namespace mq::broker;

namespace {

/// Type names by Record variant index; the type byte on disk is index + 1.
/// Field layouts (after the type byte; "client" is the client id string):
///   retain set          message
///   retain delete       topic
///   session save        client, u32 expiry, u8 protocol level, u8 has user name, [user name]
///   session delete      client
///   subscription add    client, filter, u8 options (QoS | no local << 2 |
///                       retain as published << 3 | retain handling << 4), u32 identifier
///   subscription remove client, filter
///   outgoing add        client, u64 seq, u8 flags (QoS | retain << 2 | released << 3),
///                       u16 packet id, u16 count, u32 subscription id * count, [message unless released]
///   outgoing sent       client, u64 seq, u16 packet id
///   outgoing released   client, u64 seq
///   outgoing done       client, u64 seq
///   incoming received   client, u16 packet id
///   incoming released   client, u16 packet id
///   incoming held       client, u16 packet id, message (format version 3)
constexpr std::array<std::string_view, std::variant_size_v<Record>> kRecordNames = {
    "retain set",      "retain delete",     "session save",     "session delete",
    "subscription add", "subscription remove", "outgoing add",  "outgoing sent",
    "outgoing released", "outgoing done",    "incoming received", "incoming released",
    "incoming held",
};

std::array<std::uint32_t, 256> make_crc_table() {
  std::array<std::uint32_t, 256> t{};
  for (std::uint32_t i = 0; i < 256; ++i) {
    std::uint32_t c = i;
    for (int k = 0; k < 8; ++k) c = c & 1 ? 0xEDB88320u ^ (c >> 1) : c >> 1;
    t[i] = c;
  }
  return t;
}

void put_u64(Writer& w, std::uint64_t v) {
  w.u32(static_cast<std::uint32_t>(v >> 32));
  w.u32(static_cast<std::uint32_t>(v));
}

std::uint64_t get_u64(Reader& r, std::string_view field) {
  const std::uint64_t hi = r.u32(field);
  return hi << 32 | r.u32(field);
}

void put_message(Writer& w, const Message& m, const WallClock& clock) {
  const bool expires = m.expires().has_value();
  w.u8(static_cast<std::uint8_t>(m.qos() | (m.retain() ? 4 : 0) | (expires ? 8 : 0)));
  if (expires) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(*m.expires() - clock.steady).count();
    put_u64(w, static_cast<std::uint64_t>(clock.unix_ms + left));
  }
  w.string(m.topic());
  put_properties(w, m.properties());
  w.u32(static_cast<std::uint32_t>(m.payload().size()));
  w.bytes(m.payload());
}

MessagePtr get_message(Reader& r, const WallClock& clock) {
  const std::size_t flags_at = r.offset();
  const std::uint8_t flags = r.u8("message flags");
  if (r && ((flags & 3) == 3 || (flags & 0xF0))) {
    r.fail(ErrorKind::Malformed, "message flags", "QoS 3 or reserved bits set", {}, flags_at);
    return nullptr;
  }
  MessageView v;
  v.qos = flags & 3;
  v.retain = flags & 4;
  if (flags & 8) {
    // Kept within a century of now, so the clock arithmetic cannot overflow.
    constexpr std::int64_t kCentury = 100LL * 366 * 24 * 3600 * 1000;
    const auto at = static_cast<std::int64_t>(get_u64(r, "message expiry"));
    const std::int64_t left =
        at < clock.unix_ms - kCentury ? -kCentury : at > clock.unix_ms + kCentury ? kCentury : at - clock.unix_ms;
    v.expires = clock.steady + std::chrono::milliseconds(left);
  }
  v.topic = r.string("topic");
  Properties props;
  read_properties(r, PacketType::Connect, PropertyPlace::Will, props);
  v.properties = &props;
  const std::uint32_t size = r.u32("payload length");
  v.payload = r.bytes(size, "payload");
  if (!r) return nullptr;
  return Message::make(v);
}

void put_body(Writer& w, const Record& record, const WallClock& clock) {
  w.u8(static_cast<std::uint8_t>(record.index() + 1));
  std::visit(
      [&](const auto& r) {
        using T = std::decay_t<decltype(r)>;
        if constexpr (std::is_same_v<T, RetainSet>) {
          put_message(w, *r.message, clock);
        } else if constexpr (std::is_same_v<T, RetainDelete>) {
          w.string(r.topic);
        } else {
          w.string(r.client_id);
          if constexpr (std::is_same_v<T, SessionSave>) {
            w.u32(r.expiry_interval);
            w.u8(static_cast<std::uint8_t>(r.version));
            w.u8(r.username ? 1 : 0);
            if (r.username) w.string(*r.username);
          } else if constexpr (std::is_same_v<T, SubscriptionAdd>) {
            w.string(r.filter);
            const SubOptions& o = r.options;
            w.u8(static_cast<std::uint8_t>(o.qos | (o.no_local ? 4 : 0) | (o.retain_as_published ? 8 : 0) |
                                           (o.retain_handling << 4)));
            w.u32(o.identifier);
          } else if constexpr (std::is_same_v<T, SubscriptionRemove>) {
            w.string(r.filter);
          } else if constexpr (std::is_same_v<T, OutgoingAdd>) {
            put_u64(w, r.seq);
            w.u8(static_cast<std::uint8_t>(r.qos | (r.retain ? 4 : 0) | (r.released ? 8 : 0)));
            w.u16(r.packet_id);
            w.u16(static_cast<std::uint16_t>(r.subscription_ids.size()));
            for (std::uint32_t id : r.subscription_ids) w.u32(id);
            if (!r.released) put_message(w, *r.message, clock);
          } else if constexpr (std::is_same_v<T, OutgoingSent>) {
            put_u64(w, r.seq);
            w.u16(r.packet_id);
          } else if constexpr (std::is_same_v<T, OutgoingReleased> || std::is_same_v<T, OutgoingDone>) {
            put_u64(w, r.seq);
          } else if constexpr (std::is_same_v<T, IncomingReceived> || std::is_same_v<T, IncomingReleased>) {
            w.u16(r.packet_id);
          } else if constexpr (std::is_same_v<T, IncomingHeld>) {
            w.u16(r.packet_id);
            put_message(w, *r.message, clock);
          }
        }
      },
      record);
}

/// Reads the fields of the record type at variant index `I`.
template <std::size_t I>
Record get_fields(Reader& r, const WallClock& clock) {
  using T = std::variant_alternative_t<I, Record>;
  T out{};
  if constexpr (std::is_same_v<T, RetainSet>) {
    out.message = get_message(r, clock);
  } else if constexpr (std::is_same_v<T, RetainDelete>) {
    out.topic = r.string("topic");
  } else {
    out.client_id = r.string("client id");
    if constexpr (std::is_same_v<T, SessionSave>) {
      out.expiry_interval = r.u32("session expiry interval");
      const std::size_t at = r.offset();
      const std::uint8_t level = r.u8("protocol level");
      if (r && (level < 3 || level > 5)) r.fail(ErrorKind::Malformed, "protocol level", "not 3, 4 or 5", {}, at);
      out.version = static_cast<ProtocolVersion>(level);
      if (r.u8("has user name")) out.username = r.string("user name");
    } else if constexpr (std::is_same_v<T, SubscriptionAdd>) {
      out.filter = r.string("topic filter");
      const std::size_t at = r.offset();
      const std::uint8_t o = r.u8("subscription options");
      if (r && ((o & 3) == 3 || (o >> 4) > 2))
        r.fail(ErrorKind::Malformed, "subscription options", "QoS 3 or retain handling 3", {}, at);
      out.options.qos = o & 3;
      out.options.no_local = o & 4;
      out.options.retain_as_published = o & 8;
      out.options.retain_handling = static_cast<std::uint8_t>(o >> 4);
      out.options.identifier = r.u32("subscription identifier");
    } else if constexpr (std::is_same_v<T, SubscriptionRemove>) {
      out.filter = r.string("topic filter");
    } else if constexpr (std::is_same_v<T, OutgoingAdd>) {
      out.seq = get_u64(r, "sequence number");
      const std::size_t at = r.offset();
      const std::uint8_t flags = r.u8("delivery flags");
      if (r && ((flags & 3) == 3 || (flags & 0xF0)))
        r.fail(ErrorKind::Malformed, "delivery flags", "QoS 3 or reserved bits set", {}, at);
      out.qos = flags & 3;
      out.retain = flags & 4;
      out.released = flags & 8;
      out.packet_id = r.u16("packet identifier");
      const std::uint16_t count = r.u16("subscription identifier count");
      if (r && r.remaining() < 4u * count) {
        r.fail(ErrorKind::Truncated, "subscription identifiers", "declares more than the record holds");
      } else {
        for (std::uint16_t i = 0; i < count; ++i) out.subscription_ids.push_back(r.u32("subscription identifier"));
      }
      if (!out.released) out.message = get_message(r, clock);
    } else if constexpr (std::is_same_v<T, OutgoingSent>) {
      out.seq = get_u64(r, "sequence number");
      out.packet_id = r.u16("packet identifier");
    } else if constexpr (std::is_same_v<T, OutgoingReleased> || std::is_same_v<T, OutgoingDone>) {
      out.seq = get_u64(r, "sequence number");
    } else if constexpr (std::is_same_v<T, IncomingReceived> || std::is_same_v<T, IncomingReleased>) {
      out.packet_id = r.u16("packet identifier");
    } else if constexpr (std::is_same_v<T, IncomingHeld>) {
      out.packet_id = r.u16("packet identifier");
      out.message = get_message(r, clock);
    }
  }
  return out;
}

template <std::size_t... I>
Record get_by_index(std::size_t index, Reader& r, const WallClock& clock, std::index_sequence<I...>) {
  using Fn = Record (*)(Reader&, const WallClock&);
  static constexpr Fn table[] = {&get_fields<I>...};
  return table[index](r, clock);
}

}  // namespace

std::uint32_t crc32(ByteView bytes) {
  static const std::array<std::uint32_t, 256> table = make_crc_table();
  std::uint32_t c = 0xFFFFFFFFu;
  for (std::uint8_t b : bytes) c = table[(c ^ b) & 0xFF] ^ (c >> 8);
  return c ^ 0xFFFFFFFFu;
}

void encode_store_header(const StoreHeader& h, std::vector<std::uint8_t>& out) {
  Writer w(out);
  w.bytes(as_bytes(kStoreMagic));
  w.u32(kStoreVersion);
  w.u8(static_cast<std::uint8_t>(h.kind));
  put_u64(w, h.generation);
}

Result<StoreHeader> decode_store_header(ByteView file) {
  Reader r(file);
  StoreHeader h;
  if (as_chars(r.bytes(4, "magic")) != kStoreMagic && r) {
    r.fail(ErrorKind::Malformed, "magic", "not an mqbroker persistence file (expected \"MQDB\")", {}, 0);
  }
  const std::uint32_t version = r.u32("format version");
  if (r && (version == 0 || version > kStoreVersion))
    r.fail(ErrorKind::Malformed, "format version", "format version " + std::to_string(version) + " is not 1, 2 or 3",
           {}, 4);
  h.version = version;
  const std::uint8_t kind = r.u8("file kind");
  if (r && kind > 1) r.fail(ErrorKind::Malformed, "file kind", "not 0 (snapshot) or 1 (log)", {}, 8);
  h.kind = static_cast<StoreFileKind>(kind);
  h.generation = get_u64(r, "generation");
  if (!r) return r.error();
  return h;
}

void encode_record(const Record& r, const WallClock& clock, std::vector<std::uint8_t>& out) {
  const std::size_t start = out.size();
  out.resize(start + 8);
  Writer w(out);
  put_body(w, r, clock);
  const ByteView body(out.data() + start + 8, out.size() - start - 8);
  const auto size = static_cast<std::uint32_t>(body.size());
  const std::uint32_t crc = crc32(body);
  for (int i = 0; i < 4; ++i) {
    out[start + i] = static_cast<std::uint8_t>(size >> (24 - 8 * i));
    out[start + 4 + i] = static_cast<std::uint8_t>(crc >> (24 - 8 * i));
  }
}

Result<RecordFrame> read_record_frame(ByteView file, std::size_t offset) {
  Reader r(file.subspan(std::min(offset, file.size())), offset);
  const std::uint32_t size = r.u32("record length");
  const std::uint32_t crc = r.u32("record CRC");
  if (r && size > kMaxRecordBody)
    r.fail(ErrorKind::TooLarge, "record length",
           "declares " + std::to_string(size) + " bytes, more than any record holds", {}, offset);
  if (r && size == 0) r.fail(ErrorKind::Malformed, "record length", "zero (a record has a type byte)", {}, offset);
  const ByteView body = r.bytes(size, "record body");
  if (!r) return r.error();
  if (crc32(body) != crc) {
    DecodeError e;
    e.kind = ErrorKind::Malformed;
    e.offset = offset + 4;
    e.field = "record CRC";
    e.message = "CRC mismatch: the record is corrupt";
    return e;
  }
  return RecordFrame{body, offset + 8 + size};
}

Result<Record> decode_record(ByteView body, std::size_t base, const WallClock& clock) {
  Reader r(body, base);
  const std::uint8_t type = r.u8("record type");
  if (r && (type == 0 || type > kRecordNames.size()))
    r.fail(ErrorKind::Malformed, "record type", "unknown record type " + std::to_string(type), {}, base);
  if (!r) return r.error();
  Record out = get_by_index(type - 1u, r, clock, std::make_index_sequence<std::variant_size_v<Record>>{});
  if (r && !r.at_end())
    r.fail(ErrorKind::Malformed, std::string(kRecordNames[type - 1u]),
           std::to_string(r.remaining()) + " bytes after the last field");
  if (!r) return r.error();
  return out;
}

std::string_view record_name(const Record& r) { return kRecordNames[r.index()]; }

}  // namespace mq::server
