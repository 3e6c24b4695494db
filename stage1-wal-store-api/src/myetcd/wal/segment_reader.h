// ScanSegment: the reading half of the format (record_format.cc). It splits the bytes of one
// segment into logical records and stops at the first damage, saying where and why. It
// never decides what the damage means: torn tail or corruption is repair.h's question, and
// what to do about it is the Wal's (wal.h).
//
// Thread-safety: pure function.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "myetcd/wal/record.h"

namespace myetcd::wal {

// Where a segment stops making sense.
struct Damage {
  // Where the damage shows: the first byte that is not part of a valid, in-order fragment
  // (the end of the file, for a record whose last fragment is missing). Whether valid
  // fragments exist at or after this offset decides torn tail versus corruption.
  uint64_t offset = 0;
  // Where the segment must be cut to drop the damaged record: the start of the logical
  // record that the damage belongs to (everything before it is whole).
  uint64_t cut = 0;
  std::string reason;  // "checksum mismatch", "index 7 where 6 was expected", ...
};

struct RecordSpan {
  Record record;
  uint64_t offset = 0;  // where its first fragment starts in the segment
  uint64_t end = 0;     // just past its last fragment
};

struct SegmentScan {
  std::vector<RecordSpan> records;  // the whole records before any damage, in order
  std::optional<Damage> damage;     // nullopt: the segment ends cleanly
};

// Scans a whole segment whose first record must carry `first_index` (and each next one the
// index after). Never reads outside `bytes`.
SegmentScan ScanSegment(std::string_view bytes, uint64_t first_index);

}  // namespace myetcd::wal
