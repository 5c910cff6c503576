#pragma once
/// An owned string of the size of std::string (32 bytes on LP64) that keeps
/// up to 31 bytes inline where libstdc++ keeps 15: client identifiers are
/// mostly 16 to 31 bytes long ("sensor-0042-kitchen", 23-byte 3.1 ids), so
/// a session holds its identifier without a heap block. Longer ones go to
/// the heap as usual.

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <new>
#include <string>
#include <string_view>

namespace mq::broker {

/// Immutable once set; assign a new value to change it.
class InlineString {
 public:
  InlineString() = default;
  InlineString(std::string_view s) { set(s); }  // NOLINT: converts like std::string does
  InlineString(const InlineString& o) { set(o.view()); }
  InlineString& operator=(const InlineString& o) {
    if (this != &o) assign(o.view());
    return *this;
  }
  InlineString& operator=(std::string_view s) {
    assign(s);
    return *this;
  }
  ~InlineString() { release(); }

  /// The characters (not NUL-terminated).
  std::string_view view() const {
    if (len_ != kHeap) return {buf_, len_};
    return {heap_data(), heap_size()};
  }
  operator std::string_view() const { return view(); }  // NOLINT: a view, like std::string's
  std::size_t size() const { return view().size(); }
  bool empty() const { return len_ == 0; }
  /// A std::string copy.
  std::string str() const { return std::string(view()); }

  friend bool operator==(const InlineString& a, std::string_view b) { return a.view() == b; }

 private:
  static constexpr std::size_t kInline = 31;
  static constexpr std::uint8_t kHeap = 0xFF;

  char* heap_data() const {
    char* p = nullptr;
    std::memcpy(&p, buf_, sizeof p);
    return p;
  }
  std::size_t heap_size() const {
    std::size_t n = 0;
    std::memcpy(&n, buf_ + sizeof(char*), sizeof n);
    return n;
  }
  void assign(std::string_view s) {
    // `s` may view this string: copy before releasing.
    InlineString copy(s);
    release();
    std::memcpy(buf_, copy.buf_, sizeof buf_);
    len_ = copy.len_;
    copy.len_ = 0;
  }
  void set(std::string_view s) {
    if (s.size() <= kInline) {
      if (!s.empty()) std::memcpy(buf_, s.data(), s.size());
      len_ = static_cast<std::uint8_t>(s.size());
      return;
    }
    char* p = static_cast<char*>(::operator new(s.size()));
    std::memcpy(p, s.data(), s.size());
    const std::size_t n = s.size();
    std::memcpy(buf_, &p, sizeof p);
    std::memcpy(buf_ + sizeof p, &n, sizeof n);
    len_ = kHeap;
  }
  void release() {
    if (len_ == kHeap) ::operator delete(heap_data());
    len_ = 0;
  }

  /// Inline: the characters. Heap: the pointer, then the size.
  char buf_[kInline] = {};
  /// Inline length, or kHeap.
  std::uint8_t len_ = 0;
};

}  // namespace mq::broker
