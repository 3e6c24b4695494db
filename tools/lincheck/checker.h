// The linearizability checker: is there one order of the operations, consistent with
// real time (an op that returned before another was called comes first), in which every
// operation's output is what a single correct copy of the store would have answered?
//
// How: Wing & Gong's search with Lowe's memoisation (the algorithm porcupine made popular;
// this is our own code). Calls and returns are events on a time line; the search walks the
// line, tries to linearise each op whose call it has reached, keeps a cache of (set of ops
// linearised, model state) so it never explores the same situation twice, and backtracks
// when it reaches a return whose op could not be placed. Histories are split by key first
// (single-key ops compose: P-compositionality), which keeps each search small.
//
// The model, per key (state = a value or absent):
//   get -> must equal the state; put -> state := v; del -> state := absent;
//   cas(e, v) -> ok iff state == e, then state := v; a failed cas saw state != e;
//   append(v) -> state := state + v (absent counts as "").
// An unknown op is placed somewhere after its call or at the very end -- the end is where
// "it never happened" lives, since nothing observes it there; its output is not checked.
//
// Each key has a time budget; running out is Verdict::kUnknown, which callers must treat as
// an error, never as a pass.
//
// Thread-safety: pure functions over their arguments.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "tools/lincheck/history.h"

namespace myetcd::lincheck {

enum class Verdict { kLinearizable, kViolation, kUnknown };

struct KeyReport {
  std::string key;
  Verdict verdict = Verdict::kLinearizable;
  size_t ops = 0;
  // On a violation: the longest sequence of ops the search could linearise, in order, and
  // the op (earliest call) that could not be placed after it.
  std::vector<Operation> longest_prefix;
  std::optional<Operation> first_unplaced;
};

struct CheckOptions {
  std::chrono::milliseconds budget_per_key{10000};
  // One violation decides the verdict, so the search stops there (porcupine does the
  // same). Keys are first tried with a short budget, so a key that is slow to settle does
  // not hold up a quick refutation of another.
  bool stop_at_first_violation = true;
  std::chrono::milliseconds quick_budget{200};
};

struct CheckReport {
  Verdict verdict = Verdict::kLinearizable;
  size_t keys = 0;
  size_t ops = 0;
  std::vector<KeyReport> problems;  // keys whose verdict is not linearizable
  size_t unchecked_keys = 0;        // left unsettled after the first violation
};

KeyReport CheckKey(const std::string& key, std::vector<Operation> ops, const CheckOptions& opts);
CheckReport Check(const History& history, const CheckOptions& opts = {});

// The O(n log n) checks of the store-wide revision (they need no search):
//   * acknowledged writes have distinct revisions;
//   * if a returned before b was called, rev(a) <= rev(b), strictly when b is a write;
//   * within one client, response revisions never go down;
//   * a get's header revision is >= the mod_revision of the value it returned.
// Each violation is one message naming both operations.
std::vector<std::string> CheckRevisions(const History& history);

std::string VerdictName(Verdict v);
// A human report: the verdict, and for each problem key its prefix and first unplaced op.
std::string FormatReport(const CheckReport& report, size_t max_prefix = 10);

}  // namespace myetcd::lincheck
