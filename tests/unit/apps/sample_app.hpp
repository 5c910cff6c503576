#pragma once
/// A small CLI::App exercising every feature the documentation generator
/// reads: groups, option groups, sets, transformers, files, counters, hidden
/// options and positionals.

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "docs.hpp"

namespace mq::apps::test {

/// Owns the app and the variables its options write to.
struct SampleApp {
  CLI::App app{"Sample tool", "sample"};
  std::string format = "text";
  std::string input;
  std::string out_dir;
  std::vector<std::string> files;
  std::vector<std::string> topics;
  std::string secret;
  std::string pattern;
  int verbose = 0;
  int version = 4;
  int port = 1883;
  bool quiet = false;
  AppDoc doc;

  SampleApp() {
    app.add_option("-f,--format", format, "Output format")
        ->check(CLI::IsMember({"text", "json"}))
        ->capture_default_str();
    app.add_option("-r,--read", input, "Read packets from a capture file")->check(CLI::ExistingFile);
    app.add_option("--out-dir", out_dir, "Where to write")->type_name("DIR");
    app.add_flag("-v,--verbose", verbose, "Say more; repeat for even more");
    app.add_flag("-q,--quiet", quiet, "Say nothing");
    app.add_option("--pattern", pattern, "A regex like a\\.b-c");
    std::map<std::string, int> versions{{"3.1.1", 4}, {"5", 5}};
    app.add_option("-V,--protocol-version", version, "MQTT version")
        ->transform(CLI::CheckedTransformer(versions));
    app.add_option("-t,--topic", topics, "Topic filter")->group("Filtering");
    app.add_option("--secret", secret, "Never shown")->group("");
    auto* conn = app.add_option_group("Connection", "Where the broker is");
    conn->add_option("-p,--port", port, "Broker port")->check(CLI::Range(1, 65535))->capture_default_str();
    app.add_option("files", files, "Capture files to read")->check(CLI::ExistingFile);

    doc.name = "sample";
    doc.summary = "decode MQTT-ish things";
    doc.description = "First paragraph with a back\\slash and --dashes.\n.starts with a dot\n\n  {\"literal\": true}\n  second";
    doc.exit_codes = {{0, "all good"}, {2, "bad input"}};
    doc.sections = {{"Json output", "One object per line."}};
    doc.examples = {{"sample -f json x.pcap", "Decode a capture as JSON."}};
    doc.see_also = {"mqdump(1)", "mosquitto_sub(1)"};
    add_doc_generation(app, doc);
  }
};

}  // namespace mq::apps::test
