// The WAL format, as a grammar (also in docs/stage1/wal.md). leveldb's log_format is the
// model; the details are ours.
//
//   wal-dir   = { segment }                 ; <data-dir>/member/wal/, plus the LOCK file
//   segment   = "<seq:016x>-<first-index:016x>.wal"
//               { block } [ partial-block ]  ; seq counts up by one per segment
//   block     = { fragment } [ trailer ]    ; exactly kBlockSize = 32768 bytes
//   partial-block = { fragment }            ; the last block of a segment may be short
//   trailer   = 0..7 bytes of 0x00          ; when a block has <= kHeaderSize bytes left
//   fragment  = crc:fixed32 length:fixed16 kind:uint8 data:byte{length}
//       crc    = Mask(CRC32C(length, kind, data))   ; 1 <= length <= 32761
//       kind   = FULL(1) | FIRST(2) | MIDDLE(3) | LAST(4)   ; 0 is never written
//   record    = FULL | FIRST { MIDDLE } LAST   ; fragments of one logical record, in order;
//                                              ; a record never spans two segments
//   logical   = type:uint8 index:fixed64 payload:byte*   ; the concatenated fragment data
//       type   = 1..254 (ranges per stage: record.h); 0 and 255 are reserved
//       index  = the previous record's index + 1; a segment's first record has first-index
//
// All integers are little-endian. Why the CRC covers the length: a flipped length bit must
// not make a shorter, still "valid" fragment. Why masked: a WAL record may carry bytes that
// themselves hold CRCs (a snapshot marker, a Raft entry); masking avoids CRC-of-CRC
// collisions (crc32c.h).
//
// Why blocks: in a plain length-prefixed stream a damaged length field sends the reader to
// a random place, and everything after it looks like a torn tail that it would silently
// cut. With blocks, every block starts at a fragment boundary, so the reader can look past
// the damage, see valid fragments behind it, and call it what it is: corruption.
#include "myetcd/wal/record_format.h"

#include "myetcd/common/coding.h"
#include "myetcd/common/crc32c.h"

namespace myetcd::wal {
namespace {

// The CRC of (length, kind, data): the 3 header bytes after the crc, then the data.
[[maybe_unused]] uint32_t FragmentCrc(const char* length_and_kind, std::string_view data) {
  uint32_t crc = crc32c::Value(length_and_kind, 3);
  return crc32c::Extend(crc, data.data(), data.size());
}

}  // namespace

const char* FragmentStatusName(FragmentStatus s) {
  switch (s) {
    case FragmentStatus::kOk: return "ok";
    case FragmentStatus::kTruncated: return "truncated fragment";
    case FragmentStatus::kZeroHeader: return "zero-filled header";
    case FragmentStatus::kBadKind: return "bad fragment kind";
    case FragmentStatus::kBadLength: return "fragment length beyond its block";
    case FragmentStatus::kBadChecksum: return "checksum mismatch";
  }
  return "?";
}

void EncodeFragmentHeader(char* dst, FragmentKind kind, std::string_view data) {
  // EXERCISE(s1-02) BEGIN stub: (void)dst; (void)kind; (void)data;
  const auto length = static_cast<uint16_t>(data.size());
  dst[4] = static_cast<char>(length & 0xff);
  dst[5] = static_cast<char>(length >> 8);
  dst[6] = static_cast<char>(kind);
  EncodeFixed32(dst, crc32c::Mask(FragmentCrc(dst + 4, data)));
  // EXERCISE(s1-02) END
}

FragmentStatus ParseFragment(std::string_view input, Fragment* out) {
  // EXERCISE(s1-02) BEGIN stub: return FragmentStatus::kBadChecksum;
  if (input.size() < kHeaderSize) return FragmentStatus::kTruncated;
  const char* h = input.data();
  const uint32_t stored = DecodeFixed32(h);
  const size_t length = static_cast<unsigned char>(h[4]) |
                        (static_cast<size_t>(static_cast<unsigned char>(h[5])) << 8);
  const auto kind = static_cast<uint8_t>(h[6]);
  if (stored == 0 && length == 0 && kind == 0) return FragmentStatus::kZeroHeader;
  if (kind == 0 || kind > kMaxFragmentKind) return FragmentStatus::kBadKind;
  // A fragment never crosses its block, and an empty one is never written.
  if (length == 0 || length > kBlockSize - kHeaderSize) return FragmentStatus::kBadLength;
  if (input.size() - kHeaderSize < length) return FragmentStatus::kTruncated;
  const std::string_view data = input.substr(kHeaderSize, length);
  if (crc32c::Unmask(stored) != FragmentCrc(h + 4, data)) return FragmentStatus::kBadChecksum;
  *out =
      Fragment{.kind = static_cast<FragmentKind>(kind), .data = data, .size = kHeaderSize + length};
  return FragmentStatus::kOk;
  // EXERCISE(s1-02) END
}

}  // namespace myetcd::wal
