// Scenario tests as data (etcd-io/raft's datadriven idea, our own format): each file in
// testdata/ is a script of steps on a hand-driven cluster (test_cluster.h), with the
// transcript every step must produce written right under it. The files read like the
// figures of the Raft paper; docs/stage3/ shows them as sequence diagrams made by
// scripts/raft-scenario-to-mermaid.py.
//
// Format:
//
//   # a comment (kept as it is)
//   <command> [args...]
//   ----
//   <expected output, one or more lines>
//   <an empty line ends the block>
//
// Commands (node ids are 1..n; a filter is FROM->TO with * for "any", default *->*):
//
//   cluster nodes=N [prevote=false] [checkquorum=false] [batch=BYTES] [inflight=N] [seed=S]
//                           (seed: where the nodes' randomized election timeouts come from)
//   campaign ID             ID's election timeout fires now
//   tick ID|all [N]         N ticks (default 1)
//   propose ID DATA         a client command to ID (DATA = the request id and payload)
//   deliver [FILTER] [N]    deliver queued messages that match, oldest first, including
//                           the ones they cause, until none match (or N were delivered)
//   drop [FILTER]           lose the queued messages that match
//   isolate ID / heal       cut ID off (its messages are lost on delivery) / undo all cuts
//   crash ID / restart ID   lose ID's memory / start it again from what it persisted
//   status [ID...]          one line per node: role, term, vote, commit, applied, log
//
// Output: every delivered message ("1->2 Vote term=1 last=0/0"; "(lost)" when a cut ate
// it), then "  => ID: <role> term=T commit=C" whenever a step changed a node's role, term
// or commit, and "  !! <violation>" if the invariant checker objects (it runs after every
// step). A command with no output prints "ok".
//
// To re-record a transcript after a deliberate change, run the test with
// MYETCD_RAFT_REWRITE=1 and review the diff: a transcript is a claim about the protocol.
#include <doctest/doctest.h>

#include <cstdlib>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "myetcd/raft/test_cluster.h"

#ifndef MYETCD_RAFT_TESTDATA_DIR
#error "MYETCD_RAFT_TESTDATA_DIR must name stage3-raft-metrics/src/myetcd/raft/testdata"
#endif

namespace myetcd::raft {
namespace {

std::vector<std::string> Split(const std::string& s) {
  std::istringstream in(s);
  std::vector<std::string> out;
  for (std::string w; in >> w;) out.push_back(w);
  return out;
}

// "1->2", "*->3", "2->*": (from, to), kNone for "any".
std::pair<NodeId, NodeId> ParseFilter(const std::string& f) {
  size_t arrow = f.find("->");
  auto id = [](const std::string& s) -> NodeId { return s == "*" ? kNone : std::stoull(s); };
  return {id(f.substr(0, arrow)), id(f.substr(arrow + 2))};
}

class ScenarioRunner {
 public:
  std::vector<std::string> Run(const std::string& line) {
    std::vector<std::string> w = Split(line);
    const std::string& cmd = w.at(0);
    std::vector<std::string> out;
    auto arg = [&](size_t i) { return std::stoull(w.at(i)); };
    if (cmd == "cluster") {
      TestClusterOptions o;
      for (size_t i = 1; i < w.size(); ++i) {
        size_t eq = w[i].find('=');
        std::string k = w[i].substr(0, eq), v = w[i].substr(eq + 1);
        if (k == "nodes")
          o.nodes = std::stoi(v);
        else if (k == "prevote")
          o.pre_vote = v == "true";
        else if (k == "checkquorum")
          o.check_quorum = v == "true";
        else if (k == "batch")
          o.max_batch_bytes = std::stoull(v);
        else if (k == "inflight")
          o.max_inflight = std::stoull(v);
        else if (k == "seed")
          o.seed = std::stoull(v);
        else
          throw std::runtime_error("unknown cluster option " + k);
      }
      cluster_ = std::make_unique<TestCluster>(o);
      out = cluster_->Status();
    } else if (cmd == "campaign") {
      out = cluster_->Campaign(arg(1));
    } else if (cmd == "tick") {
      NodeId id = w.at(1) == "all" ? kNone : arg(1);
      out = cluster_->Tick(id, w.size() > 2 ? std::stoi(w[2]) : 1);
    } else if (cmd == "propose") {
      out = cluster_->Propose(arg(1), w.at(2));
    } else if (cmd == "deliver" || cmd == "drop") {
      auto [from, to] = w.size() > 1 ? ParseFilter(w[1]) : std::pair<NodeId, NodeId>{kNone, kNone};
      int limit = w.size() > 2 ? std::stoi(w[2]) : 1 << 30;
      out = cmd == "deliver" ? cluster_->Deliver(from, to, limit) : cluster_->Drop(from, to);
    } else if (cmd == "isolate") {
      out = cluster_->Isolate(arg(1));
    } else if (cmd == "heal") {
      out = cluster_->Heal();
    } else if (cmd == "crash") {
      out = cluster_->Crash(arg(1));
    } else if (cmd == "restart") {
      out = cluster_->Restart(arg(1));
    } else if (cmd == "status") {
      if (w.size() == 1) {
        out = cluster_->Status();
      } else {
        for (size_t i = 1; i < w.size(); ++i) out.push_back(cluster_->NodeLine(arg(i)));
      }
    } else {
      throw std::runtime_error("unknown command " + cmd);
    }
    if (out.empty()) out.push_back("ok");
    return out;
  }

 private:
  std::unique_ptr<TestCluster> cluster_;
};

std::string Join(const std::vector<std::string>& lines) {
  std::string s;
  for (const auto& l : lines) s += l + "\n";
  return s;
}

void RunScenario(const std::string& name) {
  std::string path = std::string(MYETCD_RAFT_TESTDATA_DIR) + "/" + name;
  std::ifstream in(path);
  REQUIRE_MESSAGE(in.good(), "cannot read " << path);
  std::vector<std::string> lines;
  for (std::string l; std::getline(in, l);) lines.push_back(l);

  bool rewrite = std::getenv("MYETCD_RAFT_REWRITE") != nullptr;
  std::vector<std::string> rewritten;
  ScenarioRunner runner;
  size_t i = 0;
  while (i < lines.size()) {
    const std::string& l = lines[i];
    if (l.empty() || l[0] == '#') {
      rewritten.push_back(l);
      ++i;
      continue;
    }
    std::string command = l;
    size_t line_no = i + 1;
    REQUIRE_MESSAGE(i + 1 < lines.size(), path << ":" << line_no << ": missing ----");
    REQUIRE_MESSAGE(lines[i + 1] == "----", path << ":" << line_no << ": missing ----");
    i += 2;
    std::vector<std::string> expected;
    while (i < lines.size() && !lines[i].empty()) expected.push_back(lines[i++]);
    std::vector<std::string> actual = runner.Run(command);
    rewritten.push_back(command);
    rewritten.push_back("----");
    rewritten.insert(rewritten.end(), actual.begin(), actual.end());
    if (!rewrite) {
      CHECK_MESSAGE(Join(actual) == Join(expected),
                    path << ":" << line_no << ": `" << command << "`\n--- expected ---\n"
                         << Join(expected) << "--- actual ---\n"
                         << Join(actual)
                         << "(rerun with MYETCD_RAFT_REWRITE=1 to record the new transcript)");
    }
  }
  if (rewrite) {
    std::ofstream out(path);
    for (const auto& l : rewritten) out << l << "\n";
  }
}

}  // namespace

TEST_CASE("Raft scenario (testdata/election.txt): pre-vote, vote, leader, no-op committed") {
  RunScenario("election.txt");
}
TEST_CASE("Raft scenario (testdata/split_vote.txt): a split vote ends at the next timeout") {
  RunScenario("split_vote.txt");
}
TEST_CASE("Raft scenario (testdata/leader_isolation.txt): check-quorum and a new leader") {
  RunScenario("leader_isolation.txt");
}
TEST_CASE("Raft scenario (testdata/log_divergence.txt): a diverged follower is repaired") {
  RunScenario("log_divergence.txt");
}
TEST_CASE("Raft scenario (testdata/figure8.txt): §5.4.2, an old-term entry is not committed") {
  RunScenario("figure8.txt");
}

}  // namespace myetcd::raft
