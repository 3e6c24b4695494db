#include "myetcd/common/metrics.h"

#include <doctest/doctest.h>

#include <thread>
#include <vector>

namespace myetcd {

TEST_CASE("metrics: the same name and labels give the same counter") {
  InMemoryMetrics m;
  Counter& a = m.GetCounter("myetcd_test_total", "help");
  Counter& b = m.GetCounter("myetcd_test_total", "help");
  CHECK(&a == &b);
  a.Inc();
  b.Inc(2);
  CHECK(m.Value("myetcd_test_total") == 3);
}

TEST_CASE("metrics: labels separate the samples of one family") {
  InMemoryMetrics m;
  m.GetCounter("myetcd_requests_total", "requests", {{"route", "/v1/key"}}).Inc();
  m.GetCounter("myetcd_requests_total", "requests", {{"route", "/v1/range"}}).Inc(5);
  CHECK(m.Value("myetcd_requests_total", {{"route", "/v1/key"}}) == 1);
  CHECK(m.Value("myetcd_requests_total", {{"route", "/v1/range"}}) == 5);
  auto families = m.Collect();
  REQUIRE(families.size() == 1);
  CHECK(families[0].type == MetricType::kCounter);
  CHECK(families[0].samples.size() == 2);
}

TEST_CASE("metrics: gauges go up and down") {
  InMemoryMetrics m;
  Gauge& g = m.GetGauge("myetcd_keys", "keys");
  g.Set(10);
  g.Add(-3);
  CHECK(m.Value("myetcd_keys") == 7);
}

TEST_CASE("metrics: histogram buckets are cumulative and a bound is inclusive") {
  InMemoryMetrics m;
  Histogram& h = m.GetHistogram("myetcd_latency_seconds", "latency", {0.1, 1, 10});
  for (double v : {0.05, 0.1, 0.5, 1.0, 5.0, 50.0}) h.Observe(v);
  auto families = m.Collect();
  REQUIRE(families.size() == 1);
  const MetricSample& s = families[0].samples.at(0);
  CHECK(s.bucket_counts == std::vector<uint64_t>{2, 4, 5, 6});
  CHECK(s.count == 6);
  CHECK(s.sum == doctest::Approx(56.65));
}

TEST_CASE("metrics: concurrent increments are all counted") {
  InMemoryMetrics m;
  Counter& c = m.GetCounter("myetcd_concurrent_total", "c");
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 10000; ++i) c.Inc();
    });
  }
  for (auto& t : threads) t.join();
  CHECK(m.Value("myetcd_concurrent_total") == 40000);
}

TEST_CASE("metrics: the no-op registry accepts everything and records nothing") {
  Metrics& m = NoopMetrics();
  m.GetCounter("anything_total", "x").Inc();
  m.GetGauge("g", "x").Set(1);
  m.GetHistogram("h", "x", LatencyBuckets()).Observe(1);
  CHECK(&m.GetCounter("a", "x") == &m.GetCounter("b", "y"));
}

TEST_CASE("metrics: latency buckets ascend from 100 microseconds") {
  auto b = LatencyBuckets();
  REQUIRE(b.size() > 10);
  CHECK(b.front() == doctest::Approx(0.0001));
  for (size_t i = 1; i < b.size(); ++i) CHECK(b[i] > b[i - 1]);
}

}  // namespace myetcd
