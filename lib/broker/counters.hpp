#pragma once
/// Live figures the core keeps: published under $SYS/ and read by the binary.

#include <cstdint>

namespace mq::broker {

/// Running totals since the broker started, and current gauges.
struct Counters {
  // Gauges.
  std::uint64_t connections = 0;        ///< open sockets, CONNECT or not
  std::uint64_t clients_connected = 0;  ///< connections past a successful CONNACK
  std::uint64_t sessions = 0;           ///< sessions held, online or not
  std::uint64_t subscriptions = 0;      ///< subscriptions across all sessions
  std::uint64_t retained = 0;           ///< retained messages stored
  std::uint64_t queued = 0;             ///< messages waiting in session queues

  // Totals.
  std::uint64_t messages_received = 0;  ///< PUBLISH packets received
  std::uint64_t messages_sent = 0;      ///< PUBLISH packets sent (retransmissions included)
  std::uint64_t bytes_received = 0;
  std::uint64_t bytes_sent = 0;
  /// Messages not delivered to a subscriber that matched, by cause; the
  /// total is messages_dropped().
  std::uint64_t dropped_queue_full = 0;   ///< session queue over its count/bytes limit
  std::uint64_t dropped_too_large = 0;    ///< above the client's Maximum Packet Size
  std::uint64_t dropped_expired = 0;      ///< Message Expiry Interval ran out while queued
  std::uint64_t dropped_qos0_offline = 0;  ///< QoS 0 for an offline session (queue_qos0_offline off)
  std::uint64_t dropped_not_authorized = 0;  ///< refused by Authorizer::may_receive or may_publish
  std::uint64_t dropped_backlog = 0;      ///< QoS 0 for a client whose socket does not take more bytes
  std::uint64_t retained_dropped = 0;     ///< retained messages not stored (max_retained)
  std::uint64_t wills_published = 0;
  std::uint64_t connections_refused = 0;  ///< CONNACK with a failure code, or closed before it
  /// Packets other than PUBLISH (acknowledgements, CONNACK, AUTH, ...) not
  /// sent because they exceed the client's Maximum Packet Size even without
  /// their Reason String and User Properties [MQTT-3.1.2-24].
  std::uint64_t packets_too_large = 0;
  /// PUBLISHes refused for a payload over Config::max_payload_size, and
  /// CONNECTs refused for a will payload over it.
  std::uint64_t refused_payload_size = 0;
  /// Clients disconnected by the network layer for not reading their
  /// messages (back-pressure); see Broker::count_slow_disconnect.
  std::uint64_t slow_disconnects = 0;

  /// Every message counted as dropped.
  std::uint64_t messages_dropped() const {
    return dropped_queue_full + dropped_too_large + dropped_expired + dropped_qos0_offline +
           dropped_not_authorized + dropped_backlog;
  }
};

}  // namespace mq::broker
