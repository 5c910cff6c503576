#include "cli.hpp"

#include <map>

#include <fmt/format.h>

#include "exit_codes.hpp"
#include "server/config/keys.hpp"
#include "server/config/profiles.hpp"
#include "server/lint_log.hpp"

namespace mq::mqbroker {
namespace {

std::string flag_name(std::string_view key) {
  std::string f(key);
  for (char& c : f)
    if (c == '_') c = '-';
  return "--" + f;
}

/// Keys whose flag would clash with a mosquitto option of the same name:
/// `port` is -p/--port (a listener), log_format is set here directly; `lint`
/// is the flag --lint, as in mqdump.
bool has_own_flag(std::string_view key) { return key == "port" || key == "profile" || key == "lint"; }

}  // namespace

/// The LOGGING AND MOSQUITTO.CONF section, with the inert keys from their table.
std::string logging_section() {
  std::string text =
      "log_dest chooses where log lines go, as in mosquitto: stderr when no log_dest is given; otherwise each "
      "log_dest line adds one of stderr, stdout, syslog (facility DAEMON, or LOCAL0..LOCAL7 with log_facility) "
      "and file PATH (appended to; closed and reopened on SIGHUP, so logrotate's postrotate kill -HUP works); "
      "none silences them all. log_dest topic (log lines published under $SYS/broker/log/) and log_dest dlt are "
      "refused: they are not implemented. log_type selects the level (information, subscribe and unsubscribe: "
      "info; debug and all: debug); -v and --log-level override it. log_timestamp false drops the time from "
      "text lines; log_timestamp_format gives a strftime(3) format in local time instead of ISO 8601 UTC with "
      "milliseconds. connection_messages false stops logging connections.\n"
      "\n"
      "set_tcp_nodelay true (mqbroker's default) sends small packets at once; false leaves Nagle's algorithm "
      "on, mosquitto's default.\n"
      "\n"
      "Debian's stock /etc/mosquitto/mosquitto.conf (pid_file, persistence, persistence_location, log_dest file, "
      "include_dir) is read as it is. A misspelt key is refused with the nearest known key (\"did you mean\"). "
      "Keys that change behaviour and are not implemented are refused with the reason (see NOT IMPLEMENTED). "
      "These mosquitto keys are accepted because they do not apply, with a note logged at start; those with "
      "a value shown are accepted with that value only and refused with any other:";
  for (const auto& k : server::inert_keys()) {
    text += fmt::format("\n\n{}{}{}: {}.", k.name, k.value.empty() ? "" : " ", k.value, k.note);
  }
  return text;
}

/// The PROFILES section, from the profile table.
std::string profiles_section() {
  std::string text =
      "--profile NAME (or the profile key) selects a set of limits, applied as the configuration lines shown by "
      "--profile NAME --show-profile (before the configuration file, which may override any of them; the profile "
      "key applies them where it stands), and the broker's choices where the specification leaves one:";
  for (const auto& f : server::behaviour_fields())
    text += fmt::format("\n\n{}: true: {}; false: {}.", f.name, f.when_true, f.when_false);
  for (const auto& p : server::profiles()) {
    text += fmt::format("\n\n{}: {}.", p.name, p.summary);
    if (!p.sources.empty()) text += fmt::format(" Sources: {}.", p.sources);
  }
  text +=
      "\n\nThe mosquitto profile copies mosquitto only where the specification allows a choice; where mosquitto "
      "departs from it (measured against mosquitto 2.0.11: it accepts 3.1 client ids over 23 characters and a "
      "5.0 PUBLISH carrying a Subscription Identifier) mqbroker keeps to the specification. Measured too: "
      "mosquitto answers an unmatched QoS 1 PUBLISH with PUBACK 0x10, as mqbroker does, and an unmatched QoS 2 "
      "PUBLISH with PUBREC 0x00, since it routes a QoS 2 message only on PUBREL. Packet identifiers (measured): "
      "mosquitto numbers a QoS 1/2 message as it enters a client's session, so a persistent client that had five "
      "messages queued while max_queued_messages was 3 receives 1, 2, 3 and then 6, and one whose first queued "
      "message expired receives the second as 2. Expiry (measured): mosquitto stores a message's expiry as "
      "whole wall-clock seconds, time(NULL) + interval, and sends expiry - time(NULL), so a message published "
      "0.9 s into a second with 2 s to live reads 1 a quarter of a second later. In the second where that count "
      "reaches 0 mosquitto drops a retained message but still sends a queued one, without the Message Expiry "
      "Interval property, as a message that never expires; mqbroker drops both: the interval has passed "
      "[MQTT-3.3.2-5], and a forwarded message must carry what is left of it [MQTT-3.3.2-6]. A queued message "
      "numbered early and saved by persistence is numbered again when sent after a restart. Property order in a "
      "packet is not a choice the profile copies: MQTT gives it no meaning. The limits profiles set only the figures "
      "their sources publish (the sources are cited above with the date they were read); every other setting "
      "keeps mqbroker's default, and a managed service's authentication, rate limits and per-SUBSCRIBE limits "
      "are not imitated. Nor is AWS IoT's raising of a 3.1.1 client's keep alive under 30 s to 30 s: such a client "
      "cannot be told and must be closed after 1.5 times its own keep alive [MQTT-3.1.2-24], so under aws-iot "
      "it keeps its own (a 5.0 client is told Server Keep Alive 30); one over 1200 s (or 0) gets 1200 s "
      "enforced, which shortens the wait the specification allows.";
  return text;
}

/// The LINT section, with the bounds from server::LintBounds.
std::string lint_section() {
  return fmt::format(
      "--lint (or lint true) runs mqdump's best-practice lint on the broker's own traffic: every packet each "
      "connection sends and receives is framed and decoded again and read by the same engine, rules and "
      "thresholds as mqdump --lint (see LINT RULES in mqdump(1); --lint-disable RULE and --lint-THRESHOLD N, "
      "or the keys lint_disable and lint_THRESHOLD with '_' for '-', as in mqdump). Off, it costs one branch "
      "per read and write.\n"
      "\n"
      "Each finding is logged at warning level once per client id and rule, whatever the topic and however "
      "often the client repeats it, in mqdump's text form on one line (rule: topic: what was seen (client, "
      "connection, packet number and type, direction) advice: ...), or with log_format json as mqdump's NDJSON "
      "object with msg \"lint\". Findings about a PUBLISH the broker sends are not the receiver's doing and are "
      "not reported: the publisher's topic was judged when it published.\n"
      "\n"
      "When rules fire: rules about one packet (topics, payloads, keep alive, will, client ids, subscriptions, "
      "5.0 properties, Receive Maximum) as the packet passes; rules over a connection (alias-never-reused) when "
      "its socket closes; rules over a client id (takeover-loop, topic-per-message, qos2-telemetry, "
      "retain-high-rate) when the count reaches the threshold; retain-clutter (retained topics no subscription "
      "seen since the start reads) every {} seconds until it has been reported, and when the broker shuts down.\n"
      "\n"
      "Memory is bounded whatever clients do: what was logged is remembered for the latest {} client ids "
      "(a 64-bit hash and one bit per rule each; an id pushed out may be reported again); the tables of the "
      "rules over many packets keep at most {} entries each, and only topics, filters and client ids of up "
      "to {} bytes; subscribe-overlap compares at most {} subscriptions per connection; per connection the "
      "lint holds its packet ids in flight and topic aliases (bounded by the protocol) and a partly received "
      "packet of each direction (bounded by max_packet_size).",
      server::LintBounds::kReview.count(), server::LintBounds::kClients, server::LintBounds::kTracked,
      server::LintBounds::kKeyBytes, server::LintBounds::kFilters);
}

apps::AppDoc documentation() {
  apps::AppDoc doc;
  doc.name = "mqbroker";
  doc.summary = "MQTT 3.1, 3.1.1 and 5.0 broker";
  doc.description =
      "mqbroker is an MQTT broker for clients speaking MQTT 3.1, 3.1.1 and 5.0 at the same time, over TCP, "
      "TLS, WebSocket, secure WebSocket and Unix sockets. It is meant to stand in wherever a script or test "
      "harness starts mosquitto: -c, -p and -v mean what they mean to mosquitto, and the configuration file "
      "speaks mosquitto.conf (listener, port, allow_anonymous, password_file, acl_file, "
      "max_inflight_messages, max_queued_messages, certfile, keyfile, cafile, require_certificate, protocol "
      "websockets, ...). Keys mosquitto has that mqbroker does not implement are refused with the file and "
      "line, never ignored (misspelt ones with the nearest known key), and those that do not apply to mqbroker are "
      "accepted with a note (see LOGGING AND MOSQUITTO.CONF).\n"
      "\n"
      "With no arguments mqbroker serves 127.0.0.1:1883 to anonymous clients. Once every listener is bound it "
      "prints one line per listener on standard output, e.g. \"listening mqtt 127.0.0.1:45123\" (kinds: mqtt, "
      "mqtts, ws, wss, unix), so that a script can start it on port 0 and read the real port. Logs go to "
      "standard error unless log_dest says otherwise.\n"
      "\n"
      "Every configuration key is also a flag: --max-queued-messages 100 is the line \"max_queued_messages "
      "100\", applied after the configuration file, in command-line order (so --listener \"0 ::1\" "
      "--protocol websockets adds a WebSocket listener).\n"
      "\n"
      "Anonymous access: clients without a user name are refused once a password file is given, and (as in "
      "mosquitto 2) once a configuration file defines a listener, unless allow_anonymous true; otherwise they "
      "are allowed.\n"
      "\n"
      "Signals: SIGHUP re-reads the password and ACL files and the TLS certificates without dropping clients "
      "(if one cannot be read, the old ones stay and the error is logged); SIGTERM and SIGINT stop "
      "accepting, disconnect clients (5.0 clients get DISCONNECT 0x8B), save the persistence data (see PERSISTENCE) and "
      "exit 0.\n"
      "\n"
      "Slow subscribers: when a client's socket has more than 8 MiB of output waiting, its QoS 0 messages are "
      "dropped and its QoS 1 and 2 messages wait in its session queue until the socket is below 1 MiB, so one "
      "slow client never holds up the publishers or the other subscribers; a client that does not read at all "
      "for 30 seconds in that state is disconnected, and so is one with more than 64 MiB waiting, whatever "
      "the bytes are (PINGRESP to a flood of PINGREQ included); WebSocket pings are not answered while more "
      "than 256 KiB wait (RFC 6455 5.5.3). Dropped messages, those refused by the per-client queue "
      "limits (max_queued_messages, max_queued_bytes) included, are counted in $SYS/broker/messages/dropped, and "
      "clients disconnected for not reading in $SYS/broker/clients/disconnected/slow. A 5.0 client's Maximum "
      "Packet Size is respected on every packet: Reason String, then User Properties, are left out to fit, and "
      "a packet other than PUBLISH that still does not fit is not sent and is counted in "
      "$SYS/broker/packets/unsent/too large.\n"
      "\n"
      "message_size_limit BYTES: a PUBLISH with a larger payload is acknowledged (5.0: PUBACK or PUBREC reason "
      "0x97 Quota exceeded; 3.x clients cannot be told) and dropped, and counted under "
      "$SYS/broker/messages/refused/payload size. A CONNECT whose will payload is larger is refused (see "
      "PROTOCOL CHOICES) and counted there too.\n"
      "\n"
      "Password files: \"mqbroker passwd FILE add USER [PASSWORD]\" adds or changes a user (the password is "
      "read from standard input, or prompted for on a terminal, when not given), \"mqbroker passwd FILE "
      "remove USER\" removes one. Entries are PBKDF2-HMAC-SHA512 with a random 12-byte salt and 210000 "
      "rounds, in mosquitto_passwd's $7$ format, so mosquitto reads them too; the file is written with mode "
      "0600. Files written by mosquitto_passwd ($7$ and $6$ entries) are read as they are.\n"
      "\n"
      "Password checks: a password not verified before is hashed on a thread pool, never on the event loop, "
      "so other clients are not held up; at most 32 checks wait at once, 4 per client address, and a CONNECT "
      "beyond that is refused with 0x89 Server busy (return code 3 before 5.0). Every check costs as much as the "
      "dearest entry in the file: a cheaper entry (mosquitto_passwd writes 101 rounds) and an unknown user name "
      "(no entry at all) are padded with dummy rounds, so timing reveals neither which names exist nor which "
      "kind of hash a user has; a file of 101-round entries stays cheap for everyone (210000 rounds for an "
      "empty file). A verified password is remembered (as a keyed digest) until the next SIGHUP.";
  doc.exit_codes = {
      {code(Exit::Ok), "clean shutdown, --check-config found no problem, or passwd succeeded"},
      {code(Exit::StartFailed),
       "a listener could not be bound, a certificate, password, ACL or persistence file could not be used, or "
       "writing the persistence data failed while running"},
      {code(Exit::Usage), "the command line or the configuration is wrong"},
  };
  doc.sections = {
      {"ACL FILES",
       "The acl_file format is mosquitto's: \"topic [read|write|readwrite|deny] TOPIC\" lines before any "
       "\"user\" line apply to anonymous clients; after \"user NAME\" they apply to NAME; \"pattern [ACCESS] "
       "TOPIC\" lines apply to everyone, with %u replaced by the user name and %c by the client id (a value "
       "holding +, # or / never matches). A deny rule wins over any grant; without a matching grant access is "
       "refused. A subscription is granted when a read rule covers every topic its filter matches; each "
       "message is checked again before it is delivered, so a forbidden topic is never delivered.\n"
       "\n"
       "Messages that wait in a session (queued while the client is away or its window is full, or in flight "
       "awaiting an acknowledgement) are checked again, against the rules in force and the identity of the "
       "client then connected, each time they leave: sent from the queue, or sent again on reconnection. One "
       "the client may no longer read is dropped and counted in $SYS/broker/messages/dropped, so a message "
       "queued before a SIGHUP reload never reaches a client the new rules forbid it to.\n"
       "\n"
       "A session belongs to the user name (and TLS certificate identity) that created it. A client that "
       "connects with clean start 0 under the same client id but another user name is not given that session: "
       "it is ended (its queued messages and subscriptions discarded, a pending will published, as when a "
       "session expires) and the newcomer starts a new one, with session present 0. A session restored from "
       "disk remembers its user name but not its certificate identity; for it the user name alone decides."},
      {"PERSISTENCE",
       "Without persistence true everything is in memory and a restart starts empty. With persistence true, "
       "retained messages and persistent sessions (those with a non-zero session expiry: clean session 0 "
       "before 5.0) are kept in persistence_location (default: the current directory): their subscriptions, "
       "queued messages, messages in flight (sent again with DUP, or PUBREL, after a restart) and the packet "
       "identifiers of QoS 2 messages received and not yet released, so a duplicate sent after a restart is "
       "not delivered twice. Where a QoS 2 message is held until its PUBREL (qos2_forward_on_publish false, "
       "as in the mosquitto profile) the held message is kept with its identifier: the publisher's PUBREL "
       "after a restart forwards it, once. It goes when the session ends: by expiry, or a clean start "
       "(clean session 1) under its client id, which discards it unforwarded as mosquitto does. A PUBREL for "
       "an identifier not held gets PUBCOMP (5.0: reason 0x92 Packet Identifier not found). Wills and the time already spent offline are not kept: a restored session's "
       "expiry starts again at the restart. The data is mqbroker's own format (it cannot read mosquitto.db), "
       "format version 3 since held QoS 2 messages are kept: files of versions 1 and 2 still load, and an older "
       "mqbroker refuses a version 3 file by its header rather than salvage around it. --check-config reads "
       "the data without writing it.\n"
       "\n"
       "Damaged files: a snapshot ends with a marker holding its record count (since format version 2; a version 1 "
       "snapshot is still read, with a warning that a cut in it cannot be detected), and every record has a "
       "length and a CRC-32. A log whose last record is cut short or fails its CRC, with nothing valid after "
       "it, is what a crash in the middle of a write leaves: it is cut there with a warning, since that record "
       "was never acknowledged. Any other bad record (one followed by valid records, a snapshot without its "
       "end marker) is damage: mqbroker exits 1 with the file, the record number and byte offset, and changes "
       "nothing. With persistence_salvage true (--persistence-salvage true) it starts instead: the damaged "
       "file is first kept as FILE.damaged-YYYYMMDDTHHMMSSZ (a hard link or copy, never replacing another), "
       "every intact record is restored, including those after the damage (the reader resynchronises at the "
       "next record whose CRC checks), and each span lost is logged with its offsets. A record lost that way "
       "may leave a session or message in an older state, e.g. a message delivered once more.\n"
       "\n"
       "persistence_mode snapshot (the default, mosquitto's meaning): the state is written to persistence_file "
       "(default mqbroker.db; a temporary file, fsync, then rename) every autosave_interval seconds (default "
       "1800; 0: only at start and shutdown) and at SIGTERM or SIGINT. A crash or SIGKILL loses what changed "
       "since the last save.\n"
       "\n"
       "persistence_mode durable: every change is also appended to persistence_file.log (length and CRC-32 "
       "per record) and the log is fsynced once per event-loop turn, before any packet of that turn is sent "
       "(group commit). A PUBACK, PUBREC or forwarded message therefore leaves only once what it acknowledges "
       "is on disk: SIGKILL, or a power loss on a disk that honours fsync, loses no acknowledged QoS 1 or 2 "
       "message. The log is folded into a new snapshot at start, every autosave_interval seconds, when it "
       "passes 64 MiB, and at shutdown; a log cut short by a crash is read up to its last complete record "
       "(a warning names the offset; see Damaged files above). A turn's records are ordered so that such a cut "
       "keeps a QoS 2 message's copies before its receipt or release: the publisher's resend may deliver it once "
       "more, never lose it. Each fsync blocks the broker while it runs, so publish throughput is "
       "bounded by the disk's sync latency. If the data cannot be written, mqbroker cuts off every client "
       "without sending what was not saved and exits 1."},
      {"LOGGING AND MOSQUITTO.CONF", logging_section()},
      {"PROFILES", profiles_section()},
      {"SERVER CAPABILITIES",
       "Each capability a 5.0 CONNACK can advertise is a key (and a flag), advertised when it differs from the "
       "protocol's default and enforced with the reason code the specification gives: receive_maximum (Receive "
       "Maximum; one more QoS 2 PUBLISH awaiting PUBREL gets DISCONNECT 0x93), maximum_qos (Maximum QoS; SUBACK "
       "grants are capped, a PUBLISH above it gets DISCONNECT 0x9B, a will above it CONNACK 0x9B), retain_available "
       "(0x9A), wildcard_subscription_available (SUBACK 0xA2), shared_subscription_available (SUBACK 0x9E), "
       "subscription_identifier_available (DISCONNECT 0xA1), max_topic_alias (Topic Alias Maximum; 0x94), "
       "max_packet_size (Maximum Packet Size; 0x95), max_keepalive and min_keepalive (Server Keep Alive), "
       "max_session_expiry and persistent_client_expiration (Session Expiry Interval), auto_id_prefix (Assigned "
       "Client Identifier). max_topic_length and max_topic_levels answer 0x90 (PUBLISH) and 0x8F (SUBSCRIBE); "
       "max_client_id_length and allow_zero_length_clientid false answer CONNACK 0x85. Before 5.0 a SUBACK "
       "refusal is 0x80 and a CONNACK refusal the nearest return code.\n"
       "\n"
       "Choices: a 3.1 or 3.1.1 client whose keep alive is outside min_keepalive..max_keepalive cannot be told a "
       "Server Keep Alive, so it is refused with return code 2 (mosquitto 2.0 accepts it and keeps its own "
       "value; --profile mosquitto does the same). persistent_client_expiration applies only to sessions that "
       "ask never to expire (3.x clean session false, 5.0 interval 0xFFFFFFFF), as in mosquitto; a 5.0 client "
       "is told the interval it gets. An assigned client id is not subject to max_client_id_length.\n"
       "\n"
       "Redirection: server_reference REFERENCE refuses every CONNECT with CONNACK 0x9C Use another server "
       "(server_reference REFERENCE moved: 0x9D Server moved) carrying REFERENCE as Server Reference, before any "
       "authentication, so that a client's redirect handling can be tested; 3.1 and 3.1.1 clients, which cannot "
       "be redirected, get return code 3 (Server unavailable)."},
      {"GUARANTEES",
       "Delivery: QoS 0 at most once (a subscriber with more than 8 MiB unread loses QoS 0 messages, each "
       "counted in $SYS/broker/messages/dropped, and slows no one else); QoS 1 at least once; QoS 2 exactly "
       "once; in order per publisher. Persistent sessions keep subscriptions and QoS 1/2 messages while the "
       "client is away, within the queue limits. Wills are published on a dropped connection, a keep alive "
       "timeout or a protocol error, never after a normal DISCONNECT.\n"
       "\n"
       "Restarts: without persistence nothing survives; in snapshot mode SIGTERM loses nothing and SIGKILL "
       "loses what changed since the last save; in durable mode SIGKILL loses no acknowledged QoS 1 or 2 "
       "message and no QoS 2 message is delivered twice.\n"
       "\n"
       "Limits: max_connections refuses CONNECT with CONNACK 0x97 (return code 3 before 5.0; at most 64 "
       "sockets over the limit are held for that at once, more are closed on accept); max_packet_size ends a 5.0 connection with 0x95 and "
       "refuses a declared length before buffering it; a message over a client's Maximum Packet Size is not "
       "sent to it, and other packets leave out their Reason String, then User Properties, to fit it (and "
       "leave them out of everything but CONNACK and DISCONNECT for a client that requests no problem "
       "information); max_inflight_messages and Receive Maximum bound the window (a client exceeding ours gets "
       "0x93); full queues drop new QoS 0 first, and QoS 1/2 evict the oldest QoS 0, each drop counted; "
       "message_size_limit acknowledges and drops (0x97); topic limits answer 0x90; connect_timeout closes "
       "silent or trickling sockets; keep alive is enforced at 1.5 times. A malformed packet closes only its "
       "own connection.\n"
       "\n"
       "Security: 127.0.0.1 only by default; anonymous clients refused once a password file is configured "
       "unless allow_anonymous true; PBKDF2-SHA512 hashes with a random salt and 210000 rounds, password "
       "files written with mode 0600; an ACL-forbidden message is never delivered, wildcards included; TLS 1.2 "
       "at least; passwords never logged. The README's Guarantees section names the test behind each "
       "statement."},
      {"PROTOCOL CHOICES",
       "Where the specifications leave a choice, or differ by level, mqbroker does this.\n"
       "\n"
       "MQTT 3.1 resends: 3.1 sends PUBREL, SUBSCRIBE and UNSUBSCRIBE at QoS 1 (flags 0010) and sets DUP when it "
       "resends them (1010); both are accepted from a 3.1 client and answered (PUBCOMP, SUBACK, UNSUBACK). At "
       "3.1.1 and 5.0 these bits are reserved and any other value is a malformed packet.\n"
       "\n"
       "An acknowledgement of the wrong type for a message in flight (PUBACK for a QoS 2 message or for its "
       "PUBREL, PUBREC or PUBCOMP for a QoS 1 message, PUBCOMP before PUBREC) is a protocol error "
       "([MQTT-4.8.0-1], 5.0 section 4.13): a 5.0 client gets DISCONNECT 0x82, a 3.x client is disconnected, "
       "and the will is published. An acknowledgement naming an identifier not in flight is ignored (a PUBREC "
       "gets PUBREL 0x92 Packet Identifier not found).\n"
       "\n"
       "A property not allowed in its packet is a Malformed Packet (0x81) in every packet (5.0 section "
       "2.2.2.2); a property given twice where it may appear once is a Protocol Error (0x82).\n"
       "\n"
       "A will payload over message_size_limit refuses the CONNECT: 5.0 CONNACK 0x95 Packet too large; 3.1 and "
       "3.1.1 have no code for it and get return code 5 Not authorized, as from mosquitto.\n"
       "\n"
       "Shared subscriptions: a session whose shared subscription and other subscriptions match one message "
       "gets the shared copy as a delivery of its own (5.0 section 4.8.2), with that subscription's QoS and "
       "Subscription Identifier only; its other matching subscriptions give one more copy, at their highest "
       "QoS with all their identifiers; each shared group gives one copy.\n"
       "\n"
       "Message Expiry Interval: a message is forwarded with the time it has left, rounded up to whole seconds, "
       "so a retained or queued message read 0.4 s before it expires says 1, never 0. 0 goes out only when the "
       "publisher sent 0, or for a message already in flight that is resent after it expired. Under "
       "whole_second_expiry (the mosquitto profile) the interval counts from the start of the wall-clock second "
       "the message arrived in, which gives mosquitto's figures, and still never 0 (see PROFILES).\n"
       "\n"
       "Reason Strings: the broker's own refusals and errors to a 5.0 client (CONNACK, DISCONNECT, the PUBACK or "
       "PUBREC of a refused PUBLISH, a SUBACK with a refused filter) carry a short Reason String saying why, e.g. "
       "\"PUBREC for a QoS 1 message (packet identifier 1)\"; a malformed packet's names the byte offset, the "
       "field and the rule broken. None is sent to a client that set Request Problem Information to 0 (although "
       "5.0 would allow one on CONNACK and DISCONNECT), and none where it would not fit the client's Maximum "
       "Packet Size."},
      {"EVENTS LOGGED",
       "At info level (-v): each connection and its close, with the reason; each topic filter of a SUBSCRIBE "
       "with the QoS granted or the refusal code (\"subscribed\", \"subscription refused\"); each filter of "
       "an UNSUBSCRIBE; each takeover (a CONNECT naming a client id already connected), with the client id and "
       "both peers' addresses, the older connection's close then giving \"taken over\" as its reason.\n"
       "\n"
       "At warning level (shown without -v): a takeover loop, two clients that share one client id and keep "
       "reconnecting at each other. When one client id has been taken over 5 times in a row, each takeover "
       "within 10 seconds of the one before, one warning names it and the two latest peers; it is not "
       "repeated until that client id has been quiet for 10 seconds.\n"
       "\n"
       "Connections are numbered 1, 2, 3... in the order the listeners accept them (refused ones included), "
       "counting from 1 at each start of mqbroker, and every line about a connection gives its number: "
       "connection=N (old_connection and new_connection for a takeover) from \"new connection\" to "
       "\"connection closed\", and \"connection N\" in --lint findings; with log_format json it is a JSON "
       "number. A socket whose TLS or WebSocket handshake fails is logged with its peer address only and takes no "
       "number."},
      {"LINT", lint_section()},
      {"NOT IMPLEMENTED",
       "bridges, plugins, TLS-PSK, capath for client certificates, enhanced authentication methods (a "
       "CONNECT naming an Authentication Method gets CONNACK 0x8C Bad authentication method)."},
  };
  doc.examples = {
      {"mqbroker", "Serve 127.0.0.1:1883 to anonymous clients."},
      {"mqbroker -p 0 -v", "Serve a free port on 127.0.0.1 and log connections; the port is printed."},
      {"mqbroker -c /etc/mosquitto/mosquitto.conf --check-config", "Check a mosquitto configuration."},
      {"mqbroker -p 0 --profile aws-iot", "Refuse what AWS IoT Core would refuse (QoS 2, long topics, ...)."},
      {"mqbroker --profile mosquitto --show-profile", "Print what the mosquitto profile changes."},
      {"mqbroker --persistence true --persistence-location /var/lib/mq --persistence-mode durable",
       "Keep sessions and retained messages; acknowledge QoS 1/2 only once on disk."},
      {"mqbroker --listener '8883 ::1' --certfile srv.pem --keyfile srv.key",
       "A TLS listener on ::1 only."},
      {"mqbroker passwd users.txt add alice", "Add alice to a password file (prompts for the password)."},
  };
  doc.see_also = {"mosquitto(8)", "mosquitto.conf(5)", "mosquitto_passwd(1)"};
  return doc;
}

void define_options(CLI::App& app, Options& o) {
  app.add_option("-c,--config-file", o.config_file, "Read the configuration from FILE (mosquitto.conf language)")
      ->type_name("FILE");
  app.add_option("-p,--port", o.ports,
                 "Listen on 127.0.0.1:PORT (0: a free port) in addition to the configured listeners; repeatable")
      ->type_name("PORT")
      ->check(CLI::Range(0, 65535))
      ->allow_extra_args(false);
  app.add_flag("-v,--verbose", o.verbose, "Log connections, subscriptions and takeovers; twice for debug");
  app.add_option("--log-level", o.log_level, "Log events at this level and above (default: notice)")
      ->check(CLI::IsMember({"error", "warning", "notice", "info", "debug"}));
  std::vector<std::string> names;
  for (const auto& p : server::profiles()) names.emplace_back(p.name);
  app.add_option("--profile", o.profile,
                 "Behave as NAME (see PROFILES), applied before the configuration file, which may override it")
      ->type_name("NAME")
      ->check(CLI::IsMember(names));
  app.add_flag("--show-profile", o.show_profile, "Print every setting and choice the profile implies and exit");
  app.add_flag("--lint", o.lint,
               "Log best-practice findings about clients, once per client id and rule (see LINT; config key lint)");
  app.add_flag("--check-config", o.check_config,
               "Read the configuration and the files it names, report the first problem and exit");

  for (const auto& key : server::config_keys()) {
    if (has_own_flag(key.name)) continue;
    std::string help(key.help);
    help += " (config key " + std::string(key.name) + ")";
    app.add_option(flag_name(key.name), o.key_values[std::string(key.name)], help)
        ->type_name(std::string(key.value_name))
        ->allow_extra_args(false)
        ->group("Configuration keys");
  }

  auto* pw = app.add_subcommand("passwd", "Add or remove a user in a password file");
  pw->add_option("file", o.pw.file, "The password file (created when missing)")->required()->type_name("FILE");
  pw->add_option("action", o.pw.action, "add or remove")->required()->check(CLI::IsMember({"add", "remove"}));
  pw->add_option("user", o.pw.user, "The user name")->required();
  pw->add_option("password", o.pw.password, "The password (default: read from stdin, or prompted for)");
  pw->add_option("--iterations", o.pw.iterations, "PBKDF2 rounds (default 210000, at least 100000)")
      ->check(CLI::Range(100000u, 100000000u));
  pw->callback([&o, pw] {
    o.passwd = true;
    o.pw.password_given = pw->count("password") > 0;
  });
}

void collect_key_flags(const CLI::App& app, Options& o) {
  std::map<std::string, std::size_t> used;
  for (const CLI::Option* opt : app.parse_order()) {
    std::string name = opt->get_name(false, true);  // "--max-queued-messages"
    if (name.rfind("--", 0) != 0) continue;
    std::string key = name.substr(2);
    for (char& c : key)
      if (c == '-') c = '_';
    auto it = o.key_values.find(key);
    if (it == o.key_values.end()) continue;
    std::size_t& i = used[key];
    if (i < it->second.size()) o.key_flags.emplace_back(key, it->second[i++]);
  }
}

}  // namespace mq::mqbroker
