#include "dump/field_value.hpp"

#include <fmt/format.h>

#include "codec/properties.hpp"
#include "codec/rules.hpp"
#include "dump/names.hpp"

namespace mq::dump {

namespace {

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return out;
}

bool contains(std::string_view s, std::string_view what) { return s.find(what) != std::string_view::npos; }

std::string_view last_component(std::string_view path) {
  auto slash = path.rfind('/');
  return slash == std::string_view::npos ? path : path.substr(slash + 1);
}

std::uint32_t big_endian(ByteView b) {
  std::uint32_t v = 0;
  for (auto x : b) v = v << 8 | x;
  return v;
}

/// True when `b` is a two-byte length followed by exactly that many bytes.
bool is_length_prefixed(ByteView b) { return b.size() >= 2 && big_endian(b.first(2)) == b.size() - 2; }

std::string hex(ByteView b) {
  std::string out = "0x";
  for (auto x : b) out += fmt::format("{:02x}", x);
  return out;
}

/// Text for bytes that may or may not be text.
std::string text_or_hex(ByteView b) {
  if (is_valid_utf8(as_chars(b))) return quote(as_chars(b));
  return fmt::format("{} ({} bytes, not UTF-8)", hex(b), b.size());
}

/// The property a field path refers to: the longest property name or key
/// found in any component of the path.
const PropertyInfo* property_in_path(std::string_view lname) {
  const PropertyInfo* best = nullptr;
  for (const auto& info : all_properties()) {
    std::string name = lower(info.name);
    bool found = contains(lname, name) || contains(lname, info.key);
    if (found && (!best || info.name.size() > best->name.size())) best = &info;
  }
  return best;
}

std::string first_byte(std::uint8_t b) {
  auto type = static_cast<PacketType>(b >> 4);
  std::string out(packet_type_name(type));
  unsigned flags = b & 0x0F;
  if (type == PacketType::Publish)
    return out + fmt::format(" (dup {}, QoS {}, retain {})", flags >> 3, (flags >> 1) & 3, flags & 1);
  return out + fmt::format(" (flags {:04b})", flags);
}

std::string connect_flags(std::uint8_t b, const FieldContext& ctx) {
  std::vector<std::string> set;
  if (b & 0x80) set.push_back("username");
  if (b & 0x40) set.push_back("password");
  if (b & 0x04) {
    set.push_back("will");
    set.push_back(fmt::format("will QoS {}", (b >> 3) & 3));
    if (b & 0x20) set.push_back("will retain");
  } else {
    if (b & 0x18) set.push_back(fmt::format("will QoS {} without will", (b >> 3) & 3));
    if (b & 0x20) set.push_back("will retain without will");
  }
  if (b & 0x02) set.push_back(ctx.version == ProtocolVersion::v5 ? "clean start" : "clean session");
  if (b & 0x01) set.push_back("reserved bit 0 set");
  return fmt::format("0x{:02x}{}{}", b, set.empty() ? "" : ": ", fmt::join(set, ", "));
}

std::string subscription_options(std::uint8_t b, const FieldContext& ctx) {
  std::string out = fmt::format("0x{:02x}: QoS {}", b, b & 3);
  if (ctx.version == ProtocolVersion::v5) {
    if (b & 0x04) out += ", no local";
    if (b & 0x08) out += ", retain as published";
    out += fmt::format(", retain handling {}", (b >> 4) & 3);
    if (b & 0xC0) out += fmt::format(", reserved bits 0x{:02x}", b & 0xC0);
  } else if (b & 0xFC) {
    out += fmt::format(", reserved bits 0x{:02x}", b & 0xFC);
  }
  return out;
}

std::string reason(std::uint8_t code, const FieldContext& ctx) {
  std::string_view name = reason_label(ctx.type, code, ctx.version);
  if (name.empty()) return fmt::format("0x{:02x} (not defined for {})", code, packet_type_name(ctx.type));
  return fmt::format("0x{:02x} {}", code, name);
}

/// The value of property `info` from `b`, which holds the value alone or the
/// identifier followed by the value.
std::string property_value(const PropertyInfo& info, ByteView b, std::string_view last, const FieldContext& ctx) {
  auto id = static_cast<std::uint8_t>(info.id);
  auto value_size_ok = [&](ByteView v) {
    switch (info.type) {
      case WireType::Byte: return v.size() == 1;
      case WireType::TwoByteInt: return v.size() == 2;
      case WireType::FourByteInt: return v.size() == 4;
      case WireType::VarInt: {
        auto r = read_varint(v.data(), v.size());
        return r.status == VarIntStatus::Ok && r.length == v.size();
      }
      case WireType::Utf8String:
      case WireType::BinaryData: return is_length_prefixed(v);
      case WireType::Utf8Pair: {
        if (v.size() < 2) return false;
        std::size_t key_len = big_endian(v.first(2));
        return v.size() >= 2 + key_len && is_length_prefixed(v.subspan(2 + key_len));
      }
    }
    return false;
  };
  // The decoder traces a property as one field, identifier included.
  if (b.size() >= 2 && b[0] == id && value_size_ok(b.subspan(1))) b = b.subspan(1);
  if (last == "identifier" || last == "id" || last == "property identifier" || last == "property id")
    return fmt::format("0x{:02x} {}", id, info.name);
  if (info.type == WireType::Utf8Pair) {
    if (last == "key" || last == "name" || last == "value") return is_length_prefixed(b) ? text_or_hex(b.subspan(2)) : text_or_hex(b);
    if (!value_size_ok(b)) return text_or_hex(b);
    std::size_t key_len = big_endian(b.first(2));
    return fmt::format("{} = {}", text_or_hex(b.subspan(2, key_len)), text_or_hex(b.subspan(4 + key_len)));
  }
  if (info.id == PropertyId::AuthenticationData && !ctx.show_secrets)
    return fmt::format("(masked, {} bytes)", is_length_prefixed(b) ? b.size() - 2 : b.size());
  if (!value_size_ok(b)) return text_or_hex(b);
  std::uint32_t n = 0;
  switch (info.type) {
    case WireType::Utf8String:
    case WireType::BinaryData: return text_or_hex(b.subspan(2));
    case WireType::VarInt: n = read_varint(b.data(), b.size()).value; break;
    default: n = big_endian(b); break;
  }
  switch (info.id) {
    case PropertyId::PayloadFormatIndicator: return fmt::format("{} ({})", n, n == 1 ? "UTF-8 text" : n == 0 ? "unspecified bytes" : "invalid");
    case PropertyId::MessageExpiryInterval:
    case PropertyId::SessionExpiryInterval:
    case PropertyId::WillDelayInterval:
    case PropertyId::ServerKeepAlive: return fmt::format("{} s", n);
    case PropertyId::MaximumPacketSize: return fmt::format("{} bytes", n);
    case PropertyId::RequestProblemInformation:
    case PropertyId::RequestResponseInformation:
    case PropertyId::RetainAvailable:
    case PropertyId::WildcardSubscriptionAvailable:
    case PropertyId::SubscriptionIdentifierAvailable:
    case PropertyId::SharedSubscriptionAvailable: return fmt::format("{} ({})", n, n == 1 ? "yes" : n == 0 ? "no" : "invalid");
    default: return std::to_string(n);
  }
}

}  // namespace

std::string quote(std::string_view s) {
  std::string out = "\"";
  std::size_t i = 0;
  while (i < s.size()) {
    auto c = static_cast<unsigned char>(s[i]);
    if (c >= 0x80) {  // copy a valid UTF-8 sequence as it is, escape a stray byte
      std::size_t len = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 1;
      if (len > 1 && i + len <= s.size() && is_valid_utf8(s.substr(i, len))) {
        out += s.substr(i, len);
        i += len;
      } else {
        out += fmt::format("\\x{:02x}", c);
        ++i;
      }
      continue;
    }
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        if (c < 0x20 || c == 0x7F)
          out += fmt::format("\\x{:02x}", c);
        else
          out += static_cast<char>(c);
    }
    ++i;
  }
  return out + "\"";
}

bool is_secret_field(std::string_view name) {
  std::string l = lower(name);
  return contains(l, "password") || contains(l, "authentication data") || contains(l, "authentication-data");
}

std::string field_value(const TracedField& field, ByteView b, const FieldContext& ctx) {
  std::string lname = lower(field.field);
  std::string_view last = last_component(lname);
  if (b.empty()) return contains(last, "payload") ? "(empty)" : "";
  if (field.offset == 0 && b.size() == 1) return first_byte(b[0]);
  if (contains(lname, "length") && b.size() <= 4) {
    auto r = read_varint(b.data(), b.size());
    if (r.status == VarIntStatus::Ok && r.length == b.size()) return std::to_string(r.value);
  }
  if (b.size() == 1 && contains(lname, "connect flags")) return connect_flags(b[0], ctx);
  if (b.size() == 1 && (contains(lname, "protocol level") || contains(lname, "protocol version"))) {
    if (b[0] == 0x83 || b[0] == 0x84)  // a bridge's 3.1 or 3.1.1 (see decode_connect)
      return fmt::format("0x{:02x} ({}, bridge)", b[0], version_name(static_cast<ProtocolVersion>(b[0] & 0x7F)));
    auto v = static_cast<ProtocolVersion>(b[0]);
    bool known = v == ProtocolVersion::v31 || v == ProtocolVersion::v311 || v == ProtocolVersion::v5;
    return fmt::format("{} ({})", b[0], known ? version_name(v) : "unknown level");
  }
  if (b.size() == 1 && (contains(lname, "acknowledge flags") || contains(lname, "connack flags") ||
                        contains(lname, "session present")))
    return fmt::format("0x{:02x}{}", b[0], (b[0] & 1) ? ": session present" : "");
  if (b.size() == 1 && (contains(lname, "reason code") || contains(lname, "return code"))) return reason(b[0], ctx);
  if (b.size() == 1 && (contains(lname, "subscription options") || last == "options"))
    return subscription_options(b[0], ctx);
  bool secret = is_secret_field(lname);
  if (const PropertyInfo* info = property_in_path(lname)) return property_value(*info, b, last, ctx);
  if (b.size() == 1 && contains(lname, "propert") &&
      (last == "identifier" || last == "id" || last == "property identifier" || last == "property id")) {
    const PropertyInfo* info = property_info(b[0]);
    return fmt::format("0x{:02x} {}", b[0], info ? info->name : "(unknown property)");
  }
  if (b.size() == 2 && contains(lname, "keep alive")) {
    auto v = big_endian(b);
    return v == 0 ? "0 (disabled)" : fmt::format("{} s", v);
  }
  if (b.size() == 2 && (contains(lname, "packet identifier") || contains(lname, "packet id")))
    return std::to_string(big_endian(b));
  if (ctx.type == PacketType::Publish && contains(last, "payload")) {
    if (secret && !ctx.show_secrets) return fmt::format("(masked, {} bytes)", b.size());
    return text_or_hex(b);
  }
  if (is_length_prefixed(b)) {
    if (secret && !ctx.show_secrets) return fmt::format("(masked, {} bytes)", b.size() - 2);
    return text_or_hex(b.subspan(2));
  }
  if (secret && !ctx.show_secrets) return fmt::format("(masked, {} bytes)", b.size());
  if (b.size() == 1 || b.size() == 2 || b.size() == 4) return std::to_string(big_endian(b));
  return text_or_hex(b);
}

}  // namespace mq::dump
