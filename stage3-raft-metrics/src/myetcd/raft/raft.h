// Raft: one node's consensus state machine (Raft paper, Figure 2), written as a pure state
// machine in the style of etcd-io/raft. It has no sockets, threads, files, locks or clock:
//
//   inputs   Tick()          one logical clock tick (the driver decides how long one is)
//            Step(message)   a message from another node
//            Propose(data)   a new command, on the leader
//   outputs  GetReady()      what to persist, what to send, what to apply
//            Advance()       "done with that Ready"
//
// The driver's loop, whatever it runs on (the simulator here; the node and its WAL later):
//
//   while (raft.HasReady()) {
//     Ready rd = raft.GetReady();
//     persist rd.entries and rd.hard_state, durably, in one go;   // before anything else
//     send rd.messages;                                            // followers answer only
//     apply rd.committed_entries in order;                         //   what they persisted
//     raft.Advance();
//   }
//
// The leader counts itself towards a commit only after Advance(), that is after its own
// persist (ARCHITECTURE §2), so a commit never rests on an entry that a crash could lose.
//
// Randomness (election timeouts) comes from Config::seed, so a run is a function of its
// inputs: the simulator replays a failing seed exactly.
//
// Sub-algorithms live in their own files: log.cc (the log, §5.3), progress.cc (leader's
// view of followers, flow control), quorum.cc (majorities), vote.cc (granting a vote),
// commit.cc (the commit rule, §5.4.2), backtrack.cc (conflict hints), election.cc (timeouts,
// pre-vote, campaigns) and replication.cc (appends, heartbeats, commit). raft.cc holds the
// term rules and dispatch by role.
//
// Not here yet (next issue; see ARCHITECTURE §9): snapshots (Storage already leaves room),
// ReadIndex, membership changes (quorum.h is where configurations will live), leader
// transfer.
//
// Thread-safety: none. One driver thread (or strand) owns a Raft object.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "myetcd/common/result.h"
#include "myetcd/common/status.h"
#include "myetcd/raft/backtrack.h"
#include "myetcd/raft/log.h"
#include "myetcd/raft/progress.h"
#include "myetcd/raft/quorum.h"
#include "myetcd/raft/storage.h"
#include "myetcd/raft/types.h"

namespace myetcd::raft {

struct Config {
  NodeId id = kNone;
  std::vector<NodeId> voters;  // every member, this node included
  // REQUIRES: outlives the Raft object. Its entries and hard state are the node's start.
  const Storage* storage = nullptr;
  // A follower that hears nothing from a leader for a random number of ticks in
  // [election_tick, 2 * election_tick) starts an election. REQUIRES: > heartbeat_tick.
  int election_tick = 10;
  int heartbeat_tick = 1;    // a leader sends heartbeats this often
  uint64_t seed = 1;         // for the randomized election timeouts
  bool pre_vote = true;      // thesis §9.6: ask before raising the term
  bool check_quorum = true;  // a leader that hears no majority for election_tick steps down
  size_t max_inflight = 64;  // unanswered appends per follower (replicate state)
  uint64_t max_batch_bytes = 64 * 1024;  // entry bytes per append (EntrySize)
  Index applied = 0;                     // entries up to here were applied before a restart
};

struct Ready {
  std::optional<HardState> hard_state;   // set when it changed since the last Ready
  std::vector<Entry> entries;            // to persist (may replace a stored suffix)
  std::vector<Entry> committed_entries;  // to apply, in order, after persisting
  std::vector<Message> messages;         // to send, after persisting
};

class Raft {
 public:
  explicit Raft(const Config& config);  // aborts on an invalid config (a programming error)

  void Tick();
  // Handles one message. A message for another node or from a stale term is dropped.
  void Step(const Message& m);
  // Appends `data` to the log if this node leads. Returns the entry's index, which the
  // caller must NOT use to find its result later (a new leader may put another entry
  // there): the caller puts its own request id inside `data`.
  Result<Index> Propose(std::string data);
  // Appends several commands as one batch (one append message per follower instead of one
  // per command: how the leader's batcher feeds the core). Returns the last entry's index.
  // REQUIRES: !data.empty().
  Result<Index> ProposeBatch(std::vector<std::string> data);
  // Starts an election now (a test and scenario hook; Tick does it on timeout).
  void Campaign();

  bool HasReady() const;
  // REQUIRES: no Step/Tick/Propose between GetReady() and its Advance().
  Ready GetReady();
  void Advance();

  // Observers (tests, the simulator's invariant checker, the trace).
  NodeId id() const { return id_; }
  Term term() const { return term_; }
  NodeId vote() const { return vote_; }
  Role role() const { return role_; }
  NodeId leader() const { return leader_; }
  const RaftLog& log() const { return log_; }
  HardState hard_state() const { return HardState{term_, vote_, log_.committed()}; }
  const ProgressTracker& progress() const { return progress_; }
  int randomized_election_timeout() const { return randomized_election_timeout_; }

 private:
  // raft.cc: roles and the term rules.
  void BecomeFollower(Term term, NodeId leader);
  void BecomePreCandidate();
  void BecomeCandidate();
  void BecomeLeader();
  void Reset(Term term);
  void ResetRandomizedElectionTimeout();
  void Send(Message m);
  bool StepTerm(const Message& m);  // false: the message is stale or ignored

  // election.cc
  void TickElection();
  void StartCampaign(bool pre_vote);
  void HandleVoteRequest(const Message& m);
  void HandleVoteResponse(const Message& m);
  bool InLease() const;

  // replication.cc
  void TickHeartbeat();
  bool SendAppend(NodeId to, bool send_if_empty);
  void BroadcastAppend();
  void BroadcastHeartbeat();
  void HandleAppend(const Message& m);
  void HandleHeartbeat(const Message& m);
  void HandleAppendResponse(const Message& m);
  void HandleHeartbeatResponse(const Message& m);
  bool MaybeCommit();
  void AppendEntriesAsLeader(std::vector<Entry> entries);
  TermView LogView() const;

  uint64_t NextRandom();

  const NodeId id_;
  const std::vector<NodeId> voters_;
  const Config config_;
  RaftLog log_;
  const Storage* storage_;

  Term term_ = 0;
  NodeId vote_ = kNone;
  Role role_ = Role::kFollower;
  NodeId leader_ = kNone;

  int election_elapsed_ = 0;   // ticks since we last heard from a leader (or led a check)
  int heartbeat_elapsed_ = 0;  // leader: ticks since the last heartbeat
  int randomized_election_timeout_ = 0;
  uint64_t rng_state_;

  VoteTally votes_;
  ProgressTracker progress_;

  std::vector<Message> msgs_;
  HardState prev_hard_state_;  // as last handed out in a Ready

  // What the last GetReady handed out, for Advance.
  bool ready_pending_ = false;
  Index ready_last_entry_index_ = 0;
  Term ready_last_entry_term_ = 0;
  Index ready_last_committed_ = 0;
};

}  // namespace myetcd::raft
