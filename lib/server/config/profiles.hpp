#pragma once
/// Behaviour profiles: named sets of configuration lines (limits, as
/// mosquitto.conf keys) and broker::Behaviour choices, so that mqbroker can
/// answer as mosquitto or a managed service would. One table,
/// profiles.cpp; the man page, --show-profile and the reader all read it.

#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "broker/config.hpp"
#include "server/config/settings.hpp"

namespace mq::server {

/// One profile.
struct Profile {
  std::string_view name;     ///< "aws-iot"
  std::string_view summary;  ///< one line for --help and the man page
  /// Where the figures come from: URLs and the date they were read.
  std::string_view sources;
  /// Configuration lines applied when the profile is selected, "key value"
  /// separated by newlines; later lines and flags override them.
  std::string_view lines;
  broker::Behaviour behaviour;
};

/// One broker::Behaviour choice, named for --show-profile and the man page.
struct BehaviourField {
  std::string_view name;
  bool broker::Behaviour::*member;
  std::string_view when_true;   ///< what the broker does when it is true
  std::string_view when_false;  ///< ... and when false
};
/// Every behaviour choice.
std::span<const BehaviourField> behaviour_fields();
/// What --show-profile prints: the profile's lines and every choice.
std::string describe_profile(const Profile& p);

/// Every profile, the default (mqbroker) first.
std::span<const Profile> profiles();
/// The profile named `name`, or nullptr.
const Profile* find_profile(std::string_view name);
/// Applies `name`'s lines to `s` and selects its behaviour; returns an error
/// for an unknown name.
std::optional<std::string> apply_profile(Settings& s, std::string_view name);

}  // namespace mq::server
