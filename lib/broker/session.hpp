#pragma once
/// A client's session: what survives the network connection (subscriptions,
/// messages queued and in flight, QoS 2 receipts, the will), kept by client
/// identifier until it expires.
///
/// Queue policy. Messages for a session wait in `queue` while the in-flight
/// window is full or the client is offline. When the queue is at its limit
/// (Config::max_queued_messages / max_queued_bytes) and a new message
/// arrives: a QoS 0 message is dropped (the newest QoS 0 goes first); a QoS
/// 1/2 message evicts the oldest queued QoS 0 message if there is one, and is
/// dropped otherwise. Every drop is counted in Counters::dropped_queue_full.
/// Messages whose expiry runs out while queued are dropped when reached
/// (Counters::dropped_expired).

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "broker/boxed.hpp"
#include "broker/fifo.hpp"
#include "broker/inline_string.hpp"
#include "broker/message.hpp"
#include "broker/topic_tree.hpp"

namespace mq::broker {

struct Connection;

/// One message on its way to a client: queued, or sent and awaiting its
/// acknowledgement.
struct Outgoing {
  MessagePtr message;
  QoS qos = 0;                          ///< the delivery's QoS (min of message and subscription)
  bool retain = false;                  ///< the RETAIN flag to send
  std::vector<std::uint32_t> subscription_ids;
  std::uint16_t packet_id = 0;          ///< set when sent with QoS > 0
  std::uint64_t id_sequence = 0;        ///< Session::id_allocations when packet_id was taken
  bool released = false;                ///< QoS 2: PUBREC received, PUBREL sent, awaiting PUBCOMP
  std::uint64_t seq = 0;                ///< names it in persistence records (Session::next_seq)
  /// In flight from an earlier connection and not yet sent again on this
  /// one (held back by the client's Receive Maximum); always the tail of
  /// Session::inflight.
  bool unsent = false;
};

/// A will as CONNECT gave it, owned.
struct StoredWill {
  MessagePtr message;
  std::uint32_t delay = 0;  ///< Will Delay Interval, seconds
  /// Message Expiry Interval, counted from when the will is published.
  std::optional<std::uint32_t> expiry;
};

/// Rarely used fields are Boxed (one pointer while empty): a connected
/// clean session without a will costs no memory for them.
struct Session {
  // Eight-byte fields first, the small ones packed at the end: the struct
  // is 168 bytes on LP64 (tests/unit/broker/memory_test.cpp).
  /// Held inline up to 31 bytes (most identifiers): no heap block.
  InlineString client_id;
  Boxed<std::string> username;  ///< absent for an anonymous client
  RareString cert_identity;  ///< TLS client certificate subject, usually empty
  /// The listener's name, Broker's one copy of it (nullptr for a session
  /// restored from disk until its client connects again).
  const std::string* listener = nullptr;
  /// The connection using this session, or nullptr while offline.
  Connection* connection = nullptr;
  /// When the session ends if the client does not come back (while offline).
  Boxed<TimePoint> expires_at;

  /// Subscriptions by full filter ("$share/g/a/b" included); no storage
  /// while there are none.
  LazyMap<std::string, SubOptions> subscriptions;

  /// QoS 1/2 messages sent and not yet acknowledged, in sending order.
  Fifo<Outgoing> inflight;
  /// Messages waiting for room in the window or for the client to return.
  Fifo<Outgoing> queue;
  std::uint64_t queued_bytes = 0;
  /// Packet identifiers tried so far; tells whether an identifier can still
  /// be in flight without scanning the window (see Broker::next_packet_id).
  std::uint64_t id_allocations = 0;

  /// Packet identifiers of QoS 2 PUBLISHes received and not yet released by
  /// PUBREL: a duplicate with one of them is not delivered again.
  LazySet<std::uint16_t> awaiting_pubrel;

  /// Sequence number of the next outgoing message (Outgoing::seq).
  std::uint64_t next_seq = 1;

  /// The will of the current (or last) connection, and when a delayed one is due.
  Boxed<StoredWill> will;
  Boxed<TimePoint> will_at;

  /// Routing scratch: the last route that reached this session and its slot.
  std::uint64_t route_stamp = 0;
  std::uint32_t route_slot = 0;

  /// Session Expiry Interval in seconds; 0xFFFFFFFF never expires.
  std::uint32_t expiry_interval = 0;
  std::uint16_t last_packet_id = 0;
  ProtocolVersion version = ProtocolVersion::v311;
  /// True while the session is on disk (a Journal is set and its expiry is
  /// non-zero): its changes are journaled.
  bool persisted = false;
};

}  // namespace mq::broker
