// raft-trace: prints a raft-sim trace (JSON lines, simulator.h) as a table with one column
// per node, a row per change of any node's term, role or commit index, and the
// simulator's events (crash, restart, partition, heal, propose, the failure) between rows.
//
//   raft-trace raft-sim-1234.jsonl               the table and the events
//   raft-trace --messages raft-sim-1234.jsonl    ... and every delivered message
//   raft-trace --from 200 --to 400 FILE          only ticks 200..400
//
// A cell reads "term role commit": "7 L 42" is the leader of term 7 with commit index 42
// (F follower, P pre-candidate, C candidate, L leader; "down" while crashed).
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

namespace {

int Usage() {
  std::fprintf(stderr, "usage: raft-trace [--messages] [--from TICK] [--to TICK] TRACE.jsonl\n");
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  bool messages = false;
  long long from = 0, to = -1;
  std::string path;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "--messages")
      messages = true;
    else if (a == "--from" && i + 1 < argc)
      from = std::atoll(argv[++i]);
    else if (a == "--to" && i + 1 < argc)
      to = std::atoll(argv[++i]);
    else if (!a.empty() && a[0] != '-' && path.empty())
      path = a;
    else
      return Usage();
  }
  if (path.empty()) return Usage();
  std::ifstream in(path);
  if (!in) {
    std::fprintf(stderr, "raft-trace: cannot read %s\n", path.c_str());
    return 1;
  }
  constexpr int kWidth = 13;
  int nodes = 0;
  std::string line, last_cells;
  for (int n = 1; std::getline(in, line); ++n) {
    if (line.empty()) continue;
    nlohmann::json j = nlohmann::json::parse(line, nullptr, /*allow_exceptions=*/false);
    if (j.is_discarded()) {
      std::fprintf(stderr, "raft-trace: %s:%d: not JSON\n", path.c_str(), n);
      return 1;
    }
    if (j.contains("seed")) {
      nodes = j.value("nodes", 0);
      std::printf("seed %llu: %s\n\n", j["seed"].get<unsigned long long>(),
                  j.value("params", std::string()).c_str());
      std::string header = fmt::format("{:>6} ", "tick");
      for (int i = 1; i <= nodes; ++i)
        header += fmt::format("| {:<{}}", fmt::format("node {}", i), kWidth);
      std::printf("%s\n%s\n", header.c_str(), std::string(header.size(), '-').c_str());
      continue;
    }
    long long tick = j.value("tick", -1LL);
    if (tick < from || (to >= 0 && tick > to)) continue;
    if (j.contains("event")) {
      std::string ev = j["event"].get<std::string>();
      if (!messages && ev.rfind("deliver ", 0) == 0) continue;
      std::printf("%6lld * %s\n", tick, ev.c_str());
      continue;
    }
    if (j.contains("nodes")) {
      std::string cells;
      for (const auto& node : j["nodes"]) {
        std::string cell = "down";
        if (node.value("up", false)) {
          cell = fmt::format("{} {} {}", node.value("term", 0ULL),
                             node.value("role", std::string("?")), node.value("commit", 0ULL));
        }
        cells += fmt::format("| {:<{}}", cell, kWidth);
      }
      if (cells == last_cells) continue;  // only the last index changed
      last_cells = cells;
      std::printf("%6lld %s\n", tick, cells.c_str());
    }
  }
  return 0;
}
