// TopicTree: wildcard matching stays right as wildcard nodes come and go
// (the '#' and '+' children are cached beside the level map).

#include <doctest/doctest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "broker/session.hpp"
#include "broker/topic_tree.hpp"

namespace mq::broker {

namespace {

/// The client ids of the sessions `topic` reaches, sorted.
std::vector<std::string> matches(TopicTree& t, std::string_view topic) {
  std::vector<std::string> out;
  t.match(
      topic, [&](const Subscriber& s) { out.push_back(s.session->client_id.str()); }, [](SharedGroup&) {});
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace

TEST_CASE("topic tree: '#' and '+' subscriptions removed and added again") {
  Session plus, hash, exact, root_plus;
  plus.client_id = "plus";
  hash.client_id = "hash";
  exact.client_id = "exact";
  root_plus.client_id = "root_plus";
  TopicTree t;
  t.add("a/+", "", &plus, {});
  t.add("a/#", "", &hash, {});
  t.add("a/b", "", &exact, {});
  t.add("+/b", "", &root_plus, {});
  CHECK(matches(t, "a/b") == std::vector<std::string>{"exact", "hash", "plus", "root_plus"});
  CHECK(matches(t, "a") == std::vector<std::string>{"hash"});  // "a/#" matches its parent level
  CHECK(matches(t, "$x/b").empty());  // wildcards at the first level skip '$' topics

  CHECK(t.remove("a/+", "", &plus));
  CHECK(t.remove("a/#", "", &hash));
  CHECK(matches(t, "a/b") == std::vector<std::string>{"exact", "root_plus"});
  CHECK(matches(t, "a/c").empty());

  t.add("a/#", "", &hash, {});
  t.add("a/+", "", &plus, {});
  CHECK(matches(t, "a/c") == std::vector<std::string>{"hash", "plus"});
  CHECK(t.remove("+/b", "", &root_plus));
  CHECK(matches(t, "x/b").empty());
  t.add("+/b", "", &root_plus, {});
  CHECK(matches(t, "x/b") == std::vector<std::string>{"root_plus"});
}

}  // namespace mq::broker
