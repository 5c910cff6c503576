#include "probe/prober.hpp"

#include <unistd.h>

#include <fmt/format.h>

#include "codec/reason_codes.hpp"

namespace mq::probe {

std::string hex(std::uint8_t code) { return fmt::format("0x{:02X}", code); }

std::string Opened::text() const {
  if (transport_error) return "no connection: " + transport_error->message;
  if (const auto* c = connack()) {
    if (c->reason_code == 0) return "accepted";
    return fmt::format("CONNACK {}", hex(c->reason_code));
  }
  if (outcome == Outcome::Packet) return fmt::format("answered with {}", packet_type_name(type_of(answer.packet)));
  return outcome_text(outcome);
}

std::string Answer::text() const {
  switch (kind) {
    case Ok:
    case Refused: return fmt::format("{} {}", ack, hex(code));
    case Disconnected: return fmt::format("DISCONNECT {}", hex(code));
    case Closed: return "closed the connection";
    case Timeout: return "no answer";
    case Malformed: return "malformed answer";
  }
  return "?";
}

Prober::Prober(const ProbeConfig& config) : config_(config) {}

Prober::~Prober() { loop_.close(); }

std::string Prober::client_id(std::string_view tag) {
  return fmt::format("{}-{}-{}{}", config_.prefix, ::getpid(), tag, ++counter_);
}

std::string Prober::topic(std::string_view tag) {
  return fmt::format("{}/{}/{}{}", config_.prefix, ::getpid(), tag, ++counter_);
}

std::uint16_t Prober::packet_id() {
  next_packet_id_ = next_packet_id_ == 65535 ? 1 : static_cast<std::uint16_t>(next_packet_id_ + 1);
  return next_packet_id_;
}

Opened Prober::open(const ConnectSpec& spec, const net::Url* url, const net::ConnectOptions* options) {
  Opened o;
  o.link = std::make_unique<Link>(loop_, spec.version);
  if (auto e = o.link->connect(url ? *url : config_.url, options ? *options : config_.connect)) {
    o.transport_error = *e;
    o.outcome = Outcome::Closed;
    return o;
  }
  Packet packet{std::in_place_type<Connect>};
  auto& c = std::get<Connect>(packet);
  c.protocol_name = spec.version == ProtocolVersion::v31 ? "MQIsdp" : "MQTT";
  c.version = spec.version;
  c.clean_start = spec.clean_start;
  c.keep_alive = spec.keep_alive;
  if (spec.version == ProtocolVersion::v5) c.properties = spec.properties;
  c.client_id = spec.client_id;
  if (spec.will) {
    Will w;
    w.topic = spec.will->topic;
    w.payload = spec.will->payload;
    w.qos = spec.will->qos;
    w.retain = spec.will->retain;
    if (spec.version == ProtocolVersion::v5) w.properties = spec.will->properties;
    c.will = std::move(w);
  }
  if (spec.credentials && config_.username) c.username = *config_.username;
  if (spec.credentials && config_.password)
    c.password = ByteView(reinterpret_cast<const std::uint8_t*>(config_.password->data()), config_.password->size());
  o.link->send(packet);
  o.outcome = o.link->next(config_.wait, o.answer);
  // A broker that does not speak 5.0 may refuse it with a 3.1.1 CONNACK
  // (return code 1), which does not decode at 5.0: read it as a refusal.
  if (o.outcome == Outcome::Malformed && o.answer.bytes && o.answer.bytes->size() == 4 && (*o.answer.bytes)[0] == 0x20 &&
      (*o.answer.bytes)[1] == 0x02) {
    o.answer.packet = Connack{false, (*o.answer.bytes)[3], {}};
    o.outcome = Outcome::Packet;
  }
  return o;
}

std::unique_ptr<Link> Prober::client(std::string_view tag, std::uint16_t keep_alive) {
  ConnectSpec spec;
  spec.version = version;
  spec.client_id = client_id(tag);
  spec.keep_alive = keep_alive;
  auto o = open(spec);
  if (!o.accepted()) return nullptr;
  return std::move(o.link);
}

Outcome Prober::await(Link& link, const std::function<bool(const Packet&)>& match, Received& out,
                      std::optional<std::chrono::milliseconds> timeout) {
  const auto limit = timeout.value_or(config_.wait);
  const auto end = std::chrono::steady_clock::now() + limit;
  for (;;) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(end - std::chrono::steady_clock::now());
    if (left.count() <= 0) return Outcome::Timeout;
    const Outcome o = link.next(left, out);
    if (o != Outcome::Packet) return o;
    if (match(out.packet) || std::holds_alternative<Disconnect>(out.packet)) return o;
  }
}

Answer Prober::publish(Link& link, const Publish& p) {
  link.send(p);
  Received r;
  const Outcome o = await(
      link,
      [&](const Packet& pk) {
        if (const auto* a = std::get_if<Puback>(&pk)) return a->packet_id == p.packet_id;
        if (const auto* a = std::get_if<Pubrec>(&pk)) return a->packet_id == p.packet_id;
        return false;
      },
      r);
  Answer a;
  a.ack = p.qos == 2 ? "PUBREC" : "PUBACK";
  if (o == Outcome::Timeout) return a;
  if (o == Outcome::Malformed) return Answer{Answer::Malformed, 0, a.ack};
  if (o == Outcome::Closed) return Answer{Answer::Closed, 0, a.ack};
  if (const auto* d = std::get_if<Disconnect>(&r.packet)) return Answer{Answer::Disconnected, d->reason_code, a.ack};
  const std::uint8_t code = p.qos == 2 ? std::get<Pubrec>(r.packet).reason_code : std::get<Puback>(r.packet).reason_code;
  a.kind = code < 0x80 ? Answer::Ok : Answer::Refused;
  a.code = code;
  return a;
}

Answer Prober::subscribe(Link& link, std::string_view filter, QoS qos, const Properties& properties) {
  Subscribe s;
  s.packet_id = packet_id();
  if (link.version() == ProtocolVersion::v5) s.properties = properties;
  s.subscriptions.push_back(Subscription{filter, qos, false, false, 0, 0});
  link.send(s);
  Received r;
  const Outcome o = await(
      link, [&](const Packet& pk) { return std::holds_alternative<Suback>(pk) && std::get<Suback>(pk).packet_id == s.packet_id; },
      r);
  Answer a;
  a.ack = "SUBACK";
  if (o == Outcome::Timeout) return a;
  if (o == Outcome::Malformed) return Answer{Answer::Malformed, 0, a.ack};
  if (o == Outcome::Closed) return Answer{Answer::Closed, 0, a.ack};
  if (const auto* d = std::get_if<Disconnect>(&r.packet)) return Answer{Answer::Disconnected, d->reason_code, a.ack};
  const auto& codes = std::get<Suback>(r.packet).reason_codes;
  a.code = codes.empty() ? 0x80 : codes.front();
  a.kind = a.code < 0x80 ? Answer::Ok : Answer::Refused;
  return a;
}

bool Prober::receive(Link& link, std::string_view topic, Received& out, std::optional<std::chrono::milliseconds> timeout) {
  const Outcome o = await(
      link, [&](const Packet& pk) { return std::holds_alternative<Publish>(pk) && std::get<Publish>(pk).topic == topic; }, out,
      timeout);
  return o == Outcome::Packet && std::holds_alternative<Publish>(out.packet);
}

std::optional<std::uint32_t> Prober::advertised(PropertyId id) const {
  const auto* c = std::get_if<Connack>(&connack.packet);
  if (!c || !connack.bytes) return std::nullopt;
  if (const auto* prop = find(c->properties, id)) return prop->number;
  return std::nullopt;
}

void Prober::pause(std::chrono::milliseconds duration) {
  net::Timer timer(loop_);
  bool done = false;
  timer.start(duration, [&done] { done = true; });
  loop_.run_until([&done] { return done; });
}

void Prober::close(std::unique_ptr<Link>& link) {
  if (link) link->disconnect(config_.wait);
  link.reset();
}

}  // namespace mq::probe
