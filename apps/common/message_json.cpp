#include "message_json.hpp"

#include <ctime>

#include <fmt/format.h>

#include "codec/properties.hpp"
#include "codec/rules.hpp"
#include "util/base64.hpp"
#include "property_options.hpp"

namespace mq::apps {

namespace {

std::string to_hex(std::string_view s) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  out.reserve(s.size() * 2);
  for (unsigned char c : s) {
    out += kDigits[c >> 4];
    out += kDigits[c & 15];
  }
  return out;
}

/// Writes `bytes` under `key` and its encoding under `key_encoding`.
void put_bytes(nlohmann::ordered_json& obj, const std::string& key, std::string_view bytes, PayloadEncoding enc) {
  if (enc == PayloadEncoding::Hex) {
    obj[key] = to_hex(bytes);
    obj[key + "_encoding"] = "hex";
  } else if (enc == PayloadEncoding::Auto && is_valid_utf8(bytes)) {
    obj[key] = std::string(bytes);
    obj[key + "_encoding"] = "utf-8";
  } else {
    obj[key] = base64_encode(as_bytes(bytes));
    obj[key + "_encoding"] = "base64";
  }
}

nlohmann::ordered_json properties_json(const client::OwnedProperties& props) {
  nlohmann::ordered_json out = nlohmann::ordered_json::object();
  for (const auto& p : props.items()) {
    const PropertyInfo* info = property_info(static_cast<std::uint8_t>(p.id));
    if (!info) continue;
    const std::string key(info->key);
    switch (info->type) {
      case WireType::Utf8Pair: {
        auto& list = out[key];
        if (list.is_null()) list = nlohmann::ordered_json::array();
        list.push_back({p.name, p.value});
        break;
      }
      case WireType::Utf8String:
        out[key] = p.value;
        break;
      case WireType::BinaryData:
        put_bytes(out, key, p.value, PayloadEncoding::Auto);
        break;
      default:
        if (info->repeatable) {
          auto& list = out[key];
          if (list.is_null()) list = nlohmann::ordered_json::array();
          list.push_back(p.number);
        } else {
          out[key] = p.number;
        }
    }
  }
  return out;
}

}  // namespace

std::string iso_time_ns(std::chrono::system_clock::time_point t) {
  const auto ns = std::chrono::duration_cast<std::chrono::nanoseconds>(t.time_since_epoch()).count();
  std::time_t secs = static_cast<std::time_t>(ns / 1'000'000'000);
  long frac = static_cast<long>(ns % 1'000'000'000);
  if (frac < 0) {
    frac += 1'000'000'000;
    --secs;
  }
  std::tm tm{};
  gmtime_r(&secs, &tm);
  return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:09}Z", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
                     tm.tm_hour, tm.tm_min, tm.tm_sec, frac);
}

std::optional<std::chrono::system_clock::time_point> parse_iso_time(std::string_view s) {
  std::tm tm{};
  int consumed = 0;
  std::string text(s);
  if (std::sscanf(text.c_str(), "%4d-%2d-%2dT%2d:%2d:%2d%n", &tm.tm_year, &tm.tm_mon, &tm.tm_mday, &tm.tm_hour,
                  &tm.tm_min, &tm.tm_sec, &consumed) != 6)
    return std::nullopt;
  tm.tm_year -= 1900;
  tm.tm_mon -= 1;
  std::int64_t nanos = 0;
  std::size_t i = static_cast<std::size_t>(consumed);
  if (i < text.size() && text[i] == '.') {
    ++i;
    int digits = 0;
    while (i < text.size() && text[i] >= '0' && text[i] <= '9') {
      if (digits < 9) {
        nanos = nanos * 10 + (text[i] - '0');
        ++digits;
      }
      ++i;
    }
    while (digits++ < 9) nanos *= 10;
  }
  if (i + 1 != text.size() || text[i] != 'Z') return std::nullopt;
  const std::time_t secs = timegm(&tm);
  return std::chrono::system_clock::time_point(
      std::chrono::duration_cast<std::chrono::system_clock::duration>(std::chrono::seconds(secs) +
                                                                       std::chrono::nanoseconds(nanos)));
}

std::string message_to_json_line(const ReceivedRecord& r, PayloadEncoding encoding) {
  const client::Message& m = *r.message;
  nlohmann::ordered_json j;
  j["received"] = iso_time_ns(r.received);
  j["topic"] = m.topic;
  j["qos"] = m.qos;
  j["retain"] = m.retain;
  j["dup"] = r.dup;
  if (m.qos > 0) j["packet_id"] = r.packet_id;
  put_bytes(j, "payload", m.payload, encoding);
  j["payload_length"] = m.payload.size();
  if (!m.properties.empty()) j["properties"] = properties_json(m.properties);
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::strict);
}

std::variant<ReplayRecord, std::string> message_from_json_line(std::string_view line) {
  nlohmann::json j = nlohmann::json::parse(line.begin(), line.end(), nullptr, false);
  if (j.is_discarded() || !j.is_object()) return std::string("not a JSON object");
  ReplayRecord r;
  auto text_field = [&](const char* key) -> const nlohmann::json* {
    auto it = j.find(key);
    return it != j.end() && it->is_string() ? &*it : nullptr;
  };
  const auto* topic = text_field("topic");
  if (!topic) return std::string("\"topic\" is missing or not a string");
  r.message.topic = topic->get<std::string>();
  if (auto it = j.find("qos"); it != j.end()) {
    if (!it->is_number_unsigned() || it->get<unsigned>() > 2) return std::string("\"qos\" must be 0, 1 or 2");
    r.message.qos = static_cast<QoS>(it->get<unsigned>());
  }
  if (auto it = j.find("retain"); it != j.end()) {
    if (!it->is_boolean()) return std::string("\"retain\" must be true or false");
    r.message.retain = it->get<bool>();
  }
  if (const auto* payload = text_field("payload")) {
    std::string encoding = "utf-8";
    if (const auto* e = text_field("payload_encoding")) encoding = e->get<std::string>();
    std::string error;
    auto bytes = decode_bytes(payload->get<std::string>(), encoding == "utf-8" ? "text" : encoding, &error);
    if (!bytes) return "\"payload\": " + error;
    r.message.payload = std::move(*bytes);
  } else if (j.contains("payload") && !j["payload"].is_null()) {
    return std::string("\"payload\" must be a string");
  }
  if (const auto* t = text_field("received")) {
    r.received = parse_iso_time(t->get<std::string>());
    if (!r.received) return std::string("\"received\" is not an ISO 8601 UTC time");
  }
  if (auto it = j.find("properties"); it != j.end()) {
    if (!it->is_object()) return std::string("\"properties\" must be an object");
    for (auto& [key, value] : it->items()) {
      if (key.size() > 9 && key.substr(key.size() - 9) == "_encoding") continue;
      const PropertyInfo* info = find_property(key);
      if (!info) return "unknown property \"" + key + "\"";
      if (info->id == PropertyId::SubscriptionIdentifier || info->id == PropertyId::TopicAlias) continue;
      if (!(info->scopes & kInPublish)) return "property \"" + key + "\" does not belong in PUBLISH";
      if (info->type == WireType::Utf8Pair) {
        if (!value.is_array()) return std::string("\"user-property\" must be a list of [name, value] pairs");
        for (const auto& pair : value) {
          if (!pair.is_array() || pair.size() != 2 || !pair[0].is_string() || !pair[1].is_string())
            return std::string("\"user-property\" must be a list of [name, value] pairs");
          r.message.properties.add_user(pair[0].get<std::string>(), pair[1].get<std::string>());
        }
      } else if (info->type == WireType::Utf8String) {
        if (!value.is_string()) return "property \"" + key + "\" must be a string";
        r.message.properties.add(info->id, value.get<std::string>());
      } else if (info->type == WireType::BinaryData) {
        if (!value.is_string()) return "property \"" + key + "\" must be a string";
        std::string encoding = "utf-8";
        if (auto e = it->find(key + "_encoding"); e != it->end() && e->is_string()) encoding = e->get<std::string>();
        std::string error;
        auto bytes = decode_bytes(value.get<std::string>(), encoding == "utf-8" ? "text" : encoding, &error);
        if (!bytes) return "property \"" + key + "\": " + error;
        r.message.properties.add(info->id, std::move(*bytes));
      } else {
        if (!value.is_number_unsigned()) return "property \"" + key + "\" must be a number";
        r.message.properties.add(info->id, value.get<std::uint32_t>());
      }
    }
  }
  return r;
}

}  // namespace mq::apps
