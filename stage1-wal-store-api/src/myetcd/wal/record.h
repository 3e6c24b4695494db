// A WAL record as the rest of the store sees it: an index, a type and opaque payload bytes.
//
// The WAL never looks inside a payload. What a payload means is decided by its type, and
// the type space is split between the stages so that a later stage adds its own records
// without editing an earlier stage's code (ARCHITECTURE §3, "WAL record types"):
//
//   type      owner
//   0         reserved: never written (a zero byte is what an unwritten region holds)
//   1..63     stage 1   (the MVCC store's commands, ...)
//   64..127   stage 2   (leases, batches)
//   128..191  stage 3   (Raft hard state, entries, snapshot markers)
//   192..254  final     (membership, auth)
//   255       reserved for a future extension of the format
//
// A module names its types as constants inside its stage's range and documents them next to
// its own code; Wal::Append refuses types 0 and 255.
//
// Thread-safety: plain values.
#pragma once

#include <cstdint>
#include <string>

namespace myetcd::wal {

using RecordType = uint8_t;

struct TypeRange {
  RecordType first;
  RecordType last;
  bool Contains(RecordType t) const { return t >= first && t <= last; }
};
constexpr TypeRange kStage1Types{1, 63};
constexpr TypeRange kStage2Types{64, 127};
constexpr TypeRange kStage3Types{128, 191};
constexpr TypeRange kFinalTypes{192, 254};

constexpr bool IsValidRecordType(RecordType t) { return t != 0 && t != 255; }

struct Record {
  uint64_t index = 0;  // 1, 2, 3, ...: one more than the record before it
  RecordType type = 0;
  std::string payload;
};

}  // namespace myetcd::wal
