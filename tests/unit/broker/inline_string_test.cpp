// InlineString (broker/inline_string.hpp): up to 31 bytes inline, longer
// ones on the heap; copies and assignments keep the text.

#include <doctest/doctest.h>

#include <string>

#include "../alloc_count.hpp"
#include "broker/inline_string.hpp"

using namespace mq::broker;

static_assert(sizeof(void*) != 8 || sizeof(InlineString) == 32);

TEST_CASE("inline string: every length round-trips, up to 31 bytes without the heap") {
  for (std::size_t n : std::initializer_list<std::size_t>{0, 1, 15, 16, 23, 31, 32, 36, 200}) {
    const std::string text(n, 'x');
    const std::size_t before = mq::test::allocation_count();
    InlineString s(text);
    CHECK((mq::test::allocation_count() > before) == (n > 31));
    CHECK(s.view() == text);
    CHECK(s.size() == n);
    CHECK(s.empty() == (n == 0));
    CHECK(s == text);
  }
}

TEST_CASE("inline string: copies and assignments, including from its own view") {
  InlineString a(std::string(40, 'a'));
  InlineString b(a);
  CHECK(b == std::string(40, 'a'));
  b = "short";
  CHECK(b == "short");
  b = a;
  CHECK(b == a.view());
  a = a.view().substr(1);  // assigning a view of itself
  CHECK(a == std::string(39, 'a'));
  a = "tiny";
  a = a.view().substr(1);
  CHECK(a == "iny");
  CHECK(a.str() == "iny");
}
