#pragma once
/// Storage for fields most sessions and connections never use (a will, a
/// user name, QoS 2 receipts, subscriptions of an idle client): one pointer while empty, the value on the
/// heap once set. Ten thousand idle clients then pay 8 bytes per field
/// instead of the field's full size.

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_set>
#include <utility>

namespace mq::broker {

/// An optional<T> that costs one pointer while empty.
template <class T>
class Boxed {
 public:
  Boxed() = default;
  /// Sets the value.
  Boxed& operator=(T&& v) {
    if (p_) *p_ = std::move(v);
    else p_ = std::make_unique<T>(std::move(v));
    return *this;
  }
  /// Sets the value or clears it.
  Boxed& operator=(std::optional<T>&& v) {
    if (v) *this = std::move(*v);
    else reset();
    return *this;
  }
  /// Clears the value and frees it.
  void reset() { p_.reset(); }
  /// True when a value is set.
  explicit operator bool() const { return p_ != nullptr; }
  /// The value (set).
  T& operator*() { return *p_; }
  /// The value (set).
  const T& operator*() const { return *p_; }
  /// The value (set).
  T* operator->() { return p_.get(); }
  /// The value (set).
  const T* operator->() const { return p_.get(); }

 private:
  std::unique_ptr<T> p_;
};

/// A string that is usually empty (a TLS certificate subject): one pointer
/// while empty, reads as a std::string_view.
class RareString {
 public:
  /// Sets the text; an empty one frees the storage.
  RareString& operator=(std::string_view v) {
    if (v.empty()) p_.reset();
    else p_ = std::make_unique<std::string>(v);
    return *this;
  }
  /// The text (empty when unset).
  operator std::string_view() const { return p_ ? std::string_view(*p_) : std::string_view(); }
  /// True when the text is empty.
  bool empty() const { return !p_; }

 private:
  std::unique_ptr<std::string> p_;
};

/// A set of packet identifiers that costs one pointer while empty; the
/// operations the broker uses of std::unordered_set.
template <class T>
class LazySet {
 public:
  using Set = std::unordered_set<T>;
  /// 1 if `v` is in the set.
  std::size_t count(const T& v) const { return s_ ? s_->count(v) : 0; }
  /// Elements in the set.
  std::size_t size() const { return s_ ? s_->size() : 0; }
  /// Adds `v`.
  void insert(const T& v) {
    if (!s_) s_ = std::make_unique<Set>();
    s_->insert(v);
  }
  /// Removes `v`; the storage goes with the last element. Returns 1 if it was there.
  std::size_t erase(const T& v) {
    if (!s_) return 0;
    const std::size_t n = s_->erase(v);
    if (s_->empty()) s_.reset();
    return n;
  }
  /// Iteration in no particular order.
  typename Set::const_iterator begin() const { return s_ ? s_->cbegin() : empty().cbegin(); }
  typename Set::const_iterator end() const { return s_ ? s_->cend() : empty().cend(); }

 private:
  static const Set& empty() {
    static const Set none;
    return none;
  }
  std::unique_ptr<Set> s_;
};

/// An ordered map that costs one pointer while empty (a std::map is 48
/// bytes); the operations the broker uses of std::map. Iterators stay valid
/// as with std::map, except that erasing the last element frees the storage.
template <class K, class V, class Less = std::less<>>
class LazyMap {
 public:
  using Map = std::map<K, V, Less>;
  using iterator = typename Map::iterator;
  using const_iterator = typename Map::const_iterator;
  std::size_t size() const { return m_ ? m_->size() : 0; }
  bool empty() const { return !m_; }
  /// The element with key `k`, or end().
  template <class Key>
  iterator find(const Key& k) {
    return m_ ? m_->find(k) : none().end();
  }
  /// Adds or replaces the value of `k`; the iterator and whether it was added.
  std::pair<iterator, bool> insert_or_assign(K k, V v) {
    if (!m_) m_ = std::make_unique<Map>();
    return m_->insert_or_assign(std::move(k), std::move(v));
  }
  /// Removes the element at `it` (not end()).
  void erase(iterator it) {
    m_->erase(it);
    if (m_->empty()) m_.reset();
  }
  /// Removes every element and frees the storage.
  void clear() { m_.reset(); }
  iterator begin() { return m_ ? m_->begin() : none().end(); }
  iterator end() { return m_ ? m_->end() : none().end(); }
  const_iterator begin() const { return m_ ? m_->cbegin() : none().cend(); }
  const_iterator end() const { return m_ ? m_->cend() : none().cend(); }

 private:
  /// The one empty map the iterators of an empty LazyMap point into; never
  /// modified (find and erase on it see no element).
  static Map& none() {
    static Map empty;
    return empty;
  }
  std::unique_ptr<Map> m_;
};

}  // namespace mq::broker
