// The conformance catalogue is consistent: unique names, well-formed
// statement ids, the coverage list without duplicates, selection by name,
// glob, statement id and version; and the raw packet builder's bytes.

#include <doctest/doctest.h>

#include <regex>
#include <set>

#include "conform/runner.hpp"

namespace mq::conform {

TEST_CASE("conform catalogue: names are unique and every check runs at some version") {
  std::set<std::string_view> names;
  const std::regex name_re("[a-z0-9-]+(\\.[a-z0-9-]+)+");
  for (const auto& c : catalogue()) {
    CHECK_MESSAGE(names.insert(c.name).second, c.name);
    CHECK_MESSAGE(std::regex_match(std::string(c.name), name_re), c.name);
    CHECK_MESSAGE(!(c.ids311.empty() && c.ids5.empty()), c.name);
    CHECK(static_cast<bool>(c.run));
  }
}

TEST_CASE("conform catalogue: statement ids are well formed") {
  const std::regex id_re("MQTT-[1-6](\\.[0-9]+){1,2}-[0-9]+");
  for (const auto& c : catalogue())
    for (ProtocolVersion v : {ProtocolVersion::v311, ProtocolVersion::v5})
      for (const auto& id : statement_ids(c, v)) CHECK_MESSAGE(std::regex_match(id, id_re), c.name, " ", id);
  std::set<std::pair<ProtocolVersion, std::string_view>> seen;
  for (const auto& s : server_statements()) CHECK_MESSAGE(seen.insert({s.version, s.id}).second, s.id);
}

TEST_CASE("conform catalogue: at least 150 server-side statement ids checked") {
  const auto a = covered_statements(ProtocolVersion::v311).size();
  const auto b = covered_statements(ProtocolVersion::v5).size();
  CHECK(a + b >= 150);
  // A statement marked as covered must be cited by some check.
  for (const auto& s : server_statements()) {
    if (s.gap != Gap::None) continue;
    auto covered = covered_statements(s.version);
    CHECK_MESSAGE(std::find(covered.begin(), covered.end(), "MQTT-" + std::string(s.id)) != covered.end(), s.id);
  }
}

TEST_CASE("conform selection: by name, glob, statement id and version") {
  const CheckDef* retain = nullptr;
  for (const auto& c : catalogue())
    if (c.name == "retain.deliver") retain = &c;
  REQUIRE(retain);
  CHECK(selected(*retain, ProtocolVersion::v311, {}));
  CHECK(selected(*retain, ProtocolVersion::v311, {"retain"}));
  CHECK(selected(*retain, ProtocolVersion::v311, {"ret*.del*"}));
  CHECK(selected(*retain, ProtocolVersion::v311, {"3.3.1-6"}));       // cited at 3.1.1 only
  CHECK_FALSE(selected(*retain, ProtocolVersion::v5, {"3.3.1-6"}));
  CHECK(selected(*retain, ProtocolVersion::v5, {"MQTT-3.3.1-12"}));
  CHECK(selected(*retain, ProtocolVersion::v5, {"5:retain"}));
  CHECK_FALSE(selected(*retain, ProtocolVersion::v311, {"5:retain"}));
  CHECK_FALSE(selected(*retain, ProtocolVersion::v311, {"publish"}));
}

TEST_CASE("conform raw packets: remaining length in one and two bytes") {
  CHECK(raw_packet(0xC0, {}) == std::vector<std::uint8_t>{0xC0, 0x00});
  std::vector<std::uint8_t> body(200, 0xAA);
  auto p = raw_packet(0x82, body);
  REQUIRE(p.size() == 203);
  CHECK(p[0] == 0x82);
  CHECK(p[1] == 0xC8);  // 200 = 0x48 | continuation
  CHECK(p[2] == 0x01);
  CHECK(raw_string("ab") == std::vector<std::uint8_t>{0x00, 0x02, 'a', 'b'});
}

TEST_CASE("conform transcript: packets decoded as mqdump shows them, remarks as they are") {
  Transcript t;
  Exchange sent;
  sent.connection = 1;
  sent.sent = true;
  sent.bytes = {0xC0, 0x00};
  t.entries.push_back(sent);
  Exchange bad;
  bad.connection = 1;
  bad.bytes = {0xD1, 0x00};  // PINGRESP with flags 0001: the error is shown
  t.entries.push_back(bad);
  Exchange note;
  note.connection = 2;
  note.remark = "closed by the broker";
  t.entries.push_back(note);
  const std::string text = t.render();
  CHECK(text.find("[1] sent:") != std::string::npos);
  CHECK(text.find("fixed header: PINGREQ") != std::string::npos);
  CHECK(text.find("[1] received:") != std::string::npos);
  CHECK(text.find("error:") != std::string::npos);
  CHECK(text.find("[2] closed by the broker") != std::string::npos);
}

}  // namespace mq::conform
