#pragma once
/// The broker's state for one network connection: framing, the negotiated
/// limits of both sides, topic aliases and the pending output.

#include <cstdint>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "broker/auth_state.hpp"
#include "broker/levels.hpp"
#include "broker/output.hpp"
#include "codec/framer.hpp"

namespace mq::broker {

struct Session;

/// Topic aliases of a 5.0 connection in both directions, allocated when the
/// first one is needed.
struct TopicAliases {
  /// Topic aliases the client set up, index alias - 1.
  std::vector<std::string> in;
  /// Topic aliases the broker assigned towards the client.
  std::unordered_map<std::string, std::uint16_t, StringHash, std::equal_to<>> out;
  /// Bytes of the topics in `out` (Config::max_alias_bytes_out bounds them).
  std::size_t out_bytes = 0;
};

/// What only some connections use, in one block allocated on first need.
struct ConnectionExtras {
  TopicAliases aliases;  ///< empty until the client or the broker uses one
  /// Enhanced authentication state; null without an Authentication Method.
  std::unique_ptr<AuthState> auth;
};

/// Kept small on purpose: an idle connection costs this plus its session,
/// and a broker holds tens of thousands. What only some connections use
/// (topic aliases and enhanced authentication, the peer details needed
/// until CONNECT) sits behind a pointer; pending output is freed after a flush unless the connection is busy.
struct Connection {
  /// Where the connection is in its life.
  enum class State : std::uint8_t {
    AwaitConnect,  ///< accepted, no CONNECT yet
    Active,        ///< CONNACK 0 sent
    Closing,       ///< the broker decided to close; output is flushed, then Output::close
  };

  // Pointer-sized fields first, the small ones packed at the end: the
  // struct is 128 bytes on LP64 (tests/unit/broker/memory_test.cpp).
  ConnectionId id = 0;
  /// What the network layer told about the peer; needed until CONNECT is
  /// handled (authentication, the session's listener), then freed.
  std::unique_ptr<PeerInfo> peer;
  Framer framer;
  Session* session = nullptr;
  TimePoint last_packet{};

  /// Topic aliases and enhanced authentication, once either is used (else
  /// nullptr): one pointer for both, as most connections use neither.
  std::unique_ptr<ConnectionExtras> extras;
  /// The extras, allocated on first use.
  ConnectionExtras& extra() {
    if (!extras) extras = std::make_unique<ConnectionExtras>();
    return *extras;
  }
  /// The topic aliases, nullptr while none were set up.
  TopicAliases* aliases() { return extras ? &extras->aliases : nullptr; }
  /// The aliases, allocated on first use.
  TopicAliases& topic_aliases() { return extra().aliases; }
  /// Enhanced authentication (5.0 Authentication Method); null without one.
  /// Before CONNACK (state AwaitConnect) an exchange is pending.
  AuthState* auth() const { return extras ? extras->auth.get() : nullptr; }

  /// Bytes waiting for Broker::flush().
  std::vector<std::uint8_t> out;

  // What the client accepts (5.0 CONNECT properties).
  std::uint32_t max_packet_out = 268'435'460;
  std::uint16_t receive_max_out = 65535;
  std::uint16_t alias_max_out = 0;
  /// Keep alive in force (seconds, 0 = none); the broker closes the
  /// connection after 1.5 times this without a packet [MQTT-3.1.2-24].
  std::uint16_t keep_alive = 0;

  // The flags below are one bit each, so that the small fields fit in 16 bytes.
  State state = State::AwaitConnect;
  ProtocolVersion version = ProtocolVersion::v311;
  /// Over Config::max_connections when accepted: refused at CONNECT.
  bool over_limit : 1 = false;
  /// 5.0 Request Problem Information: when false, Reason String and User
  /// Properties go only on PUBLISH, CONNACK and DISCONNECT [MQTT-3.1.2-29].
  bool problem_info : 1 = true;
  /// A will that must be published if the connection ends abnormally.
  bool will_armed : 1 = false;
  bool dirty : 1 = false;
  /// The network cannot take more bytes (Broker::set_backlogged): QoS 0
  /// messages are dropped and QoS 1/2 ones wait in the session queue.
  bool backlogged : 1 = false;

  explicit Connection(std::uint32_t max_packet) : framer(max_packet) {}
};

}  // namespace mq::broker
