#pragma once
/// What the command line asks mqdump to do, independent of how it was parsed.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "codec/types.hpp"
#include "dump/input.hpp"

namespace mq::mqdump {

enum class Mode { Text, Json, Encode };

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
  bool lenient = false;       ///< decode as far as the bytes go, listing every broken rule
  // Captures (pcap/pcapng files and live interfaces):
  std::string interface;              ///< -i: capture live on this interface
  std::vector<std::uint16_t> ports;   ///< --port: broker ports to read as MQTT (empty: 1883, 8883)
  std::uint64_t count = 0;            ///< -C: live capture stops after this many packets (0: no limit)
  double timeout = 0;                 ///< -W: live capture stops after this many seconds (0: no limit)
};

}  // namespace mq::mqdump
