// Simulator: a whole Raft cluster in one process, driven by one seed (TESTING.md T5).
//
// N nodes (Raft objects over MemoryStorage) talk through a simulated network that drops,
// duplicates, delays and reorders messages and is cut by partitions; nodes crash (losing
// everything they had not persisted: their Raft object, unsent messages, their state
// machine) and restart from their MemoryStorage; clients propose entries carrying unique
// request ids. After every step the InvariantChecker runs. At the end the network heals,
// every node restarts, and one more proposal must be applied everywhere (liveness).
//
// Every random choice comes from the seed, so a seed replays identically: same steps, same
// failure, same tick. A run can write a JSON-lines trace (`raft-trace` prints it).
//
// Thread-safety: a Simulator is used by one thread; different seeds may run in parallel.
#pragma once

#include <cstdint>
#include <string>

namespace myetcd::raft {

struct SimConfig {
  uint64_t seed = 1;
  int ticks = 3000;                // the faulty phase; the liveness phase comes after it
  int nodes = 0;                   // 0: 3 or 5, drawn from the seed
  bool faults = true;              // false: a perfect network and no crashes (benchmarks)
  bool check_liveness = true;      // heal at the end and require progress
  double proposals_per_tick = -1;  // < 0: drawn from the seed
  uint64_t max_batch_bytes = 0;    // 0: drawn from the seed
  std::string trace_path;          // write a JSON-lines trace here (empty: none)
};

struct SimResult {
  bool ok = true;
  std::string failure;            // the first violation, e.g. "election safety: ..."
  bool liveness_failure = false;  // the failure is "no progress after healing", not safety
  int64_t tick = -1;              // when it failed
  uint64_t steps = 0;
  uint64_t proposals = 0;
  uint64_t committed = 0;  // highest committed index
  uint64_t leaders = 0;    // terms that had a leader
  uint64_t messages = 0;
  std::string params;  // the seed's fault parameters, for the failure report
};

SimResult RunSimulation(const SimConfig& config);

// The command that replays `seed` (with `extra` arguments), prefixed by the canary
// variable when one is set: what a failing test prints.
std::string ReplayCommand(const std::string& program, const SimConfig& config);

}  // namespace myetcd::raft
