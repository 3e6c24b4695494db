// Canaries: known bugs planted on purpose, switched on at run time by the environment
// variable MYETCD_CANARY=<name>[,<name>...], so CI can prove that each fault test catches
// the bug it guards (TESTING.md "Bug canaries"). They are compiled only into test builds
// (-DMYETCD_CANARIES=ON); in every other build CanaryEnabled() is constant false and the
// planted branch is dead code the compiler removes.
//
//   if (CanaryEnabled("ACK_BEFORE_FSYNC")) { ...the bug... }
//
// Thread-safety: the variable is read once, on first use; calls are then lock-free.
#pragma once

#include <string_view>

namespace myetcd {

#if defined(MYETCD_CANARIES)
bool CanaryEnabled(std::string_view name);
#else
constexpr bool CanaryEnabled(std::string_view) { return false; }
#endif

// True when this binary was built with canaries compiled in.
constexpr bool kCanariesCompiled =
#if defined(MYETCD_CANARIES)
    true;
#else
    false;
#endif

}  // namespace myetcd
