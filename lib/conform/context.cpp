#include "conform/context.hpp"

#include <algorithm>

#include <fmt/format.h>

namespace mq::conform {

Property num_prop(PropertyId id, std::uint32_t n) {
  Property p;
  p.id = id;
  p.number = n;
  return p;
}

Property str_prop(PropertyId id, std::string_view v) {
  Property p;
  p.id = id;
  p.value = v;
  return p;
}

std::vector<std::uint8_t> raw_packet(std::uint8_t first_byte, const std::vector<std::uint8_t>& body) {
  std::vector<std::uint8_t> out{first_byte};
  std::size_t n = body.size();
  do {
    std::uint8_t b = n % 128;
    n /= 128;
    if (n) b |= 0x80;
    out.push_back(b);
  } while (n);
  out.insert(out.end(), body.begin(), body.end());
  return out;
}

std::vector<std::uint8_t> raw_string(std::string_view s) {
  std::vector<std::uint8_t> out{static_cast<std::uint8_t>(s.size() >> 8), static_cast<std::uint8_t>(s.size())};
  out.insert(out.end(), s.begin(), s.end());
  return out;
}

Ctx::Ctx(net::Loop& loop, const Target& target, ProtocolVersion v, const Capabilities& c, std::string uniq)
    : version(v), caps(c), loop_(loop), target_(target), uniq_(std::move(uniq)) {}

Ctx::~Ctx() = default;

std::string Ctx::topic(std::string_view leaf) const { return fmt::format("mqconf/{}/{}", uniq_, leaf); }

std::string Ctx::client_id(int n) const { return fmt::format("{}{}c{}", target_.id_prefix, uniq_, n); }

std::string_view Ctx::keep(std::string s) { return kept_.emplace_back(std::move(s)); }

void Ctx::fail(std::string reason) { throw CheckStop{false, std::move(reason)}; }

void Ctx::not_applicable(std::string reason) { throw CheckStop{true, std::move(reason)}; }

Conn& Ctx::open() {
  auto conn = std::make_unique<Conn>(loop_, target_, transcript, static_cast<int>(conns_.size()) + 1, version);
  std::string error;
  if (!conn->open(error)) fail("could not open a connection: " + error);
  return *conns_.emplace_back(std::move(conn));
}

Connect Ctx::connect_packet(const ConnectSpec& spec) {
  Connect c;
  c.version = version;
  c.clean_start = spec.clean;
  c.keep_alive = spec.keep_alive;
  c.client_id = spec.empty_id ? std::string_view() : keep(spec.client_id.empty() ? client_id(static_cast<int>(conns_.size()) + 1) : spec.client_id);
  c.will = spec.will;
  if (target_.username) c.username = keep(*target_.username);
  if (target_.password) {
    auto pw = keep(*target_.password);
    c.password = as_bytes(pw);
  }
  if (v5()) {
    if (spec.session_expiry) c.properties.push_back(num_prop(PropertyId::SessionExpiryInterval, *spec.session_expiry));
    for (const auto& p : spec.properties) c.properties.push_back(p);
  }
  return c;
}

Conn& Ctx::connect(const ConnectSpec& spec) {
  Conn& c = open();
  Connect packet = connect_packet(spec);
  for (const auto& p : packet.properties) {
    if (p.id == PropertyId::TopicAliasMaximum) c.topic_alias_max = static_cast<std::uint16_t>(p.number);
    if (p.id == PropertyId::MaximumPacketSize) c.max_packet = p.number;
    if (p.id == PropertyId::RequestProblemInformation) c.problem_info = p.number != 0;
    if (p.id == PropertyId::AuthenticationMethod) c.auth_method = true;
  }
  c.send(packet);
  last_connack_ = expect<Connack>(c, "CONNECT");
  if (last_connack_.reason_code != 0)
    fail(fmt::format("the broker refused a well-formed CONNECT with reason code 0x{:02x}", last_connack_.reason_code));
  return c;
}

Received Ctx::next(Conn& c, std::optional<std::chrono::milliseconds> wait) {
  Received r = c.next(wait);
  if (r.kind == Received::Kind::Garbage) fail("the broker sent a packet that does not decode: " + r.error);
  if (r.kind != Received::Kind::Packet) return r;
  const Packet& p = *r.packet;
  if (std::holds_alternative<Connack>(p) && ++c.connacks > 1)
    fail("the broker sent a second CONNACK on one connection [MQTT-3.2.0-2]");
  if (!v5()) return r;
  if (c.max_packet && r.raw->size() > c.max_packet)
    fail(fmt::format("the broker sent a {}-byte {} to a client whose Maximum Packet Size is {} [MQTT-3.1.2-24]",
                     r.raw->size(), packet_type_name(type_of(p)), c.max_packet));
  if (const auto* pub = std::get_if<Publish>(&p)) {
    if (const auto* alias = find(pub->properties, PropertyId::TopicAlias); alias && alias->number > c.topic_alias_max)
      fail(fmt::format("the broker sent Topic Alias {} to a client whose Topic Alias Maximum is {} [MQTT-3.1.2-26] "
                       "[MQTT-3.1.2-27] [MQTT-3.3.2-11]",
                       alias->number, c.topic_alias_max));
  }
  if (const auto* d = std::get_if<Disconnect>(&p); d && find(d->properties, PropertyId::SessionExpiryInterval))
    fail("the broker sent a Session Expiry Interval in DISCONNECT [MQTT-3.14.2-2]");
  if (!c.auth_method) {
    if (std::holds_alternative<Auth>(p)) fail("the broker sent AUTH to a client that gave no Authentication Method [MQTT-4.12.0-6]");
    if (const auto* ack = std::get_if<Connack>(&p); ack && find(ack->properties, PropertyId::AuthenticationMethod))
      fail("the broker sent an Authentication Method in CONNACK to a client that gave none [MQTT-4.12.0-6]");
  }
  if (!c.problem_info && !std::holds_alternative<Publish>(p) && !std::holds_alternative<Connack>(p) &&
      !std::holds_alternative<Disconnect>(p)) {
    const Properties* props = std::visit(
        [](const auto& x) -> const Properties* {
          if constexpr (requires { x.properties; }) return &x.properties;
          else return nullptr;
        },
        p);
    if (props && (find(*props, PropertyId::ReasonString) || find(*props, PropertyId::UserProperty)))
      fail(fmt::format("the broker sent a Reason String or User Property in {} although Request Problem Information "
                       "was 0 [MQTT-3.1.2-29]",
                       packet_type_name(type_of(p))));
  }
  return r;
}

std::string Ctx::expect_close(Conn& c, std::string_view what, std::vector<std::uint8_t> reasons, bool connack_ok) {
  std::string said;
  for (int step = 0; step < 3; ++step) {
    Received r = next(c);
    if (r.kind == Received::Kind::Closed) return said.empty() ? "closed" : said;
    if (r.kind == Received::Kind::Timeout)
      fail(std::string(what) + ": the broker did not close the connection" + (said.empty() ? "" : " after " + said));
    if (const auto* d = r.as<Disconnect>(); d && v5() && said.empty()) {
      if (d->reason_code < 0x80) fail(fmt::format("{}: DISCONNECT with reason code 0x{:02x}, not an error", what, d->reason_code));
      if (!reasons.empty() && std::find(reasons.begin(), reasons.end(), d->reason_code) == reasons.end()) {
        std::string expected;
        for (auto code : reasons) expected += fmt::format("{}0x{:02x}", expected.empty() ? "" : " or ", code);
        fail(fmt::format("{}: DISCONNECT with reason code 0x{:02x}, expected {}", what, d->reason_code, expected));
      }
      said = fmt::format("DISCONNECT 0x{:02x}", d->reason_code);
      continue;
    }
    if (const auto* a = r.as<Connack>(); a && connack_ok && said.empty()) {
      if (a->reason_code == 0) fail(std::string(what) + ": the broker accepted the connection");
      if (a->session_present)
        fail(fmt::format("{}: CONNACK 0x{:02x} refuses with Session Present 1 [MQTT-3.2.2-4] [MQTT-3.2.2-6]", what,
                         a->reason_code));
      said = fmt::format("CONNACK 0x{:02x}", a->reason_code);
      continue;
    }
    fail(std::string(what) + ": expected the connection to close, got " + r.describe());
  }
  fail(std::string(what) + ": the broker kept talking instead of closing");
}

std::vector<Received> Ctx::barrier(Conn& c) {
  c.send(Pingreq{});
  std::vector<Received> before;
  for (int i = 0; i < 1000; ++i) {
    Received r = next(c);
    if (r.as<Pingresp>()) return before;
    if (r.kind != Received::Kind::Packet) fail("PINGREQ round trip: got " + r.describe() + " instead of PINGRESP");
    hold_.push_back(r.raw);
    before.push_back(std::move(r));
  }
  fail("PINGREQ round trip: no PINGRESP after 1000 packets");
}

std::vector<Publish> Ctx::publishes(const std::vector<Received>& rs) {
  std::vector<Publish> out;
  for (const auto& r : rs)
    if (const auto* p = r.as<Publish>()) out.push_back(*p);
  return out;
}

std::vector<std::uint8_t> Ctx::subscribe(Conn& c, std::vector<Subscription> subs, Properties props) {
  Subscribe s;
  s.packet_id = pid();
  s.subscriptions = std::move(subs);
  s.properties = std::move(props);
  c.send(s);
  for (;;) {
    Received r = next(c);
    if (const auto* ack = r.as<Suback>()) {
      if (ack->packet_id != s.packet_id)
        fail(fmt::format("SUBACK carries packet identifier {}, the SUBSCRIBE had {} [MQTT-3.8.4-2]", ack->packet_id,
                         s.packet_id));
      if (ack->reason_codes.size() != s.subscriptions.size())
        fail(fmt::format("SUBACK has {} codes for {} topic filters [MQTT-3.8.4-5] [MQTT-3.8.4-6] [MQTT-3.9.3-1]",
                         ack->reason_codes.size(), s.subscriptions.size()));
      return ack->reason_codes;
    }
    // Retained messages may already come before the SUBACK? No: they follow it,
    // but a message on an older subscription may cross; keep those.
    if (r.as<Publish>()) {
      hold_.push_back(r.raw);
      continue;
    }
    fail("SUBSCRIBE: expected SUBACK, got " + r.describe());
  }
}

void Ctx::subscribe_ok(Conn& c, const std::string& filter, QoS qos) {
  Subscription sub;
  sub.filter = keep(filter);
  sub.qos = qos;
  auto codes = subscribe(c, {sub});
  if (codes[0] >= 0x80) not_applicable(fmt::format("the broker refused the subscription to {} (0x{:02x})", filter, codes[0]));
}

void Ctx::publish(Conn& c, const std::string& topic, std::string_view payload, QoS qos, bool retain, Properties props) {
  Publish p;
  p.topic = keep(topic);
  p.payload = as_bytes(keep(std::string(payload)));
  p.qos = qos;
  p.retain = retain;
  p.properties = std::move(props);
  if (qos) p.packet_id = pid();
  c.send(p);
  if (qos == 1) {
    auto ack = expect<Puback>(c, "PUBLISH QoS 1");
    if (ack.packet_id != p.packet_id) fail("PUBACK carries another packet identifier [MQTT-2.3.1-6] [MQTT-2.2.1-5]");
  } else if (qos == 2) {
    auto rec = expect<Pubrec>(c, "PUBLISH QoS 2");
    if (rec.packet_id != p.packet_id) fail("PUBREC carries another packet identifier [MQTT-2.3.1-6] [MQTT-2.2.1-5]");
    Pubrel rel;
    rel.packet_id = p.packet_id;
    c.send(rel);
    auto comp = expect<Pubcomp>(c, "PUBREL");
    if (comp.packet_id != p.packet_id) fail("PUBCOMP carries another packet identifier [MQTT-2.2.1-5]");
  }
}

Publish Ctx::expect_publish(Conn& c, std::string_view what) { return expect<Publish>(c, what); }

void Ctx::disconnect(Conn& c) {
  c.send(Disconnect{});
  c.close();
}

}  // namespace mq::conform
