#include "docs.hpp"

#include <iostream>
#include <memory>

namespace mq::apps {

std::string render_doc(const CLI::App& app, const AppDoc& doc, const std::string& kind) {
  if (kind == "man") return render_man(app, doc);
  if (kind == "bash") return render_bash(app, doc);
  if (kind == "zsh") return render_zsh(app, doc);
  if (kind == "fish") return render_fish(app, doc);
  throw std::invalid_argument("unknown document kind: " + kind);
}

std::optional<int> parse_command_line(CLI::App& app, int argc, char** argv, int usage_status) {
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {  // CLI::Success (help, version) is one too
    return app.exit(e) == 0 ? 0 : usage_status;
  }
  return std::nullopt;
}

void add_doc_generation(CLI::App& app, const AppDoc& doc) {
  auto shared_doc = std::make_shared<const AppDoc>(doc);
  CLI::App* target = &app;
  app.add_option_function<std::string>(
         "--generate-docs",
         [target, shared_doc](const std::string& kind) {
           std::cout << render_doc(*target, *shared_doc, kind) << std::flush;
           throw CLI::Success();
         },
         "Print the man page or a shell completion script and exit")
      ->check(CLI::IsMember(kDocKinds))
      ->trigger_on_parse()
      ->group("");
}

}  // namespace mq::apps
