// Mutated packets: whatever the bytes, decoding never crashes, and every
// packet that decodes re-encodes to exactly the same bytes and passes
// validate() -- the decoder and the validator agree on the rules.

#include <random>

#include "codec_test_util.hpp"

using namespace mq;
using namespace mq::test;

namespace {

// Valid packets of every type to start from (taken from the other tests).
const std::vector<Bytes> kSeeds = {
    {0x10, 0x22, 0x00, 0x04, 'M', 'Q', 'T', 'T', 0x04, 0xEE, 0x00, 0x3C, 0x00, 0x03, 'c', 'i', 'd', 0x00, 0x03, 'w',
     '/', 't', 0x00, 0x02, 'b', 'y', 0x00, 0x04, 'u', 's', 'e', 'r', 0x00, 0x02, 'p', 'w'},
    {0x10, 0x1B, 0x00, 0x04, 'M', 'Q', 'T', 'T', 0x05, 0x06, 0x00, 0x3C, 0x05, 0x11, 0x00, 0x00, 0x00, 0x05, 0x00,
     0x00, 0x02, 0x01, 0x01, 0x00, 0x01, 'w', 0x00, 0x00},
    {0x20, 0x02, 0x01, 0x00},
    {0x20, 0x08, 0x00, 0x00, 0x05, 0x1F, 0x00, 0x02, 'o', 'k'},
    {0x32, 0x09, 0x00, 0x03, 'a', '/', 'b', 0x00, 0x0A, 'h', 'i'},
    {0x31, 0x0F, 0x00, 0x01, 't', 0x09, 0x0B, 0x05, 0x26, 0x00, 0x01, 'k', 0x00, 0x01, 'v', 'x'},
    {0x40, 0x02, 0x00, 0x05},
    {0x62, 0x09, 0x00, 0x07, 0x92, 0x05, 0x1F, 0x00, 0x02, 'n', 'o'},
    {0x82, 0x18, 0x00, 0x0B, 0x02, 0x0B, 0x07, 0x00, 0x03, 'a', '/', '+', 0x2D, 0x00, 0x0A, '$', 's', 'h', 'a', 'r',
     'e', '/', 'g', '/', 'x', 0x10},
    {0x90, 0x05, 0x00, 0x0A, 0x00, 0x01, 0x80},
    {0xA2, 0x0A, 0x00, 0x0C, 0x00, 0x01, 'a', 0x00, 0x03, 'b', '/', '#'},
    {0xB0, 0x06, 0x00, 0x0C, 0x00, 0x00, 0x11, 0x8F},
    {0xC0, 0x00},
    {0xE0, 0x09, 0x9C, 0x07, 0x1C, 0x00, 0x04, 'h', 'o', 's', 't'},
    {0xF0, 0x0C, 0x18, 0x0A, 0x15, 0x00, 0x03, 'a', 'b', 'c', 0x16, 0x00, 0x01, 'x'},
};

Bytes mutate(Bytes b, std::mt19937& rng) {
  std::uniform_int_distribution<int> kind(0, 5);
  auto pick = [&](std::size_t n) { return std::uniform_int_distribution<std::size_t>(0, n - 1)(rng); };
  switch (kind(rng)) {
    case 0: if (!b.empty()) b[pick(b.size())] ^= static_cast<std::uint8_t>(1u << pick(8)); break;
    case 1: if (!b.empty()) b[pick(b.size())] = static_cast<std::uint8_t>(rng()); break;
    case 2: if (!b.empty()) b.erase(b.begin() + static_cast<std::ptrdiff_t>(pick(b.size()))); break;
    case 3: b.insert(b.begin() + static_cast<std::ptrdiff_t>(pick(b.size() + 1)), static_cast<std::uint8_t>(rng())); break;
    case 4:  // keep the remaining length consistent after an edit further in
      if (b.size() > 3) {
        b[pick(b.size() - 2) + 2] = static_cast<std::uint8_t>(rng());
        if (b.size() - 2 < 128) b[1] = static_cast<std::uint8_t>(b.size() - 2);
      }
      break;
    default: if (b.size() > 2) b[2 + pick(b.size() - 2)] = static_cast<std::uint8_t>(pick(4) == 0 ? 0 : rng() % 0x30); break;
  }
  return b;
}

}  // namespace

TEST_CASE("mutated packets: no crash, and whatever decodes round-trips and validates") {
  std::mt19937 rng(12345);
  std::size_t decoded = 0;
  for (int i = 0; i < 30000; ++i) {
    Bytes b = kSeeds[static_cast<std::size_t>(i) % kSeeds.size()];
    const int rounds = 1 + static_cast<int>(rng() % 3);
    for (int k = 0; k < rounds; ++k) b = mutate(b, rng);
    for (auto v : {ProtocolVersion::v31, ProtocolVersion::v311, ProtocolVersion::v5}) {
      FieldTrace trace;
      auto r = decode_packet(b, v, &trace);
      for (const auto& f : trace) REQUIRE(f.offset + f.length <= b.size());
      if (!r) {
        REQUIRE(r.error().offset <= b.size());
        REQUIRE_FALSE(r.error().field.empty());
        continue;
      }
      ++decoded;
      const ProtocolVersion level = std::holds_alternative<Connect>(*r) ? std::get<Connect>(*r).version : v;
      INFO("input: " << b.size() << " bytes, level " << static_cast<int>(level));
      REQUIRE(encode(*r, v) == b);
      REQUIRE(encoded_size(*r, v) == b.size());
      auto invalid = validate(*r, level);
      if (invalid) FAIL(to_string(*invalid));
    }
  }
  CHECK(decoded > 1000);  // the mutations keep a good share of packets valid
}
