// The revision-ordered history: the events of every revision above the compaction point,
// rebuilt on demand from the revision log (which names the key and (revision, sub) of
// every write) and the keys' histories (which hold the versions). Nothing is stored twice.
//
// A DELETE event's kv is {key, mod_revision = the deleting revision}; an event's prev_kv is
// the key's version just before, when that was a put still kept by compaction.
#include <algorithm>
#include <shared_mutex>

#include "myetcd/mvcc/errors.h"
#include "myetcd/mvcc/store.h"

namespace myetcd::mvcc {

Status MvccStore::ReadHistory(int64_t from, size_t max_events,
                              std::vector<RevisionEvents>* out) const {
  std::shared_lock<RwLock> l(lock_);
  if (from < 1) return Status::InvalidArgument("history: start revision must be >= 1");
  if (from <= state_.compacted) return ErrCompacted();
  const auto& log = state_.log;
  auto it = std::lower_bound(log.begin(), log.end(), from,
                             [](const LogEntry& e, int64_t r) { return e.main < r; });
  size_t events = 0;
  while (it != log.end() && (events == 0 || events < max_events)) {
    RevisionEvents batch;
    batch.revision = it->main;
    for (; it != log.end() && it->main == batch.revision; ++it) {
      const VersionRecord* v = it->key->Find(it->main, it->sub);
      batch.events.push_back(MakeEvent(*it->key, *v));
      ++events;
    }
    out->push_back(std::move(batch));
  }
  return Status::OK();
}

Result<HistoryIterator> MvccStore::History(int64_t from) const {
  std::shared_lock<RwLock> l(lock_);
  if (from < 1) return Status::InvalidArgument("history: start revision must be >= 1");
  if (from <= state_.compacted) return ErrCompacted();
  return HistoryIterator(this, from);
}

Status HistoryIterator::Next(std::vector<RevisionEvents>* out, size_t max_events) {
  size_t before = out->size();
  MYETCD_RETURN_IF_ERROR(store_->ReadHistory(next_, max_events, out));
  if (out->size() > before) next_ = out->back().revision + 1;
  return Status::OK();
}

}  // namespace myetcd::mvcc
