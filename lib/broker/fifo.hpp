#pragma once
/// A first-in first-out list over one vector, for a session's in-flight
/// window and queue. Unlike std::deque (which allocates a block of about
/// 600 bytes as soon as it is constructed) an empty Fifo owns no memory, so
/// ten thousand idle sessions cost nothing here; a busy one keeps its
/// capacity between bursts. Popping the front is O(1)
/// (the consumed prefix is dropped once it is half the vector); erasing
/// elsewhere moves the elements behind it, as the windows are short.

#include <cstddef>
#include <vector>

namespace mq::broker {

template <class T>
class Fifo {
 public:
  using iterator = typename std::vector<T>::iterator;
  using const_iterator = typename std::vector<T>::const_iterator;

  /// True when nothing is queued.
  bool empty() const { return head_ == items_.size(); }
  /// Elements queued.
  std::size_t size() const { return items_.size() - head_; }
  /// The oldest element (not empty()).
  T& front() { return items_[head_]; }
  /// The oldest element (not empty()).
  const T& front() const { return items_[head_]; }
  /// The newest element (not empty()).
  T& back() { return items_.back(); }
  /// The newest element (not empty()).
  const T& back() const { return items_.back(); }
  /// Iteration from the oldest to the newest element.
  iterator begin() { return items_.begin() + static_cast<std::ptrdiff_t>(head_); }
  iterator end() { return items_.end(); }
  const_iterator begin() const { return items_.begin() + static_cast<std::ptrdiff_t>(head_); }
  const_iterator end() const { return items_.end(); }

  /// Appends the newest element.
  void push_back(T&& v) { items_.push_back(std::move(v)); }
  /// Drops the oldest element (not empty()).
  void pop_front() {
    items_[head_] = T{};  // releases what it holds now, not at the next compaction
    ++head_;
    if (head_ == items_.size()) {
      items_.clear();  // keeps the capacity for the next burst
      head_ = 0;
    } else if (head_ >= kCompactAfter && head_ * 2 >= items_.size()) {
      items_.erase(items_.begin(), items_.begin() + static_cast<std::ptrdiff_t>(head_));
      head_ = 0;
    }
  }
  /// Removes one element; returns the iterator to the one after it.
  iterator erase(iterator it) {
    if (it == begin()) {
      pop_front();
      return begin();
    }
    return items_.erase(it);
  }
  /// Removes everything; the memory is released.
  void clear() {
    std::vector<T>().swap(items_);
    head_ = 0;
  }

 private:
  /// Consumed elements kept before the vector is compacted.
  static constexpr std::size_t kCompactAfter = 32;
  std::vector<T> items_;
  std::size_t head_ = 0;
};

}  // namespace mq::broker
