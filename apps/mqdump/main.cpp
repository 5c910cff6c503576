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
  try {
    app.parse(argc, argv);
  } catch (const CLI::Success& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    app.exit(e);
    return code(Exit::Usage);
  }
  return run(config);
}
