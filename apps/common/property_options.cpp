#include "property_options.hpp"

#include <charconv>
#include <limits>

#include <fmt/format.h>

#include "dump/input.hpp"

namespace mq::apps {

namespace {

bool starts_with(std::string_view s, std::string_view prefix) { return s.substr(0, prefix.size()) == prefix; }

/// The largest value an integer property of this wire type holds.
std::uint64_t max_for(WireType t) {
  switch (t) {
    case WireType::Byte: return 0xFF;
    case WireType::TwoByteInt: return 0xFFFF;
    case WireType::FourByteInt: return 0xFFFFFFFF;
    case WireType::VarInt: return 268435455;
    default: return 0;
  }
}

std::optional<std::uint64_t> parse_number(std::string_view s) {
  int base = 10;
  if (s.size() > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
    s.remove_prefix(2);
    base = 16;
  }
  std::uint64_t v = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v, base);
  if (s.empty() || ec != std::errc() || end != s.data() + s.size()) return std::nullopt;
  return v;
}

}  // namespace

std::optional<std::string> decode_bytes(std::string_view bytes, std::string_view encoding, std::string* error) {
  if (encoding == "text" || encoding == "utf-8") return std::string(bytes);
  dump::InputFormat format;
  if (encoding == "hex") format = dump::InputFormat::Hex;
  else if (encoding == "base64") format = dump::InputFormat::Base64;
  else {
    if (error) *error = fmt::format("unknown encoding '{}' (text, hex or base64)", encoding);
    return std::nullopt;
  }
  auto r = dump::parse_input(bytes, format);
  if (!r.ok) {
    if (error) *error = fmt::format("bad {}: {}", encoding, dump::to_string(r.error));
    return std::nullopt;
  }
  return std::string(r.bytes.begin(), r.bytes.end());
}

std::optional<std::string> parse_binary_value(std::string_view value, std::string* error) {
  if (starts_with(value, "hex:")) return decode_bytes(value.substr(4), "hex", error);
  if (starts_with(value, "base64:")) return decode_bytes(value.substr(7), "base64", error);
  if (starts_with(value, "text:")) return std::string(value.substr(5));
  return std::string(value);
}

std::optional<std::string> add_property(client::OwnedProperties& out, std::string_view key, std::string_view value,
                                        std::uint32_t scope, std::string_view packet_name) {
  const PropertyInfo* info = find_property(key);
  if (!info) return fmt::format("unknown property '{}'", key);
  if (!(info->scopes & scope)) return fmt::format("property '{}' is not allowed in {}", info->key, packet_name);
  if (!info->repeatable && out.find(info->id))
    return fmt::format("property '{}' is given twice; it may appear only once", info->key);
  switch (info->type) {
    case WireType::Byte:
    case WireType::TwoByteInt:
    case WireType::FourByteInt:
    case WireType::VarInt: {
      auto n = parse_number(value);
      if (!n || *n > max_for(info->type))
        return fmt::format("property '{}' needs a number from 0 to {}, not '{}'", info->key, max_for(info->type),
                           value);
      out.add(info->id, static_cast<std::uint32_t>(*n));
      return std::nullopt;
    }
    case WireType::Utf8String:
      out.add(info->id, std::string(value));
      return std::nullopt;
    case WireType::BinaryData: {
      std::string error;
      auto bytes = parse_binary_value(value, &error);
      if (!bytes) return fmt::format("property '{}': {}", info->key, error);
      out.add(info->id, std::move(*bytes));
      return std::nullopt;
    }
    case WireType::Utf8Pair:
      return add_user_property(out, value);
  }
  return std::nullopt;
}

std::optional<std::string> add_property_assignment(client::OwnedProperties& out, std::string_view assignment,
                                                   std::uint32_t scope, std::string_view packet_name) {
  auto eq = assignment.find('=');
  if (eq == std::string_view::npos || eq == 0)
    return fmt::format("'{}' is not of the form name=value", assignment);
  return add_property(out, assignment.substr(0, eq), assignment.substr(eq + 1), scope, packet_name);
}

std::optional<std::string> add_user_property(client::OwnedProperties& out, std::string_view assignment) {
  auto eq = assignment.find('=');
  if (eq == std::string_view::npos)
    return fmt::format("user property '{}' is not of the form name=value", assignment);
  out.add_user(std::string(assignment.substr(0, eq)), std::string(assignment.substr(eq + 1)));
  return std::nullopt;
}

std::uint32_t scope_for_command(std::string_view command) {
  if (command == "will") return kInWill;
  if (auto t = parse_packet_type(command)) return scope_of(*t);
  return 0;
}

std::vector<std::string> property_keys(std::uint32_t scope) {
  std::vector<std::string> keys;
  for (const auto& p : all_properties())
    if (p.scopes & scope) keys.emplace_back(p.key);
  return keys;
}

const std::vector<std::string>& define_commands() {
  static const std::vector<std::string> commands = {"connect", "publish", "subscribe", "unsubscribe", "disconnect",
                                                    "will"};
  return commands;
}

CompletionHint define_completion() {
  CompletionHint hint;
  for (const auto& command : define_commands()) {
    WordChoice choice{command, {}};
    for (auto& key : property_keys(scope_for_command(command))) choice.next.push_back({std::move(key), {}});
    hint.words.push_back(std::move(choice));
  }
  return hint;
}

CompletionHint property_completion(std::uint32_t scope) {
  CompletionHint hint;
  for (auto& key : property_keys(scope)) hint.prefixes.push_back(key + "=");
  return hint;
}

}  // namespace mq::apps
