#pragma once
/// The persistence file format: a header, then framed records.
///
///   file    = magic "MQDB" | u32 format version (3) | u8 kind (0 snapshot,
///             1 log) | u64 generation | record* | [end marker]
///   end     = a record frame whose body is u8 0 | u64 count of records;
///             it closes every snapshot from version 2 on, so a snapshot
///             cut at a record boundary is seen as cut (version 1 had none;
///             logs, appended to, have none)
///   version 3 added record type 13 (incoming held: a QoS 2 message held
///             until its PUBREL); an older mqbroker refuses the file by its
///             header instead of taking the new record for damage that
///             salvage would skip. Versions 1 and 2 still load.
///   record  = u32 body length | u32 CRC-32 of the body | body
///   body    = u8 type (Record's variant index + 1) | fields
///
/// Integers are big-endian; strings have a u16 length; a message is u8 flags
/// (QoS | retain << 2 | has expiry << 3), [i64 expiry, Unix milliseconds],
/// topic, the property list as in a 5.0 PUBLISH, u32 payload length, payload.
/// The field layout of each type is in record_codec.cpp, next to the table
/// of type names. Decoders are pure: bytes in, a record or a precise error
/// out, never reading past the input or allocating more than it holds.

#include <cstdint>
#include <string_view>
#include <vector>

#include "broker/journal.hpp"
#include "codec/error.hpp"

namespace mq::server {

/// The four bytes every persistence file starts with.
inline constexpr std::string_view kStoreMagic = "MQDB";
/// The format version this code writes (it also reads versions 1 and 2).
inline constexpr std::uint32_t kStoreVersion = 3;
/// Bytes of the file header.
inline constexpr std::size_t kStoreHeaderSize = 17;
/// Largest record body accepted: a maximum-size message plus its fields.
inline constexpr std::uint32_t kMaxRecordBody = 268'435'455u + 2u * 65'535u + 64u;

/// What a persistence file holds.
enum class StoreFileKind : std::uint8_t {
  Snapshot = 0,  ///< the whole state at one moment
  Log = 1,       ///< changes since the snapshot of the same generation
};

/// A file's header.
struct StoreHeader {
  StoreFileKind kind = StoreFileKind::Snapshot;
  /// Bumped by every snapshot; a log only extends the snapshot of its generation.
  std::uint64_t generation = 0;
  /// 1 to 3; a version 1 snapshot has no end marker.
  std::uint32_t version = kStoreVersion;
};

/// Pairs the broker's monotonic clock with the wall clock, to store message
/// expiry as an absolute time that means the same after a restart.
struct WallClock {
  broker::TimePoint steady{};
  std::int64_t unix_ms = 0;
};

/// One framed record found in a file.
struct RecordFrame {
  ByteView body;          ///< type byte and fields, CRC checked
  std::size_t next = 0;   ///< offset of the following record
};

/// CRC-32 (IEEE 802.3, as zlib) of `bytes`.
std::uint32_t crc32(ByteView bytes);

/// Appends a file header.
void encode_store_header(const StoreHeader& h, std::vector<std::uint8_t>& out);
/// Reads a file header: wrong magic, version or kind are Malformed errors.
Result<StoreHeader> decode_store_header(ByteView file);

/// Appends `r` as one framed record.
void encode_record(const broker::Record& r, const WallClock& clock, std::vector<std::uint8_t>& out);

/// The record frame starting at `offset` of `file`. Truncated when the
/// file ends inside it (a torn write), Malformed on a CRC mismatch, TooLarge
/// above kMaxRecordBody; offsets in errors count from the file's start.
Result<RecordFrame> read_record_frame(ByteView file, std::size_t offset);

/// Decodes a record body (from read_record_frame) found at file offset
/// `base`. Views in the record point into `body`; messages are copied.
Result<broker::Record> decode_record(ByteView body, std::size_t base, const WallClock& clock);

/// A record type's name ("outgoing add"), for messages and tests.
std::string_view record_name(const broker::Record& r);

}  // namespace mq::server
