// Torn tail versus corruption: see repair.h for the rule and why it is the right one.
#include "myetcd/wal/repair.h"

#include <algorithm>

#include "myetcd/wal/record_format.h"

namespace myetcd::wal {

const char* DamageVerdictName(DamageVerdict v) {
  return v == DamageVerdict::kTornTail ? "torn tail" : "corruption";
}

size_t FindValidFragment(std::string_view segment, size_t from) {
  // EXERCISE(s1-03) BEGIN stub: return std::string_view::npos;
  for (size_t pos = from; pos < segment.size(); ++pos) {
    const size_t block_end = (pos / kBlockSize + 1) * kBlockSize;
    if (block_end - pos <= kHeaderSize) {  // inside a trailer: no fragment starts here
      pos = block_end - 1;
      continue;
    }
    Fragment frag;
    const size_t end = std::min(segment.size(), block_end);
    if (ParseFragment(segment.substr(pos, end - pos), &frag) == FragmentStatus::kOk) return pos;
  }
  return std::string_view::npos;
  // EXERCISE(s1-03) END
}

DamageVerdict ClassifyDamage(std::string_view segment, const Damage& damage, bool last_segment) {
  // EXERCISE(s1-03) BEGIN stub: return DamageVerdict::kTornTail;
  if (!last_segment) return DamageVerdict::kCorruption;
  if (FindValidFragment(segment, damage.offset) != std::string_view::npos) {
    return DamageVerdict::kCorruption;
  }
  return DamageVerdict::kTornTail;
  // EXERCISE(s1-03) END
}

}  // namespace myetcd::wal
