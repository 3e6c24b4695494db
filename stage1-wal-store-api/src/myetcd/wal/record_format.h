// The WAL's physical record format: how one fragment of a logical record is framed inside a
// 32 KiB block (the grammar is at the top of record_format.cc and in docs/stage1/wal.md).
//
// Everything here is a pure function over bytes: no files, no state. The block writer
// (block_writer.h) produces fragments with EncodeFragmentHeader; the segment reader
// (segment_reader.h) and the damage classifier (repair.h) check them with ParseFragment.
//
// Thread-safety: pure functions and constants.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace myetcd::wal {

// A segment is a sequence of blocks of this size (the last one may be partial). A fragment
// never crosses a block boundary, so a reader can always resynchronise at the next block.
constexpr size_t kBlockSize = 32 * 1024;

// crc (4) + length (2) + kind (1).
constexpr size_t kHeaderSize = 7;

// The fragment kinds. 0 is never written: a zero-filled region (preallocated or never
// written) therefore never parses as a record.
enum class FragmentKind : uint8_t {
  kZero = 0,    // reserved: never written
  kFull = 1,    // a whole logical record
  kFirst = 2,   // the first fragment of a record that continues in the next block(s)
  kMiddle = 3,  // neither first nor last
  kLast = 4,    // the last fragment
};
constexpr uint8_t kMaxFragmentKind = 4;

// Writes the 7-byte header of a fragment holding `data` at dst: the masked CRC32C of
// (length, kind, data), then the length (little-endian uint16), then the kind.
// REQUIRES: data.size() <= kBlockSize - kHeaderSize; dst has room for kHeaderSize bytes.
void EncodeFragmentHeader(char* dst, FragmentKind kind, std::string_view data);

// What ParseFragment found at the front of its input.
enum class FragmentStatus {
  kOk,           // a whole fragment with a matching checksum
  kTruncated,    // fewer bytes than the header, or than the length it announces
  kZeroHeader,   // seven zero bytes: a zero-filled (never written) region
  kBadKind,      // kind 0 with a non-zero header, or a kind above kMaxFragmentKind
  kBadLength,    // the length runs past the end of the block (or is 0)
  kBadChecksum,  // the stored CRC does not match the bytes
};
const char* FragmentStatusName(FragmentStatus s);

struct Fragment {
  FragmentKind kind = FragmentKind::kZero;
  std::string_view data;  // points into the input
  size_t size = 0;        // kHeaderSize + data.size(): the bytes the fragment occupies
};

// Parses the fragment at the front of `input`, which starts at a fragment boundary and ends
// at the end of its block or of the file, whichever comes first (the caller cuts it so). On
// kOk fills *out. Never reads outside `input`.
FragmentStatus ParseFragment(std::string_view input, Fragment* out);

}  // namespace myetcd::wal
