// The lint's configuration keys: lint, lint_disable and one key per
// threshold of the rule table, named as mqdump's --lint-THRESHOLD options.
#include <doctest/doctest.h>

#include "server/config/keys.hpp"
#include "server/config/reader.hpp"

using namespace mq;
using namespace mq::server;

TEST_CASE("config: lint keys come from the rule table") {
  for (const auto& r : lint::lint_rules()) {
    if (r.threshold_flag.empty()) continue;
    std::string key = "lint_" + std::string(r.threshold_flag);
    for (char& c : key)
      if (c == '-') c = '_';
    CHECK_MESSAGE(find_key(key) != nullptr, key);
  }
  Settings s;
  ConfigReader reader(s);
  CHECK(!s.lint);
  REQUIRE_FALSE(reader.read_text("lint true\nlint_disable no-will-device topic-deep\nlint_max_payload 1024\n", "t"));
  CHECK(s.lint);
  CHECK(!s.lint_settings.on(lint::LintRule::NoWillDevice));
  CHECK(!s.lint_settings.on(lint::LintRule::TopicDeep));
  CHECK(s.lint_settings.on(lint::LintRule::TopicLong));
  CHECK(s.lint_settings[lint::LintRule::PayloadLarge] == 1024);
}

TEST_CASE("config: bad lint values are refused with the reason") {
  auto error = [](std::string_view text) {
    Settings s;
    ConfigReader reader(s);
    auto e = reader.read_text(text, "t");
    return e ? to_string(*e) : std::string();
  };
  CHECK(error("lint maybe\n").find("expected true or false") != std::string::npos);
  CHECK(error("lint_disable no-such-rule\n").find("no lint rule \"no-such-rule\"") != std::string::npos);
  CHECK(error("lint_max_payload -1\n").find("expected a number of at least 0") != std::string::npos);
  CHECK(error("lint_max_payload 12x\n").find("expected a number") != std::string::npos);
}
