#pragma once
/// The rules a property list must follow, written once and used by both the
/// decoder (as it reads each property) and the validator (on a built list):
/// allowed in this packet, not duplicated, value in range, UTF-8 well formed.

#include <cstdint>
#include <optional>
#include <string_view>

#include "codec/error.hpp"
#include "codec/properties.hpp"

namespace mq {

/// Which property list is being read: a packet's own, or CONNECT's will
/// properties. Decides the scope bit and the field names used in errors.
enum class PropertyPlace : std::uint8_t { Packet, Will };

/// The scope bit a property must have to appear at `place` in packet `type`.
std::uint32_t property_scope(PacketType type, PropertyPlace place);

/// Field name of a property list's length: "property length" or "will property length".
std::string_view property_length_field(PropertyPlace place);
/// Field name of a property: "properties/Content Type" or "will properties/Content Type".
/// The view points into static storage.
std::string_view property_field(PropertyPlace place, const PropertyInfo& info);

/// Checks one property of the list being built. `seen` collects the
/// identifiers met so far (bit n for identifier n) to find duplicates.
/// On failure the error's offset counts from the property's identifier byte
/// and its field is property_field(place, info).
std::optional<DecodeError> check_property(const Property& p, const PropertyInfo& info, PacketType type,
                                          PropertyPlace place, std::uint64_t& seen);

/// Rules that involve several properties of one list (Authentication Data
/// needs an Authentication Method), given the `seen` set check_property
/// filled for the whole list. Offset 0.
std::optional<DecodeError> check_property_set(std::uint64_t seen, PropertyPlace place);

/// Every rule above over a whole list, as the validator needs it; also
/// rejects identifiers the table does not define.
std::optional<DecodeError> check_properties(const Properties& props, PacketType type, PropertyPlace place);

}  // namespace mq
