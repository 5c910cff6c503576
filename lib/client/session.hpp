#pragma once
/// The MQTT client session as a state machine with no I/O: bytes received
/// and the current time go in; bytes to send, a timer deadline and events
/// come out. The caller (mqpub, mqsub, mqbench over lib/net) owns the socket
/// and the clock:
///
///   session.start(now);                 // CONNECT queued
///   write(session.take_output());
///   on bytes:  session.receive(bytes, now); write(take_output()); drain next_event()
///   on timer:  session.tick(now);       // PINGREQ or a timeout
///   re-arm the timer at next_deadline(); close the socket once state() is Closed
///
/// One session outlives its connections: after the connection ends the
/// caller may start() again over a new one and the session resumes
/// (in-flight QoS 1/2 messages are retransmitted) when the server kept it.

#include <cstdint>
#include <deque>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "client/config.hpp"
#include "client/events.hpp"
#include "client/message.hpp"
#include "client/packet_ids.hpp"
#include "client/topic_aliases.hpp"
#include "codec/framer.hpp"
#include "codec/packets.hpp"

namespace mq::client {

/// One topic filter of a subscribe request, with owned text.
struct SubscribeRequest {
  std::string filter;
  QoS qos = 0;
  bool no_local = false;             ///< 5.0
  bool retain_as_published = false;  ///< 5.0
  std::uint8_t retain_handling = 0;  ///< 5.0, 0..2
};

/// What publish/subscribe/unsubscribe return: a token that the matching
/// completion event carries, or why the request was refused locally (in
/// which case no event follows).
struct Submitted {
  std::uint64_t token = 0;
  std::optional<ClientError> error;

  explicit operator bool() const { return !error; }
};

class ClientSession {
 public:
  /// Where the session is in the life of its current connection.
  enum class State : std::uint8_t {
    Idle,        ///< constructed, start() not called yet
    Connecting,  ///< CONNECT sent, waiting for CONNACK (AUTH may be exchanged)
    Connected,   ///< CONNACK accepted
    Closed,      ///< the connection is over: flush the output, close the socket, maybe start() again
  };

  explicit ClientSession(ClientConfig config);

  /// Begins a connection: discards output left from an earlier one and queues
  /// CONNECT. Refused (state unchanged) when the configuration would make an
  /// invalid CONNECT. When this connection starts clean, messages still in
  /// flight complete with SessionDiscarded; queued ones stay queued.
  std::optional<ClientError> start(TimePoint now);

  /// Feeds bytes received from the server, in order and in any split. Each
  /// complete packet is handled at once; replies go to the output and
  /// reports to the event queue. Ignored unless Connecting or Connected.
  void receive(ByteView bytes, TimePoint now);

  /// Accepts a message for delivery. QoS 0 goes out at once when connected;
  /// QoS 1/2 goes out while the in-flight window has room, the rest waits in
  /// order. Messages submitted before CONNACK wait for it. Refused when the
  /// message breaks a rule or, once connected, a server limit (Maximum QoS,
  /// Retain Available, Maximum Packet Size). Ends with one PublishCompleted.
  Submitted publish(Message message, TimePoint now);

  /// With ClientConfig::manual_acks: acknowledges the incoming QoS 1/2
  /// message `packet_id` of the current connection (PUBACK, or PUBREC and
  /// then PUBCOMP when PUBREL comes). Call in the order the messages
  /// arrived [MQTT-4.6.0-2]; a message never acknowledged is never
  /// acknowledged by the session either. False when no such message waits.
  bool acknowledge(std::uint16_t packet_id, TimePoint now);

  /// Sends SUBSCRIBE; ends with one Subscribed event. Needs Connected; refuses
  /// filters the server said it does not support.
  Submitted subscribe(std::vector<SubscribeRequest> topics, OwnedProperties properties, TimePoint now);

  /// Sends UNSUBSCRIBE; ends with one Unsubscribed event. Needs Connected.
  Submitted unsubscribe(std::vector<std::string> filters, OwnedProperties properties, TimePoint now);

  /// Queues DISCONNECT (reason and properties at 5.0 only) and ends the
  /// connection. A Session Expiry Interval property updates the session's.
  std::optional<ClientError> disconnect(std::uint8_t reason_code, OwnedProperties properties, TimePoint now);

  /// Answers an AuthChallenge with AUTH 0x18 (Continue authentication)
  /// carrying the configured method and `data`.
  std::optional<ClientError> auth(std::string data, OwnedProperties properties, TimePoint now);

  /// Starts re-authentication (AUTH 0x19) while connected; challenges follow
  /// as AuthChallenge events and success as Reauthenticated.
  std::optional<ClientError> reauthenticate(std::string data, OwnedProperties properties, TimePoint now);

  /// The transport closed (or failed). Session state is kept for a later
  /// start(); unanswered SUBSCRIBE/UNSUBSCRIBE complete with ConnectionLost.
  void connection_lost(TimePoint now);

  /// Drops the session state (in-flight messages complete with
  /// SessionDiscarded) and makes the next start() use Clean Start.
  void discard_session();

  /// Acts on timers due at `now`: PINGREQ, keepalive timeout, connect timeout.
  void tick(TimePoint now);
  /// When tick() next has something to do, or nothing when no timer runs.
  std::optional<TimePoint> next_deadline() const;

  /// Bytes to send, in order; the caller owns them until written.
  std::vector<std::uint8_t> take_output();
  /// Bytes waiting in the output.
  std::size_t output_size() const { return out_.size(); }

  /// The oldest unread event, or nothing.
  std::optional<Event> next_event();
  /// Events waiting to be read.
  std::size_t pending_events() const { return events_.size(); }

  State state() const { return state_; }
  /// The server's limits from the last CONNACK (defaults before one).
  const ServerLimits& server_limits() const { return limits_; }
  /// The client identifier in use (the assigned one once the server chose it).
  const std::string& client_id() const { return config_.client_id; }
  /// Effective keep alive in seconds (the Server Keep Alive when one was sent).
  std::uint16_t keep_alive() const { return keep_alive_; }
  /// Outgoing QoS 1/2 messages awaiting acknowledgement.
  std::size_t in_flight() const { return inflight_.size(); }
  /// Accepted messages not yet sent (window full or not connected).
  std::size_t queued() const { return queue_.size(); }
  /// How many QoS 1/2 messages may be in flight at once on this connection.
  std::size_t window() const;
  /// Incoming QoS 2 messages delivered and awaiting PUBREL.
  std::size_t awaiting_pubrel() const { return incoming_qos2_.size(); }
  /// Incoming QoS 1/2 messages delivered and not yet acknowledged (manual_acks).
  std::size_t unacknowledged() const { return unacked_.size(); }

 private:
  /// An outgoing QoS 1/2 message between PUBLISH and its final acknowledgement.
  struct Outgoing {
    std::uint64_t token = 0;  ///< publish()'s token; also the send order for retransmission
    Message message;          ///< kept whole: it may be sent again with DUP after a reconnect
    bool released = false;    ///< QoS 2 after PUBREC: PUBREL sent, awaiting PUBCOMP
  };
  /// An accepted message waiting for the connection or for window room.
  struct Queued {
    std::uint64_t token = 0;
    Message message;
  };
  /// A SUBSCRIBE or UNSUBSCRIBE awaiting its acknowledgement.
  struct Request {
    std::uint64_t token = 0;
    bool subscribe = true;  ///< false: UNSUBSCRIBE
    std::size_t count = 0;  ///< filters, to check the reason-code count
  };

  /// True at protocol level 5.
  bool v5() const { return config_.version == ProtocolVersion::v5; }
  /// True while a connection is in use (Connecting or Connected).
  bool live() const { return state_ == State::Connecting || state_ == State::Connected; }
  /// Encodes `p` into the output and notes the time for keepalive.
  void emit(const Packet& p, TimePoint now);
  /// The connection is over (State::Closed); session state stays.
  void end_connection();
  /// Ends every pending SUBSCRIBE/UNSUBSCRIBE with a local error event.
  void fail_requests(ClientErrorCode code, const char* why);
  /// Drops in-flight and awaiting-PUBREL state; true when there was any.
  bool discard_state();
  /// The server broke the protocol: DISCONNECT at 5.0, event, end.
  void violation(DecodeError error, std::uint8_t reason_code, TimePoint now);
  /// Same, for a rule of the session rather than of the decoder.
  void violation(std::uint8_t reason_code, std::string field, std::string message, std::string rule, TimePoint now);
  /// Sends AUTH with our method, `data` (omitted when empty) and `props`.
  void send_auth(std::uint8_t reason, std::string_view data, const OwnedProperties& props, TimePoint now);

  // Outgoing PUBLISH (session_publish.cpp).
  /// Rules a message must follow whatever the server: QoS, topic, properties.
  std::optional<ClientError> check_message(const Message& m) const;
  /// What the last CONNACK allows: Maximum QoS, Retain Available, Maximum Packet Size.
  std::optional<ClientError> check_server_limits(const Message& m) const;
  /// Sends queued messages while connected and the window has room.
  void pump(TimePoint now);
  /// Encodes one PUBLISH, with a topic alias when allowed and the policy says so.
  void send_publish(const Message& m, std::uint16_t packet_id, bool dup, bool use_alias, TimePoint now);
  /// Final acknowledgement of in-flight `packet_id`: event, slot and identifier freed.
  void complete(std::uint16_t packet_id, std::uint8_t reason, const Properties& props);
  /// After a resumed CONNACK: PUBLISH with DUP or PUBREL for each in-flight message, in order.
  void retransmit(TimePoint now);

  // Incoming packets (session_receive.cpp), one handler per packet type.
  /// Checks the packet is allowed in this state and dispatches it.
  void handle(Packet& p, TimePoint now);
  void on_connack(const Connack& c, TimePoint now);     ///< limits, keep alive, resumption
  void on_publish(const Publish& p, TimePoint now);     ///< aliases, delivery, PUBACK/PUBREC
  void on_puback(const Puback& a, TimePoint now);       ///< QoS 1 done
  void on_pubrec(const Pubrec& a, TimePoint now);       ///< QoS 2 step two (or failure)
  void on_pubrel(const Pubrel& a, TimePoint now);       ///< incoming QoS 2 released
  void on_pubcomp(const Pubcomp& a, TimePoint now);     ///< QoS 2 done
  /// SUBACK (`subscribe`) or UNSUBACK.
  void on_ack(std::uint16_t packet_id, bool subscribe, std::vector<std::uint8_t> codes, const Properties& props,
              TimePoint now);
  void on_disconnect(const Disconnect& d, TimePoint now);  ///< server DISCONNECT (5.0)
  void on_auth(const Auth& a, TimePoint now);              ///< challenge or re-authentication result

  ClientConfig config_;  ///< the client identifier and session expiry may change as the server says
  State state_ = State::Idle;
  bool started_before_ = false;   ///< a later start() decides clean start from the session expiry
  bool clean_start_sent_ = true;  ///< what the current CONNECT asked for
  bool discard_next_ = false;     ///< discard_session() was called
  bool first_read_ = true;        ///< nothing received yet on this connection

  Framer framer_;              ///< reassembles packets, bounded by our Maximum Packet Size
  std::vector<std::uint8_t> out_;  ///< bytes for the caller to send
  std::deque<Event> events_;   ///< reports for the caller

  ServerLimits limits_;        ///< from the last CONNACK
  std::uint16_t keep_alive_ = 0;  ///< effective keep alive, seconds
  TimePoint last_sent_{};      ///< when we last queued bytes
  std::optional<TimePoint> connect_deadline_;  ///< set while waiting for CONNACK
  std::optional<TimePoint> ping_deadline_;     ///< set while a PINGREQ awaits an answer
  bool auth_pending_ = false;      ///< a challenge arrived and awaits our auth()
  bool reauthenticating_ = false;  ///< AUTH 0x19 sent, result not yet known

  PacketIds ids_;              ///< shared by PUBLISH, SUBSCRIBE and UNSUBSCRIBE
  std::uint64_t next_token_ = 0;
  std::map<std::uint16_t, Outgoing> inflight_;  ///< by packet identifier
  std::deque<Queued> queue_;                   ///< accepted, not yet sent, in order
  std::map<std::uint16_t, Request> requests_;  ///< by packet identifier
  std::set<std::uint16_t> incoming_qos2_;      ///< ids delivered and awaiting PUBREL
  std::map<std::uint16_t, QoS> unacked_;       ///< manual_acks: delivered, not yet acknowledged, this connection
  OutgoingAliases aliases_out_;
  IncomingAliases aliases_in_;
};

}  // namespace mq::client
