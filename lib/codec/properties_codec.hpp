#pragma once
/// Reading and writing property lists through the property table.

#include "codec/properties.hpp"
#include "codec/property_rules.hpp"
#include "codec/reader.hpp"

namespace mq {

/// The property list after its length was read (`length` > 0, at `list_at`).
void read_property_list(Reader& r, std::uint32_t length, std::size_t list_at, PacketType type, PropertyPlace place,
                        Properties& out);

/// Reads a property length and the properties it covers, checking each one
/// (check_property) and the list as a whole (check_property_set). Appends to
/// `out` (which allocates only when a property is present). Traced as the
/// length field followed by one entry per property, one level deeper.
/// Inline so that the common empty list costs one byte read.
inline void read_properties(Reader& r, PacketType type, PropertyPlace place, Properties& out) {
  const std::size_t list_at = r.offset();
  const std::uint32_t length =
      r.varint(place == PropertyPlace::Will ? "will property length" : "property length");
  if (length != 0) read_property_list(r, length, list_at, type, place, out);
}

/// Writes one property, its identifier then its value by the table's wire
/// type, to any sink with the Writer interface (u8, u16, u32, varint,
/// string). An identifier the table does not know is written as a one-byte
/// value, as properties_wire_size counts it.
template <typename Sink>
void put_property(Sink& w, const Property& p) {
  w.u8(static_cast<std::uint8_t>(p.id));
  const PropertyInfo* info = property_info(static_cast<std::uint8_t>(p.id));
  switch (info ? info->type : WireType::Byte) {
    case WireType::Byte: w.u8(static_cast<std::uint8_t>(p.number)); break;
    case WireType::TwoByteInt: w.u16(static_cast<std::uint16_t>(p.number)); break;
    case WireType::FourByteInt: w.u32(p.number); break;
    case WireType::VarInt: w.varint(p.number); break;
    case WireType::Utf8String:
    case WireType::BinaryData: w.string(p.value); break;
    case WireType::Utf8Pair:
      w.string(p.name);
      w.string(p.value);
      break;
  }
}

/// Writes a property list with its length prefix (see put_property).
template <typename Sink>
void put_properties(Sink& w, const Properties& props) {
  w.varint(static_cast<std::uint32_t>(properties_wire_size(props)));
  for (const auto& p : props) put_property(w, p);
}

}  // namespace mq
