#include "cli.hpp"

#include "exit_codes.hpp"
#include "lint/lint_rules.hpp"

#include <fmt/format.h>

namespace mq::mqdump {

apps::AppDoc documentation() {
  apps::AppDoc doc;
  doc.name = "mqdump";
  doc.summary = "decode MQTT packets from hex dumps, base64 or raw bytes, or between live clients and a broker";
  doc.description =
      "mqdump reads MQTT control packets and shows every field with its offset, its bytes and its decoded "
      "value, or writes one JSON object per packet. It reads what people paste: plain or spaced hex, colon or "
      "comma separated hex, 0x and \\x prefixes, C arrays (xxd -i), xxd, hexdump -C, Wireshark \"Copy as Hex "
      "Dump\" and tshark -x output (offset and ASCII columns are skipped; whole frames from tshark -x and "
      "tcpdump -xx are read to their TCP payload), plain hexdump and od -x word dumps (in byte order), base64, "
      "and raw binary files. The "
      "shape is detected; --input forces one.\n"
      "\n"
      "Input comes from the arguments (each one a line of text), from files given with -f (- is standard "
      "input), or from standard input when neither is given. Several packets may follow each other.\n"
      "\n"
      "Decoding is strict: reserved bits, lengths, UTF-8, topic rules, properties and reason codes are "
      "checked, and the first problem is reported with the packet number, its offset, the field, what is "
      "wrong and the specification rule, e.g. [MQTT-3.3.2-2]. A CONNECT at protocol level 0x83 or 0x84, as "
      "mosquitto bridges send it, decodes as 3.1 or 3.1.1 and is labelled as a bridge.\n"
      "\n"
      "--lenient reads like a dissector: every rule a packet breaks is listed (\"violation: packet 1, offset "
      "6 (input offset 6), topic name: ... [MQTT-3.3.2-2]\" after the packet's tree, a \"violations\" list in "
      "JSON) and decoding goes on through the packet: reserved flags, UTF-8 and topic rules, packet "
      "identifier 0, reason codes, property rules and CONNECT flag rules. It still stops where the bytes stop "
      "making sense: a length that runs past the packet, an unknown property identifier, QoS 3, a packet cut "
      "short. The exit status is 1 when any packet broke a rule. It applies to hex, raw and capture input, and "
      "to the proxy's traffic, which is still forwarded unchanged.\n"
      "\n"
      "The protocol level is taken from a CONNECT anywhere in the input, else from -V. Without either, each "
      "packet is tried at 3.1.1 and 5.0: when only one level decodes it, that level is used (and shown as "
      "guessed); when both do, mqdump asks for -V.\n"
      "\n"
      "Passwords and authentication data are masked unless --show-secrets is given. --encode turns JSON back "
      "into the exact bytes; it refuses masked values.\n"
      "\n"
      "mqdump also reads the conversations in pcap and pcapng captures (tcpdump, tshark, Wireshark), named as "
      "arguments, with -f, or on standard input, and captures live with --interface; see CAPTURES.";
  doc.exit_codes = {
      {code(Exit::Ok), "every packet was decoded (or encoded)"},
      {code(Exit::DecodeFailed), "a packet failed to decode (with --keep-going: at least one did)"},
      {code(Exit::Usage), "the command line is wrong"},
      {code(Exit::BadInput),
       "the input cannot be read: a missing file, a bad hex or base64 character, no bytes at all, or (with "
       "--encode) a line that is not a packet in JSON; a capture that cannot be read, has no MQTT traffic on the "
       "broker ports, or an interface that cannot be captured on"},
      {code(Exit::WriteFailed), "the output could not be written; a reader that closes the pipe early is not "
                                "an error"},
      {code(Exit::LintFindings), "--lint reported at least one finding, and every packet decoded"},
  };
  doc.sections = {
      {"JSON OUTPUT",
       "With --json, each packet is one JSON object on one line. Common fields: packet (its number, from 1), "
       "offset (of its first byte in the input), length (bytes, fixed header included), type (\"CONNECT\", "
       "\"PUBLISH\", ...), version (\"3.1\", \"3.1.1\" or \"5.0\"; absent for PINGREQ/PINGRESP when unknown) and "
       "version_guessed (true when no CONNECT or -V gave the level).\n"
       "\n"
       "Then the packet's fields: protocol_name, protocol_level, bridge (only when set: level 0x83 or 0x84, a "
       "mosquitto-style bridge; protocol_level is then 3 or 4), clean_start, reserved_flag (only when set), "
       "keep_alive, client_id, will {topic, qos, retain, properties, payload}, username and password "
       "(CONNECT); session_present (CONNACK); dup, qos, retain, topic, packet_id (when qos > 0), payload "
       "(PUBLISH); packet_id (acks, SUBSCRIBE, SUBACK, UNSUBSCRIBE, UNSUBACK); subscriptions [{filter, qos, "
       "no_local, retain_as_published, retain_handling}] (SUBSCRIBE); filters (UNSUBSCRIBE).\n"
       "\n"
       "Binary fields (payload, password, will payload, correlation-data, authentication-data) always come "
       "with a sibling NAME_encoding: \"utf-8\" when the bytes are valid UTF-8 and are written as a JSON "
       "string, \"base64\" otherwise, \"masked\" for a hidden secret (value \"***\", plus NAME_length). A "
       "text field carries NAME_encoding only when its bytes are not valid UTF-8 (then \"base64\").\n"
       "\n"
       "reason_code is the number and reason_name its name; SUBACK and UNSUBACK have reason_codes, a list of "
       "{code, name}. At 3.1 and 3.1.1 the CONNACK and SUBACK return codes use the same fields.\n"
       "\n"
       "properties (5.0) is an object keyed by property name as on the command line (content-type, "
       "message-expiry-interval, ...), in wire order. user-property is a list of [key, value] pairs, "
       "duplicates and order kept; subscription-identifier is a list. When the wire order interleaves "
       "properties, property_order lists the keys in wire order.\n"
       "\n"
       "tail (5.0 PUBACK, PUBREC, PUBREL, PUBCOMP, DISCONNECT, AUTH) says how much of the optional reason code "
       "and property length was on the wire: \"shortest\", \"reason-only\" or \"full\"; with it, --encode "
       "rebuilds the same bytes.\n"
       "\n"
       "With --lenient, a packet that breaks rules carries violations, a list of {kind, offset, field, message, "
       "rule}, in wire order (in captures also hex, the packet's bytes)."},
      {"PROXY",
       "--proxy ADDRESS --to BROKER accepts MQTT clients and connects each one to the broker, forwarding every "
       "byte unchanged both ways, and shows every packet as it passes: the tree or (--json) one object per line, "
       "each headed by the time (UTC, microseconds), the connection number, the direction (c->s or s->c) and "
       "both ends. Each direction is framed on its own and decoded at the level of the connection's CONNECT. "
       "The listening address is reported on standard error as \"proxy listening on URL, forwarding to URL\"; "
       "with port 0 it carries the port chosen. A bare port listens on 127.0.0.1 only.\n"
       "\n"
       "The proxy never changes what it forwards. A packet that breaks a rule is shown with its error and rule, "
       "and forwarded as it is. When a direction cannot be framed any more (a reserved packet type, a broken "
       "remaining length, a packet above --max-packet-size), the proxy says so once and forwards the rest of "
       "that direction unread; the other direction is still shown.\n"
       "\n"
       "Transports: mqtt:// and unix:// on either side; ws:// and wss:// and mqtts:// on either side, "
       "terminated at the proxy and opened again towards the broker: the listener takes --certfile and "
       "--keyfile, the connection to the broker --cafile, --capath, --cert, --key and --insecure (any of them "
       "turns mqtt:// into mqtts:// and ws:// into wss://, as mosquitto's --cafile does). A broker that cannot "
       "be reached closes the client's connection, with a note on standard error.\n"
       "\n"
       "Mutual TLS, as mosquitto's listener does it with cafile and require_certificate: with --client-cafile "
       "the TLS listener asks every client for a certificate and verifies the one it sends against those CAs; "
       "--require-certificate also refuses a client that sends none. A client refused at the handshake gets a "
       "connection number and one line on standard error with OpenSSL's reason (\"connection 3: connection from "
       "127.0.0.1:50312 refused before MQTT: ...\"); nothing is forwarded to the broker. A verified "
       "certificate's subject (RFC 2253, \"CN=dev-1,O=Acme\") is shown where the connection opens: \"connection "
       "1 opened: CLIENT -> BROKER, client certificate SUBJECT\" in the tree, \"certificate_subject\" in the "
       "{\"event\": \"start\"} object with --json, and in the \"connection from\" note.\n"
       "\n"
       "Back-pressure: when more than --buffer bytes wait for a side that does not read, the proxy stops "
       "reading the other side until half of them are gone, so its memory stays bounded by about --buffer "
       "plus one read (256 KiB) per direction and connection.\n"
       "\n"
       "--client-id, --type and -t choose what is shown, never what is forwarded. -t matches PUBLISH topics and "
       "SUBSCRIBE and UNSUBSCRIBE filters (a filter is shown when it is equal to, inside or around the one "
       "asked for), and brings the acknowledgements of what it shows along. The proxy runs until --connections "
       "connections have ended, -W seconds have passed, SIGINT or SIGTERM arrives, or the reader of the "
       "output goes away; then it closes the connections still open, after sending what is queued. The exit "
       "status is 1 when a packet failed to decode, whether it was shown or not.\n"
       "\n"
       "Faults, for testing clients: --delay, --drop-after, --cut-after and --hold. With any of them the proxy "
       "forwards packet by packet instead of as the bytes arrive (a packet goes on once it is complete); "
       "packets are counted per connection in both directions, and bytes that cannot be framed count as one "
       "packet. --hold and --drop-after drop packets silently and keep the connection open; --cut-after closes "
       "both sides (after what was forwarded) instead of forwarding packet N+1. Each kind of drop is noted once on standard error. Every "
       "packet is shown (or summarised, or linted) as it arrived at the proxy, forwarded or not."},
      {"SUMMARY",
       "--summary reads the whole conversation and prints, when it ends: per client (by client id; a 5.0 "
       "client with an empty id under the id the broker assigned) the connections and the packets and bytes "
       "sent and received, by type; every exchange that never completed (a CONNECT without CONNACK, a PUBLISH "
       "without PUBACK or PUBREC, a PUBREC without PUBREL, a PUBREL without PUBCOMP, a SUBSCRIBE or "
       "UNSUBSCRIBE without its acknowledgement); keep-alive gaps (a client silent for more than one and a "
       "half times its keep alive, or the Server Keep Alive of the CONNACK, after which a broker closes the "
       "connection [MQTT-3.1.2-24]); takeovers (a CONNECT with a client id that another open connection "
       "uses); and every protocol violation with its rule: packets that do not decode, a first packet that "
       "is not CONNECT [MQTT-3.1.0-1], a second CONNECT [MQTT-3.1.0-2], a packet identifier reused while in "
       "flight [MQTT-2.3.1-2] (5.0: [MQTT-2.2.1-3]; a PUBLISH with DUP set is a resend, not a reuse), and "
       "packets sent by the wrong side. With --json each finding is one object with a \"kind\": client, "
       "never_completed, keep_alive_gap, takeover or violation."},
      {"CAPTURES",
       "A file is read as a capture when it starts with a pcap or pcapng magic number; captures cannot be mixed "
       "with hex or raw input in one run. Link types: Ethernet (with a VLAN tag), Linux cooked capture v1 and v2 "
       "(-i any), BSD loopback and null, raw IPv4 and IPv6. IP fragments are skipped and counted. An IPv4 total "
       "length of 0, which TSO shows in captures on the sending host, is read to the frame's end, as Wireshark "
       "does.\n"
       "\n"
       "TCP segments to or from a broker port (1883 and 8883 unless --port is given; the other end is the client) "
       "are sorted into connections, numbered from 1 in the order they are first seen, and each direction is "
       "reassembled: retransmitted and overlapping bytes are read once, segments that arrive early wait for the "
       "hole before them. A hole that never fills is given up when 1 MiB or 1024 segments wait behind it, or when "
       "the connection or the capture ends: the missing bytes are reported in a note and the stream goes on "
       "after them. A connection ends on a reset, on a FIN from both ends, when a new SYN reuses its ports, and at "
       "the end of the capture.\n"
       "\n"
       "A connection that opens with an HTTP request carrying \"Upgrade: websocket\" (and an answer with status "
       "101) is MQTT over WebSocket: the frames are unwrapped, a packet may span several frames. TLS is not "
       "decrypted: port 8883 is read as plain MQTT, as test setups and TLS-terminating proxies carry it.\n"
       "\n"
       "When the start of a stream was not captured, or its framing is lost (missing bytes, a broken fixed "
       "header), mqdump resynchronises on the first plausible packet: a fixed header with the flags its type "
       "requires, whose packet decodes strictly at 3.1.1 or 5.0 and is followed by another fixed header or by "
       "the end of the data; the bytes skipped are reported in a note. While resynchronising, candidates longer "
       "than 64 KiB are passed over. Packets larger than 16 MiB are skipped, not buffered. A WebSocket stream "
       "whose framing is lost is not decoded further.\n"
       "\n"
       "Each connection's protocol level is taken from its CONNECT; without one, from -V, else from the only "
       "level that decodes a packet. Every packet is shown with its capture time (ISO 8601, UTC, microseconds), "
       "its connection, its direction (c->s, s->c) and both addresses; packets are numbered within their "
       "connection and their offset counts the bytes their sender sent. With --json each object starts with "
       "time, connection, direction, client and server; a packet that does not decode carries an error object "
       "{kind, offset, field, message, rule} and its bytes as hex; a connection's end is "
       "{\"time\", \"connection\", \"event\": \"end\", \"how\"} (the proxy also shows where a connection "
       "opens: {\"time\", \"connection\", \"event\": \"start\", \"client\", \"server\"}). Notes go to "
       "standard error, prefixed \"mqdump: note:\". A packet that fails to decode does not stop the capture; the exit status is then 1.\n"
       "\n"
       "--interface captures live (root or CAP_NET_RAW is needed), only the broker ports, and prints each packet "
       "as it passes. \"mqdump: listening on IFACE\" on standard error says when the capture has started. It "
       "stops after -C packets, after -W seconds, on Ctrl-C or SIGTERM (open connections are then reported as "
       "ended), or when the reader of its output goes away."},
      {"LINT RULES", lint::lint_rules_man_text() + "\n\n"
       "--lint reads the conversation of --proxy or of captures (every packet that decodes; violations are "
       "--summary's), or the NDJSON records mqsub --json writes (each line a received message, whose publisher "
       "is unknown: only the topic, payload, retain and property rules apply; the input is read to its end). "
       "Findings are written as they are made, as two lines of text (the rule, the topic, what was seen and "
       "the evidence; then the advice) or, with --json, one object: rule, group, time, client_id, connection, "
       "packet, type, direction, topic (each when known), detail and advice. The exit status is 5 when there "
       "was a finding."},
      {"ENCODING",
       "--encode reads JSON objects, one per line, as --json writes them, and writes each packet's bytes; "
       "--hex writes them as hex, one packet per line. A key that is not a field of the packet (a typo such as "
       "\"qoss\") is refused; the informational keys of --json (packet, offset, length, reason_name, "
       "version_guessed, *_length) are ignored; absent fields take defaults (QoS 0, no flags, empty strings). "
       "Each packet is checked against the rules of its protocol level (QoS 3, a wildcard in a topic name, "
       "packet identifier 0, properties before 5.0, ...) and refused with the rule it breaks, unless "
       "--allow-invalid asks for a malformed packet on purpose. The level comes from each object's version, "
       "else from the last CONNECT encoded, else from -V. Binary output to a terminal is refused; use --hex or "
       "redirect it."},
  };
  doc.examples = {
      {"mqdump 100c00044d5154540402003c0000", "Show a 3.1.1 CONNECT field by field."},
      {"mqdump -V 5 '40 03 00 01 87'", "A 5.0 PUBACK with reason code 0x87 (Not authorized)."},
      {"xxd capture.bin | mqdump", "Decode an xxd dump; the offset and ASCII columns are skipped."},
      {"mqdump -f capture.bin --json | jq .type", "One JSON object per packet of a raw capture."},
      {"mqdump --json --show-secrets -f in.hex | mqdump --encode > out.bin",
       "Rebuild the exact bytes from the JSON."},
      {"mqdump --keep-going -f stream.hex", "Report bad packets and go on with the next one."},
      {"mqdump --proxy 1884 --to localhost:1883", "Show every packet between the clients of port 1884 and a broker."},
      {"mqdump --proxy 0 --to mqtts://broker:8883 --cafile ca.pem --json -t 'sensors/#'",
       "A proxy on a free port towards a TLS broker, showing the sensors topics as NDJSON."},
      {"mqdump capture.pcapng", "Every MQTT packet of a tcpdump or Wireshark capture, by connection."},
      {"zcat capture.pcap.gz | mqdump --json", "A capture from standard input, one JSON object per packet."},
      {"mqdump -i lo --port 1884 -C 10", "Capture the next ten packets to or from a broker on port 1884."},
  };
  return doc;
}

namespace {

constexpr const char* kProxy = "Proxy";

void define_proxy_options(CLI::App& app, Config& config) {
  ProxyConfig& p = config.proxy;
  auto* listen = app.add_option("--proxy", p.listen,
                                "Accept clients on ADDRESS and forward them to --to, showing every packet: a URL "
                                "(mqtt, mqtts, ws, wss, unix), HOST:PORT, a port on 127.0.0.1 (0: any free port) "
                                "or a socket path")
                     ->type_name("ADDRESS")
                     ->group(kProxy);
  auto* to = app.add_option("--to", p.upstream, "The broker the proxy forwards to (same forms as --proxy)")
                 ->type_name("ADDRESS")
                 ->group(kProxy);
  listen->needs(to);
  to->needs(listen);
  auto proxy_only = [&](CLI::Option* o) { o->needs(listen)->group(kProxy); };
  proxy_only(app.add_option("--certfile", p.certfile, "Certificate (PEM) of the proxy's TLS listener")
                 ->check(CLI::ExistingFile));
  proxy_only(app.add_option("--keyfile", p.keyfile, "Private key (PEM) of the proxy's TLS listener")
                 ->check(CLI::ExistingFile));
  proxy_only(app.add_option("--client-cafile", p.client_cafile,
                            "CA certificates (PEM) that sign the clients' certificates: the TLS listener asks each "
                            "client for one, verifies it and shows its subject")
                 ->check(CLI::ExistingFile));
  proxy_only(app.add_flag("--require-certificate", p.require_certificate,
                          "Refuse clients without a valid certificate at the TLS handshake (needs --client-cafile)"));
  proxy_only(app.add_option("--cafile", p.cafile, "CA certificates (PEM) to verify the broker with; enables TLS to it")
                 ->check(CLI::ExistingFile));
  proxy_only(app.add_option("--capath", p.capath, "Directory of hashed CA certificates; enables TLS to the broker")
                 ->check(CLI::ExistingDirectory));
  proxy_only(app.add_option("--cert", p.cert, "Client certificate (PEM) to present to the broker; needs --key")
                 ->check(CLI::ExistingFile));
  proxy_only(app.add_option("--key", p.key, "Client private key (PEM) for --cert")->check(CLI::ExistingFile));
  proxy_only(app.add_flag("--insecure", p.insecure, "Do not verify the broker's certificate or host name"));
  proxy_only(app.add_option("--client-id", p.client_ids, "Show only connections of this client id (repeatable)")
                 ->type_name("ID"));
  proxy_only(app.add_option("--type", p.types, "Show only packets of this type, e.g. PUBLISH (repeatable)")
                 ->type_name("TYPE"));
  proxy_only(app.add_option("-t,--topic", p.topics,
                            "Show only packets whose topic or filter matches FILTER, with their acknowledgements "
                            "(repeatable)")
                 ->type_name("FILTER"));
  proxy_only(app.add_option("--connections", p.connections, "Stop after N connections have ended")
                 ->type_name("N")
                 ->check(CLI::PositiveNumber));
  proxy_only(app.add_option("--max-packet-size", p.max_packet,
                            "Largest packet shown; a larger one ends the display of its direction (it is still "
                            "forwarded)")
                 ->type_name("BYTES")
                 ->capture_default_str()
                 ->check(CLI::Range(16u, 268435460u)));
  proxy_only(app.add_option("--buffer", p.high_water,
                            "Bytes held for a side that does not read before the proxy stops reading the other side")
                 ->type_name("BYTES")
                 ->capture_default_str()
                 ->check(CLI::Range(std::uint64_t{1024}, std::uint64_t{1} << 32)));
  auto faults = [&](CLI::Option* o) { o->needs(listen)->group("Faults"); };
  faults(app.add_option("--delay", p.delay_ms, "Forward every packet MS milliseconds late (both ways)")
             ->type_name("MS")
             ->check(CLI::Range(std::uint64_t{1}, std::uint64_t{3600000})));
  faults(app.add_option("--drop-after", p.drop_after,
                        "Forward the first N packets of each connection (both ways), drop the rest")
             ->type_name("N")
             ->check(CLI::PositiveNumber));
  faults(app.add_option("--cut-after", p.cut_after, "Close both sides of each connection after its first N packets")
             ->type_name("N")
             ->check(CLI::PositiveNumber));
  faults(app.add_option("--hold", p.hold, "Never forward packets of TYPE, e.g. PUBACK (repeatable)")
             ->type_name("TYPE"));
}

/// --lint, --lint-disable and one option per threshold of the lint table.
void define_lint_options(CLI::App& app, Config& config) {
  const std::string group = "Lint";
  app.add_flag("--lint", config.lint,
               "Report best-practice findings (see LINT RULES) instead of every packet: on --proxy, captures, or "
               "mqsub --json output")
      ->group(group);
  std::vector<std::string> ids;
  for (const auto& r : lint::lint_rules()) ids.emplace_back(r.id);
  app.add_option_function<std::vector<std::string>>(
         "--lint-disable",
         [&config](const std::vector<std::string>& rules) {
           for (const auto& id : rules)
             config.lint_settings.enabled[static_cast<std::size_t>(lint::find_lint_rule(id)->rule)] = false;
         },
         "Turn a lint rule off (repeatable)")
      ->type_name("RULE")
      ->check(CLI::IsMember(ids))
      ->group(group);
  for (const auto& r : lint::lint_rules()) {
    if (r.threshold_flag.empty()) continue;
    const auto index = static_cast<std::size_t>(r.rule);
    app.add_option_function<double>(
           fmt::format("--lint-{}", r.threshold_flag),
           [&config, index](double v) { config.lint_settings.threshold[index] = v; },
           fmt::format("Threshold of {}: {}", r.id, r.threshold_unit))
        ->type_name("N")
        ->default_str(fmt::format("{}", r.threshold))
        ->check(CLI::NonNegativeNumber)
        ->group(group);
  }
}

}  // namespace

void define_options(CLI::App& app, Config& config) {
  app.add_option("hex", config.texts, "Packets as hex or base64 text (each argument is one line)")
      ->type_name("TEXT");
  app.add_option("-f,--file", config.files, "Read input from FILE (repeatable; - is standard input)")
      ->type_name("FILE");
  app.add_option_function<std::string>(
         "-V,--protocol-version",
         [&config](const std::string& v) { config.version = parse_version(v); },
         "Protocol level when the input has no CONNECT")
      ->check(CLI::IsMember({"mqttv31", "mqttv311", "mqttv5", "31", "311", "5"}));
  app.add_option_function<std::string>(
         "--input", [&config](const std::string& v) { config.input = *dump::parse_input_format(v); },
         "Input format (default: auto)")
      ->check(CLI::IsMember({"auto", "raw", "hex", "base64"}));
  auto* json = app.add_flag_callback("--json", [&config] { config.mode = Mode::Json; },
                                     "Write one JSON object per packet (NDJSON)");
  auto* encode = app.add_flag_callback("--encode", [&config] { config.mode = Mode::Encode; },
                                       "Read JSON objects (as --json writes them) and write the packets' bytes");
  json->excludes(encode);
  app.add_flag("--hex", config.hex_output, "With --encode: write hex text, one packet per line")->needs(encode);
  app.add_flag("--allow-invalid", config.allow_invalid,
               "With --encode: write packets that break protocol rules (QoS 3, packet identifier 0, ...) on purpose")
      ->needs(encode);
  app.add_flag("--keep-going", config.keep_going, "Report a bad packet and continue with the next one");
  app.add_flag("--lenient", config.lenient,
               "Decode as far as the bytes go and list every broken rule, instead of stopping at the first")
      ->excludes(encode);
  app.add_flag("--show-secrets", config.show_secrets, "Show passwords and authentication data instead of masking them");
  define_proxy_options(app, config);
  app.add_flag("--summary", config.summary,
               "With --proxy or captures: instead of every packet, print per-client counts, QoS exchanges never "
               "completed, keep-alive gaps, takeovers and protocol violations at the end")
      ->group("Conversation");
  define_lint_options(app, config);

  const std::string captures = "Captures";
  auto* iface = app.add_option("-i,--interface", config.interface,
                               "Capture live on interface IFACE (needs root or CAP_NET_RAW); stop with Ctrl-C, -C or -W")
                    ->type_name("IFACE")
                    ->group(captures);
  iface->excludes(encode);
  app.add_option("--port", config.ports,
                 "TCP port of the broker in captures (repeatable; default: 1883 and 8883); the other end is the client")
      ->type_name("PORT")
      ->allow_extra_args(false)
      ->check(CLI::Range(1, 65535))
      ->group(captures);
  app.add_option("-C,--count", config.count, "With --interface: stop after N MQTT packets")
      ->type_name("N")
      ->check(CLI::PositiveNumber)
      ->needs(iface)
      ->group(captures);
  app.add_option("-W,--timeout", config.timeout, "With --interface or --proxy: stop after SECONDS")
      ->type_name("SECONDS")
      ->check(CLI::PositiveNumber)
      ->group(captures);
}

}  // namespace mq::mqdump
