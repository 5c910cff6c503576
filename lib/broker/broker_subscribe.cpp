// SUBSCRIBE and UNSUBSCRIBE: reason codes, the subscription tree, and the
// retained messages a new subscription receives.

#include <fmt/format.h>

#include "broker/broker.hpp"
#include "codec/rules.hpp"

namespace mq::broker {

namespace {

bool has_wildcard(std::string_view filter) { return filter.find_first_of("+#") != std::string_view::npos; }

}  // namespace

void Broker::on_subscribe(Connection& c, const Subscribe& sub, TimePoint now) {
  Session& s = *c.session;
  const bool v5 = c.version == ProtocolVersion::v5;
  std::uint32_t identifier = 0;
  if (const Property* id = find(sub.properties, PropertyId::SubscriptionIdentifier)) {
    if (!config_.subscription_identifiers)  // [MQTT-3.8.2-?] not supported
      return disconnect(c, 0xA1, true, now, why(c, "Subscription Identifiers are not available"));
    identifier = id->number;
  }
  // 5.0 reason codes; before 5.0 every failure is 0x80. The first refusal
  // is named in the SUBACK's Reason String.
  std::string first_refusal;
  auto refuse_filter = [&](std::string_view filter, std::uint8_t reason, std::string_view text) {
    if (first_refusal.empty()) first_refusal = fmt::format("topic filter {}: {}", filter, text);
    return v5 ? reason : std::uint8_t{0x80};
  };

  Suback ack;
  ack.packet_id = sub.packet_id;
  ack.reason_codes.reserve(sub.subscriptions.size());
  // Retained messages are sent after the SUBACK.
  std::vector<std::pair<MessagePtr, SubOptions>> retained;
  for (const Subscription& want : sub.subscriptions) {
    const auto shared = parse_shared(want.filter);
    const std::string_view filter = shared ? shared->filter : want.filter;
    if ((config_.max_topic_length && want.filter.size() > config_.max_topic_length) ||
        (config_.max_topic_levels && count_levels(filter) > config_.max_topic_levels)) {
      ack.reason_codes.push_back(refuse_filter(want.filter, 0x8F, "over the topic length or level limit"));
      continue;
    }
    if (shared && !config_.shared_subscriptions) {
      ack.reason_codes.push_back(refuse_filter(want.filter, 0x9E, "shared subscriptions are not available"));
      continue;
    }
    if (has_wildcard(filter) && !config_.wildcard_subscriptions) {
      ack.reason_codes.push_back(refuse_filter(want.filter, 0xA2, "wildcard subscriptions are not available"));
      continue;
    }
    if (!auth_.may_subscribe(client_info(s), want.filter, want.qos)) {
      ack.reason_codes.push_back(refuse_filter(want.filter, 0x87, "not authorized"));
      continue;
    }
    SubOptions options;
    options.qos = std::min<QoS>(want.qos, config_.maximum_qos);  // granted QoS [MQTT-3.8.4-?]
    if (v5) {
      options.no_local = want.no_local;
      options.retain_as_published = want.retain_as_published;
      options.retain_handling = want.retain_handling;
      options.identifier = identifier;
    }
    // A subscription to an existing filter replaces it [MQTT-3.8.4-3].
    auto [it, added] = s.subscriptions.insert_or_assign(std::string(want.filter), options);
    (void)it;
    tree_.add(filter, shared ? shared->group : std::string_view{}, &s, options);
    if (s.persisted) journal(SubscriptionAdd{s.client_id, want.filter, options});
    if (added) ++counters_.subscriptions;
    ack.reason_codes.push_back(options.qos);
    // Retain Handling: 0 always, 1 only for a new subscription, 2 never;
    // shared subscriptions never get retained messages [MQTT-3.3.1-9..11] [MQTT-4.8.2-?].
    const bool send_retained = !shared && (options.retain_handling == 0 || (options.retain_handling == 1 && added));
    if (send_retained) {
      retained_.match(filter, now, [&](const MessagePtr& m) { retained.emplace_back(m, options); });
    }
  }
  counters_.retained = retained_.size();
  if (events_) {
    for (std::size_t i = 0; i < sub.subscriptions.size(); ++i)
      events_->subscribed(c.id, s.client_id, sub.subscriptions[i].filter, ack.reason_codes[i]);
  }
  if (v5 && !why(c, first_refusal).empty())
    ack.properties.push_back(Property{PropertyId::ReasonString, 0, {}, first_refusal});
  append(c, ack);
  for (auto& [message, options] : retained) {
    MessagePtr owned = message;
    const std::uint32_t* ids = options.identifier ? &options.identifier : nullptr;
    // Retained messages go out with RETAIN set [MQTT-3.3.1-8].
    deliver(s, message->view(), owned, std::min<QoS>(message->qos(), options.qos), true,
            std::span<const std::uint32_t>(ids, ids ? 1 : 0), false, now);
  }
}

void Broker::on_unsubscribe(Connection& c, const Unsubscribe& u) {
  Session& s = *c.session;
  Unsuback ack;
  ack.packet_id = u.packet_id;
  for (std::string_view f : u.filters) {
    auto it = s.subscriptions.find(f);
    if (events_) events_->unsubscribed(c.id, s.client_id, f, it != s.subscriptions.end());
    if (it == s.subscriptions.end()) {
      ack.reason_codes.push_back(0x11);  // No subscription existed
      continue;
    }
    s.subscriptions.erase(it);
    if (s.persisted) journal(SubscriptionRemove{s.client_id, f});
    const auto shared = parse_shared(f);
    tree_.remove(shared ? shared->filter : f, shared ? shared->group : std::string_view{}, &s);
    --counters_.subscriptions;
    ack.reason_codes.push_back(0x00);
  }
  append(c, ack);
}

void Broker::drop_subscriptions(Session& s) {
  for (const auto& [filter, options] : s.subscriptions) {
    const auto shared = parse_shared(filter);
    tree_.remove(shared ? std::string_view(shared->filter) : std::string_view(filter),
                 shared ? shared->group : std::string_view{}, &s);
  }
  counters_.subscriptions -= s.subscriptions.size();
  s.subscriptions.clear();
}

}  // namespace mq::broker
