#include "cli.hpp"

#include "exit_codes.hpp"

namespace mq::mqdump {

apps::AppDoc documentation() {
  apps::AppDoc doc;
  doc.name = "mqdump";
  doc.summary = "decode MQTT packets from hex dumps, base64 or raw bytes";
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
      "short. The exit status is 1 when any packet broke a rule. It applies to hex, raw and capture input.\n"
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
      {"CAPTURES",
       "A file is read as a capture when it starts with a pcap or pcapng magic number; captures cannot be mixed "
       "with hex or raw input in one run. Link types: Ethernet (with a VLAN tag), Linux cooked capture v1 and v2 "
       "(-i any), BSD loopback and null, raw IPv4 and IPv6. IP fragments are skipped and counted.\n"
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
       "{\"time\", \"connection\", \"event\": \"end\", \"how\"}. Notes go to standard error, prefixed "
       "\"mqdump: note:\". A packet that fails to decode does not stop the capture; the exit status is then 1.\n"
       "\n"
       "--interface captures live (root or CAP_NET_RAW is needed), only the broker ports, and prints each packet "
       "as it passes. \"mqdump: listening on IFACE\" on standard error says when the capture has started. It "
       "stops after -C packets, after -W seconds, on Ctrl-C or SIGTERM (open connections are then reported as "
       "ended), or when the reader of its output goes away."},
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
      {"mqdump capture.pcapng", "Every MQTT packet of a tcpdump or Wireshark capture, by connection."},
      {"zcat capture.pcap.gz | mqdump --json", "A capture from standard input, one JSON object per packet."},
      {"mqdump -i lo --port 1884 -C 10", "Capture the next ten packets to or from a broker on port 1884."},
  };
  return doc;
}

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
  app.add_option("-W,--timeout", config.timeout, "With --interface: stop after SECONDS")
      ->type_name("SECONDS")
      ->check(CLI::PositiveNumber)
      ->needs(iface)
      ->group(captures);
}

}  // namespace mq::mqdump
