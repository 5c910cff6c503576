// SessionIndex (broker/session_index.hpp): open addressing with linear
// probing, erase by moving later entries back; every session stays
// findable through growth and through erases in any order.

#include <doctest/doctest.h>

#include <fmt/format.h>

#include <algorithm>
#include <random>
#include <string>
#include <vector>

#include "broker/session_index.hpp"

using namespace mq::broker;

namespace {

std::unique_ptr<Session> session(std::string_view id) {
  auto s = std::make_unique<Session>();
  s->client_id = id;
  return s;
}

}  // namespace

TEST_CASE("session index: find, insert, erase") {
  SessionIndex index;
  CHECK(index.find("a") == nullptr);
  Session& a = index.insert(session("a"));
  Session& b = index.insert(session("b"));
  CHECK(index.size() == 2);
  CHECK(index.find("a") == &a);
  CHECK(index.find("b") == &b);
  CHECK(index.find("c") == nullptr);
  index.erase(a);
  CHECK(index.find("a") == nullptr);
  CHECK(index.find("b") == &b);
  CHECK(index.size() == 1);
}

TEST_CASE("session index: thousands of sessions erased in random order stay findable") {
  SessionIndex index;
  std::vector<std::string> ids;
  for (int i = 0; i < 3000; ++i) ids.push_back(fmt::format("client-{}", i));
  for (const auto& id : ids) index.insert(session(id));
  CHECK(index.size() == ids.size());
  std::mt19937 rng(7);
  std::shuffle(ids.begin(), ids.end(), rng);
  std::size_t missing = 0;
  for (std::size_t i = 0; i < ids.size(); ++i) {
    Session* s = index.find(ids[i]);
    REQUIRE(s != nullptr);
    index.erase(*s);
    CHECK(index.find(ids[i]) == nullptr);
    // Every so often, all the others must still be there.
    if (i % 97 == 0)
      for (std::size_t j = i + 1; j < ids.size(); ++j) missing += index.find(ids[j]) == nullptr;
  }
  CHECK(missing == 0);
  CHECK(index.size() == 0);
}

TEST_CASE("session index: for_each visits every session once") {
  SessionIndex index;
  for (int i = 0; i < 100; ++i) index.insert(session(fmt::format("s{}", i)));
  std::vector<std::string> seen;
  index.for_each([&](Session& s) { seen.push_back(s.client_id.str()); });
  std::sort(seen.begin(), seen.end());
  CHECK(seen.size() == 100);
  CHECK(std::adjacent_find(seen.begin(), seen.end()) == seen.end());
}
