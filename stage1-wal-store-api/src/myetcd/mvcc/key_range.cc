// Lab s1-04: etcd's range_end rules (key_range.h has the contract; the lab page is
// docs/stage1/labs/s1-04-range-end.md).
#include "myetcd/mvcc/key_range.h"

namespace myetcd::mvcc {

bool InRange(std::string_view candidate, std::string_view key, std::string_view range_end) {
  // EXERCISE(s1-04) BEGIN stub: return false;
  if (range_end.empty()) return candidate == key;  // a single key
  if (candidate < key) return false;
  if (IsFromKey(range_end)) return true;  // "\0": no upper bound
  return candidate < range_end;           // half-open: range_end itself is outside
  // EXERCISE(s1-04) END
}

std::string PrefixEnd(std::string_view prefix) {
  // EXERCISE(s1-04) BEGIN stub: return std::string(prefix);
  std::string end(prefix);
  // Drop trailing 0xff bytes (they cannot be incremented), then increment the last byte.
  while (!end.empty() && static_cast<unsigned char>(end.back()) == 0xff) end.pop_back();
  if (end.empty()) return std::string(1, '\0');  // no end exists: "from prefix on"
  end.back() = static_cast<char>(static_cast<unsigned char>(end.back()) + 1);
  return end;
  // EXERCISE(s1-04) END
}

}  // namespace myetcd::mvcc
