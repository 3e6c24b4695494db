// Metrics: the interface every component records its own counters, gauges and histograms
// through (STYLE practice 13). A component asks for its instruments once, at construction,
// and keeps the references, so the hot path is one atomic add with no lookup:
//
//   Counter& fsyncs = metrics.GetCounter("myetcd_wal_fsyncs_total", "WAL fsyncs");
//   fsyncs.Inc();
//
// Two implementations live here: NoopMetrics() (the default, records nothing) and
// InMemoryMetrics (records, and hands out a consistent snapshot through Collect()). The
// Prometheus text exporter and /metrics (stage 3) render InMemoryMetrics::Collect().
//
// Names follow Prometheus: [a-zA-Z_:][a-zA-Z0-9_:]*. Label by a bounded set (route template,
// record type), never by a raw key. Asking twice for the same name and labels returns the
// same instrument; asking for a name with another type or help text is a programming error
// and aborts.
//
// Thread-safety: every method of every class here may be called from any thread.
// Lifetime: instruments live as long as the Metrics object that made them.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace myetcd {

using Labels = std::vector<std::pair<std::string, std::string>>;

class Counter {
 public:
  virtual ~Counter() = default;
  // REQUIRES: v >= 0 (a counter only goes up).
  virtual void Inc(double v = 1) = 0;
};

class Gauge {
 public:
  virtual ~Gauge() = default;
  virtual void Set(double v) = 0;
  virtual void Add(double v) = 0;
};

class Histogram {
 public:
  virtual ~Histogram() = default;
  virtual void Observe(double v) = 0;
};

enum class MetricType { kCounter, kGauge, kHistogram };

class Metrics {
 public:
  virtual ~Metrics() = default;
  virtual Counter& GetCounter(std::string_view name, std::string_view help,
                              const Labels& labels = {}) = 0;
  virtual Gauge& GetGauge(std::string_view name, std::string_view help,
                          const Labels& labels = {}) = 0;
  // `bounds` are the upper bounds of the buckets, ascending; +Inf is implied.
  virtual Histogram& GetHistogram(std::string_view name, std::string_view help,
                                  const std::vector<double>& bounds, const Labels& labels = {}) = 0;
};

// Records nothing. Never destroyed.
Metrics& NoopMetrics();

// Bucket bounds for latencies in seconds: 100 us to ~26 s, doubling.
std::vector<double> LatencyBuckets();

// One sample of a metric family, as an exporter needs it.
struct MetricSample {
  Labels labels;
  double value = 0;                     // counter and gauge
  std::vector<double> bounds;           // histogram: bucket upper bounds (without +Inf)
  std::vector<uint64_t> bucket_counts;  // histogram: cumulative counts per bound, then +Inf
  double sum = 0;                       // histogram
  uint64_t count = 0;                   // histogram
};

struct MetricFamily {
  std::string name;
  std::string help;
  MetricType type;
  std::vector<MetricSample> samples;  // sorted by labels
};

class InMemoryMetrics final : public Metrics {
 public:
  InMemoryMetrics();
  ~InMemoryMetrics() override;
  InMemoryMetrics(const InMemoryMetrics&) = delete;
  InMemoryMetrics& operator=(const InMemoryMetrics&) = delete;

  Counter& GetCounter(std::string_view name, std::string_view help,
                      const Labels& labels = {}) override;
  Gauge& GetGauge(std::string_view name, std::string_view help, const Labels& labels = {}) override;
  Histogram& GetHistogram(std::string_view name, std::string_view help,
                          const std::vector<double>& bounds, const Labels& labels = {}) override;

  // Every family, sorted by name.
  std::vector<MetricFamily> Collect() const;
  // The value of one counter or gauge (0 if it was never created); for tests.
  double Value(std::string_view name, const Labels& labels = {}) const;

 private:
  struct Impl;
  Impl* impl_;
};

}  // namespace myetcd
