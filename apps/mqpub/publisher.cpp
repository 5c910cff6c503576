#include "publisher.hpp"

#include <unistd.h>

#include <csignal>
#include <deque>
#include <memory>

#include <fmt/format.h>

#include "client/connection.hpp"
#include "codec/rules.hpp"
#include "client_outcome.hpp"
#include "codec/varint.hpp"
#include "message_json.hpp"
#include "net/input_stream.hpp"
#include "net/loop.hpp"
#include "packet_trace.hpp"
#include "payload.hpp"
#include "property_options.hpp"
#include "response.hpp"
#include "text.hpp"

namespace mq::mqpub {

namespace {

using apps::ClientExit;
using apps::Outcome;
using Clock = std::chrono::steady_clock;

/// Input is paused while this many messages wait in the session...
constexpr std::size_t kQueueHigh = 4096;
/// ...or this many bytes wait for the socket.
constexpr std::size_t kBytesHigh = 4 * 1024 * 1024;

std::chrono::milliseconds seconds(double s) { return std::chrono::milliseconds(static_cast<std::int64_t>(s * 1000)); }

class Publisher {
 public:
  Publisher(const PubOptions& options, apps::ClientSetup setup, std::optional<ResponseWaiter> response)
      : options_(options),
        setup_(std::move(setup)),
        trace_(setup_.trace, setup_.debug, setup_.config.version),
        session_(setup_.config),
        throttle_(loop_),
        pacing_(loop_),
        deadline_(loop_),
        sigint_(loop_, SIGINT, [this](int) { interrupt(); }),
        sigterm_(loop_, SIGTERM, [this](int) { interrupt(); }),
        response_(std::move(response)) {}

  int run();

 private:
  // Sources.
  bool prepare_template(std::string* error);
  void start_source();
  void publish_repeats();
  void start_lines();
  void on_line(std::string&& line);
  void start_replay();
  void replay_next();

  // Publishing and completion.
  void submit(client::Message message);
  void input_finished();
  void maybe_finish();
  void check_backpressure();
  void on_event(client::Event& event);
  void on_ended(const net::NetError& error);
  void interrupt();
  void fail(Outcome o);

  // --wait-response.
  void subscribe_response();
  void on_response_subscribed(const client::Subscribed& s);
  void on_message(const client::MessageReceived& m);
  /// Everything asked for is done: input read, every message acknowledged, the response printed.
  bool all_done() const { return input_done_ && completed_ == submitted_ && (!response_ || response_->received()); }

  const PubOptions& options_;
  apps::ClientSetup setup_;
  apps::PacketTrace trace_;
  net::Loop loop_;
  client::ClientSession session_;
  std::unique_ptr<client::Connection> conn_;
  std::unique_ptr<net::InputStream> input_;
  LineSplitter lines_;
  std::size_t line_number_ = 0;
  PayloadText payload_text_ = PayloadText::Raw;

  client::Message template_;
  unsigned repeats_done_ = 0;
  std::deque<apps::ReplayRecord> replay_;
  std::optional<std::chrono::system_clock::time_point> replay_prev_;

  net::Timer throttle_;  ///< polls the socket backlog while input is paused
  net::Timer pacing_;    ///< --repeat-delay, --rate, --replay-timing
  net::Timer deadline_;  ///< --timeout
  net::SignalWatcher sigint_;
  net::SignalWatcher sigterm_;
  std::optional<ResponseWaiter> response_;
  std::uint64_t response_subscribe_token_ = 0;
  bool source_started_ = false;

  std::uint64_t submitted_ = 0;
  std::uint64_t completed_ = 0;
  std::uint64_t rejected_ = 0;
  std::uint64_t bad_lines_ = 0;  ///< -l lines that --hex or --base64 could not decode
  bool input_done_ = false;
  bool paused_ = false;
  bool closing_ = false;
  bool finished_ = false;
  apps::OutcomeKeeper outcome_;
};

void Publisher::fail(Outcome o) {
  outcome_.fail(std::move(o));
  if (closing_) return;
  closing_ = true;
  if (input_) input_->stop();
  pacing_.stop();
  throttle_.stop();
  conn_->stop_reconnecting();
  conn_->close(setup_.disconnect_reason, setup_.properties_for(kInDisconnect));
}

void Publisher::interrupt() {
  if (all_done()) return;
  if (response_ && input_done_ && completed_ == submitted_) {
    fail({ClientExit::Interrupted, "interrupted while waiting for the response: " + response_->waiting_note()});
    return;
  }
  // With -l, Ctrl-C is how an interactive session ends: when every line
  // read so far is acknowledged, that is a success.
  if (options_.source() == Source::Lines && !closing_ && completed_ == submitted_) {
    if (input_) input_->stop();
    input_finished();
    return;
  }
  fail({ClientExit::Interrupted, fmt::format("interrupted with {} of {} acknowledged", completed_, apps::plural(submitted_, "message"))});
}

bool Publisher::prepare_template(std::string* error) {
  payload_text_ = options_.hex ? PayloadText::Hex : options_.base64 ? PayloadText::Base64 : PayloadText::Raw;
  template_.topic = options_.topic;
  template_.qos = static_cast<QoS>(options_.qos);
  template_.retain = options_.retain;
  template_.properties = setup_.properties_for(kInPublish);
  for (const auto& p : options_.properties)
    if (auto bad = apps::add_property_assignment(template_.properties, p, kInPublish, "PUBLISH")) {
      *error = "--property: " + *bad;
      return false;
    }
  for (const auto& p : options_.user_properties)
    if (auto bad = apps::add_user_property(template_.properties, p)) {
      *error = "--user-property: " + *bad;
      return false;
    }
  if (response_)
    if (auto bad = response_->prepare(template_.properties)) {
      *error = *bad;
      return false;
    }
  if (!setup_.v5() && !template_.properties.empty()) {
    *error = "PUBLISH properties need MQTT 5.0 (-V mqttv5)";
    return false;
  }
  std::string raw;
  switch (options_.source()) {
    case Source::Message: raw = options_.message; break;
    case Source::File: {
      auto bytes = read_file(options_.file, error);
      if (!bytes) return false;
      raw = std::move(*bytes);
      break;
    }
    case Source::Stdin: {
      auto bytes = read_stdin(error);
      if (!bytes) return false;
      raw = std::move(*bytes);
      break;
    }
    default: break;
  }
  auto payload = decode_payload(raw, payload_text_, error);
  if (!payload) return false;
  template_.payload = std::move(*payload);
  return true;
}

void Publisher::submit(client::Message message) {
  auto submitted = session_.publish(std::move(message), Clock::now());
  if (!submitted) {
    fail({apps::exit_for(*submitted.error), "message refused: " + submitted.error->message});
    return;
  }
  ++submitted_;
  if (response_) response_->request_sent();
}

void Publisher::check_backpressure() {
  if (!input_) return;
  const bool full = session_.queued() >= kQueueHigh || conn_->queued_bytes() >= kBytesHigh;
  if (full && !paused_) {
    paused_ = true;
    input_->pause();
    throttle_.start_repeating(std::chrono::milliseconds(2), [this] { check_backpressure(); });
  } else if (!full && paused_ && session_.queued() < kQueueHigh / 2 && conn_->queued_bytes() < kBytesHigh / 2) {
    paused_ = false;
    throttle_.stop();
    input_->resume();
  }
}

void Publisher::publish_repeats() {
  while (!closing_ && repeats_done_ < options_.repeat) {
    ++repeats_done_;
    submit(template_);
    conn_->service();
    if (repeats_done_ < options_.repeat && (options_.repeat_delay > 0 || options_.rate > 0)) {
      auto delay = options_.rate > 0 ? std::chrono::milliseconds(static_cast<std::int64_t>(1000.0 / options_.rate))
                                     : seconds(options_.repeat_delay);
      pacing_.start(delay, [this] { publish_repeats(); });
      return;
    }
  }
  input_finished();
}

void Publisher::on_line(std::string&& line) {
  ++line_number_;
  client::Message m;
  m.topic = template_.topic;
  m.qos = template_.qos;
  m.retain = template_.retain;
  m.properties = template_.properties;
  if (payload_text_ == PayloadText::Raw) {
    m.payload = std::move(line);
  } else {
    std::string error;
    auto bytes = decode_payload(line, payload_text_, &error);
    if (!bytes) {
      // Skipped, whatever the pipe's timing: every good line is still
      // published and the status (1) tells the script something was left out.
      ++bad_lines_;
      apps::note("mqpub", fmt::format("stdin line {}: {}; line skipped", line_number_, error));
      return;
    }
    m.payload = std::move(*bytes);
  }
  submit(std::move(m));
}

void Publisher::start_lines() {
  input_ = std::make_unique<net::InputStream>(
      loop_, 0,
      [this](ByteView bytes) {
        lines_.feed(as_chars(bytes), [this](std::string&& line) {
          if (!closing_) on_line(std::move(line));
        });
        // No MQTT packet holds more than 268,435,455 bytes: a longer line
        // (from /dev/zero, or a binary file) can never be sent.
        if (lines_.pending() > kVarIntMax && !closing_) {
          fail({ClientExit::Failure, fmt::format("stdin line {}: longer than {} bytes, the most an MQTT packet holds",
                                                 line_number_ + 1, kVarIntMax)});
          return;
        }
        conn_->service();
        check_backpressure();
      },
      [this](const net::NetError& error) {
        if (error) {
          fail({ClientExit::Failure, error.message});
          return;
        }
        if (auto rest = lines_.finish(); rest && !closing_) on_line(std::move(*rest));
        conn_->service();
        input_finished();
      });
  input_->start();
}

void Publisher::start_replay() {
  std::string error;
  auto text = options_.replay == "-" ? read_stdin(&error) : read_file(options_.replay, &error);
  if (!text) {
    fail({ClientExit::Failure, error});
    return;
  }
  std::size_t number = 0;
  LineSplitter splitter;
  auto add = [&](std::string&& line) {
    ++number;
    if (line.find_first_not_of(" \t\r") == std::string::npos || closing_) return;
    auto parsed = apps::message_from_json_line(line);
    if (auto* bad = std::get_if<std::string>(&parsed)) {
      fail({ClientExit::Failure, fmt::format("{} line {}: {}", options_.replay, number, *bad)});
      return;
    }
    auto& record = std::get<apps::ReplayRecord>(parsed);
    if (!options_.topic.empty()) record.message.topic = options_.topic;
    if (options_.qos_given) record.message.qos = static_cast<QoS>(options_.qos);
    if (options_.retain) record.message.retain = true;
    replay_.push_back(std::move(record));
  };
  splitter.feed(*text, add);
  if (auto rest = splitter.finish()) add(std::move(*rest));
  if (!closing_) replay_next();
}

void Publisher::replay_next() {
  while (!closing_ && !replay_.empty()) {
    auto& record = replay_.front();
    if (options_.replay_timing && replay_prev_ && record.received && *record.received > *replay_prev_) {
      auto gap = std::chrono::duration_cast<std::chrono::milliseconds>(*record.received - *replay_prev_);
      replay_prev_ = record.received;
      if (gap.count() > 0) {
        pacing_.start(gap, [this] {
          auto& r = replay_.front();
          submit(std::move(r.message));
          replay_.pop_front();
          conn_->service();
          replay_next();
        });
        return;
      }
    }
    if (record.received) replay_prev_ = record.received;
    submit(std::move(record.message));
    replay_.pop_front();
    conn_->service();
  }
  if (!closing_) input_finished();
}

void Publisher::start_source() {
  switch (options_.source()) {
    case Source::Lines: start_lines(); break;
    case Source::Replay: start_replay(); break;
    default: publish_repeats(); break;
  }
}

void Publisher::input_finished() {
  input_done_ = true;
  maybe_finish();
}

void Publisher::maybe_finish() {
  if (closing_ || !all_done()) return;
  closing_ = true;
  conn_->stop_reconnecting();
  conn_->close(setup_.disconnect_reason, setup_.properties_for(kInDisconnect));
}

void Publisher::subscribe_response() {
  // The read that brought CONNACK may also have ended the session: the
  // next event says why.
  if (session_.state() != client::ClientSession::State::Connected || response_->received()) return;
  auto submitted = session_.subscribe({response_->subscription(static_cast<QoS>(options_.qos))},
                                      setup_.properties_for(kInSubscribe), Clock::now());
  if (!submitted) {
    fail({apps::exit_for(*submitted.error), "cannot subscribe to the response topic: " + submitted.error->message});
    return;
  }
  response_subscribe_token_ = submitted.token;
}

void Publisher::on_response_subscribed(const client::Subscribed& s) {
  if (closing_) return;
  if (s.error) {
    if (!setup_.reconnect.enabled) fail({apps::exit_for(*s.error), "cannot subscribe to the response topic: " + s.error->message});
    return;
  }
  if (!s.reason_codes.empty() && s.reason_codes[0] >= 0x80) {
    fail({ClientExit::Rejected,
          fmt::format("the subscription to the response topic '{}' was refused: {}", response_->topic(),
                      apps::describe_reason(PacketType::Suback, s.reason_codes[0], setup_.config.version,
                                            s.reason_string))});
    return;
  }
  // The request goes out only now, so the response cannot arrive before
  // the subscription that receives it.
  if (!source_started_) {
    source_started_ = true;
    start_source();
  }
}

void Publisher::on_message(const client::MessageReceived& m) {
  if (!response_ || closing_) return;
  std::optional<std::string> output_error;
  if (!response_->offer(m, &output_error)) return;
  if (output_error) {
    // A reader that went away (EPIPE) is no error, as for mqsub.
    if (!output_error->empty()) fail({ClientExit::Output, *output_error});
    else if (completed_ == submitted_) maybe_finish();
    return;
  }
  maybe_finish();
}

void Publisher::on_event(client::Event& event) {
  if (setup_.auth_command) {
    if (auto* challenge = std::get_if<client::AuthChallenge>(&event)) {
      if (auto o = setup_.auth_command->answer(*challenge, session_)) fail(std::move(*o));
      return;
    }
    if (auto* c = std::get_if<client::Connected>(&event))
      if (auto o = setup_.auth_command->verify(*c)) return fail(std::move(*o));
  }
  if (response_) {
    if (std::holds_alternative<client::Connected>(event)) return subscribe_response();
    if (auto* m = std::get_if<client::MessageReceived>(&event)) return on_message(*m);
    if (auto* s = std::get_if<client::Subscribed>(&event)) {
      if (s->token == response_subscribe_token_) on_response_subscribed(*s);
      return;
    }
  }
  if (auto* done = std::get_if<client::PublishCompleted>(&event)) {
    ++completed_;
    if (done->error) {
      ++rejected_;
      outcome_.fail({apps::exit_for(*done->error), "message not delivered: " + done->error->message});
    } else if (!done->ok()) {
      ++rejected_;
      outcome_.fail({ClientExit::Rejected,
                     "the broker rejected a message: " +
                         apps::describe_reason(done->qos == 2 ? PacketType::Pubrec : PacketType::Puback,
                                               done->reason_code, setup_.config.version, done->reason_string)});
    }
    check_backpressure();
    maybe_finish();
    return;
  }
  if (auto* redirect = std::get_if<client::Redirected>(&event)) {
    apps::note("mqpub", "the broker points to another server: " + redirect->server_reference);
    return;
  }
  if (auto o = apps::outcome_of(event, setup_.config.version)) {
    const bool fatal = !setup_.reconnect.enabled || o->exit == ClientExit::Refused;
    if (fatal) fail(std::move(*o));
    else apps::note("mqpub", o->message + "; reconnecting");
  }
}

void Publisher::on_ended(const net::NetError& error) {
  finished_ = true;
  deadline_.stop();
  pacing_.stop();
  throttle_.stop();
  if (input_) input_->stop();
  if (error) {
    outcome_.fail(apps::outcome_of(error));
  } else if (completed_ < submitted_ || !input_done_) {
    outcome_.fail({ClientExit::ConnectionLost,
                   fmt::format("the connection ended with {} of {} acknowledged", completed_,
                               apps::plural(submitted_, "message"))});
  } else if (response_ && !response_->received()) {
    outcome_.fail({ClientExit::ConnectionLost, "the connection ended before the response: " + response_->waiting_note()});
  }
  loop_.stop();
}

int Publisher::run() {
  std::string error;
  if (!prepare_template(&error)) {
    const bool usage = error.rfind("--", 0) == 0 || error.find("MQTT 5.0") != std::string::npos;
    return apps::report("mqpub", {usage ? ClientExit::Usage : ClientExit::Failure, error});
  }
  if (setup_.connect.tls.insecure)
    std::fprintf(stderr, "mqpub: warning: --insecure: the broker's certificate is not verified\n");
  client::ConnectionHandlers handlers;
  handlers.on_event = [this](client::Event& e) { on_event(e); };
  handlers.on_ended = [this](const net::NetError& e) { on_ended(e); };
  handlers.on_reconnecting = [](const net::NetError& e, std::chrono::milliseconds delay) {
    apps::note("mqpub", fmt::format("{}; reconnecting in {:.2f} s", e ? e.message : "connection ended",
                                    static_cast<double>(delay.count()) / 1000.0));
  };
  if (trace_.enabled()) handlers.on_packet = [this](bool sent, ByteView p) { trace_.packet(sent, p); };
  conn_ = std::make_unique<client::Connection>(loop_, session_, setup_.url, setup_.connect, setup_.reconnect,
                                               std::move(handlers));
  if (options_.timeout > 0)
    deadline_.start(seconds(options_.timeout), [this] {
      if (response_ && input_done_ && completed_ == submitted_) {
        fail({ClientExit::Timeout, fmt::format("no response within {} s, the request was {}: {}", options_.timeout,
                                               options_.qos > 0 ? "acknowledged" : "sent", response_->waiting_note())});
        return;
      }
      fail({ClientExit::Timeout, fmt::format("timed out after {} s with {} of {} acknowledged",
                                             options_.timeout, completed_, apps::plural(submitted_, "message"))});
    });
  conn_->open();
  if (!response_) {
    source_started_ = true;
    start_source();
  }
  loop_.run_until([this] { return finished_; });
  conn_.reset();
  input_.reset();
  loop_.close();
  if (!outcome_.failed() && rejected_ > 0)
    outcome_.fail({ClientExit::Rejected, fmt::format("{} rejected", apps::plural(rejected_, "message") + (rejected_ == 1 ? " was" : " were"))});
  if (!outcome_.failed() && bad_lines_ > 0)
    outcome_.fail({ClientExit::Failure, fmt::format("{} of {} could not be decoded and {} not sent", bad_lines_,
                                                    apps::plural(line_number_, "line"), bad_lines_ == 1 ? "was" : "were")});
  return apps::report("mqpub", outcome_.outcome());
}

/// What --wait-response cannot do, as a usage error.
std::optional<std::string> check_request(const PubOptions& o, const apps::ClientSetup& setup) {
  if (o.source() == Source::Lines || o.source() == Source::Replay || o.repeat > 1)
    return std::string("--wait-response sends one request: not with -l, --replay or --repeat");
  if (auto bad = check_topic_name(o.response_topic)) return fmt::format("-e '{}': {}", o.response_topic, bad->message);
  // Without No Local (5.0) the request would come back as its own response.
  if (!setup.v5() && o.response_topic == o.topic)
    return std::string("-e: the response topic is the request topic; before MQTT 5.0 the request would be taken as its own response");
  return std::nullopt;
}

}  // namespace

int run(const PubOptions& given, apps::ClientSetup setup) {
  PubOptions options = given;  // outlives the Publisher, which keeps a reference
  if (options.topic.empty() && setup.url_topic) options.topic = *setup.url_topic;
  if (options.source() != Source::Replay && options.topic.empty())
    return apps::report("mqpub", {ClientExit::Usage, "a topic is needed: -t TOPIC"});
  if (options.topic_alias && !setup.v5())
    return apps::report("mqpub", {ClientExit::Usage, "--topic-alias needs MQTT 5.0 (-V mqttv5)"});
  if (options.source() == Source::Message && !options.message_given)
    return apps::report("mqpub", {ClientExit::Usage, "no message: give -m, -f, -s, -l, -n or --replay"});
  setup.config.max_inflight = static_cast<std::uint16_t>(options.max_inflight);
  if (options.topic_alias) setup.config.topic_aliases = client::TopicAliasPolicy::Automatic;
  // With --reconnect, what a lost session took is published again, not lost.
  setup.config.resend_discarded = setup.reconnect.enabled;
  std::optional<ResponseWaiter> response;
  if (options.wait_response) {
    if (auto bad = check_request(options, setup)) return apps::report("mqpub", {ClientExit::Usage, *bad});
    std::string error;
    auto printer = mqsub::make_printer(options.print, &error);
    if (!printer) return apps::report("mqpub", {ClientExit::Usage, error});
    response.emplace(options.response_topic, setup.v5(), std::move(*printer));
  } else if (!options.response_topic.empty()) {
    if (!setup.v5())
      return apps::report("mqpub", {ClientExit::Usage, "-e (--response-topic) needs MQTT 5.0 (-V mqttv5), or --wait-response"});
    if (auto bad = check_topic_name(options.response_topic))
      return apps::report("mqpub", {ClientExit::Usage, fmt::format("-e '{}': {}", options.response_topic, bad->message)});
    options.properties.push_back("response-topic=" + options.response_topic);
  }
  if (auto failed = apps::prepare_auth(setup)) return apps::report("mqpub", *failed);
  Publisher publisher(options, std::move(setup), std::move(response));
  return publisher.run();
}

}  // namespace mq::mqpub
