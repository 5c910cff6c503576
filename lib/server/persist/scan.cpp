#include "server/persist/scan.hpp"

#include "server/persist/record_codec.hpp"

namespace mq::server {

namespace {

/// Highest type byte a frame may carry (0 is the end marker).
constexpr std::uint8_t kLastRecordType = static_cast<std::uint8_t>(std::variant_size_v<broker::Record>);
/// Body bytes of an end marker.
constexpr std::size_t kEndMarkerBody = 9;

/// The first offset at or after `from` where a frame checks whose body is a
/// record that decodes (or an end marker).
std::optional<std::size_t> resync(ByteView file, std::size_t from) {
  for (std::size_t p = from; p + 9 <= file.size(); ++p) {
    // Cheap tests first: most offsets declare a length past the end.
    const std::uint32_t size = static_cast<std::uint32_t>(file[p]) << 24 | file[p + 1] << 16 |
                               file[p + 2] << 8 | file[p + 3];
    if (size == 0 || size > file.size() - p - 8 || file[p + 8] > kLastRecordType) continue;
    if (file[p + 8] == 0 && size != kEndMarkerBody) continue;
    // Parsing the fields rejects nearly every false start in a few bytes,
    // where a CRC would read up to `size` bytes at each offset.
    const ByteView body = file.subspan(p + 8, size);
    if (body[0] != 0 && !decode_record(body, p + 8, WallClock{})) continue;
    if (read_record_frame(file, p)) return p;
  }
  return std::nullopt;
}

}  // namespace

RecordScan scan_records(ByteView file, std::size_t start) {
  RecordScan out;
  std::size_t record = 0;
  for (std::size_t at = start; at < file.size();) {
    ++record;
    auto f = read_record_frame(file, at);
    if (f) {
      out.frames.push_back({at, record, f->body});
      at = f->next;
      continue;
    }
    const auto next = resync(file, at + 1);
    BadSpan bad{at, next.value_or(file.size()), record, f.error()};
    if (!next) {
      out.torn_tail = std::move(bad);
      break;
    }
    out.damage.push_back(std::move(bad));
    at = *next;
  }
  return out;
}

void encode_end_marker(std::uint64_t records, std::vector<std::uint8_t>& out) {
  std::uint8_t body[kEndMarkerBody] = {0};
  for (int i = 0; i < 8; ++i) body[1 + i] = static_cast<std::uint8_t>(records >> (56 - 8 * i));
  const std::uint32_t size = kEndMarkerBody;
  const std::uint32_t crc = crc32(ByteView(body, sizeof body));
  for (int i = 0; i < 4; ++i) out.push_back(static_cast<std::uint8_t>(size >> (24 - 8 * i)));
  for (int i = 0; i < 4; ++i) out.push_back(static_cast<std::uint8_t>(crc >> (24 - 8 * i)));
  out.insert(out.end(), body, body + sizeof body);
}

std::optional<std::uint64_t> end_marker_count(ByteView body) {
  if (body.size() != kEndMarkerBody || body[0] != 0) return std::nullopt;
  std::uint64_t n = 0;
  for (std::size_t i = 1; i < kEndMarkerBody; ++i) n = n << 8 | body[i];
  return n;
}

}  // namespace mq::server
