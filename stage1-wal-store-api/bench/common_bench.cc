// Component benchmarks of the common library: the checksum every WAL record pays for, and
// the varint coding every record header uses. `make bench` runs them.
#include <benchmark/benchmark.h>

#include <random>
#include <string>

#include "myetcd/common/coding.h"
#include "myetcd/common/crc32c.h"

namespace myetcd {
namespace {

std::string RandomBytes(size_t n) {
  std::mt19937 rng(1);
  std::string s(n, '\0');
  for (auto& c : s) c = static_cast<char>(rng());
  return s;
}

void BM_Crc32cHardware(benchmark::State& state) {
  if (!crc32c::HardwareAvailable()) {
    state.SkipWithError("no SSE4.2 on this CPU");
    return;
  }
  std::string data = RandomBytes(static_cast<size_t>(state.range(0)));
  for (auto _ : state) {
    benchmark::DoNotOptimize(crc32c::ExtendHardware(0, data.data(), data.size()));
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations()) * state.range(0));
}
BENCHMARK(BM_Crc32cHardware)->Arg(100)->Arg(4096)->Arg(32768);

void BM_Crc32cPortable(benchmark::State& state) {
  std::string data = RandomBytes(static_cast<size_t>(state.range(0)));
  for (auto _ : state) {
    benchmark::DoNotOptimize(crc32c::ExtendPortable(0, data.data(), data.size()));
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations()) * state.range(0));
}
BENCHMARK(BM_Crc32cPortable)->Arg(100)->Arg(4096)->Arg(32768);

void BM_VarintRoundTrip(benchmark::State& state) {
  std::mt19937_64 rng(2);
  std::string buf;
  for (int i = 0; i < 1000; ++i) PutVarint64(&buf, rng() >> (rng() % 64));
  for (auto _ : state) {
    std::string_view in = buf;
    uint64_t v, sum = 0;
    while (GetVarint64(&in, &v)) sum += v;
    benchmark::DoNotOptimize(sum);
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()) * 1000);
}
BENCHMARK(BM_VarintRoundTrip);

}  // namespace
}  // namespace myetcd
