#include "myetcd/raft/types.h"

#include <fmt/format.h>

namespace myetcd::raft {

std::string_view RoleName(Role role) {
  switch (role) {
    case Role::kFollower: return "follower";
    case Role::kPreCandidate: return "pre-candidate";
    case Role::kCandidate: return "candidate";
    case Role::kLeader: return "leader";
  }
  return "?";
}

char RoleLetter(Role role) {
  switch (role) {
    case Role::kFollower: return 'F';
    case Role::kPreCandidate: return 'P';
    case Role::kCandidate: return 'C';
    case Role::kLeader: return 'L';
  }
  return '?';
}

std::string_view MessageTypeName(MessageType type) {
  switch (type) {
    case MessageType::kPreVote: return "PreVote";
    case MessageType::kPreVoteResp: return "PreVoteResp";
    case MessageType::kVote: return "Vote";
    case MessageType::kVoteResp: return "VoteResp";
    case MessageType::kAppend: return "Append";
    case MessageType::kAppendResp: return "AppendResp";
    case MessageType::kHeartbeat: return "Heartbeat";
    case MessageType::kHeartbeatResp: return "HeartbeatResp";
  }
  return "?";
}

std::string Describe(const Entry& e) { return fmt::format("{}/{}", e.index, e.term); }

std::string Describe(const Message& m) {
  std::string s = fmt::format("{}->{} {} term={}", m.from, m.to, MessageTypeName(m.type), m.term);
  switch (m.type) {
    case MessageType::kPreVote:
    case MessageType::kVote: s += fmt::format(" last={}/{}", m.index, m.log_term); break;
    case MessageType::kPreVoteResp:
    case MessageType::kVoteResp: s += m.reject ? " rejected" : " granted"; break;
    case MessageType::kAppend: {
      s += fmt::format(" prev={}/{} entries=[", m.index, m.log_term);
      for (size_t i = 0; i < m.entries.size(); ++i) {
        if (i > 0) s += ' ';
        s += Describe(m.entries[i]);
      }
      s += fmt::format("] commit={}", m.commit);
      break;
    }
    case MessageType::kAppendResp:
      if (m.reject) {
        s += fmt::format(" rejected prev={} hint={}/{}", m.index, m.reject_hint, m.log_term);
      } else {
        s += fmt::format(" match={}", m.index);
      }
      break;
    case MessageType::kHeartbeat: s += fmt::format(" commit={}", m.commit); break;
    case MessageType::kHeartbeatResp: break;
  }
  return s;
}

void Panic(const char* file, int line, const std::string& message) {
  std::fprintf(stderr, "raft: invariant broken at %s:%d: %s\n", file, line, message.c_str());
  std::fflush(stderr);
  std::abort();
}

}  // namespace myetcd::raft
