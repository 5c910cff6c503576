// mqpub: publish MQTT messages from the command line and from scripts.

#include <csignal>

#include "cli.hpp"
#include "client_outcome.hpp"
#include "options_file.hpp"
#include "publisher.hpp"

int main(int argc, char** argv) {
  mq::mqpub::PubOptions options;
  CLI::App app{mq::mqpub::pub_doc().summary, "mqpub"};
  mq::mqpub::define_cli(app, options);
  auto args = mq::apps::with_saved_options(app, "mqpub", argc, argv);
  if (auto* error = std::get_if<std::string>(&args)) return mq::apps::report("mqpub", {mq::apps::ClientExit::Usage, *error});
  if (auto status = mq::apps::parse_command_line(app, std::move(std::get<std::vector<std::string>>(args)),
                                                 mq::apps::code(mq::apps::ClientExit::Usage)))
    return *status;
  options.qos_given = app.count("-q") > 0;
  options.message_given = app.count("-m") > 0;
  auto setup = mq::apps::make_client_setup(options.client, "mqpub");
  if (auto* error = std::get_if<std::string>(&setup))
    return mq::apps::report("mqpub", {mq::apps::ClientExit::Usage, *error});
  std::signal(SIGPIPE, SIG_IGN);
  return mq::mqpub::run(options, std::move(std::get<mq::apps::ClientSetup>(setup)));
}
