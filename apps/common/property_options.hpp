#pragma once
/// `--property name=value` and `-D command name value`: MQTT 5.0 properties
/// from the command line, looked up by name in the codec's property table,
/// so every property the table knows can be set without an option of its own.
///
/// Values: numbers for integer properties (decimal or 0x hex), text for
/// strings, and for binary properties (correlation data, authentication
/// data) text, or bytes written as `hex:0a0b...` or `base64:...`
/// (`text:` keeps a value that starts with one of those prefixes as text).

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "cli_model.hpp"
#include "client/message.hpp"
#include "codec/properties.hpp"

namespace mq::apps {

/// Decodes a binary value written as text, `hex:...`, `base64:...` or
/// `text:...`; nullopt and a message in `error` when the hex or base64 is bad.
std::optional<std::string> parse_binary_value(std::string_view value, std::string* error);

/// Decodes `bytes` written in `encoding` ("text", "hex" or "base64").
std::optional<std::string> decode_bytes(std::string_view bytes, std::string_view encoding, std::string* error);

/// Parses "key=value" (the key is the table's key, its spec name or its
/// identifier) and appends the property to `out` when it is allowed in
/// `scope` (a PropertyScope bit); for user-property the value is itself
/// "name=value". Returns an error message, or nothing on success.
std::optional<std::string> add_property(client::OwnedProperties& out, std::string_view key, std::string_view value,
                                        std::uint32_t scope, std::string_view packet_name);

/// Parses "key=value" at the first '='.
std::optional<std::string> add_property_assignment(client::OwnedProperties& out, std::string_view assignment,
                                                   std::uint32_t scope, std::string_view packet_name);

/// Parses "name=value" into a User Property (split at the first '=').
std::optional<std::string> add_user_property(client::OwnedProperties& out, std::string_view assignment);

/// The scope bit for a `-D` command word (connect, publish, subscribe,
/// unsubscribe, disconnect, will, auth, puback, ...); 0 when unknown.
std::uint32_t scope_for_command(std::string_view command);

/// Every property key allowed in `scope`, for help texts.
std::vector<std::string> property_keys(std::uint32_t scope);

/// The -D commands of mqpub and mqsub, as mosquitto's.
const std::vector<std::string>& define_commands();

/// Completion of -D: each command, then the properties its packet may carry.
CompletionHint define_completion();

/// Completion of a --property style option: "key=" for each property allowed in `scope`.
CompletionHint property_completion(std::uint32_t scope);

}  // namespace mq::apps
