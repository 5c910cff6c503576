#include "subscriber.hpp"

#include <unistd.h>

#include <csignal>
#include <memory>
#include <random>

#include <fmt/format.h>

#include "client/connection.hpp"
#include "codec/rules.hpp"
#include "client_outcome.hpp"
#include "net/loop.hpp"
#include "net/output_watch.hpp"
#include "output.hpp"
#include "packet_trace.hpp"
#include "property_options.hpp"
#include "text.hpp"

namespace mq::mqsub {

namespace {

using apps::ClientExit;
using apps::Outcome;
using Clock = std::chrono::steady_clock;

std::chrono::milliseconds seconds(double s) { return std::chrono::milliseconds(static_cast<std::int64_t>(s * 1000)); }

/// How long a finished mqsub waits for the PUBRELs of QoS 2 messages it
/// printed, so that their exchange ends with PUBCOMP before DISCONNECT.
constexpr std::chrono::seconds kReleaseWait{5};

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
        release_timer_(loop_),
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
  void finish();
  void arm_idle();
  /// Acknowledges a received message that was printed or filtered out on purpose.
  void acknowledge(const client::MessageReceived& m);

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
  net::Timer release_timer_;
  net::SignalWatcher sigint_;
  net::SignalWatcher sigterm_;

  std::mt19937_64 random_{std::random_device{}()};
  /// --random-filter below 100: whether a message is printed.
  std::optional<std::bernoulli_distribution> sample_ =
      options_.random_filter < 100 ? std::optional(std::bernoulli_distribution(options_.random_filter / 100))
                                   : std::nullopt;
  std::uint64_t subscribe_token_ = 0;
  std::uint64_t barrier_token_ = 0;
  std::uint64_t final_unsubscribe_token_ = 0;
  std::uint64_t printed_ = 0;
  bool stopping_ = false;
  bool release_waited_ = false;  ///< the wait for PUBRELs is over (or never needed)
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
  finish();
}

/// Ends the connection once the QoS 2 messages already printed are
/// released (PUBCOMP sent) and, with --unsubscribe, after UNSUBACK. Called
/// again by the events it waits for.
void Subscriber::finish() {
  const bool connected = session_.state() == client::ClientSession::State::Connected;
  if (connected && !release_waited_ && session_.awaiting_pubrel() > 0) {
    if (!release_timer_.active())
      release_timer_.start(kReleaseWait, [this] {
        apps::note("mqsub", fmt::format("warning: no PUBREL for {} within {} s; disconnecting",
                                        apps::plural(session_.awaiting_pubrel(), "QoS 2 message"),
                                        kReleaseWait.count()));
        release_waited_ = true;
        finish();
      });
    return;  // MessageReleased calls again
  }
  release_waited_ = true;
  release_timer_.stop();
  if (final_unsubscribe_token_) return;  // closes on UNSUBACK
  if (options_.unsubscribe_on_exit && connected) {
    auto t = session_.unsubscribe(options_.topics, setup_.properties_for(kInUnsubscribe), Clock::now());
    if (t) {
      final_unsubscribe_token_ = t.token;
      conn_->service();
      return;
    }
  }
  conn_->close(setup_.disconnect_reason, setup_.properties_for(kInDisconnect));
}

void Subscriber::acknowledge(const client::MessageReceived& m) {
  if (m.message.qos > 0) session_.acknowledge(m.packet_id, Clock::now());
}

void Subscriber::arm_idle() {
  if (options_.idle_timeout <= 0 || stopping_) return;
  idle_timer_.start(seconds(options_.idle_timeout), [this] {
    stop({ClientExit::IdleTimeout, fmt::format("no message for {} s (--idle-timeout)", options_.idle_timeout)});
  });
}

void Subscriber::on_connected() {
  // The read that brought CONNACK may also have ended the session (a second
  // CONNACK, DISCONNECT, an unsolicited SUBACK): the next event says why,
  // and a subscribe now would only hide it behind "not connected".
  if (session_.state() != client::ClientSession::State::Connected) return;
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
  // Queued messages of a persistent session arrive before SUBACK: -C may
  // have ended the run before it came, which is no failure.
  if (stopping_) return;
  if (s.error) {
    if (!setup_.reconnect.enabled) stop({apps::exit_for(*s.error), "subscribe failed: " + s.error->message});
    return;
  }
  std::size_t refused = 0;
  for (std::size_t i = 0; i < s.reason_codes.size(); ++i) {
    if (s.reason_codes[i] < 0x80) continue;
    ++refused;
    const std::string filter = i < options_.topics.size() ? options_.topics[i] : "?";
    apps::note("mqsub", fmt::format("subscription to '{}' refused: {}", filter,
                                    apps::describe_reason(PacketType::Suback, s.reason_codes[i],
                                                          setup_.config.version, s.reason_string)));
  }
  if (refused == s.reason_codes.size() && refused > 0) {
    stop({ClientExit::Rejected, refused == 1 ? "the subscription was refused" : "every subscription was refused"});
    return;
  }
  if (options_.exit_after_suback) stop({});
}

// Acknowledgements (the session runs with manual_acks): a message is
// acknowledged once it is printed, or when it is filtered out on purpose
// (-T, -R, the echoes of --remove-retained), as mosquitto_sub does. A message
// that arrives after mqsub decided to stop (-C reached, --retained-only's
// first new message, -W, a signal, a failed write) is never acknowledged:
// the server keeps it for the next run of a persistent session.
void Subscriber::on_message(client::MessageReceived& m) {
  if (stopping_) return;
  auto& msg = m.message;
  const bool retained = msg.retain;
  if (options_.retained_only && !retained) {
    stop({});
    return;
  }
  bool filtered_out = false;
  for (const auto& f : options_.filter_out) filtered_out = filtered_out || topic_matches(f, msg.topic);
  // -T protects a topic from --remove-retained too; -R does not (it only
  // keeps stale messages off the output, clearing them is the point).
  if (options_.remove_retained && retained && !msg.payload.empty() && !filtered_out) {
    client::Message clear;
    clear.topic = msg.topic;
    clear.retain = true;
    session_.publish(std::move(clear), Clock::now());
  }
  if (filtered_out) return acknowledge(m);
  if (sample_ && !(*sample_)(random_)) return acknowledge(m);  // --random-filter left it out
  if (options_.skip_retained && retained) return acknowledge(m);
  if (retained && msg.payload.empty() && options_.remove_retained) return acknowledge(m);  // our own clearing echoes
  arm_idle();
  MessageView view{&msg, m.packet_id, m.dup, std::chrono::system_clock::now()};
  std::string warning;
  std::string text = printer_.render(view, &warning);
  if (!warning.empty()) apps::note("mqsub", warning);
  std::string error;
  if (!out_.write(text, &error)) {
    // The reader went away (EPIPE): end at once and quietly.
    stop(error.empty() ? Outcome{} : Outcome{ClientExit::Output, error});
    return;
  }
  acknowledge(m);
  ++printed_;
  if (options_.count && printed_ >= options_.count) stop({});
}

void Subscriber::on_event(client::Event& event) {
  if (auto* c = std::get_if<client::Connected>(&event)) {
    if (setup_.auth_command)
      if (auto o = setup_.auth_command->verify(*c)) return stop(std::move(*o));
    on_connected();
    return;
  }
  if (auto* challenge = std::get_if<client::AuthChallenge>(&event); challenge && setup_.auth_command) {
    if (auto o = setup_.auth_command->answer(*challenge, session_)) stop(std::move(*o));
    return;
  }
  if (auto* m = std::get_if<client::MessageReceived>(&event)) {
    on_message(*m);
    return;
  }
  if (std::holds_alternative<client::MessageReleased>(event)) {
    if (stopping_ && !release_waited_ && session_.awaiting_pubrel() == 0) finish();
    return;
  }
  if (auto* s = std::get_if<client::Subscribed>(&event)) {
    if (s->token == subscribe_token_) on_subscribed(*s);
    return;
  }
  if (auto* u = std::get_if<client::Unsubscribed>(&event)) {
    if (u->token == barrier_token_ && barrier_token_) stop({});
    else if (u->token == final_unsubscribe_token_ && final_unsubscribe_token_)
      conn_->close(setup_.disconnect_reason, setup_.properties_for(kInDisconnect));
    return;
  }
  if (std::holds_alternative<client::PublishCompleted>(event)) return;
  if (auto* redirect = std::get_if<client::Redirected>(&event)) {
    apps::note("mqsub", "the broker points to another server: " + redirect->server_reference);
    return;
  }
  if (auto o = apps::outcome_of(event, setup_.config.version)) {
    const bool fatal = !setup_.reconnect.enabled || o->exit == ClientExit::Refused;
    if (fatal) stop(std::move(*o));
    else apps::note("mqsub", o->message + "; reconnecting");
  }
}

void Subscriber::on_ended(const net::NetError& error) {
  finished_ = true;
  total_timer_.stop();
  idle_timer_.stop();
  release_timer_.stop();
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
    apps::note("mqsub", fmt::format("{}; reconnecting in {:.2f} s", e ? e.message : "connection ended",
                                    static_cast<double>(delay.count()) / 1000.0));
  };
  if (trace_.enabled()) handlers.on_packet = [this](bool sent, ByteView p) { trace_.packet(sent, p); };
  conn_ = std::make_unique<client::Connection>(loop_, session_, setup_.url, setup_.connect, setup_.reconnect,
                                               std::move(handlers));
  if (options_.timeout > 0)
    total_timer_.start(seconds(options_.timeout), [this] {
      stop({ClientExit::Timeout, fmt::format("timed out after {} s (-W) with {}", options_.timeout, apps::plural(printed_, "message"))});
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

int run(const SubOptions& given, apps::ClientSetup setup) {
  SubOptions options = given;  // outlives the Subscriber, which keeps a reference
  if (options.topics.empty() && setup.url_topic) options.topics.push_back(*setup.url_topic);
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
              options.topic_alias_maximum ||
              !options.properties.empty() || !options.user_properties.empty()))
    return apps::report("mqsub", {ClientExit::Usage, "subscription options and properties need MQTT 5.0 (-V mqttv5)"});

  std::string error;
  auto printer = make_printer(options.print, &error);
  if (!printer) return apps::report("mqsub", {ClientExit::Usage, error});
  setup.config.manual_acks = true;
  if (options.topic_alias_maximum) setup.config.topic_alias_maximum = options.topic_alias_maximum;  // only what is printed (or filtered out) is acknowledged
  if (auto failed = apps::prepare_auth(setup)) return apps::report("mqsub", *failed);
  Subscriber subscriber(options, std::move(setup), std::move(*printer));
  return subscriber.run();
}

}  // namespace mq::mqsub
