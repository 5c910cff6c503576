#pragma once
/// What a mosquitto.conf-style configuration (and the matching command-line
/// flags) says: listeners, security and limits, as plain values. The server
/// maps them onto the broker core's Config and the network listeners.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "lint/lint_rules.hpp"

namespace mq::server {

/// The authentication and authorization files and switches. Global unless
/// `per_listener_settings true`, in which case each listener has its own.
struct SecuritySettings {
  /// Clients without a user name may connect. Unset: false once a
  /// password file is given; otherwise true when no listener is configured
  /// (mosquitto's local-only mode) or no config file is used, false
  /// otherwise, as in mosquitto 2.
  std::optional<bool> allow_anonymous;
  std::string password_file;  ///< mosquitto_passwd format; empty: no password check
  std::string acl_file;       ///< mosquitto ACL format; empty: everything allowed
};

/// The transport a listener speaks on top of its socket.
enum class ListenerProtocol : std::uint8_t {
  Mqtt,        ///< MQTT over TCP (or TLS) or a Unix socket
  WebSockets,  ///< MQTT over WebSocket (or secure WebSocket)
};

/// Which address family an all-interfaces listener binds.
enum class SocketDomain : std::uint8_t {
  Any,   ///< not set: IPv4 0.0.0.0
  IPv4,  ///< 0.0.0.0
  IPv6,  ///< ::
};

/// One `listener` block (or the default listener).
struct ListenerSettings {
  std::string where;        ///< "file:line" of its `listener` line, for messages
  std::uint16_t port = 1883;  ///< 0 picks a free port
  std::string address;      ///< IP or host name; empty: all interfaces
  std::string unix_path;    ///< set for a Unix socket listener
  ListenerProtocol protocol = ListenerProtocol::Mqtt;
  SocketDomain socket_domain = SocketDomain::Any;
  /// Connections open at once on this listener; -1: no limit. Further
  /// sockets are closed as soon as they are accepted, as mosquitto does.
  std::int64_t max_connections = -1;

  // TLS: a listener with certfile and keyfile is a TLS (or WSS) listener.
  std::string certfile;
  std::string keyfile;
  std::string cafile;  ///< CAs that sign client certificates
  std::string capath;  ///< directory of hashed CA certificates
  bool require_certificate = false;     ///< refuse clients without a valid certificate
  bool use_identity_as_username = false;  ///< the certificate's CN becomes the user name
  std::string tls_version;              ///< "tlsv1.2" or "tlsv1.3" (lowest accepted); empty: 1.2

  /// Used when per_listener_settings is true.
  SecuritySettings security;

  /// True when certfile is set.
  bool tls() const { return !certfile.empty(); }
};

/// What persistence guarantees (when `persistence true`); see
/// server/persist/store.hpp.
enum class PersistenceMode : std::uint8_t {
  Snapshot,  ///< saved every autosave_interval and at shutdown; a crash loses what came since
  Durable,   ///< every change logged and fsynced before QoS 1/2 is acknowledged
};

/// Everything the configuration file and flags set.
struct Settings {
  /// Listeners in the order they were declared.
  std::vector<ListenerSettings> listeners;
  /// The listener that `port`, `bind_address` and listener options before
  /// the first `listener` line configure (mosquitto's default listener).
  ListenerSettings default_listener;
  /// True once something configured the default listener.
  bool default_listener_set = false;
  /// True once configuration text (a file) was read: see allow_anonymous.
  bool from_file = false;
  bool per_listener_settings = false;
  SecuritySettings security;  ///< used when per_listener_settings is false

  /// The behaviour profile (server/config/profiles.hpp); its lines are
  /// applied where it is selected, its choices go to the broker.
  std::string profile = "mqbroker";

  // Limits (0 means no limit where noted).
  std::uint32_t max_inflight_messages = 20;   ///< 0: no limit
  std::uint32_t max_queued_messages = 1000;   ///< 0: no limit
  std::uint64_t max_queued_bytes = 0;         ///< 0: no limit
  std::uint32_t message_size_limit = 0;       ///< largest payload; 0: the protocol's
  std::uint32_t max_packet_size = 0;          ///< 0: the protocol's
  std::uint16_t max_keepalive = 65535;
  std::uint16_t min_keepalive = 0;            ///< 0: no minimum
  std::uint16_t receive_maximum = 65535;      ///< QoS 2 PUBLISHes awaiting PUBREL per client
  bool wildcard_subscription_available = true;
  bool shared_subscription_available = true;
  bool subscription_identifier_available = true;
  std::uint16_t max_client_id_length = 0;     ///< 0: no limit (3.1: 23)
  bool allow_zero_length_clientid = true;
  std::string auto_id_prefix = "mq-";
  std::uint32_t persistent_client_expiration = 0;  ///< seconds; 0: never
  std::uint32_t max_session_expiry = 0xFFFF'FFFF;  ///< seconds granted at most
  std::string server_reference;               ///< empty: no redirection
  bool server_moved = false;                  ///< 0x9D Server moved rather than 0x9C Use another server
  std::uint16_t max_topic_alias = 10;
  /// Topic bytes one connection's outgoing alias table may hold.
  std::uint32_t max_alias_bytes_out = 64 * 1024;
  std::uint32_t max_topic_length = 0;
  std::uint32_t max_topic_levels = 1024;
  /// Bytes of partly received packets held for all clients together.
  std::uint64_t input_buffer_budget = 256u * 1024 * 1024;
  std::uint32_t connect_timeout = 10;  ///< seconds before a silent socket is closed
  bool retain_available = true;
  std::uint8_t maximum_qos = 2;
  bool queue_qos0_messages = false;
  std::uint32_t sys_interval = 10;  ///< 0: no $SYS updates
  /// Response Information pattern for 5.0 clients that ask (%c, %u); empty: none.
  std::string response_information;

  // Persistence.
  bool persistence = false;
  std::string persistence_location;
  std::string persistence_file = "mqbroker.db";
  std::uint32_t autosave_interval = 1800;
  PersistenceMode persistence_mode = PersistenceMode::Snapshot;
  bool persistence_salvage = false;  ///< start from the intact records of damaged files

  // Logging.
  std::vector<std::string> log_types;  ///< mosquitto's log_type values
  std::vector<std::string> log_dests;  ///< mosquitto's log_dest values ("file" for each of log_files)
  std::vector<std::string> log_files;  ///< log_dest file PATH, in order
  int log_facility = -1;               ///< syslog LOCAL0..7; -1: DAEMON
  bool log_timestamp = true;
  std::string log_timestamp_format;    ///< strftime format; empty: ISO 8601 UTC
  bool set_tcp_nodelay = true;         ///< TCP_NODELAY on accepted sockets
  /// Lines about keys accepted although they do not apply, logged at start.
  std::vector<std::string> notes;
  std::string log_format = "text";     ///< "text" or "json"
  bool connection_messages = true;
  /// Lint every connection and log each finding once per client id and rule.
  bool lint = false;
  /// Rules turned off and thresholds (lint_disable, lint_THRESHOLD).
  lint::LintSettings lint_settings;
  std::string pid_file;

  /// The listeners to open: the default listener when configured, then
  /// `listeners`; with neither, 127.0.0.1 port 1883 (local-only mode).
  std::vector<ListenerSettings> effective_listeners() const;
  /// Whether anonymous clients may use `l` once the defaults are applied.
  bool anonymous_allowed(const ListenerSettings& l) const;
  /// The security settings that govern `l`.
  const SecuritySettings& security_for(const ListenerSettings& l) const {
    return per_listener_settings ? l.security : security;
  }
};

}  // namespace mq::server
