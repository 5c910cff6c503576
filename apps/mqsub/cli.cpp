#include "cli.hpp"

#include "exit_codes.hpp"
#include "mosquitto_compat.hpp"
#include "options_file.hpp"
#include "property_options.hpp"

namespace mq::mqsub {

apps::AppDoc sub_doc() {
  apps::AppDoc doc;
  doc.name = "mqsub";
  doc.summary = "subscribe to MQTT topics and print the messages, for people, scripts and jq";
  doc.description =
      "mqsub connects to an MQTT broker (3.1, 3.1.1 or 5.0; 5.0 by default), subscribes to one or more topic "
      "filters and prints each message it receives: the payload byte for byte by default, topic and payload with "
      "-v, a mosquitto_sub compatible format with -F, or one JSON object per line with --json.\n\n"
      "Output is flushed after every message. When the reader of stdout goes away (mqsub ... | head -n1) mqsub "
      "ends at once, quietly, with status 0. It never writes colour codes.\n\n"
      "Stop conditions: -C after a number of messages (status 0), -W after a total time (status 7), "
      "--idle-timeout when no message arrived for a while (status 9), -E right after the subscription is "
      "acknowledged (status 0), --retained-only once the retained messages have been printed (status 0). A "
      "dropped connection ends mqsub with a non-zero status unless --reconnect is given.\n\n"
      "Options shared with mosquitto_sub use the same letters and meanings.";
  doc.exit_codes = apps::client_exit_docs();
  doc.sections = apps::client_doc_sections();
  doc.sections.push_back(
      {"ACKNOWLEDGEMENTS",
       "A QoS 1 or 2 message is acknowledged (PUBACK, or PUBREC) only once it has been written to standard "
       "output, or when it is left out on purpose by -T, -R or as the echo of --remove-retained: those are "
       "acknowledged, as mosquitto_sub does, so that they do not come back on every run, and they do not count "
       "for -C. A message that arrives after mqsub decided to stop (-C reached, the first new message with "
       "--retained-only, -W, a signal, a reader that went away) is not acknowledged: with a persistent session "
       "(-c) the broker keeps it for the next run.\n\n"
       "After the last message, mqsub waits up to 5 seconds for the PUBREL of each QoS 2 message it printed and "
       "answers with PUBCOMP before it sends DISCONNECT, so every exchange ends complete."});
  doc.sections.push_back(
      {"OUTPUT FORMAT",
       "-F takes mosquitto_sub's format string. A newline follows each message unless -N is given.\n\n"
       "%t topic, %p payload (raw bytes), %q QoS, %r retain flag, %l payload length, %m packet identifier, "
       "%x and %X payload as lower and upper case hex, %I ISO 8601 local time, %U Unix time with nanoseconds, "
       "%j a JSON object with the payload as a string, %J the same with the payload inserted as JSON, and the "
       "MQTT 5.0 properties %A topic alias, %C content type, %D correlation data, %E message expiry interval, "
       "%F payload format indicator, %P user properties as name:value separated by spaces, %R response topic, "
       "%S subscription identifiers; %% is a literal %.\n\n"
       "Flags after %: - aligns left, 0 pads with zeros (%A %E %F %l %m %S %x %X). A width sets the minimum "
       "width (%10t) and .N the maximum (%C %I %R %t).\n\n"
       "@X passes %X to strftime(3) with the receive time (local time), @N gives the nanoseconds within the "
       "second and @@ a literal @.\n\n"
       "Escapes: \\\\ \\0 \\a \\e \\n \\r \\t \\v.\n\n"
       "Differences from mosquitto_sub: in %j and %J, user properties are a list of [name, value] pairs, so "
       "repeated names are kept, and a payload that is not valid UTF-8 is written in base64 with "
       "\"payload_encoding\":\"base64\" instead of as broken text."});
  doc.sections.push_back(
      {"JSON OUTPUT",
       "--json writes one object per message and line, fields in this order:\n\n"
       "  received          receive time, UTC, with nanoseconds: \"2024-05-06T22:12:00.123456789Z\"\n"
       "  topic, qos, retain, dup\n"
       "  packet_id         QoS 1 and 2 only\n"
       "  payload           text when the payload is valid UTF-8, else base64\n"
       "  payload_encoding  \"utf-8\", \"base64\" or \"hex\" (--payload-encoding forces base64 or hex)\n"
       "  payload_length    bytes\n"
       "  properties        MQTT 5.0 properties by name; user-property as [[name, value], ...] in\n"
       "                    order with duplicates kept; binary values with a <name>_encoding field\n\n"
       "mqpub --replay reads these records back."});
  doc.sections.push_back({"MOSQUITTO COMPATIBILITY", apps::mosquitto_compatibility(apps::MosquittoTool::Sub)});
  doc.examples = {
      {"mqsub -t 'sensors/#' -v", "print topic and payload of every message below sensors/"},
      {"mqsub -t status/door -C 1 -W 30", "wait up to 30 seconds for one message; status 7 when none came"},
      {"mqsub -t 'a/#' --json | jq -r 'select(.qos > 0) | .topic'", "machine-readable output for jq"},
      {"mqsub -t 'a/#' -F '%I %t %x'", "time, topic and payload in hex, as mosquitto_sub -F"},
      {"mqsub -t 'old/#' --retained-only --remove-retained", "clear every retained message below old/"},
      {"mqsub -t jobs -q 1 -i worker1 -c", "resume a persistent session and receive what was queued"},
  };
  doc.see_also = {"mqpub(1)", "mqdump(1)", "mosquitto_sub(1)", "jq(1)"};
  return doc;
}

void define_cli(CLI::App& app, SubOptions& o) {
  app.set_help_flag("--help", "Print this help and exit");
  apps::add_client_options(app, o.client);
  apps::add_profile_option(app);

  const char* kSub = "Subscription";
  app.add_option("-t,--topic", o.topics, "Topic filter to subscribe to; repeatable, wildcards and $share/GROUP/...")
      ->group(kSub);
  app.add_option("-q,--qos", o.qos,
                 "QoS of the subscriptions: one value for all -t, or one per -t in the same order (default 0)")
      ->check(CLI::IsMember({0, 1, 2}))
      ->group(kSub);
  app.add_flag("--no-local", o.no_local, "Do not receive messages this client publishes (MQTT 5.0)")->group(kSub);
  app.add_flag("--retain-as-published", o.retain_as_published,
               "Keep the retain flag as the publisher set it (MQTT 5.0)")
      ->group(kSub);
  app.add_option("--retain-handling", o.retain_handling,
                 "When to send retained messages (MQTT 5.0): 0 at subscribe, 1 only for a new subscription, 2 never")
      ->check(CLI::IsMember({0, 1, 2}))
      ->group(kSub);
  app.add_option("--subscription-id", o.subscription_id, "Subscription identifier (MQTT 5.0), 1 to 268435455")
      ->check(CLI::Range(1, 268435455))
      ->group(kSub);
  app.add_option("--topic-alias-maximum", o.topic_alias_maximum,
                 "Let the broker replace topics by up to this many topic aliases (MQTT 5.0; default 0, none)")
      ->check(CLI::Range(0, 65535))
      ->group(kSub);
  auto* property = app.add_option("--property", o.properties, "SUBSCRIBE property (MQTT 5.0) as name=value")
                       ->group(kSub);
  apps::set_completion_hint(property, apps::property_completion(kInSubscribe));
  app.add_option("--user-property", o.user_properties,
                 "User property name=value on SUBSCRIBE (MQTT 5.0); repeatable, order kept")
      ->group(kSub);
  app.add_option("-U,--unsubscribe-topic", o.unsubscribe_topics,
                 "Unsubscribe from this filter right after connecting (e.g. to clean a persistent session)")
      ->group(kSub);
  app.add_option("-T,--filter-out", o.filter_out,
                 "Do not print messages whose topic matches this filter (wildcards allowed); repeatable. They "
                 "do not count for -C")
      ->group(kSub);
  app.add_option("--random-filter", o.random_filter,
                 "Print each message with this probability in percent (a sample); the others are acknowledged "
                 "and do not count for -C")
      ->check(CLI::Range(0.001, 100.0))
      ->type_name("PERCENT")
      ->group(kSub);
  app.add_flag("--unsubscribe", o.unsubscribe_on_exit, "Unsubscribe from the -t filters before exiting")
      ->group(kSub);

  add_print_options(app, o.print, "Output", "each message", "");

  const char* kStop = "Stopping";
  app.add_option("-C,--count", o.count,
                 "Exit with status 0 after printing this many messages; later ones are not acknowledged (see "
                 "ACKNOWLEDGEMENTS)")
      ->check(CLI::PositiveNumber)
      ->group(kStop);
  app.add_option("-W,--timeout", o.timeout, "Exit with status 7 after this many seconds in total")
      ->check(CLI::PositiveNumber)
      ->group(kStop);
  app.add_option("--idle-timeout", o.idle_timeout, "Exit with status 9 when no message arrives for this many seconds")
      ->check(CLI::PositiveNumber)
      ->group(kStop);
  app.add_flag("-E,--exit-after-sub", o.exit_after_suback, "Exit with status 0 once the subscriptions are acknowledged")
      ->group(kStop);

  const char* kRetained = "Retained messages";
  auto* skip = app.add_flag("-R,--no-retained", o.skip_retained,
                            "Do not print retained (stale) messages, only new ones")
                   ->group(kRetained);
  auto* only = app.add_flag("--retained-only", o.retained_only,
                            "Print only the retained messages, then exit with status 0")
                   ->group(kRetained);
  skip->excludes(only);
  app.add_flag("--remove-retained", o.remove_retained,
               "Clear each retained message received (publish an empty retained message to its topic), except on "
               "topics excluded with -T; with -R they are cleared without being printed")
      ->group(kRetained);

  apps::add_doc_generation(app, sub_doc());
}

}  // namespace mq::mqsub
