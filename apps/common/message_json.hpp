#pragma once
/// The NDJSON record of one received application message: what
/// `mqsub --json` writes and `mqpub --replay` reads back. Binary-safe: the
/// payload is text when it is valid UTF-8, else base64 (or as forced), with
/// `payload_encoding` saying which; binary properties likewise.
///
///   {"received":"2024-05-06T22:12:00.123456789Z","topic":"a/b","qos":1,
///    "retain":false,"dup":false,"packet_id":7,"payload":"hello",
///    "payload_encoding":"utf-8","payload_length":5,
///    "properties":{"content-type":"text/plain","user-property":[["k","v"]]}}

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "client/message.hpp"

namespace mq::apps {

/// How payloads are written.
enum class PayloadEncoding : std::uint8_t {
  Auto,    ///< text when valid UTF-8, else base64
  Base64,  ///< always base64
  Hex,     ///< always lower-case hex
};

/// A received message with what the JSON record shows besides it.
struct ReceivedRecord {
  const client::Message* message = nullptr;
  std::uint16_t packet_id = 0;
  bool dup = false;
  std::chrono::system_clock::time_point received;
};

/// The record as one JSON line (no newline).
std::string message_to_json_line(const ReceivedRecord& record, PayloadEncoding encoding);

/// A message read back from a record, with its receive time when present.
struct ReplayRecord {
  client::Message message;
  std::optional<std::chrono::system_clock::time_point> received;
};

/// Parses one record; the error names the field that is wrong. Properties a
/// client may not send (subscription-identifier, topic-alias) are dropped.
std::variant<ReplayRecord, std::string> message_from_json_line(std::string_view line);

/// "2024-05-06T22:12:00.123456789Z" (UTC, nanoseconds).
std::string iso_time_ns(std::chrono::system_clock::time_point t);
/// Parses what iso_time_ns writes (fraction of any length up to 9 digits).
std::optional<std::chrono::system_clock::time_point> parse_iso_time(std::string_view s);

}  // namespace mq::apps
