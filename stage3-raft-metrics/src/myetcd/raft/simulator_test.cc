// The simulator itself: a seed is a function of its inputs, and faults are really injected.
// (The 2,000-seed runs are CTest tests of their own: raft_sim.*, see CMakeLists.txt.)
#include "myetcd/raft/simulator.h"

#include <doctest/doctest.h>

#include <fstream>
#include <string>

namespace myetcd::raft {

TEST_CASE("simulator: a seed replays identically") {
  for (uint64_t seed : {7u, 8u, 9u}) {
    SimResult a = RunSimulation(SimConfig{.seed = seed, .ticks = 800});
    SimResult b = RunSimulation(SimConfig{.seed = seed, .ticks = 800});
    CHECK(a.ok == b.ok);
    CHECK(a.steps == b.steps);
    CHECK(a.messages == b.messages);
    CHECK(a.committed == b.committed);
    CHECK(a.params == b.params);
  }
}

TEST_CASE("simulator: different seeds draw different fault schedules") {
  SimResult a = RunSimulation(SimConfig{.seed = 1, .ticks = 300});
  SimResult b = RunSimulation(SimConfig{.seed = 2, .ticks = 300});
  CHECK(a.params != b.params);
}

TEST_CASE("simulator: without faults one leader commits nearly every proposal") {
  SimResult r = RunSimulation(
      SimConfig{.seed = 3, .ticks = 2000, .nodes = 5, .faults = false, .proposals_per_tick = 0.5});
  INFO(r.failure);
  REQUIRE(r.ok);
  CHECK(r.leaders == 1);
  // A client that asks a follower gives up 10% of the time instead of trying the leader.
  CHECK(r.committed >= r.proposals * 8 / 10);
}

TEST_CASE("simulator: a trace is JSON lines with one state line per change") {
  std::string path = "raft-simulator-test-trace.jsonl";
  SimResult r = RunSimulation(SimConfig{.seed = 5, .ticks = 200, .trace_path = path});
  REQUIRE(r.ok);
  std::ifstream in(path);
  std::string line;
  int states = 0, lines = 0;
  while (std::getline(in, line)) {
    ++lines;
    CHECK(line.front() == '{');
    CHECK(line.back() == '}');
    if (line.find("\"nodes\":[") != std::string::npos) ++states;
  }
  CHECK(lines > 10);
  CHECK(states > 1);
  std::remove(path.c_str());
}

}  // namespace myetcd::raft
