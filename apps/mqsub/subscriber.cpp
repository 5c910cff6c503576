#include "subscriber.hpp"

#include <unistd.h>

#include <csignal>
#include <memory>

#include <fmt/format.h>

#include "client/connection.hpp"
#include "codec/rules.hpp"
#include "client_outcome.hpp"
#include "net/loop.hpp"
#include "net/output_watch.hpp"
#include "output.hpp"
#include "packet_trace.hpp"
#include "property_options.hpp"

namespace mq::mqsub {

namespace {

using apps::ClientExit;
using apps::Outcome;
using Clock = std::chrono::steady_clock;

std::chrono::milliseconds seconds(double s) { return std::chrono::milliseconds(static_cast<std::int64_t>(s * 1000)); }

/// A filter nobody subscribes to: its UNSUBACK comes after the retained
/// messages of the SUBSCRIBE sent before it, which tells --retained-only
/// that the retained messages are all in.
std::string barrier_filter() { return fmt::format("mqsub/retained-barrier/{}", ::getpid()); }

class Subscriber {
 public:
  Subscriber(const SubOptions& options, apps::ClientSetup setup, MessagePrinter printer)
      : options_(options),
        setup_(std::move(setup)),
        printer_(std::move(printer)),
        trace_(setup_.trace, setup_.debug, setup_.config.version),
        session_(setup_.config),
        total_timer_(loop_),
        idle_timer_(loop_),
        sigint_(loop_, SIGINT, [this](int) { stop({}); }),
        sigterm_(loop_, SIGTERM, [this](int) { stop({}); }) {}

  int run();

 private:
  void on_event(client::Event& event);
  void on_connected();
  void on_message(client::MessageReceived& m);
  void on_subscribed(const client::Subscribed& s);
  void on_ended(const net::NetError& error);
  void stop(Outcome outcome);
  void arm_idle();

  const SubOptions& options_;
  apps::ClientSetup setup_;
  MessagePrinter printer_;
  apps::PacketTrace trace_;
  net::Loop loop_;
  client::ClientSession session_;
  std::unique_ptr<client::Connection> conn_;
  std::unique_ptr<net::OutputWatch> watch_;
  FdWriter out_{1};
  net::Timer total_timer_;
  net::Timer idle_timer_;
  net::SignalWatcher sigint_;
  net::SignalWatcher sigterm_;

  std::uint64_t subscribe_token_ = 0;
  std::uint64_t barrier_token_ = 0;
  std::uint64_t final_unsubscribe_token_ = 0;
  std::uint64_t printed_ = 0;
  bool stopping_ = false;
  bool finished_ = false;
  apps::OutcomeKeeper outcome_;
};

void Subscriber::stop(Outcome outcome) {
  outcome_.fail(std::move(outcome));
  if (stopping_) return;
  stopping_ = true;
  total_timer_.stop();
  idle_timer_.stop();
  conn_->stop_reconnecting();
  if (options_.unsubscribe_on_exit && session_.state() == client::ClientSession::State::Connected) {
    auto t = session_.unsubscribe(options_.topics, setup_.properties_for(kInUnsubscribe), Clock::now());
    if (t) {
      final_unsubscribe_token_ = t.token;
      conn_->service();
      return;  // closes on UNSUBACK
    }
  }
  conn_->close();
}

void Subscriber::arm_idle() {
  if (options_.idle_timeout <= 0 || stopping_) return;
  idle_timer_.start(seconds(options_.idle_timeout), [this] {
    stop({ClientExit::IdleTimeout, fmt::format("no message for {} s (--idle-timeout)", options_.idle_timeout)});
  });
}

void Subscriber::on_connected() {
  const auto now = Clock::now();
  if (!options_.unsubscribe_topics.empty())
    session_.unsubscribe(options_.unsubscribe_topics, setup_.properties_for(kInUnsubscribe), now);
  std::vector<client::SubscribeRequest> requests;
  for (std::size_t i = 0; i < options_.topics.size(); ++i) {
    client::SubscribeRequest r;
    r.filter = options_.topics[i];
    r.qos = static_cast<QoS>(options_.qos.empty() ? 0 : options_.qos.size() == 1 ? options_.qos[0] : options_.qos[i]);
    r.no_local = options_.no_local;
    r.retain_as_published = options_.retain_as_published;
    r.retain_handling = static_cast<std::uint8_t>(options_.retain_handling);
    requests.push_back(std::move(r));
  }
  client::OwnedProperties props = setup_.properties_for(kInSubscribe);
  if (options_.subscription_id) props.add(PropertyId::SubscriptionIdentifier, options_.subscription_id);
  for (const auto& p : options_.properties)
    if (auto bad = apps::add_property_assignment(props, p, kInSubscribe, "SUBSCRIBE")) {
      stop({ClientExit::Usage, "--property: " + *bad});
      return;
    }
  for (const auto& p : options_.user_properties)
    if (auto bad = apps::add_user_property(props, p)) {
      stop({ClientExit::Usage, "--user-property: " + *bad});
      return;
    }
  auto submitted = session_.subscribe(std::move(requests), std::move(props), now);
  if (!submitted) {
    stop({apps::exit_for(*submitted.error), "cannot subscribe: " + submitted.error->message});
    return;
  }
  subscribe_token_ = submitted.token;
  if (options_.retained_only) {
    auto barrier = session_.unsubscribe({barrier_filter()}, {}, now);
    if (barrier) barrier_token_ = barrier.token;
  }
}

void Subscriber::on_subscribed(const client::Subscribed& s) {
  if (s.error) {
    if (!setup_.reconnect.enabled) stop({apps::exit_for(*s.error), "subscribe failed: " + s.error->message});
    return;
  }
  std::size_t refused = 0;
  for (std::size_t i = 0; i < s.reason_codes.size(); ++i) {
    if (s.reason_codes[i] < 0x80) continue;
    ++refused;
    const std::string filter = i < options_.topics.size() ? options_.topics[i] : "?";
    std::fprintf(stderr, "mqsub: subscription to '%s' refused: %s\n", filter.c_str(),
                 apps::describe_reason(PacketType::Suback, s.reason_codes[i], setup_.config.version,
                                       s.reason_string).c_str());
  }
  if (refused == s.reason_codes.size() && refused > 0) {
    stop({ClientExit::Rejected, refused == 1 ? "the subscription was refused" : "every subscription was refused"});
    return;
  }
  if (options_.exit_after_suback) stop({});
}

void Subscriber::on_message(client::MessageReceived& m) {
  if (stopping_) return;
  auto& msg = m.message;
  const bool retained = msg.retain;
  if (options_.remove_retained && retained && !msg.payload.empty()) {
    client::Message clear;
    clear.topic = msg.topic;
    clear.retain = true;
    session_.publish(std::move(clear), Clock::now());
  }
  if (options_.retained_only && !retained) {
    stop({});
    return;
  }
  if (options_.skip_retained && retained) return;
  if (retained && msg.payload.empty() && options_.remove_retained) return;  // our own clearing echoes
  for (const auto& f : options_.filter_out)
    if (topic_matches(f, msg.topic)) return;
  arm_idle();
  MessageView view{&msg, m.packet_id, m.dup, std::chrono::system_clock::now()};
  std::string warning;
  std::string text = printer_.render(view, &warning);
  if (!warning.empty()) std::fprintf(stderr, "mqsub: %s\n", warning.c_str());
  std::string error;
  if (!out_.write(text, &error)) {
    // The reader went away (EPIPE): end at once and quietly.
    stop(error.empty() ? Outcome{} : Outcome{ClientExit::Failure, error});
    return;
  }
  ++printed_;
  if (options_.count && printed_ >= options_.count) stop({});
}

void Subscriber::on_event(client::Event& event) {
  if (std::holds_alternative<client::Connected>(event)) {
    on_connected();
    return;
  }
  if (auto* m = std::get_if<client::MessageReceived>(&event)) {
    on_message(*m);
    return;
  }
  if (auto* s = std::get_if<client::Subscribed>(&event)) {
    if (s->token == subscribe_token_) on_subscribed(*s);
    return;
  }
  if (auto* u = std::get_if<client::Unsubscribed>(&event)) {
    if (u->token == barrier_token_ && barrier_token_) stop({});
    else if (u->token == final_unsubscribe_token_ && final_unsubscribe_token_) conn_->close();
    return;
  }
  if (std::holds_alternative<client::PublishCompleted>(event)) return;
  if (auto* redirect = std::get_if<client::Redirected>(&event)) {
    std::fprintf(stderr, "mqsub: the broker points to another server: %s\n", redirect->server_reference.c_str());
    return;
  }
  if (auto o = apps::outcome_of(event, setup_.config.version)) {
    const bool fatal = !setup_.reconnect.enabled || o->exit == ClientExit::Refused;
    if (fatal) stop(std::move(*o));
    else std::fprintf(stderr, "mqsub: %s; reconnecting\n", o->message.c_str());
  }
}

void Subscriber::on_ended(const net::NetError& error) {
  finished_ = true;
  total_timer_.stop();
  idle_timer_.stop();
  if (error) outcome_.fail(apps::outcome_of(error));
  else if (!stopping_) outcome_.fail({ClientExit::ConnectionLost, "the connection ended"});
  loop_.stop();
}

int Subscriber::run() {
  if (setup_.connect.tls.insecure)
    std::fprintf(stderr, "mqsub: warning: --insecure: the broker's certificate is not verified\n");
  client::ConnectionHandlers handlers;
  handlers.on_event = [this](client::Event& e) { on_event(e); };
  handlers.on_ended = [this](const net::NetError& e) { on_ended(e); };
  handlers.on_reconnecting = [](const net::NetError& e, std::chrono::milliseconds delay) {
    std::fprintf(stderr, "mqsub: %s; reconnecting in %.1f s\n", e ? e.message.c_str() : "connection ended",
                 static_cast<double>(delay.count()) / 1000.0);
  };
  if (trace_.enabled()) handlers.on_packet = [this](bool sent, ByteView p) { trace_.packet(sent, p); };
  conn_ = std::make_unique<client::Connection>(loop_, session_, setup_.url, setup_.connect, setup_.reconnect,
                                               std::move(handlers));
  if (options_.timeout > 0)
    total_timer_.start(seconds(options_.timeout), [this] {
      stop({ClientExit::Timeout, fmt::format("timed out after {} s (-W) with {} messages", options_.timeout, printed_)});
    });
  watch_ = std::make_unique<net::OutputWatch>(loop_, 1, [this] { stop({}); });
  arm_idle();
  conn_->open();
  loop_.run_until([this] { return finished_; });
  conn_.reset();
  watch_.reset();
  loop_.close();
  return apps::report("mqsub", outcome_.outcome());
}

}  // namespace

int run(const SubOptions& options, apps::ClientSetup setup) {
  if (options.topics.empty()) return apps::report("mqsub", {ClientExit::Usage, "at least one topic filter is needed: -t FILTER"});
  if (options.qos.size() > 1 && options.qos.size() != options.topics.size())
    return apps::report("mqsub", {ClientExit::Usage, fmt::format("{} -q values for {} -t filters: give one -q for all, or one per -t",
                                                                 options.qos.size(), options.topics.size())});
  for (const auto& f : options.filter_out)
    if (auto bad = check_topic_filter(f); bad || parse_shared(f))
      return apps::report("mqsub", {ClientExit::Usage,
                                    fmt::format("-T '{}' is not a topic filter: {}", f,
                                                bad ? bad->message : "a shared subscription names no topic")});
  const bool v5 = setup.v5();
  if (!v5 && (options.no_local || options.retain_as_published || options.retain_handling || options.subscription_id ||
              !options.properties.empty() || !options.user_properties.empty()))
    return apps::report("mqsub", {ClientExit::Usage, "subscription options and properties need MQTT 5.0 (-V mqttv5)"});

  MessagePrinter::Mode mode = MessagePrinter::Mode::Payload;
  std::optional<OutputFormat> format;
  if (options.verbose) mode = MessagePrinter::Mode::Verbose;
  if (options.json) mode = MessagePrinter::Mode::Json;
  if (!options.format.empty()) {
    std::string error;
    format = OutputFormat::compile(options.format, &error);
    if (!format) return apps::report("mqsub", {ClientExit::Usage, error});
    mode = MessagePrinter::Mode::Format;
  }
  auto encoding = options.payload_encoding == "base64" ? apps::PayloadEncoding::Base64
                  : options.payload_encoding == "hex"  ? apps::PayloadEncoding::Hex
                                                       : apps::PayloadEncoding::Auto;
  MessagePrinter printer(mode, !options.no_eol, std::move(format), encoding);
  Subscriber subscriber(options, std::move(setup), std::move(printer));
  return subscriber.run();
}

}  // namespace mq::mqsub
