#include "myetcd/common/clock.h"

#include <doctest/doctest.h>

namespace myetcd {

using namespace std::chrono_literals;

TEST_CASE("clock: the steady clock never goes backwards") {
  Nanos prev = SteadyClock()->Now();
  for (int i = 0; i < 10000; ++i) {
    Nanos now = SteadyClock()->Now();
    CHECK(now >= prev);
    prev = now;
  }
}

TEST_CASE("clock: a manual clock moves only when told to") {
  ManualClock clock(5s);
  CHECK(clock.Now() == 5s);
  CHECK(clock.Now() == 5s);
  clock.Advance(1500ms);
  CHECK(clock.Now() == 6500ms);
  clock.Set(10s);
  CHECK(clock.Now() == 10s);
  Clock& as_interface = clock;
  CHECK(as_interface.Now() == 10s);
}

}  // namespace myetcd
