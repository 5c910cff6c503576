// mqsub: subscribe to MQTT topics and print the messages.

#include <csignal>

#include "cli.hpp"
#include "client_outcome.hpp"
#include "subscriber.hpp"

int main(int argc, char** argv) {
  mq::mqsub::SubOptions options;
  CLI::App app{mq::mqsub::sub_doc().summary, "mqsub"};
  mq::mqsub::define_cli(app, options);
  if (auto status = mq::apps::parse_command_line(app, argc, argv, mq::apps::code(mq::apps::ClientExit::Usage)))
    return *status;
  auto setup = mq::apps::make_client_setup(options.client, "mqsub");
  if (auto* error = std::get_if<std::string>(&setup))
    return mq::apps::report("mqsub", {mq::apps::ClientExit::Usage, *error});
  std::signal(SIGPIPE, SIG_IGN);  // a closed stdout is seen as EPIPE and ends the run quietly
  return mq::mqsub::run(options, std::move(std::get<mq::apps::ClientSetup>(setup)));
}
