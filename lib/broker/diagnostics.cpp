#include "broker/diagnostics.hpp"

#include <algorithm>

#include "codec/encode.hpp"

namespace mq::broker {

namespace {

/// The properties of `p` that may carry diagnostics; nullptr for PUBLISH
/// (its properties are the application's) and packets without properties.
template <typename P>
auto* diagnostic_properties(P& p) {
  using Props = std::conditional_t<std::is_const_v<P>, const Properties, Properties>;
  return std::visit(
      [](auto& x) -> Props* {
        using T = std::decay_t<decltype(x)>;
        if constexpr (std::is_same_v<T, Publish> || std::is_same_v<T, Connect>) {
          return nullptr;
        } else if constexpr (requires { x.properties; }) {
          return &x.properties;
        } else {
          return nullptr;
        }
      },
      p);
}

void remove(Properties& props, PropertyId id) {
  props.erase(std::remove_if(props.begin(), props.end(), [id](const Property& q) { return q.id == id; }),
              props.end());
}

}  // namespace

bool has_diagnostics(const Packet& p) {
  const Properties* props = diagnostic_properties(p);
  return props && (find(*props, PropertyId::ReasonString) || find(*props, PropertyId::UserProperty));
}

std::size_t fit_diagnostics(Packet& p, std::uint32_t max_size, bool problem_info) {
  Properties* props = diagnostic_properties(p);
  if (props && !problem_info && !std::holds_alternative<Connack>(p) && !std::holds_alternative<Disconnect>(p)) {
    remove(*props, PropertyId::ReasonString);
    remove(*props, PropertyId::UserProperty);
  }
  std::size_t size = encoded_size(p, ProtocolVersion::v5);
  for (PropertyId id : {PropertyId::ReasonString, PropertyId::UserProperty}) {
    if (size <= max_size || !props) break;
    remove(*props, id);
    size = encoded_size(p, ProtocolVersion::v5);
  }
  return size;
}

}  // namespace mq::broker
