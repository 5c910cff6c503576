#include "lint/lint.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "codec/rules.hpp"
#include "lint/lint_shapes.hpp"

namespace mq::lint {

namespace shapes = lint_shapes;

namespace {

std::size_t side(Direction d) { return d == Direction::ToServer ? 0 : 1; }
Direction other(Direction d) { return d == Direction::ToServer ? Direction::ToClient : Direction::ToServer; }

std::string address_of(const observe::Endpoint* e) { return e ? e->address : std::string(); }

}  // namespace

/// Where a finding was seen.
struct Lint::Evidence {
  std::string_view client_id;  ///< views the connection's id: built for every packet, so never copied
  std::uint64_t connection = 0;
  std::uint64_t packet = 0;
  std::string_view type;
  std::optional<Direction> direction;
  std::int64_t time_us = 0;
};

Lint::Lint(LintSettings settings, FindingHandler on_finding, LintMemory memory)
    : settings_(settings), on_finding_(std::move(on_finding)), memory_(memory) {
  if (memory_.max_clients) per_client_.emplace(memory_.max_clients);
}

void Lint::report(LintRule rule, const Evidence& e, std::string_view topic, std::string detail, bool per_topic) {
  if (!settings_.on(rule)) return;
  if (per_client_) {
    // A running broker: once per client id and rule, in bounded memory.
    if (!per_client_->insert(e.client_id, rule)) return;
  } else {
    // Once per client (and topic, for rules about topics). Topic shape rules
    // are once per topic: a topic seen publish and delivery is one mistake.
    const std::string key = fmt::format("{}\n{}\n{}", lint_rule(rule).id, per_topic ? "" : e.client_id, topic);
    if (!reported_.insert(key).second) return;
  }
  LintFinding f{rule, std::string(e.client_id), e.connection, e.packet, std::string(e.type),
                e.direction, std::string(topic), std::move(detail), e.time_us};
  last_finding_us_ = std::max(last_finding_us_, f.time_us);
  if (on_finding_) on_finding_(f);
  if (memory_.keep_findings) findings_.push_back(std::move(f));
}

void Lint::check_topic(const Evidence& e, std::string_view topic) {
  if (topic.empty()) return;
  if (topic.front() == '/') report(LintRule::TopicLeadingSlash, e, topic, "begins with '/'", true);
  if (topic.size() > 1 && topic.back() == '/') report(LintRule::TopicTrailingSlash, e, topic, "ends with '/'", true);
  if (topic.find("//") != std::string_view::npos) report(LintRule::TopicEmptyLevel, e, topic, "has an empty level", true);
  if (std::any_of(topic.begin(), topic.end(), [](char c) { return c == ' ' || static_cast<unsigned char>(c) < 0x20 || c == 0x7f; }))
    report(LintRule::TopicWhitespace, e, topic, "holds a space or a control character", true);
  if (std::any_of(topic.begin(), topic.end(), [](char c) { return static_cast<unsigned char>(c) >= 0x80; }))
    report(LintRule::TopicNonAscii, e, topic, "holds characters outside ASCII", true);
  const std::size_t levels = shapes::level_count(topic);
  if (levels > settings_[LintRule::TopicDeep])
    report(LintRule::TopicDeep, e, topic, fmt::format("{} levels (threshold {})", levels, settings_[LintRule::TopicDeep]), true);
  if (topic.size() > settings_[LintRule::TopicLong])
    report(LintRule::TopicLong, e, topic, fmt::format("{} bytes (threshold {})", topic.size(), settings_[LintRule::TopicLong]), true);
}

void Lint::packet(const ObservedPacket& p) {
  if (!p.decoded) {  // framed, not decoded (a type the source skips): numbered all the same
    if (auto known = conns_.find(p.connection); known != conns_.end()) ++known->second.packets;
    return;
  }
  if (!p.decoded->ok()) return;  // violations are the summary's; the lint reads what decodes
  auto [it, fresh] = conns_.try_emplace(p.connection);
  Conn& c = it->second;
  if (fresh) c.address = address_of(p.client);
  ++c.packets;
  const Packet& packet = p.decoded->value();
  Evidence e{c.client_id, p.connection, c.packets, packet_type_name(type_of(packet)), p.direction, p.time_us};
  std::visit(
      [&](const auto& x) {
        using T = std::decay_t<decltype(x)>;
        if constexpr (std::is_same_v<T, Connect>) {
          if (p.direction == Direction::ToServer) on_connect(c, e, x);
        } else if constexpr (std::is_same_v<T, Connack>) {
          if (const Property* rm = find(x.properties, PropertyId::ReceiveMaximum)) c.receive_max[0] = rm->number;
          if (const Property* id = find(x.properties, PropertyId::AssignedClientIdentifier))
            set_client_id(p.connection, c, std::string(id->value));
        } else if constexpr (std::is_same_v<T, Subscribe>) {
          if (p.direction == Direction::ToServer) on_subscribe(c, e, x);
        } else if constexpr (std::is_same_v<T, Unsubscribe>) {
          for (auto f : x.filters) std::erase(c.filters, std::string(f));
        } else if constexpr (std::is_same_v<T, Publish>) {
          on_publish(&c, e, x);
        } else if constexpr (std::is_same_v<T, Puback> || std::is_same_v<T, Pubcomp>) {
          acknowledge(c, other(p.direction), x.packet_id);
        } else if constexpr (std::is_same_v<T, Pubrec>) {
          if (x.reason_code >= 0x80) acknowledge(c, other(p.direction), x.packet_id);
        }
      },
      packet);
}

void Lint::set_client_id(std::uint64_t connection, Conn& c, std::string id) {
  if (auto it = open_ids_.find(c.client_id); it != open_ids_.end()) {
    it->second.erase(connection);
    if (it->second.empty()) open_ids_.erase(it);
  }
  c.client_id = std::move(id);
  if (!c.client_id.empty()) open_ids_[c.client_id].insert(connection);
}

void Lint::on_connect(Conn& c, const Evidence& ev, const Connect& x) {
  set_client_id(ev.connection, c, std::string(x.client_id));
  c.version = x.version;
  Evidence e = ev;
  e.client_id = c.client_id;
  const bool v5 = x.version == ProtocolVersion::v5;
  const Property* expiry = v5 ? find(x.properties, PropertyId::SessionExpiryInterval) : nullptr;
  const std::uint32_t expiry_s = expiry ? expiry->number : 0;
  c.clean = v5 ? expiry_s == 0 : x.clean_start;
  if (const Property* rm = find(x.properties, PropertyId::ReceiveMaximum)) c.receive_max[1] = rm->number;
  if (!c.client_id.empty()) {
    // The open connection with the lowest id that uses this client id too.
    for (const std::uint64_t id : open_ids_[c.client_id]) {
      if (id == ev.connection) continue;
      const Conn& o = conns_.at(id);
      if (o.address != c.address)
        report(LintRule::ClientIdCollision, e, {},
               fmt::format("connection {} from {} while connection {} from {} uses the id", e.connection, c.address,
                           id, o.address),
               false);
      const bool tracked =
          fits(c.client_id) && (takeovers_.size() < memory_.max_tracked || takeovers_.contains(c.client_id));
      const std::uint64_t n = tracked ? ++takeovers_[c.client_id] : 1;
      if (n >= settings_[LintRule::TakeoverLoop])
        report(LintRule::TakeoverLoop, e, {}, fmt::format("taken over {} times", n), false);
      break;
    }
  }
  if (!c.clean && (c.client_id.empty() || shapes::random_client_id(c.client_id)))
    report(LintRule::RandomIdPersistent, e, {},
           c.client_id.empty() ? "an empty client id with a persistent session"
                               : "a random-looking client id with a persistent session",
           false);
  if (v5 && expiry_s == 0xFFFFFFFF)
    report(LintRule::SessionNeverExpires, e, {}, "Session Expiry Interval 0xFFFFFFFF", false);
  if (x.keep_alive == 0) report(LintRule::KeepAliveNone, e, {}, "keep alive 0", false);
  else if (x.keep_alive < settings_[LintRule::KeepAliveTiny])
    report(LintRule::KeepAliveTiny, e, {}, fmt::format("keep alive {} s", x.keep_alive), false);
  if (!x.will && shapes::device_client_id(c.client_id))
    report(LintRule::NoWillDevice, e, {}, "a device-like client id and no will", false);
}

void Lint::on_subscribe(Conn& c, const Evidence& e, const Subscribe& x) {
  for (const Subscription& s : x.subscriptions) {
    const std::string filter(s.filter);
    check_topic(e, filter);
    if (all_filters_.size() < memory_.max_tracked && fits(filter)) all_filters_.insert(filter);
    const bool broad = filter == "#" || filter == "+/#" || filter == "/#";
    if (broad && shapes::device_client_id(c.client_id))
      report(LintRule::SubscribeBroadDevice, e, filter, "a device-like client subscribes to everything", false);
    if (s.qos > 0 && c.clean)
      report(LintRule::CleanSessionQos, e, filter, fmt::format("QoS {} on a clean session", s.qos), false);
    if (std::find(c.filters.begin(), c.filters.end(), filter) == c.filters.end() &&
        c.filters.size() < memory_.max_filters && fits(filter))
      c.filters.push_back(filter);
  }
  // Filters of this client that overlap another of its own.
  std::size_t overlapping = 0;
  for (const auto& a : c.filters)
    for (const auto& b : c.filters)
      if (&a != &b && (topic_matches(a, b) || topic_matches(b, a))) {
        ++overlapping;
        break;
      }
  if (overlapping >= settings_[LintRule::SubscribeOverlap])
    report(LintRule::SubscribeOverlap, e, {}, fmt::format("{} subscriptions overlap another", overlapping), false);
}

void Lint::on_publish(Conn* c, const Evidence& e, const Publish& x) {
  // A message without a direction was seen by a subscriber: someone published it.
  const bool from_client = !e.direction || *e.direction == Direction::ToServer;
  std::string_view topic = x.topic;  // or the topic of its alias, viewed in the alias table
  if (c && e.direction) {
    auto& aliases = c->aliases[side(*e.direction)];
    if (const Property* a = find(x.properties, PropertyId::TopicAlias)) {
      const auto alias = static_cast<std::uint16_t>(a->number);
      if (!topic.empty()) {
        auto [it, fresh] = aliases.try_emplace(alias, Alias{std::string(topic), e.packet, false});
        if (!fresh && it->second.topic == topic) it->second.reused = true;  // set again to the same topic: a use
        else if (!fresh) it->second = Alias{std::string(topic), e.packet, false};
      } else if (auto it = aliases.find(alias); it != aliases.end()) {
        it->second.reused = true;
        topic = it->second.topic;
      }
    }
    if (x.qos > 0 && c->version == ProtocolVersion::v5) {  // Receive Maximum is 5.0's
      auto& flight = c->in_flight[side(*e.direction)];
      if (!x.dup) flight.insert(x.packet_id);
      const std::uint32_t max = c->receive_max[side(*e.direction)];
      if (flight.size() > max && (memory_.judge_sent || from_client))
        report(LintRule::ReceiveMaximumBurst, e, {},
               fmt::format("{} QoS 1/2 messages in flight, Receive Maximum {}", flight.size(), max), false);
    }
  }
  if (!memory_.judge_sent && !from_client) return;
  check_topic(e, topic);
  if (x.payload.size() > settings_[LintRule::PayloadLarge])
    report(LintRule::PayloadLarge, e, topic, fmt::format("{} bytes", x.payload.size()), true);
  for (const Property& p : x.properties) {
    if (p.id != PropertyId::UserProperty) continue;
    if (auto native = shapes::native_property_for(p.name); !native.empty())
      report(LintRule::UserPropertyNative, e, topic, fmt::format("user property \"{}\" instead of {}", p.name, native), false);
  }
  if (find(x.properties, PropertyId::ResponseTopic) && !find(x.properties, PropertyId::CorrelationData))
    report(LintRule::RequestWithoutCorrelation, e, topic, "Response Topic without Correlation Data", false);
  if (!from_client) return;
  if (!topic.empty() && topic.front() == '$')
    report(LintRule::TopicDollarPublish, e, topic, "a client publishes to a '$' topic", false);
  auto pattern = shapes::topic_pattern(topic);
  auto known = pattern.empty() ? patterns_.end() : patterns_.find({std::string(e.client_id), pattern});
  if (known == patterns_.end() && !pattern.empty() && patterns_.size() < memory_.max_tracked && fits(e.client_id) &&
      fits(topic))
    known = patterns_.try_emplace({std::string(e.client_id), pattern}).first;
  if (known != patterns_.end()) {
    auto& topics = known->second;
    if (topics.size() < settings_[LintRule::TopicPerMessage] && fits(topic)) topics.emplace(topic);
    if (topics.size() >= settings_[LintRule::TopicPerMessage])
      report(LintRule::TopicPerMessage, e, pattern, fmt::format("{} or more topics of the pattern", topics.size()), false);
  }
  if (x.qos == 2 && qos2_.size() < memory_.max_tracked && fits(e.client_id) && fits(topic)) {
    Qos2& q = qos2_[{std::string(e.client_id), std::string(topic)}];
    ++q.count;
    q.telemetry = q.telemetry && shapes::telemetry_payload(x.payload);
    if (q.telemetry && q.count >= settings_[LintRule::Qos2Telemetry])
      report(LintRule::Qos2Telemetry, e, topic, fmt::format("{} QoS 2 telemetry messages", q.count), false);
  }
  if (!x.retain) return;
  if (shapes::command_topic(topic) && !x.payload.empty())
    report(LintRule::RetainCommand, e, topic, "a retained message on a command topic", false);
  const std::string key(topic);
  if ((retained_.size() >= memory_.max_tracked || !fits(topic)) && !retained_.contains(key)) return;
  Retained& r = retained_[key];
  r.live = !x.payload.empty();
  if (r.count++ == 0) r.first_us = e.time_us;
  const double span = static_cast<double>(e.time_us - r.first_us) / 1e6;
  const double rate = span > 0 ? static_cast<double>(r.count - 1) / span : 0;
  if (r.count >= 5 && (span == 0 || rate > settings_[LintRule::RetainHighRate]))
    report(LintRule::RetainHighRate, e, topic,
           span == 0 ? fmt::format("{} retained messages at once", r.count)
                     : fmt::format("{:.1f} retained messages per second", rate),
           false);
}

void Lint::message(const Publish& publish, std::int64_t time_us) {
  Evidence e{"", 0, 0, "PUBLISH", std::nullopt, time_us};
  on_publish(nullptr, e, publish);
}

void Lint::acknowledge(Conn& c, Direction d, std::uint16_t id) { c.in_flight[side(d)].erase(id); }

void Lint::close_aliases(const Conn& c, std::uint64_t connection, std::int64_t time_us) {
  for (Direction d : {Direction::ToServer, Direction::ToClient}) {
    if (d == Direction::ToClient && !memory_.judge_sent) continue;
    for (const auto& [alias, a] : c.aliases[side(d)])
      if (!a.reused)
        report(LintRule::AliasNeverReused, Evidence{c.client_id, connection, a.packet, "PUBLISH", d, time_us}, a.topic,
               fmt::format("topic alias {} set and never used again", alias), false);
  }
}

void Lint::connection_end(const ConnectionEnd& end) {
  auto it = conns_.find(end.connection);
  if (it == conns_.end()) return;
  close_aliases(it->second, end.connection, end.time_us);
  set_client_id(end.connection, it->second, {});
  conns_.erase(it);
}

void Lint::finish() {
  if (finished_) return;
  finished_ = true;
  const std::int64_t last = last_finding_us_;
  for (const auto& [id, c] : conns_) close_aliases(c, id, last);
  check_retained(last);
}

void Lint::review(std::int64_t time_us) {
  if (finished_) return;
  // Once reported, a running broker does not report it again: no need to look.
  if (per_client_ && per_client_->contains("", LintRule::RetainClutter)) return;
  check_retained(time_us);
}

void Lint::check_retained(std::int64_t time_us) {
  std::vector<std::string> unread;
  for (const auto& entry : retained_) {
    // clang 14 cannot capture a structured binding in a lambda.
    const std::string& topic = entry.first;
    if (!entry.second.live) continue;
    const bool read = std::any_of(all_filters_.begin(), all_filters_.end(),
                                  [&](const std::string& f) { return topic_matches(f, topic); });
    if (!read) unread.push_back(topic);
  }
  if (!unread.empty() && unread.size() >= settings_[LintRule::RetainClutter])
    report(LintRule::RetainClutter, Evidence{"", 0, 0, "", std::nullopt, time_us}, {},
           fmt::format("{} retained topics no subscription reads, e.g. \"{}\"", unread.size(), unread.front()), false);
}

}  // namespace mq::lint
