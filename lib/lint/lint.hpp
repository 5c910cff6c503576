#pragma once
/// The best-practice lint of mqdump --lint and mqbroker --lint: reads a
/// conversation and reports the anti-patterns of MQTT practice listed in
/// lint_rules.hpp, each once per client and topic, with its evidence and
/// advice. A PacketObserver (proxy, captures, the broker's own traffic);
/// messages seen only by a subscriber (mqsub --json) go in through message().

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "lint/client_rules.hpp"
#include "lint/lint_rules.hpp"
#include "observe/observed.hpp"

namespace mq::lint {

using observe::ConnectionEnd;
using observe::Direction;
using observe::ObservedPacket;
using observe::PacketObserver;

/// One finding: the rule, where it was seen, and what was seen.
struct LintFinding {
  LintRule rule{};
  std::string client_id;              ///< the client it is about ("" when unknown)
  std::uint64_t connection = 0;       ///< 0 when not from a connection (mqsub input)
  std::uint64_t packet = 0;           ///< packet number in the connection, 0 when none
  std::string type;                   ///< packet type of the evidence ("PUBLISH"), or empty
  std::optional<Direction> direction;
  std::string topic;                  ///< topic or filter of the evidence, or empty
  std::string detail;                 ///< what exactly was seen, one line
  std::int64_t time_us = 0;
};

/// How much a Lint remembers. The defaults suit mqdump, whose conversations
/// end: every finding kept, each reported once per client and topic. A
/// running broker keeps no finding, reports once per client id and rule
/// for a bounded number of client ids, and bounds every table.
struct LintMemory {
  bool keep_findings = true;  ///< findings() holds every finding
  /// 0: once per client and topic, every key kept; else once per client
  /// id and rule, for at most this many client ids (ClientRuleSet).
  std::size_t max_clients = 0;
  std::size_t max_tracked = 100000;  ///< entries of each table that grows with the conversation
  std::size_t max_key_bytes = SIZE_MAX;  ///< longest topic, filter or client id those tables keep
  std::size_t max_filters = 10000;   ///< subscriptions per connection kept for subscribe-overlap
  /// Report what PUBLISH packets sent to clients show. A broker sends only
  /// what a client published (reported then) and its own choices
  /// (aliases, bursts), which are not the receiver's doing.
  bool judge_sent = true;
};

/// Reads a conversation against the lint rules.
class Lint : public PacketObserver {
 public:
  /// Called for each new finding as it is made (live output, broker logs).
  using FindingHandler = std::function<void(const LintFinding&)>;

  explicit Lint(LintSettings settings = {}, FindingHandler on_finding = {}, LintMemory memory = {});
  void packet(const ObservedPacket& p) override;
  void connection_end(const ConnectionEnd& end) override;
  /// A message seen by a subscriber, whose publisher is unknown.
  void message(const Publish& publish, std::int64_t time_us);
  /// Runs the rules that need the whole conversation (aliases of open
  /// connections, retained clutter). Called once at the end.
  void finish();
  /// Runs the rules over the whole conversation that do not need its end
  /// (retained clutter) as of `time_us`, for a conversation that goes on:
  /// a running broker calls it from time to time.
  void review(std::int64_t time_us);
  /// Every finding so far, in the order made.
  const std::vector<LintFinding>& findings() const { return findings_; }

 private:
  struct Alias {
    std::string topic;
    std::uint64_t packet = 0;
    bool reused = false;
  };
  struct Conn {
    std::string client_id;
    std::string address;  ///< client address without port
    std::optional<ProtocolVersion> version;
    bool clean = true;    ///< no session kept after the connection
    std::uint64_t packets = 0;
    std::uint32_t receive_max[2] = {65535, 65535};  ///< of the receiver, by the Direction packets travel
    std::set<std::uint16_t> in_flight[2];           ///< QoS 1/2 PUBLISH ids, by Direction
    std::map<std::uint16_t, Alias> aliases[2];
    std::vector<std::string> filters;
  };
  struct Evidence;
  /// Gives connection `connection` client id `id`, in conns_ and open_ids_.
  void set_client_id(std::uint64_t connection, Conn& c, std::string id);
  void on_connect(Conn& c, const Evidence& e, const Connect& x);
  void on_subscribe(Conn& c, const Evidence& e, const Subscribe& x);
  void on_publish(Conn* c, const Evidence& e, const Publish& x);
  void check_topic(const Evidence& e, std::string_view topic);
  void acknowledge(Conn& c, Direction d, std::uint16_t id);
  void close_aliases(const Conn& c, std::uint64_t connection, std::int64_t time_us);
  /// retain-clutter: enough live retained topics that no filter seen reads.
  void check_retained(std::int64_t time_us);
  void report(LintRule rule, const Evidence& e, std::string_view topic, std::string detail, bool per_topic);
  /// True when a table may keep a key this long.
  bool fits(std::string_view key) const { return key.size() <= memory_.max_key_bytes; }

  LintSettings settings_;
  FindingHandler on_finding_;
  LintMemory memory_;
  std::optional<ClientRuleSet> per_client_;  ///< set when memory_.max_clients
  std::map<std::uint64_t, Conn> conns_;
  /// Open connections by client id, for collisions without a scan of conns_.
  std::map<std::string, std::set<std::uint64_t>> open_ids_;
  std::map<std::string, std::uint64_t> takeovers_;                        // by client id
  std::map<std::pair<std::string, std::string>, std::set<std::string>> patterns_;  // (client, pattern) -> topics
  struct Qos2 {
    std::uint64_t count = 0;
    bool telemetry = true;
  };
  std::map<std::pair<std::string, std::string>, Qos2> qos2_;  // (client, topic)
  struct Retained {
    std::uint64_t count = 0;
    std::int64_t first_us = 0;
    bool live = false;  ///< the last retained message was not a clear
  };
  std::map<std::string, Retained> retained_;
  std::set<std::string> all_filters_;
  std::set<std::string> reported_;
  std::vector<LintFinding> findings_;
  std::int64_t last_finding_us_ = 0;
  bool finished_ = false;
};

/// A finding as two lines of text: the rule, detail and evidence, then the advice.
std::string format_lint_text(const LintFinding& f);
/// A finding as one JSON object (no newline).
std::string format_lint_json(const LintFinding& f);
/// The object format_lint_json writes.
nlohmann::ordered_json lint_json(const LintFinding& f);

}  // namespace mq::lint
