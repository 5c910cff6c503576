#include "cli.hpp"

#include "exit_codes.hpp"
#include "mosquitto_compat.hpp"
#include "options_file.hpp"
#include "property_options.hpp"

namespace mq::mqpub {

Source PubOptions::source() const {
  if (!file.empty()) return Source::File;
  if (stdin_all) return Source::Stdin;
  if (lines) return Source::Lines;
  if (null_message) return Source::Null;
  if (!replay.empty()) return Source::Replay;
  return Source::Message;
}

apps::AppDoc pub_doc() {
  apps::AppDoc doc;
  doc.name = "mqpub";
  doc.summary = "publish MQTT messages from the command line and from scripts";
  doc.description =
      "mqpub connects to an MQTT broker (3.1, 3.1.1 or 5.0; 5.0 by default), publishes one or more messages and "
      "disconnects. The message comes from -m, a file (-f, binary-safe), all of stdin (-s), stdin one message per "
      "line (-l, streamed as lines arrive), an empty message (-n), or the NDJSON records of mqsub --json "
      "(--replay). Payloads may be given as hex or base64.\n\n"
      "Messages are pipelined: QoS 1 and 2 messages keep the in-flight window full (the broker's Receive Maximum) "
      "instead of waiting for each acknowledgement. mqpub exits 0 only when every message was handed over at its "
      "QoS: written out for QoS 0, acknowledged by PUBACK or PUBCOMP with a success reason code for QoS 1 and 2. "
      "Any other outcome gives a distinct exit status and one line on stderr that says what happened.\n\n"
      "Options shared with mosquitto_pub use the same letters and meanings.";
  doc.exit_codes = apps::client_exit_docs();
  doc.sections = apps::client_doc_sections();
  doc.sections.push_back(
      {"LINE MODE",
       "With -l each line read from stdin is one message, without its newline (a carriage return before it is "
       "kept: payloads are byte-exact). A last line without a newline is sent too; an empty line is an empty "
       "message. With --hex or --base64 each line is decoded on its own; a line that does not decode is reported "
       "with its number and skipped, every other line is published, and mqpub exits with status 1 at the end. "
       "Reading pauses while the broker or the network is slower than the input."});
  doc.sections.push_back(
      {"REQUEST/RESPONSE",
       "With --wait-response mqpub works as mosquitto_rr: it subscribes to the -e topic (at the -q QoS), and once "
       "the subscription is acknowledged publishes the one message with that topic as its Response Topic and a "
       "Correlation Data of 16 random bytes (or the one given with --property correlation-data or -D publish "
       "correlation-data). The first message that arrives on the -e topic carrying the same Correlation Data is "
       "the response: it is printed (the payload by default, or as -v, -F or --json select, with the formats of "
       "mqsub(1)) and mqpub exits 0 once the request is acknowledged too. Other messages on the topic (responses "
       "to other requests, ones without Correlation Data) are ignored and counted; retained messages are never "
       "taken as a response.\n\n"
       "-W (--timeout) bounds the whole exchange: when no response came in time, mqpub exits with status 7 and "
       "says whether the request was acknowledged and how many messages on the topic were ignored. Without -W it "
       "waits until interrupted (status 10).\n\n"
       "MQTT 3.1.1 and 3.1 have no properties, so the request cannot carry the response topic or a correlation "
       "data: the responder has to know the topic. At those levels the first message on the -e topic that "
       "arrives after the request was sent and is not retained is taken as the response. -e without "
       "--wait-response only sets the Response Topic, and needs MQTT 5.0."});
  doc.sections.push_back({"MOSQUITTO COMPATIBILITY", apps::mosquitto_compatibility(apps::MosquittoTool::Pub)});
  doc.examples = {
      {"mqpub -t sensors/t1 -m 21.5", "publish one message at QoS 0 to localhost"},
      {"mqpub -L mqtts://user:pw@broker.example:8883 -t a/b -q 1 -m hi", "over TLS, with credentials in the URL"},
      {"mqpub -t fw/image -f firmware.bin -q 1", "publish a file, byte for byte"},
      {"tail -F app.log | mqpub -t logs/app -l", "one message per line, as lines arrive"},
      {"mqpub -t cmd --hex -m 'de ad be ef'", "a binary payload written as hex"},
      {"mqpub -t req -m '{}' --property response-topic=resp --property correlation-data=hex:0102",
       "MQTT 5.0 request with response topic and binary correlation data"},
      {"mqpub -t svc/time -e svc/time/reply/$$ --wait-response -W 5 -m now",
       "ask a responder and print its answer, as mosquitto_rr; status 7 when none came within 5 s"},
      {"mqsub -t 'a/#' --json -C 100 > saved.ndjson; mqpub --replay saved.ndjson --replay-timing",
       "record messages and publish them again with their original spacing"},
  };
  doc.see_also = {"mqsub(1)", "mqdump(1)", "mosquitto_pub(1)"};
  return doc;
}

void define_cli(CLI::App& app, PubOptions& o) {
  app.set_help_flag("--help", "Print this help and exit");
  apps::add_client_options(app, o.client);
  apps::add_profile_option(app);

  const char* kMessage = "Message";
  auto* t = app.add_option("-t,--topic", o.topic, "Topic to publish to")->group(kMessage);
  auto* m = app.add_option("-m,--message", o.message, "The message payload")->group(kMessage);
  // Not checked with CLI::ExistingFile: a file that cannot be read is an
  // input error (status 1), as documented, not a usage error.
  auto* f = app.add_option("-f,--file", o.file, "Send the contents of this file as the message (binary-safe)")
                ->group(kMessage);
  auto* s = app.add_flag("-s,--stdin-file", o.stdin_all, "Read all of stdin and send it as one message")
                ->group(kMessage);
  auto* l = app.add_flag("-l,--stdin-line", o.lines, "Send each line read from stdin as a separate message")
                ->group(kMessage);
  auto* n = app.add_flag("-n,--null-message", o.null_message, "Send an empty (zero-length) message")->group(kMessage);
  auto* r = app.add_option("--replay", o.replay,
                           "Publish the NDJSON records written by mqsub --json from FILE ('-' for stdin): topic, "
                           "payload, QoS, retain and properties; -t, -q and -r override them when given")
                ->type_name("FILE")
                ->group(kMessage);
  app.add_flag("--replay-timing", o.replay_timing, "With --replay, keep the original time between messages")
      ->needs(r)
      ->group(kMessage);
  auto* hex = app.add_flag("--hex", o.hex, "The payload (-m, -f, -s, each -l line) is hex, e.g. 'de ad be ef'")
                  ->group(kMessage);
  auto* b64 = app.add_flag("--base64", o.base64, "The payload (-m, -f, -s, each -l line) is base64")->group(kMessage);
  hex->excludes(b64);
  n->excludes(hex)->excludes(b64);
  r->excludes(hex)->excludes(b64);
  m->excludes(f)->excludes(s)->excludes(l)->excludes(n)->excludes(r);
  f->excludes(s)->excludes(l)->excludes(n)->excludes(r);
  s->excludes(l)->excludes(n)->excludes(r);
  l->excludes(n)->excludes(r);
  n->excludes(r);
  (void)t;

  app.add_option("-q,--qos", o.qos, "Quality of service: 0, 1 or 2")
      ->check(CLI::IsMember({0, 1, 2}))
      ->capture_default_str()
      ->group(kMessage);
  app.add_flag("-r,--retain", o.retain, "Ask the broker to retain the message")->group(kMessage);
  app.add_option("--repeat", o.repeat, "Publish the message this many times")
      ->check(CLI::PositiveNumber)
      ->capture_default_str()
      ->group(kMessage);
  auto* delay = app.add_option("--repeat-delay", o.repeat_delay, "Seconds between repeated messages")
                    ->check(CLI::NonNegativeNumber)
                    ->group(kMessage);
  auto* rate = app.add_option("--rate", o.rate, "Repeated messages per second (instead of --repeat-delay)")
                   ->check(CLI::PositiveNumber)
                   ->group(kMessage);
  delay->excludes(rate);

  const char* kProps = "Properties";
  auto* property = app.add_option("--property", o.properties,
                                  "PUBLISH property (MQTT 5.0) as name=value: payload-format-indicator, "
                                  "message-expiry-interval, content-type, response-topic, correlation-data (text, "
                                  "hex:..., base64:...), user-property=k=v")
                       ->group(kProps);
  apps::set_completion_hint(property, apps::property_completion(kInPublish));
  app.add_option("--user-property", o.user_properties,
                 "User property name=value on each PUBLISH (MQTT 5.0); repeatable, order kept, duplicates allowed")
      ->group(kProps);
  app.add_flag("--topic-alias", o.topic_alias,
               "Use topic aliases for repeated topics when the broker allows them (MQTT 5.0)")
      ->group(kProps);

  const char* kFlow = "Flow";
  app.add_option("-M,--max-inflight", o.max_inflight,
                 "Most QoS 1/2 messages awaiting acknowledgement at once (the broker's Receive Maximum also limits it)")
      ->check(CLI::Range(1, 65535))
      ->capture_default_str()
      ->group(kFlow);
  app.add_option("-W,--timeout", o.timeout,
                 "Give up (exit 7) when not every message is acknowledged, or with --wait-response no response "
                 "came, this many seconds after start")
      ->check(CLI::PositiveNumber)
      ->group(kFlow);

  const char* kRequest = "Request/response";
  auto* e = app.add_option("-e,--response-topic", o.response_topic,
                           "Response Topic of the message (MQTT 5.0); with --wait-response, the topic the response "
                           "is awaited on (see REQUEST/RESPONSE)")
                ->group(kRequest);
  auto* wait = app.add_flag("--wait-response", o.wait_response,
                            "Subscribe to the -e topic, publish with a Correlation Data, print the response and exit "
                            "(as mosquitto_rr)")
                   ->needs(e)
                   ->group(kRequest);
  for (auto* option : mqsub::add_print_options(app, o.print, kRequest, "the response", " in mqsub(1)"))
    option->needs(wait);

  apps::add_doc_generation(app, pub_doc());
}

}  // namespace mq::mqpub
