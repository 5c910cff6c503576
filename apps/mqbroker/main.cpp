// mqbroker: options -> settings -> run.
#include <CLI/CLI.hpp>

#include "cli.hpp"
#include "docs.hpp"
#include "exit_codes.hpp"
#include "passwd.hpp"
#include "run.hpp"

int main(int argc, char** argv) {
  using namespace mq::mqbroker;
  Options options;
  auto doc = documentation();
  CLI::App app(doc.summary, "mqbroker");
  define_options(app, options);
  mq::apps::add_doc_generation(app, doc);
  if (auto status = mq::apps::parse_command_line(app, argc, argv, code(Exit::Usage))) return *status;
  if (options.passwd) return run_passwd(options.pw);
  collect_key_flags(app, options);
  return run(options);
}
