#pragma once
/// The shapes the lint recognises in names and payloads: ids and
/// timestamps in topic levels, random and device-like client ids,
/// telemetry payloads, command topics, user properties that shadow native
/// ones. Pure functions of text; documented with the rules that use them.

#include <string>
#include <string_view>

#include "codec/types.hpp"

namespace mq::lint::lint_shapes {

/// A level that names one message or one thing: six or more digits (a
/// timestamp, a counter), a UUID, or twelve or more hex digits.
bool id_like_level(std::string_view level);
/// The topic with its id-like levels replaced by "{id}"; empty when none is.
std::string topic_pattern(std::string_view topic);
/// A UUID, sixteen or more hex digits in a row, or an id a library
/// generated (mosq-, mqttjs_, mqttx_, paho, auto-).
bool random_client_id(std::string_view id);
/// Not random, and holding a MAC address or a run of four or more digits.
bool device_client_id(std::string_view id);
/// A number, true/false, or a flat JSON object of numbers, strings and booleans.
bool telemetry_payload(ByteView payload);
/// A level named cmd, command, commands, set, control, rpc, request or action.
bool command_topic(std::string_view topic);
/// The native property a user property name stands for ("content-type"...),
/// or empty.
std::string_view native_property_for(std::string_view user_property_name);
/// Number of levels ("a/b" has 2).
std::size_t level_count(std::string_view topic);

}  // namespace mq::lint::lint_shapes
