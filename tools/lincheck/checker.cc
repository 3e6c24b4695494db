#include "tools/lincheck/checker.h"

#include <algorithm>
#include <map>
#include <sstream>
#include <unordered_set>

namespace myetcd::lincheck {
namespace {

// A model state is a value or absent. The search compares and caches states millions of
// times, and an append log grows with every step, so a state is not kept as a string but as
// its length and two polynomial hashes modulo 2^61-1 (appending is then O(1)). Two
// different values collide with probability about len/2^61 per hash, squared for two.
constexpr uint64_t kMod = (1ull << 61) - 1;
constexpr uint64_t kBase1 = 1000003, kBase2 = 9176867;

uint64_t MulMod(uint64_t a, uint64_t b) {
  unsigned __int128 p = static_cast<unsigned __int128>(a) * b;
  uint64_t lo = static_cast<uint64_t>(p & kMod), hi = static_cast<uint64_t>(p >> 61);
  uint64_t r = lo + hi;
  return r >= kMod ? r - kMod : r;
}
uint64_t AddMod(uint64_t a, uint64_t b) {
  uint64_t r = a + b;
  return r >= kMod ? r - kMod : r;
}

struct State {
  bool present = false;
  uint64_t len = 0, h1 = 0, h2 = 0;
  bool operator==(const State& o) const {
    return present == o.present && (!present || (len == o.len && h1 == o.h1 && h2 == o.h2));
  }
};

// A value's fingerprint and the powers that shift a state left by its length.
struct Fingerprint {
  State value;  // the value as a state
  uint64_t pow1 = 1, pow2 = 1;
};

Fingerprint Fingerprints(const std::optional<std::string>& v) {
  Fingerprint f;
  if (!v) return f;
  f.value.present = true;
  f.value.len = v->size();
  for (unsigned char c : *v) {
    f.value.h1 = AddMod(MulMod(f.value.h1, kBase1), c + 1);
    f.value.h2 = AddMod(MulMod(f.value.h2, kBase2), c + 1);
    f.pow1 = MulMod(f.pow1, kBase1);
    f.pow2 = MulMod(f.pow2, kBase2);
  }
  return f;
}

struct PreparedOp {
  const Operation* op;
  Fingerprint value, expected;
};

// One step of the per-key model; false when op's output contradicts the state.
bool Step(const PreparedOp& p, const State& s, State* next) {
  const Operation& op = *p.op;
  switch (op.kind) {
    case OpKind::kGet: *next = s; return op.outcome == Outcome::kUnknown || p.value.value == s;
    case OpKind::kPut: *next = p.value.value; return true;
    case OpKind::kDelete: *next = State{}; return true;
    case OpKind::kCas:
      if (op.outcome == Outcome::kFail) {
        *next = s;
        return !(s == p.expected.value);
      }
      if (op.outcome == Outcome::kOk) {
        *next = p.value.value;
        return s == p.expected.value;
      }
      *next = s == p.expected.value ? p.value.value : s;  // unknown: it swapped iff it could
      return true;
    case OpKind::kAppend:
      if (!s.present) {
        *next = p.value.value;
        next->present = true;  // appending "" to absent makes ""
      } else {
        next->present = true;
        next->len = s.len + p.value.value.len;
        next->h1 = AddMod(MulMod(s.h1, p.value.pow1), p.value.value.h1);
        next->h2 = AddMod(MulMod(s.h2, p.value.pow2), p.value.value.h2);
      }
      return true;
  }
  return false;
}

struct CacheKey {
  std::vector<uint64_t> linearized;
  State state;
  bool operator==(const CacheKey& o) const {
    return linearized == o.linearized && state == o.state;
  }
};

struct CacheKeyHash {
  size_t operator()(const CacheKey& k) const {
    size_t h = k.state.present ? k.state.h1 ^ (k.state.len << 1) : 0x9e3779b97f4a7c15ull;
    for (uint64_t w : k.linearized) h = (h ^ w) * 0x100000001b3ull;
    return h;
  }
};

bool WritesRevision(const Operation& op) {
  return op.outcome == Outcome::kOk &&
         (op.kind == OpKind::kPut || op.kind == OpKind::kCas || op.kind == OpKind::kAppend);
}

}  // namespace

std::string VerdictName(Verdict v) {
  switch (v) {
    case Verdict::kLinearizable: return "linearizable";
    case Verdict::kViolation: return "NOT linearizable";
    case Verdict::kUnknown: return "unknown (time budget exhausted)";
  }
  return "?";
}

KeyReport CheckKey(const std::string& key, std::vector<Operation> ops, const CheckOptions& opts) {
  KeyReport report;
  report.key = key;
  report.ops = ops.size();
  const int n = static_cast<int>(ops.size());
  if (n == 0) return report;
  std::vector<PreparedOp> prepared;
  prepared.reserve(n);
  for (const Operation& op : ops) {
    prepared.push_back({&op, Fingerprints(op.value), Fingerprints(op.expected)});
  }

  // The time line: node 2i is op i's call, 2i+1 its return; `head` is a sentinel.
  struct Event {
    int64_t time;
    bool is_call;
    int node;
  };
  std::vector<Event> events;
  events.reserve(2 * n);
  for (int i = 0; i < n; ++i) {
    events.push_back({ops[i].call, true, 2 * i});
    events.push_back({ops[i].ret, false, 2 * i + 1});
  }
  // Intervals are closed: at equal times calls come first, so touching ops overlap.
  std::stable_sort(events.begin(), events.end(), [](const Event& a, const Event& b) {
    return a.time != b.time ? a.time < b.time : a.is_call > b.is_call;
  });
  const int head = 2 * n;
  std::vector<int> next(2 * n + 1, -1), prev(2 * n + 1, -1);
  int last = head;
  for (const Event& e : events) {
    next[last] = e.node;
    prev[e.node] = last;
    last = e.node;
  }
  auto lift = [&](int call) {  // take op's call and return out of the line
    int ret = call + 1;
    next[prev[call]] = next[call];
    if (next[call] != -1) prev[next[call]] = prev[call];
    next[prev[ret]] = next[ret];
    if (next[ret] != -1) prev[next[ret]] = prev[ret];
  };
  auto unlift = [&](int call) {  // exactly undoes the matching lift (dancing links)
    int ret = call + 1;
    if (next[ret] != -1) prev[next[ret]] = ret;
    next[prev[ret]] = ret;
    if (next[call] != -1) prev[next[call]] = call;
    next[prev[call]] = call;
  };

  struct Frame {
    int call;
    State state;
  };
  std::vector<Frame> stack;
  std::vector<uint64_t> linearized((n + 63) / 64, 0);
  std::unordered_set<CacheKey, CacheKeyHash> cache;
  std::vector<int> best;  // the longest linearised sequence seen (op indices)
  State state;
  auto deadline = std::chrono::steady_clock::now() + opts.budget_per_key;
  uint64_t steps = 0;

  int node = next[head];
  while (next[head] != -1) {
    if ((++steps & 4095) == 0 && std::chrono::steady_clock::now() > deadline) {
      report.verdict = Verdict::kUnknown;
      return report;
    }
    if (node != -1 && node % 2 == 0) {  // a call: try to linearise its op here
      int i = node / 2;
      State after;
      if (Step(prepared[i], state, &after)) {
        linearized[i / 64] |= 1ull << (i % 64);
        if (cache.insert({linearized, after}).second) {
          stack.push_back({node, state});
          state = after;
          lift(node);
          if (stack.size() > best.size()) {
            best.clear();
            for (const Frame& f : stack) best.push_back(f.call / 2);
          }
          node = next[head];
          continue;
        }
        linearized[i / 64] &= ~(1ull << (i % 64));
      }
      node = next[node];
      continue;
    }
    // A return whose op is not linearised yet (or the end): undo the last choice.
    if (stack.empty()) {
      report.verdict = Verdict::kViolation;
      std::vector<bool> placed(n, false);
      for (int i : best) {
        placed[i] = true;
        report.longest_prefix.push_back(ops[i]);
      }
      for (int i = 0; i < n; ++i) {
        if (!placed[i] && (!report.first_unplaced || ops[i].call < report.first_unplaced->call)) {
          report.first_unplaced = ops[i];
        }
      }
      return report;
    }
    Frame f = std::move(stack.back());
    stack.pop_back();
    state = f.state;
    linearized[(f.call / 2) / 64] &= ~(1ull << ((f.call / 2) % 64));
    unlift(f.call);
    node = next[f.call];
  }
  return report;
}

CheckReport Check(const History& history, const CheckOptions& opts) {
  std::map<std::string, std::vector<Operation>> by_key;
  for (const Operation& op : history) by_key[op.key].push_back(op);
  CheckReport report;
  report.keys = by_key.size();
  report.ops = history.size();
  // Pass 1 gives every key the quick budget; pass 2 the full budget to those it left open.
  std::vector<const std::string*> open;
  CheckOptions quick = opts;
  quick.budget_per_key = std::min(opts.quick_budget, opts.budget_per_key);
  bool violated = false;
  for (int pass = 0; pass < 2; ++pass) {
    std::vector<const std::string*> keys;
    if (pass == 0) {
      for (const auto& [key, ops] : by_key) keys.push_back(&key);
    } else {
      keys.swap(open);
    }
    for (const std::string* key : keys) {
      if (violated && opts.stop_at_first_violation) {
        ++report.unchecked_keys;
        continue;
      }
      KeyReport k = CheckKey(*key, by_key[*key], pass == 0 ? quick : opts);
      if (k.verdict == Verdict::kUnknown && pass == 0 &&
          quick.budget_per_key < opts.budget_per_key) {
        open.push_back(key);
        continue;
      }
      if (k.verdict == Verdict::kLinearizable) continue;
      violated |= k.verdict == Verdict::kViolation;
      report.problems.push_back(std::move(k));
    }
  }
  for (const KeyReport& k : report.problems) {
    if (k.verdict == Verdict::kViolation) report.verdict = Verdict::kViolation;
    if (k.verdict == Verdict::kUnknown && report.verdict == Verdict::kLinearizable) {
      report.verdict = Verdict::kUnknown;
    }
  }
  return report;
}

std::vector<std::string> CheckRevisions(const History& history) {
  std::vector<std::string> problems;
  std::vector<const Operation*> ops;
  for (const Operation& op : history) {
    if (op.outcome == Outcome::kOk && op.revision) ops.push_back(&op);
  }
  // Acknowledged writes have distinct revisions.
  std::map<int64_t, const Operation*> write_revs;
  for (const Operation* op : ops) {
    if (!WritesRevision(*op)) continue;
    auto [it, inserted] = write_revs.emplace(*op->revision, op);
    if (!inserted) {
      problems.push_back("two writes at revision " + std::to_string(*op->revision) + ": " +
                         Describe(*it->second) + " and " + Describe(*op));
    }
  }
  // Real-time order: sweep calls in time order, knowing the largest revision of every op
  // that returned before the call.
  std::vector<const Operation*> by_call = ops, by_ret = ops;
  std::sort(by_call.begin(), by_call.end(), [](auto* a, auto* b) { return a->call < b->call; });
  std::sort(by_ret.begin(), by_ret.end(), [](auto* a, auto* b) { return a->ret < b->ret; });
  size_t r = 0;
  const Operation* max_before = nullptr;
  for (const Operation* b : by_call) {
    while (r < by_ret.size() && by_ret[r]->ret < b->call) {
      if (!max_before || *by_ret[r]->revision > *max_before->revision) max_before = by_ret[r];
      ++r;
    }
    if (!max_before) continue;
    bool strict = WritesRevision(*b);
    if (*b->revision < *max_before->revision || (strict && *b->revision == *max_before->revision)) {
      problems.push_back("revision went back in real time: " + Describe(*max_before) + " rev " +
                         std::to_string(*max_before->revision) + " returned before " +
                         Describe(*b) + " rev " + std::to_string(*b->revision) + " was called");
    }
  }
  // Per client, revisions never go down.
  std::map<int64_t, const Operation*> last_of_client;
  for (const Operation* op : by_call) {
    auto [it, inserted] = last_of_client.emplace(op->client, op);
    if (!inserted) {
      if (*op->revision < *it->second->revision) {
        problems.push_back("client " + std::to_string(op->client) + " saw revision " +
                           std::to_string(*op->revision) + " after " +
                           std::to_string(*it->second->revision) + ": " + Describe(*op));
      }
      it->second = op;
    }
  }
  // A read's header revision covers the value it returned.
  for (const Operation* op : ops) {
    if (op->kind == OpKind::kGet && op->mod_revision && *op->mod_revision > *op->revision) {
      problems.push_back("read returned a value modified at " + std::to_string(*op->mod_revision) +
                         " under header revision " + std::to_string(*op->revision) + ": " +
                         Describe(*op));
    }
  }
  return problems;
}

std::string FormatReport(const CheckReport& report, size_t max_prefix) {
  std::ostringstream out;
  out << VerdictName(report.verdict) << ": " << report.ops << " operations on " << report.keys
      << " keys";
  if (report.unchecked_keys)
    out << " (" << report.unchecked_keys << " not settled after the first violation)";
  out << "\n";
  for (const KeyReport& k : report.problems) {
    out << "key '" << k.key << "' (" << k.ops << " ops): " << VerdictName(k.verdict) << "\n";
    if (k.verdict != Verdict::kViolation) continue;
    out << "  longest linearizable prefix: " << k.longest_prefix.size() << " ops";
    if (k.longest_prefix.size() > max_prefix) out << " (last " << max_prefix << " shown)";
    out << "\n";
    size_t from = k.longest_prefix.size() > max_prefix ? k.longest_prefix.size() - max_prefix : 0;
    for (size_t i = from; i < k.longest_prefix.size(); ++i) {
      out << "    " << Describe(k.longest_prefix[i]) << "\n";
    }
    if (k.first_unplaced) {
      out << "  first operation that could not be placed: " << Describe(*k.first_unplaced) << "\n";
    }
  }
  return out.str();
}

}  // namespace myetcd::lincheck
