// InvariantChecker: Raft's safety properties (Raft Figure 3), checked after every step of
// a simulation, the way logcabin's RaftConsensusInvariants checks a running server.
//
//   Election safety       at most one leader per term
//   One vote per term     a node's persisted vote never changes within a term
//   Log matching          two logs holding an entry with the same index and term hold the
//                         same entry there and agree on every entry before it
//   Leader completeness   an entry committed in term T is in the log of every leader of a
//                         term above T; and, looking ahead, when an entry becomes
//                         committed no node lacking it could win an election: its log (in
//                         memory or on disk) is behind a majority's by §5.4.1, so at most a
//                         minority would vote for it. (A commit that breaks this is a
//                         commit a future leader may overwrite: Figure 8.)
//   Commit monotonicity   a node's commit index never goes down (within one life; after a
//                         restart it starts again from its persisted commit), and no index
//                         is ever committed with two different terms
//   State machine safety  no two nodes apply different entries at one index
//
// Everything is incremental (each entry is checked when it enters a log, is committed or
// is applied), so checking after every step stays cheap enough for thousands of seeds.
// The first violation is kept; later ones are ignored.
//
// Thread-safety: none; one simulator owns one checker.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "myetcd/raft/raft.h"

namespace myetcd::raft {

class InvariantChecker {
 public:
  // `nodes` are the ids 1..n.
  explicit InvariantChecker(size_t nodes);

  // While handling a Ready of `raft`, before it is persisted: the entries about to be
  // stored (log matching) and the hard state (one vote per term).
  void OnPersist(const Raft& raft, const Ready& rd);
  // A node applied `e` to its state machine.
  void OnApply(NodeId node, const Entry& e);
  // A node restarted from its persisted state.
  void OnRestart(const Raft& raft);
  // One node as the checker sees it: its Raft object (null while it is down) and its
  // persisted log (what it would restart from).
  struct NodeView {
    const Raft* raft = nullptr;
    const Storage* storage = nullptr;
  };
  // After every step. `nodes[i]` is node i + 1.
  void Check(const std::vector<NodeView>& nodes);

  bool ok() const { return !violation_; }
  const std::string& violation() const { return *violation_; }

  // For statistics: the highest index known committed anywhere, and leaders seen.
  Index max_committed() const { return committed_.size() - 1; }
  size_t leaders_seen() const { return leader_of_term_.size(); }

 private:
  struct EntryKey {
    Index index;
    Term term;
    auto operator<=>(const EntryKey&) const = default;
  };
  struct EntryFacts {
    std::string data;
    Term prev_term;
  };
  struct Committed {
    Term term;         // the entry's term
    Term commit_term;  // the term of the leader that committed it
  };
  struct NodeFacts {
    Index commit = 0;                // highest commit seen in this life
    HardState persisted;             // last persisted hard state
    Term leader_term = 0;            // the term it was last seen leading
    Index completeness_checked = 0;  // leader: committed indexes checked against its log
  };

  void Fail(std::string what);
  void CheckCommitIsDurable(const std::vector<NodeView>& nodes, Index i);

  std::vector<NodeFacts> nodes_;  // [0] unused
  std::map<Term, NodeId> leader_of_term_;
  std::map<EntryKey, EntryFacts> entries_;
  std::vector<Committed> committed_;  // [0] is a sentinel
  std::vector<std::optional<Entry>> applied_;
  std::optional<std::string> violation_;
};

}  // namespace myetcd::raft
