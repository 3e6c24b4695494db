#include "tools/lincheck/synthetic.h"

#include <algorithm>
#include <map>
#include <random>
#include <vector>

namespace myetcd::lincheck {

History MakeLinearizableHistory(const SyntheticOptions& opts) {
  std::mt19937_64 rng(opts.seed);
  History h;
  // Each client runs ops back to back; times are in abstract ticks.
  std::vector<int64_t> client_free(opts.clients, 0);
  struct Pending {
    Operation op;
    int64_t effect;  // when it takes effect
  };
  std::vector<Pending> pending;
  pending.reserve(opts.ops);
  for (int i = 0; i < opts.ops; ++i) {
    int c = static_cast<int>(rng() % opts.clients);
    Operation op;
    op.client = c;
    op.id = i;
    op.key = "k" + std::to_string(rng() % opts.keys);
    op.call = client_free[c] + static_cast<int64_t>(rng() % 5);
    op.ret = op.call + 1 + static_cast<int64_t>(rng() % 20);
    client_free[c] = op.ret + 1;
    int dice = static_cast<int>(rng() % 10);
    op.kind = dice < 5 ? OpKind::kGet : dice < 9 ? OpKind::kPut : OpKind::kDelete;
    if (op.kind == OpKind::kPut) op.value = "c" + std::to_string(c) + "-" + std::to_string(i);
    int64_t effect = op.call + static_cast<int64_t>(rng() % (op.ret - op.call + 1));
    pending.push_back({std::move(op), effect});
  }
  // Apply in effect order to compute outputs.
  std::vector<size_t> order(pending.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::stable_sort(order.begin(), order.end(),
                   [&](size_t a, size_t b) { return pending[a].effect < pending[b].effect; });
  std::map<std::string, std::optional<std::string>> store;
  std::uniform_real_distribution<double> unit(0, 1);
  for (size_t idx : order) {
    Operation& op = pending[idx].op;
    auto& cell = store[op.key];
    if (op.kind == OpKind::kGet) {
      op.value = cell;
    } else {
      cell = op.kind == OpKind::kPut ? op.value : std::nullopt;
      if (unit(rng) < opts.unknown_fraction) {  // the client never heard back
        op.outcome = Outcome::kUnknown;
        op.ret = kNever;
      }
    }
  }
  h.reserve(pending.size());
  for (auto& p : pending) h.push_back(std::move(p.op));
  return h;
}

bool InjectStaleRead(History* history, uint64_t seed) {
  // The values each key had, in return order of their successful puts.
  std::map<std::string, std::vector<const Operation*>> puts;
  for (const Operation& op : *history) {
    if (op.kind == OpKind::kPut && op.outcome == Outcome::kOk) puts[op.key].push_back(&op);
  }
  for (auto& [key, list] : puts) {
    std::sort(list.begin(), list.end(), [](auto* a, auto* b) { return a->ret < b->ret; });
  }
  // A get is a victim if some put of its key ran wholly after the key's first put and
  // returned before the get was called: the first put's value can then never be current
  // again (values are unique), so returning it is a violation by construction.
  std::mt19937_64 rng(seed);
  std::vector<Operation*> candidates;
  for (Operation& op : *history) {
    if (op.kind != OpKind::kGet || op.outcome != Outcome::kOk) continue;
    const auto& list = puts[op.key];
    if (list.empty()) continue;
    const Operation* first = list.front();
    for (const Operation* p : list) {
      if (p->call > first->ret && p->ret < op.call) {
        candidates.push_back(&op);
        break;
      }
    }
  }
  if (candidates.empty()) return false;
  Operation* victim = candidates[rng() % candidates.size()];
  victim->value = puts[victim->key].front()->value;
  return true;
}

}  // namespace myetcd::lincheck
