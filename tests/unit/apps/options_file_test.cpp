// Options files as mosquitto_pub/sub write theirs: one option per line, its
// argument the rest of the line.
#include <doctest/doctest.h>

#include "options_file.hpp"

using namespace mq::apps;

TEST_CASE("options file: an option per line, the rest of the line is its argument, -D is split") {
  auto words = parse_options_text("# my broker\n-h broker.example\n\n  -P two words  \r\n-c\n"
                                  "-D publish user-property k v\n");
  REQUIRE(std::holds_alternative<std::vector<std::string>>(words));
  CHECK(std::get<std::vector<std::string>>(words) ==
        std::vector<std::string>{"-h", "broker.example", "-P", "two words", "-c", "-D", "publish", "user-property",
                                 "k", "v"});
  auto bad = parse_options_text("-h x\nbroker\n");
  REQUIRE(std::holds_alternative<std::string>(bad));
  CHECK(std::get<std::string>(bad) == "line 2: 'broker' is not an option");
}
