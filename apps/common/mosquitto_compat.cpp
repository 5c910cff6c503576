#include "mosquitto_compat.hpp"

#include <utility>
#include <vector>

#include <fmt/format.h>

namespace mq::apps {

namespace {

using Row = std::pair<const char*, const char*>;  ///< mosquitto option, what mq does

/// Options both mosquitto_pub and mosquitto_sub have.
const std::vector<Row> kCommon = {
    {"-A", "same for an IP address (also --bind-address); a host name is refused"},
    {"-c", "same; at 5.0 without -x the session never expires, as in mosquitto"},
    {"-d", "different: one line per packet sent or received; --trace text|json prints every field"},
    {"-D", "same, every form and any number of times; a user property may also be one word KEY=VALUE"},
    {"-h", "same; -p alone keeps $MQ_URL's host"},
    {"-i", "same"},
    {"-I", "same"},
    {"-k", "same"},
    {"-L", "same, mqtt://[user[:password]@]host[:port]/topic; also ws://, wss:// and unix://, and -t wins over the "
           "/topic path"},
    {"-p", "same"},
    {"-P", "same"},
    {"-u", "same"},
    {"-V", "different: MQTT 5.0 is the default (mosquitto: 3.1.1); 31, 311 and 5 are accepted too"},
    {"-x", "same"},
    {"--help", "same; it also lists examples and the exit statuses"},
    {"--nodelay", "same effect: Nagle's algorithm is always off"},
    {"--quiet", "same, except that the --insecure warning is always printed"},
    {"--unix", "same"},
    {"--will-topic", "same"},
    {"--will-payload", "same"},
    {"--will-qos", "same"},
    {"--will-retain", "same"},
    {"--cafile", "same"},
    {"--capath", "same"},
    {"--cert", "same"},
    {"--key", "same"},
    {"--keyform", "same for pem; engine is refused: OpenSSL engines are deprecated since OpenSSL 3"},
    {"--ciphers", "same for TLS 1.2; --tls13-ciphers sets the TLS 1.3 ciphersuites"},
    {"--tls-version", "different: tlsv1.2 (default) or tlsv1.3; tlsv1.1 is refused (RFC 8996)"},
    {"--tls-alpn", "same (also --alpn)"},
    {"--tls-engine", "missing: OpenSSL engines are deprecated since OpenSSL 3"},
    {"--tls-engine-kpass-sha1", "missing: see --tls-engine"},
    {"--tls-use-os-certs", "not needed: without --cafile and --capath the system CA store is used"},
    {"--insecure", "same, and a warning says so on stderr"},
    {"--psk", "same, at TLS 1.2 and 1.3; not with --cafile, --capath or --cert"},
    {"--psk-identity", "same"},
    {"--proxy", "same: socks5h:// with optional user and password; socks5:// is refused, as mosquitto does"},
    {"--property", "different: -D COMMAND NAME VALUE does this; --property takes NAME=VALUE for the PUBLISH "
                   "(mqpub) or SUBSCRIBE (mqsub)"},
};

const std::vector<Row> kPub = {
    {"-f", "same; an unreadable file exits 1"},
    {"-l", "same; with --hex or --base64 each line is decoded, a bad line is skipped and reported (exit 1)"},
    {"-m", "same"},
    {"-M", "same (also --max-inflight)"},
    {"-n", "same"},
    {"-q", "same"},
    {"-r", "same"},
    {"-s", "same"},
    {"-t", "same"},
    {"--repeat", "same"},
    {"--repeat-delay", "same"},
};

/// Options mosquitto_rr adds to mosquitto_pub's: mqpub --wait-response.
const std::vector<Row> kRequest = {
    {"-e", "same with --wait-response (mosquitto_rr always waits); -e alone only sets the Response Topic"},
    {"-F", "same as mqsub's -F, with --wait-response"},
    {"-N", "same, with --wait-response"},
    {"-R", "not needed: a retained message is never taken as the response (see REQUEST/RESPONSE)"},
    {"-v", "same, with --wait-response"},
    {"-W", "different exit status: 7 (mosquitto_rr: 27); it bounds the acknowledgements too (--timeout)"},
    {"--pretty", "same, with --wait-response"},
};

const std::vector<Row> kSub = {
    {"-C", "same: only the messages printed are acknowledged (see ACKNOWLEDGEMENTS)"},
    {"-E", "same"},
    {"-F", "same format, with the differences under OUTPUT FORMAT; an empty payload prints as nothing, not "
           "(null): (null) is an artefact of C, not a format"},
    {"-N", "same; ignored with --json, whose records are lines"},
    {"-q", "same; one -q per -t is accepted too"},
    {"-R", "same"},
    {"-t", "same"},
    {"-T", "same; topics left out are not cleared by --remove-retained either"},
    {"-U", "same"},
    {"-v", "same, except for an empty payload: nothing follows the topic and its space (mosquitto prints "
           "(null))"},
    {"-W", "different exit status: 7 (mosquitto: 27); see EXIT STATUS"},
    {"--pretty", "same for -F %j and %J, and it indents --json too"},
    {"--random-filter", "same; messages left out are acknowledged and do not count for -C"},
    {"--retained-only", "same"},
    {"--remove-retained", "same, except for topics left out with -T"},
};

}  // namespace

std::string mosquitto_compatibility(MosquittoTool tool) {
  const bool pub = tool == MosquittoTool::Pub;
  std::string out = fmt::format(
      "Every option of {} 2.0.11 and what {} does with it. Exit statuses are mq's own (see EXIT STATUS).\n\n",
      pub ? "mosquitto_pub and mosquitto_rr (whose request/response is mqpub --wait-response)" : "mosquitto_sub",
      pub ? "mqpub" : "mqsub");
  auto add = [&out](const std::vector<Row>& rows) {
    for (const auto& [option, what] : rows) out += fmt::format("  {:<24}{}\n", option, what);
  };
  add(kCommon);
  add(pub ? kPub : kSub);
  if (pub) add(kRequest);
  return out;
}

}  // namespace mq::apps
