// Enhanced authentication (MQTT 5.0 section 4.12): the AUTH exchange before
// CONNACK and re-authentication of a connected client. The method itself is
// the embedder's (Authorizer::start_exchange); the core carries its data and
// enforces the protocol around it.

#include "broker/broker.hpp"
#include "codec/decode.hpp"
#include "codec/encode.hpp"
#include "codec/reason_codes.hpp"

namespace mq::broker {

namespace {

/// The Authentication Data of `props`, empty when absent.
ByteView auth_data(const Properties& props) {
  const Property* p = find(props, PropertyId::AuthenticationData);
  return p ? as_bytes(p->value) : ByteView{};
}

/// Whether AUTH `a` names `method`, as every AUTH must [MQTT-4.12.0-5] [MQTT-4.12.1-1].
bool names_method(const Auth& a, std::string_view method) {
  const Property* p = find(a.properties, PropertyId::AuthenticationMethod);
  return p && p->value == method;
}

/// The reason code of a rejection as `type` allows it: an error code the
/// packet may carry, else 0x87 Not authorized.
std::uint8_t rejection_reason(PacketType type, std::uint8_t reason) {
  return reason >= 0x80 && reason_allowed(type, reason) ? reason : 0x87;
}

}  // namespace

void Broker::start_connect_exchange(Connection& c, Connect& k, std::string_view method,
                                    std::optional<std::string> assigned, const Credentials& creds, TimePoint now) {
  std::unique_ptr<AuthExchange> exchange = auth_.start_exchange(method, creds, false);
  if (!exchange) return refuse(c, 0x8C);  // Bad authentication method [MQTT-4.12.0-1]
  auto state = std::make_unique<AuthState>();
  state->method = std::string(method);
  state->assigned_id = std::move(assigned);
  state->exchange = std::move(exchange);
  c.extra().auth = std::move(state);
  const AuthStep step = c.auth()->exchange->step(auth_data(k.properties));
  // The CONNECT's views point into the framer's buffer, which the next bytes
  // reuse: a CONNECT that waits for the client's answer is kept encoded.
  if (step.kind == AuthStep::Kind::Continue) c.auth()->connect = encode(k, ProtocolVersion::v5);
  connect_exchange_step(c, step, &k, now);
}

void Broker::connect_exchange_step(Connection& c, const AuthStep& step, Connect* k, TimePoint now) {
  switch (step.kind) {
    case AuthStep::Kind::Reject:
      // The server may reject at any point with CONNACK 0x80 or above [MQTT-4.12.0-4].
      refuse(c, rejection_reason(PacketType::Connack, step.reason), step.reason_string);
      return;
    case AuthStep::Kind::Continue:
      send_auth(c, 0x18, step.data, step.reason_string);  // [MQTT-4.12.0-2]
      return;
    case AuthStep::Kind::Accept: break;
  }
  // A successful CONNACK repeats the method [MQTT-4.12.0-5].
  Properties props{Property{PropertyId::AuthenticationMethod, 0, {}, c.auth()->method}};
  if (!step.data.empty()) props.push_back(Property{PropertyId::AuthenticationData, 0, {}, step.data});
  const std::optional<std::string> id = std::move(c.auth()->assigned_id);
  c.auth()->assigned_id.reset();
  c.auth()->exchange.reset();
  if (k) return admit(c, *k, id, props, now);
  // The stored CONNECT was valid when it came and is decoded as it was.
  const std::vector<std::uint8_t> bytes = std::move(c.auth()->connect);
  c.auth()->connect = {};
  auto decoded = decode_packet(bytes, std::nullopt);
  if (!decoded || !std::holds_alternative<Connect>(*decoded)) return refuse(c, 0x80);
  admit(c, std::get<Connect>(*decoded), id, props, now);
}

void Broker::on_exchange_frame(Connection& c, const Framer::Frame& f, TimePoint now) {
  auto decoded = decode_body(f.header, f.body, ProtocolVersion::v5);
  if (!decoded) return refuse(c, decoded.error().kind == ErrorKind::ProtocolError ? 0x82 : 0x81);
  if (std::holds_alternative<Disconnect>(*decoded)) return close_connection(c, false, now);
  // Before CONNACK the client sends only AUTH or DISCONNECT [MQTT-3.1.2-30],
  // and its AUTH is 0x18 [MQTT-4.12.0-3] naming the same method [MQTT-4.12.0-5].
  const Auth* a = std::get_if<Auth>(&*decoded);
  if (!a || a->reason_code != 0x18 || !names_method(*a, c.auth()->method)) return refuse(c, 0x82);
  const AuthStep step = c.auth()->exchange->step(auth_data(a->properties));
  connect_exchange_step(c, step, nullptr, now);
}

void Broker::on_auth(Connection& c, const Auth& a, TimePoint now) {
  // AUTH without a method in CONNECT [MQTT-4.12.0-7], or naming another
  // method [MQTT-4.12.1-1], is a Protocol Error.
  if (!c.auth() || !names_method(a, c.auth()->method)) return disconnect(c, 0x82, true, now);
  AuthState& st = *c.auth();
  if (a.reason_code == 0x19 && !st.exchange) {
    const Session& s = *c.session;
    const Credentials creds{client_info(s), std::nullopt, c.version, c.id, {}};
    st.exchange = auth_.start_exchange(st.method, creds, true);
    if (!st.exchange) return disconnect(c, 0x8C, true, now);  // the method is no longer offered
  } else if (a.reason_code != 0x18 || !st.exchange) {
    return disconnect(c, 0x82, true, now);  // 0x18 outside an exchange, 0x19 within one, or 0x00
  }
  const AuthStep step = st.exchange->step(auth_data(a.properties));
  switch (step.kind) {
    case AuthStep::Kind::Accept:
      st.exchange.reset();
      send_auth(c, 0x00, step.data, step.reason_string);
      break;
    case AuthStep::Kind::Continue: send_auth(c, 0x18, step.data, step.reason_string); break;
    case AuthStep::Kind::Reject: {
      // A failed re-authentication ends the connection [MQTT-4.12.1-2].
      Disconnect d{rejection_reason(PacketType::Disconnect, step.reason), {}, {}};
      if (!step.reason_string.empty())
        d.properties.push_back(Property{PropertyId::ReasonString, 0, {}, step.reason_string});
      append(c, d);
      close_connection(c, true, now);
      break;
    }
  }
}

namespace {
/// Bytes a client may send after a deferred CONNECT before its answer; more
/// closes the connection, so a pending password check holds little memory.
constexpr std::size_t kMaxHeldBeforeConnack = 1024 * 1024;
}  // namespace

void Broker::defer_connect(Connection& c, const Connect& k, std::optional<std::string> assigned) {
  auto state = std::make_unique<AuthState>();
  state->deferred = true;
  state->assigned_id = std::move(assigned);
  // The CONNECT's views point into the framer's buffer: kept encoded.
  state->connect = encode(k, k.version);
  c.extra().auth = std::move(state);
}

void Broker::hold_frame(Connection& c, const Framer::Frame& f, TimePoint now) {
  std::vector<std::uint8_t>& held = c.auth()->held;
  if (held.size() + f.packet.size() > kMaxHeldBeforeConnack) return close_connection(c, false, now);
  held.insert(held.end(), f.packet.begin(), f.packet.end());
}

void Broker::authenticated(ConnectionId id, AuthResult result, TimePoint now) {
  Connection* found = connections_.find(id);
  if (!found || found->state != Connection::State::AwaitConnect || !found->auth() || !found->auth()->deferred) return;
  Connection& c = *found;
  const std::vector<std::uint8_t> connect = std::move(c.auth()->connect);
  const std::vector<std::uint8_t> held = std::move(c.auth()->held);
  const std::optional<std::string> assigned = std::move(c.auth()->assigned_id);
  c.extras->auth.reset();
  if (result != 0) {
    refuse(c, result == kAuthDeferred ? 0x80 : result);
  } else {
    // The stored CONNECT was valid when it came and is decoded as it was.
    auto decoded = decode_packet(connect, std::nullopt);
    if (!decoded || !std::holds_alternative<Connect>(*decoded)) {
      refuse(c, 0x80);
    } else {
      admit(c, std::get<Connect>(*decoded), assigned, {}, now);
    }
  }
  if (c.state != Connection::State::Closing) {
    c.peer.reset();  // as receive() does once CONNECT is handled
    // What the client sent while it waited, in order.
    Framer replay(c.framer.max_packet_size());
    replay.feed(held);
    while (c.state == Connection::State::Active) {
      const Framer::Frame f = replay.next();
      if (f.status != Framer::Status::Packet) break;
      handle_frame(c, f, now);
    }
  }
  check_connect_timeouts(std::nullopt);
}

void Broker::send_auth(Connection& c, std::uint8_t reason, std::string_view data, std::string_view reason_string) {
  Auth a;
  a.reason_code = reason;
  a.properties.push_back(Property{PropertyId::AuthenticationMethod, 0, {}, c.auth()->method});
  if (!data.empty()) a.properties.push_back(Property{PropertyId::AuthenticationData, 0, {}, data});
  if (!reason_string.empty()) a.properties.push_back(Property{PropertyId::ReasonString, 0, {}, reason_string});
  append(c, a);
}

}  // namespace mq::broker
