#pragma once
/// Runs the selected checks of the catalogue against one broker, each with
/// its own fresh connections, and writes the results as a table, JSON or
/// JUnit XML; also the catalogue with its coverage for --list.

#include <functional>
#include <string>
#include <vector>

#include "conform/catalogue.hpp"

namespace mq::conform {

/// The outcome of one check at one protocol version.
enum class Verdict { Pass, Fail, NotApplicable };

struct CheckResult {
  const CheckDef* check = nullptr;
  ProtocolVersion version = ProtocolVersion::v311;
  Verdict verdict = Verdict::Pass;
  std::string reason;                ///< why it failed or does not apply
  std::vector<std::string> choices;  ///< the allowed answers the broker chose
  std::string transcript;            ///< the exchanges, decoded (failures only)
  double seconds = 0;
};

struct RunOptions {
  Target target;
  std::vector<std::string> patterns;  ///< -k: a check runs when one matches (empty: all)
  bool v311 = true, v5 = true;
};

/// True when `check` at `version` is selected by `patterns`: each pattern is
/// a glob (* and ?) or a substring of the name, or a statement id
/// ("3.3.1-5", "MQTT-3.3.1-5"); "311"/"5" suffixed with ':' restricts the version.
bool selected(const CheckDef& check, ProtocolVersion version, const std::vector<std::string>& patterns);

/// What the broker says it offers, read from one 5.0 and one 3.1.1 connection.
Capabilities discover(const Target& target, std::string& error);

/// Runs the selected checks; `progress` sees each result as it is made.
std::vector<CheckResult> run_checks(const RunOptions& options, const Capabilities& caps,
                                    const std::function<void(const CheckResult&)>& progress);

/// "pass", "FAIL", "n/a".
std::string_view verdict_name(Verdict v);
/// The results table (one line per check and version), failures with their transcripts.
std::string format_table(const std::vector<CheckResult>& results, const Capabilities& caps);
/// One JSON document: broker capabilities, results, coverage.
std::string format_json(const std::vector<CheckResult>& results, const Capabilities& caps);
/// JUnit XML, one testsuite per protocol version.
std::string format_junit(const std::vector<CheckResult>& results);
/// The catalogue and the coverage of the server-side statements.
std::string format_list(const std::vector<std::string>& patterns);

/// Ids (with "MQTT-") of server-side statements at `version` that some check covers.
std::vector<std::string> covered_statements(ProtocolVersion version);

}  // namespace mq::conform
