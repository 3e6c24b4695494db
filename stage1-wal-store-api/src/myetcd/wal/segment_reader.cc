// ScanSegment: see segment_reader.h; the format is the grammar in record_format.cc.
#include "myetcd/wal/segment_reader.h"

#include <algorithm>

#include "myetcd/common/coding.h"
#include "myetcd/wal/block_writer.h"
#include "myetcd/wal/record_format.h"

namespace myetcd::wal {

SegmentScan ScanSegment(std::string_view bytes, uint64_t first_index) {
  SegmentScan scan;
  uint64_t next_index = first_index;
  std::string pending;  // data of a FIRST (and MIDDLEs) awaiting its LAST
  constexpr size_t kNone = ~size_t{0};
  size_t started = kNone;  // where the pending record began (kNone: no record is open)
  size_t pos = 0;

  auto fail = [&](size_t offset, size_t cut, std::string reason) {
    scan.damage = Damage{.offset = offset, .cut = cut, .reason = std::move(reason)};
    return scan;
  };

  while (pos < bytes.size()) {
    const size_t block_end = std::min(bytes.size(), (pos / kBlockSize + 1) * kBlockSize);
    if ((pos / kBlockSize + 1) * kBlockSize - pos <= kHeaderSize) {  // a trailer
      pos = block_end;
      continue;
    }
    Fragment frag;
    const FragmentStatus st = ParseFragment(bytes.substr(pos, block_end - pos), &frag);
    if (st != FragmentStatus::kOk) {
      std::string why = FragmentStatusName(st);
      if (st == FragmentStatus::kTruncated && block_end < bytes.size()) {
        why = FragmentStatusName(FragmentStatus::kBadLength);  // not the end of the file
      }
      return fail(pos, started == kNone ? pos : started, why);
    }
    const bool opens = frag.kind == FragmentKind::kFull || frag.kind == FragmentKind::kFirst;
    if (opens == (started != kNone)) {  // FULL/FIRST inside a record, or MIDDLE/LAST outside
      const size_t cut = started == kNone ? pos : started;
      return fail(pos, cut,
                  opens ? "a new record starts before the last fragment of the one at " +
                              std::to_string(cut)
                        : "a continuation fragment without its first fragment");
    }
    if (opens) {
      started = pos;
      pending.clear();
    }
    pending.append(frag.data);
    pos += frag.size;
    if (frag.kind == FragmentKind::kFirst || frag.kind == FragmentKind::kMiddle) continue;

    // A whole logical record: type, index, payload.
    const size_t start = started;
    started = kNone;
    if (pending.size() < kLogicalHeaderSize) {
      return fail(start, start,
                  "record of " + std::to_string(pending.size()) + " bytes is too short");
    }
    const auto type = static_cast<RecordType>(pending[0]);
    const uint64_t index = DecodeFixed64(pending.data() + 1);
    if (!IsValidRecordType(type)) {
      return fail(start, start, "record type " + std::to_string(type) + " is reserved");
    }
    if (index != next_index) {
      return fail(start, start,
                  "index " + std::to_string(index) + " where " + std::to_string(next_index) +
                      " was expected");
    }
    ++next_index;
    scan.records.push_back(RecordSpan{
        .record =
            Record{.index = index, .type = type, .payload = pending.substr(kLogicalHeaderSize)},
        .offset = start,
        .end = pos});
  }
  if (started != kNone) return fail(bytes.size(), started, "the file ends inside a record");
  return scan;
}

}  // namespace myetcd::wal
