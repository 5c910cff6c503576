#include "client/message.hpp"

#include <algorithm>

namespace mq::client {

OwnedProperties::OwnedProperties(const Properties& props) {
  items_.reserve(props.size());
  for (const auto& p : props) items_.push_back({p.id, p.number, std::string(p.name), std::string(p.value)});
}

OwnedProperties& OwnedProperties::add(PropertyId id, std::uint32_t number) {
  items_.push_back({id, number, {}, {}});
  return *this;
}

OwnedProperties& OwnedProperties::add(PropertyId id, std::string value) {
  items_.push_back({id, 0, {}, std::move(value)});
  return *this;
}

OwnedProperties& OwnedProperties::add_user(std::string name, std::string value) {
  items_.push_back({PropertyId::UserProperty, 0, std::move(name), std::move(value)});
  return *this;
}

const OwnedProperty* OwnedProperties::find(PropertyId id) const {
  for (const auto& p : items_)
    if (p.id == id) return &p;
  return nullptr;
}

std::uint32_t OwnedProperties::number_or(PropertyId id, std::uint32_t fallback) const {
  const OwnedProperty* p = find(id);
  return p ? p->number : fallback;
}

std::string_view OwnedProperties::text(PropertyId id) const {
  const OwnedProperty* p = find(id);
  return p ? std::string_view(p->value) : std::string_view();
}

void OwnedProperties::remove(PropertyId id) {
  std::erase_if(items_, [id](const OwnedProperty& p) { return p.id == id; });
}

Properties OwnedProperties::view() const {
  Properties out;
  append_views(out);
  return out;
}

void OwnedProperties::append_views(Properties& out) const {
  for (const auto& p : items_) out.push_back({p.id, p.number, p.name, p.value});
}

Message to_message(const Publish& p, std::string_view topic) {
  Message m;
  m.topic = std::string(topic);
  m.payload = std::string(as_chars(p.payload));
  m.qos = p.qos;
  m.retain = p.retain;
  m.properties = OwnedProperties(p.properties);
  return m;
}

}  // namespace mq::client
