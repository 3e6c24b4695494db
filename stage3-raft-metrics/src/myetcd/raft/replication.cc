// Raft §5.3 (log replication), §5.4.2 (the commit rule) and the leader's side of §5.2
// (heartbeats). Flow control and fast backtracking follow etcd-io/raft.
//
// Leader: every follower has a Progress (progress.h). An append carries the entries from
// the follower's `next` on, with (prev index, prev term) of the entry just before them, so
// the follower can check that its log agrees up to there (the Log Matching property,
// §5.3). An accepted append raises `match`; a rejected one carries a hint (backtrack.h)
// and the leader probes lower. The commit index moves when a majority's match does, by
// the rule in commit.h.
//
// Follower: accept an append only if prev matches (log.cc has the four steps), answer
// with the index of the last entry it now holds; refuse with a hint otherwise. A heartbeat
// carries min(follower's match, leader's commit), so it never commits an entry the
// follower might not hold.
#include <algorithm>

#include "myetcd/common/canary.h"
#include "myetcd/raft/backtrack.h"
#include "myetcd/raft/commit.h"
#include "myetcd/raft/raft.h"

namespace myetcd::raft {

TermView Raft::LogView() const {
  return TermView{.last_index = log_.LastIndex(),
                  .term_at = [this](Index i) { return log_.TermAt(i); }};
}

void Raft::TickHeartbeat() {
  ++heartbeat_elapsed_;
  ++election_elapsed_;
  if (election_elapsed_ >= config_.election_tick) {
    election_elapsed_ = 0;
    if (config_.check_quorum && !progress_.QuorumActiveAndReset(id_)) {
      // We cannot hear a majority: step down, so clients go looking for a leader that can
      // commit instead of waiting on us forever.
      BecomeFollower(term_, kNone);
      return;
    }
  }
  if (heartbeat_elapsed_ >= config_.heartbeat_tick) {
    heartbeat_elapsed_ = 0;
    BroadcastHeartbeat();
  }
}

void Raft::AppendEntriesAsLeader(std::vector<Entry> entries) {
  log_.Append(std::move(entries));
  // Our own match moves only when these are persisted (Advance), never here.
  BroadcastAppend();
}

bool Raft::SendAppend(NodeId to, bool send_if_empty) {
  Progress& pr = progress_.Get(to);
  if (pr.IsPaused()) return false;
  Index prev = pr.next - 1;
  std::vector<Entry> entries = log_.EntriesFrom(pr.next, config_.max_batch_bytes);
  if (entries.empty() && !send_if_empty) return false;
  bool had_entries = !entries.empty();
  Index last = had_entries ? entries.back().index : prev;
  Send(Message{.type = MessageType::kAppend,
               .to = to,
               .log_term = log_.TermAt(prev),
               .index = prev,
               .entries = std::move(entries),
               .commit = log_.committed()});
  pr.SentEntries(last, had_entries);
  return true;
}

void Raft::BroadcastAppend() {
  for (NodeId peer : voters_) {
    if (peer != id_) SendAppend(peer, true);
  }
}

void Raft::BroadcastHeartbeat() {
  for (NodeId peer : voters_) {
    if (peer == id_) continue;
    const Progress& pr = progress_.Get(peer);
    Send(Message{.type = MessageType::kHeartbeat,
                 .to = peer,
                 .commit = std::min(pr.match, log_.committed())});
  }
}

bool Raft::MaybeCommit() {
  std::vector<Index> match = progress_.MatchIndexes();
  Index next;
  if (CanaryEnabled("COMMIT_OLD_TERM_BY_COUNTING")) {
    // Planted bug: commit whatever a majority holds, whatever its term (Figure 8).
    next = std::max(log_.committed(), QuorumMatchIndex(match));
  } else {
    next = NextCommitIndex(CommitInput{.match = match,
                                       .committed = log_.committed(),
                                       .current_term = term_,
                                       .term_at = [this](Index i) { return log_.TermAt(i); }});
  }
  if (next <= log_.committed()) return false;
  log_.CommitTo(next);
  return true;
}

void Raft::HandleAppend(const Message& m) {
  using T = MessageType;
  if (m.index < log_.committed()) {
    // Everything up to our commit index agrees with every leader's log already; tell the
    // leader where we are instead of checking an old prev.
    Send(Message{.type = T::kAppendResp, .to = m.from, .index = log_.committed()});
    return;
  }
  if (auto last_new = log_.MaybeAppend(m.index, m.log_term, m.commit, m.entries)) {
    Send(Message{.type = T::kAppendResp, .to = m.from, .index = *last_new});
    return;
  }
  RejectHint hint = FollowerRejectHint(LogView(), m.index, m.log_term);
  Send(Message{.type = T::kAppendResp,
               .to = m.from,
               .log_term = hint.term,
               .index = m.index,
               .reject = true,
               .reject_hint = hint.index});
}

void Raft::HandleHeartbeat(const Message& m) {
  log_.CommitTo(std::min(m.commit, log_.LastIndex()));
  Send(Message{.type = MessageType::kHeartbeatResp, .to = m.from});
}

void Raft::HandleAppendResponse(const Message& m) {
  Progress& pr = progress_.Get(m.from);
  pr.recent_active = true;
  if (m.reject) {
    Index next_probe =
        LeaderNextProbe(LogView(), m.index, RejectHint{.index = m.reject_hint, .term = m.log_term});
    if (pr.MaybeDecrTo(m.index, next_probe)) SendAppend(m.from, true);
    return;
  }
  bool was_paused = pr.IsPaused();
  bool updated = pr.MaybeUpdate(m.index);
  // A probe accepted at the match we already knew still ends the probing.
  bool probe_acked = pr.state == Progress::State::kProbe && pr.match == m.index;
  if (!updated && !probe_acked) return;
  if (pr.state == Progress::State::kProbe) {
    pr.BecomeReplicate();
  } else {
    pr.inflights.FreeLE(m.index);
  }
  if (MaybeCommit()) {
    BroadcastAppend();
  } else if (was_paused) {
    // While it was paused the follower may have missed a commit index broadcast: send it
    // one (an empty append if there is nothing new).
    SendAppend(m.from, true);
  }
  // Stream whatever else the window allows.
  while (SendAppend(m.from, false)) {
  }
}

void Raft::HandleHeartbeatResponse(const Message& m) {
  Progress& pr = progress_.Get(m.from);
  pr.recent_active = true;
  pr.probe_sent = false;
  // A full window whose answers were lost would stall the follower forever; a heartbeat
  // answer proves it is alive, so let one more append out.
  if (pr.state == Progress::State::kReplicate && pr.inflights.Full()) pr.inflights.FreeFirstOne();
  if (pr.match < log_.LastIndex()) SendAppend(m.from, true);
}

}  // namespace myetcd::raft
