#pragma once
/// What a conformance check works with: fresh connections to the broker,
/// packet builders, bounded waits that fail the check with a reason, and the
/// choices the broker made where the specification allows several answers.

#include <deque>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "conform/conn.hpp"

namespace mq::conform {

/// What the broker offers, read from a 5.0 CONNACK (or assumed for a broker
/// that only speaks 3.1.1). Checks that need more say "not applicable".
struct Capabilities {
  bool v311 = true, v5 = true;
  unsigned max_qos = 2;
  bool retain = true, wildcards = true, shared = true, sub_ids = true;
  std::uint16_t topic_alias_max = 0;
  std::uint16_t receive_max = 65535;
  std::uint32_t max_packet = 0;  ///< 0: none advertised
};

/// Thrown by Ctx::fail and Ctx::not_applicable; caught by the runner.
struct CheckStop {
  bool not_applicable = false;
  std::string reason;
};

/// CONNECT settings for Ctx::connect.
struct ConnectSpec {
  std::string client_id;  ///< empty: a fresh unique one (use `empty_id` for a zero-length one)
  bool empty_id = false;
  bool clean = true;
  std::uint16_t keep_alive = 60;
  std::optional<std::uint32_t> session_expiry;  ///< 5.0
  std::optional<Will> will;
  Properties properties;  ///< more 5.0 CONNECT properties
};

/// The state of one check run.
class Ctx {
 public:
  Ctx(net::Loop& loop, const Target& target, ProtocolVersion version, const Capabilities& caps, std::string uniq);
  ~Ctx();

  const ProtocolVersion version;
  const Capabilities& caps;
  bool v5() const { return version == ProtocolVersion::v5; }

  /// A topic no other check or run uses: "mqconf/<run>/<check>/<leaf>".
  std::string topic(std::string_view leaf) const;
  /// A client identifier unique to this check: "<prefix><run><check>c<n>" (alphanumeric, short).
  std::string client_id(int n) const;
  /// Keeps `s` alive for the whole check (packets hold views).
  std::string_view keep(std::string s);

  /// Opens a network connection without sending anything.
  Conn& open();
  /// The CONNECT packet `spec` describes (views into kept storage).
  Connect connect_packet(const ConnectSpec& spec);
  /// Opens a connection, sends CONNECT and requires CONNACK 0; returns it.
  Conn& connect(const ConnectSpec& spec = {});
  /// The CONNACK of the last connect().
  const Connack& last_connack() const { return last_connack_; }

  /// The next event on `c`, checked against the invariants every packet from
  /// the broker must meet (it decodes; 5.0: limits the client set).
  Received next(Conn& c, std::optional<std::chrono::milliseconds> wait = std::nullopt);
  /// The next packet must be a T; fails with `what` otherwise.
  template <typename T>
  T expect(Conn& c, std::string_view what) {
    Received r = next(c);
    if (const T* p = r.as<T>()) {
      hold_.push_back(r.raw);
      return *p;
    }
    fail(std::string(what) + ": expected " + std::string(packet_type_name(type_of(Packet(std::in_place_type<T>)))) +
         ", got " + r.describe());
  }
  /// The broker must close `c` (5.0: a DISCONNECT with a reason code of
  /// 0x80 or more may come first, one of `reasons` when given; a CONNACK
  /// refusal is accepted when `connack_ok`). Returns what it sent before
  /// closing: "closed", "DISCONNECT 0x81", "CONNACK 0x84".
  std::string expect_close(Conn& c, std::string_view what, std::vector<std::uint8_t> reasons = {},
                           bool connack_ok = false);
  /// Sends PINGREQ and returns every packet that arrived before PINGRESP
  /// (the barrier that shows absence without waiting for a timeout).
  std::vector<Received> barrier(Conn& c);
  /// PUBLISH packets among `rs`.
  static std::vector<Publish> publishes(const std::vector<Received>& rs);

  /// Subscribes and returns the SUBACK codes.
  std::vector<std::uint8_t> subscribe(Conn& c, std::vector<Subscription> subs, Properties props = {});
  /// Subscribes to one filter and requires success.
  void subscribe_ok(Conn& c, const std::string& filter, QoS qos = 0);
  /// Publishes and completes the QoS 1 or 2 handshake.
  void publish(Conn& c, const std::string& topic, std::string_view payload, QoS qos = 0, bool retain = false,
               Properties props = {});
  /// Waits for one PUBLISH on `c` (acknowledging nothing).
  Publish expect_publish(Conn& c, std::string_view what);
  /// Sends DISCONNECT (normal) and closes.
  void disconnect(Conn& c);
  /// A fresh packet identifier.
  std::uint16_t pid() { return next_pid_++; }

  [[noreturn]] void fail(std::string reason);
  [[noreturn]] void not_applicable(std::string reason);
  /// Records which of the allowed answers the broker gave.
  void choose(std::string choice) { choices.push_back(std::move(choice)); }

  Transcript transcript;
  std::vector<std::string> choices;

 private:
  net::Loop& loop_;
  const Target& target_;
  std::string uniq_;
  std::vector<std::unique_ptr<Conn>> conns_;
  std::deque<std::string> kept_;
  std::vector<std::shared_ptr<std::vector<std::uint8_t>>> hold_;
  Connack last_connack_;
  std::uint16_t next_pid_ = 1;
};

/// Shorthand for a property with a number.
Property num_prop(PropertyId id, std::uint32_t n);
/// Shorthand for a property with a string or binary value (a view: keep it alive).
Property str_prop(PropertyId id, std::string_view v);
/// A 3.1.1 or 5.0 fixed header and body as raw bytes (remaining length encoded).
std::vector<std::uint8_t> raw_packet(std::uint8_t first_byte, const std::vector<std::uint8_t>& body);
/// A 2-byte length prefixed string as bytes.
std::vector<std::uint8_t> raw_string(std::string_view s);

}  // namespace mq::conform
