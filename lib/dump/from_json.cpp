#include "dump/from_json.hpp"

#include <set>

#include <fmt/format.h>

#include "codec/properties.hpp"
#include "util/base64.hpp"

namespace mq::dump {

namespace {

using Json = nlohmann::ordered_json;

bool is_sibling_key(std::string_view k) {
  auto ends = [&](std::string_view suffix) {
    return k.size() > suffix.size() && k.substr(k.size() - suffix.size()) == suffix;
  };
  return ends("_encoding") || ends("_length") || k == "property_order";
}

/// Thrown inside this file only; packet_from_json turns it into a message.
struct BadField {
  std::string message;
};

[[noreturn]] void bad(std::string_view where, std::string_view what) {
  throw BadField{fmt::format("field \"{}\": {}", where, what)};
}

/// Reads the fields of one JSON object; `path` prefixes field names in errors.
class Fields {
 public:
  Fields(const Json& obj, OwnedPacket& out, std::string path) : obj_(obj), out_(out), path_(std::move(path)) {
    if (!obj_.is_object()) bad(path_.empty() ? "(packet)" : path_, "expected an object");
  }

  bool has(const std::string& key) const {
    used_.insert(key);
    return obj_.contains(key) && !obj_.at(key).is_null();
  }
  /// Refuses a key no reader asked for: a typo ("qoss") would otherwise
  /// silently give a different packet. --json's informational keys pass.
  void check_unknown_keys() const {
    static const std::set<std::string> informational = {"packet", "offset", "length", "reason_name",
                                                        "version_guessed"};
    for (const auto& [k, v] : obj_.items())
      if (!used_.count(k) && !informational.count(k) && !is_sibling_key(k)) bad(name(k), "not a field of this packet");
  }
  std::string name(const std::string& key) const { return path_.empty() ? key : path_ + "." + key; }
  const Json& at(const std::string& key) const { return obj_.at(key); }

  std::uint32_t number(const std::string& key, std::uint32_t max, std::uint32_t fallback = 0) const {
    if (!has(key)) return fallback;
    return number_value(at(key), name(key), max);
  }
  bool flag(const std::string& key, bool fallback = false) const {
    if (!has(key)) return fallback;
    if (!at(key).is_boolean()) bad(name(key), "expected true or false");
    return at(key).get<bool>();
  }
  /// A text or binary field with its optional <key>_encoding sibling.
  std::string_view data(const std::string& key, std::string_view fallback = {}) const {
    if (!has(key)) return fallback;
    const Json& v = at(key);
    if (!v.is_string()) bad(name(key), "expected a string");
    std::string encoding = "utf-8";
    if (has(key + "_encoding")) {
      if (!at(key + "_encoding").is_string()) bad(name(key + "_encoding"), "expected a string");
      encoding = at(key + "_encoding").get<std::string>();
    }
    return out_.keep(decode_data(v.get<std::string>(), encoding, name(key)));
  }
  ByteView bytes(const std::string& key) const { return as_bytes(data(key)); }

  static std::uint32_t number_value(const Json& v, const std::string& where, std::uint32_t max) {
    if (!v.is_number_unsigned() || v.get<std::uint64_t>() > max) bad(where, fmt::format("expected a number 0..{}", max));
    return static_cast<std::uint32_t>(v.get<std::uint64_t>());
  }
  static std::string decode_data(const std::string& text, const std::string& encoding, const std::string& where) {
    if (encoding == "utf-8") return text;
    if (encoding == "base64") {
      auto b = base64_decode(text);
      if (!b) bad(where, "not valid base64");
      return std::string(b->begin(), b->end());
    }
    if (encoding == "masked")
      bad(where, "the value is masked (\"***\"), so the original bytes are unknown; dump with --show-secrets to re-encode");
    bad(where + "_encoding", "expected \"utf-8\", \"base64\" or \"masked\"");
  }
  /// A string inside an array: a string, or {"base64": "..."}.
  std::string_view item_text(const Json& v, const std::string& where) const {
    if (v.is_string()) return out_.keep(v.get<std::string>());
    if (v.is_object() && v.contains("base64") && v.at("base64").is_string())
      return out_.keep(decode_data(v.at("base64").get<std::string>(), "base64", where));
    bad(where, "expected a string or {\"base64\": ...}");
  }

  OwnedPacket& out() const { return out_; }

 private:
  const Json& obj_;
  OwnedPacket& out_;
  std::string path_;
  mutable std::set<std::string> used_;  ///< keys a reader asked for
};

Property one_property(const PropertyInfo& info, const Json& v, const Fields& f, const std::string& key) {
  Property p;
  p.id = info.id;
  std::string where = f.name(key);
  switch (info.type) {
    case WireType::Byte: p.number = Fields::number_value(v, where, 0xFF); break;
    case WireType::TwoByteInt: p.number = Fields::number_value(v, where, 0xFFFF); break;
    case WireType::FourByteInt: p.number = Fields::number_value(v, where, 0xFFFFFFFF); break;
    case WireType::VarInt: p.number = Fields::number_value(v, where, 0xFFFFFFFF); break;
    case WireType::Utf8String:
    case WireType::BinaryData: {
      if (!v.is_string()) bad(where, "expected a string");
      std::string encoding = f.has(key + "_encoding") && f.at(key + "_encoding").is_string()
                                 ? f.at(key + "_encoding").get<std::string>()
                                 : "utf-8";
      p.value = f.out().keep(Fields::decode_data(v.get<std::string>(), encoding, where));
      break;
    }
    case WireType::Utf8Pair:
      if (!v.is_array() || v.size() != 2) bad(where, "expected a [key, value] pair");
      p.name = f.item_text(v[0], where);
      p.value = f.item_text(v[1], where);
      break;
  }
  return p;
}

Properties read_properties(const Fields& parent, const std::string& key) {
  Properties result;
  if (!parent.has(key)) return result;
  Fields f(parent.at(key), parent.out(), parent.name(key));
  std::vector<std::pair<std::string, std::deque<Property>>> by_key;
  for (const auto& [k, v] : parent.at(key).items()) {
    if (is_sibling_key(k)) continue;
    const PropertyInfo* info = find_property(k);
    if (!info) bad(f.name(k), "unknown property");
    std::deque<Property> occurrences;
    bool list = v.is_array() && (info->type != WireType::Utf8Pair || (!v.empty() && v[0].is_array()));
    if (list) {
      for (const auto& item : v) occurrences.push_back(one_property(*info, item, f, k));
    } else {
      occurrences.push_back(one_property(*info, v, f, k));
    }
    by_key.emplace_back(k, std::move(occurrences));
  }
  if (f.has("property_order")) {
    for (const auto& k : f.at("property_order")) {
      if (!k.is_string()) bad(f.name("property_order"), "expected an array of property keys");
      auto it = std::find_if(by_key.begin(), by_key.end(), [&](const auto& e) { return e.first == k.get<std::string>(); });
      if (it == by_key.end() || it->second.empty())
        bad(f.name("property_order"), fmt::format("names \"{}\" more often than it occurs", k.get<std::string>()));
      result.push_back(it->second.front());
      it->second.pop_front();
    }
    for (const auto& e : by_key)
      if (!e.second.empty()) bad(f.name("property_order"), fmt::format("does not list every \"{}\"", e.first));
    return result;
  }
  for (auto& e : by_key) result.insert(result.end(), e.second.begin(), e.second.end());
  return result;
}

std::uint8_t reason(const Fields& f) { return static_cast<std::uint8_t>(f.number("reason_code", 0xFF)); }

TailForm tail(const Fields& f) {
  if (!f.has("tail")) return TailForm::Shortest;
  const Json& v = f.at("tail");
  if (v == "shortest") return TailForm::Shortest;
  if (v == "reason-only") return TailForm::ReasonOnly;
  if (v == "full") return TailForm::Full;
  bad("tail", "expected \"shortest\", \"reason-only\" or \"full\"");
}

std::vector<std::uint8_t> reason_codes(const Fields& f) {
  std::vector<std::uint8_t> codes;
  if (!f.has("reason_codes")) return codes;
  if (!f.at("reason_codes").is_array()) bad("reason_codes", "expected an array");
  for (const auto& item : f.at("reason_codes")) {
    const Json& code = item.is_object() && item.contains("code") ? item.at("code") : item;
    codes.push_back(static_cast<std::uint8_t>(Fields::number_value(code, "reason_codes", 0xFF)));
  }
  return codes;
}

Connect read_connect(const Fields& f) {
  Connect c;
  c.protocol_name = f.data("protocol_name", c.protocol_name);
  c.version = static_cast<ProtocolVersion>(f.number("protocol_level", 0xFF, static_cast<std::uint32_t>(c.version)));
  c.bridge = f.flag("bridge");
  c.clean_start = f.flag("clean_start", c.clean_start);
  c.reserved_flag = f.flag("reserved_flag");
  c.keep_alive = static_cast<std::uint16_t>(f.number("keep_alive", 0xFFFF, c.keep_alive));
  c.properties = read_properties(f, "properties");
  c.client_id = f.data("client_id");
  if (f.has("will")) {
    Fields w(f.at("will"), f.out(), f.name("will"));
    Will will;
    will.topic = w.data("topic");
    will.qos = static_cast<QoS>(w.number("qos", 3));
    will.retain = w.flag("retain");
    will.properties = read_properties(w, "properties");
    will.payload = w.bytes("payload");
    w.check_unknown_keys();
    c.will = will;
  }
  if (f.has("username")) c.username = f.data("username");
  if (f.has("password")) c.password = f.bytes("password");
  return c;
}

Packet read_packet(PacketType type, const Fields& f) {
  switch (type) {
    case PacketType::Connect: return read_connect(f);
    case PacketType::Connack:
      return Connack{f.flag("session_present"), reason(f), read_properties(f, "properties")};
    case PacketType::Publish: {
      Publish p;
      p.dup = f.flag("dup");
      p.qos = static_cast<QoS>(f.number("qos", 3));
      p.retain = f.flag("retain");
      p.topic = f.data("topic");
      p.packet_id = static_cast<std::uint16_t>(f.number("packet_id", 0xFFFF));
      p.properties = read_properties(f, "properties");
      p.payload = f.bytes("payload");
      return p;
    }
    case PacketType::Puback:
    case PacketType::Pubrec:
    case PacketType::Pubrel:
    case PacketType::Pubcomp: {
      auto id = static_cast<std::uint16_t>(f.number("packet_id", 0xFFFF));
      auto code = reason(f);
      auto props = read_properties(f, "properties");
      auto form = tail(f);
      if (type == PacketType::Puback) return Puback{id, code, props, form};
      if (type == PacketType::Pubrec) return Pubrec{id, code, props, form};
      if (type == PacketType::Pubrel) return Pubrel{id, code, props, form};
      return Pubcomp{id, code, props, form};
    }
    case PacketType::Subscribe: {
      Subscribe s;
      s.packet_id = static_cast<std::uint16_t>(f.number("packet_id", 0xFFFF));
      s.properties = read_properties(f, "properties");
      if (f.has("subscriptions")) {
        if (!f.at("subscriptions").is_array()) bad("subscriptions", "expected an array");
        for (const auto& item : f.at("subscriptions")) {
          Fields i(item, f.out(), "subscriptions[]");
          Subscription sub;
          sub.filter = i.data("filter");
          sub.qos = static_cast<QoS>(i.number("qos", 3));
          sub.no_local = i.flag("no_local");
          sub.retain_as_published = i.flag("retain_as_published");
          sub.retain_handling = static_cast<std::uint8_t>(i.number("retain_handling", 3));
          sub.reserved = static_cast<std::uint8_t>(i.number("reserved", 0xFF));
          i.check_unknown_keys();
          s.subscriptions.push_back(sub);
        }
      }
      return s;
    }
    case PacketType::Suback:
      return Suback{static_cast<std::uint16_t>(f.number("packet_id", 0xFFFF)), read_properties(f, "properties"),
                    reason_codes(f)};
    case PacketType::Unsubscribe: {
      Unsubscribe u;
      u.packet_id = static_cast<std::uint16_t>(f.number("packet_id", 0xFFFF));
      u.properties = read_properties(f, "properties");
      if (f.has("filters")) {
        if (!f.at("filters").is_array()) bad("filters", "expected an array");
        for (const auto& item : f.at("filters")) u.filters.push_back(f.item_text(item, "filters"));
      }
      return u;
    }
    case PacketType::Unsuback:
      return Unsuback{static_cast<std::uint16_t>(f.number("packet_id", 0xFFFF)), read_properties(f, "properties"),
                      reason_codes(f)};
    case PacketType::Pingreq: return Pingreq{};
    case PacketType::Pingresp: return Pingresp{};
    case PacketType::Disconnect: return Disconnect{reason(f), read_properties(f, "properties"), tail(f)};
    case PacketType::Auth: return Auth{reason(f), read_properties(f, "properties"), tail(f)};
  }
  bad("type", "unknown packet type");
}

}  // namespace

std::optional<std::string> packet_from_json(const nlohmann::ordered_json& j, OwnedPacket& out) {
  try {
    Fields f(j, out, "");
    if (!f.has("type") || !f.at("type").is_string()) bad("type", "missing; expected a packet type such as \"PUBLISH\"");
    auto type = parse_packet_type(f.at("type").get<std::string>());
    if (!type) bad("type", fmt::format("\"{}\" is not a packet type", f.at("type").get<std::string>()));
    out.version.reset();
    if (f.has("version")) {
      if (!f.at("version").is_string()) bad("version", "expected \"3.1\", \"3.1.1\" or \"5.0\"");
      out.version = parse_version(f.at("version").get<std::string>());
      if (!out.version) bad("version", "expected \"3.1\", \"3.1.1\" or \"5.0\"");
    }
    out.packet = read_packet(*type, f);
    f.check_unknown_keys();
    return std::nullopt;
  } catch (const BadField& e) {
    return e.message;
  } catch (const nlohmann::json::exception& e) {
    return std::string("unexpected JSON value: ") + e.what();
  }
}

std::optional<std::string> packet_from_json_line(std::string_view line, OwnedPacket& out) {
  auto j = Json::parse(line.begin(), line.end(), nullptr, false);
  if (j.is_discarded()) return std::string("not valid JSON");
  return packet_from_json(j, out);
}

}  // namespace mq::dump
