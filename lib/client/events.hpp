#pragma once
/// What a client session reports to its caller: locally refused requests
/// (ClientError) and events drained from its queue (Event).

#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "client/message.hpp"
#include "codec/error.hpp"

namespace mq::client {

/// Why the session refused or abandoned a request without the server's word.
enum class ClientErrorCode : std::uint8_t {
  NotConnected,              ///< subscribe/unsubscribe/auth before CONNACK or after the session ended
  InvalidRequest,            ///< breaks a protocol rule (bad topic, property not allowed, ...)
  QoSNotSupported,           ///< QoS above the server's Maximum QoS
  RetainNotSupported,        ///< retain while the server says Retain Available 0
  PacketTooLarge,            ///< larger than the server's Maximum Packet Size
  WildcardNotSupported,      ///< wildcard filter while Wildcard Subscription Available is 0
  SharedNotSupported,        ///< shared filter while Shared Subscription Available is 0
  SubscriptionIdNotSupported,  ///< Subscription Identifier while the server does not support them
  NoPacketId,                ///< all 65535 packet identifiers are in use
  SessionDiscarded,          ///< the request was in flight and its session state was discarded
  ConnectionLost,            ///< a SUBSCRIBE/UNSUBSCRIBE was unanswered when the connection ended
};

/// A local refusal: a code for programs and a sentence for people.
struct ClientError {
  ClientErrorCode code = ClientErrorCode::InvalidRequest;
  std::string message;
};

/// Limits the server announced in CONNACK (5.0), with the spec's defaults
/// when a property is absent and for 3.1/3.1.1.
struct ServerLimits {
  std::uint16_t receive_maximum = 65535;
  QoS maximum_qos = 2;
  bool retain_available = true;
  std::uint32_t maximum_packet_size = 0;  ///< 0: no limit
  std::uint16_t topic_alias_maximum = 0;
  bool wildcard_available = true;
  bool subscription_ids_available = true;
  bool shared_available = true;
};

/// CONNACK accepted the connection.
struct Connected {
  bool session_present = false;
  /// We held session state (in-flight messages) and the server did not
  /// resume it: that state was dropped and its publishes completed with
  /// ClientErrorCode::SessionDiscarded.
  bool session_discarded = false;
  std::string client_id;          ///< ours, or the 5.0 Assigned Client Identifier
  bool client_id_assigned = false;
  std::uint16_t keep_alive = 0;   ///< effective: the Server Keep Alive when sent, else ours
  ServerLimits limits;
  OwnedProperties properties;     ///< all CONNACK properties as received
};

/// CONNACK refused the connection; the session has ended.
struct ConnectRefused {
  std::uint8_t reason_code = 0;  ///< 5.0 reason code or 3.x return code
  std::string reason_string;
  OwnedProperties properties;
};

/// An application message from the server (acknowledged already, unless
/// ClientConfig::manual_acks; a QoS 2 message is delivered once, on its
/// first PUBLISH).
struct MessageReceived {
  Message message;  ///< topic resolved when a Topic Alias was used
  std::uint16_t packet_id = 0;
  bool dup = false;
};

/// An incoming QoS 2 message is complete: its PUBREL arrived and PUBCOMP
/// was queued. A caller that wants to end cleanly waits for this while
/// ClientSession::awaiting_pubrel() is above 0.
struct MessageReleased {
  std::uint16_t packet_id = 0;
};

/// An accepted publish has finished: acknowledged by the server (QoS 1/2),
/// written to the output (QoS 0), or abandoned locally (`error`).
struct PublishCompleted {
  std::uint64_t token = 0;  ///< what publish() returned
  std::uint16_t packet_id = 0;  ///< 0 for QoS 0
  QoS qos = 0;
  std::uint8_t reason_code = 0;  ///< PUBACK/PUBREC/PUBCOMP reason (0 before 5.0)
  std::string reason_string;
  OwnedProperties properties;
  std::optional<ClientError> error;

  /// Delivered as far as the protocol can tell: no local error, reason < 0x80.
  bool ok() const { return !error && reason_code < 0x80; }
};

/// SUBACK, or a subscribe abandoned locally (`error`).
struct Subscribed {
  std::uint64_t token = 0;
  std::uint16_t packet_id = 0;
  std::vector<std::uint8_t> reason_codes;  ///< one per filter, in request order
  std::string reason_string;
  OwnedProperties properties;
  std::optional<ClientError> error;
};

/// UNSUBACK, or an unsubscribe abandoned locally (`error`). Before 5.0
/// UNSUBACK carries no reason codes and `reason_codes` is empty.
struct Unsubscribed {
  std::uint64_t token = 0;
  std::uint16_t packet_id = 0;
  std::vector<std::uint8_t> reason_codes;
  std::string reason_string;
  OwnedProperties properties;
  std::optional<ClientError> error;
};

/// The server sent DISCONNECT (5.0); the session has ended.
struct ServerDisconnected {
  std::uint8_t reason_code = 0;
  std::string reason_string;
  OwnedProperties properties;
};

/// The server named another server to use (Server Reference with reason
/// 0x9C Use another server or 0x9D Server moved), in CONNACK or DISCONNECT.
/// Comes just before the ConnectRefused or ServerDisconnected event.
struct Redirected {
  std::string server_reference;
  bool permanent = false;  ///< 0x9D Server moved
};

/// The server continues enhanced authentication (AUTH 0x18): answer with
/// ClientSession::auth().
struct AuthChallenge {
  std::uint8_t reason_code = 0x18;
  std::string method;
  std::string data;  ///< Authentication Data (bytes), may be empty
  std::string reason_string;
  OwnedProperties properties;
};

/// Re-authentication succeeded (AUTH 0x00 after reauthenticate()).
struct Reauthenticated {
  OwnedProperties properties;
};

/// The server broke the protocol (malformed packet, packet not allowed in
/// this state, limit exceeded). At 5.0 a DISCONNECT with `reason_code` was
/// queued; the session has ended.
struct ProtocolViolation {
  DecodeError error;
  std::uint8_t reason_code = 0;  ///< sent in DISCONNECT at 5.0 (0x81, 0x82, 0x93, 0x94, 0x95)
};

/// Nothing arrived within the ping timeout after a PINGREQ; the session has ended.
struct KeepaliveTimeout {};
/// No CONNACK within the connect timeout; the session has ended.
struct ConnectTimeout {};

/// Anything the session reports.
using Event = std::variant<Connected, ConnectRefused, MessageReceived, MessageReleased, PublishCompleted, Subscribed, Unsubscribed,
                           ServerDisconnected, Redirected, AuthChallenge, Reauthenticated, ProtocolViolation,
                           KeepaliveTimeout, ConnectTimeout>;

}  // namespace mq::client
