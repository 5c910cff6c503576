#pragma once
/// The MOSQUITTO COMPATIBILITY man page section of mqpub and mqsub: every
/// option of mosquitto_pub/mosquitto_sub 2.0.11, whether mq has it the same,
/// differently (and why) or not (and why). A test runs mosquitto's --help and
/// fails when one of its options is missing from this table.

#include <string>

namespace mq::apps {

/// Which tool the section is for.
enum class MosquittoTool { Pub, Sub };

/// The section text: an introduction and one line per mosquitto option.
std::string mosquitto_compatibility(MosquittoTool tool);

}  // namespace mq::apps
