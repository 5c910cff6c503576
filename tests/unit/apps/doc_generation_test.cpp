#include <doctest/doctest.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>

#include <unistd.h>

#include "cli_model.hpp"
#include "docs.hpp"
#include "sample_app.hpp"

using mq::apps::test::SampleApp;

namespace {

/// Runs `command` with /bin/sh and returns what it printed on stdout.
std::string run(const std::string& command) {
  std::string out;
  FILE* pipe = popen(command.c_str(), "r");
  REQUIRE(pipe != nullptr);
  char buf[256];
  while (auto n = std::fread(buf, 1, sizeof buf, pipe)) out.append(buf, n);
  pclose(pipe);
  return out;
}

/// Parses `args` (given in command-line order) and returns the exit code
/// CLI11_PARSE would return, with stdout captured into `printed`.
int parse(CLI::App& app, std::vector<std::string> args, std::string& printed) {
  std::reverse(args.begin(), args.end());  // CLI11 takes the vector reversed
  std::ostringstream captured;
  auto* old = std::cout.rdbuf(captured.rdbuf());
  int code = -1;
  try {
    app.parse(args);
    code = 0;
  } catch (const CLI::ParseError& e) {
    code = e.get_exit_code();
  }
  std::cout.rdbuf(old);
  printed = captured.str();
  return code;
}

}  // namespace

TEST_CASE("--generate-docs works even when required options are missing") {
  CLI::App app{"x", "strict"};
  std::string topic;
  app.add_option("--topic", topic, "Topic")->required();
  mq::apps::AppDoc doc;
  doc.name = "strict";
  mq::apps::add_doc_generation(app, doc);
  std::string printed;
  CHECK(parse(app, {"--generate-docs", "fish"}, printed) == 0);
  CHECK(printed == mq::apps::render_fish(app, doc));
  CHECK(parse(app, {"--generate-docs", "html"}, printed) != 0);
  CHECK(printed.empty());
  CHECK(app.help().find("generate") == std::string::npos);
}

TEST_CASE("the CLI model reads values, files, repetition and groups") {
  SampleApp s;
  auto cli = mq::apps::describe_cli(s.app);
  REQUIRE(cli.positionals.size() == 1);
  CHECK(cli.positionals[0].positional_name == "files");
  CHECK(cli.positionals[0].completion == mq::apps::ValueCompletion::file);
  CHECK(cli.positionals[0].repeatable);
  std::vector<std::string> groups;
  for (const auto& g : cli.groups) groups.push_back(g.name);
  CHECK(groups == std::vector<std::string>{"Options", "Filtering", "Connection"});
  auto options = cli.all_options();
  CHECK(options.size() == 11);  // --version comes with the doc generation
  for (const auto* o : options) CHECK(o->display_name() != "--secret");

  CLI::App app{"x", "t"};
  std::string mode, level;
  app.add_option("--mode", mode)->transform(CLI::Transformer({{"fast", "1"}, {"slow", "2"}}));
  app.add_option("--level", level)->check(CLI::IsMember({"a", "b"}) | CLI::IsMember({"c"}));
  auto model = mq::apps::describe_cli(app);
  const auto& mode_info = model.groups[0].options[1];
  CHECK(mode_info.display_name() == "--mode");
  CHECK(mode_info.choices == std::vector<std::string>{"fast", "slow"});
  CHECK(mode_info.completion == mq::apps::ValueCompletion::choices);
  const auto& level_info = model.groups[0].options[2];
  CHECK(level_info.choices.empty());  // a combined validator is shown as it describes itself
  CHECK(level_info.constraints.size() == 1);
}

TEST_CASE("the bash completion completes options, values and files in bash") {
  SampleApp s;
  auto dir = std::filesystem::temp_directory_path() / ("mq_docs_bash_test_" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir / "captures");
  std::ofstream(dir / "capture.pcap") << "x";
  std::ofstream(dir / "completion.bash") << mq::apps::render_bash(s.app, s.doc);
  auto complete = [&](const std::string& words, int cword) {
    return run("cd '" + dir.string() + "' && bash -c 'source ./completion.bash; COMP_WORDS=(" + words +
               "); COMP_CWORD=" + std::to_string(cword) + "; _sample_completion; echo \"${COMPREPLY[*]}\"'");
  };
  CHECK(complete("sample --for", 1) == "--format\n");
  CHECK(complete("sample --format \"\"", 2) == "text json\n");
  CHECK(complete("sample --format = j", 3) == "json\n");
  CHECK(complete("sample -V 3", 2) == "3.1.1\n");
  CHECK(complete("sample -r cap", 2) == "capture.pcap captures\n");
  CHECK(complete("sample --out-dir cap", 2) == "captures\n");
  CHECK(complete("sample --port \"\"", 2) == "\n");
  CHECK(complete("sample -q cap", 2) == "capture.pcap captures\n");  // positional files
  std::filesystem::remove_all(dir);
}
