#include "lint/lint_rules.hpp"

#include <fmt/format.h>

namespace mq::lint {

namespace {

using R = LintRule;

// clang-format off
constexpr LintRuleInfo kRules[] = {
  {R::TopicLeadingSlash, "topic-leading-slash", "topics",
   "a topic or filter that begins with '/'",
   "drop the leading '/': it adds an empty first level that every filter must repeat", "", 0, ""},
  {R::TopicTrailingSlash, "topic-trailing-slash", "topics",
   "a topic or filter that ends with '/'",
   "drop the trailing '/': 'a/b/' and 'a/b' are different topics", "", 0, ""},
  {R::TopicEmptyLevel, "topic-empty-level", "topics",
   "an empty level inside a topic or filter ('a//b')",
   "remove the empty level: 'a//b' does not match 'a/+' and is easy to mistype", "", 0, ""},
  {R::TopicWhitespace, "topic-whitespace", "topics",
   "a space or a control character in a topic or filter",
   "use letters, digits, '-' and '_' in levels: spaces and control characters break shells, ACLs and tools", "", 0, ""},
  {R::TopicNonAscii, "topic-non-ascii", "topics",
   "a topic or filter with characters outside ASCII",
   "prefer ASCII topic levels: other characters have several encodings and surprise ACLs and bridges", "", 0, ""},
  {R::TopicDeep, "topic-deep", "topics",
   "a topic or filter with more levels than the threshold",
   "flatten the topic: deep trees cost matching time and are hard to subscribe to", "max-topic-levels", 8, "levels"},
  {R::TopicLong, "topic-long", "topics",
   "a topic or filter longer than the threshold",
   "shorten the topic: it travels in every PUBLISH (or use a 5.0 topic alias)", "max-topic-length", 128, "bytes"},
  {R::TopicDollarPublish, "topic-dollar-publish", "topics",
   "a client publishing to a topic that begins with '$' (reserved for the broker, like $SYS)",
   "publish application data under an application prefix: '$' topics belong to the broker", "", 0, ""},
  {R::TopicPerMessage, "topic-per-message", "topics",
   "one client publishing to at least the threshold's number of distinct topics that differ only in an id- or "
   "timestamp-like level (six or more digits, a UUID, twelve or more hex digits)",
   "put ids and timestamps in the payload (or a 5.0 user property), not in the topic: one topic per message "
   "floods retained state and subscriptions", "max-topics-per-pattern", 20, "topics"},
  {R::SubscribeBroadDevice, "subscribe-broad-device", "subscriptions",
   "a device-like client subscribing to '#' or a filter whose first level is '+' followed by '#' (device-like: "
   "its client id holds a MAC address or a run of four or more digits, and does not look random (see random-id-persistent))",
   "subscribe a device to its own command topics only: '#' sends it all traffic and exposes other devices",
   "", 0, ""},
  {R::SubscribeOverlap, "subscribe-overlap", "subscriptions",
   "one client holding at least the threshold's number of subscriptions that overlap another of its own",
   "merge overlapping subscriptions: a message matching several is delivered several times (or with the "
   "highest QoS) depending on the broker", "max-overlapping-subscriptions", 3, "subscriptions"},
  {R::ClientIdCollision, "client-id-collision", "sessions",
   "a CONNECT from another address with a client id that an open connection uses (two clients share an id)",
   "give every client a unique id: clients sharing one take each other's session over in a loop", "", 0, ""},
  {R::TakeoverLoop, "takeover-loop", "sessions",
   "a client id taken over at least the threshold's number of times",
   "find the second client with this id or the reconnect loop: each takeover drops a connection",
   "max-takeovers", 3, "takeovers"},
  {R::RandomIdPersistent, "random-id-persistent", "sessions",
   "a persistent session (3.1.1 clean session 0, 5.0 Session Expiry Interval above 0) with an empty or "
   "random-looking client id (a UUID, sixteen or more hex digits in a row, or an id a library generated: mosq-, mqttjs_, mqttx_, paho, auto-)",
   "use a stable client id for persistent sessions: a random one leaves an orphan session on every start",
   "", 0, ""},
  {R::SessionNeverExpires, "session-never-expires", "sessions",
   "a 5.0 CONNECT with Session Expiry Interval 0xFFFFFFFF (never)",
   "give sessions an expiry: sessions that never expire pile up on the broker for clients that never return",
   "", 0, ""},
  {R::CleanSessionQos, "clean-session-qos", "sessions",
   "a QoS 1 or 2 subscription on a clean session (3.1.1 clean session 1, 5.0 Session Expiry Interval 0)",
   "use a persistent session for QoS 1/2 subscriptions: with a clean session, messages published while the "
   "client is away are lost", "", 0, ""},
  {R::Qos2Telemetry, "qos2-telemetry", "qos-retain",
   "a client publishing at least the threshold's number of QoS 2 messages to one topic, all of them "
   "telemetry-like (a number, true/false, or a flat JSON object)",
   "use QoS 0 or 1 for telemetry: a reading that is repeated or replaced by the next one does not need "
   "exactly-once's four packets", "min-qos2-messages", 10, "messages"},
  {R::RetainHighRate, "retain-high-rate", "qos-retain",
   "retained messages on one topic at more than the threshold's rate (over at least five messages)",
   "do not retain fast-changing values: every retained PUBLISH rewrites broker state (and its persistence)",
   "max-retained-rate", 1, "messages per second"},
  {R::RetainClutter, "retain-clutter", "qos-retain",
   "at least the threshold's number of retained topics that no subscription seen in the conversation reads",
   "clear retained messages nobody reads (publish an empty retained message): they cost memory and "
   "surprise new subscribers", "max-unread-retained", 50, "topics"},
  {R::RetainCommand, "retain-command", "qos-retain",
   "a retained message on a command-like topic (a level named cmd, command, commands, set, control, rpc, "
   "request or action)",
   "do not retain commands: a device that reconnects runs the old command again", "", 0, ""},
  {R::PayloadLarge, "payload-large", "payload-timing",
   "a PUBLISH payload larger than the threshold",
   "send large data out of band (object storage, HTTP) and publish a reference", "max-payload", 262144, "bytes"},
  {R::KeepAliveTiny, "keep-alive-tiny", "payload-timing",
   "a keep alive above 0 and below the threshold",
   "use a keep alive of a minute or more unless a dead link must be found within seconds: tiny ones cost "
   "battery and broker work", "min-keep-alive", 10, "seconds"},
  {R::KeepAliveNone, "keep-alive-none", "payload-timing",
   "a CONNECT with keep alive 0 (no keep alive)",
   "set a keep alive: without one, a half-open connection is never noticed and the will never fires",
   "", 0, ""},
  {R::NoWillDevice, "no-will-device", "payload-timing",
   "a device-like client (see subscribe-broad-device) connecting without a will",
   "set a will (e.g. retained 'offline' on a status topic) so that others learn when the device drops",
   "", 0, ""},
  {R::ReceiveMaximumBurst, "receive-maximum-burst", "payload-timing",
   "more unacknowledged QoS 1/2 PUBLISH packets in flight than the receiver's Receive Maximum (5.0) "
   "[MQTT-3.3.4-7]",
   "wait for acknowledgements: the receiver declared how many QoS 1/2 messages it takes at once", "", 0, ""},
  {R::AliasNeverReused, "alias-never-reused", "mqtt5",
   "a topic alias that was set but never used again on its connection",
   "set a topic alias only for topics published again: an alias used once only adds bytes", "", 0, ""},
  {R::UserPropertyNative, "user-property-native", "mqtt5",
   "a user property named like a native 5.0 property (content-type, response-topic, correlation-data, "
   "message-expiry, ttl, payload-format, reply-to, correlation-id; case, - and _ ignored)",
   "use the native property: brokers and clients understand it, and it is shorter", "", 0, ""},
  {R::RequestWithoutCorrelation, "request-without-correlation", "mqtt5",
   "a PUBLISH with a Response Topic but no Correlation Data",
   "add Correlation Data to requests so that responses can be matched to them", "", 0, ""},
};
// clang-format on

static_assert(std::size(kRules) == kLintRuleCount, "one row per rule");

}  // namespace

std::span<const LintRuleInfo> lint_rules() { return kRules; }

const LintRuleInfo& lint_rule(LintRule r) { return kRules[static_cast<std::size_t>(r)]; }

const LintRuleInfo* find_lint_rule(std::string_view id) {
  for (const auto& r : kRules)
    if (r.id == id) return &r;
  return nullptr;
}

LintSettings::LintSettings() {
  for (const auto& r : kRules) {
    threshold[static_cast<std::size_t>(r.rule)] = r.threshold;
    enabled[static_cast<std::size_t>(r.rule)] = true;
  }
}

std::string lint_rules_man_text() {
  std::string out =
      "Each finding names its rule, the evidence (client id, connection, packet number and type, direction, "
      "topic) and one line of advice; each rule reports once per client and topic (or once per client for rules "
      "about clients). --lint-disable RULE turns a rule off; thresholds are options of their own. The rules:";
  std::string_view group;
  for (const auto& r : kRules) {
    if (r.group != group) {
      group = r.group;
      out += fmt::format("\n\n{}:", group);
    }
    out += fmt::format("\n\n{}: {}.", r.id, r.looks_for);
    if (!r.threshold_flag.empty())
      out += fmt::format(" Threshold: --lint-{} (default {} {}).", r.threshold_flag, r.threshold, r.threshold_unit);
    out += fmt::format(" Advice: {}.", r.advice);
  }
  return out;
}

}  // namespace mq::lint
