#pragma once
/// --auth-command: MQTT 5.0 enhanced authentication driven by an external
/// command, so that SCRAM-style exchanges can be tested from a shell. The
/// command runs once per step with the broker's Authentication Data on its
/// standard input; what it writes on standard output is ours.

#include <chrono>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "client/events.hpp"
#include "client/session.hpp"
#include "client_outcome.hpp"

namespace mq::apps {

/// The output and exit of one run of a command; `error` when it could not
/// be started, timed out or died by a signal.
struct CommandResult {
  int status = 0;
  std::string output;
  std::string error;
};

/// Runs `command` with /bin/sh -c, `input` on its standard input (then
/// end of file), `env` ("NAME=value" entries) added to the environment,
/// and collects its standard output; its standard error is ours. Killed
/// after `limit`.
CommandResult run_command(const std::string& command, const std::string& input, const std::vector<std::string>& env,
                          std::chrono::milliseconds limit);

/// The steps of one client's enhanced authentication.
class AuthCommand {
 public:
  AuthCommand(std::string command, std::string method, std::chrono::milliseconds limit)
      : command_(std::move(command)), method_(std::move(method)), limit_(limit) {}

  /// Step 0, before CONNECT: the command's output is CONNECT's
  /// Authentication Data (none when it writes nothing).
  std::variant<std::optional<std::string>, Outcome> initial();
  /// Answers the broker's AUTH 0x18 with AUTH 0x18 carrying the command's
  /// output; the failure when the command fails or the session refuses.
  std::optional<Outcome> answer(const client::AuthChallenge& challenge, client::ClientSession& session);
  /// CONNACK's Authentication Data (the server's proof), when there is
  /// some, is given to the command: a failure means the server was not
  /// verified and the connection must not be used.
  std::optional<Outcome> verify(const client::Connected& connected);

 private:
  /// Runs one step; the output, or the failure that ends the run.
  std::variant<std::string, Outcome> step(const char* packet, const std::string& input);

  std::string command_;
  std::string method_;
  std::chrono::milliseconds limit_;
  unsigned step_ = 0;
};

}  // namespace mq::apps
