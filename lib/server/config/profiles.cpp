#include "server/config/profiles.hpp"

#include <array>

#include <fmt/format.h>

#include "server/config/keys.hpp"

namespace mq::server {
namespace {

constexpr broker::Behaviour kOurs{};
/// mosquitto 2.0 where the specification lets it choose.
constexpr broker::Behaviour kMosquitto{
    .pubrec_no_subscribers = false,
    .answer_malformed_connect = false,
    .protocol_error_in_requests = false,
    .v5_refusal_above_level_5 = false,
    .refuse_v3_keep_alive = false,
    .qos2_forward_on_publish = false,
    .uuid_client_ids = true,
    .reason_strings = false,
    .packet_id_when_queued = true,
    .whole_second_expiry = true,
};
/// A keep alive outside the service's range is replaced by its own (AWS
/// IoT: "treated as"), except a 3.x one under the minimum (see admit()).
constexpr broker::Behaviour kClampKeepAlive{.refuse_v3_keep_alive = false};

constexpr std::array kProfiles = {
    Profile{"mqbroker", "mqbroker's own choices and limits (the default)", "", "", kOurs},
    Profile{"mosquitto",
            "mosquitto 2.0's choices where the specification allows them, and its defaults",
            "mosquitto 2.0.11 (Debian 12), observed by tests/interop/mosquitto_diff_test.py; mosquitto.conf(5)",
            "max_inflight_messages 20\n"
            "receive_maximum 20\n"
            "max_queued_messages 1000\n"
            "max_topic_levels 200\n"
            "max_topic_alias 10\n"
            "auto_id_prefix auto-\n"
            "set_tcp_nodelay false\n",
            kMosquitto},
    Profile{"aws-iot",
            "AWS IoT Core's published message broker limits: QoS 0 and 1, 128 KB payloads, 256-byte topics of at "
            "most 8 levels, 128-byte client ids, keep alive 30 to 1200 s, 100 messages in flight",
            "https://docs.aws.amazon.com/iot/latest/developerguide/mqtt.html (QoS levels 0 and 1 only); "
            "https://aws.github.io/aws-iot-device-sdk-js-v2/ (enum mqtt5.ClientExtendedValidationAndFlowControl, "
            "AwsIotCoreDefaults: topics of at most 256 bytes and 7 slashes, client ids of at most 128 bytes); "
            "\"Securely ingesting large-sized payloads from IoT devices to the AWS Cloud\" on AWS's IoT blog, "
            "https://aws.amazon.com/blogs/iot/ (payloads of at most 128 KB); https://repost.aws/questions/QU_ER8srIYQRaZNNH9od_Q1g (an "
            "answer on AWS re:Post citing https://docs.aws.amazon.com/general/latest/gr/iot-core.html#message-broker-limits: "
            "a keep alive under 30 s is treated as 30) and https://github.com/awslabs/aws-c-mqtt/releases/tag/v0.4.27 "
            "(AWS's MQTT client: AWS IoT maxes out at 1200 s); all read 2026-12-06. The quotas page itself could not be "
            "read here; 100 unacknowledged messages each way is confirmed by no AWS page we could read and comes from "
            "https://blog.csdn.net/whatnamecaniuse/article/details/78065968, a third-party copy of an older AWS IoT "
            "limits page (read 2026-12-06), which gave 5 s, not 30 s, as the least keep alive",
            "maximum_qos 1\n"
            "message_size_limit 131072\n"
            "max_topic_length 256\n"
            "max_topic_levels 8\n"
            "max_client_id_length 128\n"
            "min_keepalive 30\n"
            "max_keepalive 1200\n"
            "max_inflight_messages 100\n"
            "receive_maximum 100\n",
            kClampKeepAlive},
    Profile{"azure-iot-hub",
            "Azure IoT Hub's MQTT 5 limits: QoS 1 at most, no retained messages, no shared subscriptions or "
            "subscription identifiers, no assigned client ids, 256 KiB packets, keep alive at most 19 min, 10 "
            "topic aliases, Receive Maximum 16",
            "https://learn.microsoft.com/en-us/azure/iot/iot-mqtt-5-preview (Level of support and limitations), "
            "read 2026-12-06",
            "maximum_qos 1\n"
            "retain_available false\n"
            "shared_subscription_available false\n"
            "subscription_identifier_available false\n"
            "allow_zero_length_clientid false\n"
            "max_packet_size 262144\n"
            "max_keepalive 1140\n"
            "max_topic_alias 10\n"
            "receive_maximum 16\n",
            kOurs},
    Profile{"emqx",
            "EMQX's default MQTT settings: 1 MB packets, 65535-byte client ids, 128 topic levels, QoS 2, 65535 "
            "topic aliases, retained messages",
            "https://docs.emqx.com/en/emqx/latest/configuration/mqtt.html (Basic MQTT Configurations), read "
            "2026-12-06",
            "max_packet_size 1048576\n"
            "max_client_id_length 65535\n"
            "max_topic_levels 128\n"
            "maximum_qos 2\n"
            "max_topic_alias 65535\n"
            "retain_available true\n",
            kOurs},
    Profile{"hivemq-ce",
            "HiveMQ Community Edition's defaults: Receive Maximum 10, 268435460-byte packets, keep alive up to "
            "65535, 65535-byte client ids and topics, 1000 queued messages, QoS 2, retained messages",
            "https://github.com/hivemq/hivemq-community-edition/wiki/MQTT-Specific-Configuration (table 1); "
            "https://www.hivemq.com/docs/hivemq/4.5/user-guide/configuration.html (default restrictions); read "
            "2026-12-06",
            "receive_maximum 10\n"
            "max_packet_size 268435460\n"
            "max_keepalive 65535\n"
            "max_client_id_length 65535\n"
            "max_topic_length 65535\n"
            "max_queued_messages 1000\n"
            "maximum_qos 2\n"
            "retain_available true\n"
            "connect_timeout 10\n",
            kOurs},
};

constexpr std::array kFields = {
    BehaviourField{"pubrec_no_subscribers", &broker::Behaviour::pubrec_no_subscribers,
                   "a 5.0 PUBREC for a message no subscription matched says 0x10 No matching subscribers, as a PUBACK "
                   "does",
                   "a 5.0 PUBREC says 0x00 Success whatever matched (a PUBACK still says 0x10)"},
    BehaviourField{"answer_malformed_connect", &broker::Behaviour::answer_malformed_connect,
                   "a malformed 5.0 CONNECT gets CONNACK 0x81 or 0x82 before the connection closes",
                   "a malformed 5.0 CONNECT is closed without an answer"},
    BehaviourField{"protocol_error_in_requests", &broker::Behaviour::protocol_error_in_requests,
                   "a SUBSCRIBE or UNSUBSCRIBE breaking a protocol rule (an invalid topic filter) gets DISCONNECT "
                   "0x82 Protocol Error",
                   "it gets 0x81 Malformed Packet"},
    BehaviourField{"v5_refusal_above_level_5", &broker::Behaviour::v5_refusal_above_level_5,
                   "a CONNECT with a protocol level above 5 gets CONNACK 0x84 in the 5.0 form",
                   "it gets return code 1 in the 3.1.1 form"},
    BehaviourField{"refuse_v3_keep_alive", &broker::Behaviour::refuse_v3_keep_alive,
                   "a 3.x client asking for a keep alive outside min_keepalive..max_keepalive gets return code 2",
                   "a 3.x client asking for a keep alive outside min_keepalive..max_keepalive is accepted; one over "
                   "max_keepalive (or 0) gets max_keepalive enforced, one under min_keepalive keeps its own, since a "
                   "3.x client cannot be told and must be closed after 1.5 times its keep alive [MQTT-3.1.2-24]"},
    BehaviourField{"qos2_forward_on_publish", &broker::Behaviour::qos2_forward_on_publish,
                   "a QoS 2 message is forwarded to subscribers when its PUBLISH arrives",
                   "it is held until the publisher's PUBREL (kept by persistence, like the session's other state; "
                   "discarded when the session ends, by expiry or a clean start)"},
    BehaviourField{"uuid_client_ids", &broker::Behaviour::uuid_client_ids,
                   "assigned client ids are auto_id_prefix and a random upper-case UUID",
                   "assigned client ids are auto_id_prefix and 16 hex digits"},
    BehaviourField{"reason_strings", &broker::Behaviour::reason_strings,
                   "the broker's own refusals and errors to 5.0 clients carry a short Reason String saying why "
                   "(unless the client set Request Problem Information to 0, or it would not fit)",
                   "they carry no Reason String"},
    BehaviourField{"packet_id_when_queued", &broker::Behaviour::packet_id_when_queued,
                   "a QoS 1/2 message takes its packet identifier as it enters the session, so one dropped by a "
                   "full queue or expired before sending leaves a gap in the identifiers",
                   "a QoS 1/2 message takes its packet identifier when it is sent: no gaps"},
    BehaviourField{"whole_second_expiry", &broker::Behaviour::whole_second_expiry,
                   "a Message Expiry Interval counts from the start of the wall-clock second the message arrived in, "
                   "and a message whose remaining whole seconds reach 0 has expired",
                   "a Message Expiry Interval counts from the moment the message arrived; the remaining time sent "
                   "is rounded up"},
};

}  // namespace

std::span<const BehaviourField> behaviour_fields() { return kFields; }

std::string describe_profile(const Profile& p) {
  std::string out = fmt::format("profile {}: {}\n", p.name, p.summary);
  if (!p.sources.empty()) out += fmt::format("sources: {}\n", p.sources);
  out += "# configuration lines (a configuration file and flags override them; other keys keep their defaults)\n";
  out += p.lines.empty() ? "# (none)\n" : std::string(p.lines);
  out += "# choices the specification leaves open\n";
  for (const auto& f : kFields) {
    const bool v = p.behaviour.*f.member;
    out += fmt::format("{} {}  # {}\n", f.name, v ? "true" : "false", v ? f.when_true : f.when_false);
  }
  return out;
}

std::span<const Profile> profiles() { return kProfiles; }

const Profile* find_profile(std::string_view name) {
  for (const auto& p : kProfiles)
    if (p.name == name) return &p;
  return nullptr;
}

std::optional<std::string> apply_profile(Settings& s, std::string_view name) {
  const Profile* p = find_profile(name);
  if (!p) {
    std::string known;
    for (const auto& q : kProfiles) known += (known.empty() ? "" : ", ") + std::string(q.name);
    return fmt::format("unknown profile \"{}\"; profiles: {}", name, known);
  }
  s.profile = std::string(p->name);
  std::string_view lines = p->lines;
  while (!lines.empty()) {
    const std::size_t nl = lines.find('\n');
    const std::string_view line = lines.substr(0, nl);
    lines.remove_prefix(nl == std::string_view::npos ? lines.size() : nl + 1);
    const std::size_t space = line.find(' ');
    const KeyInfo* key = find_key(line.substr(0, space));
    // The table is ours: a line that does not apply is a bug, caught by the profile tests.
    if (!key) return fmt::format("profile {}: unknown key in \"{}\"", p->name, line);
    if (auto e = key->apply(s, {std::string(line.substr(space + 1))}))
      return fmt::format("profile {}: {}: {}", p->name, line, *e);
  }
  return std::nullopt;
}

}  // namespace mq::server
