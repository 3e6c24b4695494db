// Runner: drives a server with a workload over keep-alive HTTP/1.1 connections and returns
// what it measured. The only part of myetcd-bench that owns sockets (runner.cc includes
// Asio and Beast; nothing else in tools/bench does).
//
// Model (like wrk and etcd's benchmark tool): --connections connections, each with at most
// one request in flight, spread over --threads threads. Every thread runs its own
// io_context, and every connection records into its own RunStats, so nothing is shared
// while the run lasts except one atomic request counter in --count mode; the stats are
// merged after the threads have joined.
//
// Phases: warm-up (--warmup, unmeasured), then either --duration or --count requests.
// A request belongs to the phase in which it was due. Elapsed time runs from the start of
// the measured phase to the last response.
#pragma once

#include "myetcd/common/result.h"
#include "tools/bench/report.h"
#include "tools/bench/workload.h"

namespace myetcd::bench {

// REQUIRES: Validate(config).ok(). Fails only when the endpoint cannot be resolved; an
// unreachable server is a run full of transport errors, reported as such.
Result<Report> Run(const BenchConfig& config);

}  // namespace myetcd::bench
