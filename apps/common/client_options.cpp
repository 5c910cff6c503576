#include "client_options.hpp"

#include <cstdlib>
#include <arpa/inet.h>
#include <unistd.h>

#include <fmt/format.h>

#include "client_outcome.hpp"
#include "codec/properties.hpp"
#include "codec/validate.hpp"
#include "property_options.hpp"

namespace mq::apps {

namespace {

constexpr const char* kConnection = "Connection";
constexpr const char* kTls = "TLS";
constexpr const char* kSession = "Session";
constexpr const char* kWill = "Will";
constexpr const char* kProperties = "Properties";
constexpr const char* kDiagnostics = "Diagnostics";

/// "Name: value" or "Name=value" into a header pair.
std::optional<std::pair<std::string, std::string>> split_header(const std::string& h) {
  auto at = h.find_first_of(":=");
  if (at == std::string::npos || at == 0) return std::nullopt;
  std::string value = h.substr(at + 1);
  while (!value.empty() && value.front() == ' ') value.erase(0, 1);
  return std::make_pair(h.substr(0, at), value);
}

std::chrono::milliseconds seconds_to_ms(double s) {
  return std::chrono::milliseconds(static_cast<std::int64_t>(s * 1000.0));
}

/// "a, b or c".
std::string join_or(const std::vector<std::string>& items) {
  std::string out;
  for (std::size_t i = 0; i < items.size(); ++i)
    out += (i == 0 ? "" : i + 1 == items.size() ? " or " : ", ") + items[i];
  return out;
}

}  // namespace

std::optional<Outcome> prepare_auth(ClientSetup& setup) {
  if (!setup.auth_command || setup.config.auth_data) return std::nullopt;
  auto initial = setup.auth_command->initial();
  if (auto* failed = std::get_if<Outcome>(&initial)) return std::move(*failed);
  setup.config.auth_data = std::move(std::get<std::optional<std::string>>(initial));
  return std::nullopt;
}

bool tls_requested(const ClientOptions& o) {
  return !o.cafile.empty() || !o.capath.empty() || !o.cert.empty() || o.insecure || !o.tls_version.empty() ||
         !o.alpn.empty() || !o.sni.empty() || !o.ciphers.empty() || !o.tls13_ciphers.empty() || !o.psk.empty();
}

void add_address_options(CLI::App& app, ClientOptions& o) {
  app.add_option("-h,--host", o.host, "Broker host name or address (default localhost, or the host of $MQ_URL)")
      ->group(kConnection);
  app.add_option("-p,--port", o.port, "Broker port (default 1883, 8883 with TLS); with $MQ_URL alone, replaces its port")->group(kConnection);
  app.add_option("-L,--url", o.url,
                 "Broker URL: mqtt://, mqtts://, ws://, wss:// or unix://, with optional user:password@, port "
                 "and path, e.g. mqtts://user:secret@broker:8883; as in mosquitto, the path of an mqtt(s):// URL is the "
                 "topic when -t is not given (default $MQ_URL, else mqtt://localhost:1883)")
      ->group(kConnection);
  app.add_option("--unix", o.unix_path, "Connect over the Unix domain socket at this path")
      ->type_name("PATH")
      ->group(kConnection);
}

void add_connect_options(CLI::App& app, ClientOptions& o) {
  app.add_option("-k,--keepalive", o.keepalive, "Keep alive interval in seconds; 0 disables pings")
      ->capture_default_str()
      ->group(kConnection);
  app.add_option_function<std::string>("-u,--username", [&o](const std::string& v) { o.username = v; },
                                        "User name")
      ->group(kConnection);
  app.add_option_function<std::string>("-P,--pw", [&o](const std::string& v) { o.password = v; }, "Password")
      ->group(kConnection);
  app.add_option("--connect-timeout", o.connect_timeout,
                 "Seconds allowed for resolving, connecting, the TLS and WebSocket handshakes and CONNACK")
      ->capture_default_str()
      ->check(CLI::PositiveNumber)
      ->group(kConnection);
  app.add_option("--ws-header", o.ws_headers, "Extra HTTP header for the WebSocket upgrade, 'Name: value'")
      ->group(kConnection);
}

void add_tls_options(CLI::App& app, ClientOptions& o) {
  app.add_option("--cafile", o.cafile, "Trusted CA certificates (PEM); enables TLS")
      ->check(CLI::ExistingFile)
      ->group(kTls);
  app.add_option("--capath", o.capath, "Directory of hashed trusted CA certificates; enables TLS")
      ->check(CLI::ExistingDirectory)
      ->group(kTls);
  app.add_option("--cert", o.cert, "Client certificate (PEM); needs --key")->check(CLI::ExistingFile)->group(kTls);
  app.add_option("--key", o.key, "Client private key (PEM)")->check(CLI::ExistingFile)->group(kTls);
  app.add_option("--tls-version", o.tls_version, "Lowest TLS version to accept: tlsv1.2 (default) or tlsv1.3")
      ->check(CLI::Validator(
          [](const std::string& v) -> std::string {
            if (v == "tlsv1.2" || v == "tlsv1.3") return {};
            if (v == "tlsv1.1" || v == "tlsv1" || v == "tlsv1.0")
              return v + " is not offered: TLS before 1.2 is deprecated (RFC 8996); use tlsv1.2 or tlsv1.3";
            return v + " is not one of tlsv1.2, tlsv1.3";
          },
          "tlsv1.2|tlsv1.3"))
      ->group(kTls);
  app.add_option("--alpn,--tls-alpn", o.alpn, "ALPN protocol to offer, e.g. mqtt")->group(kTls);
  app.add_option("--sni", o.sni, "Server name to send and to verify (default: the host name)")->group(kTls);
  app.add_flag("--insecure", o.insecure,
               "Do not verify the broker's certificate or host name (says so on stderr)")
      ->group(kTls);
  app.add_option("--ciphers", o.ciphers,
                 "OpenSSL cipher list for TLS 1.2, e.g. ECDHE-RSA-AES128-GCM-SHA256 (see openssl-ciphers(1)); "
                 "enables TLS")
      ->type_name("LIST")
      ->group(kTls);
  app.add_option("--tls13-ciphers", o.tls13_ciphers,
                 "TLS 1.3 ciphersuites separated by colons, e.g. TLS_AES_256_GCM_SHA384; enables TLS")
      ->type_name("LIST")
      ->group(kTls);
  app.add_option("--keyform", o.keyform, "Form of the --key file: pem (OpenSSL engines are not supported)")
      ->type_name("pem|engine")
      ->group(kTls);
  app.add_option("--psk", o.psk, "TLS-PSK: the pre-shared key in hex (no 0x), instead of certificates; needs --psk-identity")
      ->type_name("HEX")
      ->group(kTls);
  app.add_option("--psk-identity", o.psk_identity, "TLS-PSK: the client identity sent with --psk")
      ->group(kTls);
}

void add_client_options(CLI::App& app, ClientOptions& o) {
  add_address_options(app, o);
  app.add_option("-i,--id", o.client_id,
                 "Client identifier (default: none, so the broker assigns one; needed with -c)")
      ->group(kConnection);
  app.add_option("-I,--id-prefix", o.id_prefix, "Client identifier made of this prefix and the process id")
      ->group(kConnection);
  app.add_option("-V,--protocol-version", o.version, "MQTT version")
      ->check(CLI::IsMember({"mqttv5", "mqttv311", "mqttv31", "5", "311", "31"}))
      ->capture_default_str()
      ->group(kConnection);
  add_connect_options(app, o);
  app.add_option("--auth-method", o.auth_method,
                 "Enhanced authentication method for CONNECT (MQTT 5.0), e.g. SCRAM-SHA-1; without --auth-command a "
                 "broker that answers with a further challenge ends the connection (exit 5)")
      ->group(kConnection);
  app.add_option("--auth-command", o.auth_command,
                 "Shell command run for each enhanced authentication step (MQTT 5.0, needs --auth-method): the "
                 "broker's data on its stdin, ours from its stdout (see ENHANCED AUTHENTICATION)")
      ->type_name("CMD")
      ->group(kConnection);
  app.add_option_function<std::string>(
         "--auth-data", [&o](const std::string& v) { o.auth_data = v; },
         "Authentication data for CONNECT (MQTT 5.0, needs --auth-method): text, hex:... or base64:...")
      ->group(kConnection);
  app.add_option("-A,--bind-address", o.bind_address,
                 "Connect from this local IP address, to choose the interface (TCP, WebSocket)")
      ->type_name("ADDRESS")
      ->group(kConnection);
  app.add_option("--proxy", o.proxy,
                 "Reach the broker through this SOCKS5 proxy, socks5h://[user[:password]@]host[:port] (port 1080 "
                 "by default); the proxy resolves the broker's name")
      ->type_name("URL")
      ->group(kConnection);

  add_tls_options(app, o);

  app.add_option("-x,--session-expiry", o.session_expiry,
                 "Session expiry interval in seconds (MQTT 5.0); 'never' or -1 for no expiry")
      ->group(kSession);
  app.add_flag("-c,--disable-clean-session", o.no_clean,
               "Resume the session the broker holds for this client id (needs -i); at 5.0 without -x the "
               "session never expires")
      ->group(kSession);
  app.add_flag("--reconnect", o.reconnect,
               "Reconnect after a lost connection, with growing random delays, resuming the session")
      ->group(kSession);
  app.add_option("--reconnect-delay", o.reconnect_delay, "First reconnect delay in seconds")
      ->capture_default_str()
      ->check(CLI::PositiveNumber)
      ->group(kSession);
  app.add_option("--reconnect-max-delay", o.reconnect_max_delay, "Longest reconnect delay in seconds")
      ->capture_default_str()
      ->check(CLI::PositiveNumber)
      ->group(kSession);

  app.add_option("--will-topic", o.will_topic, "Topic of the will message")->group(kWill);
  app.add_option("--will-payload", o.will_payload, "Payload of the will message")->group(kWill);
  app.add_option("--will-qos", o.will_qos, "QoS of the will message")
      ->check(CLI::IsMember({0, 1, 2}))
      ->group(kWill);
  app.add_flag("--will-retain", o.will_retain, "Retain the will message")->group(kWill);
  auto* will_property = app.add_option("--will-property", o.will_properties,
                                       "Will property (MQTT 5.0) as name=value, e.g. will-delay-interval=30 or "
                                       "content-type=text/plain")
                            ->group(kWill);
  set_completion_hint(will_property, property_completion(kInWill));

  app.add_option("--disconnect-reason", o.disconnect_reason,
                 "Reason code of the DISCONNECT sent at the end (MQTT 5.0), e.g. 0x04 to have the broker publish "
                 "the will; -D disconnect NAME VALUE adds properties")
      ->group(kProperties);
  auto* connect_property = app.add_option("--connect-property", o.connect_properties,
                                          "CONNECT property (MQTT 5.0) as name=value, e.g. user-property=site=berlin "
                                          "or request-problem-information=1")
                               ->group(kProperties);
  set_completion_hint(connect_property, property_completion(kInConnect));
  // One callback per occurrence (trigger_on_parse), so that every -D keeps
  // its own words: 3 for most properties, 4 for a user property.
  auto* define = app.add_option_function<std::vector<std::string>>(
                         "-D,--define",
                         [&o](const std::vector<std::string>& words) { o.command_properties.push_back(words); },
                         fmt::format("Property for a packet, as mosquitto's -D, repeatable: COMMAND NAME VALUE, or "
                                     "COMMAND user-property KEY VALUE, where COMMAND is {} and NAME a property name "
                                     "such as content-type; binary values take hex: or base64: prefixes",
                                     join_or(define_commands())))
                      ->expected(3, 4)
                      ->trigger_on_parse()
                      ->type_name("COMMAND NAME VALUE")
                      ->group(kProperties);
  set_completion_hint(define, define_completion());

  app.add_flag_callback("--quiet", [] { set_quiet(true); },
                        "Print no error or warning messages on stderr; the exit status still tells what happened")
      ->group(kDiagnostics);
  app.add_flag("--nodelay", o.nodelay,
               "Accepted for mosquitto compatibility: Nagle's algorithm is always off (TCP_NODELAY)")
      ->group(kConnection);
  app.add_flag("-d,--debug", o.debug, "Print each packet sent and received as one line on stderr")
      ->group(kDiagnostics);
  app.add_option("--trace", o.trace,
                 "Print every packet sent and received on stderr as mqdump does: a field tree (text) or NDJSON")
      ->check(CLI::IsMember({"text", "json"}))
      ->group(kDiagnostics);
}

client::OwnedProperties ClientSetup::properties_for(std::uint32_t scope) const {
  auto it = packet_properties.find(scope);
  return it == packet_properties.end() ? client::OwnedProperties{} : it->second;
}

std::variant<ClientSetup, std::string> make_client_setup(const ClientOptions& o, const std::string& app_name) {
  ClientSetup s;

  // Where to connect: -L, else -h/--unix, else $MQ_URL, else localhost.
  const char* env = std::getenv(kUrlEnv);
  // -p alone keeps $MQ_URL's host, scheme and credentials and changes the port.
  const bool flags_given = !o.host.empty() || o.port != 0 || !o.unix_path.empty();
  const bool place_given = !o.host.empty() || !o.unix_path.empty();
  std::string url_text = o.url;
  std::string url_origin = "-L";
  if (url_text.empty() && !place_given && env && *env) {
    url_text = env;
    url_origin = std::string("$") + kUrlEnv;
  }
  if (!url_text.empty()) {
    if (flags_given && !o.url.empty()) return std::string("-L cannot be combined with -h, -p or --unix");
    // mosquitto's -L mqtt(s)://[user[:password]@]host[:port]/topic: the path is the topic.
    if (!o.url.empty() && (url_text.rfind("mqtt://", 0) == 0 || url_text.rfind("mqtts://", 0) == 0)) {
      const auto slash = url_text.find('/', url_text.find("://") + 3);
      if (slash != std::string::npos) {
        if (slash + 1 < url_text.size()) s.url_topic = url_text.substr(slash + 1);
        url_text.resize(slash);
      }
    }
    auto parsed = net::parse_url(url_text);
    if (!parsed) return fmt::format("{} '{}': {}", url_origin, url_text, to_string(parsed.error()));
    s.url = parsed.value();
  } else if (!o.unix_path.empty()) {
    s.url.scheme = net::Scheme::Unix;
    s.url.path = o.unix_path;
  } else {
    s.url.scheme = net::Scheme::Mqtt;
    s.url.host = o.host.empty() ? "localhost" : o.host;
    s.url.port = 0;
  }

  const bool tls_asked = tls_requested(o);
  if (tls_asked && s.url.scheme == net::Scheme::Mqtt) s.url.scheme = net::Scheme::Mqtts;
  if (tls_asked && s.url.scheme == net::Scheme::Ws) s.url.scheme = net::Scheme::Wss;
  if (tls_asked && s.url.scheme == net::Scheme::Unix) return std::string("TLS options cannot be used with a Unix socket");
  if (o.port != 0) {
    if (s.url.scheme == net::Scheme::Unix) return std::string("-p cannot be used with a Unix socket");
    s.url.port = o.port;
  } else if (s.url.port == 0 && s.url.scheme != net::Scheme::Unix) {
    s.url.port = net::default_port(s.url.scheme);
  }

  if (!o.cert.empty() != !o.key.empty()) return std::string("--cert and --key must be given together");
  auto& tls = s.connect.tls;
  tls.ca_file = o.cafile;
  tls.ca_dir = o.capath;
  tls.cert_file = o.cert;
  tls.key_file = o.key;
  tls.server_name = o.sni;
  tls.alpn = o.alpn;
  tls.insecure = o.insecure;
  tls.min_version = o.tls_version == "tlsv1.3" ? net::TlsVersion::Tls13 : net::TlsVersion::Tls12;
  tls.ciphers = o.ciphers;
  tls.tls13_ciphers = o.tls13_ciphers;
  if (!o.keyform.empty() && o.keyform != "pem")
    return o.keyform == "engine"
               ? std::string("--keyform engine: OpenSSL engines are not supported (deprecated since OpenSSL 3); "
                             "give the key as a PEM file")
               : fmt::format("--keyform '{}': the key form is pem", o.keyform);
  if (!o.psk.empty() || !o.psk_identity.empty()) {
    if (o.psk.empty() || o.psk_identity.empty()) return std::string("--psk and --psk-identity must be given together");
    if (!o.cafile.empty() || !o.capath.empty() || !o.cert.empty())
      return std::string("--psk replaces certificates: not with --cafile, --capath or --cert");
    std::string error;
    auto key = decode_bytes(o.psk, "hex", &error);
    if (!key || key->empty()) return "--psk: " + (key ? std::string("the key is empty") : error);
    tls.psk_key = std::move(*key);
    tls.psk_identity = o.psk_identity;
  }
  if (!o.bind_address.empty()) {
    in6_addr any{};
    if (::inet_pton(AF_INET, o.bind_address.c_str(), &any) != 1 &&
        ::inet_pton(AF_INET6, o.bind_address.c_str(), &any) != 1)
      return fmt::format("-A '{}': not an IP address (give the address of a local interface)", o.bind_address);
    if (s.url.scheme == net::Scheme::Unix) return std::string("-A cannot be used with a Unix socket");
    s.connect.source_address = o.bind_address;
  }
  if (!o.proxy.empty()) {
    if (s.url.scheme == net::Scheme::Unix) return std::string("--proxy cannot be used with a Unix socket");
    std::string error;
    auto proxy = net::parse_proxy_url(o.proxy, &error);
    if (!proxy) return fmt::format("--proxy '{}': {}", o.proxy, error);
    s.connect.proxy = std::move(*proxy);
  }
  for (const auto& h : o.ws_headers) {
    auto pair = split_header(h);
    if (!pair) return fmt::format("--ws-header '{}' is not of the form 'Name: value'", h);
    s.connect.ws_headers.push_back(std::move(*pair));
  }
  s.connect.timeout = seconds_to_ms(o.connect_timeout);

  auto& c = s.config;
  c.version = *parse_version(o.version);
  const bool v5 = c.version == ProtocolVersion::v5;
  c.client_id = o.client_id;
  if (!o.id_prefix.empty()) {
    if (!o.client_id.empty()) return std::string("-i and -I cannot be used together");
    c.client_id = fmt::format("{}{}", o.id_prefix, ::getpid());
  }
  if (o.no_clean && c.client_id.empty())
    return std::string("-c (resume a session) needs a client identifier: give one with -i");
  if (c.client_id.empty() && c.version == ProtocolVersion::v31)
    c.client_id = fmt::format("{}-{}", app_name, ::getpid());  // 3.1 does not allow an empty identifier
  c.clean_start = !o.no_clean;
  c.keep_alive = o.keepalive;
  c.connect_timeout = seconds_to_ms(o.connect_timeout);
  if (!o.session_expiry.empty()) {
    if (!v5) return std::string("-x (session expiry) needs MQTT 5.0 (-V mqttv5)");
    if (o.session_expiry == "never" || o.session_expiry == "-1" || o.session_expiry == "∞") {
      c.session_expiry_interval = 0xFFFFFFFF;
    } else {
      char* end = nullptr;
      unsigned long long v = std::strtoull(o.session_expiry.c_str(), &end, 10);
      if (o.session_expiry.empty() || *end != '\0' || v > 0xFFFFFFFFull || o.session_expiry[0] == '-')
        return fmt::format("-x '{}' is not a number of seconds from 0 to 4294967295 or 'never'", o.session_expiry);
      c.session_expiry_interval = static_cast<std::uint32_t>(v);
    }
  } else if (o.no_clean && v5) {
    c.session_expiry_interval = 0xFFFFFFFF;
  }

  // Credentials: flags win over the URL's.
  c.username = o.username ? o.username : s.url.user;
  c.password = o.password ? o.password : s.url.password;
  if (c.password && !c.username && c.version != ProtocolVersion::v5)
    return std::string("a password needs a user name before MQTT 5.0 (-u)");

  // Enhanced authentication.
  if (!o.auth_method.empty()) {
    if (!v5) return std::string("--auth-method needs MQTT 5.0 (-V mqttv5)");
    c.auth_method = o.auth_method;
  }
  if (o.auth_data) {
    if (!c.auth_method) return std::string("--auth-data needs --auth-method");
    std::string error;
    auto bytes = parse_binary_value(*o.auth_data, &error);
    if (!bytes) return "--auth-data: " + error;
    c.auth_data = std::move(*bytes);
  }
  if (!o.auth_command.empty()) {
    if (!c.auth_method) return std::string("--auth-command needs --auth-method");
    // The command's time counts towards the connect timeout: CONNACK is
    // not sent before the exchange ends.
    s.auth_command.emplace(o.auth_command, o.auth_method, seconds_to_ms(o.connect_timeout));
  }

  // The will.
  if (!o.will_topic.empty()) {
    client::Message will;
    will.topic = o.will_topic;
    will.payload = o.will_payload;
    will.qos = static_cast<QoS>(o.will_qos);
    will.retain = o.will_retain;
    for (const auto& p : o.will_properties)
      if (auto bad = add_property_assignment(will.properties, p, kInWill, "the will"))
        return "--will-property: " + *bad;
    c.will = std::move(will);
  } else if (!o.will_payload.empty() || o.will_qos != 0 || o.will_retain || !o.will_properties.empty()) {
    return std::string("will options need --will-topic");
  }
  if (!v5 && (c.will && !c.will->properties.empty()))
    return std::string("--will-property needs MQTT 5.0 (-V mqttv5)");

  for (const auto& p : o.connect_properties)
    if (auto bad = add_property_assignment(c.connect_properties, p, kInConnect, "CONNECT"))
      return "--connect-property: " + *bad;

  // -D COMMAND NAME VALUE, as mosquitto: the properties go to that packet.
  for (const auto& words : o.command_properties) {
    if (words.size() < 3) return std::string("-D needs COMMAND NAME VALUE");
    const std::string& command = words[0];
    const std::string& name = words[1];
    const std::string& value = words[2];
    const std::uint32_t scope = scope_for_command(command);
    if (scope == 0) return fmt::format("-D: unknown command '{}'", command);
    client::OwnedProperties* target = nullptr;
    if (scope == kInConnect) target = &c.connect_properties;
    else if (scope == kInWill) {
      if (!c.will) return std::string("-D will ...: no will message (--will-topic)");
      target = &c.will->properties;
    } else {
      target = &s.packet_properties[scope];
    }
    const PropertyInfo* info = find_property(name);
    std::optional<std::string> bad;
    if (info && info->id == PropertyId::UserProperty) {
      // mosquitto's form is -D publish user-property KEY VALUE; one word
      // KEY=VALUE is accepted too, as --user-property takes it.
      if (words.size() == 4) target->add_user(words[2], words[3]);
      else if (value.find('=') != std::string::npos) bad = add_user_property(*target, value);
      else bad = fmt::format("user-property needs a key and a value: -D {} user-property KEY VALUE", command);
    } else if (words.size() == 4) {
      bad = fmt::format("{} takes one value, not two ('{}' '{}')", name, words[2], words[3]);
    } else {
      bad = add_property(*target, name, value, scope, command);
    }
    if (bad) return "-D: " + *bad;
  }
  if (!o.disconnect_reason.empty()) {
    if (!v5) return std::string("--disconnect-reason needs MQTT 5.0 (-V mqttv5)");
    char* end = nullptr;
    const unsigned long code = std::strtoul(o.disconnect_reason.c_str(), &end, 0);
    if (end == o.disconnect_reason.c_str() || *end != '\0' || code > 0xFF)
      return fmt::format("--disconnect-reason '{}' is not a number 0..255 (0x04 or 4)", o.disconnect_reason);
    s.disconnect_reason = static_cast<std::uint8_t>(code);
  }
  // The DISCONNECT is built only at the end of the run: check it now.
  Packet disconnect{std::in_place_type<Disconnect>};
  std::get<Disconnect>(disconnect).reason_code = s.disconnect_reason;
  const client::OwnedProperties disconnect_props = s.properties_for(kInDisconnect);
  std::get<Disconnect>(disconnect).properties = disconnect_props.view();
  if (v5)
    if (auto bad = validate(disconnect, c.version)) return "DISCONNECT (--disconnect-reason, -D disconnect): " + to_string(*bad);
  const bool any_properties = !c.connect_properties.empty() || !s.packet_properties.empty();
  if (!v5 && any_properties) return std::string("properties need MQTT 5.0 (-V mqttv5)");
  // Fields the session writes from its own settings must not come twice.
  if (const auto* p = c.connect_properties.find(PropertyId::SessionExpiryInterval)) {
    c.session_expiry_interval = p->number;
    c.connect_properties.remove(PropertyId::SessionExpiryInterval);
  }
  // Our own limits are announced and enforced from one place: a limit given
  // as a CONNECT property becomes the session's, or the session would
  // advertise one value and hold the broker to another.
  if (const auto* p = c.connect_properties.find(PropertyId::TopicAliasMaximum)) {
    c.topic_alias_maximum = static_cast<std::uint16_t>(p->number);
    c.connect_properties.remove(PropertyId::TopicAliasMaximum);
  }
  if (const auto* p = c.connect_properties.find(PropertyId::ReceiveMaximum)) {
    c.receive_maximum = static_cast<std::uint16_t>(p->number);
    c.connect_properties.remove(PropertyId::ReceiveMaximum);
  }
  if (const auto* p = c.connect_properties.find(PropertyId::MaximumPacketSize)) {
    c.maximum_packet_size = p->number;
    c.connect_properties.remove(PropertyId::MaximumPacketSize);
  }

  s.reconnect.enabled = o.reconnect;
  s.reconnect.initial = seconds_to_ms(o.reconnect_delay);
  s.reconnect.maximum = seconds_to_ms(std::max(o.reconnect_max_delay, o.reconnect_delay));
  s.trace = o.trace == "text" ? TraceMode::Text : o.trace == "json" ? TraceMode::Json : TraceMode::Off;
  s.debug = o.debug;
  return s;
}

std::vector<std::pair<std::string, std::string>> client_doc_sections() {
  return {
      {"FILES",
       "$XDG_CONFIG_HOME/mq/mqpub and $XDG_CONFIG_HOME/mq/mqsub (~/.config/mq/... without XDG_CONFIG_HOME) hold "
       "default options, read before the command line as mosquitto_pub/sub read $XDG_CONFIG_HOME/mosquitto_pub: "
       "one option per line with its argument as on the command line (the rest of the line is one argument, "
       "except for -D), # starts a comment. --profile NAME adds $XDG_CONFIG_HOME/mq/profiles/NAME, a saved "
       "connection (host, port, TLS files, credentials). An option given on the command line replaces the same "
       "option from a file; repeatable options (-t, -D, --user-property) add up."},
      {"BROKER ADDRESS",
       "The broker is given as a URL with -L, or with -h and -p, or with --unix. Without any of them the URL in "
       "the environment variable MQ_URL is used, else mqtt://localhost:1883.\n\n"
       "URL schemes: mqtt:// (TCP, port 1883), mqtts:// (TLS, port 8883), ws:// (WebSocket, port 80, path "
       "/mqtt), wss:// (WebSocket over TLS, port 443) and unix:///path/to/socket. A URL may carry "
       "user:password@ (percent-encoded); -u and -P take precedence. Any TLS option turns mqtt:// into "
       "mqtts:// and ws:// into wss://."},
      {"ENVIRONMENT", "MQ_URL\n\n  the broker URL used when neither -L nor -h, -p or --unix is given\n\n"
                      "NO_COLOR\n\n  when set, --trace text writes no colour even on a terminal"},
      {"PROPERTIES",
       "MQTT 5.0 properties are named as in the specification's property table, in lower case with dashes "
       "(content-type, message-expiry-interval, correlation-data, ...), by their specification name, or by "
       "their identifier (0x03). Integer values are decimal or 0x hex. Binary values (correlation-data, "
       "authentication-data) are text, or bytes written hex:0a0b0c or base64:CgsM; text: keeps a value that "
       "starts with one of these prefixes as text. User properties are written name=value, may repeat, and "
       "keep their order."},
      {"ENHANCED AUTHENTICATION",
       "--auth-method names the MQTT 5.0 authentication method of CONNECT. --auth-data gives fixed data for "
       "CONNECT; --auth-command CMD runs CMD with /bin/sh -c for each step of a longer exchange (SCRAM and "
       "the like):\n\n"
       "  MQ_AUTH_PACKET=CONNECT  before connecting, unless --auth-data is given: stdin is empty, stdout is\n"
       "                          CONNECT's Authentication Data (none when nothing is written)\n"
       "  MQ_AUTH_PACKET=AUTH     for each AUTH 0x18 (Continue authentication) from the broker: stdin holds its\n"
       "                          Authentication Data, stdout is the data of our AUTH 0x18 answer\n"
       "  MQ_AUTH_PACKET=CONNACK  when CONNACK carries Authentication Data (the server's final proof): stdin\n"
       "                          holds it, stdout is ignored, and a non-zero exit ends the run unused\n\n"
       "Data is raw bytes in both directions, with no framing: stdin ends at end of file, and everything "
       "written to stdout is the data, byte for byte (a newline from echo is data too: use printf). "
       "MQ_AUTH_STEP counts the runs from 0 and MQ_AUTH_METHOD holds the method; the command's stderr is the "
       "client's. A command that exits with a status other than 0, dies or outlives --connect-timeout ends the "
       "run with status 5, as a refused connection does. With --reconnect, the data of step 0 is sent in every "
       "CONNECT."},
  };
}

}  // namespace mq::apps
