// $SYS/ topics: the broker's live figures, published retained on an interval.

#include <fmt/format.h>

#include "broker/broker.hpp"

namespace mq::broker {

void Broker::publish_sys(TimePoint now) {
  counters_.retained = retained_.size();
  const Counters& k = counters_;
  auto put = [&](std::string_view topic, const std::string& value) {
    MessageView m{topic, as_bytes(value), nullptr, 0, true, std::nullopt};
    MessagePtr owned = Message::make(m);
    retained_.set(topic, owned);
    route(m, nullptr, owned, now);
  };
  put("$SYS/broker/version", std::string(kBrokerVersion));
  put("$SYS/broker/uptime", fmt::format("{} seconds", uptime(now)));
  put("$SYS/broker/clients/connected", fmt::format("{}", k.clients_connected));
  put("$SYS/broker/clients/total", fmt::format("{}", k.sessions));
  put("$SYS/broker/connections/open", fmt::format("{}", k.connections));
  put("$SYS/broker/messages/received", fmt::format("{}", k.messages_received));
  put("$SYS/broker/messages/sent", fmt::format("{}", k.messages_sent));
  put("$SYS/broker/messages/dropped", fmt::format("{}", k.messages_dropped()));
  put("$SYS/broker/messages/refused/payload size", fmt::format("{}", k.refused_payload_size));
  put("$SYS/broker/packets/unsent/too large", fmt::format("{}", k.packets_too_large));
  put("$SYS/broker/clients/disconnected/slow", fmt::format("{}", k.slow_disconnects));
  put("$SYS/broker/messages/queued", fmt::format("{}", k.queued));
  put("$SYS/broker/bytes/received", fmt::format("{}", k.bytes_received));
  put("$SYS/broker/bytes/sent", fmt::format("{}", k.bytes_sent));
  put("$SYS/broker/subscriptions/count", fmt::format("{}", k.subscriptions));
  put("$SYS/broker/retained messages/count", fmt::format("{}", retained_.size()));
  counters_.retained = retained_.size();
}

}  // namespace mq::broker
