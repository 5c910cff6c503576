#include "response.hpp"

#include <random>

#include <fmt/format.h>

#include "text.hpp"

namespace mq::mqpub {

namespace {

/// 16 random bytes: unlike a counter or the process id, they do not repeat
/// across runs, so a late response to an earlier run is never taken.
std::string random_correlation() {
  std::random_device random;
  std::string bytes;
  while (bytes.size() < 16) {
    const auto word = random();
    for (int i = 0; i < 4 && bytes.size() < 16; ++i) bytes += static_cast<char>((word >> (8 * i)) & 0xff);
  }
  return bytes;
}

}  // namespace

ResponseWaiter::ResponseWaiter(std::string topic, bool v5, mqsub::MessagePrinter printer)
    : topic_(std::move(topic)), v5_(v5), printer_(std::move(printer)) {}

std::optional<std::string> ResponseWaiter::prepare(client::OwnedProperties& request) {
  if (!v5_) return std::nullopt;
  if (request.find(PropertyId::ResponseTopic))
    return std::string("--response-topic: the message has a Response Topic already (--property or -D)");
  request.add(PropertyId::ResponseTopic, topic_);
  if (const auto* given = request.find(PropertyId::CorrelationData)) {
    correlation_ = given->value;
  } else {
    correlation_ = random_correlation();
    request.add(PropertyId::CorrelationData, correlation_);
  }
  return std::nullopt;
}

client::SubscribeRequest ResponseWaiter::subscription(QoS qos) const {
  client::SubscribeRequest r;
  r.filter = topic_;
  r.qos = qos;
  r.no_local = v5_;
  return r;
}

bool ResponseWaiter::offer(const client::MessageReceived& m, std::optional<std::string>* output_error) {
  const auto& msg = m.message;
  if (received_ || msg.topic != topic_) return false;
  // Retained messages are stale by definition: an answer to an earlier
  // request, or whatever was left on the topic.
  bool response = sent_ && !msg.retain;
  if (response && v5_) {
    const auto* correlation = msg.properties.find(PropertyId::CorrelationData);
    response = correlation && correlation->value == correlation_;
    if (!response) ++uncorrelated_;
  }
  if (!response) {
    ++ignored_;
    return false;
  }
  received_ = true;
  mqsub::MessageView view{&msg, m.packet_id, m.dup, std::chrono::system_clock::now()};
  std::string warning;
  const std::string text = printer_.render(view, &warning);
  if (!warning.empty()) apps::note("mqpub", warning);
  std::string error;
  if (!out_.write(text, &error)) *output_error = error;
  return true;
}

std::string ResponseWaiter::waiting_note() const {
  if (ignored_ == 0) return fmt::format("no message on '{}'", topic_);
  if (uncorrelated_ > 0)
    return fmt::format("{} on '{}' ignored, {} without the request's Correlation Data", apps::plural(ignored_, "message"),
                       topic_, uncorrelated_);
  return fmt::format("{} on '{}' ignored (retained, or before the request)", apps::plural(ignored_, "message"), topic_);
}

}  // namespace mq::mqpub
