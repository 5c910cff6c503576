// TCP reassembly of one direction from hand-built segments: in order, out
// of order, retransmitted, overlapping, wrapping, mid-stream, and a hole
// that never fills.
#include <doctest/doctest.h>

#include <string>

#include "netframe/frame.hpp"
#include "capture/tcp_stream.hpp"

using namespace mq;
using namespace mq::capture;
using namespace mq::netframe;

namespace {

/// Records what the reassembler hands on: "[mid]" or "[syn]", data as text, "<gap N>".
struct Recorder : StreamSink {
  std::string log;
  void begin(bool mid_stream) override { log += mid_stream ? "[mid]" : "[syn]"; }
  void data(ByteView b) override { log += std::string(as_chars(b)); }
  void gap(std::uint64_t missing) override { log += "<gap " + std::to_string(missing) + ">"; }
};

void send(TcpReassembler& r, Recorder& out, std::uint32_t seq, std::string_view text, std::uint8_t flags = Ack) {
  r.segment(seq, flags, as_bytes(text), out);
}

}  // namespace

TEST_CASE("in-order segments after a SYN: the SYN takes one sequence number") {
  TcpReassembler r;
  Recorder out;
  send(r, out, 1000, "", Syn);
  send(r, out, 1001, "abc");
  send(r, out, 1004, "def");
  CHECK(out.log == "[syn]abcdef");
  CHECK(r.position() == 6);
}

TEST_CASE("out-of-order segments wait for the hole before them") {
  TcpReassembler r;
  Recorder out;
  send(r, out, 100, "", Syn);
  send(r, out, 105, "fgh");  // bytes 4..6 first
  send(r, out, 108, "ij");
  CHECK(out.log == "[syn]");
  CHECK(r.pending_bytes() == 5);
  send(r, out, 101, "abcd");  // fills the hole
  CHECK(out.log == "[syn]abcdfghij");
  CHECK(r.out_of_order_segments() == 2);
  CHECK(r.pending_bytes() == 0);
}

TEST_CASE("retransmitted and overlapping segments are handed on once") {
  TcpReassembler r;
  Recorder out;
  send(r, out, 0, "", Syn);
  send(r, out, 1, "abcd");
  send(r, out, 1, "abcd");    // a plain retransmission
  send(r, out, 3, "cdefg");   // overlaps the last two bytes
  send(r, out, 10, "jk");     // ahead
  send(r, out, 10, "jk");     // the same ahead segment again
  send(r, out, 7, "ghij");    // overlaps both sides of the hole
  CHECK(out.log == "[syn]abcdefghijk");
  CHECK(r.retransmitted_bytes() == 4 + 2 + 2 + 1 + 1);  // abcd, cd, jk, g, j
}

TEST_CASE("sequence numbers wrap around 2^32") {
  TcpReassembler r;
  Recorder out;
  send(r, out, 0xFFFFFFFD, "", Syn);   // data starts at 0xFFFFFFFE
  send(r, out, 0x00000000, "cd");      // after the wrap, early
  send(r, out, 0xFFFFFFFE, "ab");
  send(r, out, 0x00000002, "e");
  CHECK(out.log == "[syn]abcde");
}

TEST_CASE("a capture that starts mid-stream begins at the first segment seen") {
  TcpReassembler r;
  Recorder out;
  send(r, out, 5000, "xyz");
  send(r, out, 4990, "0123456789");  // older bytes, before the capture's start: dropped
  send(r, out, 5003, "!");
  CHECK(out.log == "[mid]xyz!");
}

TEST_CASE("a hole that never fills is given up when too much waits behind it") {
  TcpReassembler r(ReassemblyLimits{8, 100});
  Recorder out;
  send(r, out, 0, "", Syn);
  send(r, out, 1, "ab");
  send(r, out, 6, "fghi");   // 3 bytes missing before it; 4 bytes wait
  send(r, out, 10, "jklm");  // 8 bytes wait: at the limit, still held
  CHECK(out.log == "[syn]ab");
  send(r, out, 14, "n");     // 9 bytes: the hole is given up
  CHECK(out.log == "[syn]ab<gap 3>fghijklmn");
  CHECK(r.position() == 14);
  send(r, out, 3, "cde");    // the missing bytes arrive too late: dropped
  send(r, out, 15, "o");
  CHECK(out.log == "[syn]ab<gap 3>fghijklmno");
}

TEST_CASE("the segment limit gives up a hole too, and flush gives up every hole") {
  TcpReassembler r(ReassemblyLimits{1000, 2});
  Recorder out;
  send(r, out, 0, "", Syn);
  send(r, out, 3, "c");
  send(r, out, 5, "e");
  CHECK(out.log == "[syn]");
  send(r, out, 7, "g");  // a third waiting segment: the first hole is given up
  CHECK(out.log == "[syn]<gap 2>c");
  r.flush(out);
  CHECK(out.log == "[syn]<gap 2>c<gap 1>e<gap 1>g");
  CHECK(r.pending_bytes() == 0);
}
