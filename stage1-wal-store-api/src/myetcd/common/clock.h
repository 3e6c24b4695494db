// Clock: where components read the time. Leases, timeouts, elections and compaction
// schedules take a Clock& instead of calling std::chrono directly, so a test can run a day
// of lease expiry in a millisecond with a ManualClock, and the real server is immune to
// wall-clock jumps (it reads the monotonic clock).
//
// Thread-safety: both implementations may be read from any thread.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>

namespace myetcd {

// A point on a monotonic time line, in nanoseconds since an arbitrary origin.
using Nanos = std::chrono::nanoseconds;

class Clock {
 public:
  virtual ~Clock() = default;
  // Monotonic: never goes backwards, unaffected by the wall clock being set.
  virtual Nanos Now() const = 0;
};

// std::chrono::steady_clock (CLOCK_MONOTONIC). Never destroyed.
Clock* SteadyClock();

// A clock that moves only when told to.
class ManualClock : public Clock {
 public:
  explicit ManualClock(Nanos start = Nanos(0)) : now_(start.count()) {}
  Nanos Now() const override { return Nanos(now_.load(std::memory_order_acquire)); }
  // REQUIRES: d >= 0 (a monotonic clock never goes back).
  void Advance(Nanos d);
  void Set(Nanos t);  // REQUIRES: t >= Now()

 private:
  std::atomic<int64_t> now_;
};

}  // namespace myetcd
