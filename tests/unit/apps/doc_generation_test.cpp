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

namespace {

/// An app with what CLI11 alone cannot describe to a shell: a multi-word
/// value whose second word depends on the first, "key=" prefixes, a value
/// name that lists the values, and a subcommand with positionals.
struct WordsApp {
  CLI::App app{"x", "words"};
  std::vector<std::string> define, props;
  std::string flag, pw, iterations;
  mq::apps::AppDoc doc;
  WordsApp() {
    doc.name = "words";
    auto* d = app.add_option("-D,--define", define, "Property")->expected(3, 4)->type_name("COMMAND NAME VALUE");
    mq::apps::set_completion_hint(
        d, {{{"publish", {{"content-type", {}}, {"correlation-data", {}}}}, {"connect", {{"receive-maximum", {}}}}},
            {}});
    auto* p = app.add_option("--property", props, "Property as name=value");
    mq::apps::set_completion_hint(p, {{}, {"content-type=", "topic-alias="}});
    app.add_option("--anonymous", flag, "Allow anonymous")->type_name("true|false");
    auto* sub = app.add_subcommand("passwd", "Edit a password file");
    sub->add_option("file", pw, "The file")->type_name("FILE");
    sub->add_option("action", flag, "add or remove")->check(CLI::IsMember({"add", "remove"}));
    sub->add_option("--iterations", iterations, "Rounds");
  }
};

}  // namespace

TEST_CASE("completions: multi-word values, key= prefixes, listed values and subcommands") {
  WordsApp w;
  auto cli = mq::apps::describe_cli(w.app);
  REQUIRE(cli.subcommands.size() == 1);
  CHECK(cli.subcommands[0].name == "passwd");
  CHECK(cli.subcommands[0].cli.positionals.size() == 2);
  for (const auto* o : cli.all_options()) {
    if (o->display_name() == "--anonymous") CHECK(o->choices == std::vector<std::string>{"true", "false"});
    if (o->display_name() == "-D, --define") CHECK(mq::apps::word_depth(o->words) == 2);
  }

  auto dir = std::filesystem::temp_directory_path() / ("mq_docs_words_test_" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  std::ofstream(dir / "users.txt") << "x";
  std::ofstream(dir / "completion.bash") << mq::apps::render_bash(w.app, w.doc);
  auto complete = [&](const std::string& words, int cword) {
    return run("cd '" + dir.string() + "' && bash -c 'source ./completion.bash; COMP_WORDS=(" + words +
               "); COMP_CWORD=" + std::to_string(cword) + "; _words_completion; echo \"${COMPREPLY[*]}\"'");
  };
  CHECK(complete("words -D \"\"", 2) == "publish connect\n");
  CHECK(complete("words -D publish co", 3) == "content-type correlation-data\n");
  CHECK(complete("words --anonymous -D connect \"\"", 4) == "receive-maximum\n");
  CHECK(complete("words -D publish content-type \"\"", 4) == "\n");  // the value is free text
  CHECK(complete("words --property top", 2) == "topic-alias=\n");
  CHECK(complete("words --anonymous t", 2) == "true\n");
  CHECK(complete("words pa", 1) == "passwd\n");
  CHECK(complete("words passwd us", 2) == "users.txt\n");
  CHECK(complete("words passwd --iterations 9 users.txt \"\"", 5) == "add remove\n");
  CHECK(complete("words passwd users.txt add --", 4) == "--help --iterations\n");
  std::filesystem::remove_all(dir);

  // zsh and fish: the same facts in their languages.
  auto zsh = mq::apps::render_zsh(w.app, w.doc);
  CHECK(zsh.find(":word 1:{compadd -- publish connect}:word 2:{case \"${words[CURRENT-1]}\" in ('\\''publish'\\'') "
                 "compadd -- content-type correlation-data ;;") != std::string::npos);
  CHECK(zsh.find("'1:command:(passwd)'") != std::string::npos);
  CHECK(zsh.find("{compadd -S \"\" -- content-type= topic-alias=}") != std::string::npos);
  auto fish = mq::apps::render_fish(w.app, w.doc);
  CHECK(fish.find("complete -c words -n '_words_words_define_completion \"publish\"' -x -a 'content-type "
                  "correlation-data'\n") != std::string::npos);
  CHECK(fish.find("complete -c words -n __fish_use_subcommand -x -a passwd -d 'Edit a password file'\n") !=
        std::string::npos);
  CHECK(fish.find("complete -c words -n '__fish_seen_subcommand_from passwd' -a 'add remove'\n") != std::string::npos);
}
