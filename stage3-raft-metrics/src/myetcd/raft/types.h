// The vocabulary of the Raft core: log entries, the hard state that must survive a crash,
// the messages nodes exchange, and the roles a node plays. Plain values, no behaviour;
// everything here is copied freely and is safe to use from any thread as a value.
//
// Indexes start at 1; index 0 with term 0 is the empty log's "previous entry", so every
// AppendEntries has a well-defined (prev index, prev term). A term of 0 never appears on a
// real entry, which is why lookups out of range answer 0 (see RaftLog::TermAt).
#pragma once

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

namespace myetcd::raft {

using NodeId = uint64_t;
using Term = uint64_t;
using Index = uint64_t;

// "Nobody": no vote cast, no leader known. Node ids start at 1.
constexpr NodeId kNone = 0;

// One log entry. `data` is opaque to Raft; the caller puts its request id inside it
// (ARCHITECTURE §2: a waiting request is matched by the id in the applied entry, never by
// index). An empty `data` is the no-op a new leader appends (Raft §5.4.2, §8).
struct Entry {
  Term term = 0;
  Index index = 0;
  std::string data;

  friend bool operator==(const Entry&, const Entry&) = default;
};

// What an entry counts for against a byte limit (flow control, Entries()): its data plus a
// fixed 16 bytes for index, term and framing, so even no-ops are not free.
inline uint64_t EntrySize(const Entry& e) { return e.data.size() + 16; }

// What a node must persist before it answers anyone (Raft Figure 2, "Persistent state"):
// its current term, whom it voted for in that term, and (as etcd does) the commit index,
// so a restarted node does not apply less than it already knew was committed.
struct HardState {
  Term term = 0;
  NodeId vote = kNone;
  Index commit = 0;

  friend bool operator==(const HardState&, const HardState&) = default;
};

enum class MessageType : uint8_t {
  kPreVote,  // §9.6: "would you vote for me?", sent without raising our term
  kPreVoteResp,
  kVote,  // RequestVote (§5.2)
  kVoteResp,
  kAppend,  // AppendEntries with entries, or an empty one carrying the commit index
  kAppendResp,
  kHeartbeat,  // AppendEntries without entries and without a consistency check
  kHeartbeatResp,
};

// One message between two nodes. The meaning of the fields depends on the type:
//
//   type            term            index         log_term      entries  commit  reject
//   kPreVote        our term + 1    last index    last term     -        -       -
//   kVote           candidate term  last index    last term     -        -       -
//   k*VoteResp      voter's term    -             -             -        -       refused?
//   kAppend         leader term     prev index    prev term     new      leader  -
//   kAppendResp     follower term   last new /    hint term     -        -       refused?
//                                   rejected idx  (reject_hint = hint index)
//   kHeartbeat      leader term     -             -             -        min(match, commit)
//   kHeartbeatResp  follower term   -             -             -        -       -
struct Message {
  MessageType type = MessageType::kHeartbeat;
  NodeId from = kNone;
  NodeId to = kNone;
  Term term = 0;
  Term log_term = 0;
  Index index = 0;
  std::vector<Entry> entries;
  Index commit = 0;
  bool reject = false;
  Index reject_hint = 0;

  friend bool operator==(const Message&, const Message&) = default;
};

enum class Role : uint8_t { kFollower, kPreCandidate, kCandidate, kLeader };

std::string_view RoleName(Role role);                // "follower", "pre-candidate", ...
char RoleLetter(Role role);                          // F, P, C, L (the trace tool's columns)
std::string_view MessageTypeName(MessageType type);  // "Vote", "AppendResp", ...
// One line, e.g. "1->2 Append term=2 prev=3/1 entries=[4/2 5/2] commit=3".
std::string Describe(const Message& m);
// "3/2" (index/term), the notation of the transcripts.
std::string Describe(const Entry& e);

// A broken invariant inside the core is a bug, not an expected failure: stop with a
// message (STYLE practice 5). Used for "can never happen" states only.
[[noreturn]] void Panic(const char* file, int line, const std::string& message);

}  // namespace myetcd::raft

#define MYETCD_RAFT_CHECK(cond, msg)                                                         \
  do {                                                                                       \
    if (!(cond)) ::myetcd::raft::Panic(__FILE__, __LINE__, std::string(#cond ": ") + (msg)); \
  } while (0)
