// Report: what a run measured, and how it is printed (text for people, --json for scripts
// such as scripts/bench-compare.sh).
//
// Counting rules, the same for every API:
//   * a request is counted when its whole response has arrived (or it failed);
//   * ok = an HTTP 2xx status; every other status is an error, counted by status code
//     (a /v1 GET of a missing key is a 404 and so an error);
//   * a transport error (refused connection, reset, malformed response) is an error too,
//     counted apart; the connection is opened again for the next request;
//   * latency is measured for every completed request, ok or not, from the moment the
//     request was due (with --rate, its scheduled time; otherwise when it was written)
//     to the end of its response.
//
// Thread-safety: a RunStats belongs to one connection while the run lasts; the runner
// merges them with Merge() after every thread has finished.
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "tools/bench/histogram.h"
#include "tools/bench/workload.h"

namespace myetcd::bench {

struct OpStats {
  Histogram latency_ns;
  uint64_t ok = 0;
  uint64_t http_errors = 0;
  uint64_t transport_errors = 0;
  std::map<int, uint64_t> status_counts;  // every HTTP status seen

  uint64_t requests() const { return ok + http_errors + transport_errors; }
  uint64_t errors() const { return http_errors + transport_errors; }
  void RecordStatus(int status, uint64_t latency_ns);
  void RecordTransportError();
  void Merge(const OpStats& other);
};

struct RunStats {
  std::array<OpStats, kNumOps> ops;
  void Merge(const RunStats& other);
  OpStats Total() const;
};

// What the watchers of the watch workload saw (watch.h). Each watcher owns one; merged
// at the end like RunStats.
struct WatchStats {
  Histogram latency_ns;          // put sent -> event received, measured puts only
  uint64_t events = 0;           // PUT events received, warm-up included
  uint64_t measured_events = 0;  // events of measured puts
  uint64_t created = 0;          // streams the server confirmed
  uint64_t canceled = 0;         // streams the server ended
  uint64_t bad_frames = 0;
  uint64_t stream_errors = 0;  // streams that failed to open (connect, or a non-2xx status)
  void Merge(const WatchStats& other);
};

struct Report {
  BenchConfig config;
  RunStats stats;
  std::optional<WatchStats> watch;  // the watch workload only
  double elapsed_s = 0;             // the measured phase, from its start to the last response
};

nlohmann::json ToJson(const Report& r);
std::string ToText(const Report& r);

}  // namespace myetcd::bench
