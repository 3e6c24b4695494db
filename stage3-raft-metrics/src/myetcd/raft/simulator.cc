// The seeded cluster simulator (TESTING.md T5). See simulator.h for what it models.
//
// One run:
//   draw the seed's parameters (3 or 5 nodes, loss, duplication, delay, partition and
//   crash rates, batch and window sizes, pre-vote and check-quorum on or off);
//   for each tick of the faulty phase:
//     maybe partition / heal / crash / restart (the nemesis);
//     tick every live node; maybe propose a command;
//     deliver every message due now, in a random order (reordering), each followed by
//     the invariant check and, at random, by the node's Ready or by a crash of that node
//     (a crash between Step and Ready loses whatever the step decided but did not persist);
//     handle every remaining Ready;
//   the liveness phase: heal, restart everyone, propose until one command is applied on
//   every node, within a deadline.
//
// Time is the tick counter; nothing reads a clock. All randomness is one splitmix64
// stream from the seed (the Raft nodes get their own seeds from it), and every container
// iterated here is ordered, so a seed replays step for step.
#include "myetcd/raft/simulator.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <queue>
#include <vector>

#include <fmt/format.h>

#include "myetcd/raft/invariants.h"
#include "myetcd/raft/raft.h"
#include "myetcd/raft/storage.h"

namespace myetcd::raft {
namespace {

class Rng {
 public:
  explicit Rng(uint64_t seed) : state_(seed) {}
  uint64_t Next() {
    uint64_t z = (state_ += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
  }
  uint64_t Below(uint64_t n) { return n == 0 ? 0 : Next() % n; }
  double Uniform() { return static_cast<double>(Next() >> 11) * 0x1.0p-53; }
  bool Chance(double p) { return Uniform() < p; }
  template <typename T>
  T Pick(std::initializer_list<T> items) {
    return *(items.begin() + Below(items.size()));
  }

 private:
  uint64_t state_;
};

struct Params {
  int nodes = 3;
  double drop = 0, dup = 0;
  int max_delay = 1;
  double partition = 0, heal = 0, crash = 0, crash_mid_step = 0, restart = 0;
  double churn = 0;  // a leader of a new term is cut off or crashed right after winning
  double propose = 0.1;
  uint64_t max_batch_bytes = 64 * 1024;
  size_t max_inflight = 64;
  bool pre_vote = true, check_quorum = true;
  int heartbeat_tick = 1;

  std::string ToString() const {
    return fmt::format(
        "nodes={} drop={:.2f} dup={:.2f} max_delay={} partition={:.4f} heal={:.3f} "
        "crash={:.4f} restart={:.3f} churn={:.2f} propose={:.2f} batch={} inflight={} "
        "pre_vote={} check_quorum={} heartbeat={}",
        nodes, drop, dup, max_delay, partition, heal, crash, restart, churn, propose,
        max_batch_bytes, max_inflight, pre_vote, check_quorum, heartbeat_tick);
  }
};

Params DrawParams(Rng& rng, const SimConfig& c) {
  Params p;
  p.nodes = c.nodes > 0 ? c.nodes : (rng.Chance(0.5) ? 3 : 5);
  if (c.faults) {
    p.drop = rng.Chance(0.2) ? 0 : rng.Uniform() * 0.3;
    p.dup = rng.Chance(0.3) ? 0 : rng.Uniform() * 0.1;
    p.max_delay = rng.Pick({1, 2, 3, 5, 10, 20});
    p.partition = rng.Uniform() * 0.01;
    p.heal = 0.005 + rng.Uniform() * 0.03;
    p.crash = rng.Uniform() * 0.005;
    p.crash_mid_step = rng.Uniform() * 0.002;
    p.restart = 0.01 + rng.Uniform() * 0.05;
    p.max_inflight = rng.Pick<size_t>({1, 4, 64});
    p.max_batch_bytes = rng.Pick<uint64_t>({1, 1, 64, 256, 4096, 64 * 1024});
    if (p.max_batch_bytes == 1 && p.max_inflight == 1) p.max_inflight = 4;
    p.pre_vote = rng.Chance(0.8);
    p.check_quorum = rng.Chance(0.8);
    p.heartbeat_tick = rng.Pick({1, 1, 2, 3});
    p.churn = rng.Chance(0.5) ? 0 : rng.Uniform() * 0.5;
  }
  p.propose = c.proposals_per_tick >= 0 ? c.proposals_per_tick : 0.02 + rng.Uniform() * 0.4;
  if (c.max_batch_bytes > 0) p.max_batch_bytes = c.max_batch_bytes;
  return p;
}

std::string JsonString(std::string_view s) {
  std::string out = "\"";
  for (char ch : s) {
    if (ch == '"' || ch == '\\') {
      out += '\\';
      out += ch;
    } else if (static_cast<unsigned char>(ch) < 0x20) {
      out += fmt::format("\\u{:04x}", static_cast<unsigned>(ch));
    } else {
      out += ch;
    }
  }
  return out + "\"";
}

struct InFlight {
  int64_t deliver_at;
  uint64_t order;  // random: messages due at the same tick arrive in a random order
  Message m;
};
struct Later {
  bool operator()(const InFlight& a, const InFlight& b) const {
    return a.deliver_at != b.deliver_at ? a.deliver_at > b.deliver_at : a.order > b.order;
  }
};

struct SimNode {
  NodeId id = kNone;
  MemoryStorage storage;  // "the disk": survives crashes
  std::unique_ptr<Raft> raft;
  int group = 0;  // partition group; messages cross no group boundary
  bool applied_final = false;
};

class Sim {
 public:
  explicit Sim(const SimConfig& c)
      : c_(c), rng_(c.seed), p_(DrawParams(rng_, c)), checker_(p_.nodes), nodes_(p_.nodes) {
    for (int i = 0; i < p_.nodes; ++i) nodes_[i].id = i + 1;
    for (auto& n : nodes_) Start(n);
    if (!c_.trace_path.empty()) {
      trace_ = std::fopen(c_.trace_path.c_str(), "w");
      if (trace_ == nullptr) {
        std::fprintf(stderr, "raft-sim: cannot write %s\n", c_.trace_path.c_str());
      } else {
        TraceLine(fmt::format("{{\"seed\":{},\"nodes\":{},\"params\":{}}}", c_.seed, p_.nodes,
                              JsonString(p_.ToString())));
      }
    }
  }
  ~Sim() {
    if (trace_ != nullptr) std::fclose(trace_);
  }

  SimResult Run();

 private:
  void Start(SimNode& n) {
    Config cfg;
    cfg.id = n.id;
    for (int i = 1; i <= p_.nodes; ++i) cfg.voters.push_back(i);
    cfg.storage = &n.storage;
    cfg.election_tick = 10;
    cfg.heartbeat_tick = p_.heartbeat_tick;
    cfg.seed = rng_.Next();
    cfg.pre_vote = p_.pre_vote;
    cfg.check_quorum = p_.check_quorum;
    cfg.max_inflight = p_.max_inflight;
    cfg.max_batch_bytes = p_.max_batch_bytes;
    n.raft = std::make_unique<Raft>(cfg);
    n.applied_final = false;
  }

  void Crash(SimNode& n) {
    n.raft.reset();
    Event(fmt::format("crash {}", n.id));
  }

  void Restart(SimNode& n) {
    Start(n);
    checker_.OnRestart(*n.raft);
    Event(fmt::format("restart {} term={} commit={} last={}", n.id, n.raft->term(),
                      n.raft->log().committed(), n.raft->log().LastIndex()));
  }

  bool Check() {
    ++result_.steps;
    view_.clear();
    for (const auto& n : nodes_) view_.push_back({n.raft.get(), &n.storage});
    checker_.Check(view_);
    return checker_.ok();
  }

  void ProcessReady(SimNode& n) {
    for (int rounds = 0; n.raft && n.raft->HasReady(); ++rounds) {
      MYETCD_RAFT_CHECK(rounds < 1000, "Ready never settles");
      Ready rd = n.raft->GetReady();
      checker_.OnPersist(*n.raft, rd);
      n.storage.Append(rd.entries);
      if (rd.hard_state) n.storage.SetHardState(*rd.hard_state);
      for (Message& m : rd.messages) Send(std::move(m));
      for (const Entry& e : rd.committed_entries) {
        checker_.OnApply(n.id, e);
        if (e.data.rfind("final:", 0) == 0) n.applied_final = true;
      }
      n.raft->Advance();
    }
  }

  void Send(Message m) {
    ++result_.messages;
    SimNode& to = nodes_[m.to - 1];
    SimNode& from = nodes_[m.from - 1];
    if (to.group != from.group) return;
    if (rng_.Chance(drop_)) return;
    int copies = rng_.Chance(dup_) ? 2 : 1;
    for (int i = 0; i < copies; ++i) {
      int64_t delay =
          1 + static_cast<int64_t>(rng_.Chance(0.8) ? rng_.Below(2) : rng_.Below(max_delay_));
      net_.push(InFlight{now_ + delay, rng_.Next(), i + 1 < copies ? m : std::move(m)});
    }
  }

  void Event(const std::string& what) {
    if (trace_ != nullptr) {
      TraceLine(fmt::format("{{\"tick\":{},\"event\":{}}}", now_, JsonString(what)));
    }
  }

  void TraceLine(const std::string& line) {
    std::fputs(line.c_str(), trace_);
    std::fputc('\n', trace_);
  }

  void TraceState() {
    if (trace_ == nullptr) return;
    std::string nodes;
    for (const auto& n : nodes_) {
      if (!nodes.empty()) nodes += ',';
      if (!n.raft) {
        nodes += fmt::format("{{\"id\":{},\"up\":false}}", n.id);
      } else {
        nodes += fmt::format(
            "{{\"id\":{},\"up\":true,\"term\":{},\"role\":\"{}\",\"commit\":{},\"last\":{}}}", n.id,
            n.raft->term(), RoleLetter(n.raft->role()), n.raft->log().committed(),
            n.raft->log().LastIndex());
      }
    }
    if (nodes == last_state_) return;
    last_state_ = nodes;
    TraceLine(fmt::format("{{\"tick\":{},\"nodes\":[{}]}}", now_, nodes));
  }

  void Nemesis() {
    if (rng_.Chance(p_.partition)) {
      // Either isolate one node (often the leader) or split at random.
      if (rng_.Chance(0.5)) {
        NodeId victim = rng_.Below(p_.nodes) + 1;
        for (const auto& n : nodes_) {
          if (n.raft && n.raft->role() == Role::kLeader && rng_.Chance(0.7)) victim = n.id;
        }
        for (auto& n : nodes_) n.group = n.id == victim ? 1 : 0;
        Event(fmt::format("isolate {}", victim));
      } else {
        std::string groups;
        for (auto& n : nodes_) {
          n.group = static_cast<int>(rng_.Below(2));
          groups += fmt::format("{}:{} ", n.id, n.group);
        }
        Event("partition " + groups);
      }
    } else if (rng_.Chance(p_.heal)) {
      bool any = false;
      for (auto& n : nodes_) any |= n.group != 0;
      for (auto& n : nodes_) n.group = 0;
      if (any) Event("heal");
    }
    // Leader churn: a leader of a term we have not seen lead yet loses its seat at once,
    // before its first appends (its no-op) arrive anywhere. Short-lived leaders leave
    // entries of their term on a minority: the raw material of Raft's Figure 8.
    if (SimNode* l = Leader(); l != nullptr && l->raft->term() > churned_term_) {
      churned_term_ = l->raft->term();
      if (rng_.Chance(p_.churn)) {
        if (rng_.Chance(0.5)) {
          for (auto& n : nodes_) n.group = n.id == l->id ? 1 : 0;
          Event(fmt::format("isolate {} (new leader of term {})", l->id, l->raft->term()));
        } else {
          Crash(*l);
        }
      }
    }
    for (auto& n : nodes_) {
      if (n.raft && rng_.Chance(p_.crash)) {
        ProcessReady(n);  // a clean crash between steps
        Crash(n);
      } else if (!n.raft && rng_.Chance(p_.restart)) {
        Restart(n);
      }
    }
  }

  SimNode* Leader() {
    SimNode* best = nullptr;
    for (auto& n : nodes_) {
      if (n.raft && n.raft->role() == Role::kLeader &&
          (best == nullptr || n.raft->term() > best->raft->term())) {
        best = &n;
      }
    }
    return best;
  }

  // A client sends a command to a random node, or to whoever that node says leads.
  void ClientPropose(const std::string& data) {
    SimNode* n = &nodes_[rng_.Below(p_.nodes)];
    if (n->raft && n->raft->role() != Role::kLeader && n->raft->leader() != kNone &&
        rng_.Chance(0.9)) {
      n = &nodes_[n->raft->leader() - 1];
    }
    if (!n->raft) return;
    ++result_.proposals;
    if (n->raft->Propose(data).ok()) Event(fmt::format("propose {} {}", n->id, data));
  }

  const SimConfig c_;
  Rng rng_;
  const Params p_;
  InvariantChecker checker_;
  std::vector<SimNode> nodes_;
  std::priority_queue<InFlight, std::vector<InFlight>, Later> net_;
  std::vector<InvariantChecker::NodeView> view_;
  int64_t now_ = 0;
  double drop_ = 0, dup_ = 0;
  int64_t max_delay_ = 1;
  uint64_t next_request_ = 1;
  Term churned_term_ = 0;
  std::FILE* trace_ = nullptr;
  std::string last_state_;
  SimResult result_;
};

SimResult Sim::Run() {
  result_.params = p_.ToString();
  drop_ = p_.drop;
  dup_ = p_.dup;
  max_delay_ = p_.max_delay;
  const int64_t end_faults = c_.ticks;
  const int64_t deadline = end_faults + (c_.check_liveness ? 3000 : 0);
  int64_t final_proposed_at = -1;
  bool done = false;
  for (now_ = 0; now_ < deadline || (!c_.check_liveness && now_ < end_faults); ++now_) {
    bool faulty = c_.faults && now_ < end_faults;
    if (now_ == end_faults) {
      // The liveness phase: a perfect network, everybody up.
      if (!c_.check_liveness) break;
      for (auto& n : nodes_) n.group = 0;
      drop_ = dup_ = 0;
      max_delay_ = 1;
      for (auto& n : nodes_) {
        if (!n.raft) Restart(n);
      }
      Event("heal all: liveness phase");
    }
    if (faulty) Nemesis();
    for (auto& n : nodes_) {
      if (!n.raft) continue;
      n.raft->Tick();
      if (!Check()) break;
      if (rng_.Chance(0.5)) ProcessReady(n);
    }
    if (now_ < end_faults) {
      if (rng_.Chance(p_.propose)) {
        ClientPropose(fmt::format("{}:{}", c_.seed, next_request_++));
        if (!Check()) break;
      }
    } else if (final_proposed_at < 0 || now_ - final_proposed_at > 200) {
      if (SimNode* l = Leader(); l != nullptr) {
        std::string data = fmt::format("final:{}", next_request_++);
        if (l->raft->Propose(data).ok()) {
          final_proposed_at = now_;
          Event(fmt::format("propose {} {}", l->id, data));
        }
      }
    }
    while (checker_.ok() && !net_.empty() && net_.top().deliver_at <= now_) {
      InFlight f = net_.top();
      net_.pop();
      SimNode& to = nodes_[f.m.to - 1];
      if (!to.raft || to.group != nodes_[f.m.from - 1].group) continue;
      if (trace_ != nullptr) Event("deliver " + Describe(f.m));
      to.raft->Step(f.m);
      if (!Check()) break;
      if (faulty && rng_.Chance(p_.crash_mid_step)) {
        Crash(to);  // whatever that step decided and did not persist is gone
      } else if (rng_.Chance(0.5)) {
        ProcessReady(to);
        if (!Check()) break;
      }
    }
    for (auto& n : nodes_) ProcessReady(n);
    if (!checker_.ok() || !Check()) break;
    TraceState();
    if (now_ >= end_faults && c_.check_liveness) {
      done = std::all_of(nodes_.begin(), nodes_.end(),
                         [](const SimNode& n) { return n.raft && n.applied_final; });
      if (done) break;
    }
  }
  result_.committed = checker_.max_committed();
  result_.leaders = checker_.leaders_seen();
  if (!checker_.ok()) {
    result_.ok = false;
    result_.failure = checker_.violation();
    result_.tick = now_;
  } else if (c_.check_liveness && !done) {
    result_.ok = false;
    result_.liveness_failure = true;
    result_.failure = fmt::format(
        "liveness: {} ticks after healing, a command is still not applied on every node",
        deadline - end_faults);
    result_.tick = now_;
  }
  if (!result_.ok) Event("FAILED: " + result_.failure);
  TraceState();
  return result_;
}

}  // namespace

SimResult RunSimulation(const SimConfig& config) {
  Sim sim(config);
  return sim.Run();
}

std::string ReplayCommand(const std::string& program, const SimConfig& config) {
  std::string cmd;
  if (const char* canary = std::getenv("MYETCD_CANARY"); canary != nullptr && *canary != '\0') {
    cmd += fmt::format("MYETCD_CANARY={} ", canary);
  }
  cmd += fmt::format("{} --seed {} --ticks {}", program, config.seed, config.ticks);
  if (config.nodes > 0) cmd += fmt::format(" --nodes {}", config.nodes);
  cmd += fmt::format(" --trace raft-sim-{}.jsonl", config.seed);
  return cmd;
}

}  // namespace myetcd::raft
