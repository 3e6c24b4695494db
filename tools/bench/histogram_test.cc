#include "tools/bench/histogram.h"

#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <random>
#include <vector>

namespace myetcd::bench {
namespace {

// The exact percentile by the same definition: the sample of rank ceil(q * n).
uint64_t Exact(std::vector<uint64_t> v, double q) {
  std::sort(v.begin(), v.end());
  auto rank = static_cast<size_t>(std::ceil(q * static_cast<double>(v.size())));
  rank = std::clamp<size_t>(rank, 1, v.size());
  return v[rank - 1];
}

// Half a bucket: the promised bound, 2^-(kSubBits+1) of the value (plus 1 for rounding).
bool Close(uint64_t got, uint64_t exact) {
  const double bound = static_cast<double>(exact) / (1 << (Histogram::kSubBits + 1)) + 1;
  return std::abs(static_cast<double>(got) - static_cast<double>(exact)) <= bound;
}

constexpr double kQs[] = {0, 0.001, 0.1, 0.5, 0.9, 0.99, 0.999, 0.9999, 1};

}  // namespace

TEST_CASE("histogram: buckets tile the values with bounded relative width") {
  for (uint64_t v : {0ull, 1ull, 127ull, 128ull, 129ull, 255ull, 256ull, 1000ull, 123456789ull,
                     (1ull << 41) + 5}) {
    const size_t b = Histogram::BucketOf(v);
    CHECK(Histogram::BucketLow(b) <= v);
    CHECK(v <= Histogram::BucketHigh(b));
    const uint64_t width = Histogram::BucketHigh(b) - Histogram::BucketLow(b) + 1;
    CHECK(static_cast<double>(width) <= std::max(1.0, static_cast<double>(v) / 128.0));
  }
  // Consecutive buckets meet with no gap and no overlap.
  for (size_t b = 0; b + 2 < 2000; ++b) {
    CHECK(Histogram::BucketHigh(b) + 1 == Histogram::BucketLow(b + 1));
  }
}

TEST_CASE("histogram: percentiles match a brute-force sort within half a bucket") {
  std::mt19937_64 rng(42);
  // Latency-like data: log-normal around 200 us with a long tail, in nanoseconds.
  std::lognormal_distribution<double> lat(std::log(200'000.0), 1.0);
  for (int n : {1, 2, 3, 10, 999, 100'000}) {
    std::vector<uint64_t> samples;
    Histogram h;
    for (int i = 0; i < n; ++i) {
      const auto v = static_cast<uint64_t>(lat(rng));
      samples.push_back(v);
      h.Record(v);
    }
    CHECK(h.count() == static_cast<uint64_t>(n));
    CHECK(h.min() == *std::min_element(samples.begin(), samples.end()));
    CHECK(h.max() == *std::max_element(samples.begin(), samples.end()));
    for (double q : kQs) {
      INFO("n=" << n << " q=" << q);
      CHECK(Close(h.Percentile(q), Exact(samples, q)));
    }
  }
}

TEST_CASE("histogram: small values are exact") {
  Histogram h;
  std::vector<uint64_t> samples;
  for (uint64_t v = 0; v < 100; ++v) {
    h.Record(v);
    samples.push_back(v);
  }
  for (double q : kQs) CHECK(h.Percentile(q) == Exact(samples, q));
}

TEST_CASE("histogram: merging per-connection histograms equals one histogram of every sample") {
  // What the runner does: each connection records alone, the runner merges at the end.
  // The merged percentiles are those of all samples, which an average of the
  // per-connection percentiles is not.
  std::mt19937_64 rng(7);
  std::vector<uint64_t> all;
  Histogram merged;
  std::vector<Histogram> parts(8);
  for (size_t c = 0; c < parts.size(); ++c) {
    // Connections see different latencies (one slow one), as under real load.
    std::uniform_int_distribution<uint64_t> d(1000 * (c + 1), 50'000 * (c == 7 ? 100 : 1));
    for (int i = 0; i < 5000; ++i) {
      const uint64_t v = d(rng);
      parts[c].Record(v);
      all.push_back(v);
    }
  }
  for (const auto& p : parts) merged.Merge(p);
  CHECK(merged.count() == all.size());
  double averaged_p99 = 0;
  for (const auto& p : parts) averaged_p99 += static_cast<double>(p.Percentile(0.99));
  averaged_p99 /= static_cast<double>(parts.size());
  for (double q : kQs) CHECK(Close(merged.Percentile(q), Exact(all, q)));
  // The tempting shortcut is badly wrong here, which is why the runner never takes it.
  CHECK(std::abs(averaged_p99 - static_cast<double>(Exact(all, 0.99))) >
        0.2 * static_cast<double>(Exact(all, 0.99)));
}

TEST_CASE("histogram: empty, huge values and the mean") {
  Histogram h;
  CHECK(h.Percentile(0.5) == 0);
  CHECK(h.min() == 0);
  CHECK(h.mean() == 0);
  h.Record(10);
  h.Record(30);
  CHECK(h.mean() == doctest::Approx(20));
  h.Record(UINT64_MAX / 2);  // beyond the last exponent: counted, max exact
  CHECK(h.max() == UINT64_MAX / 2);
  CHECK(h.Percentile(1.0) == UINT64_MAX / 2);
  CHECK(h.Percentile(0.5) == 30);
}

}  // namespace myetcd::bench
