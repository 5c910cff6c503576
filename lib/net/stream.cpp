#include "net/stream.hpp"

namespace mq::net {

/// The two functions of the on_data/on_close interface.
struct Stream::Functions {
  DataHandler data;
  CloseHandler close;
};

/// Passes events on to the Functions block named by the tag. One instance
/// serves every stream.
class Stream::FunctionAdapter final : public StreamHandler {
 public:
  /// The block a tag stands for.
  static Functions* block(std::uint64_t tag) { return reinterpret_cast<Functions*>(static_cast<std::uintptr_t>(tag)); }
  /// The tag that stands for `f`.
  static std::uint64_t tag(Functions* f) { return static_cast<std::uint64_t>(reinterpret_cast<std::uintptr_t>(f)); }

  void on_stream_data(std::uint64_t t, ByteView bytes) override {
    if (auto& f = block(t)->data) f(bytes);
  }
  void on_stream_close(std::uint64_t t, const NetError& why) override {
    if (auto& f = block(t)->close) f(why);
  }
};

Stream::~Stream() { drop_handler(); }

void Stream::drop_handler() {
  if (handler_ == function_adapter()) delete FunctionAdapter::block(tag_);
  handler_ = nullptr;
  tag_ = 0;
}

void Stream::set_handler(StreamHandler* handler, std::uint64_t tag) {
  drop_handler();
  handler_ = handler;
  tag_ = handler ? tag : 0;
}

Stream::Functions& Stream::functions() {
  if (handler_ != function_adapter()) {
    drop_handler();
    handler_ = function_adapter();
    tag_ = FunctionAdapter::tag(new Functions);
  }
  return *FunctionAdapter::block(tag_);
}

void Stream::on_data(DataHandler h) {
  // Clearing never allocates: a stream without functions has nothing to clear.
  if (!h && handler_ != function_adapter()) return drop_handler();
  functions().data = std::move(h);
}

void Stream::on_close(CloseHandler h) {
  if (!h && handler_ != function_adapter()) return drop_handler();
  functions().close = std::move(h);
}

void Stream::emit_close(const NetError& why) {
  ended_ = true;
  StreamHandler* handler = handler_;
  std::uint64_t tag = tag_;
  handler_ = nullptr;
  tag_ = 0;
  if (handler == function_adapter()) {
    // The block goes before the call (the data function with it), so that
    // the close function may set new functions or drop the last reference.
    std::unique_ptr<Functions> block(FunctionAdapter::block(tag));
    CloseHandler close = std::move(block->close);
    block.reset();
    if (close) close(why);
  } else if (handler) {
    handler->on_stream_close(tag, why);
  }
}

StreamHandler* Stream::function_adapter() {
  static FunctionAdapter adapter;
  return &adapter;
}

}  // namespace mq::net
