#pragma once
/// mqdump --proxy: forwards live connections to a broker and shows them.

#include <optional>
#include <string>

#include "config.hpp"
#include "net/url.hpp"

namespace mq::mqdump {

/// Runs the proxy until -C connections ended, -W passed, SIGINT or SIGTERM,
/// or the output closed; returns the exit status.
int run_proxy(const Config& config);

/// Reads --proxy and --to: a URL (mqtt, mqtts, ws, wss, unix), HOST:PORT,
/// a port alone (on 127.0.0.1) or a socket path (starting with /).
/// Errors are one line for the user.
std::optional<net::Url> address_to_url(const std::string& text, std::string& error);

}  // namespace mq::mqdump
