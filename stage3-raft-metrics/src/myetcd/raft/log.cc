// Raft §5.3 (log replication) and §5.4.1 (election restriction), one node's log.
//
// The follower's rule from Figure 2, "AppendEntries RPC", receiver steps 2–5:
//   2. reply false if the log has no entry at prevLogIndex whose term is prevLogTerm;
//   3. if an existing entry conflicts with a new one (same index, different term), delete
//      it and all that follow;
//   4. append any new entries not already in the log;
//   5. if leaderCommit > commitIndex, set commitIndex = min(leaderCommit, last new entry).
// Step 3 must not delete anything when there is no conflict: a delayed, duplicated
// AppendEntries carrying a prefix of what we hold would otherwise cut entries we already
// acknowledged, and a leader may have counted them towards a commit.
#include "myetcd/raft/log.h"

#include <algorithm>

#include <fmt/format.h>

namespace myetcd::raft {

RaftLog::RaftLog(const Storage* storage, Index applied)
    : storage_(storage),
      offset_(storage->LastIndex() + 1),
      committed_(storage->InitialState().commit),
      applied_(applied) {
  MYETCD_RAFT_CHECK(committed_ <= storage->LastIndex(),
                    fmt::format("stored commit {} beyond the stored log's last index {}",
                                committed_, storage->LastIndex()));
  MYETCD_RAFT_CHECK(applied_ <= committed_, "applied beyond committed at start");
}

Index RaftLog::LastIndex() const {
  return unstable_.empty() ? storage_->LastIndex() : unstable_.back().index;
}

Term RaftLog::TermAt(Index i) const {
  if (i >= offset_) {
    if (i - offset_ < unstable_.size()) return unstable_[i - offset_].term;
    return 0;
  }
  return storage_->TermAt(i);
}

bool RaftLog::IsUpToDate(Index last_index, Term last_term) const {
  Term my_term = LastTerm();
  return last_term > my_term || (last_term == my_term && last_index >= LastIndex());
}

Entry RaftLog::At(Index i) const {
  MYETCD_RAFT_CHECK(i >= FirstIndex() && i <= LastIndex(),
                    fmt::format("entry {} outside [{}, {}]", i, FirstIndex(), LastIndex()));
  if (i >= offset_) return unstable_[i - offset_];
  return storage_->Entries(i, i + 1, UINT64_MAX).front();
}

std::vector<Entry> RaftLog::EntriesFrom(Index lo, uint64_t max_bytes) const {
  std::vector<Entry> out;
  Index last = LastIndex();
  if (lo > last) return out;
  MYETCD_RAFT_CHECK(lo >= FirstIndex(), fmt::format("entries from compacted index {}", lo));
  if (lo < offset_) {
    out = storage_->Entries(lo, std::min(offset_, last + 1), max_bytes);
    if (out.size() < std::min(offset_, last + 1) - lo) return out;  // the byte limit hit
  }
  uint64_t bytes = 0;
  for (const Entry& e : out) bytes += EntrySize(e);
  for (Index i = std::max(lo, offset_); i <= last; ++i) {
    const Entry& e = unstable_[i - offset_];
    bytes += EntrySize(e);
    if (!out.empty() && bytes > max_bytes) break;
    out.push_back(e);
  }
  return out;
}

Index RaftLog::Append(std::vector<Entry> entries) {
  if (entries.empty()) return LastIndex();
  Index first = entries.front().index;
  MYETCD_RAFT_CHECK(first > committed_, fmt::format("overwriting committed entry {} (committed {})",
                                                    first, committed_));
  MYETCD_RAFT_CHECK(first <= LastIndex() + 1,
                    fmt::format("gap: appending {} after {}", first, LastIndex()));
  if (first == offset_ + unstable_.size()) {
    // The common case: right after the unstable tail.
  } else if (first <= offset_) {
    // Replaces part of what is persisted: the whole unstable tail goes, and storage's
    // conflicting suffix is replaced when this reaches it.
    unstable_.clear();
    offset_ = first;
  } else {
    unstable_.resize(first - offset_);
  }
  for (Entry& e : entries) unstable_.push_back(std::move(e));
  return LastIndex();
}

std::optional<Index> RaftLog::MaybeAppend(Index prev_index, Term prev_term, Index leader_commit,
                                          const std::vector<Entry>& entries) {
  if (!MatchTerm(prev_index, prev_term)) return std::nullopt;
  Index last_new = prev_index + entries.size();
  // Find the first entry we do not hold (a conflict or past our end). Everything before it
  // is already ours: keep it, even if our log goes on past last_new (step 3 above).
  size_t k = 0;
  while (k < entries.size() && MatchTerm(entries[k].index, entries[k].term)) ++k;
  if (k < entries.size()) {
    MYETCD_RAFT_CHECK(entries[k].index > committed_,
                      fmt::format("a leader's entry {} conflicts with committed entry (commit {})",
                                  Describe(entries[k]), committed_));
    Append(std::vector<Entry>(entries.begin() + k, entries.end()));
  }
  CommitTo(std::min(leader_commit, last_new));
  return last_new;
}

void RaftLog::CommitTo(Index i) {
  if (i <= committed_) return;
  MYETCD_RAFT_CHECK(i <= LastIndex(),
                    fmt::format("commit {} beyond last index {}", i, LastIndex()));
  committed_ = i;
}

void RaftLog::AppliedTo(Index i) {
  MYETCD_RAFT_CHECK(i >= applied_ && i <= committed_,
                    fmt::format("applied {} outside [{}, {}]", i, applied_, committed_));
  applied_ = i;
}

void RaftLog::StableTo(Index index, Term term) {
  if (index < offset_ || TermAt(index) != term) return;  // replaced meanwhile
  unstable_.erase(unstable_.begin(), unstable_.begin() + (index - offset_ + 1));
  offset_ = index + 1;
}

Index RaftLog::StableLastIndex() const {
  return unstable_.empty() ? storage_->LastIndex() : offset_ - 1;
}

std::vector<Entry> RaftLog::NextCommitted() const {
  if (committed_ <= applied_) return {};
  std::vector<Entry> out;
  out.reserve(committed_ - applied_);
  Index lo = applied_ + 1;
  if (lo < offset_) {
    out = storage_->Entries(lo, std::min(offset_, committed_ + 1), UINT64_MAX);
  }
  for (Index i = std::max(lo, offset_); i <= committed_; ++i) out.push_back(unstable_[i - offset_]);
  return out;
}

}  // namespace myetcd::raft
