#pragma once
/// The conformance catalogue: ONE table of black-box checks of the
/// server-side normative statements of MQTT 3.1.1 and 5.0, each with the
/// statement ids it shows per version and the capability it needs, and the
/// list of server-side statements with the reason each unchecked one is not
/// checked.

#include <span>
#include <string_view>
#include <vector>

#include "conform/context.hpp"

namespace mq::conform {

/// Capabilities a check needs; without them it is "not applicable".
enum Need : unsigned {
  kNeedNothing = 0,
  kNeedRetain = 1u << 0,
  kNeedWildcards = 1u << 1,
  kNeedShared = 1u << 2,
  kNeedSubIds = 1u << 3,
  kNeedQos1 = 1u << 4,
  kNeedQos2 = 1u << 5,
};

/// One check of the catalogue.
struct CheckDef {
  std::string_view name;    ///< dotted, e.g. "publish.qos2-flow"
  std::string_view title;   ///< what the broker must do
  std::string_view ids311;  ///< statement ids shown at 3.1.1, space-separated ("3.1.4-4 3.2.0-1"); empty: not run
  std::string_view ids5;    ///< the same for 5.0
  unsigned needs;           ///< Need bits
  void (*run)(Ctx&);
};

/// Every check, in run order.
const std::vector<CheckDef>& catalogue();

/// The statement ids of `check` at `version`, each as "MQTT-x.y.z-n".
std::vector<std::string> statement_ids(const CheckDef& check, ProtocolVersion version);

/// Why a server-side statement has no check.
enum class Gap {
  None,         ///< it is checked (computed from the catalogue)
  BlackBox,     ///< cannot be observed from outside the broker
  SecondPath,   ///< needs a second network path (a cut, a restart, a slow link)
  Cooperation,  ///< needs the broker configured for it (authentication, ACLs, limits)
  Time,         ///< needs waiting out an interval longer than the suite allows
  Transport,    ///< about the WebSocket framing below MQTT, not the broker's MQTT
  NotYet,       ///< testable black-box, no check written yet
};

/// One server-side normative statement and why it is not checked when no check covers it.
struct Statement {
  ProtocolVersion version;
  std::string_view id;  ///< "3.1.2-24"
  Gap gap;              ///< the reason when unchecked
};

/// The server-side statements of 3.1.1 and 5.0.
std::span<const Statement> server_statements();

/// "untestable black-box", "needs a second network path", ...
std::string_view gap_name(Gap g);

}  // namespace mq::conform
