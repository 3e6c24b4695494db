// Torn tail or corruption? The one decision recovery must get right (TESTING.md T1a/T1b).
//
// A crash can only damage the end of what was written last: the bytes of the last segment
// after its last successful Sync(), torn at any point, possibly zero-filled. So damage is a
// *torn tail* when it is in the last segment and no valid fragment follows it: cutting it
// loses only records that were never acknowledged. Damage anywhere else -- in an older
// segment (it was synced before the next one was created), or followed by a valid fragment
// -- is *corruption*: bytes that were once durable changed. Cutting there would silently
// drop acknowledged records, so the Wal refuses to open and names the file and offset.
//
// The block format is what makes "followed by a valid fragment" decidable: every fragment
// sits inside one block, so a scan can test each offset after the damage without trusting
// any length field the damage may have destroyed.
//
// Thread-safety: pure functions.
#pragma once

#include <cstddef>
#include <string_view>

#include "myetcd/wal/segment_reader.h"

namespace myetcd::wal {

enum class DamageVerdict {
  kTornTail,    // cut at damage.cut with a warning
  kCorruption,  // refuse to open (or, with the repair option, cut and say what was lost)
};
const char* DamageVerdictName(DamageVerdict v);

// The first offset >= `from` at which a whole fragment with a valid checksum starts, or
// std::string_view::npos. Offsets inside a block trailer (the last kHeaderSize bytes of a
// block) are skipped, and each candidate is parsed only up to the end of its block.
size_t FindValidFragment(std::string_view segment, size_t from);

// Classifies `damage` (from ScanSegment over `segment`): a torn tail when the segment is the
// last one and no valid fragment starts at or after damage.offset; corruption otherwise.
DamageVerdict ClassifyDamage(std::string_view segment, const Damage& damage, bool last_segment);

}  // namespace myetcd::wal
