// The counting replacement of the global operator new/delete for the unit
// test binary (see alloc_count.hpp). Block sizes come from
// malloc_usable_size, so live_heap_bytes() includes malloc's rounding.

#include "alloc_count.hpp"

#include <malloc.h>

#include <cstdlib>
#include <new>

namespace {
std::size_t g_allocations = 0;
std::size_t g_live = 0;
}  // namespace

void* operator new(std::size_t n) {
  ++g_allocations;
  if (void* p = std::malloc(n ? n : 1)) {
    g_live += malloc_usable_size(p);
    return p;
  }
  throw std::bad_alloc();
}
void operator delete(void* p) noexcept {
  if (p) g_live -= malloc_usable_size(p);
  std::free(p);
}
void operator delete(void* p, std::size_t) noexcept { operator delete(p); }
// The nothrow form too (std::stable_sort's temporary buffer uses it): left to
// the sanitizer runtime it would allocate where the delete above frees.
void* operator new(std::size_t n, const std::nothrow_t&) noexcept {
  ++g_allocations;
  void* p = std::malloc(n ? n : 1);
  if (p) g_live += malloc_usable_size(p);
  return p;
}
void operator delete(void* p, const std::nothrow_t&) noexcept { operator delete(p); }

namespace mq::test {
std::size_t allocation_count() { return g_allocations; }
std::size_t live_heap_bytes() { return g_live; }
}  // namespace mq::test
