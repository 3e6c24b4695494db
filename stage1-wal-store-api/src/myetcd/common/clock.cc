#include "myetcd/common/clock.h"

#include <cstdio>
#include <cstdlib>

namespace myetcd {
namespace {

class SteadyClockImpl final : public Clock {
 public:
  Nanos Now() const override {
    return std::chrono::duration_cast<Nanos>(std::chrono::steady_clock::now().time_since_epoch());
  }
};

[[noreturn]] void Die(const char* what) {
  std::fprintf(stderr, "ManualClock: %s\n", what);
  std::abort();
}

}  // namespace

Clock* SteadyClock() {
  static auto* clock = new SteadyClockImpl();
  return clock;
}

void ManualClock::Advance(Nanos d) {
  if (d.count() < 0) Die("Advance by a negative duration");
  now_.fetch_add(d.count(), std::memory_order_acq_rel);
}

void ManualClock::Set(Nanos t) {
  int64_t cur = now_.load(std::memory_order_acquire);
  if (t.count() < cur) Die("Set to a time before Now()");
  now_.store(t.count(), std::memory_order_release);
}

}  // namespace myetcd
