// RaftLog: one node's view of the replicated log (Raft §5.3, "Log replication").
//
// Entries come in two parts: those the caller has persisted (in Storage) and the
// "unstable" tail that the core appended since the last Ready and that the caller has not
// persisted yet. A follower's conflicting suffix is replaced in the unstable part first
// and reaches Storage with the next Ready, where MemoryStorage::Append truncates it.
//
//   storage:   [first ............................ storage last]
//   unstable:                         [offset ......... last]     (wins where they overlap)
//
// Also kept here: `committed` (highest index known to be committed, §5.3) and `applied`
// (highest index handed to the state machine). applied <= committed <= LastIndex() always.
//
// Thread-safety: none; owned by one Raft object.
#pragma once

#include <optional>
#include <vector>

#include "myetcd/raft/storage.h"
#include "myetcd/raft/types.h"

namespace myetcd::raft {

class RaftLog {
 public:
  // The log starts as what `storage` holds, with committed = storage's hard state commit and
  // applied = `applied` (entries in (applied, committed] are handed out again).
  RaftLog(const Storage* storage, Index applied);

  Index FirstIndex() const { return storage_->FirstIndex(); }
  Index LastIndex() const;
  Term LastTerm() const { return TermAt(LastIndex()); }
  // The term of entry i; 0 when i is past the end or compacted.
  Term TermAt(Index i) const;
  bool MatchTerm(Index i, Term t) const { return TermAt(i) == t && (i == 0 || t != 0); }
  // §5.4.1: a candidate whose last entry is (index, term) is at least as up to date as us.
  bool IsUpToDate(Index last_index, Term last_term) const;

  // Entries [lo, LastIndex()], at most max_bytes of them (at least one if any).
  std::vector<Entry> EntriesFrom(Index lo, uint64_t max_bytes) const;
  Entry At(Index i) const;  // REQUIRES: FirstIndex() <= i <= LastIndex()

  // Leader: appends new entries at the end. Returns the new last index.
  Index Append(std::vector<Entry> entries);
  // Follower side of AppendEntries (§5.3): if our entry at prev_index has prev_term, keeps
  // the entries of `entries` that we already have, replaces the first conflicting one and
  // everything after it, raises committed to min(leader_commit, last new index), and
  // returns the index of the last new entry. Returns nullopt when prev does not match.
  std::optional<Index> MaybeAppend(Index prev_index, Term prev_term, Index leader_commit,
                                   const std::vector<Entry>& entries);

  Index committed() const { return committed_; }
  Index applied() const { return applied_; }
  // REQUIRES: i <= LastIndex(). Never moves committed back.
  void CommitTo(Index i);
  void AppliedTo(Index i);  // REQUIRES: applied() <= i <= committed()

  // The Ready side: what to persist and what to apply.
  const std::vector<Entry>& Unstable() const { return unstable_; }
  // The caller persisted everything up to (index, term): drop that prefix of unstable.
  void StableTo(Index index, Term term);
  // The last index that is durable and still part of our log.
  Index StableLastIndex() const;
  std::vector<Entry> NextCommitted() const;  // (applied, committed]
  bool HasNextCommitted() const { return committed_ > applied_; }

 private:
  const Storage* storage_;
  std::vector<Entry> unstable_;
  Index offset_;  // index of unstable_[0], or where it would go
  Index committed_;
  Index applied_;
};

}  // namespace myetcd::raft
