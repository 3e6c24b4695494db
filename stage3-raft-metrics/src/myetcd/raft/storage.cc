#include "myetcd/raft/storage.h"

#include <fmt/format.h>

namespace myetcd::raft {

MemoryStorage::MemoryStorage() : ents_(1) {}

Term MemoryStorage::TermAt(Index i) const {
  Index offset = ents_.front().index;
  if (i < offset || i > LastIndex()) return 0;
  return ents_[i - offset].term;
}

std::vector<Entry> MemoryStorage::Entries(Index lo, Index hi, uint64_t max_bytes) const {
  MYETCD_RAFT_CHECK(
      lo >= FirstIndex() && lo <= hi && hi <= LastIndex() + 1,
      fmt::format("Entries({}, {}) outside [{}, {}]", lo, hi, FirstIndex(), LastIndex() + 1));
  std::vector<Entry> out;
  uint64_t bytes = 0;
  Index offset = ents_.front().index;
  for (Index i = lo; i < hi; ++i) {
    const Entry& e = ents_[i - offset];
    bytes += EntrySize(e);
    if (!out.empty() && bytes > max_bytes) break;
    out.push_back(e);
  }
  return out;
}

void MemoryStorage::Append(const std::vector<Entry>& entries) {
  if (entries.empty()) return;
  Index first = entries.front().index;
  MYETCD_RAFT_CHECK(
      first >= FirstIndex() && first <= LastIndex() + 1,
      fmt::format("append at {} to a log holding [{}, {}]", first, FirstIndex(), LastIndex()));
  ents_.resize(first - ents_.front().index);
  ents_.insert(ents_.end(), entries.begin(), entries.end());
}

}  // namespace myetcd::raft
