#pragma once
/// The questions the broker core asks before it lets a client connect,
/// publish, subscribe or receive: an interface a password file and an ACL
/// can implement. The default allows everything.

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "codec/types.hpp"
#include "broker/output.hpp"

namespace mq::broker {

/// Who is asking: the identity of an authenticated (or anonymous) client.
struct ClientInfo {
  std::string_view client_id;
  std::optional<std::string_view> username;  ///< nullopt for an anonymous client
  std::string_view cert_identity;            ///< TLS client certificate subject, or empty
  std::string_view listener;
};

/// What a CONNECT presents.
struct Credentials {
  ClientInfo client;
  std::optional<ByteView> password;
  ProtocolVersion version = ProtocolVersion::v311;
  /// The connection asking, to name it in Broker::authenticated().
  ConnectionId connection = 0;
  /// The peer's address as the network layer gave it ("127.0.0.1:50312").
  std::string_view peer_address;
};

/// The answer to authenticate(): a 5.0 CONNACK reason code (0 accepts;
/// 0x86 Bad User Name or Password, 0x87 Not authorized, 0x8A Banned ...).
/// Before 5.0 the core maps it to return code 4 (0x86) or 5 (anything else).
using AuthResult = std::uint8_t;
/// authenticate() answers this when the decision takes time (a password
/// hash computed off the event loop): the CONNECT waits, packets the client
/// sends meanwhile are held, and Broker::authenticated() gives the answer.
inline constexpr AuthResult kAuthDeferred = 0xFF;

/// One answer of an enhanced authentication method (MQTT 5.0 section 4.12).
struct AuthStep {
  enum class Kind : std::uint8_t {
    Accept,    ///< authenticated: CONNACK 0 (or AUTH 0x00 when re-authenticating)
    Reject,    ///< refused: CONNACK `reason` (or DISCONNECT when re-authenticating), then close
    Continue,  ///< more is needed: AUTH 0x18 carrying `data`, the client answers with AUTH 0x18
  };
  Kind kind = Kind::Reject;
  /// Reject only: a 5.0 reason code of 0x80 or above (0x87 Not authorized,
  /// 0x86 Bad User Name or Password, 0x8C Bad authentication method ...).
  std::uint8_t reason = 0x87;
  /// Authentication Data for the client (Accept, Continue); empty: none sent.
  std::string data;
  /// A Reason String for the client; empty: none. Left out when the client
  /// asked for no problem information or its Maximum Packet Size is too small.
  std::string reason_string;

  static AuthStep accept(std::string data = {}) { return {Kind::Accept, 0, std::move(data), {}}; }
  static AuthStep reject(std::uint8_t reason, std::string reason_string = {}) {
    return {Kind::Reject, reason, {}, std::move(reason_string)};
  }
  static AuthStep challenge(std::string data, std::string reason_string = {}) {
    return {Kind::Continue, 0x18, std::move(data), std::move(reason_string)};
  }
};

/// One run of an enhanced authentication method with one client: created by
/// Authorizer::start_exchange, fed the client's Authentication Data until it
/// accepts or rejects. Lives on the broker's thread; answers synchronously.
class AuthExchange {
 public:
  virtual ~AuthExchange() = default;
  /// The client's Authentication Data (empty when it sent none): first from
  /// CONNECT or from AUTH 0x19 (re-authentication), then from each AUTH 0x18.
  virtual AuthStep step(ByteView client_data) = 0;
};

/// Authentication and authorization decisions. Calls are synchronous and
/// made on the broker's thread; keep them fast (they are on the hot path).
class Authorizer {
 public:
  virtual ~Authorizer() = default;
  /// May this client connect? Called for every CONNECT that passed the
  /// protocol checks.
  virtual AuthResult authenticate(const Credentials& c) = 0;
  /// May `client` publish to `topic`? A refused PUBLISH is not delivered; a
  /// 5.0 QoS 1/2 sender gets reason 0x87 in PUBACK/PUBREC. Also asked for wills.
  virtual bool may_publish(const ClientInfo& client, std::string_view topic, QoS qos, bool retain) = 0;
  /// May `client` subscribe to `filter`? Refusal: SUBACK 0x87 (0x80 before 5.0).
  virtual bool may_subscribe(const ClientInfo& client, std::string_view filter, QoS qos) = 0;
  /// May `client` receive a message on `topic`? Asked per delivery, only when
  /// checks_reads() is true, so an authorizer without read rules costs nothing.
  virtual bool may_receive(const ClientInfo& client, std::string_view topic) = 0;
  /// Whether may_receive() must be asked.
  virtual bool checks_reads() const { return false; }
  /// Starts enhanced authentication with `method` (the 5.0 CONNECT's
  /// Authentication Method) for the client `c`; nullptr when the method is
  /// not supported (CONNACK 0x8C Bad authentication method). With a method,
  /// the exchange replaces authenticate(): it sees the user name and
  /// password in `c` and decides alone. `reauthenticating` is true for AUTH
  /// 0x19 on a connected client (`c.password` is then nullopt).
  virtual std::unique_ptr<AuthExchange> start_exchange(std::string_view method, const Credentials& c,
                                                       bool reauthenticating) {
    (void)method, (void)c, (void)reauthenticating;
    return nullptr;
  }
};

/// Lets everyone do everything, except that anonymous clients are refused
/// (0x87 / return code 5) when `allow_anonymous` is false.
class AllowAll final : public Authorizer {
 public:
  explicit AllowAll(bool allow_anonymous = true) : allow_anonymous_(allow_anonymous) {}
  AuthResult authenticate(const Credentials& c) override {
    return (c.client.username || allow_anonymous_) ? 0x00 : 0x87;
  }
  bool may_publish(const ClientInfo&, std::string_view, QoS, bool) override { return true; }
  bool may_subscribe(const ClientInfo&, std::string_view, QoS) override { return true; }
  bool may_receive(const ClientInfo&, std::string_view) override { return true; }

 private:
  bool allow_anonymous_;
};

}  // namespace mq::broker
