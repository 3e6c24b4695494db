#include "myetcd/common/metrics.h"

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <memory>
#include <mutex>

namespace myetcd {
namespace {

[[noreturn]] void Die(const std::string& why) {
  std::fprintf(stderr, "metrics: %s\n", why.c_str());
  std::abort();
}

bool ValidName(std::string_view name) {
  if (name.empty()) return false;
  for (size_t i = 0; i < name.size(); ++i) {
    char c = name[i];
    bool alpha = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == ':';
    if (!alpha && !(i > 0 && c >= '0' && c <= '9')) return false;
  }
  return true;
}

class NoopCounter final : public Counter {
 public:
  void Inc(double) override {}
};
class NoopGauge final : public Gauge {
 public:
  void Set(double) override {}
  void Add(double) override {}
};
class NoopHistogram final : public Histogram {
 public:
  void Observe(double) override {}
};

class NoopMetricsImpl final : public Metrics {
 public:
  Counter& GetCounter(std::string_view, std::string_view, const Labels&) override {
    return counter_;
  }
  Gauge& GetGauge(std::string_view, std::string_view, const Labels&) override { return gauge_; }
  Histogram& GetHistogram(std::string_view, std::string_view, const std::vector<double>&,
                          const Labels&) override {
    return histogram_;
  }

 private:
  NoopCounter counter_;
  NoopGauge gauge_;
  NoopHistogram histogram_;
};

class AtomicCounter final : public Counter {
 public:
  void Inc(double v) override {
    if (v < 0) Die("a counter was decremented");
    value.fetch_add(v, std::memory_order_relaxed);
  }
  std::atomic<double> value{0};
};

class AtomicGauge final : public Gauge {
 public:
  void Set(double v) override { value.store(v, std::memory_order_relaxed); }
  void Add(double v) override { value.fetch_add(v, std::memory_order_relaxed); }
  std::atomic<double> value{0};
};

class AtomicHistogram final : public Histogram {
 public:
  explicit AtomicHistogram(std::vector<double> b)
      : bounds(std::move(b)), buckets(bounds.size() + 1) {}
  void Observe(double v) override {
    // Prometheus buckets are "less than or equal to" their bound.
    size_t i = std::lower_bound(bounds.begin(), bounds.end(), v) - bounds.begin();
    buckets[i].fetch_add(1, std::memory_order_relaxed);
    sum.fetch_add(v, std::memory_order_relaxed);
  }
  const std::vector<double> bounds;
  std::vector<std::atomic<uint64_t>> buckets;  // non-cumulative; the last is +Inf
  std::atomic<double> sum{0};
};

}  // namespace

Metrics& NoopMetrics() {
  static auto* metrics = new NoopMetricsImpl();
  return *metrics;
}

std::vector<double> LatencyBuckets() {
  std::vector<double> b;
  for (double v = 0.0001; v < 30; v *= 2) b.push_back(v);
  return b;
}

struct InMemoryMetrics::Impl {
  struct Family {
    std::string help;
    MetricType type;
    std::vector<double> bounds;
    std::map<Labels, std::unique_ptr<Counter>> counters;
    std::map<Labels, std::unique_ptr<Gauge>> gauges;
    std::map<Labels, std::unique_ptr<Histogram>> histograms;
  };
  mutable std::mutex mu;  // guards the maps; the instruments themselves are atomic
  std::map<std::string, Family, std::less<>> families;

  Family& GetFamily(std::string_view name, std::string_view help, MetricType type,
                    const std::vector<double>& bounds) {
    if (!ValidName(name)) Die("invalid metric name '" + std::string(name) + "'");
    auto it = families.find(name);
    if (it == families.end()) {
      if (!std::is_sorted(bounds.begin(), bounds.end())) {
        Die("histogram bounds of " + std::string(name) + " are not ascending");
      }
      it = families.emplace(std::string(name), Family{std::string(help), type, bounds, {}, {}, {}})
               .first;
    } else if (it->second.type != type || it->second.help != help || it->second.bounds != bounds) {
      Die("metric " + std::string(name) + " registered twice with different type/help/bounds");
    }
    return it->second;
  }
};

InMemoryMetrics::InMemoryMetrics() : impl_(new Impl) {}
InMemoryMetrics::~InMemoryMetrics() { delete impl_; }

Counter& InMemoryMetrics::GetCounter(std::string_view name, std::string_view help,
                                     const Labels& labels) {
  std::lock_guard lock(impl_->mu);
  auto& f = impl_->GetFamily(name, help, MetricType::kCounter, {});
  auto& slot = f.counters[labels];
  if (!slot) slot = std::make_unique<AtomicCounter>();
  return *slot;
}

Gauge& InMemoryMetrics::GetGauge(std::string_view name, std::string_view help,
                                 const Labels& labels) {
  std::lock_guard lock(impl_->mu);
  auto& f = impl_->GetFamily(name, help, MetricType::kGauge, {});
  auto& slot = f.gauges[labels];
  if (!slot) slot = std::make_unique<AtomicGauge>();
  return *slot;
}

Histogram& InMemoryMetrics::GetHistogram(std::string_view name, std::string_view help,
                                         const std::vector<double>& bounds, const Labels& labels) {
  std::lock_guard lock(impl_->mu);
  auto& f = impl_->GetFamily(name, help, MetricType::kHistogram, bounds);
  auto& slot = f.histograms[labels];
  if (!slot) slot = std::make_unique<AtomicHistogram>(bounds);
  return *slot;
}

std::vector<MetricFamily> InMemoryMetrics::Collect() const {
  std::lock_guard lock(impl_->mu);
  std::vector<MetricFamily> out;
  for (const auto& [name, f] : impl_->families) {
    MetricFamily fam{name, f.help, f.type, {}};
    for (const auto& [labels, c] : f.counters) {
      fam.samples.push_back({labels, static_cast<AtomicCounter&>(*c).value.load()});
    }
    for (const auto& [labels, g] : f.gauges) {
      fam.samples.push_back({labels, static_cast<AtomicGauge&>(*g).value.load()});
    }
    for (const auto& [labels, h] : f.histograms) {
      const auto& hist = static_cast<AtomicHistogram&>(*h);
      MetricSample s{labels};
      s.bounds = hist.bounds;
      uint64_t cumulative = 0;
      for (const auto& b : hist.buckets) {
        cumulative += b.load(std::memory_order_relaxed);
        s.bucket_counts.push_back(cumulative);
      }
      s.count = cumulative;
      s.sum = hist.sum.load(std::memory_order_relaxed);
      fam.samples.push_back(std::move(s));
    }
    out.push_back(std::move(fam));
  }
  return out;
}

double InMemoryMetrics::Value(std::string_view name, const Labels& labels) const {
  std::lock_guard lock(impl_->mu);
  auto it = impl_->families.find(name);
  if (it == impl_->families.end()) return 0;
  if (auto c = it->second.counters.find(labels); c != it->second.counters.end()) {
    return static_cast<AtomicCounter&>(*c->second).value.load();
  }
  if (auto g = it->second.gauges.find(labels); g != it->second.gauges.end()) {
    return static_cast<AtomicGauge&>(*g->second).value.load();
  }
  return 0;
}

}  // namespace myetcd
