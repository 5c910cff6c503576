/// Fuzzes the client session (lib/client/session) with arbitrary server
/// bytes after its CONNECT. Input: [config byte] then operations, each an
/// op byte whose top three bits say what happens (see `Op`) and whose low
/// bits are its argument: the server sends [n] + n + 1 bytes, the clock
/// moves [b] x 250 ms (due timers run), the application publishes,
/// subscribes, unsubscribes or disconnects, or the connection drops and the
/// session starts again. The config byte picks the protocol level and the
/// session's options (see `config_from`).
///
/// Invariants: no crash or undefined behaviour; every byte the session
/// sends frames into packets that decode at its protocol level, pass the
/// validator and are packets a client may send; after a drop and start()
/// the output begins with a CONNECT; incoming QoS 2 messages awaiting
/// PUBREL never exceed our Receive Maximum.

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "client/session.hpp"
#include "codec/decode.hpp"
#include "codec/framer.hpp"
#include "codec/validate.hpp"
#include "invariant.hpp"

using namespace mq;
using namespace mq::client;
using mq::fuzz::require;

namespace {

/// What an op byte's top three bits ask for; 6 and 7 send server bytes too.
enum class Op : std::uint8_t { ServerBytes, Advance, Publish, Subscribe, Unsubscribe, Disconnect };

/// Topics and filters the application uses, picked by argument bits.
constexpr const char* kTopics[] = {"a/b", "a", "$share/g/a", "x/+/y"};
constexpr const char* kFilters[] = {"a/#", "+", "$share/g/a/b", "a/b"};

ClientConfig config_from(std::uint8_t b) {
  static constexpr ProtocolVersion kLevels[] = {ProtocolVersion::v31, ProtocolVersion::v311, ProtocolVersion::v5,
                                                ProtocolVersion::v5};
  ClientConfig c;
  c.version = kLevels[b & 3];
  c.client_id = "fuzz";
  c.keep_alive = (b & 0x04) ? 10 : 0;
  if (b & 0x08) {
    c.topic_alias_maximum = 3;
    c.topic_aliases = TopicAliasPolicy::Automatic;
  }
  if (b & 0x10) {
    c.receive_maximum = 2;
    c.max_inflight = 2;
  }
  if (b & 0x20) c.maximum_packet_size = 300;
  if (b & 0x40) {
    c.session_expiry_interval = 60;
    c.clean_start = false;
  }
  if (b & 0x80) {
    c.username = "user";
    c.password = std::string("pw\0d", 4);
    c.will = Message{"will/t", "bye", 1, false, {}};
  }
  c.connect_timeout = std::chrono::seconds(5);
  return c;
}

/// True for the packet types a client sends.
bool client_may_send(PacketType t) {
  switch (t) {
    case PacketType::Connect:
    case PacketType::Publish:
    case PacketType::Puback:
    case PacketType::Pubrec:
    case PacketType::Pubrel:
    case PacketType::Pubcomp:
    case PacketType::Subscribe:
    case PacketType::Unsubscribe:
    case PacketType::Pingreq:
    case PacketType::Disconnect:
    case PacketType::Auth:
      return true;
    default:
      return false;
  }
}

/// Checks the session's output; `fresh` when it must start with CONNECT.
void check_output(const std::vector<std::uint8_t>& bytes, ProtocolVersion level, Framer& framer, bool fresh) {
  if (fresh) framer = Framer();
  framer.feed(bytes);
  for (bool first = fresh;; first = false) {
    const Framer::Frame f = framer.next();
    if (f.status == Framer::Status::NeedMore) break;
    require(f.status == Framer::Status::Packet, "the session's output does not frame");
    require(client_may_send(f.header.type()), "the session sent a packet type only servers send");
    if (first) require(f.header.type() == PacketType::Connect, "a new connection does not start with CONNECT");
    Result<Packet> p = decode_body(f.header, f.body, level);
    if (!p) fuzz::broken("a packet the session sent does not decode", p.error());
    if (std::optional<DecodeError> e = validate(*p, level)) fuzz::broken("a sent packet fails validation", *e);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const ClientConfig config = config_from(data[0]);
  const ProtocolVersion level = config.version;
  const std::uint16_t receive_maximum = config.receive_maximum;
  ClientSession session(config);
  TimePoint now = TimePoint{} + std::chrono::hours(1000);
  Framer sent;
  require(!session.start(now), "the fuzzer's own configuration is refused");
  check_output(session.take_output(), level, sent, true);

  std::size_t pos = 1;
  while (pos < size) {
    const std::uint8_t op = data[pos++];
    const std::uint8_t arg = op & 0x1F;
    bool fresh = false;
    switch (static_cast<Op>(op >> 5)) {
      case Op::Advance: {
        const std::uint8_t b = pos < size ? data[pos++] : 1;
        now += std::chrono::milliseconds(250) * b;
        session.tick(now);
        break;
      }
      case Op::Publish: {
        Message m{kTopics[arg & 3], std::string(arg, 'p'), static_cast<QoS>((arg >> 2) % 3), (arg & 0x10) != 0, {}};
        (void)session.publish(std::move(m), now);
        break;
      }
      case Op::Subscribe: {
        std::vector<SubscribeRequest> topics{{kFilters[arg & 3], static_cast<QoS>((arg >> 2) % 3)}};
        if (arg & 0x10) topics.push_back({"b/+", 1});
        (void)session.subscribe(std::move(topics), {}, now);
        break;
      }
      case Op::Unsubscribe:
        (void)session.unsubscribe({kFilters[arg & 3]}, {}, now);
        break;
      case Op::Disconnect:
        if (arg & 1) {
          (void)session.disconnect(arg & 2 ? 0x04 : 0x00, {}, now);
          check_output(session.take_output(), level, sent, false);
        }
        session.connection_lost(now);
        if (arg & 4) session.discard_session();
        if (!session.start(now)) fresh = true;
        break;
      default: {
        const std::size_t want = pos < size ? data[pos++] + 1u : 0u;
        const std::size_t n = std::min(want, size - pos);
        session.receive(ByteView(data + pos, n), now);
        pos += n;
        break;
      }
    }
    check_output(session.take_output(), level, sent, fresh);
    while (session.next_event()) {
    }
    require(session.awaiting_pubrel() <= receive_maximum, "more QoS 2 messages awaiting PUBREL than Receive Maximum");
  }
  return 0;
}
