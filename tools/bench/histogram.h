// Histogram: a log-linear latency histogram with bounded relative error, in the style of
// HdrHistogram. Every sample is counted (nothing is sampled or dropped), so a percentile is
// computed over every request of a run.
//
// Layout. Values are non-negative integers (nanoseconds here). Values below 2^kSubBits are
// counted exactly, one bucket each. Above that, each power of two [2^e, 2^(e+1)) is split
// into 2^kSubBits equal buckets, so a bucket is never wider than 1/2^kSubBits (0.78 %) of
// the values it holds. A percentile reports the middle of the bucket that holds the
// sample of that rank, clamped to the observed [min, max]: it is within half a bucket,
// 0.4 %, of the exact sample (histogram_test.cc checks this against a sorted copy).
//
// Percentile definition: Percentile(q) is the sample of rank ceil(q * count) (1-based) in
// sorted order: the smallest recorded value such that at least a fraction q of all samples
// are <= it. q = 0 gives the minimum, q = 1 the maximum.
//
// Thread-safety: none. Each connection owns its histograms; the runner merges them into
// one after every thread has finished (Merge is exact: buckets add up). Never share one
// histogram between threads and never average percentiles of different histograms.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace myetcd::bench {

class Histogram {
 public:
  static constexpr int kSubBits = 7;
  // Values at or above 2^kMaxExponent (~73 minutes in ns) land in the last bucket; the
  // exact maximum is still kept in max().
  static constexpr int kMaxExponent = 42;

  Histogram();

  void Record(uint64_t value);
  // Adds every sample of `other` (exact: same layout, counts add).
  void Merge(const Histogram& other);

  uint64_t count() const { return count_; }
  uint64_t min() const { return count_ ? min_ : 0; }
  uint64_t max() const { return max_; }
  double mean() const { return count_ ? sum_ / static_cast<double>(count_) : 0.0; }

  // REQUIRES: 0 <= q <= 1. Returns 0 when empty.
  uint64_t Percentile(double q) const;

  // Bucket arithmetic, exposed for tests.
  static size_t BucketOf(uint64_t value);
  static uint64_t BucketLow(size_t bucket);   // smallest value in the bucket
  static uint64_t BucketHigh(size_t bucket);  // largest value in the bucket

 private:
  std::vector<uint64_t> counts_;
  uint64_t count_ = 0;
  uint64_t min_ = UINT64_MAX;
  uint64_t max_ = 0;
  double sum_ = 0;
};

}  // namespace myetcd::bench
