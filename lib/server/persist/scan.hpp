#pragma once
/// Walks the framed records of a persistence file and tells damage from a
/// torn tail. Pure: bytes in, frames and damaged spans out.
///
/// A torn tail is a bad span (a record cut short, failing its CRC, or
/// garbage such as the zeros a crash can leave) that reaches the end of
/// the file with no valid frame after it: the normal result of a crash in
/// the middle of an append, holding nothing that was acknowledged. A bad
/// span followed by a valid frame is damage: the records after it were
/// written, synced and acknowledged, so dropping them would lose data.

#include <cstddef>
#include <optional>
#include <vector>

#include "codec/error.hpp"
#include "codec/types.hpp"

namespace mq::server {

/// A frame whose length and CRC check.
struct ScannedFrame {
  std::size_t offset = 0;  ///< of the frame's length field
  std::size_t record = 0;  ///< 1-based position in the file
  ByteView body;           ///< type byte and fields
};

/// Bytes from `from` to `to` that are not a sequence of valid frames.
struct BadSpan {
  std::size_t from = 0;
  std::size_t to = 0;
  std::size_t record = 0;  ///< 1-based number the record at `from` would have had
  DecodeError error;       ///< why the frame at `from` does not read
};

/// A file's records after the header.
struct RecordScan {
  std::vector<ScannedFrame> frames;
  /// Bad spans each followed by a valid frame (resynchronised over).
  std::vector<BadSpan> damage;
  /// A bad span running to the end of the file with nothing valid after it.
  std::optional<BadSpan> torn_tail;
};

/// Scans `file` from `start`. After a bad frame it resynchronises at the
/// next offset where a frame checks whose body decodes, so a damaged
/// record costs only itself. A body of random bytes matches a CRC-32 by
/// chance once in 2^32 tries; a payload that itself holds a framed record
/// can be mistaken for one only when damage made the scanner look inside it.
RecordScan scan_records(ByteView file, std::size_t start);

/// Appends the end marker a snapshot closes with: a frame whose body is
/// type 0 and the u64 count of records before it.
void encode_end_marker(std::uint64_t records, std::vector<std::uint8_t>& out);
/// The record count when `body` is an end marker.
std::optional<std::uint64_t> end_marker_count(ByteView body);

}  // namespace mq::server
