// MvccStore: etcd's multi-version key-value store, in memory (ARCHITECTURE §5).
//
// Every key keeps its versions by revision until history compaction drops them, so a read
// can ask for the keyspace as it was at an older revision, and a watcher (stage 2) can
// replay what happened since revision R. Two indexes point at the same per-key histories:
// a hash map for point reads (a std::map of 1M strings serves ~0.3M random gets/s on the
// course machine, a hash map ~1.1M) and an ordered map for ranges. A revision log (every
// write's (revision, sub-revision, key), in order) serves the history iterator and tells
// compaction which keys have something to drop.
//
// Writes arrive as commands through the Apply dispatcher (apply.h), one at a time, from
// the committer thread (or the Raft apply thread). Each write method validates first and
// changes nothing when it fails, so replaying the same commands after a snapshot gives
// the same state: the store is deterministic (no clock, no randomness, no I/O).
//
// Thread-safety: every public method may be called from any thread. Reads take a shared
// lock; a write (a put, a delete, a whole txn, a compaction) takes the exclusive lock once,
// so a reader sees all of a txn or none of it. The lock prefers writers (rwlock.h).
// Writes are also serialised among themselves by a second mutex, held while observers
// are told about the revision, so observers see revisions in order.
//
// Observers (StoreObserver) are called after the revision is visible to readers, on the
// writing thread, without the store lock held: they may read the store, but must not
// write to it, and must be quick (the next write waits for them).
#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "myetcd/common/result.h"
#include "myetcd/common/status.h"
#include "myetcd/mvcc/key_hash_index.h"
#include "myetcd/mvcc/key_index.h"
#include "myetcd/mvcc/kv.h"
#include "myetcd/mvcc/rwlock.h"
#include "myetcd/mvcc/validate.h"

namespace myetcd::mvcc {

struct StoreOptions {
  int max_txn_ops = kDefaultMaxTxnOps;  // --max-txn-ops
};

// The store event hook: stage 2's watch hub (and lease manager) implement it.
class StoreObserver {
 public:
  virtual ~StoreObserver() = default;
  // The events of one applied revision, in order; called once per revision, in revision
  // order, after the revision is visible to readers.
  virtual void OnRevision(const RevisionEvents& batch) = 0;
  // History below `compact_revision` is gone (watchers behind it must be cancelled).
  virtual void OnCompact(int64_t compact_revision) {}
};

class HistoryIterator;

class MvccStore {
 public:
  class WriteTxn;

  explicit MvccStore(StoreOptions options = {});
  MvccStore(const MvccStore&) = delete;
  MvccStore& operator=(const MvccStore&) = delete;
  ~MvccStore();

  const StoreOptions& options() const { return options_; }

  // ---- reads --------------------------------------------------------------------------
  int64_t CurrentRevision() const;
  // Reads below this revision answer "compacted"; 0 while nothing was compacted.
  int64_t CompactRevision() const;
  // Live keys at the current revision.
  size_t KeyCount() const;

  // etcd's Range (kv.h RangeRequest). Errors: KeyEmpty; Compacted if revision is below the
  // compaction point; FutureRevision if it is above the current revision.
  Result<RangeResponse> Range(const RangeRequest& r) const;
  // A point read at the current revision: the fast path of a GET.
  std::optional<KeyValue> Get(std::string_view key) const;

  // ---- writes (normally called through the Apply dispatcher) --------------------------
  // Every put creates a revision, even of an unchanged value.
  Result<PutResponse> Put(const PutRequest& r);
  // Creates a revision only if it deleted something.
  Result<DeleteRangeResponse> DeleteRange(const DeleteRangeRequest& r);
  // Compares, then the success or failure ops, atomically at one revision (none if the
  // branch wrote nothing). A txn whose branches only read is served under the shared lock.
  // Errors (nothing is applied): TooManyOps, KeyEmpty, DuplicateKey, and Compacted /
  // FutureRevision for a range op of the branch taken.
  Result<TxnResponse> Txn(const TxnRequest& r);
  // History compaction: drops every version that no read at >= revision can see.
  // Errors: Compacted if revision <= CompactRevision(); FutureRevision if it is above the
  // current revision.
  Result<CompactResponse> Compact(int64_t revision);

  // The primitive under Put, DeleteRange and Txn, and the seam for stage 2's commands
  // (lease revoke, batch): runs `body` under the exclusive lock; its writes share one new
  // revision. If body returns an error, every write it made is undone and the error
  // returned; the store is as before. `body` must not call other methods of the store.
  Status Write(const std::function<Status(WriteTxn&)>& body);

  // Lease seam (stage 2): when set, a put with lease != 0 asks it first, inside Apply;
  // a non-OK answer fails the put (or the whole txn). Without one, any lease is stored.
  // REQUIRES: called before writes start (not synchronised with them).
  using LeaseChecker = std::function<Status(int64_t lease)>;
  void SetLeaseChecker(LeaseChecker checker) { lease_checker_ = std::move(checker); }

  // ---- event hook ---------------------------------------------------------------------
  // `o` is not owned and must stay alive until removed. After RemoveObserver returns, `o`
  // is not called again. REQUIRES: not called from inside an observer callback.
  void AddObserver(StoreObserver* o);
  void RemoveObserver(StoreObserver* o);

  // ---- history ------------------------------------------------------------------------
  // Appends to *out the events of revisions >= from, whole revisions only, stopping at the
  // first revision boundary at or past max_events events (at least one revision if any).
  // Errors: Compacted if from <= CompactRevision() (the events of the compaction revision
  // itself are no longer complete); InvalidArgument if from < 1.
  Status ReadHistory(int64_t from, size_t max_events, std::vector<RevisionEvents>* out) const;
  // An iterator over ReadHistory; the same errors.
  Result<HistoryIterator> History(int64_t from) const;

  // ---- snapshot section (snapshot_section.cc has the grammar) -------------------------
  // Everything the store holds: both revisions and every version of every key still kept.
  std::string EncodeSnapshotSection() const;
  // Replaces the whole state with a section's. Corruption (state unchanged) if the bytes
  // are not a valid section. Observers are not called.
  Status LoadSnapshotSection(std::string_view section);

 private:
  friend class WriteTxn;

  struct LogEntry {
    int64_t main;
    int64_t sub;
    KeyHistory* key;
  };
  struct State {
    std::map<std::string, KeyHistory, std::less<>> ordered;
    KeyHashIndex hashed;
    std::deque<LogEntry> log;  // ordered by (main, sub); only revisions above `compacted`
    int64_t current = 1;
    int64_t compacted = 0;
    size_t live_keys = 0;
  };

  KeyHistory* FindKey(std::string_view key) const;
  // REQUIRES: lock_ held (either mode). `visible` is the newest revision the read may see
  // (current, or the pending revision inside a write txn).
  Result<RangeResponse> RangeLocked(const RangeRequest& r, int64_t visible) const;
  Status CheckReadRevision(int64_t revision, int64_t visible) const;
  bool CompareHolds(const Compare& c, int64_t rev) const;
  // The txn body shared by the read-only and the writing path. `w` is null when read-only.
  Status ExecuteTxnLocked(const TxnRequest& r, WriteTxn* w, TxnResponse* resp) const;
  Event MakeEvent(const KeyHistory& k, const VersionRecord& v) const;

  const StoreOptions options_;
  LeaseChecker lease_checker_;

  mutable RwLock lock_;  // guards state_
  State state_;

  std::mutex apply_mu_;  // serialises writers; guards observers_
  std::vector<StoreObserver*> observers_;
};

// A write in progress; only MvccStore::Write makes one. Its reads see its own writes.
class MvccStore::WriteTxn {
 public:
  // The revision this txn's writes get (the store's revision + 1).
  int64_t revision() const { return store_->state_.current + 1; }
  // The store's revision before this txn.
  int64_t base_revision() const { return store_->state_.current; }
  // True once a write happened (the txn will create revision()).
  bool wrote() const { return sub_ > 0; }
  // revision() if wrote(), else base_revision(): what a response header says.
  int64_t header_revision() const { return wrote() ? revision() : base_revision(); }

  // REQUIRES: ValidatePut(r) is OK and CheckLease(r.lease) was asked.
  PutResponse Put(const PutRequest& r);
  DeleteRangeResponse DeleteRange(const DeleteRangeRequest& r);
  Result<RangeResponse> Range(const RangeRequest& r) const {
    return store_->RangeLocked(r, header_revision());
  }
  // OK for lease 0 or when no lease checker is set; else the checker's answer.
  Status CheckLease(int64_t lease) const;
  // The key as this txn sees it now.
  std::optional<KeyValue> Get(std::string_view key) const;

 private:
  friend class MvccStore;
  WriteTxn(MvccStore* store, std::vector<Event>* events)
      : store_(store), events_(events), log_start_(store->state_.log.size()) {}
  KeyHistory* FindOrCreate(std::string_view key);
  void Record(KeyHistory* k);
  void Rollback();
  void Commit();

  MvccStore* store_;
  std::vector<Event>* events_;  // null when nobody observes
  size_t log_start_;
  int64_t sub_ = 0;
  int64_t live_delta_ = 0;
  std::vector<std::string_view> created_;  // keys new in this txn (for Rollback)
};

// Reads the history from a revision on, in batches, taking the store's shared lock per
// batch (so a slow consumer never blocks the writer). Not thread-safe itself.
// REQUIRES: the store outlives the iterator.
class HistoryIterator {
 public:
  HistoryIterator(const MvccStore* store, int64_t from) : store_(store), next_(from) {}
  // Appends the next revisions (up to about max_events events) to *out; appends nothing
  // once caught up with the store. Compacted if the history it needs was compacted since.
  Status Next(std::vector<RevisionEvents>* out, size_t max_events = 1024);
  // The first revision not yet returned.
  int64_t next_revision() const { return next_; }

 private:
  const MvccStore* store_;
  int64_t next_;
};

}  // namespace myetcd::mvcc
