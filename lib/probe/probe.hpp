#pragma once
/// `mqbench probe`: measures what a broker supports and its limits by
/// talking to it as a well-behaved client, each question bounded in time
/// (one answer wait per step) and traffic (a cap on every size probed).

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>

#include "codec/types.hpp"
#include "net/connect.hpp"
#include "net/url.hpp"
#include "probe/findings.hpp"

namespace mq::probe {

/// What to probe and within which bounds.
struct ProbeConfig {
  net::Url url;
  net::ConnectOptions connect;
  std::optional<std::string> username;
  std::optional<std::string> password;
  /// The level the capability probes use; unset: the highest the broker accepts.
  std::optional<ProtocolVersion> version;
  /// How long each step waits for the broker's answer.
  std::chrono::milliseconds wait{2000};
  /// The largest packet (and client id, topic) the bisections send.
  std::uint32_t max_size = 256 * 1024;
  /// The largest Receive Maximum whose enforcement is tested (that many
  /// QoS 2 PUBLISHes plus one are sent).
  std::uint32_t max_inflight = 1024;
  /// Prefix of every topic and client id the probe uses.
  std::string prefix = "mqprobe";
};

/// How a probe run ended.
enum class ProbeEnd : std::uint8_t {
  Probed,        ///< the broker accepted a connection; the report is complete
  Unreachable,   ///< no transport, or no CONNACK at any level
  Refused,       ///< every level was refused by CONNACK (e.g. not authorised)
};

/// The report and how the run ended (`error` says why when not Probed).
struct ProbeResult {
  ProbeEnd end = ProbeEnd::Probed;
  std::string error;
  Report report;
};

/// Runs every probe against `config.url` on a loop of its own.
ProbeResult run_probe(const ProbeConfig& config);

}  // namespace mq::probe
