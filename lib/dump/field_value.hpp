#pragma once
/// The decoded value of one traced field as text, for the tree view. The
/// decoder's trace gives offset, length and name; the meaning comes from
/// the name (matched against the property table and a few well-known field
/// names) and the bytes themselves.

#include <optional>
#include <string>
#include <string_view>

#include "codec/reader.hpp"
#include "codec/types.hpp"

namespace mq::dump {

/// What the value renderer needs to know about the packet around a field.
struct FieldContext {
  PacketType type = PacketType::Connect;
  std::optional<ProtocolVersion> version;
  bool show_secrets = false;
};

/// `bytes` are the field's bytes (trace offset/length applied to the packet).
/// Returns the value text: numbers, quoted and escaped strings, spelled-out
/// flags, reason-code and property names; empty when the field is only a
/// container (its children carry the values).
std::string field_value(const TracedField& field, ByteView bytes, const FieldContext& ctx);

/// `"text"` with \" \\ \n \r \t and \xNN for other control bytes and for
/// bytes that are not valid UTF-8.
std::string quote(std::string_view s);

/// True for a field whose value must be masked unless secrets are shown
/// (password, authentication data).
bool is_secret_field(std::string_view name);

}  // namespace mq::dump
