#pragma once
/// mqbench's exit statuses: the one list used by the code and the man page.

#include <vector>

#include "docs.hpp"

namespace mq::mqbench {

/// What mqbench's exit status tells a script or a CI job.
enum class Exit : int {
  Ok = 0,         ///< the run finished; nothing was lost at QoS 1 or 2 and every --slo objective passed
  Failure = 1,    ///< a file could not be read or written (--json, --csv, --report, merge and compare inputs)
  Usage = 2,      ///< bad command line
  Connect = 3,    ///< the broker could not be reached or the setup did not finish (address, TLS, timeout)
  Refused = 4,    ///< the broker refused a connection (CONNACK) or a subscription (SUBACK)
  Loss = 5,       ///< messages were lost, or duplicated at QoS 2, at QoS 1 or 2
  Slo = 6,        ///< an --slo objective failed
  Interrupted = 7,  ///< SIGINT or SIGTERM ended the run early (the results so far are still written)
  Nonconformant = 8,  ///< conform: at least one check failed
};

/// The exit status as an int for main().
inline int code(Exit e) { return static_cast<int>(e); }

/// The documented meaning of every status, for the man page.
inline std::vector<apps::ExitCodeDoc> exit_docs() {
  return {
      {0, "The run finished; nothing was lost at QoS 1 or 2 and every --slo objective passed."},
      {1, "A file could not be read or written (--json, --csv, --report, the inputs of merge and compare)."},
      {2, "Bad command line."},
      {3, "The broker could not be reached, or the setup (connections, subscriptions) did not finish in time."},
      {4, "The broker refused a connection (CONNACK) or a subscription (SUBACK); the reason code is printed."},
      {5, "Messages were lost at QoS 1 or 2, or duplicated at QoS 2 (loss at QoS 0 is reported, and fails only "
          "an --slo objective such as loss=0)."},
      {6, "An --slo objective failed; each failed objective is printed with the measured value."},
      {7, "SIGINT or SIGTERM ended the run early; the results measured so far are still written."},
      {8, "conform: at least one check failed (0: every selected check passed or does not apply; 3: the broker "
          "could not be reached)."},
  };
}

}  // namespace mq::mqbench
