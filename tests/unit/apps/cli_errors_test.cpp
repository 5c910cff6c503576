// CLI11's parse errors as one sentence naming the option: what a user sees
// after a typo, for every tool.
#include <doctest/doctest.h>

#include <CLI/CLI.hpp>

#include "cli_errors.hpp"

using mq::apps::usage_message;

namespace {

/// The usage message for `args` on an app with a few typical options.
std::string message_for(std::vector<std::string> args) {
  CLI::App app{"test", "mqtest"};
  int count = 0, qos = 0, port = 0, plain = 0;
  double timeout = 0;
  app.add_option("-C,--count", count)->check(CLI::PositiveNumber);
  app.add_option("-W,--timeout", timeout)->check(CLI::PositiveNumber);
  app.add_option("-q,--qos", qos)->check(CLI::IsMember({0, 1, 2}));
  app.add_option("-p,--port", port)->check(CLI::Range(1, 65535));
  app.add_option("--plain", plain);
  std::reverse(args.begin(), args.end());  // CLI11 takes them last first
  try {
    app.parse(args);
  } catch (const CLI::ParseError& e) {
    return usage_message(e);
  }
  return "(accepted)";
}

}  // namespace

TEST_CASE("usage messages: ranges, members, conversions and extra arguments in plain words") {
  CHECK(message_for({"-C", "0"}) == "--count: 0 is not a positive number");
  CHECK(message_for({"-W", "-1"}) == "--timeout: -1 is not a positive number");
  CHECK(message_for({"-p", "70000"}) == "--port: 70000 is not in the range 1 to 65535");
  CHECK(message_for({"-q", "3"}) == "--qos: 3 is not one of 0, 1, 2");
  CHECK(message_for({"-C", "abc"}) == "--count: abc is not a positive number");
  CHECK(message_for({"a", "b"}) ==
        "unexpected arguments 'a b' (options start with - or --; quote values with spaces)");
  CHECK(message_for({"--plain", "abc"}) == "--plain: 'abc' is not a valid value");
  CHECK(message_for({"-C", "2"}) == "(accepted)");
}
