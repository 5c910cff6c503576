#pragma once
/// Persistence records: every change to the state that must survive a
/// restart (retained messages, persistent sessions, their subscriptions,
/// queued and in-flight messages, QoS 2 receipts and the QoS 2 messages
/// held until their PUBREL), as the broker core
/// reports it to a Journal. The core does no I/O: a store in lib/server
/// writes the records to disk and hands them back through Broker::restore.
///
/// Only sessions with a non-zero Session Expiry Interval are journaled. A
/// session's outgoing messages are named by a sequence number that grows for
/// the life of the session, so a record can point at one without knowing
/// where it sits in the queue.

#include <cstdint>
#include <optional>
#include <string_view>
#include <variant>
#include <vector>

#include "broker/message.hpp"
#include "broker/topic_tree.hpp"
#include "codec/types.hpp"

namespace mq::broker {

/// A retained message stored (replacing any other on its topic).
struct RetainSet {
  MessagePtr message;
};
/// The retained message of a topic deleted.
struct RetainDelete {
  std::string_view topic;
};
/// A persistent session created or changed (at CONNECT, or DISCONNECT
/// changing its expiry).
struct SessionSave {
  std::string_view client_id;
  std::uint32_t expiry_interval = 0;
  ProtocolVersion version = ProtocolVersion::v311;
  std::optional<std::string_view> username;
};
/// A session ended (expired, cleaned, or no longer persistent).
struct SessionDelete {
  std::string_view client_id;
};
/// A subscription added or replaced; `filter` is the full filter ("$share/..." included).
struct SubscriptionAdd {
  std::string_view client_id;
  std::string_view filter;
  SubOptions options;
};
/// A subscription removed by UNSUBSCRIBE.
struct SubscriptionRemove {
  std::string_view client_id;
  std::string_view filter;
};
/// A message put at the end of a session's outgoing messages: queued
/// (packet_id 0) or sent at once with `packet_id`. A released QoS 2 message
/// (PUBREL sent) has no message, only its identifier.
struct OutgoingAdd {
  std::string_view client_id;
  std::uint64_t seq = 0;
  QoS qos = 0;
  bool retain = false;
  bool released = false;
  std::uint16_t packet_id = 0;
  std::vector<std::uint32_t> subscription_ids;
  MessagePtr message;
};
/// A queued message sent with `packet_id` (now in flight).
struct OutgoingSent {
  std::string_view client_id;
  std::uint64_t seq = 0;
  std::uint16_t packet_id = 0;
};
/// A QoS 2 message's PUBREC received and PUBREL sent.
struct OutgoingReleased {
  std::string_view client_id;
  std::uint64_t seq = 0;
};
/// An outgoing message finished: acknowledged, sent at QoS 0, dropped or expired.
struct OutgoingDone {
  std::string_view client_id;
  std::uint64_t seq = 0;
};
/// A QoS 2 PUBLISH received from the client; a duplicate is not delivered again.
struct IncomingReceived {
  std::string_view client_id;
  std::uint16_t packet_id = 0;
};
/// The client's PUBREL for a QoS 2 PUBLISH received.
struct IncomingReleased {
  std::string_view client_id;
  std::uint16_t packet_id = 0;
};

/// A QoS 2 PUBLISH received and held until the client's PUBREL
/// (Behaviour::qos2_forward_on_publish false): the receipt and the message,
/// which the broker acknowledged with PUBREC and must forward after a
/// restart. Ended by IncomingReleased or SessionDelete.
struct IncomingHeld {
  std::string_view client_id;
  std::uint16_t packet_id = 0;
  MessagePtr message;
};

/// One change. Views point into storage valid only while the record is
/// being written or restored.
using Record = std::variant<RetainSet, RetainDelete, SessionSave, SessionDelete, SubscriptionAdd, SubscriptionRemove,
                            OutgoingAdd, OutgoingSent, OutgoingReleased, OutgoingDone, IncomingReceived,
                            IncomingReleased, IncomingHeld>;

/// Where the core reports changes. Called synchronously from Broker calls;
/// must not call back into the Broker.
class Journal {
 public:
  virtual ~Journal() = default;
  /// One change, in the order the core made it.
  virtual void write(const Record& r) = 0;
};

}  // namespace mq::broker
