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
  try {
    app.parse(argc, argv);
  } catch (const CLI::Success& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    app.exit(e);
    return code(Exit::Usage);
  }
  if (options.passwd) return run_passwd(options.pw);
  collect_key_flags(app, options);
  return run(options);
}
