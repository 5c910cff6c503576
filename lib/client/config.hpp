#pragma once
/// What a client session is asked to do: the CONNECT contents and the
/// session's own limits and timers. Filled by mqpub/mqsub/mqbench from their
/// options; nothing here is read from the environment.

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>

#include "client/message.hpp"
#include "codec/types.hpp"

namespace mq::client {

/// The session's notion of time. The caller passes the current time into
/// every call; the session never reads a clock.
using TimePoint = std::chrono::steady_clock::time_point;
/// Durations the session works with.
using Duration = std::chrono::milliseconds;

/// Whether outgoing PUBLISHes use topic aliases (5.0, and only when the
/// server's Topic Alias Maximum is above 0).
enum class TopicAliasPolicy : std::uint8_t {
  Off,        ///< always send the full topic
  Automatic,  ///< give each new topic the next free alias until the server's maximum is used up
};

struct ClientConfig {
  ProtocolVersion version = ProtocolVersion::v5;  ///< 3.1 sends protocol name "MQIsdp"
  std::string client_id;  ///< empty: ask the server to assign one (5.0 reports it in CONNACK)
  /// Clean Start (Clean Session before 5.0) of the first connection. A later
  /// start() asks to resume (clean start 0) when the server may still hold
  /// the session: at 5.0 when session_expiry_interval > 0, before 5.0 when
  /// this is false.
  bool clean_start = true;
  std::uint16_t keep_alive = 60;  ///< seconds; 0 disables PINGREQ (a 5.0 Server Keep Alive overrides it)
  std::uint32_t session_expiry_interval = 0;  ///< 5.0 Session Expiry Interval, seconds (0 is not sent)
  std::optional<std::string> username;
  std::optional<std::string> password;  ///< bytes
  std::optional<Message> will;  ///< the will; its properties are the 5.0 will properties (Will Delay Interval included)
  /// Our Receive Maximum (5.0): QoS 2 messages from the server may await
  /// PUBREL at most this many at once. 65535 is the default and not sent.
  std::uint16_t receive_maximum = 65535;
  /// Our Maximum Packet Size, fixed header included: larger incoming packets
  /// are a protocol error. 0 means no limit (and nothing is sent).
  std::uint32_t maximum_packet_size = 0;
  std::uint16_t topic_alias_maximum = 0;  ///< aliases we accept from the server (5.0; 0 is not sent)
  /// Incoming QoS 1/2 messages are acknowledged (PUBACK, PUBREC) only when
  /// the caller says so with ClientSession::acknowledge(): a message the
  /// caller drops stays with the server's session and comes again on the
  /// next connection. Off: acknowledged as soon as they are decoded.
  bool manual_acks = false;
  TopicAliasPolicy topic_aliases = TopicAliasPolicy::Off;  ///< outgoing alias policy
  std::optional<std::string> auth_method;  ///< 5.0 enhanced authentication method
  std::optional<std::string> auth_data;    ///< initial Authentication Data (bytes), needs auth_method
  /// Further CONNECT properties (User Property, Request Problem Information,
  /// Request Response Information). Properties the fields above produce must
  /// not be repeated here: start() refuses a CONNECT that breaks the rules.
  OwnedProperties connect_properties;
  /// Our own cap on outgoing QoS 1/2 PUBLISHes awaiting acknowledgement; the
  /// window is the smaller of this and the server's Receive Maximum.
  std::uint16_t max_inflight = 65535;
  /// When the session state is discarded (a clean start, or a server that
  /// lost our session), QoS 1/2 messages the server never acknowledged go
  /// back to the front of the queue, in their order, and are published again
  /// as new messages instead of completing with SessionDiscarded: at least
  /// once across a broker restart, duplicates possible.
  bool resend_discarded = false;
  Duration connect_timeout = std::chrono::seconds(30);  ///< start() to CONNACK; 0 waits for ever
  /// How long after a PINGREQ to wait for any packet before giving up;
  /// 0 means the effective keep alive interval.
  Duration ping_timeout{0};
};

}  // namespace mq::client
