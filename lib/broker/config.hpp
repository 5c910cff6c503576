#pragma once
/// The broker's limits and switches, one struct, each field enforced by the
/// core with the reason code the specification gives for it.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace mq::broker {

/// Most levels a topic name or filter can have, whatever the configuration:
/// topic walks recurse once per level, and this bounds their stack.
inline constexpr std::uint32_t kTopicLevelCeiling = 4096;

/// What the broker does where the specification leaves a choice, one field
/// per choice, each consulted where the choice is made. The defaults are
/// mqbroker's own; profiles (server/config/profiles.cpp) set others, such as
/// mosquitto 2.0's.
struct Behaviour {
  /// A 5.0 PUBREC for a message no subscription matched carries 0x10 No
  /// matching subscribers (true), or 0x00 Success (mosquitto, which routes
  /// a QoS 2 message on PUBREL and so cannot know yet). A PUBACK says 0x10
  /// either way, as mosquitto's does.
  bool pubrec_no_subscribers = true;
  /// A malformed 5.0 CONNECT is answered with CONNACK 0x81 or 0x82 before
  /// the connection closes (true), or closed without an answer (mosquitto).
  bool answer_malformed_connect = true;
  /// A SUBSCRIBE or UNSUBSCRIBE that breaks a protocol rule (an invalid
  /// topic filter, say) ends a 5.0 connection with DISCONNECT 0x82 Protocol
  /// Error (true), or 0x81 Malformed Packet (mosquitto, which still says
  /// 0x82 for a PUBLISH).
  bool protocol_error_in_requests = true;
  /// A CONNECT with a protocol level above 5 gets the 5.0 form of CONNACK
  /// (0x84 Unsupported Protocol Version), which a newer client reads (true),
  /// or the 3.1.1 form, return code 1 (mosquitto).
  bool v5_refusal_above_level_5 = true;
  /// A 3.x client whose keep alive is outside min_keepalive..max_keepalive
  /// is refused with return code 2 (true: it cannot be told a Server Keep
  /// Alive), or accepted with the broker's value enforced (mosquitto).
  bool refuse_v3_keep_alive = true;
  /// A QoS 2 message is forwarded when its PUBLISH arrives (true), or held
  /// until the publisher's PUBREL (mosquitto). A persistent session's held
  /// messages are journaled (IncomingHeld), so they survive a restart.
  bool qos2_forward_on_publish = true;
  /// Assigned client identifiers are the prefix and 16 hex digits (false), or
  /// the prefix and a random UUID in upper case, as mosquitto's (true).
  bool uuid_client_ids = false;
  /// Whether the broker's own refusals and errors to 5.0 clients (CONNACK,
  /// DISCONNECT, a refused PUBACK/PUBREC, SUBACK) carry a short Reason
  /// String saying why (true), or none (mosquitto). Never to a client that
  /// set Request Problem Information to 0, and left out where it would not
  /// fit the client's Maximum Packet Size.
  bool reason_strings = true;
  /// A QoS 1/2 message takes its packet identifier when it is sent (false),
  /// or when it enters the client's session, in flight or queued (true:
  /// mosquitto). Then one dropped by a full queue or expired before sending
  /// has used an identifier, and the client sees a gap in the sequence.
  bool packet_id_when_queued = false;
  /// A Message Expiry Interval counts from the time it arrives (false), or
  /// from the start of its wall-clock second, as mosquitto's whole-second
  /// clock does (true). The remaining time is rounded up either way, so it
  /// is the same as mosquitto's `expiry - now` in whole seconds; a message
  /// whose count reaches 0 has expired and is not sent (mosquitto sends a
  /// queued one without the property, as if it never expired).
  bool whole_second_expiry = false;
};

/// Every limit the broker core enforces. Defaults are those of a permissive
/// development broker; the mqbroker binary maps its options onto this.
struct Config {
  /// Open sockets allowed at once; the one over the limit gets CONNACK 0x97
  /// (Quota exceeded) at 5.0 or return code 3 (Server unavailable) before 5.0.
  std::uint32_t max_connections = 100'000;
  /// Largest packet accepted from a client, fixed header included. Larger
  /// ones end the connection (5.0: DISCONNECT 0x95 Packet too large);
  /// advertised as Maximum Packet Size in CONNACK when below the protocol's.
  std::uint32_t max_packet_size = 268'435'460;
  /// Largest PUBLISH payload accepted, in bytes; 0 = no limit (mosquitto's
  /// message_size_limit). A larger message is acknowledged (5.0: reason
  /// 0x97 Quota exceeded) and dropped, counted in refused_payload_size; a
  /// CONNECT whose will payload is larger is refused (0x95, 3.x: 5).
  std::uint32_t max_payload_size = 0;
  /// Unacknowledged QoS 1/2 PUBLISHes the broker sends one client at a time
  /// (further ones queue); a 5.0 client's Receive Maximum lowers it.
  std::uint16_t max_inflight = 1000;
  /// QoS 2 PUBLISHes a client may have awaiting PUBREL; advertised as
  /// Receive Maximum. One more ends the connection with DISCONNECT 0x93.
  std::uint16_t receive_maximum = 65535;
  /// Messages queued per session (beyond the in-flight window), and their
  /// total payload+topic bytes; 0 means no limit. See Session for the policy
  /// when they are reached.
  std::uint32_t max_queued_messages = 1000;
  std::uint64_t max_queued_bytes = 0;
  /// Whether QoS 0 messages are queued for offline persistent sessions
  /// (mosquitto's queue_qos0_messages); when false they are dropped and counted.
  bool queue_qos0_offline = false;
  /// Longest topic name or filter accepted, in bytes (0 = no limit), and
  /// most levels (at most kTopicLevelCeiling; 0 means the ceiling). Will
  /// topics included.
  std::uint32_t max_topic_length = 0;
  std::uint32_t max_topic_levels = 1024;
  /// Highest keep alive accepted in seconds; 0 means no limit. A 5.0 client
  /// asking for more (or for 0) is told this value as Server Keep Alive; a
  /// 3.x client, which cannot be told, is refused with return code 2.
  std::uint16_t max_keepalive = 0;
  /// Lowest keep alive accepted in seconds; 0 means no minimum. A 5.0 client
  /// asking for less (keep alive 0, no keep alive at all, is not less) is
  /// told this value as Server Keep Alive; a 3.x client is refused with
  /// return code 2, as for max_keepalive.
  std::uint16_t min_keepalive = 0;
  /// Seconds a socket may stay open without sending CONNECT.
  std::uint32_t connect_timeout = 10;
  /// Highest Session Expiry Interval granted to 5.0 clients, in seconds; a
  /// larger request is lowered and the granted value sent in CONNACK.
  std::uint32_t max_session_expiry = 0xFFFF'FFFF;
  /// Seconds a session that asks never to expire (3.x Clean Session 0, 5.0
  /// interval 0xFFFFFFFF) is kept once its client is gone; 0 keeps it
  /// forever (mosquitto's persistent_client_expiration). A 5.0 client is told
  /// the granted interval in CONNACK.
  std::uint32_t persistent_client_expiration = 0;
  /// Highest QoS granted and accepted (0..2): SUBACK grants are capped, a 5.0
  /// PUBLISH above it ends the connection with DISCONNECT 0x9B.
  std::uint8_t maximum_qos = 2;
  /// Retained messages supported; when false a 5.0 client setting RETAIN gets
  /// DISCONNECT 0x9A (or CONNACK 0x9A for a retained will).
  bool retain_available = true;
  /// Most retained messages stored; 0 = no limit. A new topic beyond it is not
  /// stored (counted in retained_dropped), replacing and deleting still work.
  std::uint32_t max_retained = 0;
  /// Topic aliases a 5.0 client may use towards the broker (Topic Alias
  /// Maximum in CONNACK); 0 disables them.
  std::uint16_t topic_alias_maximum = 10;
  /// Whether the broker assigns topic aliases on PUBLISHes it sends to 5.0
  /// clients that allow them.
  bool outgoing_topic_aliases = true;
  /// Topic bytes the outgoing alias table of one connection may hold: a
  /// topic gets an alias only while the table stays within it (and within
  /// the client's Topic Alias Maximum); later topics are sent in full.
  std::uint32_t max_alias_bytes_out = 64 * 1024;
  /// Feature switches advertised in CONNACK and enforced in SUBSCRIBE
  /// (SUBACK 0xA2, 0x9E; DISCONNECT 0xA1 for an identifier when off).
  bool wildcard_subscriptions = true;
  bool shared_subscriptions = true;
  bool subscription_identifiers = true;
  /// Anonymous clients (no user name) allowed when the authenticator does not decide.
  bool allow_anonymous = true;
  /// Seconds between $SYS/ updates; 0 turns them off.
  std::uint32_t sys_interval = 10;
  /// Prefix of identifiers assigned to clients that send an empty one.
  std::string assigned_id_prefix = "mq-";
  /// Whether a client may send an empty identifier and get one assigned; when
  /// false it is refused with 0x85 (return code 2).
  bool allow_zero_length_clientid = true;
  /// Longest client identifier accepted, in bytes (0: no limit; 3.1 keeps
  /// its 23); a longer one is refused with 0x85 (return code 2).
  std::uint16_t max_client_id_length = 0;
  /// Redirection: when not empty every CONNECT is refused with
  /// server_reference_reason (0x9C Use another server or 0x9D Server moved)
  /// and this Server Reference; 3.x clients, which cannot be told where to
  /// go, get return code 3 (Server unavailable).
  std::string server_reference;
  std::uint8_t server_reference_reason = 0x9C;
  /// Response Information for 5.0 clients that ask for it (Request Response
  /// Information 1), typically a topic prefix for their replies; `%c` is
  /// replaced by the client identifier, `%u` by the user name (empty when
  /// anonymous), `%%` by `%`. Empty: none is sent.
  std::string response_information;
  /// The choices the specification leaves open.
  Behaviour behaviour;
};

/// `pattern` with `%c`, `%u` and `%%` replaced as Config::response_information
/// describes; any other `%` stays as it is.
std::string expand_response_information(std::string_view pattern, std::string_view client_id,
                                        std::optional<std::string_view> username);

}  // namespace mq::broker
