#pragma once
/// The state of a conversation, read from its packets: per-client counts,
/// QoS exchanges that never completed, keep-alive gaps, session takeovers
/// and every protocol violation with its rule. A PacketObserver, fed by the
/// proxy or a capture reader; finish() closes the books.

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "dump/observed.hpp"

namespace mq::dump {

/// Counts of one client (all its connections, by client id).
struct ClientCounts {
  std::uint64_t connections = 0;
  std::uint64_t packets[2] = {0, 0};  ///< by Direction (index 0: sent by the client)
  std::uint64_t bytes[2] = {0, 0};
  std::map<PacketType, std::uint64_t> types[2];  ///< packets by type and Direction
};

/// A request that never got its answer.
struct OpenExchange {
  std::uint64_t connection = 0;
  std::string client_id;
  Direction direction{};      ///< of the packet that waits
  PacketType sent{};          ///< the last packet of the exchange seen (PUBLISH, PUBREC, PUBREL, SUBSCRIBE...)
  PacketType waiting_for{};   ///< the answer that never came
  std::uint16_t packet_id = 0;
  std::string topic;          ///< of the PUBLISH, when there is one
  std::int64_t time_us = 0;   ///< when the waiting packet passed
};

/// A silence from a client longer than its keep alive allows.
struct KeepAliveGap {
  std::uint64_t connection = 0;
  std::string client_id;
  std::uint16_t keep_alive = 0;  ///< seconds, from the CONNECT (or the CONNACK's Server Keep Alive)
  std::int64_t gap_us = 0;
  std::int64_t time_us = 0;      ///< when the silence ended
  bool ended_connection = false; ///< the silence ran until the connection ended
};

/// A connection that took over a client id still connected elsewhere.
struct Takeover {
  std::string client_id;
  std::uint64_t old_connection = 0;
  std::uint64_t new_connection = 0;
  std::int64_t time_us = 0;
};

/// A packet or a sequence that breaks a rule of the protocol.
struct Violation {
  std::uint64_t connection = 0;
  std::string client_id;
  Direction direction{};
  std::uint64_t packet = 0;  ///< its number in the connection, from 1
  std::string type;          ///< "PUBLISH", or "?" when unknown
  std::string message;
  std::string rule;          ///< "MQTT-3.3.2-2", or empty
  std::int64_t time_us = 0;
};

/// Reads a conversation and keeps its state.
class ConversationSummary : public PacketObserver {
 public:
  void packet(const ObservedPacket& p) override;
  void connection_end(const ConnectionEnd& end) override;
  /// Ends the conversation at `time_us` (the last time seen when 0): what
  /// is still waiting becomes an open exchange. Called once, before reading.
  void finish(std::int64_t time_us = 0);

  const std::map<std::string, ClientCounts>& clients() const { return clients_; }
  const std::vector<OpenExchange>& open_exchanges() const { return open_; }
  const std::vector<KeepAliveGap>& keep_alive_gaps() const { return gaps_; }
  const std::vector<Takeover>& takeovers() const { return takeovers_; }
  const std::vector<Violation>& violations() const { return violations_; }
  std::uint64_t connections() const { return connections_seen_; }

 private:
  struct Waiting {
    PacketType sent{};
    PacketType waiting_for{};
    std::string topic;
    std::int64_t time_us = 0;
  };
  struct Conn {
    std::string client_id;  ///< from CONNECT; "(connection N)" until then
    std::optional<ProtocolVersion> version;
    std::uint16_t keep_alive = 0;
    bool connected = false;  ///< a CONNECT was seen
    std::uint64_t packets = 0;
    std::int64_t last_from_client = 0;
    /// Exchanges in flight, keyed by packet id, by the Direction of the
    /// side that must answer next.
    std::map<std::uint16_t, Waiting> waiting[2];
    std::optional<Waiting> connack;  ///< CONNECT waiting for its CONNACK
  };
  void track(Conn& c, const ObservedPacket& p, const Packet& packet);
  void violation(const Conn& c, const ObservedPacket& p, std::string message, std::string rule);
  void close_conn(std::uint64_t id, Conn& c, std::int64_t time_us, bool ended);
  ClientCounts& counts_of(const Conn& c) { return clients_[c.client_id]; }

  std::map<std::uint64_t, Conn> conns_;
  std::map<std::string, ClientCounts> clients_;
  std::vector<OpenExchange> open_;
  std::vector<KeepAliveGap> gaps_;
  std::vector<Takeover> takeovers_;
  std::vector<Violation> violations_;
  std::uint64_t connections_seen_ = 0;
  std::int64_t last_time_ = 0;
  bool finished_ = false;
};

/// The summary as text, a few lines per finding.
std::string format_summary_text(const ConversationSummary& s);
/// The summary as NDJSON: one object per client, open exchange, gap,
/// takeover and violation, each with a "kind".
std::string format_summary_json(const ConversationSummary& s);

}  // namespace mq::dump
