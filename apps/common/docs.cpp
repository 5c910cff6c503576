#include "docs.hpp"

#include <algorithm>
#include <iostream>
#include <memory>

#include <fmt/format.h>

#include "cli_errors.hpp"

namespace mq::apps {

std::string render_doc(const CLI::App& app, const AppDoc& doc, const std::string& kind) {
  if (kind == "man") return render_man(app, doc);
  if (kind == "bash") return render_bash(app, doc);
  if (kind == "zsh") return render_zsh(app, doc);
  if (kind == "fish") return render_fish(app, doc);
  throw std::invalid_argument("unknown document kind: " + kind);
}

std::optional<int> parse_command_line(CLI::App& app, int argc, char** argv, int usage_status) {
  return parse_command_line(app, std::vector<std::string>(argv + 1, argv + argc), usage_status);
}

std::optional<int> parse_command_line(CLI::App& app, std::vector<std::string> args, int usage_status) {
  std::reverse(args.begin(), args.end());  // CLI11 takes them last first
  try {
    app.parse(args);
  } catch (const CLI::ParseError& e) {  // CLI::Success (help, version) is one too
    if (e.get_exit_code() == 0) return app.exit(e);
    // One line that names the tool and the option, instead of CLI11's text.
    std::cerr << app.get_name() << ": " << usage_message(e) << " (see " << app.get_name() << " --help)\n";
    return usage_status;
  }
  return std::nullopt;
}

namespace {

/// What --help prints after the options: the examples and the exit
/// statuses, from the same AppDoc as the man page.
std::string help_footer(const AppDoc& doc) {
  std::string out;
  if (!doc.examples.empty()) {
    out += "\nExamples:\n";
    for (const auto& [command, what] : doc.examples) out += "  " + command + "\n      " + what + "\n";
  }
  if (!doc.exit_codes.empty()) {
    out += "\nExit status:\n";
    for (const auto& e : doc.exit_codes) out += fmt::format("  {:>2}  {}\n", e.code, e.meaning);
  }
  out += "\nSee man " + doc.name + " for the details.\n";
  return out;
}

}  // namespace

void add_doc_generation(CLI::App& app, const AppDoc& doc) {
  app.footer(help_footer(doc));
  app.set_version_flag("--version", doc.name + " (mq) " MQ_VERSION, "Print the version and exit");
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
