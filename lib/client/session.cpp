// Connection life cycle: CONNECT, timers, DISCONNECT, AUTH, ending the
// connection and the session state that survives it.

#include "client/session.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "codec/encode.hpp"
#include "codec/validate.hpp"
#include "codec/varint.hpp"

namespace mq::client {

namespace {

/// Largest packet the framer accepts when we set no Maximum Packet Size.
constexpr std::uint32_t kUnlimited = kVarIntMax + 5;

}  // namespace

ClientSession::ClientSession(ClientConfig config) : config_(std::move(config)) {}

std::size_t ClientSession::window() const {
  return std::min<std::size_t>(limits_.receive_maximum, std::max<std::uint16_t>(config_.max_inflight, 1));
}

void ClientSession::emit(const Packet& p, TimePoint now) {
  encode(p, config_.version, out_);
  last_sent_ = now;
}

std::optional<ClientError> ClientSession::start(TimePoint now) {
  // Resume when the server may still hold the session (see ClientConfig::clean_start).
  bool resume = started_before_ ? (v5() ? config_.session_expiry_interval > 0 : !config_.clean_start)
                                : !config_.clean_start;
  if (discard_next_) resume = false;

  Packet packet{std::in_place_type<Connect>};
  Connect& c = std::get<Connect>(packet);
  c.version = config_.version;
  c.protocol_name = config_.version == ProtocolVersion::v31 ? "MQIsdp" : "MQTT";
  c.clean_start = !resume;
  c.keep_alive = config_.keep_alive;
  c.client_id = config_.client_id;
  if (v5()) {
    auto& props = c.properties;
    if (config_.session_expiry_interval) props.push_back({PropertyId::SessionExpiryInterval, config_.session_expiry_interval, {}, {}});
    if (config_.receive_maximum != 65535) props.push_back({PropertyId::ReceiveMaximum, config_.receive_maximum, {}, {}});
    if (config_.maximum_packet_size) props.push_back({PropertyId::MaximumPacketSize, config_.maximum_packet_size, {}, {}});
    if (config_.topic_alias_maximum) props.push_back({PropertyId::TopicAliasMaximum, config_.topic_alias_maximum, {}, {}});
    if (config_.auth_method) props.push_back({PropertyId::AuthenticationMethod, 0, {}, *config_.auth_method});
    if (config_.auth_data) props.push_back({PropertyId::AuthenticationData, 0, {}, *config_.auth_data});
    config_.connect_properties.append_views(props);
  }
  if (config_.will) {
    const Message& w = *config_.will;
    Will will;
    will.topic = w.topic;
    will.payload = as_bytes(w.payload);
    will.qos = w.qos;
    will.retain = w.retain;
    if (v5()) will.properties = w.properties.view();
    c.will = std::move(will);
  }
  if (config_.username) c.username = *config_.username;
  if (config_.password) c.password = as_bytes(*config_.password);
  if (!v5() && (config_.auth_method || config_.auth_data))
    return ClientError{ClientErrorCode::InvalidRequest, "enhanced authentication needs MQTT 5.0"};
  if (auto bad = validate(packet, config_.version))
    return ClientError{ClientErrorCode::InvalidRequest, "invalid CONNECT: " + to_string(*bad)};

  if (!resume) discard_state();
  fail_requests(ClientErrorCode::ConnectionLost, "the connection ended before the acknowledgement");
  started_before_ = true;
  discard_next_ = false;
  clean_start_sent_ = !resume;
  out_.clear();
  framer_ = Framer(config_.maximum_packet_size ? config_.maximum_packet_size : kUnlimited);
  limits_ = ServerLimits{};
  keep_alive_ = config_.keep_alive;
  ping_deadline_.reset();
  connect_deadline_.reset();
  if (config_.connect_timeout.count() > 0) connect_deadline_ = now + config_.connect_timeout;
  auth_pending_ = false;
  reauthenticating_ = false;
  aliases_out_.reset(0);
  aliases_in_.reset(v5() ? config_.topic_alias_maximum : 0);
  unacked_.clear();
  first_read_ = true;
  state_ = State::Connecting;
  emit(packet, now);
  return std::nullopt;
}

void ClientSession::end_connection() {
  state_ = State::Closed;
  unacked_.clear();  // acknowledgements belong to the connection; the server sends these again
  connect_deadline_.reset();
  ping_deadline_.reset();
  auth_pending_ = false;
  reauthenticating_ = false;
  fail_requests(ClientErrorCode::ConnectionLost, "the connection ended before the acknowledgement");
}

void ClientSession::fail_requests(ClientErrorCode code, const char* why) {
  for (auto& [id, r] : requests_) {
    ids_.release(id);
    ClientError e{code, why};
    if (r.subscribe)
      events_.push_back(Subscribed{r.token, id, {}, {}, {}, std::move(e)});
    else
      events_.push_back(Unsubscribed{r.token, id, {}, {}, {}, std::move(e)});
  }
  requests_.clear();
}

bool ClientSession::discard_state() {
  const bool had_state = !inflight_.empty() || !incoming_qos2_.empty();
  // In the order the messages were submitted (tokens grow), whatever their identifiers.
  std::vector<std::pair<std::uint64_t, std::uint16_t>> order;
  order.reserve(inflight_.size());
  for (const auto& [id, o] : inflight_) order.emplace_back(o.token, id);
  std::sort(order.begin(), order.end());
  std::vector<Queued> resend;
  for (const auto& [token, id] : order) {
    Outgoing& o = inflight_.at(id);
    ids_.release(id);
    // A QoS 2 message past PUBREC reached the server: sending it again
    // would duplicate it, so it completes as discarded.
    if (config_.resend_discarded && !o.released) {
      resend.push_back({o.token, std::move(o.message)});
      continue;
    }
    PublishCompleted done;
    done.token = o.token;
    done.packet_id = id;
    done.qos = o.message.qos;
    done.error = ClientError{ClientErrorCode::SessionDiscarded,
                             "the session state was discarded before the server acknowledged this message"};
    events_.push_back(std::move(done));
  }
  queue_.insert(queue_.begin(), std::make_move_iterator(resend.begin()), std::make_move_iterator(resend.end()));
  inflight_.clear();
  incoming_qos2_.clear();
  return had_state;
}

void ClientSession::connection_lost(TimePoint) {
  if (state_ == State::Idle) return;
  end_connection();
}

void ClientSession::discard_session() {
  discard_state();
  discard_next_ = true;
}

void ClientSession::violation(DecodeError error, std::uint8_t reason, TimePoint now) {
  if (v5() && live()) {
    Packet p{std::in_place_type<Disconnect>};
    std::get<Disconnect>(p).reason_code = reason;
    emit(p, now);
  }
  events_.push_back(ProtocolViolation{std::move(error), v5() ? reason : std::uint8_t{0}});
  end_connection();
}

void ClientSession::violation(std::uint8_t reason, std::string field, std::string message, std::string rule,
                              TimePoint now) {
  violation(DecodeError{ErrorKind::ProtocolError, 0, std::move(field), std::move(message), std::move(rule)}, reason,
            now);
}

std::optional<ClientError> ClientSession::disconnect(std::uint8_t reason, OwnedProperties props, TimePoint now) {
  if (!live()) return ClientError{ClientErrorCode::NotConnected, "not connected"};
  Packet p{std::in_place_type<Disconnect>};
  if (v5()) {
    auto& d = std::get<Disconnect>(p);
    d.reason_code = reason;
    d.properties = props.view();
    if (auto bad = validate(p, config_.version))
      return ClientError{ClientErrorCode::InvalidRequest, "invalid DISCONNECT: " + to_string(*bad)};
    if (const auto* expiry = props.find(PropertyId::SessionExpiryInterval)) {
      if (config_.session_expiry_interval == 0 && expiry->number != 0)
        return ClientError{ClientErrorCode::InvalidRequest,
                           "a non-zero Session Expiry Interval in DISCONNECT is a protocol error when CONNECT "
                           "set it to 0 (MQTT 5.0 section 3.14.2.2.2)"};
      config_.session_expiry_interval = expiry->number;
    }
  }
  emit(p, now);
  end_connection();
  return std::nullopt;
}

void ClientSession::send_auth(std::uint8_t reason, std::string_view data, const OwnedProperties& props,
                              TimePoint now) {
  Packet p{std::in_place_type<Auth>};
  auto& a = std::get<Auth>(p);
  a.reason_code = reason;
  a.properties.push_back({PropertyId::AuthenticationMethod, 0, {}, *config_.auth_method});
  if (!data.empty()) a.properties.push_back({PropertyId::AuthenticationData, 0, {}, data});
  props.append_views(a.properties);
  emit(p, now);
}

std::optional<ClientError> ClientSession::auth(std::string data, OwnedProperties props, TimePoint now) {
  if (!live()) return ClientError{ClientErrorCode::NotConnected, "not connected"};
  if (!config_.auth_method) return ClientError{ClientErrorCode::InvalidRequest, "no authentication method is configured"};
  if (!auth_pending_) return ClientError{ClientErrorCode::InvalidRequest, "the server has not sent an authentication challenge"};
  Packet check{std::in_place_type<Auth>};
  props.append_views(std::get<Auth>(check).properties);
  std::get<Auth>(check).reason_code = 0x18;
  std::get<Auth>(check).properties.push_back({PropertyId::AuthenticationMethod, 0, {}, *config_.auth_method});
  if (auto bad = validate(check, config_.version))
    return ClientError{ClientErrorCode::InvalidRequest, "invalid AUTH: " + to_string(*bad)};
  auth_pending_ = false;
  send_auth(0x18, data, props, now);
  return std::nullopt;
}

std::optional<ClientError> ClientSession::reauthenticate(std::string data, OwnedProperties props, TimePoint now) {
  if (state_ != State::Connected) return ClientError{ClientErrorCode::NotConnected, "not connected"};
  if (!config_.auth_method)
    return ClientError{ClientErrorCode::InvalidRequest,
                       "re-authentication needs the authentication method used in CONNECT"};
  if (reauthenticating_) return ClientError{ClientErrorCode::InvalidRequest, "re-authentication is already in progress"};
  reauthenticating_ = true;
  send_auth(0x19, data, props, now);
  return std::nullopt;
}

void ClientSession::tick(TimePoint now) {
  if (state_ == State::Connecting) {
    if (connect_deadline_ && now >= *connect_deadline_) {
      events_.push_back(ConnectTimeout{});
      end_connection();
    }
    return;
  }
  if (state_ != State::Connected) return;
  if (ping_deadline_) {
    if (now >= *ping_deadline_) {
      events_.push_back(KeepaliveTimeout{});
      end_connection();
    }
    return;
  }
  if (keep_alive_ == 0) return;
  if (now >= last_sent_ + std::chrono::seconds(keep_alive_)) {
    emit(Pingreq{}, now);
    const Duration wait = config_.ping_timeout.count() > 0 ? config_.ping_timeout : Duration(std::chrono::seconds(keep_alive_));
    ping_deadline_ = now + wait;
  }
}

std::optional<TimePoint> ClientSession::next_deadline() const {
  if (state_ == State::Connecting) return connect_deadline_;
  if (state_ != State::Connected) return std::nullopt;
  if (ping_deadline_) return ping_deadline_;
  if (keep_alive_ == 0) return std::nullopt;
  return last_sent_ + std::chrono::seconds(keep_alive_);
}

std::vector<std::uint8_t> ClientSession::take_output() {
  std::vector<std::uint8_t> out;
  out.swap(out_);
  return out;
}

std::optional<Event> ClientSession::next_event() {
  if (events_.empty()) return std::nullopt;
  Event e = std::move(events_.front());
  events_.pop_front();
  return e;
}

}  // namespace mq::client
