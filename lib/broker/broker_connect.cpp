// CONNECT handling: the first packet, its refusals with the right CONNACK at
// each protocol level, client identifiers, takeover and session start.

#include <fmt/format.h>

#include "broker/broker.hpp"
#include "codec/decode.hpp"
#include "codec/rules.hpp"

namespace mq::broker {

namespace {

/// The 3.1/3.1.1 return code for a 5.0 CONNACK reason code.
std::uint8_t v3_return_code(std::uint8_t reason) {
  switch (reason) {
    case 0x00: return 0;
    case 0x84: return 1;  // unacceptable protocol version
    case 0x85: return 2;  // identifier rejected
    case 0x86: return 4;  // bad user name or password
    case 0x80:
    case 0x88:
    case 0x89:
    case 0x97:
    case 0x9C:
    case 0x9D: return 3;  // server unavailable
    default: return 5;    // not authorized; 0x95 (a will over message_size_limit) too, as mosquitto answers
  }
}

/// The protocol level byte of a CONNECT body, read without decoding the
/// rest (to answer an unsupported level). nullopt when the body is too short.
std::optional<std::uint8_t> raw_level(ByteView body) {
  if (body.size() < 2) return std::nullopt;
  const std::size_t name_len = static_cast<std::size_t>(body[0]) << 8 | body[1];
  if (body.size() < 3 + name_len) return std::nullopt;
  return body[2 + name_len];
}

std::uint32_t property_or(const Properties& props, PropertyId id, std::uint32_t fallback) {
  const Property* p = find(props, id);
  return p ? p->number : fallback;
}

}  // namespace

std::string expand_response_information(std::string_view pattern, std::string_view client_id,
                                        std::optional<std::string_view> username) {
  std::string out;
  for (std::size_t i = 0; i < pattern.size(); ++i) {
    const char next = i + 1 < pattern.size() ? pattern[i + 1] : '\0';
    if (pattern[i] == '%' && (next == 'c' || next == 'u' || next == '%')) {
      if (next == 'c') out += client_id;
      if (next == 'u') out += username.value_or(std::string_view());
      if (next == '%') out += '%';
      ++i;
    } else {
      out += pattern[i];
    }
  }
  return out;
}

void Broker::on_connect_bytes(Connection& c, const Framer::Frame& f, TimePoint now) {
  // The first packet must be CONNECT; anything else closes silently [MQTT-3.1.0-1].
  if (f.header.type() != PacketType::Connect) {
    close_connection(c, false, now);
    return;
  }
  auto decoded = decode_body(f.header, f.body, std::nullopt);
  // A bridge's level (0x83, 0x84) decodes, but mqbroker does not serve
  // bridges: it is refused as an unsupported level, in the form of the
  // level under the bridge mark (3.1 or 3.1.1), which the bridge reads.
  if (decoded && std::get<Connect>(*decoded).bridge) {
    c.version = std::get<Connect>(*decoded).version;
    refuse(c, 0x84);
    return;
  }
  if (!decoded) {
    const DecodeError& e = decoded.error();
    const auto level = raw_level(f.body);
    if (e.field == "protocol level" || e.field == "protocol name") {
      // Unsupported level: a level above 5 gets the 5.0 form (0x84), which a
      // newer client reads; anything else return code 1 [MQTT-3.1.2-2].
      c.version = level && *level > 5 && config_.behaviour.v5_refusal_above_level_5 ? ProtocolVersion::v5
                                                                                    : ProtocolVersion::v311;
      refuse(c, 0x84);
    } else if (level == 5 && config_.behaviour.answer_malformed_connect) {
      // 5.0 may answer a bad CONNECT with CONNACK 0x81/0x82 before closing.
      c.version = ProtocolVersion::v5;
      refuse(c, e.kind == ErrorKind::ProtocolError ? 0x82 : 0x81, why(c, to_string(e)));
    } else {
      close_connection(c, false, now);  // 3.x (and 5.0 if so chosen): close [MQTT-3.1.4-1]
    }
    return;
  }
  on_connect(c, std::get<Connect>(*decoded), now);
}

void Broker::refuse(Connection& c, std::uint8_t reason_v5, std::string_view reason_string) {
  // Before the CONNECT is read the client's wishes are unknown, and 5.0's
  // defaults apply: problem information wanted, no Maximum Packet Size.
  Connack a;
  a.reason_code = c.version == ProtocolVersion::v5 ? reason_v5 : v3_return_code(reason_v5);
  if (c.version == ProtocolVersion::v5 && !reason_string.empty())
    a.properties.push_back(Property{PropertyId::ReasonString, 0, {}, reason_string});
  append(c, a);
  c.state = Connection::State::Closing;
  ++counters_.connections_refused;
  closing_.push_back(c.id);
}

std::string Broker::assign_client_id() {
  // splitmix64 over salt+counter: unique per broker, not guessable from outside.
  while (true) {
    std::uint64_t z = id_salt_ + 0x9E3779B97F4A7C15ull * ++assigned_ids_;
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    z ^= z >> 31;
    std::string id = fmt::format("{}{:016x}", config_.assigned_id_prefix, z);
    if (config_.behaviour.uuid_client_ids) {
      // mosquitto's form: 8-4-4-4-12 upper-case hex digits, from two draws.
      std::uint64_t y = z ^ (0xD6E8FEB86659FD93ull * (z | 1));
      y ^= y >> 32;
      id = fmt::format("{}{:08X}-{:04X}-{:04X}-{:04X}-{:012X}", config_.assigned_id_prefix, z >> 32, (z >> 16) & 0xFFFF,
                       z & 0xFFFF, y >> 48, y & 0xFFFF'FFFF'FFFFull);
    }
    if (!sessions_.find(id)) return id;
  }
}

void Broker::on_connect(Connection& c, Connect& k, TimePoint now) {
  c.version = k.version;
  const bool v5 = k.version == ProtocolVersion::v5;
  if (v5) {
    // What the client accepts holds from the first packet the broker sends,
    // a refusal included.
    c.max_packet_out = property_or(k.properties, PropertyId::MaximumPacketSize, c.max_packet_out);
    c.problem_info = property_or(k.properties, PropertyId::RequestProblemInformation, 1) != 0;
  }
  if (c.over_limit) return refuse(c, 0x97, why(c, "the listener is at max_connections"));  // Quota exceeded
  if (!config_.server_reference.empty()) return redirect(c);

  // Client identifier rules per level.
  std::optional<std::string> assigned;
  if (k.version == ProtocolVersion::v31) {
    if (k.client_id.empty() || k.client_id.size() > 23) return refuse(c, 0x85);  // 3.1: 1..23 characters
  } else if (k.client_id.empty()) {
    if (!config_.allow_zero_length_clientid) return refuse(c, 0x85);  // [MQTT-3.1.3-8] allows refusing
    if (!v5 && !k.clean_start) return refuse(c, 0x85);  // [MQTT-3.1.3-8]
    assigned = assign_client_id();                       // [MQTT-3.1.3-6], 5.0 [MQTT-3.2.2-16]
  }
  if (config_.max_client_id_length && k.client_id.size() > config_.max_client_id_length) return refuse(c, 0x85);
  const std::string_view client_id = assigned ? std::string_view(*assigned) : k.client_id;

  if (k.will) {
    if (k.will->qos > config_.maximum_qos && v5)  // [MQTT-3.2.2-12]
      return refuse(c, 0x9B, why(c, fmt::format("will QoS {} above Maximum QoS {}", k.will->qos, config_.maximum_qos)));
    // A will is a message like any other: one over message_size_limit would
    // be dropped when published, so the CONNECT carrying it is refused now.
    if (config_.max_payload_size && k.will->payload.size() > config_.max_payload_size) {
      ++counters_.refused_payload_size;
      return refuse(c, 0x95,  // Packet too large (3.x: return code 5)
                    why(c, fmt::format("will payload of {} bytes over message_size_limit {}", k.will->payload.size(),
                                       config_.max_payload_size)));
    }
    // A will goes through the same topic walks as any message.
    if ((config_.max_topic_length && k.will->topic.size() > config_.max_topic_length) ||
        count_levels(k.will->topic) > config_.max_topic_levels)
      return refuse(c, 0x90, why(c, "will topic over the topic length or level limit"));  // Topic Name invalid
    if (k.will->retain && !config_.retain_available) {
      if (v5) return refuse(c, 0x9A, why(c, "retained messages are not available"));  // [MQTT-3.2.2-13]
      k.will->retain = false;
    }
  }
  // A 3.x client cannot be told a Server Keep Alive; refused as mosquitto does.
  if (!v5 && config_.behaviour.refuse_v3_keep_alive && imposed_keep_alive(k.keep_alive)) return refuse(c, 0x85);

  Credentials creds{ClientInfo{client_id, k.username, c.peer->cert_identity, c.peer->listener}, k.password, k.version,
                    c.id, c.peer->address};
  if (v5) {
    if (const Property* method = find(k.properties, PropertyId::AuthenticationMethod))
      return start_connect_exchange(c, k, method->value, std::move(assigned), creds, now);
  }
  const AuthResult r = auth_.authenticate(creds);
  if (r == kAuthDeferred) return defer_connect(c, k, std::move(assigned));
  if (r != 0) return refuse(c, r);
  admit(c, k, assigned, {}, now);
}

bool Broker::same_owner(const Session& s, std::optional<std::string_view> username,
                        std::string_view cert_identity) const {
  const bool same_user = s.username ? (username && *username == *s.username) : !username;
  // A session restored from disk has no certificate identity (it is not
  // kept); its user name decides alone, and every message it sends is still
  // checked against the client's rights as it leaves.
  const bool same_cert = !s.listener || std::string_view(s.cert_identity) == cert_identity;
  return same_user && same_cert;
}

std::optional<std::uint16_t> Broker::imposed_keep_alive(std::uint16_t keep_alive) const {
  if (config_.max_keepalive && (keep_alive == 0 || keep_alive > config_.max_keepalive)) return config_.max_keepalive;
  // Keep alive 0 (none) is never below the minimum: the client sends nothing it must not.
  if (keep_alive != 0 && keep_alive < config_.min_keepalive) return config_.min_keepalive;
  return std::nullopt;
}

std::uint32_t Broker::granted_expiry(std::uint32_t asked) const {
  if (asked == 0xFFFF'FFFF && config_.persistent_client_expiration) asked = config_.persistent_client_expiration;
  return std::min(asked, config_.max_session_expiry);
}

void Broker::redirect(Connection& c) {
  Connack a;
  if (c.version == ProtocolVersion::v5) {
    a.reason_code = config_.server_reference_reason;
    a.properties.push_back(Property{PropertyId::ServerReference, 0, {}, config_.server_reference});
  } else {
    a.reason_code = v3_return_code(config_.server_reference_reason);
  }
  append(c, a);
  c.state = Connection::State::Closing;
  ++counters_.connections_refused;
  closing_.push_back(c.id);
}

void Broker::admit(Connection& c, Connect& k, const std::optional<std::string>& assigned, const Properties& auth,
                   TimePoint now) {
  const bool v5 = k.version == ProtocolVersion::v5;
  const std::string_view client_id = assigned ? std::string_view(*assigned) : k.client_id;

  // Keep alive: the server may impose its own (5.0 Server Keep Alive). A
  // 3.x client cannot be told, so it is never given a longer one than it
  // asked for: it must still be closed after 1.5 times its own keep alive
  // [MQTT-3.1.2-24] (a shorter one, under max_keepalive, is imposed).
  std::optional<std::uint16_t> server_keep_alive = imposed_keep_alive(k.keep_alive);
  if (!v5 && server_keep_alive && k.keep_alive != 0 && *server_keep_alive > k.keep_alive) server_keep_alive.reset();
  c.keep_alive = server_keep_alive.value_or(k.keep_alive);

  // Session expiry: 5.0 says it; 3.x derives it from Clean Session.
  std::uint32_t expiry = 0;
  std::optional<std::uint32_t> granted;
  if (v5) {
    const std::uint32_t asked = property_or(k.properties, PropertyId::SessionExpiryInterval, 0);
    expiry = granted_expiry(asked);
    if (expiry != asked) granted = expiry;
  } else {
    expiry = k.clean_start ? 0 : granted_expiry(0xFFFF'FFFF);
  }

  // Takeover: the existing connection is closed first [MQTT-3.1.4-3].
  Session* found = sessions_.find(client_id);
  if (found && found->connection) {
    Connection& old = *found->connection;
    if (events_) events_->taken_over(client_id, old.id, c.id);
    if (old.version == ProtocolVersion::v5) {
      Disconnect d{0x8E, {}, {}};  // Session taken over
      const std::string_view text = why(old, "a new connection took over the client id");
      if (!text.empty()) d.properties.push_back(Property{PropertyId::ReasonString, 0, {}, text});
      append(old, d);
    }
    close_connection(old, true, now);
    found = sessions_.find(client_id);  // the session may have ended with it
  }
  bool session_present = false;
  // Clean Start discards it [MQTT-3.1.2-4]; so does a different owner: its
  // subscriptions and messages were granted to another identity, so the
  // newcomer starts clean (session present 0) rather than inherit them.
  if (found && (k.clean_start || !same_owner(*found, k.username, c.peer->cert_identity))) {
    end_session(*found, now);
    found = nullptr;
  }
  Session* s = found;
  if (s) {
    session_present = true;
    s->expires_at.reset();
    s->will_at.reset();  // a reconnection in time cancels a delayed will
    s->will.reset();
  } else {
    auto fresh = std::make_unique<Session>();
    fresh->client_id = client_id;
    s = &sessions_.insert(std::move(fresh));
    ++counters_.sessions;
  }
  s->expiry_interval = expiry;
  s->version = k.version;
  s->username = k.username ? std::optional<std::string>(std::string(*k.username)) : std::nullopt;
  s->cert_identity = c.peer->cert_identity;
  auto name = listener_names_.find(c.peer->listener);
  if (name == listener_names_.end()) name = listener_names_.emplace(c.peer->listener).first;
  s->listener = &*name;
  journal_session(*s);

  if (k.will) {
    const Will& w = *k.will;
    MessageView wv{w.topic, w.payload, &w.properties, w.qos, w.retain, std::nullopt};
    StoredWill stored;
    stored.message = Message::make(wv);
    stored.delay = v5 ? property_or(w.properties, PropertyId::WillDelayInterval, 0) : 0;
    stored.expiry = v5 && find(w.properties, PropertyId::MessageExpiryInterval)
                        ? std::optional<std::uint32_t>(property_or(w.properties, PropertyId::MessageExpiryInterval, 0))
                        : std::nullopt;
    s->will = std::move(stored);
  }

  if (v5) {
    c.receive_max_out = static_cast<std::uint16_t>(property_or(k.properties, PropertyId::ReceiveMaximum, 65535));
    c.alias_max_out = static_cast<std::uint16_t>(property_or(k.properties, PropertyId::TopicAliasMaximum, 0));
    if (config_.topic_alias_maximum) c.topic_aliases().in.assign(config_.topic_alias_maximum, std::string());
  }
  send_connack(c, k.version == ProtocolVersion::v31 ? false : session_present, k, assigned, server_keep_alive,
               granted, auth);
  c.state = Connection::State::Active;
  c.session = s;
  s->connection = &c;
  ++counters_.clients_connected;
  if (c.keep_alive) schedule_keep_alive(c, now + std::chrono::milliseconds(c.keep_alive * 1500));
  resume(*s, c, now);
}

void Broker::send_connack(Connection& c, bool session_present, const Connect& k,
                          std::optional<std::string_view> assigned, std::optional<std::uint16_t> server_keep_alive,
                          std::optional<std::uint32_t> granted_expiry, const Properties& auth) {
  Connack a;
  a.session_present = session_present;
  std::string response_information;
  if (k.version == ProtocolVersion::v5) {
    auto add = [&a](PropertyId id, std::uint32_t n) { a.properties.push_back(Property{id, n, {}, {}}); };
    if (granted_expiry) add(PropertyId::SessionExpiryInterval, *granted_expiry);
    if (config_.receive_maximum != 65535) add(PropertyId::ReceiveMaximum, config_.receive_maximum);
    if (config_.maximum_qos < 2) add(PropertyId::MaximumQoS, config_.maximum_qos);
    if (!config_.retain_available) add(PropertyId::RetainAvailable, 0);
    if (config_.max_packet_size < 268'435'460) add(PropertyId::MaximumPacketSize, config_.max_packet_size);
    if (assigned) a.properties.push_back(Property{PropertyId::AssignedClientIdentifier, 0, {}, *assigned});
    if (config_.topic_alias_maximum) add(PropertyId::TopicAliasMaximum, config_.topic_alias_maximum);
    if (!config_.wildcard_subscriptions) add(PropertyId::WildcardSubscriptionAvailable, 0);
    if (!config_.subscription_identifiers) add(PropertyId::SubscriptionIdentifierAvailable, 0);
    if (!config_.shared_subscriptions) add(PropertyId::SharedSubscriptionAvailable, 0);
    if (server_keep_alive) add(PropertyId::ServerKeepAlive, *server_keep_alive);
    // Only when asked for [MQTT-3.1.2-28].
    if (!config_.response_information.empty() &&
        property_or(k.properties, PropertyId::RequestResponseInformation, 0) == 1) {
      response_information =
          expand_response_information(config_.response_information, assigned.value_or(k.client_id), k.username);
      if (response_information.size() <= 0xFFFF)
        a.properties.push_back(Property{PropertyId::ResponseInformation, 0, {}, response_information});
    }
    a.properties.insert(a.properties.end(), auth.begin(), auth.end());
  }
  append(c, a);
}

}  // namespace mq::broker
