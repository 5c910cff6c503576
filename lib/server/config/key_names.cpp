// Names of keys mqbroker does not implement: mosquitto keys refused with a
// reason, keys accepted because they do not apply, and the nearest known
// name for a misspelt one.

#include <algorithm>
#include <array>

#include "server/config/keys.hpp"

namespace mq::server {
namespace {

struct Unsupported {
  std::string_view name;
  std::string_view reason;
};
constexpr std::array kUnsupported = {
    Unsupported{"bridge_cafile", "bridges are not supported"},
    Unsupported{"connection", "bridges are not supported"},
    Unsupported{"address", "bridges are not supported"},
    Unsupported{"topic", "bridges are not supported"},
    Unsupported{"auth_plugin", "plugins are not supported"},
    Unsupported{"plugin", "plugins are not supported"},
    Unsupported{"psk_hint", "TLS-PSK is not supported"},
    Unsupported{"psk_file", "TLS-PSK is not supported"},
    Unsupported{"mount_point", "mount points are not supported"},
    Unsupported{"http_dir", "serving HTTP files is not supported"},
    Unsupported{"user", "mqbroker does not change user; start it as the user it should run as"},
    Unsupported{"ciphers", "cipher lists are not configurable; OpenSSL's defaults are used"},
    Unsupported{"dhparamfile", "DH parameters are not configurable"},
    Unsupported{"crlfile", "certificate revocation lists are not supported"},
    Unsupported{"use_subject_as_username", "use use_identity_as_username (the common name)"},
    Unsupported{"clientid_prefixes", "client id prefixes are not supported"},
    Unsupported{"max_qos", "a per-listener QoS limit is not supported; maximum_qos sets it for the whole broker"},
    Unsupported{"use_username_as_clientid", "the client id is always the one the client sends"},
    Unsupported{"bind_interface", "binding to an interface is not supported; give the listener an address"},
    Unsupported{"accept_protocol_versions", "every protocol level is accepted"},
    Unsupported{"cleansession", "bridges are not supported"},
    Unsupported{"start_type", "bridges are not supported"},
    Unsupported{"round_robin", "bridges are not supported"},
    Unsupported{"try_private", "bridges are not supported"},
    Unsupported{"notifications", "bridges are not supported"},
    Unsupported{"keepalive_interval", "bridges are not supported"},
    Unsupported{"restart_timeout", "bridges are not supported"},
    Unsupported{"idle_timeout", "bridges are not supported"},
    Unsupported{"threshold", "bridges are not supported"},
    Unsupported{"bridge_protocol_version", "bridges are not supported"},
    Unsupported{"bridge_insecure", "bridges are not supported"},
    Unsupported{"bridge_attempt_unsubscribe", "bridges are not supported"},
    Unsupported{"bridge_max_packet_size", "bridges are not supported"},
    Unsupported{"bridge_outgoing_retain", "bridges are not supported"},
};

/// Keys accepted for the values that match what mqbroker does (or any
/// value, when `value` is empty), with the note logged at start; any other
/// value is refused with the note as the reason.
constexpr std::array kInert = {
    InertKey{"retry_interval", "", "removed in mosquitto 2.0; messages are resent on reconnection only, as MQTT 3.1.1 and 5.0 require"},
    InertKey{"allow_duplicate_messages", "", "obsolete in mosquitto 2.0, which ignores it too; mqbroker sends a client one copy of a message, at the highest QoS of its matching subscriptions"},
    InertKey{"store_clean_interval", "", "obsolete in mosquitto; messages are freed once delivered"},
    InertKey{"websockets_log_level", "", "WebSocket events are logged at the broker's log level; libwebsockets is not used"},
    InertKey{"memory_limit", "0", "memory is bounded per client (max_queued_messages, max_queued_bytes) and for partly received packets (input_buffer_budget), not by a heap total"},
    InertKey{"max_inflight_bytes", "0", "the in-flight window is bounded by message count (max_inflight_messages) only"},
    InertKey{"autosave_on_changes", "false", "autosave_interval counts seconds; persistence_mode durable saves every change"},
    InertKey{"check_retain_source", "false", "retained messages are not checked again against their publisher's rights"},
    InertKey{"upgrade_outgoing_qos", "false", "messages go out at the lower of the published and granted QoS, as the specification says"},
};

/// Levenshtein distance, bounded by the short names compared here.
std::size_t distance(std::string_view a, std::string_view b) {
  std::vector<std::size_t> row(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diagonal = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t above = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diagonal = above;
    }
  }
  return row[b.size()];
}

}  // namespace

std::optional<std::string_view> unsupported_key(std::string_view name) {
  for (const auto& u : kUnsupported)
    if (u.name == name) return u.reason;
  return std::nullopt;
}

std::span<const InertKey> inert_keys() { return kInert; }

const InertKey* inert_key(std::string_view name) {
  for (const auto& k : kInert)
    if (k.name == name) return &k;
  return nullptr;
}

std::optional<std::string_view> closest_key(std::string_view name) {
  // Up to 1 edit in short names, 2 from 8 characters, 3 from 16: close
  // enough to be a typo, far enough not to suggest an unrelated key.
  const std::size_t limit = name.size() >= 16 ? 3 : name.size() >= 8 ? 2 : 1;
  std::optional<std::string_view> best;
  std::size_t best_distance = limit + 1;
  auto consider = [&](std::string_view known) {
    const std::size_t d = distance(name, known);
    if (d < best_distance) {
      best_distance = d;
      best = known;
    }
  };
  for (const auto& k : config_keys()) consider(k.name);
  for (const auto& k : kInert) consider(k.name);
  for (const auto& u : kUnsupported) consider(u.name);
  consider("include_dir");
  return best;
}

}  // namespace mq::server
