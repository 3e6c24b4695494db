// TestCluster: a Raft cluster driven by hand, for unit and scenario tests. Unlike the
// simulator nothing happens unless a test says so: messages wait in one FIFO queue until
// delivered or dropped, nodes tick only when told, and every Ready is handled at once
// (persist, queue messages, apply), so the output is a plain transcript of the protocol.
#pragma once

#include <deque>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "myetcd/raft/invariants.h"
#include "myetcd/raft/raft.h"
#include "myetcd/raft/storage.h"

namespace myetcd::raft {

struct TestClusterOptions {
  int nodes = 3;
  bool pre_vote = true;
  bool check_quorum = true;
  uint64_t max_batch_bytes = 64 * 1024;
  size_t max_inflight = 64;
  int election_tick = 10;
  uint64_t seed = 1;  // node i draws its election timeouts from seed * 1000 + i
};

class TestCluster {
 public:
  explicit TestCluster(const TestClusterOptions& options);

  Raft& node(NodeId id) { return *nodes_[id - 1].raft; }
  bool up(NodeId id) const { return nodes_[id - 1].raft != nullptr; }
  int size() const { return static_cast<int>(nodes_.size()); }
  const std::deque<Message>& queue() const { return queue_; }
  const std::vector<Entry>& applied(NodeId id) const { return nodes_[id - 1].applied; }
  const InvariantChecker& checker() const { return checker_; }

  // Each returns the lines of transcript it produced.
  std::vector<std::string> Campaign(NodeId id);
  std::vector<std::string> Tick(NodeId id, int times);
  std::vector<std::string> Propose(NodeId id, const std::string& data);
  // Delivers queued messages matching `filter` (from, to; kNone = any), oldest first,
  // including the ones their delivery produces, until none match or `limit` were delivered.
  std::vector<std::string> Deliver(NodeId from, NodeId to, int limit = 1 << 30);
  std::vector<std::string> Drop(NodeId from, NodeId to);
  std::vector<std::string> Isolate(NodeId id);
  std::vector<std::string> Heal();
  std::vector<std::string> Crash(NodeId id);
  std::vector<std::string> Restart(NodeId id);
  std::vector<std::string> Status() const;
  // Runs `fn` on node `id`, then handles its Ready like every other step.
  std::vector<std::string> Do(NodeId id, const std::function<void(Raft&)>& fn);

  // "1: leader term=2 vote=1 commit=3 applied=3 log=[1/1 2/1 3/2]"
  std::string NodeLine(NodeId id) const;

 private:
  struct Node {
    MemoryStorage storage;
    std::unique_ptr<Raft> raft;
    std::vector<Entry> applied;
    bool isolated = false;
  };
  void Start(NodeId id);
  void HandleReady(NodeId id);
  std::string Summary(NodeId id) const;
  // Runs `step` on node `id` and reports how its role, term or commit changed.
  void Observe(NodeId id, const std::function<void()>& step, std::vector<std::string>* out);
  void CheckInvariants(std::vector<std::string>* out);

  TestClusterOptions options_;
  std::vector<Node> nodes_;
  std::deque<Message> queue_;
  InvariantChecker checker_;
};

}  // namespace myetcd::raft
