#pragma once
/// The options every MQTT client shares (connection, TLS, WebSocket,
/// authentication, protocol version, will, CONNECT properties, session,
/// diagnostics, reconnect), defined once and turned into the settings of
/// lib/client and lib/net. mqpub and mqsub add only their own options.

#include <cstdint>
#include <map>
#include <variant>
#include <optional>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "client/config.hpp"
#include "auth_command.hpp"
#include "client/connection.hpp"
#include "net/connect.hpp"
#include "net/url.hpp"

namespace mq::apps {

/// The environment variable that gives the default broker URL.
inline constexpr const char* kUrlEnv = "MQ_URL";

/// How packets are traced on stderr.
enum class TraceMode : std::uint8_t { Off, Text, Json };

/// The shared options as the command line gave them.
struct ClientOptions {
  std::string host;
  std::uint16_t port = 0;  ///< 0: not given
  std::string url;
  std::string unix_path;
  std::string client_id;
  std::string id_prefix;
  std::uint16_t keepalive = 60;
  std::string version = "mqttv5";
  std::optional<std::string> username;
  std::optional<std::string> password;
  std::string auth_method;                ///< --auth-method (5.0 enhanced authentication)
  std::optional<std::string> auth_data;   ///< --auth-data, binary value syntax
  std::string auth_command;               ///< --auth-command: run for each enhanced authentication step
  std::string cafile, capath, cert, key, tls_version, sni;
  std::vector<std::string> alpn;
  bool insecure = false;
  std::string ciphers, tls13_ciphers;  ///< OpenSSL cipher lists (TLS 1.2, TLS 1.3)
  std::string keyform;                 ///< --keyform: pem (engine is refused)
  std::string psk, psk_identity;       ///< TLS-PSK: key in hex, identity
  std::string bind_address;            ///< -A: local IP address to connect from
  std::string proxy;                   ///< --proxy socks5h://...
  std::vector<std::string> ws_headers;
  std::string will_topic;
  std::string will_payload;
  int will_qos = 0;
  bool will_retain = false;
  std::vector<std::string> will_properties;
  std::vector<std::string> connect_properties;
  bool nodelay = false;  ///< --nodelay: accepted; TCP_NODELAY is always set
  std::string disconnect_reason;  ///< --disconnect-reason, as given (0x04, 4)
  std::vector<std::vector<std::string>> command_properties;  ///< each -D: COMMAND NAME VALUE, or COMMAND user-property KEY VALUE
  std::string session_expiry;
  bool no_clean = false;
  bool debug = false;
  std::string trace;
  bool reconnect = false;
  double reconnect_delay = 1;
  double reconnect_max_delay = 30;
  double connect_timeout = 10;
};

/// Adds the shared options to `app` in groups Connection, TLS, Session,
/// Will, Properties and Diagnostics.
void add_client_options(CLI::App& app, ClientOptions& options);

// The parts of add_client_options that a client with its own session logic
// (mqbench) shares, so that the letters and their meanings stay one.
/// -h, -p, -L and --unix: where the broker is (group Connection).
void add_address_options(CLI::App& app, ClientOptions& options);
/// -k, -u, -P, --connect-timeout and --ws-header: what every connection sends and waits for (group Connection).
void add_connect_options(CLI::App& app, ClientOptions& options);
/// --cafile ... --psk-identity: the TLS group.
void add_tls_options(CLI::App& app, ClientOptions& options);
/// True when any TLS option was given (which turns mqtt:// into mqtts://).
bool tls_requested(const ClientOptions& options);

/// Everything a client needs to connect, from the shared options.
struct ClientSetup {
  net::Url url;
  net::ConnectOptions connect;
  client::ClientConfig config;
  client::ReconnectPolicy reconnect;
  /// -D properties for packets other than CONNECT and the will, keyed by
  /// PropertyScope bit (kInPublish, kInSubscribe, kInDisconnect, ...).
  std::map<std::uint32_t, client::OwnedProperties> packet_properties;
  TraceMode trace = TraceMode::Off;
  bool debug = false;
  /// Reason code of the DISCONNECT we send (5.0; 0x04 asks the broker to publish the will).
  std::uint8_t disconnect_reason = 0;
  /// The topic of a -L mqtt(s)://host/TOPIC URL, as mosquitto reads it; used when -t is not given.
  std::optional<std::string> url_topic;
  /// --auth-command; its step 0 has run when prepare_auth() returned.
  std::optional<AuthCommand> auth_command;

  /// The -D properties for one packet scope (empty when none were given).
  client::OwnedProperties properties_for(std::uint32_t scope) const;
  bool v5() const { return config.version == ProtocolVersion::v5; }
};

/// Builds the setup or returns a usage error message. `app_name` prefixes
/// a generated client identifier where one is needed.
std::variant<ClientSetup, std::string> make_client_setup(const ClientOptions& options, const std::string& app_name);

/// Runs --auth-command's step 0 for CONNECT's Authentication Data, unless
/// --auth-data gave it; the failure that ends the run, if any.
std::optional<Outcome> prepare_auth(ClientSetup& setup);

/// The ENVIRONMENT and URL paragraphs shared by the clients' man pages.
std::vector<std::pair<std::string, std::string>> client_doc_sections();

}  // namespace mq::apps
