#pragma once
/// mqsub's command line: its own options on top of the shared client ones.

#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "client_options.hpp"
#include "docs.hpp"
#include "output.hpp"

namespace mq::mqsub {

struct SubOptions {
  apps::ClientOptions client;
  std::vector<std::string> topics;
  std::vector<int> qos;
  bool no_local = false;
  bool retain_as_published = false;
  int retain_handling = 0;
  std::uint32_t subscription_id = 0;
  std::uint16_t topic_alias_maximum = 0;  ///< aliases the broker may use towards us (5.0)
  std::vector<std::string> properties;
  std::vector<std::string> user_properties;
  std::vector<std::string> unsubscribe_topics;  ///< -U: unsubscribed right after connecting
  std::vector<std::string> filter_out;          ///< -T: messages on matching topics are not printed
  double random_filter = 100;                   ///< --random-filter: percentage of messages printed
  bool unsubscribe_on_exit = false;

  PrintOptions print;

  unsigned count = 0;
  double timeout = 0;
  double idle_timeout = 0;
  bool exit_after_suback = false;
  bool skip_retained = false;
  bool retained_only = false;
  bool remove_retained = false;
};

/// The prose of mqsub(1).
apps::AppDoc sub_doc();

/// Defines every option of mqsub on `app`, writing into `options`.
void define_cli(CLI::App& app, SubOptions& options);

}  // namespace mq::mqsub
