#include <doctest/doctest.h>

#include "docs.hpp"
#include "sample_app.hpp"

using mq::apps::render_man;
using mq::apps::test::SampleApp;

namespace {
bool contains(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}
}  // namespace

TEST_CASE("man page: header, name and synopsis") {
  SampleApp s;
  auto man = render_man(s.app, s.doc);
  CHECK(contains(man, ".TH SAMPLE 1 \"\" \"mq "));
  CHECK(contains(man, ".SH NAME\nsample \\- decode MQTT\\-ish things\n"));
  CHECK(contains(man, ".SH SYNOPSIS\n\\fBsample\\fR [\\fIOPTIONS\\fR] [\\fIfiles\\fR...]\n"));
}

TEST_CASE("man page: roff escaping of backslash, minus and leading dot") {
  SampleApp s;
  auto man = render_man(s.app, s.doc);
  CHECK(contains(man, ".PP\nFirst paragraph with a back\\eslash and \\-\\-dashes.\n\\&.starts with a dot\n"));
  CHECK(contains(man, ".RS 4\n.nf\n{\"literal\": true}\nsecond\n.fi\n.RE\n"));
  CHECK(contains(man, "A regex like a\\e.b\\-c"));
}

TEST_CASE("man page: every visible option with its value, default and allowed values") {
  SampleApp s;
  auto man = render_man(s.app, s.doc);
  CHECK(contains(man, ".TP\n\\fB\\-h\\fR, \\fB\\-\\-help\\fR\n"));
  CHECK(contains(man, ".TP\n\\fB\\-f\\fR, \\fB\\-\\-format\\fR \\fITEXT\\fR\nOutput format\n.br\n"
                      "Allowed values: text, json. Default: text.\n"));
  CHECK(contains(man, ".TP\n\\fB\\-r\\fR, \\fB\\-\\-read\\fR \\fIFILE\\fR\nRead packets from a capture file\n"));
  CHECK(contains(man, "\\fB\\-\\-out\\-dir\\fR \\fIDIR\\fR\n"));
  CHECK(contains(man, ".TP\n\\fB\\-v\\fR, \\fB\\-\\-verbose\\fR ...\nSay more; repeat for even more\n.br\n"
                      "May be given more than once.\n"));
  CHECK(contains(man, ".TP\n\\fB\\-q\\fR, \\fB\\-\\-quiet\\fR\nSay nothing\n.TP\n"));
  CHECK(contains(man, "\\fB\\-V\\fR, \\fB\\-\\-protocol\\-version\\fR \\fIINT\\fR\nMQTT version\n.br\n"
                      "Allowed values: 3.1.1, 5.\n"));
  CHECK(contains(man, ".SH ARGUMENTS\n.TP\n\\fIfiles\\fR ...\nCapture files to read\n"));
}

TEST_CASE("man page: groups become subsections; hidden options are absent") {
  SampleApp s;
  auto man = render_man(s.app, s.doc);
  CHECK(contains(man, ".SS \"Filtering\"\n.TP\n\\fB\\-t\\fR, \\fB\\-\\-topic\\fR \\fITEXT\\fR ...\n"));
  CHECK(contains(man, ".SS \"Connection\"\n.PP\nWhere the broker is\n.TP\n"
                      "\\fB\\-p\\fR, \\fB\\-\\-port\\fR \\fIINT\\fR\nBroker port\n.br\n"
                      "Accepts: INT in [1 \\- 65535]. Default: 1883.\n"));
  CHECK_FALSE(contains(man, "secret"));
  CHECK_FALSE(contains(man, "\\-\\-generate\\-docs"));
  // The option group's own copy of --help is not listed twice.
  CHECK(man.find("\\-\\-help") == man.rfind("\\-\\-help"));
}

TEST_CASE("man page: exit status, extra sections, examples, see also") {
  SampleApp s;
  auto man = render_man(s.app, s.doc);
  CHECK(contains(man, ".SH \"EXIT STATUS\"\n.TP\n\\fB0\\fR\nall good\n.TP\n\\fB2\\fR\nbad input\n"));
  CHECK(contains(man, ".SH \"JSON OUTPUT\"\n.PP\nOne object per line.\n"));
  CHECK(contains(man, ".SH EXAMPLES\n.PP\nDecode a capture as JSON.\n.PP\n.RS 4\n.nf\nsample \\-f json x.pcap\n.fi\n.RE\n"));
  CHECK(contains(man, ".SH \"SEE ALSO\"\n\\fBmqdump\\fR(1),\n\\fBmosquitto_sub\\fR(1)\n"));
}

TEST_CASE("man page: section order") {
  SampleApp s;
  auto man = render_man(s.app, s.doc);
  std::vector<std::string> order = {".SH NAME", ".SH SYNOPSIS", ".SH DESCRIPTION", ".SH ARGUMENTS", ".SH OPTIONS",
                                    ".SH \"EXIT STATUS\"", ".SH \"JSON OUTPUT\"", ".SH EXAMPLES", ".SH \"SEE ALSO\""};
  std::size_t last = 0;
  for (const auto& heading : order) {
    auto at = man.find(heading);
    CAPTURE(heading);
    REQUIRE(at != std::string::npos);
    CHECK(at >= last);
    last = at;
  }
}

TEST_CASE("man page: required options and arguments in the synopsis") {
  CLI::App app{"x", "req"};
  std::string topic, file;
  app.add_option("-t,--topic", topic, "Topic")->required();
  app.add_option("input", file, "Input")->required()->type_name("FILE");
  mq::apps::AppDoc doc;
  doc.name = "req";
  auto man = render_man(app, doc);
  CHECK(contains(man, ".SH SYNOPSIS\n\\fBreq\\fR [\\fIOPTIONS\\fR] \\fB\\-\\-topic\\fR \\fITEXT\\fR \\fIinput\\fR\n"));
  CHECK(contains(man, ".TP\n\\fB\\-t\\fR, \\fB\\-\\-topic\\fR \\fITEXT\\fR\nTopic\n.br\nRequired.\n"));
  CHECK(contains(man, "An option followed by ... may be given more than once and every use counts"));
  CHECK_FALSE(contains(man, "SEE ALSO"));  // nothing to list
}
