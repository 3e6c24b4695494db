// Raft §5.2: a candidate wins with the votes of a majority, loses when a majority refused.
#include "myetcd/raft/quorum.h"

#include <algorithm>

namespace myetcd::raft {

void VoteTally::Reset(const std::vector<NodeId>& voters) {
  voters_ = voters;
  votes_.clear();
}

void VoteTally::Record(NodeId voter, bool granted) {
  if (std::find(voters_.begin(), voters_.end(), voter) == voters_.end()) return;
  votes_.emplace(voter, granted);  // keeps the first answer
}

size_t VoteTally::Granted() const {
  return std::count_if(votes_.begin(), votes_.end(), [](const auto& v) { return v.second; });
}

VoteResult VoteTally::Result() const {
  size_t granted = Granted();
  size_t refused = votes_.size() - granted;
  size_t majority = MajorityOf(voters_.size());
  if (granted >= majority) return VoteResult::kWon;
  if (refused > voters_.size() - majority) return VoteResult::kLost;
  return VoteResult::kPending;
}

}  // namespace myetcd::raft
