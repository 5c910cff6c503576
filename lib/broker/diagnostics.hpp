#pragma once
/// What a 5.0 client accepts on the packets a broker sends it besides
/// PUBLISH: Reason String and User Properties are diagnostics, the one part
/// of a CONNACK, PUBACK, PUBREC, PUBREL, PUBCOMP, SUBACK, UNSUBACK,
/// DISCONNECT or AUTH that may (and must) be left out to respect the
/// client's wishes.

#include <cstddef>
#include <cstdint>

#include "codec/packets.hpp"

namespace mq::broker {

/// Whether `p` carries a Reason String or a User Property.
bool has_diagnostics(const Packet& p);

/// Removes from `p` (a 5.0 packet other than PUBLISH) what the client must
/// not get: with `problem_info` false, every Reason String and User Property
/// unless `p` is a CONNACK or DISCONNECT [MQTT-3.1.2-29]; then, while the
/// packet is larger than `max_size`, first the Reason String and then the
/// User Properties ([MQTT-3.2.2-19], [MQTT-3.2.2-20], [MQTT-3.4.2-2],
/// [MQTT-3.4.2-3] and the same rule of PUBREC, PUBREL, PUBCOMP, SUBACK,
/// UNSUBACK, DISCONNECT, AUTH). Returns the encoded size afterwards, which
/// is still above `max_size` when the rest of the packet does not fit.
std::size_t fit_diagnostics(Packet& p, std::uint32_t max_size, bool problem_info);

}  // namespace mq::broker
