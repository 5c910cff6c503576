#include "dump/format_json.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "codec/properties.hpp"
#include "codec/rules.hpp"
#include "util/base64.hpp"
#include "dump/names.hpp"

namespace mq::dump {

namespace {

using Json = nlohmann::ordered_json;

/// Writes a field that is text by definition (UTF-8 string in the spec).
/// Invalid UTF-8 never reaches the JSON library: it becomes base64 with an
/// explicit <key>_encoding.
void put_text(Json& obj, const std::string& key, std::string_view s) {
  if (is_valid_utf8(s)) {
    obj[key] = std::string(s);
  } else {
    obj[key] = base64_encode(as_bytes(s));
    obj[key + "_encoding"] = "base64";
  }
}

/// Writes a binary field, always with <key>_encoding: "utf-8" when the
/// bytes are valid UTF-8, else "base64"; "masked" (plus <key>_length) for a
/// secret that is not to be shown.
void put_binary(Json& obj, const std::string& key, ByteView b, bool masked = false) {
  if (masked) {
    obj[key] = "***";
    obj[key + "_encoding"] = "masked";
    obj[key + "_length"] = b.size();
  } else if (is_valid_utf8(as_chars(b))) {
    obj[key] = std::string(as_chars(b));
    obj[key + "_encoding"] = "utf-8";
  } else {
    obj[key] = base64_encode(b);
    obj[key + "_encoding"] = "base64";
  }
}

/// A string inside an array (user property pair): a string, or
/// {"base64": "..."} when it is not valid UTF-8.
Json text_item(std::string_view s) {
  if (is_valid_utf8(s)) return std::string(s);
  return Json{{"base64", base64_encode(as_bytes(s))}};
}

std::string property_key(const Property& p) {
  const PropertyInfo* info = property_info(static_cast<std::uint8_t>(p.id));
  return info ? std::string(info->key) : fmt::format("0x{:02x}", static_cast<unsigned>(p.id));
}

/// The value of one occurrence, and any sibling fields it needs.
Json property_value(const Property& p, const JsonOptions& options, Json& siblings, const std::string& key) {
  const PropertyInfo* info = property_info(static_cast<std::uint8_t>(p.id));
  WireType type = info ? info->type : WireType::BinaryData;
  switch (type) {
    case WireType::Byte:
    case WireType::TwoByteInt:
    case WireType::FourByteInt:
    case WireType::VarInt: return p.number;
    case WireType::Utf8Pair: return Json::array({text_item(p.name), text_item(p.value)});
    case WireType::Utf8String: {
      Json tmp;
      put_text(tmp, key, p.value);
      for (auto& [k, v] : tmp.items())
        if (k != key) siblings[k] = v;
      return tmp[key];
    }
    case WireType::BinaryData: {
      Json tmp;
      bool masked = p.id == PropertyId::AuthenticationData && !options.show_secrets;
      put_binary(tmp, key, as_bytes(p.value), masked);
      for (auto& [k, v] : tmp.items())
        if (k != key) siblings[k] = v;
      return tmp[key];
    }
  }
  return nullptr;
}

Json properties_json(const Properties& props, const JsonOptions& options) {
  Json obj = Json::object();
  Json siblings = Json::object();
  std::vector<std::string> order;
  std::vector<std::string> wrapped;  // non-repeatable keys seen twice (crafted packets): written as arrays
  for (const Property& p : props) {
    std::string key = property_key(p);
    order.push_back(key);
    const PropertyInfo* info = property_info(static_cast<std::uint8_t>(p.id));
    bool repeatable = info && info->repeatable;
    Json value = property_value(p, options, siblings, key);
    if (!obj.contains(key)) {
      obj[key] = repeatable ? Json::array({value}) : value;
    } else {
      if (!repeatable && std::find(wrapped.begin(), wrapped.end(), key) == wrapped.end()) {
        obj[key] = Json::array({obj[key]});
        wrapped.push_back(key);
      }
      obj[key].push_back(value);
    }
  }
  for (auto& [k, v] : siblings.items()) obj[k] = v;
  // When occurrences of one key are not adjacent on the wire, grouping by key
  // loses the order: write it out so the bytes can be rebuilt exactly.
  bool grouped = true;
  for (std::size_t i = 1; i < order.size() && grouped; ++i)
    for (std::size_t k = 0; k + 1 < i && grouped; ++k)
      if (order[k] == order[i] && order[i - 1] != order[i]) grouped = false;
  if (!grouped) obj["property_order"] = order;
  return obj;
}

std::string_view tail_name(TailForm f) {
  switch (f) {
    case TailForm::Shortest: return "shortest";
    case TailForm::ReasonOnly: return "reason-only";
    case TailForm::Full: return "full";
  }
  return "shortest";
}

void put_reason(Json& obj, PacketType type, std::uint8_t code, std::optional<ProtocolVersion> v) {
  obj["reason_code"] = code;
  std::string_view name = reason_label(type, code, v);
  if (!name.empty()) obj["reason_name"] = std::string(name);
}

Json reason_list(PacketType type, const std::vector<std::uint8_t>& codes, std::optional<ProtocolVersion> v) {
  Json list = Json::array();
  for (auto c : codes) {
    Json item{{"code", c}};
    std::string_view name = reason_label(type, c, v);
    if (!name.empty()) item["name"] = std::string(name);
    list.push_back(item);
  }
  return list;
}

/// Writes the fields of each packet type into `obj`.
struct FieldWriter {
  Json& obj;
  const JsonOptions& options;
  std::optional<ProtocolVersion> version;

  bool v5() const { return version == ProtocolVersion::v5; }
  void props(const Properties& p) {
    if (v5()) obj["properties"] = properties_json(p, options);
  }

  void operator()(const Connect& c) {
    put_text(obj, "protocol_name", c.protocol_name);
    obj["protocol_level"] = static_cast<unsigned>(c.version);
    if (c.bridge) obj["bridge"] = true;
    obj["clean_start"] = c.clean_start;
    if (c.reserved_flag) obj["reserved_flag"] = true;
    obj["keep_alive"] = c.keep_alive;
    props(c.properties);
    put_text(obj, "client_id", c.client_id);
    if (c.will) {
      Json will = Json::object();
      put_text(will, "topic", c.will->topic);
      will["qos"] = c.will->qos;
      will["retain"] = c.will->retain;
      if (v5()) will["properties"] = properties_json(c.will->properties, options);
      put_binary(will, "payload", c.will->payload);
      obj["will"] = std::move(will);
    }
    if (c.username) put_text(obj, "username", *c.username);
    if (c.password) put_binary(obj, "password", *c.password, !options.show_secrets);
  }
  void operator()(const Connack& c) {
    obj["session_present"] = c.session_present;
    put_reason(obj, PacketType::Connack, c.reason_code, version);
    props(c.properties);
  }
  void operator()(const Publish& p) {
    obj["dup"] = p.dup;
    obj["qos"] = p.qos;
    obj["retain"] = p.retain;
    put_text(obj, "topic", p.topic);
    if (p.qos > 0) obj["packet_id"] = p.packet_id;
    props(p.properties);
    put_binary(obj, "payload", p.payload);
  }
  template <PacketType T>
  void operator()(const Ack<T>& a) {
    obj["packet_id"] = a.packet_id;
    if (!v5()) return;
    put_reason(obj, T, a.reason_code, version);
    props(a.properties);
    obj["tail"] = tail_name(a.form);
  }
  void operator()(const Subscribe& s) {
    obj["packet_id"] = s.packet_id;
    props(s.properties);
    Json list = Json::array();
    for (const auto& sub : s.subscriptions) {
      Json item = Json::object();
      put_text(item, "filter", sub.filter);
      item["qos"] = sub.qos;
      if (v5()) {
        item["no_local"] = sub.no_local;
        item["retain_as_published"] = sub.retain_as_published;
        item["retain_handling"] = sub.retain_handling;
      }
      if (sub.reserved) item["reserved"] = sub.reserved;
      list.push_back(std::move(item));
    }
    obj["subscriptions"] = std::move(list);
  }
  void operator()(const Suback& s) {
    obj["packet_id"] = s.packet_id;
    props(s.properties);
    obj["reason_codes"] = reason_list(PacketType::Suback, s.reason_codes, version);
  }
  void operator()(const Unsubscribe& u) {
    obj["packet_id"] = u.packet_id;
    props(u.properties);
    Json list = Json::array();
    for (auto f : u.filters) list.push_back(text_item(f));
    obj["filters"] = std::move(list);
  }
  void operator()(const Unsuback& u) {
    obj["packet_id"] = u.packet_id;
    if (!v5()) return;
    props(u.properties);
    obj["reason_codes"] = reason_list(PacketType::Unsuback, u.reason_codes, version);
  }
  void operator()(const Pingreq&) {}
  void operator()(const Pingresp&) {}
  void operator()(const Disconnect& d) {
    if (!v5()) return;
    put_reason(obj, PacketType::Disconnect, d.reason_code, version);
    props(d.properties);
    obj["tail"] = tail_name(d.form);
  }
  void operator()(const Auth& a) {
    put_reason(obj, PacketType::Auth, a.reason_code, version);
    props(a.properties);
    obj["tail"] = tail_name(a.form);
  }
};

}  // namespace

nlohmann::ordered_json packet_to_json(const Packet& packet, const PacketContext& ctx, const JsonOptions& options) {
  Json obj = Json::object();
  obj["packet"] = ctx.number;
  obj["offset"] = ctx.offset;
  obj["length"] = ctx.length;
  obj["type"] = std::string(packet_type_name(type_of(packet)));
  std::optional<ProtocolVersion> version = ctx.version;
  if (const auto* c = std::get_if<Connect>(&packet)) version = c->version;
  if (version) obj["version"] = std::string(version_name(*version));
  if (ctx.version_guessed) obj["version_guessed"] = true;
  std::visit(FieldWriter{obj, options, version}, packet);
  return obj;
}

std::string packet_to_json_line(const Packet& packet, const PacketContext& ctx, const JsonOptions& options) {
  // Every string was checked above; `replace` is only a last line of defence.
  return packet_to_json(packet, ctx, options).dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
}

nlohmann::ordered_json error_to_json(const DecodeError& e) {
  nlohmann::ordered_json j;
  j["kind"] = kind_name(e.kind);
  j["offset"] = e.offset;
  j["field"] = e.field;
  j["message"] = e.message;
  if (!e.rule.empty()) j["rule"] = e.rule;
  return j;
}

}  // namespace mq::dump
