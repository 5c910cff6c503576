#pragma once
/// The probes' shared machinery: connections opened with a CONNECT of our
/// choosing, bounded waits for a chosen answer, and the answer to a request
/// in words. Each probe family (probe_*.cpp) is a function on a Prober.

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "probe/link.hpp"
#include "probe/probe.hpp"

namespace mq::probe {

/// The CONNECT a probe sends; views point into the caller's storage.
struct ConnectSpec {
  ProtocolVersion version = ProtocolVersion::v5;
  std::string client_id;
  bool clean_start = true;
  /// Short, so that a broker with a low max_keepalive takes it at 3.1.1
  /// too (where it cannot answer with a Server Keep Alive); no probe
  /// connection stays silent that long.
  std::uint16_t keep_alive = 10;
  Properties properties;
  std::optional<Will> will;
  bool credentials = true;  ///< send the configured user name and password
};

/// A connection attempt and its CONNACK.
struct Opened {
  std::unique_ptr<Link> link;
  Outcome outcome = Outcome::Timeout;  ///< Packet: `answer` holds the first packet
  Received answer;
  std::optional<net::NetError> transport_error;  ///< the transport did not come up

  /// The CONNACK, or nullptr when the first answer was something else.
  const Connack* connack() const { return std::get_if<Connack>(&answer.packet); }
  /// CONNACK with reason 0.
  bool accepted() const { return connack() && connack()->reason_code == 0; }
  /// "accepted", "CONNACK 0x84", "closed the connection", "no answer", ...
  std::string text() const;
};

/// The broker's answer to a request, in a form the probes compare.
struct Answer {
  enum Kind : std::uint8_t { Ok, Refused, Disconnected, Closed, Timeout, Malformed } kind = Timeout;
  std::uint8_t code = 0;  ///< the reason code of Refused (the ack) or Disconnected
  std::string ack;        ///< the ack's name, "PUBACK", "SUBACK", ...
  /// "PUBACK 0x00", "DISCONNECT 0x95", "closed the connection", "no answer".
  std::string text() const;
  /// An answer at all (not Timeout or Malformed).
  bool answered() const { return kind != Timeout && kind != Malformed; }
};

class Prober {
 public:
  explicit Prober(const ProbeConfig& config);
  ~Prober();

  const ProbeConfig& config() const { return config_; }
  net::Loop& loop() { return loop_; }
  /// The level the capability probes use (set once the levels are probed).
  ProtocolVersion version = ProtocolVersion::v5;
  bool v5() const { return version == ProtocolVersion::v5; }

  /// A client id unique to this run: the prefix, the process id, `tag`, a counter.
  std::string client_id(std::string_view tag);
  /// A topic unique to this run under the prefix.
  std::string topic(std::string_view tag);
  /// The next packet identifier (1..65535).
  std::uint16_t packet_id();

  /// Connects with `spec` (over `url`, default the configured one) and waits for the first answer.
  Opened open(const ConnectSpec& spec, const net::Url* url = nullptr, const net::ConnectOptions* options = nullptr);
  /// A plain connection at the probe level with a fresh client id; nullptr when refused.
  std::unique_ptr<Link> client(std::string_view tag, std::uint16_t keep_alive = 10);
  /// Waits up to the answer time for a packet `match` accepts (others are
  /// skipped). A DISCONNECT, close or timeout ends the wait.
  Outcome await(Link& link, const std::function<bool(const Packet&)>& match, Received& out,
                std::optional<std::chrono::milliseconds> timeout = std::nullopt);
  /// Sends `p` (QoS 1 or 2) and waits for its PUBACK or PUBREC.
  Answer publish(Link& link, const Publish& p);
  /// Sends a SUBSCRIBE for `filter` at `qos` with `properties` and waits for
  /// its SUBACK (one reason code).
  Answer subscribe(Link& link, std::string_view filter, QoS qos, const Properties& properties = {});
  /// Waits for a PUBLISH on `topic`; its bytes stay in `out`.
  bool receive(Link& link, std::string_view topic, Received& out, std::optional<std::chrono::milliseconds> timeout = std::nullopt);
  /// Lets `duration` pass with the loop running (for expiry and delay probes).
  void pause(std::chrono::milliseconds duration);
  /// Ends a link politely (DISCONNECT, bounded wait for the close).
  void close(std::unique_ptr<Link>& link);

  /// A numeric property of the CONNACK the levels probe kept (5.0).
  std::optional<std::uint32_t> advertised(PropertyId id) const;

  Report report;
  /// The CONNACK of the probe level's first accepted connection.
  Received connack;

 private:
  ProbeConfig config_;
  net::Loop loop_;
  unsigned counter_ = 0;
  std::uint16_t next_packet_id_ = 0;
};

/// Reason code of a DISCONNECT or an ack as "0x95".
std::string hex(std::uint8_t code);

// The probe families, in report order.
void probe_levels(Prober& p, ProbeResult& result);
void probe_connack(Prober& p);
void probe_features(Prober& p);
void probe_limits(Prober& p);
void probe_receive_maximum(Prober& p);
void probe_topic_alias(Prober& p);
void probe_client_ids(Prober& p);
void probe_session(Prober& p);
void probe_keep_alive(Prober& p);
void probe_auth(Prober& p);
void probe_transport(Prober& p);

}  // namespace mq::probe
