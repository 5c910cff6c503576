#pragma once
/// mqpub --wait-response (request/response as mosquitto_rr): what the
/// request carries (Response Topic, Correlation Data) and which message
/// received on the response topic is its response. No I/O but the print.

#include <cstdint>
#include <optional>
#include <string>

#include "client/events.hpp"
#include "client/session.hpp"
#include "client_outcome.hpp"
#include "output.hpp"

namespace mq::mqpub {

/// Matches the response to one request and prints it.
class ResponseWaiter {
 public:
  /// `topic` is the response topic (-e); `v5` selects matching by Correlation Data.
  ResponseWaiter(std::string topic, bool v5, mqsub::MessagePrinter printer);

  /// Adds the Response Topic and, unless the request has one already, a
  /// random Correlation Data to the request's properties (5.0 only).
  /// Returns an error when the request names a Response Topic already.
  std::optional<std::string> prepare(client::OwnedProperties& request);

  /// The subscription to make before the request is published. At 5.0 it
  /// is No Local, so a request on the response topic never answers itself.
  client::SubscribeRequest subscription(QoS qos) const;

  /// The request was handed to the session: from now on a message on the
  /// topic may be its response (what tells it at 3.1.1).
  void request_sent() { sent_ = true; }

  /// Takes a received message: prints it and returns true when it is the
  /// response; counts it as ignored otherwise. `output_error` is set when
  /// standard output could not be written (empty when the reader went away).
  bool offer(const client::MessageReceived& m, std::optional<std::string>* output_error);

  bool received() const { return received_; }
  const std::string& topic() const { return topic_; }
  /// Why no response was taken so far, for the timeout message.
  std::string waiting_note() const;

 private:
  std::string topic_;
  bool v5_;
  mqsub::MessagePrinter printer_;
  mqsub::FdWriter out_{1};
  std::string correlation_;
  bool sent_ = false;
  bool received_ = false;
  std::uint64_t ignored_ = 0;
  std::uint64_t uncorrelated_ = 0;  ///< ignored because their Correlation Data differed or was absent
};

}  // namespace mq::mqpub
