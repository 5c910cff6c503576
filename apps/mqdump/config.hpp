#pragma once
/// What the command line asks mqdump to do, independent of how it was parsed.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "codec/types.hpp"
#include "dump/input.hpp"
#include "lint/lint_rules.hpp"

namespace mq::mqdump {

enum class Mode { Text, Json, Encode };

/// The live proxy (--proxy): where to listen, where to forward, TLS, what to show.
struct ProxyConfig {
  std::string listen;    ///< --proxy: URL, HOST:PORT, PORT or a socket path
  std::string upstream;  ///< --to: the broker, same forms
  std::string certfile, keyfile;          ///< TLS certificate and key for the listening side
  std::string client_cafile;              ///< CAs that sign the clients' certificates (asks clients for one)
  bool require_certificate = false;       ///< refuse clients without a valid certificate
  std::string cafile, capath, cert, key;  ///< TLS towards the broker
  bool insecure = false;                  ///< do not verify the broker's certificate
  std::vector<std::string> client_ids;    ///< --client-id display filter
  std::vector<std::string> types;         ///< --type display filter
  std::vector<std::string> topics;        ///< -t display filter
  std::uint64_t connections = 0;          ///< --connections: stop after this many connections ended
  std::uint32_t max_packet = 64u * 1024 * 1024;  ///< largest packet framed
  std::uint64_t high_water = 1024 * 1024;        ///< back-pressure mark
  std::uint64_t delay_ms = 0;             ///< --delay: every packet forwarded this much later
  std::uint64_t drop_after = 0;           ///< --drop-after: packets after the first N are dropped
  std::uint64_t cut_after = 0;            ///< --cut-after: connections cut after N packets
  std::vector<std::string> hold;          ///< --hold: packet types never forwarded
};

struct Config {
  std::vector<std::string> texts;  ///< positional arguments: hex or base64 (or JSON with --encode)
  std::vector<std::string> files;  ///< -f FILE, "-" is stdin
  dump::InputFormat input = dump::InputFormat::Auto;
  std::optional<ProtocolVersion> version;  ///< -V
  Mode mode = Mode::Text;
  bool hex_output = false;    ///< --encode writes hex text instead of raw bytes
  bool keep_going = false;    ///< report a bad packet and go on with the next
  bool allow_invalid = false; ///< --encode writes packets that break protocol rules
  bool show_secrets = false;  ///< do not mask passwords and authentication data
  ProxyConfig proxy;          ///< used when proxy.listen is set
  bool summary = false;       ///< --summary: the conversation's state instead of every packet
  bool lint = false;          ///< --lint: best-practice findings instead of every packet
  lint::LintSettings lint_settings;  ///< --lint-disable and the threshold options
  bool lenient = false;       ///< decode as far as the bytes go, listing every broken rule
  // Captures (pcap/pcapng files and live interfaces):
  std::string interface;              ///< -i: capture live on this interface
  std::vector<std::uint16_t> ports;   ///< --port: broker ports to read as MQTT (empty: 1883, 8883)
  std::uint64_t count = 0;            ///< -C: live capture stops after this many packets (0: no limit)
  double timeout = 0;                 ///< -W: live capture stops after this many seconds (0: no limit)
};

}  // namespace mq::mqdump
