// mqdump: options -> config -> run.
#include <CLI/CLI.hpp>

#include "cli.hpp"
#include "docs.hpp"
#include "exit_codes.hpp"
#include "run.hpp"

int main(int argc, char** argv) {
  using namespace mq::mqdump;
  Config config;
  auto doc = documentation();
  CLI::App app(doc.summary, "mqdump");
  define_options(app, config);
  mq::apps::add_doc_generation(app, doc);
  if (auto status = mq::apps::parse_command_line(app, argc, argv, code(Exit::Usage))) return *status;
  return run(config);
}
