#include "cli.hpp"

#include <cstdlib>

#include <fmt/format.h>

#include "bench/name_template.hpp"
#include "bench/worker.hpp"
#include "exit_codes.hpp"
#include "probe.hpp"

namespace mq::mqbench {

namespace {
constexpr const char* kLoad = "Load";
constexpr const char* kConn = "Connections (conn mode)";
constexpr const char* kConnection = "Connection";
constexpr const char* kOutput = "Output";
constexpr const char* kConform = "Conformance (conform mode)";

/// This worker's share of `total` items: how many and the first one's index.
std::pair<unsigned, unsigned> share(unsigned total, const bench::WorkerSpec& w) {
  const bench::ClientRange r = bench::partition(total, w);
  return {static_cast<unsigned>(r.count), static_cast<unsigned>(r.first)};
}

}  // namespace

apps::AppDoc documentation() {
  apps::AppDoc doc;
  doc.name = "mqbench";
  doc.summary = "benchmark an MQTT broker: throughput, latency, loss and connections";
  doc.description =
      "mqbench measures an MQTT broker (3.1.1 or 5.0) over TCP, TLS, WebSocket or a Unix socket. Its MODE "
      "says what it does: pubsub (the default) runs publishers and subscribers in one process on one clock, "
      "for end-to-end latency; pub only publishes; sub only subscribes (to the publishers of another mqbench "
      "on the same machine); conn opens connections: churn (connect, CONNACK, DISCONNECT, with --in-flight "
      "handshakes at a time) or --hold (open -c connections and keep them). merge FILE... combines the --json "
      "results of several workers exactly; compare A B shows two results side by side with ratios; probe URL measures "
      "what a broker supports and its limits (see PROBE).\n\n"
      "With no broker address (-h, -p, -L, --unix or $MQ_URL) mqbench starts the embedded broker (mqbroker's "
      "core) in-process on a free loopback port, on its own thread, with its in-flight and queue limits "
      "lifted, and says so on stderr; its CPU time is measured from its thread.\n\n"
      "Load: closed loop by default: each publisher keeps at most --window messages outstanding (not yet "
      "received by all its subscribers, and at QoS 1 and 2 not yet acknowledged), which finds the highest "
      "loss-free throughput. --rate makes it an open loop: messages are sent on a fixed schedule and latency "
      "is measured from the time each one was due, so a stalled broker shows up as latency instead of hiding "
      "it (coordinated omission); the report says how far the generator itself fell behind. The --warmup "
      "seconds are left out of every figure, except loss: a lost message is never hidden.\n\n"
      "Every payload carries its publisher, a sequence number and the send time; subscribers count loss, "
      "duplicates and reordering from them exactly, per publisher. Latency goes into a log-linear histogram "
      "(under 1% error) and is reported as min, p50, p90, p99, p99.9, p99.99, max and mean in microseconds.\n\n"
      "mqbench reports its own CPU and memory and warns when it used nearly a full core (then the figures "
      "are its limit, not the broker's); it reports the broker's CPU and memory with --broker-pid.";
  doc.exit_codes = exit_docs();
  doc.sections = {
      {"WORKERS",
       "--worker I/N makes this process worker I of N: it runs its share of the publishers, subscribers, "
       "connections and rate, with client ids and topics numbered globally, so N copies started by ssh, a "
       "Kubernetes Indexed Job (which sets JOB_COMPLETION_INDEX; then --worker N is enough) or a Slurm array "
       "make one load. mqbench merge *.json adds their counters and merges their histograms bucket by bucket."},
      {"TOPICS",
       "-t is a template: %i is the publisher's global index, %c its client id, %w the worker index, %% a "
       "percent sign. Without --sub-topic, "
       "subscriber k follows the topic of publisher k mod P of its worker, so -c 1 --subscribers 10 is a one to "
       "ten fan-out. --sub-topic sets every subscriber's filter (a template too, %i the subscriber's index), "
       "e.g. 'mqbench/#'; then each subscriber expects every publisher's messages. --shared NAME subscribes "
       "through $share/NAME/ (MQTT 5.0): the group, not each member, must see every message."},
      {"PROTOCOL CHOICES",
       "Where MQTT leaves a choice, mqbench makes this one. A duplicate at QoS 0 or 1 is allowed by the protocol "
       "(at most once, at least once): it is counted and reported, and fails the run only through --slo "
       "duplicates=0; at QoS 2 (exactly once) a duplicate fails the run (exit 5), as does any loss at QoS 1 or 2. "
       "Packet identifiers are the sequence number mod 65535 plus 1, so at most 65535 messages are in flight "
       "per publisher, fewer when the broker's Receive Maximum (5.0 CONNACK) is lower; mqbench's own CONNECT "
       "asks for a Receive Maximum of 65535 so that the subscribers never hold the broker back. Subscriptions "
       "are made at the messages' QoS. Clients connect with a clean session (clean start) and keep alive -k."},
      {"MEASUREMENT",
       "All clients run on one thread and one clock (CLOCK_MONOTONIC), so end-to-end latency needs no clock "
       "synchronisation; in sub mode the publishers' clock must be the same machine's. Closed-loop messages "
       "are stamped when built, open-loop ones with the time they were due. mqbench's CPU is its run thread's; "
       "its memory is the process's resident size, which includes the embedded broker when one runs; the "
       "embedded broker's own memory is therefore shown as shared (null in --json), never as 0. With "
       "conn --hold the memory per held connection is printed (and stored in the settings of --json), for "
       "mqbench and, with --broker-pid, for the broker."},
      {"WHAT IS COUNTED",
       "Every payload starts with a 24-byte header: \"mqb\" 1, the publisher's global index, its sequence "
       "number and the time stamp (little-endian). A message counts as received (and in bytes, duplicates, "
       "reordered, per-subscriber counts and the e2e histogram) when its publisher sent it in the measured "
       "phase, wherever it arrives, the drain included; so e2e count = received - duplicates, and a loss-free "
       "one-to-one run has received = published. Acknowledgements (acked and the ack histogram) follow the same rule: a loss-free QoS 1 or 2 run has acked = published. In open loop a publisher whose broker has not read 1 MiB of its output holds its sends back, so a broker that stops reading cannot grow mqbench's memory; the sends it never made are reported in a warning. Messages without the header are left out and reported. Loss "
       "covers the whole run, warm-up included, so that no lost message is hidden. Each subscriber (or "
       "shared group) tracks each publisher in a sliding window of 65,536 sequence numbers (8 KiB, whatever "
       "the run's length): a number missing when it leaves the window is lost; a message that arrives later "
       "than that is reported as a late arrival in a warning, its loss standing. An interval shorter than "
       "half --interval (the run's last) is marked \"partial\" and left out of the report's plots over time."},
      probe_doc_section(),
      {"CONFORMANCE",
       "mqbench conform URL runs black-box checks of the server-side normative statements of MQTT 3.1.1 and 5.0 "
       "against the broker at URL (any transport: mqtt, mqtts, ws, wss, unix). Each check opens its own fresh "
       "connections, sends exact bytes (well-formed packets, or malformed ones on purpose) and waits for the "
       "expected packets or for the broker to close, at most --wait seconds per step; absence is shown with a "
       "PINGREQ round trip or a marker message, never by sleeping. Each check cites the statement ids it shows per "
       "version, e.g. [MQTT-3.3.1-5]; --list prints the catalogue and, for each version, which server-side "
       "statements are checked and why the others are not (untestable black-box, needs a second network path, "
       "needs broker cooperation, needs waiting out an interval, WebSocket framing, no check yet).\n\n"
       "A check passes, fails (the table then shows every packet exchanged, decoded as mqdump shows it) or does "
       "not apply: the broker's 5.0 CONNACK says it lacks what the check needs (retained messages, wildcards, "
       "shared subscriptions, subscription identifiers, QoS 1 or 2), or it does not accept that protocol version. "
       "Where the specification allows several answers the check accepts each and records the broker's choice "
       "(\"chose:\"): closing or answering CONNACK/DISCONNECT on a malformed packet, PUBACK 0x00 or 0x10 without "
       "subscribers, a QoS 2 message forwarded on PUBLISH or on PUBREL, one copy or several for overlapping "
       "subscriptions. The suite's own reading where the text is loose: a CONNECT with an unknown protocol name or "
       "level may be refused with CONNACK 0x01 or 0x84 in either layout; Topic Alias 0 may be answered with "
       "any error (the specification names none); a remaining length longer than needed may be read or refused; "
       "a SUBSCRIBE the specification calls a protocol error (QoS 3 in subscription options, No Local on a shared "
       "subscription) may be closed with DISCONNECT 0x82 or 0x81 (mosquitto reads such a SUBSCRIBE as malformed); "
       "a property not allowed in a packet is malformed (0x81). Where Topic Alias Maximum is 65535, no alias lies "
       "above it and only the resolving of aliases is checked.\n\n"
       "Both versions run unless -V names one; the TLS, WebSocket, -u and -P options apply to every connection. "
       "Output: the table on stdout; --json FILE (- for stdout, then no table) and --junit FILE for CI systems. "
       "Topics start with mqconf/ and client identifiers with mqconf, followed by a per-run number, so runs "
       "against a shared broker do not meet; retained messages and sessions a check creates are removed by it. "
       "Exit status 0 when no check failed, 8 when one did, 3 when no connection succeeded."},
      {"ENVIRONMENT",
       "MQ_URL: the broker URL when no -h, -p, -L or --unix is given. JOB_COMPLETION_INDEX: the worker index "
       "for --worker N."},
  };
  doc.examples = {
      {"mqbench -d 5", "1 publisher and 1 subscriber against the embedded broker for 5 seconds"},
      {"mqbench pubsub -L mqtt://broker:1883 -q 1 --publishers 4 --subscribers 4 --json run.json",
       "QoS 1 closed loop against a broker, NDJSON results in run.json"},
      {"mqbench --publishers 1 --subscribers 10 -s 64", "one-to-ten fan-out"},
      {"mqbench --rate 50000 --slo 'p99<5ms,loss=0'", "fixed-rate latency, exit 6 when the objective fails"},
      {"mqbench conn --in-flight 200 -d 10", "connection churn with 200 handshakes in flight"},
      {"mqbench conn --hold -c 10000 --source 4 --broker-pid $(pidof mqbroker)",
       "hold 10,000 connections from 127.0.0.1..4 and report the broker's memory"},
      {"mqbench merge w0.json w1.json w2.json --json all.json", "combine three workers' results"},
      {"mqbench compare before.json after.json", "two runs side by side"},
      {"mqbench conform mqtt://localhost:1883 --junit conform.xml", "the conformance suite, JUnit XML for CI"},
      {"mqbench conform mqtt://localhost:1883 -k retain -k 5:v5.topic", "only some checks"},
      {"mqbench conform --list", "the checks and the statements they cover"},
      {"mqbench -d 30 --report run.html", "a page with the plots, to open in a browser"},
      {"mqbench probe mqtts://broker:8883 --cafile ca.pem --json caps.json",
       "what the broker supports and its limits, as a table and as JSON"},
  };
  doc.see_also = {"mqbroker(1)", "mqpub(1)", "mqsub(1)"};
  return doc;
}

void define_cli(CLI::App& app, BenchOptions& o) {
  app.set_help_flag("--help", "Print this help and exit");
  app.add_option("mode", o.mode,
                 "What to run: pubsub (default), pub, sub, conn; or merge FILE..., compare A B, probe URL, conform URL")
      ->check(CLI::IsMember({"pubsub", "pub", "sub", "conn", "merge", "compare", "probe", "conform"}));
  app.add_option("files", o.files, "Result files (--json output) for merge and compare; the broker URL for probe and conform")
      ->type_name("FILE");

  app.add_option("-c,--clients", o.clients,
                 "Clients, as emqtt-bench's -c: connections (conn), publishers (pub), subscribers (sub), "
                 "publisher/subscriber pairs (pubsub)")
      ->group(kLoad);
  app.add_option("--publishers", o.publishers, "Publishers")->capture_default_str()->group(kLoad);
  app.add_option("--subscribers", o.subscribers, "Subscribers")->capture_default_str()->group(kLoad);
  app.add_option("-q,--qos", o.qos, "QoS of the messages and subscriptions")
      ->check(CLI::IsMember({0, 1, 2}))
      ->capture_default_str()
      ->group(kLoad);
  app.add_option("-s,--size", o.size, "Payload bytes, N or MIN-MAX (at least 24: the header with publisher, sequence and send time)")
      ->capture_default_str()
      ->group(kLoad);
  app.add_option("-t,--topic", o.topic, "Topic template (%i publisher index, %c client id, %w worker, %% a %)")
      ->capture_default_str()
      ->group(kLoad);
  app.add_option("--sub-topic", o.sub_topic, "Subscription filter template for every subscriber, e.g. 'mqbench/#'")
      ->group(kLoad);
  app.add_option("--shared", o.shared, "Subscribe through the shared subscription $share/NAME/ (MQTT 5.0)")
      ->type_name("NAME")
      ->group(kLoad);
  app.add_flag("-r,--retain", o.retain, "Publish with the retain flag")->group(kLoad);
  app.add_option("-R,--rate", o.rate,
                 "Messages per second of the whole load, all publishers of all workers (open loop); 0: closed loop")
      ->check(CLI::NonNegativeNumber)
      ->group(kLoad);
  app.add_option("--ramp", o.ramp, "Open loop: seconds over which the rate grows linearly from 0 to --rate")
      ->check(CLI::NonNegativeNumber)
      ->group(kLoad);
  app.add_option("-w,--window", o.window,
                 "Closed loop: messages outstanding per publisher; at QoS 1/2 also the in-flight limit")
      ->check(CLI::Range(std::size_t{1}, std::size_t{65535}))
      ->capture_default_str()
      ->group(kLoad);
  app.add_option("-d,--duration", o.duration, "Seconds measured (after the warm-up)")
      ->check(CLI::PositiveNumber)
      ->capture_default_str()
      ->group(kLoad);
  app.add_option("--warmup", o.warmup, "Seconds of load before measuring, left out of the figures")
      ->check(CLI::NonNegativeNumber)
      ->capture_default_str()
      ->group(kLoad);
  app.add_option("-C,--count", o.count,
                 "Messages per publisher (conn churn: connections) after the warm-up; the run ends when they are "
                 "sent and received, or at --duration")
      ->group(kLoad);
  app.add_option("--interval", o.interval, "Seconds per interval record and status line")
      ->check(CLI::Range(0.1, 3600.0))
      ->capture_default_str()
      ->group(kLoad);
  app.add_option("--source", o.sources,
                 "Local addresses to connect from, in turn: a list (127.0.0.1,127.0.0.2) or a count N for "
                 "127.0.0.1..N, to open more connections than one address's port range allows")
      ->group(kLoad);
  app.add_option("--worker", o.worker,
                 "Be worker I of N (I/N; or N with I from JOB_COMPLETION_INDEX or a Slurm array task id)")
      ->type_name("I/N")
      ->group(kLoad);
  app.add_option("--broker-pid", o.broker_pid, "The broker's process id: report its CPU and memory from /proc")
      ->group(kLoad);

  app.add_flag("--hold", o.hold, "conn: open -c connections and hold them for --duration")->group(kConn);
  app.add_option("--in-flight", o.in_flight, "conn: connection handshakes at a time")
      ->check(CLI::Range(1u, 100000u))
      ->capture_default_str()
      ->group(kConn);
  app.add_option("--connect-rate", o.connect_rate, "conn: new connections per second (0: as --in-flight allows)")
      ->check(CLI::NonNegativeNumber)
      ->group(kConn);

  // The connection and TLS options are mqpub's and mqsub's. Where mqbench's
  // default differs (no address: the embedded broker; a URL's path is no
  // topic here) only the text says so.
  auto& c = o.client;
  apps::add_address_options(app, c);
  app.get_option("-h")->description("Broker host (no address at all: the embedded broker)");
  app.get_option("-L")->description(
      "Broker URL: mqtt://, mqtts://, ws://, wss:// or unix://, with optional user:password@ and port "
      "(default $MQ_URL, else the embedded broker)");
  // Not the shared -V: the conformance checks and the probe know 3.1.1 and
  // 5.0 only, and conform reads -V as which of the two to run.
  app.add_option("-V,--protocol-version", c.version, "MQTT version")
      ->check(CLI::IsMember({"mqttv5", "mqttv311", "5", "311"}))
      ->capture_default_str()
      ->group(kConnection);
  // Not the shared -I: mqbench numbers its many clients after the prefix
  // (mqbench-0, mqbench-1, ...) where mqpub appends its process id.
  app.add_option("-I,--id-prefix", c.id_prefix, "Client identifier prefix (default mqbench)")->group(kConnection);
  apps::add_connect_options(app, c);
  apps::add_tls_options(app, c);

  app.add_option("--json", o.json, "Write NDJSON (interval records, then a summary with the histograms); - for stdout")
      ->type_name("FILE")
      ->group(kOutput);
  app.add_option("--csv", o.csv, "Write CSV (one row per interval and a total row); - for stdout")
      ->type_name("FILE")
      ->group(kOutput);
  app.add_option("--report", o.report,
                 "Write one self-contained HTML page: throughput and latency over time, the latency distribution, "
                 "the settings and the machine")
      ->type_name("FILE")
      ->group(kOutput);
  app.add_option("--slo", o.slo, "Objectives that set the exit status, e.g. 'p99<5ms,loss=0,rate>=100000'")
      ->group(kOutput);
  app.add_flag("--quiet", o.quiet, "No status line and no final table on stderr")->group(kOutput);

  app.add_flag("--list", o.conform_list, "conform: print the checks and the coverage of the server-side statements")
      ->group(kConform);
  app.add_option("--select", o.conform_select,
                 "conform: run the checks whose name contains or matches (glob) PATTERN, or that cite a statement id "
                 "(3.3.1-5); 311:PATTERN or 5:PATTERN for one version. After conform, -k means --select")
      ->type_name("PATTERN")
      ->group(kConform);
  app.add_option("--junit", o.junit, "conform: write JUnit XML (one testsuite per MQTT version)")
      ->type_name("FILE")
      ->group(kConform);
  app.add_option("--wait", o.conform_wait, "conform: seconds to wait for each expected packet or close")
      ->check(CLI::Range(0.1, 60.0))
      ->capture_default_str()
      ->group(kConform);
}

std::variant<bench::RunConfig, std::string> make_config(const CLI::App& app, const BenchOptions& o, bool& embedded) {
  bench::RunConfig cfg;
  const auto& c = o.client;
  const char* env = std::getenv(apps::kUrlEnv);
  embedded = c.host.empty() && c.port == 0 && c.url.empty() && c.unix_path.empty() && !(env && *env);
  if (!embedded) {
    auto setup = apps::make_client_setup(c, "mqbench");
    if (auto* error = std::get_if<std::string>(&setup)) return *error;
    auto& s = std::get<apps::ClientSetup>(setup);
    cfg.url = s.url;
    cfg.connect = s.connect;
    cfg.version = s.config.version;
    cfg.username = s.config.username;
    cfg.password = s.config.password;
  } else {
    if (apps::tls_requested(c))
      return std::string("TLS options need a broker address (-L mqtts://...); the embedded broker listens on TCP");
    cfg.version = c.version == "mqttv311" || c.version == "311" ? ProtocolVersion::v311 : ProtocolVersion::v5;
    cfg.connect.timeout = std::chrono::milliseconds(static_cast<std::int64_t>(c.connect_timeout * 1000));
    cfg.username = c.username;
    cfg.password = c.password;
  }
  cfg.keep_alive = c.keepalive;
  if (!c.id_prefix.empty()) cfg.client_prefix = c.id_prefix;

  if (o.mode == "pub") cfg.mode = bench::Mode::Pub;
  else if (o.mode == "sub") cfg.mode = bench::Mode::Sub;
  else if (o.mode == "conn") cfg.mode = bench::Mode::Conn;
  else cfg.mode = bench::Mode::PubSub;
  if (!o.files.empty()) return fmt::format("'{}' takes no file arguments (merge and compare do)", o.mode);

  unsigned pubs = o.publishers, subs = o.subscribers, conns = 100;
  if (app.count("-c")) {
    if (o.clients == 0) return std::string("-c must be at least 1");
    if (cfg.mode == bench::Mode::Conn) conns = o.clients;
    else if (cfg.mode == bench::Mode::Pub) pubs = o.clients;
    else if (cfg.mode == bench::Mode::Sub) subs = o.clients;
    else pubs = subs = o.clients;
  }
  if (cfg.mode != bench::Mode::Sub && cfg.mode != bench::Mode::Conn && pubs == 0)
    return fmt::format("{} needs at least one publisher", o.mode);
  if (cfg.mode == bench::Mode::Sub && subs == 0) return std::string("sub needs at least one subscriber");

  bench::WorkerSpec worker;
  if (!o.worker.empty())
    if (auto e = bench::parse_worker(o.worker, [](const char* name) { return std::getenv(name); }, worker)) return *e;
  cfg.worker_index = worker.index;
  cfg.worker_count = worker.count;
  auto [np, fp] = share(pubs, worker);
  auto [ns, fs] = share(subs, worker);
  auto [nc, fc] = share(conns, worker);
  cfg.publishers = np;
  cfg.first_publisher = fp;
  cfg.subscribers = ns;
  cfg.first_subscriber = fs;
  cfg.total_publishers = pubs;
  cfg.connections = nc;
  (void)fc;
  if (cfg.worker_count > 1) cfg.client_prefix += fmt::format("-{}", cfg.worker_index);
  if (cfg.mode == bench::Mode::PubSub && cfg.worker_count > 1 && np == 0 && ns > 0)
    return fmt::format("worker {} of {} would have subscribers but no publisher: use at least as many publishers as workers",
                       cfg.worker_index, cfg.worker_count);
  // The rate is the whole load's: each worker sends its publishers' part of
  // the one schedule.
  cfg.rate = o.rate;
  cfg.ramp_s = o.ramp;
  if (o.ramp > 0 && o.rate <= 0) return std::string("--ramp needs --rate (an open loop)");
  cfg.connect_rate = o.connect_rate / static_cast<double>(cfg.worker_count);

  cfg.qos = o.qos;
  cfg.retain = o.retain;
  cfg.topic = o.topic;
  cfg.sub_topic = o.sub_topic;
  cfg.share_group = o.shared;
  if (!o.shared.empty() && cfg.version != ProtocolVersion::v5)
    return std::string("--shared needs MQTT 5.0 (-V 5)");
  if (auto e = bench::parse_payload_size(o.size, cfg.size)) return *e;
  for (const auto* t : {&o.topic, &o.sub_topic}) {
    bench::NameTemplate parsed;
    if (auto e = bench::NameTemplate::parse(*t, parsed)) return *e;
    // Each publisher's PUBLISH is encoded once and only patched per message.
    if (parsed.uses_sequence()) return fmt::format("template '{}': %s (sequence) is not available in mqbench topics", *t);
  }
  cfg.window = o.window;
  cfg.duration_s = o.duration;
  cfg.warmup_s = cfg.mode == bench::Mode::Conn ? 0 : o.warmup;
  cfg.count = o.count;
  // A count runs until it is done unless a duration was given too.
  if (o.count && !app.count("-d")) cfg.duration_s = 24 * 3600.0;
  cfg.interval_s = o.interval;
  cfg.hold = o.hold;
  cfg.in_flight = o.in_flight;
  if (o.hold && cfg.mode != bench::Mode::Conn) return std::string("--hold is for conn mode");
  cfg.broker_pid = o.broker_pid;

  if (!o.sources.empty()) {
    if (o.sources.find_first_not_of("0123456789") == std::string::npos) {
      const unsigned long n = std::strtoul(o.sources.c_str(), nullptr, 10);
      if (n == 0 || n > 254) return fmt::format("--source {}: a count from 1 to 254", o.sources);
      for (unsigned long k = 1; k <= n; ++k) cfg.sources.push_back(fmt::format("127.0.0.{}", k));
    } else {
      std::size_t at = 0;
      while (at <= o.sources.size()) {
        const auto comma = o.sources.find(',', at);
        std::string a = o.sources.substr(at, comma == std::string::npos ? std::string::npos : comma - at);
        if (a.empty()) return fmt::format("--source '{}': an empty address", o.sources);
        cfg.sources.push_back(a);
        if (comma == std::string::npos) break;
        at = comma + 1;
      }
    }
  }
  return cfg;
}

}  // namespace mq::mqbench
