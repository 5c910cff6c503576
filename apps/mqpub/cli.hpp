#pragma once
/// mqpub's command line: its own options on top of the shared client ones.

#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "client_options.hpp"
#include "docs.hpp"
#include "output.hpp"

namespace mq::mqpub {

/// Where the messages come from.
enum class Source : std::uint8_t { Message, File, Stdin, Lines, Null, Replay };

struct PubOptions {
  apps::ClientOptions client;
  std::string topic;
  std::string message;
  std::string file;
  bool stdin_all = false;
  bool lines = false;
  bool null_message = false;
  std::string replay;
  bool replay_timing = false;
  bool hex = false;
  bool base64 = false;
  int qos = 0;
  bool qos_given = false;  ///< -q was on the command line (it overrides replayed QoS)
  bool message_given = false;  ///< -m was on the command line (an empty -m '' is a message)
  bool retain = false;
  unsigned repeat = 1;
  double repeat_delay = 0;
  double rate = 0;
  std::vector<std::string> properties;
  std::vector<std::string> user_properties;
  bool topic_alias = false;
  unsigned max_inflight = 65535;
  double timeout = 0;
  std::string response_topic;  ///< -e: the Response Topic, subscribed to with --wait-response
  bool wait_response = false;  ///< request/response as mosquitto_rr
  mqsub::PrintOptions print;   ///< how the response is printed

  /// The source the options select (validated by define_cli's checks).
  Source source() const;
};

/// The prose of mqpub(1).
apps::AppDoc pub_doc();

/// Defines every option of mqpub on `app`, writing into `options`.
void define_cli(CLI::App& app, PubOptions& options);

}  // namespace mq::mqpub
