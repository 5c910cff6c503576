#pragma once
/// The questions the broker core asks before it lets a client connect,
/// publish, subscribe or receive: an interface a password file and an ACL
/// can implement. The default allows everything.

#include <cstdint>
#include <optional>
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
};

/// The answer to authenticate(): a 5.0 CONNACK reason code (0 accepts;
/// 0x86 Bad User Name or Password, 0x87 Not authorized, 0x8A Banned ...).
/// Before 5.0 the core maps it to return code 4 (0x86) or 5 (anything else).
using AuthResult = std::uint8_t;

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
