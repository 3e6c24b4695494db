// MYETCD_CHECK: a broken invariant stops the process (STYLE practice 5). Expected failures
// -- bad input, I/O errors, corruption found on disk -- are Status values; a CHECK is for
// what can only be a bug in our code, where carrying on would spread wrong state (a Raft
// log that goes backwards, a revision that repeats). It is active in every build: the cost
// is a predictable branch, and a store must never run on after a broken invariant.
//
//   MYETCD_CHECK(applied <= committed, "applied " << applied << " > committed " << committed);
#pragma once

#include <cstdio>
#include <cstdlib>
#include <sstream>

#define MYETCD_CHECK(cond, msg)                                                    \
  do {                                                                             \
    if (!(cond)) {                                                                 \
      std::ostringstream _myetcd_check_msg;                                        \
      _myetcd_check_msg << msg;                                                    \
      std::fprintf(stderr, "%s:%d: CHECK failed: %s: %s\n", __FILE__, __LINE__,   \
                   #cond, _myetcd_check_msg.str().c_str());                        \
      std::abort();                                                                \
    }                                                                              \
  } while (0)
