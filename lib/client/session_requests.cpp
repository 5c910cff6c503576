// SUBSCRIBE and UNSUBSCRIBE: local checks against the rules and the
// server's announced support, then the request awaiting its acknowledgement.

#include <fmt/format.h>

#include "client/session.hpp"
#include "codec/encode.hpp"
#include "codec/rules.hpp"
#include "codec/validate.hpp"

namespace mq::client {

namespace {

bool has_wildcard(std::string_view filter) { return filter.find_first_of("+#") != std::string_view::npos; }

}  // namespace

Submitted ClientSession::subscribe(std::vector<SubscribeRequest> topics, OwnedProperties properties,
                                   TimePoint now) {
  if (state_ != State::Connected) return {0, ClientError{ClientErrorCode::NotConnected, "not connected"}};
  for (const auto& t : topics) {
    const auto shared = parse_shared(t.filter);
    const std::string_view plain = shared ? shared->filter : std::string_view(t.filter);
    if (shared && !limits_.shared_available)
      return {0, ClientError{ClientErrorCode::SharedNotSupported,
                             fmt::format("the server does not support shared subscriptions (\"{}\")", t.filter)}};
    if (has_wildcard(plain) && !limits_.wildcard_available)
      return {0, ClientError{ClientErrorCode::WildcardNotSupported,
                             fmt::format("the server does not support wildcard subscriptions (\"{}\")", t.filter)}};
  }
  if (properties.find(PropertyId::SubscriptionIdentifier) && !limits_.subscription_ids_available)
    return {0, ClientError{ClientErrorCode::SubscriptionIdNotSupported,
                           "the server does not support Subscription Identifiers"}};

  Packet packet{std::in_place_type<Subscribe>};
  Subscribe& s = std::get<Subscribe>(packet);
  s.packet_id = 1;  // for validation; the real one is taken once the request is accepted
  s.properties = properties.view();
  for (const auto& t : topics)
    s.subscriptions.push_back({t.filter, t.qos, t.no_local, t.retain_as_published, t.retain_handling, 0});
  if (auto bad = validate(packet, config_.version))
    return {0, ClientError{ClientErrorCode::InvalidRequest, "invalid SUBSCRIBE: " + to_string(*bad)}};
  const std::size_t size = encoded_size(packet, config_.version);
  if (limits_.maximum_packet_size && size > limits_.maximum_packet_size)
    return {0, ClientError{ClientErrorCode::PacketTooLarge,
                           fmt::format("SUBSCRIBE of {} bytes exceeds the server's Maximum Packet Size of {} bytes",
                                       size, limits_.maximum_packet_size)}};
  const auto id = ids_.allocate();
  if (!id) return {0, ClientError{ClientErrorCode::NoPacketId, "all 65535 packet identifiers are in use"}};
  s.packet_id = *id;
  const std::uint64_t token = ++next_token_;
  requests_.emplace(*id, Request{token, true, topics.size()});
  emit(packet, now);
  return {token, std::nullopt};
}

Submitted ClientSession::unsubscribe(std::vector<std::string> filters, OwnedProperties properties, TimePoint now) {
  if (state_ != State::Connected) return {0, ClientError{ClientErrorCode::NotConnected, "not connected"}};
  Packet packet{std::in_place_type<Unsubscribe>};
  Unsubscribe& u = std::get<Unsubscribe>(packet);
  u.packet_id = 1;
  u.properties = properties.view();
  for (const auto& f : filters) u.filters.push_back(f);
  if (auto bad = validate(packet, config_.version))
    return {0, ClientError{ClientErrorCode::InvalidRequest, "invalid UNSUBSCRIBE: " + to_string(*bad)}};
  const std::size_t size = encoded_size(packet, config_.version);
  if (limits_.maximum_packet_size && size > limits_.maximum_packet_size)
    return {0, ClientError{ClientErrorCode::PacketTooLarge,
                           fmt::format("UNSUBSCRIBE of {} bytes exceeds the server's Maximum Packet Size of {} bytes",
                                       size, limits_.maximum_packet_size)}};
  const auto id = ids_.allocate();
  if (!id) return {0, ClientError{ClientErrorCode::NoPacketId, "all 65535 packet identifiers are in use"}};
  u.packet_id = *id;
  const std::uint64_t token = ++next_token_;
  requests_.emplace(*id, Request{token, false, filters.size()});
  emit(packet, now);
  return {token, std::nullopt};
}

}  // namespace mq::client
