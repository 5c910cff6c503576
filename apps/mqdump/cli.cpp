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
      "wrong and the specification rule, e.g. [MQTT-3.3.2-2].\n"
      "\n"
      "The protocol level is taken from a CONNECT anywhere in the input, else from -V. Without either, each "
      "packet is tried at 3.1.1 and 5.0: when only one level decodes it, that level is used (and shown as "
      "guessed); when both do, mqdump asks for -V.\n"
      "\n"
      "Passwords and authentication data are masked unless --show-secrets is given. --encode turns JSON back "
      "into the exact bytes; it refuses masked values.";
  doc.exit_codes = {
      {code(Exit::Ok), "every packet was decoded (or encoded)"},
      {code(Exit::DecodeFailed), "a packet failed to decode (with --keep-going: at least one did)"},
      {code(Exit::Usage), "the command line is wrong"},
      {code(Exit::BadInput),
       "the input cannot be read: a missing file, a bad hex or base64 character, no bytes at all, or (with "
       "--encode) a line that is not a packet in JSON"},
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
       "Then the packet's fields: protocol_name, protocol_level, clean_start, reserved_flag (only when set), "
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
       "rebuilds the same bytes."},
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
  app.add_flag("--show-secrets", config.show_secrets, "Show passwords and authentication data instead of masking them");
}

}  // namespace mq::mqdump
