// Segment file names: "<seq:016x>-<first-index:016x>.wal", as etcd names its WAL files.
//
// seq counts segments (0, 1, 2, ...) so a missing segment in the middle shows as a gap;
// first-index is the index of the segment's first record, so the log can tell which
// segments a snapshot covers without reading them. Both are fixed-width lowercase hex, so
// the names sort in log order.
//
// Thread-safety: pure functions.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace myetcd::wal {

struct SegmentName {
  uint64_t seq = 0;
  uint64_t first_index = 0;
  friend bool operator==(const SegmentName&, const SegmentName&) = default;
};

std::string SegmentFileName(const SegmentName& name);
// nullopt if `file` is not exactly a segment name (a LOCK file, a stray "x.wal.tmp", ...).
std::optional<SegmentName> ParseSegmentFileName(std::string_view file);

}  // namespace myetcd::wal
