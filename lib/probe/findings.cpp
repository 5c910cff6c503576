#include "probe/findings.hpp"

#include <algorithm>

#include <fmt/format.h>

namespace mq::probe {

void Report::measured(std::string key, std::string label, Value v, std::string detail) {
  add(std::move(key), std::move(label), Status::Measured, std::move(v), std::move(detail));
}

void Report::add(std::string key, std::string label, Status s, Value v, std::string detail) {
  // A finding without a value is never "measured" or "advertised".
  if (std::holds_alternative<std::monostate>(v) && (s == Status::Measured || s == Status::Advertised))
    s = Status::Unknown;
  findings.push_back(Finding{std::move(key), std::move(label), s, std::move(v), std::move(detail)});
}

const Finding* Report::find(const std::string& key) const {
  for (const auto& f : findings)
    if (f.key == key) return &f;
  return nullptr;
}

std::span<const KeyInfo> report_keys() {
  static constexpr KeyInfo kKeys[] = {
      {"protocol_5_0", "MQTT 5.0"},
      {"protocol_3_1_1", "MQTT 3.1.1"},
      {"protocol_3_1", "MQTT 3.1"},
      {"maximum_qos", "Maximum QoS"},
      {"retain_available", "Retained messages"},
      {"wildcard_subscriptions", "Wildcard subscriptions"},
      {"shared_subscriptions", "Shared subscriptions"},
      {"subscription_identifiers", "Subscription identifiers"},
      {"sys_topics", "$SYS topics"},
      {"maximum_packet_size", "Maximum Packet Size"},
      {"topic_length_max", "Topic length"},
      {"topic_levels_max", "Topic levels"},
      {"receive_maximum", "Receive Maximum"},
      {"receive_maximum_enforced", "Receive Maximum enforced"},
      {"topic_alias_maximum", "Topic Alias Maximum"},
      {"topic_alias_enforced", "Topic Alias Maximum enforced"},
      {"client_id_length_max", "Client id length"},
      {"client_id_characters", "Client id characters"},
      {"empty_client_id", "Empty client id"},
      {"persistent_sessions", "Sessions kept"},
      {"session_expiry", "Session expiry honoured"},
      {"message_expiry", "Message expiry honoured"},
      {"will_messages", "Will messages"},
      {"will_delay", "Will delay honoured"},
      {"server_keep_alive", "Server Keep Alive"},
      {"keep_alive_enforced", "Keep alive enforced"},
      {"auth_methods", "Authentication methods"},
      {"tls_1_2", "TLS 1.2"},
      {"tls_1_3", "TLS 1.3"},
      {"alpn", "ALPN"},
      {"websocket_subprotocol", "WebSocket subprotocol"},
  };
  return kKeys;
}

void complete(Report& r, const std::string& why) {
  std::vector<Finding> ordered;
  for (const auto& k : report_keys()) {
    auto it = std::find_if(r.findings.begin(), r.findings.end(), [&](const Finding& f) { return f.key == k.key; });
    if (it != r.findings.end()) ordered.push_back(std::move(*it));
    else ordered.push_back(Finding{std::string(k.key), std::string(k.label), Status::Unknown, {}, why});
  }
  r.findings = std::move(ordered);
}

const char* status_name(Status s) {
  switch (s) {
    case Status::Measured: return "measured";
    case Status::Advertised: return "advertised";
    case Status::Unknown: return "unknown";
    case Status::NotApplicable: return "not applicable";
  }
  return "?";
}

std::string value_text(const Finding& f) {
  if (f.status == Status::NotApplicable) return "n/a";
  if (f.status == Status::Unknown) return "unknown";
  return (f.at_least ? ">= " : "") + std::visit(
      [](const auto& v) -> std::string {
        using T = std::decay_t<decltype(v)>;
        if constexpr (std::is_same_v<T, std::monostate>) return "unknown";
        else if constexpr (std::is_same_v<T, bool>) return v ? "yes" : "no";
        else if constexpr (std::is_same_v<T, std::int64_t>) return std::to_string(v);
        else return v;
      },
      f.value);
}

nlohmann::ordered_json to_json(const Report& r) {
  nlohmann::ordered_json j;
  j["broker"] = r.broker;
  j["protocol"] = r.protocol;
  j["seconds"] = r.seconds;
  nlohmann::ordered_json results = nlohmann::ordered_json::object();
  for (const auto& f : r.findings) {
    nlohmann::ordered_json e;
    std::visit(
        [&e](const auto& v) {
          using T = std::decay_t<decltype(v)>;
          if constexpr (std::is_same_v<T, std::monostate>) e["value"] = nullptr;
          else e["value"] = v;
        },
        f.value);
    if (f.status == Status::Unknown || f.status == Status::NotApplicable) e["value"] = nullptr;
    e["status"] = status_name(f.status);
    e["label"] = f.label;
    e["detail"] = f.detail;
    if (f.at_least) e["at_least"] = true;
    results[f.key] = std::move(e);
  }
  j["results"] = std::move(results);
  return j;
}

std::string to_table(const Report& r) {
  std::size_t label_w = 10, value_w = 5;
  for (const auto& f : r.findings) {
    label_w = std::max(label_w, f.label.size());
    value_w = std::max(value_w, value_text(f).size());
  }
  std::string out = fmt::format("broker {}  (capability probes at MQTT {}, {:.1f} s)\n", r.broker, r.protocol, r.seconds);
  out += fmt::format("{:<{}}  {:<{}}  {:<10}  {}\n", "capability", label_w, "value", value_w, "status", "how");
  for (const auto& f : r.findings)
    out += fmt::format("{:<{}}  {:<{}}  {:<10}  {}\n", f.label, label_w, value_text(f), value_w,
                       f.status == Status::NotApplicable ? "n/a" : status_name(f.status), f.detail);
  return out;
}

}  // namespace mq::probe
