#include "myetcd/raft/invariants.h"

#include <fmt/format.h>

namespace myetcd::raft {

InvariantChecker::InvariantChecker(size_t nodes) : nodes_(nodes + 1), committed_(1) {}

void InvariantChecker::Fail(std::string what) {
  if (!violation_) violation_ = std::move(what);
}

void InvariantChecker::OnPersist(const Raft& raft, const Ready& rd) {
  NodeFacts& f = nodes_[raft.id()];
  if (rd.hard_state) {
    const HardState& hs = *rd.hard_state;
    if (hs.term < f.persisted.term) {
      Fail(fmt::format("persisted term went down: node {} term {} -> {}", raft.id(),
                       f.persisted.term, hs.term));
    }
    if (hs.term == f.persisted.term && f.persisted.vote != kNone && hs.vote != f.persisted.vote) {
      Fail(fmt::format("one vote per term: node {} voted for {} and then {} in term {}", raft.id(),
                       f.persisted.vote, hs.vote, hs.term));
    }
    if (hs.commit < f.persisted.commit) {
      Fail(fmt::format("persisted commit went down: node {} {} -> {}", raft.id(),
                       f.persisted.commit, hs.commit));
    }
    f.persisted = hs;
  }
  for (const Entry& e : rd.entries) {
    Term prev_term = e.index > 1 ? raft.log().TermAt(e.index - 1) : 0;
    auto [it, inserted] =
        entries_.try_emplace(EntryKey{e.index, e.term}, EntryFacts{e.data, prev_term});
    if (inserted) continue;
    if (it->second.data != e.data) {
      Fail(fmt::format("log matching: node {} holds entry {} with data '{}', another node '{}'",
                       raft.id(), Describe(e), e.data, it->second.data));
    } else if (it->second.prev_term != prev_term) {
      Fail(fmt::format("log matching: entry {} follows term {} on node {}, term {} elsewhere",
                       Describe(e), prev_term, raft.id(), it->second.prev_term));
    }
  }
}

void InvariantChecker::OnApply(NodeId node, const Entry& e) {
  if (applied_.size() <= e.index) applied_.resize(e.index + 1);
  auto& slot = applied_[e.index];
  if (!slot) {
    slot = e;
  } else if (*slot != e) {
    Fail(
        fmt::format("state machine safety: node {} applied {} '{}' at index {}, another node "
                    "applied {} '{}'",
                    node, Describe(e), e.data, e.index, Describe(*slot), slot->data));
  }
}

void InvariantChecker::OnRestart(const Raft& raft) {
  NodeFacts& f = nodes_[raft.id()];
  f.commit = raft.log().committed();
  f.leader_term = 0;
  f.completeness_checked = 0;
}

namespace {

// A log as §5.4.1 compares it: by last term, then by length.
struct LogTip {
  Index last_index;
  Term last_term;
  bool AtLeastAsUpToDateAs(const LogTip& o) const {
    return last_term > o.last_term || (last_term == o.last_term && last_index >= o.last_index);
  }
};

}  // namespace

// In a correct Raft a committed entry (i, t) is durably on a majority M whose logs all end
// in a term >= the committing leader's term; a log without (i, t) ends in an earlier term,
// so nobody in M would vote for its owner. With a commit by counting old-term replicas
// (Figure 8), M's logs may end in that old term and a node with a later last term but
// without the entry could still be elected and overwrite it.
void InvariantChecker::CheckCommitIsDurable(const std::vector<NodeView>& nodes, Index i) {
  Term t = committed_[i].term;
  auto views = [](const NodeView& n) {
    std::vector<std::pair<LogTip, bool>> out;  // (tip, holds the entry?)
    if (n.raft != nullptr) {
      const RaftLog& log = n.raft->log();
      out.push_back({LogTip{log.LastIndex(), log.LastTerm()}, false});
    }
    out.push_back(
        {LogTip{n.storage->LastIndex(), n.storage->TermAt(n.storage->LastIndex())}, false});
    return out;
  };
  for (size_t x = 0; x < nodes.size(); ++x) {
    auto xv = views(nodes[x]);
    bool in_memory = nodes[x].raft != nullptr;
    for (size_t k = 0; k < xv.size(); ++k) {
      bool holds = (in_memory && k == 0) ? nodes[x].raft->log().TermAt(i) == t
                                         : nodes[x].storage->TermAt(i) == t;
      if (holds) continue;
      const LogTip& tip = xv[k].first;
      size_t voters = 0;
      for (size_t y = 0; y < nodes.size(); ++y) {
        if (y == x) {
          ++voters;
          continue;
        }
        for (const auto& [ytip, unused] : views(nodes[y])) {
          if (tip.AtLeastAsUpToDateAs(ytip)) {
            ++voters;
            break;
          }
        }
      }
      if (voters >= nodes.size() / 2 + 1) {
        Fail(
            fmt::format("leader completeness: entry {}/{} was just committed in term {}, but "
                        "node {} lacks it and its log (last entry {}/{}{}) is at least as up "
                        "to date as {} of {} logs, so it could still be elected and overwrite "
                        "it",
                        i, t, committed_[i].commit_term, x + 1, tip.last_index, tip.last_term,
                        k == 0 && in_memory ? "" : ", on disk", voters, nodes.size()));
        return;
      }
    }
  }
}

void InvariantChecker::Check(const std::vector<NodeView>& nodes) {
  for (const NodeView& view : nodes) {
    const Raft* r = view.raft;
    if (r == nullptr) continue;
    Index known = committed_.size() - 1;
    NodeFacts& f = nodes_[r->id()];
    // Commit monotonicity, and every committed index has one term forever.
    Index commit = r->log().committed();
    if (commit < f.commit) {
      Fail(fmt::format("commit index went down: node {} {} -> {}", r->id(), f.commit, commit));
    }
    for (Index i = f.commit + 1; i <= commit; ++i) {
      Term t = r->log().TermAt(i);
      if (i < committed_.size()) {
        if (committed_[i].term != t) {
          Fail(fmt::format("node {} committed {}/{} but {}/{} was committed before (term {})",
                           r->id(), i, t, i, committed_[i].term, committed_[i].commit_term));
        }
      } else {
        MYETCD_RAFT_CHECK(i == committed_.size(), "committed indexes are learnt in order");
        committed_.push_back(Committed{t, r->term()});
      }
    }
    f.commit = std::max(f.commit, commit);
    if (committed_.size() - 1 > known) CheckCommitIsDurable(nodes, committed_.size() - 1);

    if (r->role() != Role::kLeader) continue;
    // Election safety.
    auto [it, inserted] = leader_of_term_.try_emplace(r->term(), r->id());
    if (!inserted && it->second != r->id()) {
      Fail(fmt::format("election safety: nodes {} and {} are both leaders of term {}", it->second,
                       r->id(), r->term()));
    }
    // Leader completeness, incrementally: a leader never loses entries, so an index once
    // checked for this leader stays good.
    if (f.leader_term != r->term()) {
      f.leader_term = r->term();
      f.completeness_checked = 0;
    }
    for (Index i = f.completeness_checked + 1; i < committed_.size(); ++i) {
      const Committed& c = committed_[i];
      if (c.commit_term < r->term() && r->log().TermAt(i) != c.term) {
        Fail(
            fmt::format("leader completeness: entry {}/{} was committed in term {}, but the "
                        "leader of term {} (node {}) has {}",
                        i, c.term, c.commit_term, r->term(), r->id(),
                        r->log().TermAt(i) == 0 ? std::string("no entry there")
                                                : fmt::format("{}/{}", i, r->log().TermAt(i))));
      }
    }
    f.completeness_checked = committed_.size() - 1;
  }
}

}  // namespace myetcd::raft
