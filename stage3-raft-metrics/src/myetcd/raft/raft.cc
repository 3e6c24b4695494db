// Raft Figure 2, "Rules for Servers", All Servers: "If RPC request or response contains
// term T > currentTerm: set currentTerm = T, convert to follower (§5.1)." — and the roles
// that rule moves between. Everything a role does lives in election.cc and replication.cc;
// this file decides which of them runs.
//
// The term rules, as etcd-io/raft refines them:
//  * A higher term makes us a follower of it, except (a) a (pre-)vote request that arrives
//    while we still hear from a leader (check-quorum's lease: a node that was cut off and
//    times out must not depose a working leader), (b) a pre-vote request (it raises no
//    term, ours included), (c) a granted pre-vote response (it carries the term we would
//    take, not one anybody is in).
//  * A lower term is stale: dropped, except that a stale leader's append or heartbeat gets
//    an answer with our term (so it learns it was deposed), and a pre-vote gets a refusal
//    with our term (so the pre-candidate learns it is behind).
#include "myetcd/raft/raft.h"

#include <algorithm>

#include <fmt/format.h>

namespace myetcd::raft {

namespace {

std::vector<NodeId> SortedVoters(std::vector<NodeId> v) {
  std::sort(v.begin(), v.end());
  v.erase(std::unique(v.begin(), v.end()), v.end());
  return v;
}

}  // namespace

Raft::Raft(const Config& config)
    : id_(config.id),
      voters_(SortedVoters(config.voters)),
      config_(config),
      log_(config.storage, config.applied),
      storage_(config.storage),
      rng_state_(config.seed * 0x9E3779B97F4A7C15ull + config.id) {
  MYETCD_RAFT_CHECK(id_ != kNone, "node id 0 is reserved for 'none'");
  MYETCD_RAFT_CHECK(std::find(voters_.begin(), voters_.end(), id_) != voters_.end(),
                    "the node is not among its voters");
  MYETCD_RAFT_CHECK(config.heartbeat_tick > 0 && config.election_tick > config.heartbeat_tick,
                    "need 0 < heartbeat_tick < election_tick");
  MYETCD_RAFT_CHECK(config.max_inflight > 0, "max_inflight must be positive");
  HardState hs = storage_->InitialState();
  term_ = hs.term;
  vote_ = hs.vote;
  prev_hard_state_ = hs;
  BecomeFollower(term_, kNone);
}

uint64_t Raft::NextRandom() {
  // splitmix64: small, fast, and the same on every platform.
  uint64_t z = (rng_state_ += 0x9E3779B97F4A7C15ull);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

void Raft::ResetRandomizedElectionTimeout() {
  randomized_election_timeout_ =
      config_.election_tick + static_cast<int>(NextRandom() % config_.election_tick);
}

void Raft::Reset(Term term) {
  if (term_ != term) {
    term_ = term;
    vote_ = kNone;
  }
  leader_ = kNone;
  election_elapsed_ = 0;
  heartbeat_elapsed_ = 0;
  ResetRandomizedElectionTimeout();
  votes_.Reset(voters_);
}

void Raft::BecomeFollower(Term term, NodeId leader) {
  Reset(term);
  role_ = Role::kFollower;
  leader_ = leader;
}

void Raft::BecomePreCandidate() {
  MYETCD_RAFT_CHECK(role_ != Role::kLeader, "a leader cannot become a pre-candidate");
  // No new term and no vote: a pre-election changes nothing anyone must persist.
  Reset(term_);
  role_ = Role::kPreCandidate;
}

void Raft::BecomeCandidate() {
  MYETCD_RAFT_CHECK(role_ != Role::kLeader, "a leader cannot become a candidate");
  Reset(term_ + 1);
  vote_ = id_;
  role_ = Role::kCandidate;
}

void Raft::BecomeLeader() {
  MYETCD_RAFT_CHECK(role_ == Role::kCandidate, "only a candidate becomes leader");
  Reset(term_);
  role_ = Role::kLeader;
  leader_ = id_;
  progress_.Reset(voters_, log_.LastIndex() + 1, config_.max_inflight);
  Progress& self = progress_.Get(id_);
  // We count ourselves for what we have persisted; Advance() raises it as we persist more.
  self.match = log_.StableLastIndex();
  self.BecomeReplicate();
  self.recent_active = true;
  // §5.4.2 and §8: a no-op of our term, so earlier entries can commit (through it) soon,
  // and a read knows when the leader has committed everything committed before it.
  AppendEntriesAsLeader({Entry{term_, log_.LastIndex() + 1, ""}});
}

void Raft::Send(Message m) {
  m.from = id_;
  if (m.term == 0 && m.type != MessageType::kPreVote) m.term = term_;
  msgs_.push_back(std::move(m));
}

void Raft::Tick() {
  if (role_ == Role::kLeader) {
    TickHeartbeat();
  } else {
    TickElection();
  }
}

bool Raft::StepTerm(const Message& m) {
  using T = MessageType;
  if (m.term > term_) {
    if (m.type == T::kVote || m.type == T::kPreVote) {
      if (InLease()) return false;  // (a): we still hear from a leader
    }
    if (m.type == T::kPreVote) return true;                   // (b)
    if (m.type == T::kPreVoteResp && !m.reject) return true;  // (c)
    if (m.type == T::kAppend || m.type == T::kHeartbeat) {
      BecomeFollower(m.term, m.from);
    } else {
      BecomeFollower(m.term, kNone);
    }
    return true;
  }
  if (m.term < term_) {
    if ((config_.check_quorum || config_.pre_vote) &&
        (m.type == T::kAppend || m.type == T::kHeartbeat)) {
      Send(Message{.type = T::kAppendResp, .to = m.from});  // "you were deposed"
    } else if (m.type == T::kPreVote) {
      Send(Message{.type = T::kPreVoteResp, .to = m.from, .reject = true});
    }
    return false;
  }
  return true;
}

void Raft::Step(const Message& m) {
  using T = MessageType;
  if (m.to != id_ || m.from == id_ || m.from == kNone) return;
  if (std::find(voters_.begin(), voters_.end(), m.from) == voters_.end()) return;
  if (!StepTerm(m)) return;

  if (m.type == T::kVote || m.type == T::kPreVote) {
    HandleVoteRequest(m);
    return;
  }
  switch (role_) {
    case Role::kLeader:
      if (m.type == T::kAppendResp) HandleAppendResponse(m);
      if (m.type == T::kHeartbeatResp) HandleHeartbeatResponse(m);
      // Another leader of our term cannot exist (election safety); appends of our term
      // from elsewhere would be a bug the invariant checker reports.
      break;
    case Role::kPreCandidate:
    case Role::kCandidate:
      if (m.type == T::kAppend || m.type == T::kHeartbeat) {
        // Someone won this term: follow it (§5.2).
        BecomeFollower(term_, m.from);
        if (m.type == T::kAppend)
          HandleAppend(m);
        else
          HandleHeartbeat(m);
      } else if (m.type == T::kVoteResp || m.type == T::kPreVoteResp) {
        HandleVoteResponse(m);
      }
      break;
    case Role::kFollower:
      if (m.type == T::kAppend || m.type == T::kHeartbeat) {
        election_elapsed_ = 0;
        leader_ = m.from;
        if (m.type == T::kAppend)
          HandleAppend(m);
        else
          HandleHeartbeat(m);
      }
      break;
  }
}

Result<Index> Raft::Propose(std::string data) {
  std::vector<std::string> one;
  one.push_back(std::move(data));
  return ProposeBatch(std::move(one));
}

Result<Index> Raft::ProposeBatch(std::vector<std::string> data) {
  if (role_ != Role::kLeader) {
    return Status::Aborted(fmt::format("node {} is not the leader (leader: {})", id_, leader_));
  }
  MYETCD_RAFT_CHECK(!data.empty(), "an empty batch");
  std::vector<Entry> entries;
  entries.reserve(data.size());
  Index index = log_.LastIndex();
  for (std::string& d : data) entries.push_back(Entry{term_, ++index, std::move(d)});
  AppendEntriesAsLeader(std::move(entries));
  return index;
}

bool Raft::HasReady() const {
  return !msgs_.empty() || !log_.Unstable().empty() || log_.HasNextCommitted() ||
         hard_state() != prev_hard_state_;
}

Ready Raft::GetReady() {
  MYETCD_RAFT_CHECK(!ready_pending_, "GetReady twice without Advance");
  Ready rd;
  HardState hs = hard_state();
  if (hs != prev_hard_state_) rd.hard_state = hs;
  rd.entries = log_.Unstable();
  rd.committed_entries = log_.NextCommitted();
  rd.messages = std::move(msgs_);
  msgs_.clear();
  ready_pending_ = true;
  ready_last_entry_index_ = rd.entries.empty() ? 0 : rd.entries.back().index;
  ready_last_entry_term_ = rd.entries.empty() ? 0 : rd.entries.back().term;
  ready_last_committed_ = rd.committed_entries.empty() ? 0 : rd.committed_entries.back().index;
  if (rd.hard_state) prev_hard_state_ = *rd.hard_state;
  return rd;
}

void Raft::Advance() {
  MYETCD_RAFT_CHECK(ready_pending_, "Advance without GetReady");
  ready_pending_ = false;
  if (ready_last_entry_index_ != 0) {
    log_.StableTo(ready_last_entry_index_, ready_last_entry_term_);
  }
  if (ready_last_committed_ != 0) log_.AppliedTo(ready_last_committed_);
  if (role_ == Role::kLeader) {
    // Our own entries are durable now: only now do they count towards a majority.
    Progress& self = progress_.Get(id_);
    self.MaybeUpdate(log_.StableLastIndex());
    if (MaybeCommit()) BroadcastAppend();
  }
}

}  // namespace myetcd::raft
