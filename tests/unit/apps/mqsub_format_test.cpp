// mqsub's -F formatter (apps/mqsub/format.*): every % parameter, widths and
// padding, @ time fields, escapes, mosquitto's %j/%J objects and errors.
#include <doctest/doctest.h>

#include <cstdlib>
#include <ctime>

#include "format.hpp"
#include "sample_time.hpp"

using namespace mq;
using mq::apps::test::sample_time;
using namespace mq::mqsub;

namespace {

/// Runs the test body with the local time zone set to UTC.
struct UtcZone {
  UtcZone() {
    if (const char* tz = std::getenv("TZ")) saved = tz;
    had = std::getenv("TZ") != nullptr;
    ::setenv("TZ", "UTC", 1);
    ::tzset();
  }
  ~UtcZone() {
    if (had) ::setenv("TZ", saved.c_str(), 1);
    else ::unsetenv("TZ");
    ::tzset();
  }
  std::string saved;
  bool had = false;
};

/// A QoS 1 message with every property -F can show.
client::Message full_message() {
  client::Message m{"a/b", "hello", 1, true, {}};
  m.properties.add(PropertyId::PayloadFormatIndicator, 1)
      .add(PropertyId::MessageExpiryInterval, 60)
      .add(PropertyId::ContentType, "text/plain")
      .add(PropertyId::ResponseTopic, "re/ply")
      .add(PropertyId::CorrelationData, "c-1")
      .add(PropertyId::TopicAlias, 3)
      .add(PropertyId::SubscriptionIdentifier, 4)
      .add(PropertyId::SubscriptionIdentifier, 12)
      .add_user("k", "v")
      .add_user("k", "w");
  return m;
}

std::string render(std::string_view spec, const client::Message& m, std::string* warning = nullptr) {
  std::string error;
  auto f = OutputFormat::compile(spec, &error);
  REQUIRE_MESSAGE(f, error);
  std::string out;
  f->render({&m, 42, false, sample_time()}, out, warning);
  return out;
}

std::string compile_error(std::string_view spec) {
  std::string error;
  auto f = OutputFormat::compile(spec, &error);
  CHECK_FALSE(f);
  return error;
}

}  // namespace

TEST_CASE("-F: each % parameter") {
  UtcZone utc;
  const auto m = full_message();
  CHECK(render("%t", m) == "a/b");
  CHECK(render("%p", m) == "hello");
  CHECK(render("%l", m) == "5");
  CHECK(render("%m", m) == "42");
  CHECK(render("%q", m) == "1");
  CHECK(render("%r", m) == "1");
  CHECK(render("%x", m) == "68656c6c6f");
  CHECK(render("%X", m) == "68656C6C6F");
  CHECK(render("%F", m) == "1");
  CHECK(render("%E", m) == "60");
  CHECK(render("%C", m) == "text/plain");
  CHECK(render("%R", m) == "re/ply");
  CHECK(render("%D", m) == "c-1");
  CHECK(render("%A", m) == "3");
  CHECK(render("%S", m) == "4 12");
  CHECK(render("%P", m) == "k:v k:w");
  CHECK(render("%I", m) == "2024-05-06T22:12:00+0000");
  CHECK(render("%U", m) == "1715033520.123456789");
  CHECK(render("100%%", m) == "100%");
  // Absent properties print nothing.
  client::Message bare{"t", "", 0, false, {}};
  CHECK(render("[%C|%D|%E|%F|%R|%S|%P|%A]", bare) == "[|||||||]");
  CHECK(render("%r %l", bare) == "0 0");
}

TEST_CASE("-F: widths, maximum widths and padding") {
  const auto m = full_message();
  CHECK(render("[%8t]", m) == "[     a/b]");
  CHECK(render("[%-8t]", m) == "[a/b     ]");
  CHECK(render("[%2t]", m) == "[a/b]");         // never cut by the width
  CHECK(render("[%.2t]", m) == "[a/]");         // the maximum width cuts
  CHECK(render("[%6.4C]", m) == "[  text]");
  CHECK(render("[%-6.4C]", m) == "[text  ]");
  CHECK(render("[%05l]", m) == "[00005]");      // zero padding where mosquitto allows it
  CHECK(render("[%-05l]", m) == "[5    ]");     // '-' wins over '0'
  CHECK(render("[%05t]", m) == "[  a/b]");      // %t takes no zero padding
  CHECK(render("[%06x]", m) == "[68656c6c6f]");
  CHECK(render("[%012x]", m) == "[0068656c6c6f]");
  CHECK(render("[%5q]", m) == "[1]");           // %q takes no width
  CHECK(render("[%.1p]", m) == "[hello]");      // %p takes no maximum width
}

TEST_CASE("-F: @ fields go to strftime, @N is nanoseconds, @@ is @") {
  UtcZone utc;
  const auto m = full_message();
  CHECK(render("@Y-@m-@d @H:@M:@S.@N", m) == "2024-05-06 22:12:00.123456789");
  CHECK(render("@s", m) == "1715033520");
  CHECK(render("user@@host", m) == "user@host");
}

TEST_CASE("-F: backslash escapes") {
  const auto m = full_message();
  CHECK(render(R"(%t\t%l\n)", m) == "a/b\t5\n");
  CHECK(render(R"(\\\a\e\r\v)", m) == "\\\a\x1b\r\v");
  CHECK(render(R"(%t\0)", m) == std::string("a/b\0", 4));
}

TEST_CASE("-F: malformed formats say where") {
  CHECK(compile_error(R"(abc\)") == "-F: a lone backslash at the end (position 4)");
  CHECK(compile_error(R"(ab\q)") == "-F: unknown escape '\\q' at position 3");
  CHECK(compile_error("x@") == "-F: a lone @ at the end (position 2)");
  CHECK(compile_error("%-5") == "-F: unfinished % sequence at position 0");
  CHECK(compile_error("ok %Z") == "-F: unknown parameter '%Z' at position 3");
}

TEST_CASE("-F: %j is mosquitto's JSON object, binary payloads in base64") {
  UtcZone utc;
  client::Message m{"a/b", "hello", 1, false, {}};
  m.properties.add_user("k", "v").add_user("k", "v").add(PropertyId::CorrelationData, std::string("\xff\x00", 2));
  CHECK(render("%j", m) ==
        R"({"tst":"2024-05-06T22:12:00.123456+0000","topic":"a/b","qos":1,"retain":0,"payloadlen":5,)"
        R"("properties":{"user-properties":[["k","v"],["k","v"]],"correlation-data":"/wA="},"payload":"hello"})");
  client::Message bin{"b", std::string("\x00\x80", 2), 0, true, {}};
  CHECK(render("%j", bin) ==
        R"({"tst":"2024-05-06T22:12:00.123456+0000","topic":"b","qos":0,"retain":1,"payloadlen":2,)"
        R"("payload":"AIA=","payload_encoding":"base64"})");
}

TEST_CASE("-F: %J inserts a JSON payload as JSON and warns when it is not JSON") {
  UtcZone utc;
  client::Message m{"j", R"({"a":[1,2]})", 0, false, {}};
  std::string warning;
  CHECK(render("%J", m, &warning) ==
        R"({"tst":"2024-05-06T22:12:00.123456+0000","topic":"j","qos":0,"retain":0,"payloadlen":11,)"
        R"("payload":{"a":[1,2]}})");
  CHECK(warning.empty());
  client::Message not_json{"j", "{oops", 0, false, {}};
  CHECK(render("<%J>", not_json, &warning) == "<>");
  CHECK(warning == "message payload is not valid JSON on topic j");
}
