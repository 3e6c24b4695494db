#include "tools/bench/report.h"

#include <fmt/format.h>

namespace myetcd::bench {

void OpStats::RecordStatus(int status, uint64_t latency) {
  latency_ns.Record(latency);
  ++status_counts[status];
  if (status >= 200 && status < 300) {
    ++ok;
  } else {
    ++http_errors;
  }
}

void OpStats::RecordTransportError() { ++transport_errors; }

void OpStats::Merge(const OpStats& o) {
  latency_ns.Merge(o.latency_ns);
  ok += o.ok;
  http_errors += o.http_errors;
  transport_errors += o.transport_errors;
  for (const auto& [status, n] : o.status_counts) status_counts[status] += n;
}

void WatchStats::Merge(const WatchStats& o) {
  latency_ns.Merge(o.latency_ns);
  events += o.events;
  measured_events += o.measured_events;
  created += o.created;
  canceled += o.canceled;
  bad_frames += o.bad_frames;
  stream_errors += o.stream_errors;
}

void RunStats::Merge(const RunStats& other) {
  for (size_t i = 0; i < kNumOps; ++i) ops[i].Merge(other.ops[i]);
}

OpStats RunStats::Total() const {
  OpStats t;
  for (const auto& o : ops) t.Merge(o);
  return t;
}

namespace {

double Us(uint64_t ns) { return static_cast<double>(ns) / 1000.0; }

nlohmann::json LatencyJson(const Histogram& h) {
  return {{"min", Us(h.min())},
          {"mean", h.mean() / 1000.0},
          {"p50", Us(h.Percentile(0.50))},
          {"p90", Us(h.Percentile(0.90))},
          {"p99", Us(h.Percentile(0.99))},
          {"p999", Us(h.Percentile(0.999))},
          {"max", Us(h.max())}};
}

nlohmann::json OpJson(const OpStats& s, double elapsed_s) {
  const Histogram& h = s.latency_ns;
  nlohmann::json status = nlohmann::json::object();
  for (const auto& [code, n] : s.status_counts) status[std::to_string(code)] = n;
  return {
      {"requests", s.requests()},
      {"ok", s.ok},
      {"errors", s.errors()},
      {"http_errors", s.http_errors},
      {"transport_errors", s.transport_errors},
      {"status", status},
      {"throughput_rps", elapsed_s > 0 ? static_cast<double>(s.requests()) / elapsed_s : 0.0},
      {"latency_us", LatencyJson(h)},
  };
}

std::string Ms(uint64_t ns) { return fmt::format("{:.3f}", static_cast<double>(ns) / 1e6); }

std::string OpLine(std::string_view name, const OpStats& s, double elapsed_s) {
  const Histogram& h = s.latency_ns;
  const double rps = elapsed_s > 0 ? static_cast<double>(s.requests()) / elapsed_s : 0.0;
  std::string status;
  for (const auto& [code, n] : s.status_counts) status += fmt::format(" {}:{}", code, n);
  if (s.transport_errors) status += fmt::format(" transport:{}", s.transport_errors);
  return fmt::format(
      "{:<6} {:>9} req {:>11.1f} req/s  ok {} errors {} (status{})\n"
      "       latency ms  min {}  p50 {}  p90 {}  p99 {}  p99.9 {}  max {}  mean {:.3f}\n",
      name, s.requests(), rps, s.ok, s.errors(), status, Ms(h.min()), Ms(h.Percentile(0.50)),
      Ms(h.Percentile(0.90)), Ms(h.Percentile(0.99)), Ms(h.Percentile(0.999)), Ms(h.max()),
      h.mean() / 1e6);
}

}  // namespace

nlohmann::json ToJson(const Report& r) {
  const BenchConfig& c = r.config;
  nlohmann::json j = OpJson(r.stats.Total(), r.elapsed_s);
  j["tool"] = "myetcd-bench";
  j["workload"] = WorkloadName(c.workload);
  j["api"] = ApiName(c.api);
  j["endpoint"] = c.host + ":" + std::to_string(c.port);
  j["connections"] = c.connections;
  j["threads"] = c.threads;
  j["key_count"] = c.key_count;
  j["key_size"] = c.key_size;
  j["value_size"] = c.value_size;
  j["key_mode"] = KeyModeName(c.key_mode);
  j["rate"] = c.rate;
  j["elapsed_s"] = r.elapsed_s;
  nlohmann::json ops = nlohmann::json::object();
  for (size_t i = 0; i < kNumOps; ++i) {
    if (r.stats.ops[i].requests() == 0) continue;
    ops[std::string(OpName(static_cast<Op>(i)))] = OpJson(r.stats.ops[i], r.elapsed_s);
  }
  j["ops"] = ops;
  if (r.watch) {
    const WatchStats& w = *r.watch;
    const uint64_t puts = r.stats.ops[static_cast<size_t>(Op::kPut)].ok;
    j["watch"] = {
        {"watchers", c.watchers},
        {"created", w.created},
        {"canceled", w.canceled},
        {"stream_errors", w.stream_errors},
        {"bad_frames", w.bad_frames},
        {"events", w.events},
        {"measured_events", w.measured_events},
        {"expected_events", puts * static_cast<uint64_t>(c.watchers)},
        {"events_per_s",
         r.elapsed_s > 0 ? static_cast<double>(w.measured_events) / r.elapsed_s : 0.0},
        {"latency_us", LatencyJson(w.latency_ns)},
    };
  }
  return j;
}

std::string ToText(const Report& r) {
  const BenchConfig& c = r.config;
  std::string out = fmt::format(
      "myetcd-bench: {} on /{} at {}:{}, {} connections, {} threads, keys {} {} x {} B, "
      "values {} B{}\n",
      WorkloadName(c.workload), ApiName(c.api), c.host, c.port, c.connections, c.threads,
      KeyModeName(c.key_mode), c.key_count, c.key_size, c.value_size,
      c.rate ? fmt::format(", rate {} req/s", c.rate) : "");
  out += fmt::format("measured {:.3f} s\n", r.elapsed_s);
  int used = 0;
  for (const auto& o : r.stats.ops) used += o.requests() > 0;
  if (used > 1) {
    for (size_t i = 0; i < kNumOps; ++i) {
      if (r.stats.ops[i].requests() == 0) continue;
      out += OpLine(OpName(static_cast<Op>(i)), r.stats.ops[i], r.elapsed_s);
    }
  }
  out += OpLine("total", r.stats.Total(), r.elapsed_s);
  if (r.watch) {
    const WatchStats& w = *r.watch;
    const Histogram& h = w.latency_ns;
    const uint64_t expected =
        r.stats.ops[static_cast<size_t>(Op::kPut)].ok * static_cast<uint64_t>(c.watchers);
    out += fmt::format(
        "watch  {} watchers ({} created, {} failed, {} canceled): {} events of {} expected, "
        "{:.1f} events/s, {} bad frames\n"
        "       put->event ms  min {}  p50 {}  p90 {}  p99 {}  p99.9 {}  max {}\n",
        c.watchers, w.created, w.stream_errors, w.canceled, w.measured_events, expected,
        r.elapsed_s > 0 ? static_cast<double>(w.measured_events) / r.elapsed_s : 0.0, w.bad_frames,
        Ms(h.min()), Ms(h.Percentile(0.50)), Ms(h.Percentile(0.90)), Ms(h.Percentile(0.99)),
        Ms(h.Percentile(0.999)), Ms(h.max()));
  }
  return out;
}

}  // namespace myetcd::bench
