#include "probe.hpp"

#include <cstdlib>
#include <fstream>
#include <iostream>

#include <fmt/format.h>

#include "exit_codes.hpp"
#include "probe/probe.hpp"

namespace mq::mqbench {

namespace {
constexpr const char* kProbe = "Probe";

int fail(Exit e, const std::string& message) {
  fmt::print(stderr, "mqbench: {}\n", message);
  return code(e);
}
}  // namespace

void define_probe_cli(CLI::App& app, ProbeOptions& o) {
  app.add_option("--probe-wait", o.wait, "probe: seconds to wait for each answer of the broker before calling it unknown")
      ->check(CLI::Range(0.05, 60.0))
      ->capture_default_str()
      ->group(kProbe);
  app.add_option("--probe-max-size", o.max_size,
                 "probe: largest packet, topic and client id the bisections send, in bytes")
      ->check(CLI::Range(1024u, 64u * 1024 * 1024))
      ->capture_default_str()
      ->group(kProbe);
  app.add_option("--probe-max-inflight", o.max_inflight,
                 "probe: largest Receive Maximum whose enforcement is tested (that many QoS 2 PUBLISHes plus one)")
      ->check(CLI::Range(1u, 65534u))
      ->capture_default_str()
      ->group(kProbe);
  app.add_option("--probe-prefix", o.prefix, "probe: first level of every topic and prefix of every client id it uses")
      ->capture_default_str()
      ->group(kProbe);
}

std::pair<std::string, std::string> probe_doc_section() {
  std::string keys;
  for (const auto& k : probe::report_keys()) keys += fmt::format("{}{}", keys.empty() ? "" : ", ", k.key);
  return {"PROBE",
          "mqbench probe URL connects as a well-behaved client and measures what the broker supports and its limits, "
          "rather than reading them from CONNACK alone. It tries MQTT 5.0, 3.1.1 and 3.1, then asks the rest at the "
          "highest level accepted (or -V): maximum QoS (a QoS 2 subscription's SUBACK and QoS 2, then QoS 1 PUBLISHes), "
          "retained messages (kept and delivered to a new subscriber, then cleared), wildcard and shared subscriptions "
          "and subscription identifiers (a message must arrive through them), $SYS (a message within the wait), "
          "Maximum Packet Size, topic length and topic levels (bisection over QoS 1 PUBLISHes: PUBACK means accepted; "
          "an error PUBACK, DISCONNECT or a closed connection means refused), Receive Maximum (one QoS 2 PUBLISH more "
          "than advertised, all sent at once without waiting, and what the broker does), Topic Alias Maximum (the "
          "advertised alias, and one more), client id length (bisection) and characters beyond 0-9a-zA-Z, empty "
          "client ids (clean start 1 and 0), sessions kept and expired (Session Expiry 60 s and 1 s, reconnecting "
          "after 2.2 s), message expiry (1 s and 60 s messages queued for the kept session), wills and the Will Delay "
          "Interval (1 s, the connection dropped without DISCONNECT), Server Keep Alive and whether a silent client "
          "with keep alive 1 s is closed, authentication methods (CONNECT with SCRAM-SHA-1/256/512, PLAIN, "
          "OAUTHBEARER and KERBEROS: AUTH in answer means offered), for TLS URLs TLS 1.2 and 1.3 each alone and the "
          "ALPN answer to \"mqtt\", and for ws:// and wss:// the WebSocket subprotocol chosen.\n\n"
          "Bounds: every step waits at most --probe-wait for its answer and a missing answer makes the finding "
          "\"unknown\", never a hang; the bisections take at most about 20 steps each and send no packet larger than "
          "--probe-max-size (default 256 KiB; a broker taking that much shows the cap as its value); Receive Maximum "
          "enforcement is tested only up to --probe-max-inflight. A run takes some seconds plus the waits; it uses "
          "topics under --probe-prefix/PID/ and client ids starting with the prefix, and cleans up the retained "
          "message and the sessions it made.\n\n"
          "Choices the probe makes where MQTT leaves room: a request counts as accepted when its acknowledgement "
          "has a reason code below 0x80 (PUBACK 0x10 No matching subscribers included) and as refused on an error "
          "reason code, a DISCONNECT or a closed connection, whichever the broker chose (the detail says which); a "
          "5.0 CONNECT refused with a 3.1.1 CONNACK (return code 1) counts as refused. Probe connections use keep "
          "alive 10 s and clean start, except where a session is the question. A limit is reported as the largest "
          "value accepted; \">= N\" (\"at_least\": true) when the cap was reached without a refusal. Waits for "
          "time-bound behaviour (will delay, keep alive) allow at least 2 s past the due time, because several "
          "brokers run those timers once a second; the detail gives the time measured.\n\n"
          "Output: a table on stdout (capability, value, status, how it was found; --quiet leaves it out), and with "
          "--json FILE one JSON object on one line (--json - writes it to stdout instead of the table): {\"broker\", \"protocol\", \"seconds\", \"results\": {KEY: {\"value\", \"status\", \"label\", "
          "\"detail\"}}}. status is measured, advertised (only CONNACK says so), unknown or not applicable; value is "
          "null unless measured or advertised. Every key is always present, in this order: " +
              keys +
              ".\n\n"
          "Exit status: 0 when the broker was probed (whatever it supports), 3 when it could not be reached or sent "
          "no CONNACK at any level, 4 when it refused every level (e.g. not authorised), 1 when --json cannot be "
          "written, 2 for a bad command line."};
}

int run_probe(const CLI::App& app, const BenchOptions& o, const ProbeOptions& po) {
  apps::ClientOptions c = o.client;
  if (o.files.size() > 1) return fail(Exit::Usage, "probe takes one broker URL");
  if (!o.files.empty()) {
    if (!c.url.empty()) return fail(Exit::Usage, "probe: give the broker as URL or -L, not both");
    c.url = o.files.front();
  }
  const char* env = std::getenv(apps::kUrlEnv);
  if (c.url.empty() && c.host.empty() && c.port == 0 && c.unix_path.empty() && !(env && *env))
    return fail(Exit::Usage, "probe needs a broker: mqbench probe URL (or -L, -h, -p, --unix, $MQ_URL)");
  auto setup = apps::make_client_setup(c, "mqbench");
  if (auto* error = std::get_if<std::string>(&setup)) return fail(Exit::Usage, *error);
  auto& s = std::get<apps::ClientSetup>(setup);

  probe::ProbeConfig cfg;
  cfg.url = s.url;
  cfg.connect = s.connect;
  cfg.username = s.config.username;
  cfg.password = s.config.password;
  if (app.count("-V")) cfg.version = s.config.version;
  cfg.wait = std::chrono::milliseconds(static_cast<std::int64_t>(po.wait * 1000));
  cfg.max_size = po.max_size;
  cfg.max_inflight = po.max_inflight;
  cfg.prefix = po.prefix;
  if (po.prefix.empty() || po.prefix.find_first_of("+#") != std::string::npos)
    return fail(Exit::Usage, "--probe-prefix: a non-empty topic level without wildcards");

  std::ofstream file;
  std::ostream* json = nullptr;
  if (o.json == "-") {
    json = &std::cout;
  } else if (!o.json.empty()) {
    file.open(o.json, std::ios::binary | std::ios::trunc);
    if (!file) return fail(Exit::Failure, fmt::format("--json: cannot write '{}'", o.json));
    json = &file;
  }

  const probe::ProbeResult result = probe::run_probe(cfg);
  if (result.end != probe::ProbeEnd::Probed)
    return fail(result.end == probe::ProbeEnd::Refused ? Exit::Refused : Exit::Connect,
                fmt::format("{}: {}", net::to_string(cfg.url), result.error));
  if (json) {
    *json << probe::to_json(result.report).dump() << '\n';
    json->flush();
    if (!*json) return fail(Exit::Failure, fmt::format("--json: cannot write '{}'", o.json));
  }
  if (!o.quiet && o.json != "-") fmt::print("{}", probe::to_table(result.report));
  return code(Exit::Ok);
}

}  // namespace mq::mqbench
