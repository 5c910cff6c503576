// Fifo: the session's in-flight window and queue container.

#include <doctest/doctest.h>

#include <algorithm>
#include <memory>

#include "broker/fifo.hpp"

namespace mq::broker {

TEST_CASE("fifo: first in, first out across compactions") {
  Fifo<int> f;
  CHECK(f.empty());
  int next_out = 0;
  for (int i = 0; i < 1000; ++i) {
    f.push_back(int{i});
    if (i % 3 == 2) {  // pop two of every three: the head moves and compacts
      for (int k = 0; k < 2; ++k) {
        CHECK(f.front() == next_out++);
        f.pop_front();
      }
    }
  }
  CHECK(f.size() == static_cast<std::size_t>(1000 - next_out));
  CHECK(*f.begin() == next_out);
  CHECK(*(f.end() - 1) == 999);
  while (!f.empty()) {
    CHECK(f.front() == next_out++);
    f.pop_front();
  }
  CHECK(next_out == 1000);
}

TEST_CASE("fifo: erase at the front, in the middle and while iterating") {
  Fifo<int> f;
  for (int i = 0; i < 6; ++i) f.push_back(int{i});
  auto it = f.erase(f.begin());  // the front: O(1) path
  CHECK(*it == 1);
  it = f.erase(std::find(f.begin(), f.end(), 3));
  CHECK(*it == 4);
  CHECK(std::vector<int>(f.begin(), f.end()) == std::vector<int>{1, 2, 4, 5});
  for (auto i = f.begin(); i != f.end();) i = (*i % 2 == 0) ? f.erase(i) : i + 1;
  CHECK(std::vector<int>(f.begin(), f.end()) == std::vector<int>{1, 5});
}

TEST_CASE("fifo: a popped element is released at once") {
  Fifo<std::shared_ptr<int>> f;
  auto p = std::make_shared<int>(7);
  f.push_back(std::shared_ptr<int>(p));
  f.push_back(std::make_shared<int>(8));
  CHECK(p.use_count() == 2);
  f.pop_front();
  CHECK(p.use_count() == 1);
  f.clear();
  CHECK(f.empty());
}

}  // namespace mq::broker
