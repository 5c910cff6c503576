#pragma once
/// mqbroker's command line: options -> Options. Every configuration key is
/// also a flag (--max-inflight-messages 10 is the line
/// `max_inflight_messages 10`), applied after the configuration file in
/// command-line order.

#include <map>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "docs.hpp"

namespace mq::mqbroker {

/// The `passwd` subcommand's arguments.
struct PasswdOptions {
  std::string file;
  std::string action;  ///< "add" or "remove"
  std::string user;
  std::string password;  ///< empty: read from stdin or prompt
  bool password_given = false;
  unsigned iterations = 0;  ///< 0: the default
};

/// Everything the command line says.
struct Options {
  std::string config_file;
  std::vector<int> ports;  ///< -p: listeners on 127.0.0.1
  int verbose = 0;
  std::string log_level;   ///< empty: from -v / log_type
  std::string log_format;  ///< empty: from the configuration
  bool check_config = false;
  std::string profile;  ///< --profile; empty: none given
  bool show_profile = false;
  bool lint = false;  ///< --lint (the key lint true)
  /// Configuration lines from flags, in command-line order: key, value.
  std::vector<std::pair<std::string, std::string>> key_flags;
  /// Where CLI11 stores each key flag's values (key -> values).
  std::map<std::string, std::vector<std::string>> key_values;
  bool passwd = false;
  PasswdOptions pw;
};

/// The man page prose.
apps::AppDoc documentation();
/// Defines every option and the passwd subcommand on `app`, writing into
/// `o`; call collect_key_flags after parsing.
void define_options(CLI::App& app, Options& o);
/// Fills o.key_flags from the parsed configuration-key flags, in order.
void collect_key_flags(const CLI::App& app, Options& o);

}  // namespace mq::mqbroker
