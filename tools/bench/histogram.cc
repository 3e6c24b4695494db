#include "tools/bench/histogram.h"

#include <algorithm>
#include <bit>
#include <cmath>

namespace myetcd::bench {
namespace {

constexpr uint64_t kSub = uint64_t{1} << Histogram::kSubBits;
// Buckets: kSub exact ones, then kSub per exponent kSubBits .. kMaxExponent-1.
constexpr size_t kBuckets = kSub + (Histogram::kMaxExponent - Histogram::kSubBits) * kSub;

}  // namespace

Histogram::Histogram() : counts_(kBuckets, 0) {}

size_t Histogram::BucketOf(uint64_t value) {
  if (value < kSub) return static_cast<size_t>(value);
  const int e = std::bit_width(value) - 1;  // 2^e <= value < 2^(e+1)
  if (e >= kMaxExponent) return kBuckets - 1;
  const int shift = e - kSubBits;
  const uint64_t sub = (value >> shift) - kSub;  // 0 .. kSub-1
  return static_cast<size_t>(kSub + static_cast<uint64_t>(shift) * kSub + sub);
}

uint64_t Histogram::BucketLow(size_t bucket) {
  if (bucket < kSub) return bucket;
  const uint64_t shift = (bucket - kSub) / kSub;
  const uint64_t sub = (bucket - kSub) % kSub;
  return (kSub + sub) << shift;
}

uint64_t Histogram::BucketHigh(size_t bucket) {
  if (bucket + 1 >= kBuckets) return UINT64_MAX;
  return BucketLow(bucket + 1) - 1;
}

void Histogram::Record(uint64_t value) {
  ++counts_[BucketOf(value)];
  ++count_;
  min_ = std::min(min_, value);
  max_ = std::max(max_, value);
  sum_ += static_cast<double>(value);
}

void Histogram::Merge(const Histogram& other) {
  for (size_t i = 0; i < kBuckets; ++i) counts_[i] += other.counts_[i];
  count_ += other.count_;
  min_ = std::min(min_, other.min_);
  max_ = std::max(max_, other.max_);
  sum_ += other.sum_;
}

uint64_t Histogram::Percentile(double q) const {
  if (count_ == 0) return 0;
  q = std::clamp(q, 0.0, 1.0);
  // Rank of the wanted sample, 1-based: ceil(q * count), at least 1.
  uint64_t rank = static_cast<uint64_t>(std::ceil(q * static_cast<double>(count_)));
  rank = std::clamp<uint64_t>(rank, 1, count_);
  uint64_t seen = 0;
  for (size_t i = 0; i < kBuckets; ++i) {
    seen += counts_[i];
    if (seen >= rank) {
      const uint64_t low = BucketLow(i);
      const uint64_t high = BucketHigh(i);
      const uint64_t mid = low + (high - low) / 2;
      return std::clamp(mid, min(), max_);
    }
  }
  return max_;  // unreachable: the counts add up to count_
}

}  // namespace myetcd::bench
