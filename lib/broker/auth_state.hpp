#pragma once
/// The enhanced authentication state of one connection, allocated only for
/// clients whose CONNECT named an Authentication Method.

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "broker/auth.hpp"

namespace mq::broker {

struct AuthState {
  /// The Authentication Method of the CONNECT; every AUTH must repeat it
  /// [MQTT-4.12.0-5] [MQTT-4.12.1-1].
  std::string method;
  /// The exchange in progress; null between exchanges once connected.
  std::unique_ptr<AuthExchange> exchange;
  /// The CONNECT waiting for the exchange to end (encoded again, so its
  /// views survive); empty once CONNACK was sent.
  std::vector<std::uint8_t> connect;
  /// The identifier assigned to a client that sent an empty one, kept so
  /// the exchange and the CONNACK see the same one.
  std::optional<std::string> assigned_id;
  /// The CONNECT waits for Broker::authenticated() (authenticate() answered
  /// kAuthDeferred) rather than for an exchange.
  bool deferred = false;
  /// Packets the client sent after a deferred CONNECT, handled once it is
  /// accepted (a client need not wait for CONNACK).
  std::vector<std::uint8_t> held;
};

}  // namespace mq::broker
