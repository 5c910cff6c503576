#pragma once
/// A first-in first-out list over one vector, for a session's in-flight
/// window and queue. Unlike std::deque (which allocates a block of about
/// 600 bytes as soon as it is constructed) a Fifo that never held anything
/// is one null pointer, so ten thousand idle sessions cost 16 bytes each
/// for their two; a busy one keeps its
/// capacity between bursts. Popping the front is O(1)
/// (the consumed prefix is dropped once it is half the vector); erasing
/// elsewhere moves the elements behind it, as the windows are short.

#include <cstddef>
#include <memory>
#include <vector>

namespace mq::broker {

template <class T>
class Fifo {
 public:
  using iterator = typename std::vector<T>::iterator;
  using const_iterator = typename std::vector<T>::const_iterator;

  /// True when nothing is queued.
  bool empty() const { return !p_ || p_->head == p_->items.size(); }
  /// Elements queued.
  std::size_t size() const { return p_ ? p_->items.size() - p_->head : 0; }
  /// The oldest element (not empty()).
  T& front() { return p_->items[p_->head]; }
  /// The oldest element (not empty()).
  const T& front() const { return p_->items[p_->head]; }
  /// The newest element (not empty()).
  T& back() { return p_->items.back(); }
  /// The newest element (not empty()).
  const T& back() const { return p_->items.back(); }
  /// Iteration from the oldest to the newest element.
  iterator begin() { return p_ ? p_->items.begin() + static_cast<std::ptrdiff_t>(p_->head) : none().begin(); }
  iterator end() { return p_ ? p_->items.end() : none().end(); }
  const_iterator begin() const {
    return p_ ? p_->items.cbegin() + static_cast<std::ptrdiff_t>(p_->head) : none().cbegin();
  }
  const_iterator end() const { return p_ ? p_->items.cend() : none().cend(); }

  /// Appends the newest element.
  void push_back(T&& v) {
    if (!p_) p_ = std::make_unique<Items>();
    p_->items.push_back(std::move(v));
  }
  /// Drops the oldest element (not empty()).
  void pop_front() {
    auto& items = p_->items;
    std::size_t& head = p_->head;
    items[head] = T{};  // releases what it holds now, not at the next compaction
    ++head;
    if (head == items.size()) {
      items.clear();  // keeps the capacity for the next burst
      head = 0;
    } else if (head >= kCompactAfter && head * 2 >= items.size()) {
      items.erase(items.begin(), items.begin() + static_cast<std::ptrdiff_t>(head));
      head = 0;
    }
  }
  /// Removes one element; returns the iterator to the one after it.
  iterator erase(iterator it) {
    if (it == begin()) {
      pop_front();
      return begin();
    }
    return p_->items.erase(it);
  }
  /// Removes everything; the memory is released.
  void clear() { p_.reset(); }

 private:
  /// Consumed elements kept before the vector is compacted.
  static constexpr std::size_t kCompactAfter = 32;
  struct Items {
    std::vector<T> items;
    std::size_t head = 0;
  };
  /// The iteration range of a Fifo that never held anything.
  static std::vector<T>& none() {
    static std::vector<T> empty;  // never written to
    return empty;
  }
  /// Allocated by the first push_back: a Fifo that never held anything is one pointer.
  std::unique_ptr<Items> p_;
};

}  // namespace mq::broker
