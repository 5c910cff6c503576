#include "server/config/keys.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>
#include <limits>

#include <fmt/format.h>

#include "codec/rules.hpp"
#include "server/config/profiles.hpp"

namespace mq::server {
namespace {

using Words = std::vector<std::string>;
using Error = std::optional<std::string>;

/// The listener that listener-scoped keys change: the last `listener`, or
/// the default listener before any.
ListenerSettings& current_listener(Settings& s) {
  if (!s.listeners.empty()) return s.listeners.back();
  s.default_listener_set = true;
  return s.default_listener;
}

SecuritySettings& current_security(Settings& s) {
  return s.per_listener_settings ? current_listener(s).security : s.security;
}

Error want_count(const Words& w, std::size_t n) {
  if (w.size() == n) return std::nullopt;
  if (w.empty()) return "a value is missing";
  return fmt::format("expected {} value{}, got {}", n, n == 1 ? "" : "s", w.size());
}

/// Parses a decimal number in [lo, hi] into `out`.
template <typename T>
Error number(const Words& w, T& out, std::uint64_t lo, std::uint64_t hi) {
  if (auto e = want_count(w, 1)) return e;
  const std::string& t = w[0];
  std::uint64_t v = 0;
  auto [end, ec] = std::from_chars(t.data(), t.data() + t.size(), v);
  if (ec != std::errc() || end != t.data() + t.size() || v < lo || v > hi)
    return fmt::format("expected a number from {} to {}, got \"{}\"", lo, hi, t);
  out = static_cast<T>(v);
  return std::nullopt;
}

Error boolean(const Words& w, bool& out) {
  if (auto e = want_count(w, 1)) return e;
  if (w[0] == "true") out = true;
  else if (w[0] == "false") out = false;
  else return fmt::format("expected true or false, got \"{}\"", w[0]);
  return std::nullopt;
}

Error text(const Words& w, std::string& out) {
  if (w.empty()) return "a value is missing";
  // A value may contain spaces (file names): the words are joined back.
  out.clear();
  for (std::size_t i = 0; i < w.size(); ++i) out += (i ? " " : "") + w[i];
  return std::nullopt;
}

Error choice(const Words& w, std::string& out, std::initializer_list<std::string_view> allowed) {
  if (auto e = want_count(w, 1)) return e;
  std::string list;
  for (auto a : allowed) {
    if (w[0] == a) {
      out = w[0];
      return std::nullopt;
    }
    list += (list.empty() ? "" : ", ") + std::string(a);
  }
  return fmt::format("expected one of {}, got \"{}\"", list, w[0]);
}

constexpr std::uint64_t k32 = std::numeric_limits<std::uint32_t>::max();

Error key_listener(Settings& s, const Words& w) {
  if (w.empty() || w.size() > 2) return "expected PORT [ADDRESS], or unix PATH";
  ListenerSettings l;
  if (w[0] == "unix") {
    if (w.size() != 2) return "expected unix PATH";
    l.unix_path = w[1];
    l.port = 0;
  } else {
    if (auto e = number(Words{w[0]}, l.port, 0, 65535)) return e;
    if (w.size() == 2) {
      // mosquitto 2: port 0 with a path is a Unix socket.
      if (w[1].find('/') != std::string::npos) {
        if (l.port != 0) return fmt::format("a Unix socket path needs port 0, got {}", l.port);
        l.unix_path = w[1];
      } else {
        l.address = w[1];
      }
    }
  }
  s.listeners.push_back(std::move(l));
  return std::nullopt;
}

Error key_port(Settings& s, const Words& w) {
  s.default_listener_set = true;
  return number(w, s.default_listener.port, 0, 65535);
}
Error key_bind_address(Settings& s, const Words& w) {
  s.default_listener_set = true;
  if (auto e = want_count(w, 1)) return e;
  s.default_listener.address = w[0];
  return std::nullopt;
}
Error key_protocol(Settings& s, const Words& w) {
  std::string v;
  if (auto e = choice(w, v, {"mqtt", "websockets"})) return e;
  auto& l = current_listener(s);
  if (!l.unix_path.empty() && v == "websockets") return "a Unix socket listener speaks plain MQTT only";
  l.protocol = v == "mqtt" ? ListenerProtocol::Mqtt : ListenerProtocol::WebSockets;
  return std::nullopt;
}
Error key_socket_domain(Settings& s, const Words& w) {
  std::string v;
  if (auto e = choice(w, v, {"ipv4", "ipv6"})) return e;
  current_listener(s).socket_domain = v == "ipv4" ? SocketDomain::IPv4 : SocketDomain::IPv6;
  return std::nullopt;
}
Error key_listener_max_connections(Settings& s, const Words& w) {
  if (auto e = want_count(w, 1)) return e;
  if (w[0] == "-1") {
    current_listener(s).max_connections = -1;
    return std::nullopt;
  }
  return number(w, current_listener(s).max_connections, 0, k32);
}
Error key_certfile(Settings& s, const Words& w) { return text(w, current_listener(s).certfile); }
Error key_keyfile(Settings& s, const Words& w) { return text(w, current_listener(s).keyfile); }
Error key_cafile(Settings& s, const Words& w) { return text(w, current_listener(s).cafile); }
Error key_capath(Settings& s, const Words& w) { return text(w, current_listener(s).capath); }
Error key_require_certificate(Settings& s, const Words& w) {
  return boolean(w, current_listener(s).require_certificate);
}
Error key_use_identity(Settings& s, const Words& w) {
  return boolean(w, current_listener(s).use_identity_as_username);
}
Error key_tls_version(Settings& s, const Words& w) {
  return choice(w, current_listener(s).tls_version, {"tlsv1.2", "tlsv1.3"});
}

Error key_per_listener(Settings& s, const Words& w) {
  if (!s.listeners.empty() || s.default_listener_set)
    return "must come before the first listener, port or listener option";
  return boolean(w, s.per_listener_settings);
}
Error key_allow_anonymous(Settings& s, const Words& w) {
  bool v = false;
  if (auto e = boolean(w, v)) return e;
  current_security(s).allow_anonymous = v;
  return std::nullopt;
}
Error key_password_file(Settings& s, const Words& w) { return text(w, current_security(s).password_file); }
Error key_acl_file(Settings& s, const Words& w) { return text(w, current_security(s).acl_file); }

Error key_max_inflight(Settings& s, const Words& w) { return number(w, s.max_inflight_messages, 0, 65535); }
Error key_max_queued(Settings& s, const Words& w) { return number(w, s.max_queued_messages, 0, k32); }
Error key_max_queued_bytes(Settings& s, const Words& w) {
  return number(w, s.max_queued_bytes, 0, std::numeric_limits<std::uint64_t>::max());
}
Error key_message_size_limit(Settings& s, const Words& w) {
  return number(w, s.message_size_limit, 0, 268'435'455);
}
Error key_max_packet_size(Settings& s, const Words& w) {
  std::uint32_t v = 0;
  if (auto e = number(w, v, 0, 268'435'460)) return e;
  if (v != 0 && v < 20) return fmt::format("{} is too small for any CONNECT; use 20 or more, or 0 for no limit", v);
  s.max_packet_size = v;
  return std::nullopt;
}
Error key_max_keepalive(Settings& s, const Words& w) { return number(w, s.max_keepalive, 0, 65535); }
Error key_min_keepalive(Settings& s, const Words& w) { return number(w, s.min_keepalive, 0, 65535); }
Error key_receive_maximum(Settings& s, const Words& w) { return number(w, s.receive_maximum, 1, 65535); }
Error key_wildcard_available(Settings& s, const Words& w) { return boolean(w, s.wildcard_subscription_available); }
Error key_shared_available(Settings& s, const Words& w) { return boolean(w, s.shared_subscription_available); }
Error key_sub_id_available(Settings& s, const Words& w) { return boolean(w, s.subscription_identifier_available); }
Error key_max_client_id_length(Settings& s, const Words& w) { return number(w, s.max_client_id_length, 0, 65535); }
Error key_allow_zero_length_clientid(Settings& s, const Words& w) { return boolean(w, s.allow_zero_length_clientid); }
Error key_auto_id_prefix(Settings& s, const Words& w) {
  if (auto e = want_count(w, 1)) return e;
  // The assigned id is sent as a UTF-8 string and used as a client id: keep it printable ASCII.
  for (char ch : w[0])
    if (ch <= ' ' || ch > '~') return fmt::format("\"{}\" holds a character other than printable ASCII", w[0]);
  if (w[0].size() > 64) return "longer than 64 characters";
  s.auto_id_prefix = w[0];
  return std::nullopt;
}
/// mosquitto's duration: a number and h, d, w, m (30 days) or y (365 days); plain seconds too.
Error key_persistent_client_expiration(Settings& s, const Words& w) {
  if (auto e = want_count(w, 1)) return e;
  const std::string& t = w[0];
  std::uint64_t unit = 1;
  std::string digits = t;
  if (!t.empty() && !std::isdigit(static_cast<unsigned char>(t.back()))) {
    switch (t.back()) {
      case 's': unit = 1; break;
      case 'h': unit = 3600; break;
      case 'd': unit = 86400; break;
      case 'w': unit = 7 * 86400; break;
      case 'm': unit = 30 * 86400; break;
      case 'y': unit = 365 * 86400; break;
      default: return fmt::format("expected a number and s, h, d, w, m or y (e.g. 2d), got \"{}\"", t);
    }
    digits.pop_back();
  }
  std::uint64_t v = 0;
  if (auto e = number(Words{digits}, v, 1, k32 / unit))
    return fmt::format("expected a duration such as 3600, 12h, 2d, 1w, 1m or 1y (at most {} seconds), got \"{}\"",
                       k32 - 1, t);
  s.persistent_client_expiration = static_cast<std::uint32_t>(std::min<std::uint64_t>(v * unit, k32 - 1));
  return std::nullopt;
}
Error key_max_session_expiry(Settings& s, const Words& w) { return number(w, s.max_session_expiry, 0, k32); }
Error key_server_reference(Settings& s, const Words& w) {
  if (w.empty() || w.size() > 2) return "expected REFERENCE [use_another|moved]";
  if (w.size() == 2 && w[1] != "use_another" && w[1] != "moved")
    return fmt::format("expected use_another or moved after the reference, got \"{}\"", w[1]);
  if (auto v = check_utf8(w[0])) return fmt::format("not a valid MQTT string: {}", v->message);
  s.server_reference = w[0];
  s.server_moved = w.size() == 2 && w[1] == "moved";
  return std::nullopt;
}
Error key_max_topic_alias(Settings& s, const Words& w) { return number(w, s.max_topic_alias, 0, 65535); }
Error key_max_alias_bytes_out(Settings& s, const Words& w) { return number(w, s.max_alias_bytes_out, 0, k32); }
Error key_max_topic_length(Settings& s, const Words& w) { return number(w, s.max_topic_length, 0, 65535); }
Error key_max_topic_levels(Settings& s, const Words& w) { return number(w, s.max_topic_levels, 1, 4096); }
Error key_input_buffer_budget(Settings& s, const Words& w) {
  return number(w, s.input_buffer_budget, 1024 * 1024, std::uint64_t{1} << 40);
}
Error key_connect_timeout(Settings& s, const Words& w) { return number(w, s.connect_timeout, 1, 86400); }
Error key_retain_available(Settings& s, const Words& w) { return boolean(w, s.retain_available); }
Error key_maximum_qos(Settings& s, const Words& w) { return number(w, s.maximum_qos, 0, 2); }
Error key_queue_qos0(Settings& s, const Words& w) { return boolean(w, s.queue_qos0_messages); }
Error key_sys_interval(Settings& s, const Words& w) { return number(w, s.sys_interval, 0, 65535); }
Error key_response_information(Settings& s, const Words& w) {
  if (auto e = text(w, s.response_information)) return e;
  // Sent as a UTF-8 Encoded String; %c and %u add only valid UTF-8.
  if (auto v = check_utf8(s.response_information)) return fmt::format("not a valid MQTT string: {}", v->message);
  return std::nullopt;
}

Error key_profile(Settings& s, const Words& w) {
  if (auto e = want_count(w, 1)) return e;
  return apply_profile(s, w[0]);
}

Error key_persistence(Settings& s, const Words& w) { return boolean(w, s.persistence); }
Error key_persistence_location(Settings& s, const Words& w) { return text(w, s.persistence_location); }
Error key_persistence_file(Settings& s, const Words& w) { return text(w, s.persistence_file); }
Error key_persistence_salvage(Settings& s, const Words& w) { return boolean(w, s.persistence_salvage); }
Error key_autosave_interval(Settings& s, const Words& w) { return number(w, s.autosave_interval, 0, k32); }
Error key_persistence_mode(Settings& s, const Words& w) {
  std::string v;
  if (auto e = choice(w, v, {"snapshot", "durable"})) return e;
  s.persistence_mode = v == "durable" ? PersistenceMode::Durable : PersistenceMode::Snapshot;
  return std::nullopt;
}

Error key_log_type(Settings& s, const Words& w) {
  std::string v;
  if (auto e = choice(w, v, {"debug", "error", "warning", "notice", "information", "subscribe", "unsubscribe",
                             "websockets", "none", "all"}))
    return e;
  s.log_types.push_back(v);
  return std::nullopt;
}
Error key_log_dest(Settings& s, const Words& w) {
  if (w.empty()) return "a value is missing";
  if (w[0] == "file") {
    if (w.size() < 2) return "log_dest file needs a file name";
    std::string path;
    text(Words(w.begin() + 1, w.end()), path);
    s.log_files.push_back(path);
    s.log_dests.push_back("file");
    return std::nullopt;
  }
  if (w[0] == "topic")
    return "publishing log lines to $SYS/broker/log/ is not implemented; use stderr, stdout, file PATH or syslog";
  if (w[0] == "dlt") return "the Diagnostic Log and Trace daemon is not supported; use syslog or file PATH";
  if (w[0] != "stderr" && w[0] != "stdout" && w[0] != "none" && w[0] != "syslog")
    return fmt::format("expected stderr, stdout, syslog, file PATH or none, got \"{}\"", w[0]);
  if (w.size() != 1) return want_count(w, 1);
  s.log_dests.push_back(w[0]);
  return std::nullopt;
}
Error key_log_facility(Settings& s, const Words& w) { return number(w, s.log_facility, 0, 7); }
Error key_log_timestamp(Settings& s, const Words& w) { return boolean(w, s.log_timestamp); }
Error key_log_timestamp_format(Settings& s, const Words& w) { return text(w, s.log_timestamp_format); }
Error key_set_tcp_nodelay(Settings& s, const Words& w) { return boolean(w, s.set_tcp_nodelay); }
Error key_log_format(Settings& s, const Words& w) { return choice(w, s.log_format, {"text", "json"}); }
Error key_connection_messages(Settings& s, const Words& w) { return boolean(w, s.connection_messages); }
Error key_pid_file(Settings& s, const Words& w) { return text(w, s.pid_file); }

constexpr KeyScope G = KeyScope::Global;
constexpr KeyScope L = KeyScope::Listener;
constexpr KeyScope S = KeyScope::Security;

constexpr std::array kKeys = {
    KeyInfo{"profile", G, "NAME", "Behave as NAME: mqbroker (default), mosquitto, aws-iot, azure-iot-hub, emqx or hivemq-ce (see PROFILES); its settings apply where this line stands, so later lines override them", true, key_profile},
    KeyInfo{"listener", G, "PORT [ADDRESS]", "Open a listener on PORT (0: a free port), bound to ADDRESS only (all interfaces without one); `listener 0 PATH` or `listener unix PATH` opens a Unix socket; the listener options that follow apply to it", false, key_listener},
    KeyInfo{"port", G, "PORT", "Port of the default listener (deprecated in mosquitto; prefer listener)", false, key_port},
    KeyInfo{"bind_address", G, "ADDRESS", "Address the default listener binds", false, key_bind_address},
    KeyInfo{"protocol", L, "mqtt|websockets", "What the last listener speaks", false, key_protocol},
    KeyInfo{"socket_domain", L, "ipv4|ipv6", "Address family of the last listener when it has no address", false, key_socket_domain},
    KeyInfo{"max_connections", L, "COUNT", "Connections the last listener holds at once (-1: no limit)", false, key_listener_max_connections},
    KeyInfo{"certfile", L, "FILE", "Server certificate (PEM) of the last listener; with keyfile it makes the listener TLS", false, key_certfile},
    KeyInfo{"keyfile", L, "FILE", "Private key (PEM) of the last listener", false, key_keyfile},
    KeyInfo{"cafile", L, "FILE", "CA certificates (PEM) that sign client certificates", false, key_cafile},
    KeyInfo{"capath", L, "DIR", "Directory of hashed CA certificates that sign client certificates", false, key_capath},
    KeyInfo{"require_certificate", L, "true|false", "Refuse TLS clients without a valid certificate", false, key_require_certificate},
    KeyInfo{"use_identity_as_username", L, "true|false", "Use the client certificate's common name as the user name", false, key_use_identity},
    KeyInfo{"tls_version", L, "tlsv1.2|tlsv1.3", "Lowest TLS version accepted", false, key_tls_version},
    KeyInfo{"per_listener_settings", G, "true|false", "Give each listener its own allow_anonymous, password_file and acl_file (must come first)", false, key_per_listener},
    KeyInfo{"allow_anonymous", S, "true|false", "Let clients without a user name connect", false, key_allow_anonymous},
    KeyInfo{"password_file", S, "FILE", "Password file (mosquitto_passwd or mqbroker passwd format)", false, key_password_file},
    KeyInfo{"acl_file", S, "FILE", "Access control list in mosquitto's format", false, key_acl_file},
    KeyInfo{"max_inflight_messages", G, "COUNT", "Unacknowledged QoS 1/2 messages sent to one client at a time (0: no limit)", false, key_max_inflight},
    KeyInfo{"max_queued_messages", G, "COUNT", "Messages queued per client beyond the in-flight ones (0: no limit)", false, key_max_queued},
    KeyInfo{"max_queued_bytes", G, "BYTES", "Bytes of messages queued per client (0: no limit)", false, key_max_queued_bytes},
    KeyInfo{"message_size_limit", G, "BYTES", "Largest PUBLISH payload accepted; larger ones are acknowledged and dropped (0: no limit)", false, key_message_size_limit},
    KeyInfo{"max_packet_size", G, "BYTES", "Largest packet accepted from a client (0: no limit)", false, key_max_packet_size},
    KeyInfo{"max_keepalive", G, "SECONDS", "Largest keep alive a client may ask for", false, key_max_keepalive},
    KeyInfo{"min_keepalive", G, "SECONDS", "Smallest keep alive a client may ask for (0: none); 5.0 clients asking for less are given it as Server Keep Alive, 3.x clients are refused with return code 2, as over max_keepalive", true, key_min_keepalive},
    KeyInfo{"receive_maximum", G, "COUNT", "QoS 2 PUBLISHes a client may have awaiting PUBREL, advertised as Receive Maximum; one more ends the connection with DISCONNECT 0x93 (default 65535)", true, key_receive_maximum},
    KeyInfo{"wildcard_subscription_available", G, "true|false", "Accept + and # in subscriptions; when false, advertised in CONNACK and refused with SUBACK 0xA2 (0x80 before 5.0)", true, key_wildcard_available},
    KeyInfo{"shared_subscription_available", G, "true|false", "Accept $share/ subscriptions; when false, advertised in CONNACK and refused with SUBACK 0x9E (0x80 before 5.0)", true, key_shared_available},
    KeyInfo{"subscription_identifier_available", G, "true|false", "Accept Subscription Identifiers; when false, advertised in CONNACK and a SUBSCRIBE carrying one ends the connection with DISCONNECT 0xA1", true, key_sub_id_available},
    KeyInfo{"max_client_id_length", G, "BYTES", "Longest client id accepted (0: no limit; 3.1 always 23); longer ones get CONNACK 0x85 (return code 2)", true, key_max_client_id_length},
    KeyInfo{"allow_zero_length_clientid", G, "true|false", "Let clients send an empty client id and be assigned one (false: CONNACK 0x85, return code 2)", false, key_allow_zero_length_clientid},
    KeyInfo{"auto_id_prefix", G, "PREFIX", "Start of the client ids assigned to clients that send none (default mq-)", false, key_auto_id_prefix},
    KeyInfo{"persistent_client_expiration", G, "DURATION", "Remove a session that asked never to expire (3.x clean session false, 5.0 0xFFFFFFFF) after its client has been away this long: seconds, or a number and h, d, w, m or y; 5.0 clients are told the interval in CONNACK (default: never)", false, key_persistent_client_expiration},
    KeyInfo{"max_session_expiry", G, "SECONDS", "Longest Session Expiry Interval granted to 5.0 clients; a longer request is lowered and the granted value sent in CONNACK", true, key_max_session_expiry},
    KeyInfo{"server_reference", G, "REFERENCE [use_another|moved]", "Refuse every CONNECT, sending 5.0 clients REFERENCE as Server Reference with CONNACK 0x9C Use another server (or 0x9D Server moved); 3.x clients get return code 3", true, key_server_reference},
    KeyInfo{"max_topic_alias", G, "COUNT", "Topic aliases a 5.0 client may set up (0: none)", false, key_max_topic_alias},
    KeyInfo{"max_alias_bytes_out", G, "BYTES",
            "Topic bytes the broker's outgoing alias table holds per 5.0 connection (default 65536); aliases go "
            "to the first topics sent within it and the client's Topic Alias Maximum, are never remapped, and "
            "later topics are sent in full", true, key_max_alias_bytes_out},
    KeyInfo{"max_topic_length", G, "BYTES", "Longest topic name or filter (0: no limit)", true, key_max_topic_length},
    KeyInfo{"max_topic_levels", G, "COUNT", "Most levels in a topic name or filter (default 1024, at most 4096)", true, key_max_topic_levels},
    KeyInfo{"input_buffer_budget", G, "BYTES",
            "Bytes of partly received packets held for all clients together (default 256 MiB); when it is "
            "exceeded, a client holding more than its share is disconnected", true, key_input_buffer_budget},
    KeyInfo{"connect_timeout", G, "SECONDS", "Time a new connection has to send CONNECT", true, key_connect_timeout},
    KeyInfo{"retain_available", G, "true|false", "Support retained messages", false, key_retain_available},
    KeyInfo{"maximum_qos", G, "0|1|2", "Highest QoS granted and accepted", false, key_maximum_qos},
    KeyInfo{"queue_qos0_messages", G, "true|false", "Queue QoS 0 messages for offline persistent clients", false, key_queue_qos0},
    KeyInfo{"sys_interval", G, "SECONDS", "Seconds between $SYS updates (0: none)", false, key_sys_interval},
    KeyInfo{"response_information", G, "TEXT", "Response Information for 5.0 clients that request it, usually a topic prefix for their replies; %c becomes the client id, %u the user name, %% a %", true, key_response_information},
    KeyInfo{"persistence", G, "true|false", "Keep retained messages and persistent sessions on disk", false, key_persistence},
    KeyInfo{"persistence_location", G, "DIR", "Directory of the persistence data", false, key_persistence_location},
    KeyInfo{"persistence_file", G, "NAME", "File name of the snapshot in persistence_location (the durable log is NAME.log)", false, key_persistence_file},
    KeyInfo{"autosave_interval", G, "SECONDS", "Seconds between snapshots of the persistence data (0: only at start and shutdown)", false, key_autosave_interval},
    KeyInfo{"persistence_mode", G, "snapshot|durable", "snapshot: saved every autosave_interval and at shutdown; durable: every change is logged and fsynced before QoS 1/2 is acknowledged", true, key_persistence_mode},
    KeyInfo{"persistence_salvage", G, "true|false",
            "Start even if a persistence file is damaged: keep it aside as FILE.damaged-TIME, restore its intact "
            "records and log each span lost (default false: refuse to start)", true, key_persistence_salvage},
    KeyInfo{"log_type", G, "TYPE", "Messages to log: debug, error, warning, notice, information, subscribe, unsubscribe, websockets, none, all", false, key_log_type},
    KeyInfo{"log_dest", G, "DEST", "Where log lines go: stderr (the default), stdout, syslog, file PATH (appended to, reopened on SIGHUP for logrotate) or none; repeatable (topic and dlt are refused)", false, key_log_dest},
    KeyInfo{"log_facility", G, "0-7", "Log to syslog as facility LOCAL0..LOCAL7 instead of DAEMON", false, key_log_facility},
    KeyInfo{"log_timestamp", G, "true|false", "Start each text log line with the time (default true)", false, key_log_timestamp},
    KeyInfo{"log_timestamp_format", G, "FORMAT", "strftime(3) format of that time, in local time (default: ISO 8601 UTC with milliseconds)", false, key_log_timestamp_format},
    KeyInfo{"log_format", G, "text|json", "Log lines as text or one JSON object each", true, key_log_format},
    KeyInfo{"connection_messages", G, "true|false", "Log connections and disconnections", false, key_connection_messages},
    KeyInfo{"set_tcp_nodelay", G, "true|false", "Send small packets at once (TCP_NODELAY; default true, mosquitto's default is false: Nagle's algorithm)", false, key_set_tcp_nodelay},
    KeyInfo{"pid_file", G, "FILE", "Write the process id to FILE", false, key_pid_file},
};


}  // namespace

std::span<const KeyInfo> config_keys() {
  static const std::vector<KeyInfo> keys = [] {
    std::vector<KeyInfo> all(std::begin(kKeys), std::end(kKeys));
    for (auto& k : lint_keys()) all.push_back(k);
    return all;
  }();
  return keys;
}

const KeyInfo* find_key(std::string_view name) {
  for (const auto& k : config_keys())
    if (k.name == name) return &k;
  return nullptr;
}

}  // namespace mq::server
