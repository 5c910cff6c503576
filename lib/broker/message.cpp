#include "broker/message.hpp"

#include <cstring>

namespace mq::broker {

MessagePtr Message::make(const MessageView& v) {
  auto m = std::make_shared<Message>();
  // Size the one buffer first so the views taken below never move.
  std::size_t size = v.topic.size() + v.payload.size();
  std::size_t kept = 0;
  if (v.properties) {
    for (const auto& p : *v.properties) {
      if (is_regenerated(p.id)) continue;
      size += p.name.size() + p.value.size();
      ++kept;
    }
  }
  m->storage_.resize(size);
  std::uint8_t* at = m->storage_.data();
  auto copy = [&at](const void* src, std::size_t n) {
    std::uint8_t* start = at;
    if (n) std::memcpy(at, src, n);
    at += n;
    return start;
  };
  m->topic_ = std::string_view(reinterpret_cast<const char*>(copy(v.topic.data(), v.topic.size())), v.topic.size());
  m->payload_ = ByteView(copy(v.payload.data(), v.payload.size()), v.payload.size());
  if (kept) {
    m->properties_.reserve(kept);
    for (const auto& p : *v.properties) {
      if (is_regenerated(p.id)) continue;
      Property q = p;
      q.name = std::string_view(reinterpret_cast<const char*>(copy(p.name.data(), p.name.size())), p.name.size());
      q.value = std::string_view(reinterpret_cast<const char*>(copy(p.value.data(), p.value.size())), p.value.size());
      m->properties_.push_back(q);
    }
  }
  m->qos_ = v.qos;
  m->retain_ = v.retain;
  m->expires_ = v.expires;
  return m;
}

}  // namespace mq::broker
