#pragma once
/// What a probe found: one Finding per capability or limit, under a stable
/// key, with the value measured (or none: unknown, not applicable) and how
/// it was found. The table and the JSON of `mqbench probe` are both written
/// from this one list.

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include <nlohmann/json.hpp>

namespace mq::probe {

/// A finding's value: nothing (unknown or not applicable), yes/no, a number or a word.
using Value = std::variant<std::monostate, bool, std::int64_t, std::string>;

/// How sure a finding is.
enum class Status : std::uint8_t {
  Measured,       ///< the broker's behaviour showed it
  Advertised,     ///< only the broker's word (CONNACK) says so; nothing could test it
  Unknown,        ///< the broker gave no usable answer within the bounds
  NotApplicable,  ///< the question does not arise (no TLS, a 3.1.1-only broker, ...)
};

/// One line of the report.
struct Finding {
  std::string key;     ///< stable JSON key, e.g. "maximum_packet_size"
  std::string label;   ///< the table's words, e.g. "Maximum Packet Size"
  Status status = Status::Unknown;
  Value value;
  std::string detail;  ///< what was sent and seen
  /// The value is a lower bound: the probe's cap was reached without a refusal.
  bool at_least = false;
};

/// Every finding of one probe run, in report order.
struct Report {
  std::string broker;  ///< the URL probed (password masked)
  std::string protocol;  ///< the level the capability probes used ("5.0", "3.1.1", "3.1")
  double seconds = 0;  ///< how long the probe took
  std::vector<Finding> findings;

  /// Adds a measured finding.
  void measured(std::string key, std::string label, Value v, std::string detail);
  /// Adds a finding with another status.
  void add(std::string key, std::string label, Status s, Value v, std::string detail);
  /// The finding with this key, or nullptr.
  const Finding* find(const std::string& key) const;
};

/// One report key and its table label.
struct KeyInfo {
  std::string_view key;
  std::string_view label;
};
/// Every key a complete report holds, in report order: the stable JSON
/// schema (the man page lists it from here).
std::span<const KeyInfo> report_keys();
/// Puts the findings in report_keys() order and adds every missing key as
/// unknown with `why`, so that a report always has the whole schema.
void complete(Report& r, const std::string& why);

/// "measured", "advertised", "unknown" or "not applicable".
const char* status_name(Status s);
/// The value as the table shows it ("yes", "1000", "unknown", "n/a").
std::string value_text(const Finding& f);
/// The report as one JSON object: broker, protocol, seconds, and
/// "results": {key: {"value", "status", "label", "detail"}} ("at_least":
/// true added where the value is a lower bound).
nlohmann::ordered_json to_json(const Report& r);
/// The report as an aligned text table, one finding per line.
std::string to_table(const Report& r);

}  // namespace mq::probe
