// mqsub: subscribe to MQTT topics and print the messages.

#include <csignal>

#include "cli.hpp"
#include "client_outcome.hpp"
#include "options_file.hpp"
#include "subscriber.hpp"

int main(int argc, char** argv) {
  mq::mqsub::SubOptions options;
  CLI::App app{mq::mqsub::sub_doc().summary, "mqsub"};
  mq::mqsub::define_cli(app, options);
  auto args = mq::apps::with_saved_options(app, "mqsub", argc, argv);
  if (auto* error = std::get_if<std::string>(&args)) return mq::apps::report("mqsub", {mq::apps::ClientExit::Usage, *error});
  if (auto status = mq::apps::parse_command_line(app, std::move(std::get<std::vector<std::string>>(args)),
                                                 mq::apps::code(mq::apps::ClientExit::Usage)))
    return *status;
  auto setup = mq::apps::make_client_setup(options.client, "mqsub");
  if (auto* error = std::get_if<std::string>(&setup))
    return mq::apps::report("mqsub", {mq::apps::ClientExit::Usage, *error});
  std::signal(SIGPIPE, SIG_IGN);  // a closed stdout is seen as EPIPE and ends the run quietly
  return mq::mqsub::run(options, std::move(std::get<mq::apps::ClientSetup>(setup)));
}
