// raft-sim: runs the seeded cluster simulator (simulator.h) over a range of seeds, or
// replays one seed and writes its trace. What CTest runs and what a failure tells you to
// run again.
//
//   raft-sim --seeds 2000 [--first-seed 1] [--ticks 3000] [--nodes 3|5]
//   raft-sim --seed 1234 --trace raft-sim-1234.jsonl     (replay one seed)
//   raft-sim --seeds 2000 --expect-violation             (canary check: succeed only if a
//                                                         safety invariant is violated)
//   raft-sim --seeds 2000 --keep-going                   (report every failing seed)
//   raft-sim ... --only-if-env MYETCD_SOAK               (exit 77, "skipped", unless set)
//
// On a failing seed it prints the seed, the violation, the replay command, writes the
// trace of the replay, and checks that the replay failed identically. Exit status: 0 when
// every seed passed (with --expect-violation: when a seed broke a safety invariant), 1
// otherwise, 2 on bad usage.
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

#include "myetcd/raft/simulator.h"

namespace {

void Usage() {
  std::fprintf(stderr,
               "usage: raft-sim [--seeds N] [--first-seed S] [--seed S] [--ticks T] [--nodes N]\n"
               "                [--trace FILE] [--expect-violation] [--keep-going] [--quiet]\n");
}

}  // namespace

int main(int argc, char** argv) {
  using myetcd::raft::SimConfig;
  using myetcd::raft::SimResult;
  SimConfig base;
  uint64_t first = 1, count = 1;
  bool expect_violation = false, quiet = false, keep_going = false;
  uint64_t failures = 0;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    auto next = [&]() -> const char* {
      if (i + 1 >= argc) {
        Usage();
        std::exit(2);
      }
      return argv[++i];
    };
    if (a == "--seeds")
      count = std::strtoull(next(), nullptr, 10);
    else if (a == "--first-seed")
      first = std::strtoull(next(), nullptr, 10);
    else if (a == "--seed")
      first = std::strtoull(next(), nullptr, 10), count = 1;
    else if (a == "--ticks")
      base.ticks = std::atoi(next());
    else if (a == "--nodes")
      base.nodes = std::atoi(next());
    else if (a == "--trace")
      base.trace_path = next();
    else if (a == "--expect-violation")
      expect_violation = true;
    else if (a == "--quiet")
      quiet = true;
    else if (a == "--keep-going")
      keep_going = true;
    else if (a == "--only-if-env") {
      const char* name = next();
      const char* v = std::getenv(name);
      if (v == nullptr || *v == '\0' || std::string(v) == "0") {
        std::printf("raft-sim: skipped: set %s=1 to run this (make soak does)\n", name);
        return 77;
      }
    } else {
      Usage();
      return 2;
    }
  }
  auto t0 = std::chrono::steady_clock::now();
  uint64_t steps = 0, proposals = 0, committed = 0, liveness_failures = 0;
  for (uint64_t seed = first; seed < first + count; ++seed) {
    SimConfig c = base;
    c.seed = seed;
    if (count > 1) c.trace_path.clear();
    SimResult r = myetcd::raft::RunSimulation(c);
    steps += r.steps;
    proposals += r.proposals;
    committed += r.committed;
    if (r.ok) continue;
    if (r.liveness_failure) ++liveness_failures;
    ++failures;
    std::string replay = myetcd::raft::ReplayCommand(argv[0], c);
    std::printf("raft-sim: seed %llu FAILED at tick %lld: %s\n  parameters: %s\n  replay: %s\n",
                static_cast<unsigned long long>(seed), static_cast<long long>(r.tick),
                r.failure.c_str(), r.params.c_str(), replay.c_str());
    // Replay with a trace, and prove the replay is identical.
    SimConfig again = c;
    again.trace_path =
        c.trace_path.empty() ? "raft-sim-" + std::to_string(seed) + ".jsonl" : c.trace_path;
    SimResult r2 = myetcd::raft::RunSimulation(again);
    bool same = r2.failure == r.failure && r2.tick == r.tick && r2.steps == r.steps;
    std::printf("  trace: %s (print it: raft-trace %s)\n  replayed identically: %s\n",
                again.trace_path.c_str(), again.trace_path.c_str(), same ? "yes" : "NO");
    std::fflush(stdout);
    if (keep_going) continue;
    if (expect_violation) {
      if (r.liveness_failure) continue;  // not what a canary must trip; keep looking
      std::printf("raft-sim: OK: the planted bug broke a safety invariant at seed %llu\n",
                  static_cast<unsigned long long>(seed));
      return same ? 0 : 1;
    }
    return 1;
  }
  double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  if (!quiet || expect_violation) {
    std::printf(
        "raft-sim: %llu seeds from %llu, %d ticks each: %llu steps, %llu proposals, "
        "%llu committed; %.1f s\n",
        static_cast<unsigned long long>(count), static_cast<unsigned long long>(first), base.ticks,
        static_cast<unsigned long long>(steps), static_cast<unsigned long long>(proposals),
        static_cast<unsigned long long>(committed), secs);
  }
  if (keep_going) {
    std::printf("raft-sim: %llu of %llu seeds failed (%llu of them liveness)\n",
                static_cast<unsigned long long>(failures), static_cast<unsigned long long>(count),
                static_cast<unsigned long long>(liveness_failures));
    return failures == 0 ? 0 : 1;
  }
  if (expect_violation) {
    std::printf(
        "raft-sim: FAIL: no seed broke a safety invariant (%llu liveness failures); "
        "the planted bug went unnoticed\n",
        static_cast<unsigned long long>(liveness_failures));
    return 1;
  }
  return 0;
}
