// MvccStore::Compact: history compaction (not to be confused with log compaction, which
// drops WAL segments or Raft entries covered by a snapshot; docs/stage1/mvcc.md).
//
// Compacting at revision C promises: a read at any revision >= C answers exactly as
// before; a read below C answers "compacted". So each key keeps every version above C,
// plus its newest version <= C if that is a put (a read at C still sees it); everything
// older goes, and a key whose newest version <= C is a tombstone with nothing above it is
// forgotten entirely. The events of revision C itself are no longer complete afterwards
// (a delete at C is gone), so the history iterator starts at C + 1.
//
// Which keys have something to drop? Only keys written in (previous C, C]: a version that
// compaction may drop is followed by a newer version <= C, and if that newer one were at or
// below the previous compaction point, the previous compaction would have dropped it
// already. The revision log lists exactly those writes, in order, so compaction pops its
// prefix and visits only those keys: the work is proportional to the history dropped, not
// to the size of the keyspace.
#include <algorithm>

#include "myetcd/mvcc/errors.h"
#include "myetcd/mvcc/store.h"

namespace myetcd::mvcc {

Result<CompactResponse> MvccStore::Compact(int64_t revision) {
  std::lock_guard<std::mutex> writer(apply_mu_);
  CompactResponse resp;
  {
    std::unique_lock<RwLock> lock(lock_);
    if (revision <= state_.compacted) return ErrCompacted();
    if (revision > state_.current) return ErrFutureRevision();
    std::vector<KeyHistory*> touched;
    while (!state_.log.empty() && state_.log.front().main <= revision) {
      touched.push_back(state_.log.front().key);
      state_.log.pop_front();
    }
    std::sort(touched.begin(), touched.end());
    touched.erase(std::unique(touched.begin(), touched.end()), touched.end());
    for (KeyHistory* k : touched) {
      if (!k->Compact(revision)) continue;
      std::string_view key = k->key();  // points into the node erased last
      auto it = state_.ordered.find(key);
      state_.hashed.Erase(key);
      state_.ordered.erase(it);
    }
    state_.compacted = revision;
    resp.header.revision = state_.current;
  }
  for (StoreObserver* o : observers_) o->OnCompact(revision);
  return resp;
}

}  // namespace myetcd::mvcc
