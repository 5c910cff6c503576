#pragma once
/// Heap accounting for tests: the unit binary replaces the global operator
/// new/delete (alloc_count.cpp) with versions that count and forward to
/// malloc/free, so a test can check that a path does not allocate, or how
/// many bytes a structure keeps.

#include <cstddef>

namespace mq::test {

/// Calls of operator new so far.
std::size_t allocation_count();
/// Bytes currently held through operator new (as malloc sized the blocks).
std::size_t live_heap_bytes();

}  // namespace mq::test
