#include <doctest/doctest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <optional>
#include <string>
#include <vector>

#include "codec/decode.hpp"
#include "codec/framer.hpp"

/// Replays every kept crash input under tests/regress/ through the decoder at
/// each protocol level and through the framer. The inputs once crashed a fuzz
/// target; here they must decode or fail cleanly, with the error inside them.

using namespace mq;
namespace fs = std::filesystem;

namespace {

/// Every file under tests/regress/ except the README, sorted.
std::vector<fs::path> regress_inputs() {
  std::vector<fs::path> files;
  const fs::path root = fs::path(MQ_SOURCE_DIR) / "tests" / "regress";
  for (const auto& e : fs::recursive_directory_iterator(root))
    if (e.is_regular_file() && e.path().filename() != "README.md") files.push_back(e.path());
  std::sort(files.begin(), files.end());
  return files;
}

std::vector<std::uint8_t> read_file(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

/// Decodes `bytes` as one packet at every level; an error must lie inside the input.
void decode_at_every_level(ByteView bytes) {
  for (std::optional<ProtocolVersion> level :
       {std::optional<ProtocolVersion>{}, std::optional{ProtocolVersion::v31}, std::optional{ProtocolVersion::v311},
        std::optional{ProtocolVersion::v5}}) {
    Result<Packet> r = decode_packet(bytes, level);
    if (!r) CHECK(r.error().offset <= bytes.size());
  }
}

/// Frames `bytes` fed `step` bytes at a time and decodes each frame at 5.0;
/// returns the number of bytes framed.
std::uint64_t frame(ByteView bytes, std::size_t step) {
  Framer framer;
  for (std::size_t at = 0; at < bytes.size(); at += step) {
    framer.feed(bytes.subspan(at, std::min(step, bytes.size() - at)));
    for (Framer::Frame f = framer.next(); f.status != Framer::Status::NeedMore; f = framer.next()) {
      if (f.status == Framer::Status::Error) {
        CHECK(f.error.offset <= bytes.size());
        return framer.consumed();
      }
      CHECK(f.packet.size() == f.header.packet_size());
      Result<Packet> r = decode_body(f.header, f.body, ProtocolVersion::v5);
      if (!r) CHECK(r.error().offset <= f.packet.size());
    }
  }
  return framer.consumed();
}

}  // namespace

TEST_CASE("kept crash inputs sit in the folder of an existing fuzz target") {
  const fs::path root = fs::path(MQ_SOURCE_DIR) / "tests";
  for (const auto& e : fs::directory_iterator(root / "regress")) {
    if (!e.is_directory()) continue;
    CAPTURE(e.path().string());
    CHECK(fs::exists(root / "fuzz" / (e.path().filename().string() + ".cpp")));
  }
}

TEST_CASE("kept crash inputs decode or fail cleanly") {
  const std::vector<fs::path> inputs = regress_inputs();
  MESSAGE("replaying " << inputs.size() << " inputs from tests/regress");
  for (const fs::path& p : inputs) {
    CAPTURE(p.string());
    const std::vector<std::uint8_t> bytes = read_file(p);
    const ByteView all(bytes);
    decode_at_every_level(all);
    if (!all.empty()) decode_at_every_level(all.subspan(1));  // without the fuzz target's level byte
    CHECK(frame(all, all.size() + 1) == frame(all, 1));
  }
}
