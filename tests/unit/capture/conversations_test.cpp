// Segments to observed packets: a connection table fed with segments
// (orientation by port, numbering, level from CONNECT, ends on FIN and RST
// and at capture end). The frames themselves: tests/unit/netframe.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "capture/conversations.hpp"
#include "dump/input.hpp"
#include "dump/observed_print.hpp"

using namespace mq;
using namespace mq::capture;

namespace {

std::vector<std::uint8_t> hex(std::string_view text) { return dump::parse_input(text, dump::InputFormat::Hex).bytes; }

/// One line per event: "1 c->s PUBLISH 3.1.1 ok", "end 1 closed by client".
struct Recorder : dump::PacketObserver {
  std::vector<std::string> events;
  void packet(const dump::ObservedPacket& p) override {
    events.push_back(std::to_string(p.connection) + " " + std::string(dump::direction_arrow(p.direction)) + " " +
                     std::string(packet_type_name(static_cast<PacketType>(p.bytes[0] >> 4))) + " " +
                     (p.version ? std::string(version_name(*p.version)) : "?") + " " +
                     (p.decoded->ok() ? "ok" : "error") + " " + dump::format_endpoint(*p.client) + " " +
                     dump::format_endpoint(*p.server));
  }
  void connection_end(const dump::ConnectionEnd& e) override {
    events.push_back("end " + std::to_string(e.connection) + " " + std::string(e.how));
  }
};

TcpSegment seg(std::string src, std::uint16_t sport, std::string dst, std::uint16_t dport, std::uint32_t seq,
               std::uint8_t flags, const std::vector<std::uint8_t>& payload) {
  return TcpSegment{std::move(src), std::move(dst), sport, dport, seq, flags, payload};
}

}  // namespace

TEST_CASE("a conversation: oriented by the broker port, level from CONNECT, closed by the client") {
  CaptureOptions options;
  Recorder r;
  ConversationTracker t(options, r);
  const auto none = std::vector<std::uint8_t>{};
  t.segment(1, seg("10.0.0.2", 40000, "10.0.0.1", 1883, 100, TcpFlag::Syn, none));
  t.segment(2, seg("10.0.0.1", 1883, "10.0.0.2", 40000, 500, TcpFlag::Syn | TcpFlag::Ack, none));
  // 5.0 CONNECT, client id "c"
  t.segment(3, seg("10.0.0.2", 40000, "10.0.0.1", 1883, 101, TcpFlag::Ack,
                   hex("10 0e 00 04 4d 51 54 54 05 02 00 3c 00 00 01 63")));
  // CONNACK with an empty property list, then PUBACK with reason 0x10: 5.0 only
  t.segment(4, seg("10.0.0.1", 1883, "10.0.0.2", 40000, 501, TcpFlag::Ack, hex("20 03 00 00 00  40 03 00 01 10")));
  t.segment(5, seg("10.0.0.2", 40000, "10.0.0.1", 1883, 117, TcpFlag::Fin | TcpFlag::Ack, none));
  t.segment(6, seg("10.0.0.1", 1883, "10.0.0.2", 40000, 511, TcpFlag::Fin | TcpFlag::Ack, none));
  // a new connection from another port, reset by the broker
  t.segment(7, seg("10.0.0.3", 40001, "10.0.0.1", 1883, 9, TcpFlag::Ack, hex("c0 00")));
  t.segment(8, seg("10.0.0.1", 1883, "10.0.0.3", 40001, 9, TcpFlag::Rst, none));
  t.finish();
  CHECK(r.events == std::vector<std::string>{
                        "1 c->s CONNECT 5.0 ok 10.0.0.2:40000 10.0.0.1:1883",
                        "1 s->c CONNACK 5.0 ok 10.0.0.2:40000 10.0.0.1:1883",
                        "1 s->c PUBACK 5.0 ok 10.0.0.2:40000 10.0.0.1:1883",
                        "end 1 closed by client",
                        "2 c->s PINGREQ ? ok 10.0.0.3:40001 10.0.0.1:1883",
                        "end 2 reset by broker",
                    });
  CHECK(t.stats().connections == 2);
  CHECK(t.stats().packets == 4);
}

TEST_CASE("ports not configured are ignored; open connections end with the capture") {
  CaptureOptions options;
  options.ports = {1884};
  Recorder r;
  ConversationTracker t(options, r);
  t.segment(1, seg("::1", 50000, "::1", 1883, 1, TcpFlag::Ack, hex("c0 00")));
  t.segment(2, seg("::1", 50001, "::1", 1884, 1, TcpFlag::Ack, hex("c0 00")));
  t.finish();
  CHECK(r.events == std::vector<std::string>{"1 c->s PINGREQ ? ok [::1]:50001 [::1]:1884", "end 1 capture ended"});
}

TEST_CASE("a SYN on the ports of a connection that carried data starts a new connection") {
  CaptureOptions options;
  Recorder r;
  ConversationTracker t(options, r);
  const auto none = std::vector<std::uint8_t>{};
  t.segment(1, seg("10.0.0.2", 40000, "10.0.0.1", 1883, 1, TcpFlag::Ack, hex("c0 00")));
  t.segment(2, seg("10.0.0.2", 40000, "10.0.0.1", 1883, 900, TcpFlag::Syn, none));
  t.segment(3, seg("10.0.0.2", 40000, "10.0.0.1", 1883, 901, TcpFlag::Ack, hex("c0 00")));
  t.finish();
  CHECK(r.events == std::vector<std::string>{"1 c->s PINGREQ ? ok 10.0.0.2:40000 10.0.0.1:1883",
                                             "end 1 its ports were reused by a new connection",
                                             "2 c->s PINGREQ ? ok 10.0.0.2:40000 10.0.0.1:1883",
                                             "end 2 capture ended"});
}

TEST_CASE("frames that are not whole TCP segments are counted by why") {
  CaptureOptions options;
  Recorder r;
  ConversationTracker t(options, r);
  // BSD loopback, IPv4 UDP: other traffic, not counted
  t.frame(1, LinkType::Null, hex("02 00 00 00  45 00 00 1c 00 01 00 00 40 11 00 00 7f 00 00 01 7f 00 00 01"
                                 "00 35 00 35 00 08 00 00"));
  // raw IPv4, more fragments set
  t.frame(2, LinkType::Raw, hex("45 00 00 28 00 01 20 00 40 06 00 00 7f 00 00 01 7f 00 00 01"
                                "07 5b c3 50 00 00 00 07 00 00 00 00 50 10 ff ff 00 00 00 00"));
  // Ethernet cut by the snap length inside the IP header, then an IPv4 header length of 16
  t.frame(3, LinkType::Ethernet, hex("00 00 00 00 00 00 00 00 00 00 00 00 08 00 45 00 00 28"));
  t.frame(4, LinkType::Raw, hex("44 00 00 28 00 01 00 00 40 06 00 00 7f 00 00 01 7f 00 00 01"));
  CHECK(t.stats().frames == 4);
  CHECK(t.stats().fragments == 1);
  CHECK(t.stats().truncated == 2);
  CHECK(t.stats().segments == 0);
  CHECK(r.events.empty());
}
