#pragma once
/// mqdump on captures: pcap/pcapng files (named as arguments, with -f, or on
/// standard input, recognised by their magic number) and live interfaces.

#include <optional>
#include <string>
#include <vector>

#include "config.hpp"
#include "io.hpp"

namespace mq::mqdump {

/// Moves the positional arguments that name capture files out of
/// `config.texts` and returns them (a hex argument is never a file name
/// whose first bytes are a capture's magic number).
std::vector<std::string> take_capture_arguments(Config& config);

/// True when the source holds a pcap or pcapng file.
bool is_capture(const Source& source);

/// Decodes the captures: files by name, then sources already read. Every
/// source must be a capture. Returns the exit status.
int decode_captures(const Config& config, const std::vector<std::string>& files, const std::vector<Source>& sources);

/// Captures on config.interface until -C, -W, Ctrl-C or a closed pipe.
int capture_interface(const Config& config);

}  // namespace mq::mqdump
