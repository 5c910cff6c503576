// Incoming bytes: framing, decoding, which packet is allowed when, and the
// handling of everything the server sends except the acknowledgements of
// our own PUBLISHes (session_publish.cpp).

#include <fmt/format.h>

#include "client/session.hpp"
#include "codec/decode.hpp"
#include "codec/reason_codes.hpp"

namespace mq::client {

namespace {

/// The DISCONNECT reason for a decoding failure (MQTT 5.0 section 4.13).
std::uint8_t reason_for(const DecodeError& e) {
  switch (e.kind) {
    case ErrorKind::TooLarge: return 0x95;       // Packet too large
    case ErrorKind::ProtocolError: return 0x82;  // Protocol Error
    case ErrorKind::UnknownVersion: return 0x82;
    case ErrorKind::Truncated:
    case ErrorKind::Malformed: break;
  }
  return 0x81;  // Malformed Packet
}

std::string reason_string(const Properties& props) {
  const Property* p = find(props, PropertyId::ReasonString);
  return p ? std::string(p->value) : std::string();
}

/// True when `bytes` look like the start of a text protocol (an HTTP error
/// page, an SSH or SMTP banner): the first four bytes are printable ASCII,
/// which no CONNACK or AUTH starts with.
bool looks_like_text(ByteView bytes) {
  if (bytes.size() < 4) return false;
  for (std::size_t i = 0; i < 4; ++i)
    if (bytes[i] < 0x20 || bytes[i] > 0x7E) return false;
  return true;
}

/// The first line of `bytes`, at most 40 characters, for a message.
std::string first_line(ByteView bytes) {
  std::string line;
  for (std::size_t i = 0; i < bytes.size() && line.size() < 40; ++i) {
    if (bytes[i] == '\r' || bytes[i] == '\n') break;
    line += static_cast<char>(bytes[i]);
  }
  return line;
}

}  // namespace

void ClientSession::receive(ByteView bytes, TimePoint now) {
  if (!live()) return;
  if (first_read_ && !bytes.empty()) {
    first_read_ = false;
    // Without this a web server's "HTTP/1.1 400" reads as a PUBACK with
    // reserved flags 0x8, which sends people looking in the wrong place.
    if (state_ == State::Connecting && looks_like_text(bytes))
      return violation(0x82, "fixed header",
                       fmt::format("the server does not speak MQTT: it answered CONNECT with \"{}\"",
                                   first_line(bytes)),
                       "", now);
  }
  framer_.feed(bytes);
  while (live()) {
    Framer::Frame f = framer_.next();
    if (f.status == Framer::Status::NeedMore) return;
    if (f.status == Framer::Status::Error) return violation(f.error, reason_for(f.error), now);
    ping_deadline_.reset();  // any packet shows the connection is alive
    auto decoded = decode_body(f.header, f.body, config_.version);
    if (!decoded) return violation(decoded.error(), reason_for(decoded.error()), now);
    handle(*decoded, now);
  }
}

void ClientSession::handle(Packet& packet, TimePoint now) {
  const PacketType type = type_of(packet);
  const bool connecting = state_ == State::Connecting;
  // Before CONNACK the server may only send CONNACK or, with enhanced
  // authentication, AUTH (MQTT 5.0 section 4.12).
  if (connecting && type != PacketType::Connack && type != PacketType::Auth)
    return violation(0x82, std::string(packet_type_name(type)),
                     fmt::format("{} before CONNACK", packet_type_name(type)), "", now);
  switch (type) {
    case PacketType::Connack:
      if (!connecting) return violation(0x82, "CONNACK", "a second CONNACK", "", now);
      return on_connack(std::get<Connack>(packet), now);
    case PacketType::Publish: return on_publish(std::get<Publish>(packet), now);
    case PacketType::Puback: return on_puback(std::get<Puback>(packet), now);
    case PacketType::Pubrec: return on_pubrec(std::get<Pubrec>(packet), now);
    case PacketType::Pubrel: return on_pubrel(std::get<Pubrel>(packet), now);
    case PacketType::Pubcomp: return on_pubcomp(std::get<Pubcomp>(packet), now);
    case PacketType::Suback: {
      auto& s = std::get<Suback>(packet);
      return on_ack(s.packet_id, true, std::move(s.reason_codes), s.properties, now);
    }
    case PacketType::Unsuback: {
      auto& u = std::get<Unsuback>(packet);
      return on_ack(u.packet_id, false, std::move(u.reason_codes), u.properties, now);
    }
    case PacketType::Pingresp: return;  // the deadline was cleared on arrival
    case PacketType::Disconnect:
      if (!v5()) return violation(0x82, "DISCONNECT", "a server does not send DISCONNECT before MQTT 5.0", "", now);
      return on_disconnect(std::get<Disconnect>(packet), now);
    case PacketType::Auth: return on_auth(std::get<Auth>(packet), now);
    case PacketType::Connect:
    case PacketType::Subscribe:
    case PacketType::Unsubscribe:
    case PacketType::Pingreq: break;
  }
  violation(0x82, std::string(packet_type_name(type)),
            fmt::format("{} is sent by clients, not by a server", packet_type_name(type)), "", now);
}

void ClientSession::on_connack(const Connack& c, TimePoint now) {
  connect_deadline_.reset();
  auth_pending_ = false;
  if (c.reason_code != 0) {
    ConnectRefused refused{c.reason_code, reason_string(c.properties), OwnedProperties(c.properties)};
    const Property* ref = find(c.properties, PropertyId::ServerReference);
    if (ref && (c.reason_code == 0x9C || c.reason_code == 0x9D))
      events_.push_back(Redirected{std::string(ref->value), c.reason_code == 0x9D});
    events_.push_back(std::move(refused));
    return end_connection();
  }
  if (c.session_present && clean_start_sent_)
    return violation(0x82, "session present",
                     "CONNACK says session present although CONNECT asked for a clean start", "MQTT-3.2.2-4", now);

  Connected ev;
  ev.session_present = c.session_present;
  ServerLimits& l = limits_;
  l = ServerLimits{};
  if (v5()) {
    const auto& p = c.properties;
    auto number = [&](PropertyId id, std::uint32_t fallback) {
      const Property* prop = find(p, id);
      return prop ? prop->number : fallback;
    };
    l.receive_maximum = static_cast<std::uint16_t>(number(PropertyId::ReceiveMaximum, 65535));
    l.maximum_qos = static_cast<QoS>(number(PropertyId::MaximumQoS, 2));
    l.retain_available = number(PropertyId::RetainAvailable, 1) != 0;
    l.maximum_packet_size = number(PropertyId::MaximumPacketSize, 0);
    l.topic_alias_maximum = static_cast<std::uint16_t>(number(PropertyId::TopicAliasMaximum, 0));
    l.wildcard_available = number(PropertyId::WildcardSubscriptionAvailable, 1) != 0;
    l.subscription_ids_available = number(PropertyId::SubscriptionIdentifierAvailable, 1) != 0;
    l.shared_available = number(PropertyId::SharedSubscriptionAvailable, 1) != 0;
    if (const Property* k = find(p, PropertyId::ServerKeepAlive)) keep_alive_ = static_cast<std::uint16_t>(k->number);
    if (const Property* id = find(p, PropertyId::AssignedClientIdentifier)) {
      // Kept so that a reconnect resumes the same session.
      config_.client_id = std::string(id->value);
      ev.client_id_assigned = true;
    }
    ev.properties = OwnedProperties(p);
  }
  ev.client_id = config_.client_id;
  ev.keep_alive = keep_alive_;
  ev.limits = l;
  aliases_out_.reset(config_.topic_aliases == TopicAliasPolicy::Automatic ? l.topic_alias_maximum : 0);
  state_ = State::Connected;

  // Connected comes first; completions of discarded messages follow it.
  const bool resumed = c.session_present;
  // [MQTT-3.2.2-5]: without the server's session ours is discarded.
  if (!resumed) ev.session_discarded = !inflight_.empty() || !incoming_qos2_.empty();
  events_.push_back(std::move(ev));
  if (resumed)
    retransmit(now);
  else
    discard_state();
  pump(now);
}

void ClientSession::on_publish(const Publish& p, TimePoint now) {
  std::string_view topic = p.topic;
  if (const Property* alias = find(p.properties, PropertyId::TopicAlias)) {
    const auto a = static_cast<std::uint16_t>(alias->number);
    if (a == 0 || a > aliases_in_.maximum())
      return violation(0x94, "properties/Topic Alias",
                       fmt::format("Topic Alias {} exceeds our Topic Alias Maximum of {}", a, aliases_in_.maximum()),
                       "", now);
    if (topic.empty()) {
      auto known = aliases_in_.find(a);
      if (!known)
        return violation(0x94, "properties/Topic Alias",
                         fmt::format("Topic Alias {} was never given a topic on this connection", a), "", now);
      topic = *known;
    } else {
      aliases_in_.set(a, topic);
    }
  }
  if (p.qos == 2) {
    const bool repeat = incoming_qos2_.count(p.packet_id) != 0;
    if (!repeat && incoming_qos2_.size() >= config_.receive_maximum)
      return violation(0x93, "packet identifier",
                       fmt::format("more than our Receive Maximum of {} QoS 2 messages await PUBREL",
                                   config_.receive_maximum),
                       "", now);
    if (!repeat && config_.manual_acks) {
      // PUBREC waits for acknowledge(); until then the message is not ours
      // and the identifier is not remembered, so a later copy is delivered.
      unacked_[p.packet_id] = 2;
      events_.push_back(MessageReceived{to_message(p, topic), p.packet_id, p.dup});
      return;
    }
    if (!repeat) {
      // Delivered once, now; the identifier is remembered until PUBREL so a
      // retransmission is acknowledged again but not delivered again.
      incoming_qos2_.insert(p.packet_id);
      events_.push_back(MessageReceived{to_message(p, topic), p.packet_id, p.dup});
    }
    Packet rec{std::in_place_type<Pubrec>};
    std::get<Pubrec>(rec).packet_id = p.packet_id;
    return emit(rec, now);
  }
  events_.push_back(MessageReceived{to_message(p, topic), p.packet_id, p.dup});
  if (p.qos == 1) {
    if (config_.manual_acks) {
      unacked_[p.packet_id] = 1;
      return;
    }
    Packet ack{std::in_place_type<Puback>};
    std::get<Puback>(ack).packet_id = p.packet_id;
    emit(ack, now);
  }
}

bool ClientSession::acknowledge(std::uint16_t packet_id, TimePoint now) {
  auto it = unacked_.find(packet_id);
  if (it == unacked_.end() || state_ != State::Connected) return false;
  const QoS qos = it->second;
  unacked_.erase(it);
  if (qos == 1) {
    Packet ack{std::in_place_type<Puback>};
    std::get<Puback>(ack).packet_id = packet_id;
    emit(ack, now);
    return true;
  }
  incoming_qos2_.insert(packet_id);
  Packet rec{std::in_place_type<Pubrec>};
  std::get<Pubrec>(rec).packet_id = packet_id;
  emit(rec, now);
  return true;
}

void ClientSession::on_pubrel(const Pubrel& a, TimePoint now) {
  Packet comp{std::in_place_type<Pubcomp>};
  std::get<Pubcomp>(comp).packet_id = a.packet_id;
  // An unknown identifier is answered, not fatal: the PUBCOMP that freed it
  // may have been lost with a previous connection.
  const bool known = incoming_qos2_.erase(a.packet_id) != 0;
  if (!known && v5()) std::get<Pubcomp>(comp).reason_code = 0x92;
  emit(comp, now);
  if (known) events_.push_back(MessageReleased{a.packet_id});
}

void ClientSession::on_ack(std::uint16_t packet_id, bool subscribe, std::vector<std::uint8_t> codes,
                           const Properties& props, TimePoint now) {
  const char* name = subscribe ? "SUBACK" : "UNSUBACK";
  auto it = requests_.find(packet_id);
  if (it == requests_.end() || it->second.subscribe != subscribe)
    return violation(0x82, "packet identifier",
                     fmt::format("{} for packet identifier {}, which no {} awaits", name, packet_id,
                                 subscribe ? "SUBSCRIBE" : "UNSUBSCRIBE"),
                     "", now);
  const bool counted = subscribe || v5();
  if (counted && codes.size() != it->second.count)
    return violation(0x82, "reason codes",
                     fmt::format("{} has {} reason codes for {} topic filters", name, codes.size(), it->second.count),
                     "", now);
  const std::uint64_t token = it->second.token;
  requests_.erase(it);
  ids_.release(packet_id);
  if (subscribe)
    events_.push_back(Subscribed{token, packet_id, std::move(codes), reason_string(props), OwnedProperties(props), {}});
  else
    events_.push_back(
        Unsubscribed{token, packet_id, std::move(codes), reason_string(props), OwnedProperties(props), {}});
}

void ClientSession::on_disconnect(const Disconnect& d, TimePoint now) {
  // Nothing may follow the server's DISCONNECT [MQTT-3.14.4-1]: drop what
  // this read produced (a PUBLISH pumped on CONNACK, acknowledgements).
  // In-flight messages stay in the session for the next connection.
  out_.clear();
  if (find(d.properties, PropertyId::SessionExpiryInterval))
    return violation(0x82, "properties/Session Expiry Interval",
                     "a server must not send Session Expiry Interval in DISCONNECT", "MQTT-3.14.2-2", now);
  const Property* ref = find(d.properties, PropertyId::ServerReference);
  if (ref && (d.reason_code == 0x9C || d.reason_code == 0x9D))
    events_.push_back(Redirected{std::string(ref->value), d.reason_code == 0x9D});
  events_.push_back(ServerDisconnected{d.reason_code, reason_string(d.properties), OwnedProperties(d.properties)});
  end_connection();
}

void ClientSession::on_auth(const Auth& a, TimePoint now) {
  if (!config_.auth_method)
    return violation(0x82, "AUTH", "AUTH from the server although CONNECT named no authentication method",
                     "", now);
  const Property* method = find(a.properties, PropertyId::AuthenticationMethod);
  if (!method || method->value != *config_.auth_method)
    return violation(0x82, "properties/Authentication Method",
                     fmt::format("AUTH uses authentication method \"{}\", CONNECT used \"{}\"",
                                 method ? method->value : std::string_view(), *config_.auth_method),
                     "", now);
  if (a.reason_code == 0x18 && (state_ == State::Connecting || reauthenticating_)) {
    auth_pending_ = true;
    const Property* data = find(a.properties, PropertyId::AuthenticationData);
    events_.push_back(AuthChallenge{a.reason_code, *config_.auth_method,
                                    data ? std::string(data->value) : std::string(), reason_string(a.properties),
                                    OwnedProperties(a.properties)});
    return;
  }
  if (a.reason_code == 0x00 && state_ == State::Connected && reauthenticating_) {
    reauthenticating_ = false;
    auth_pending_ = false;
    events_.push_back(Reauthenticated{OwnedProperties(a.properties)});
    return;
  }
  violation(0x82, "reason code",
            fmt::format("AUTH with reason 0x{:02X} ({}) is not expected now", a.reason_code,
                        reason_name(PacketType::Auth, a.reason_code)),
            "", now);
}

}  // namespace mq::client
