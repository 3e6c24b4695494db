#include "myetcd/raft/test_cluster.h"

#include <fmt/format.h>

namespace myetcd::raft {

TestCluster::TestCluster(const TestClusterOptions& options)
    : options_(options), nodes_(options.nodes), checker_(options.nodes) {
  for (int i = 1; i <= options.nodes; ++i) Start(i);
}

void TestCluster::Start(NodeId id) {
  Config cfg;
  cfg.id = id;
  for (int i = 1; i <= options_.nodes; ++i) cfg.voters.push_back(i);
  cfg.storage = &nodes_[id - 1].storage;
  cfg.election_tick = options_.election_tick;
  cfg.seed = options_.seed * 1000 + id;
  cfg.pre_vote = options_.pre_vote;
  cfg.check_quorum = options_.check_quorum;
  cfg.max_batch_bytes = options_.max_batch_bytes;
  cfg.max_inflight = options_.max_inflight;
  nodes_[id - 1].raft = std::make_unique<Raft>(cfg);
  nodes_[id - 1].applied.clear();
}

void TestCluster::HandleReady(NodeId id) {
  Node& n = nodes_[id - 1];
  while (n.raft->HasReady()) {
    Ready rd = n.raft->GetReady();
    checker_.OnPersist(*n.raft, rd);
    n.storage.Append(rd.entries);
    if (rd.hard_state) n.storage.SetHardState(*rd.hard_state);
    for (Message& m : rd.messages) queue_.push_back(std::move(m));
    for (const Entry& e : rd.committed_entries) {
      checker_.OnApply(id, e);
      n.applied.push_back(e);
    }
    n.raft->Advance();
  }
}

std::string TestCluster::Summary(NodeId id) const {
  const Raft& r = *nodes_[id - 1].raft;
  return fmt::format("{} term={} commit={}", RoleName(r.role()), r.term(), r.log().committed());
}

void TestCluster::Observe(NodeId id, const std::function<void()>& step,
                          std::vector<std::string>* out) {
  std::string before = Summary(id);
  step();
  HandleReady(id);
  std::string after = Summary(id);
  if (after != before) out->push_back(fmt::format("  => {}: {}", id, after));
  CheckInvariants(out);
}

void TestCluster::CheckInvariants(std::vector<std::string>* out) {
  std::vector<InvariantChecker::NodeView> view;
  for (const Node& n : nodes_) view.push_back({n.raft.get(), &n.storage});
  bool was_ok = checker_.ok();
  checker_.Check(view);
  if (was_ok && !checker_.ok()) out->push_back("  !! " + checker_.violation());
}

std::vector<std::string> TestCluster::Campaign(NodeId id) {
  std::vector<std::string> out;
  Observe(
      id, [&] { node(id).Campaign(); }, &out);
  return out;
}

std::vector<std::string> TestCluster::Tick(NodeId id, int times) {
  std::vector<std::string> out;
  for (int i = 0; i < times; ++i) {
    for (NodeId n = 1; n <= nodes_.size(); ++n) {
      if ((id == kNone || id == n) && up(n))
        Observe(
            n, [&] { node(n).Tick(); }, &out);
    }
  }
  return out;
}

std::vector<std::string> TestCluster::Do(NodeId id, const std::function<void(Raft&)>& fn) {
  std::vector<std::string> out;
  Observe(
      id, [&] { fn(node(id)); }, &out);
  return out;
}

std::vector<std::string> TestCluster::Propose(NodeId id, const std::string& data) {
  std::vector<std::string> out;
  Observe(
      id,
      [&] {
        auto r = node(id).Propose(data);
        out.push_back(r.ok() ? fmt::format("index {}", *r) : r.status().ToString());
      },
      &out);
  return out;
}

std::vector<std::string> TestCluster::Deliver(NodeId from, NodeId to, int limit) {
  std::vector<std::string> out;
  int delivered = 0;
  while (delivered < limit) {
    auto it = std::find_if(queue_.begin(), queue_.end(), [&](const Message& m) {
      return (from == kNone || m.from == from) && (to == kNone || m.to == to);
    });
    if (it == queue_.end()) break;
    Message m = std::move(*it);
    queue_.erase(it);
    ++delivered;
    if (!up(m.to) || nodes_[m.to - 1].isolated || nodes_[m.from - 1].isolated) {
      out.push_back(Describe(m) + "  (lost)");
      continue;
    }
    out.push_back(Describe(m));
    Observe(
        m.to, [&] { node(m.to).Step(m); }, &out);
  }
  return out;
}

std::vector<std::string> TestCluster::Drop(NodeId from, NodeId to) {
  std::deque<Message> keep;
  size_t dropped = 0;
  for (Message& m : queue_) {
    if ((from == kNone || m.from == from) && (to == kNone || m.to == to)) {
      ++dropped;
    } else {
      keep.push_back(std::move(m));
    }
  }
  queue_ = std::move(keep);
  return {fmt::format("dropped {} message{}", dropped, dropped == 1 ? "" : "s")};
}

std::vector<std::string> TestCluster::Isolate(NodeId id) {
  nodes_[id - 1].isolated = true;
  return {};
}

std::vector<std::string> TestCluster::Heal() {
  for (Node& n : nodes_) n.isolated = false;
  return {};
}

std::vector<std::string> TestCluster::Crash(NodeId id) {
  nodes_[id - 1].raft.reset();
  // Messages it had queued were sent already; the ones to it are lost on delivery.
  return {};
}

std::vector<std::string> TestCluster::Restart(NodeId id) {
  Start(id);
  checker_.OnRestart(node(id));
  std::vector<std::string> out{NodeLine(id)};
  CheckInvariants(&out);
  return out;
}

std::string TestCluster::NodeLine(NodeId id) const {
  if (!up(id)) return fmt::format("{}: down", id);
  const Raft& r = *nodes_[id - 1].raft;
  std::string log;
  for (Index i = r.log().FirstIndex(); i <= r.log().LastIndex(); ++i) {
    if (!log.empty()) log += ' ';
    log += fmt::format("{}/{}", i, r.log().TermAt(i));
  }
  return fmt::format("{}: {} term={} vote={} commit={} applied={} log=[{}]", id, RoleName(r.role()),
                     r.term(), r.vote(), r.log().committed(),
                     nodes_[id - 1].applied.empty() ? 0 : nodes_[id - 1].applied.back().index, log);
}

std::vector<std::string> TestCluster::Status() const {
  std::vector<std::string> out;
  for (NodeId id = 1; id <= nodes_.size(); ++id) out.push_back(NodeLine(id));
  return out;
}

}  // namespace myetcd::raft
