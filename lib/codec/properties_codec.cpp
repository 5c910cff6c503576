#include "codec/properties_codec.hpp"

#include <fmt/format.h>

namespace mq {

namespace {

/// Reads one property's value according to its wire type.
void read_value(Reader& s, const PropertyInfo& info, std::string_view field, Property& p) {
  switch (info.type) {
    case WireType::Byte: p.number = s.u8(field); break;
    case WireType::TwoByteInt: p.number = s.u16(field); break;
    case WireType::FourByteInt: p.number = s.u32(field); break;
    case WireType::VarInt: p.number = s.varint(field); break;
    case WireType::Utf8String:
    case WireType::BinaryData: p.value = s.string(field); break;
    case WireType::Utf8Pair:
      p.name = s.string(field);
      p.value = s.string(field);
      break;
  }
}

}  // namespace

void read_property_list(Reader& r, std::uint32_t length, std::size_t list_at, PacketType type, PropertyPlace place,
                        Properties& out) {
  Reader s = r.sub(length, place == PropertyPlace::Will ? "will properties" : "properties");
  FieldTrace* trace = s.trace();
  const int depth = r.depth() + 1;
  s.set_trace(nullptr);  // one trace entry per property, added below
  std::uint64_t seen = 0;
  while (!s.failed() && !s.at_end()) {
    const std::size_t at = s.offset();
    const std::uint8_t id = s.u8(place == PropertyPlace::Will ? "will properties" : "properties");
    const PropertyInfo* info = property_info(id);
    if (!info) {
      // Identifiers are variable byte integers, but every defined one fits in
      // a single byte, so anything else is unknown.
      s.fail(ErrorKind::Malformed, place == PropertyPlace::Will ? "will properties" : "properties",
             fmt::format("unknown property identifier 0x{:02X}", id), {}, at);
      break;
    }
    const std::string_view field = property_field(place, *info);
    Property p;
    p.id = info->id;
    read_value(s, *info, field, p);
    if (s.failed()) break;
    if (auto e = check_property(p, *info, type, place, seen)) {
      // The value was read whole: a lenient reader notes the rule and goes on.
      s.violate(*e, at + e->offset);
      if (s.failed()) break;
    }
    if (trace) trace->push_back({at, s.offset() - at, std::string(field), depth});
    out.push_back(p);
  }
  r.absorb(s);
  if (r.failed() || seen == 0) return;
  if (auto e = check_property_set(seen, place)) r.violate(*e, list_at);
}

}  // namespace mq
