// Lab s1-05: txn compare evaluation (compare.h has the contract; the lab page is
// docs/stage1/labs/s1-05-txn-compare.md).
#include "myetcd/mvcc/compare.h"

#include <cstdint>
#include <string_view>

namespace myetcd::mvcc {

bool EvaluateCompare(const Compare& c, const KeyValue* kv) {
  // EXERCISE(s1-05) BEGIN stub: return false;
  // A three-way comparison of the key's field (left) with the operand (right).
  int order = 0;
  auto three_way = [](int64_t a, int64_t b) { return a < b ? -1 : (a > b ? 1 : 0); };
  switch (c.target) {
    case CompareTarget::kValue: {
      if (kv == nullptr) return false;  // a missing key has no value, not an empty one
      int r = std::string_view(kv->value).compare(c.value);
      order = r < 0 ? -1 : (r > 0 ? 1 : 0);
      break;
    }
    case CompareTarget::kVersion: order = three_way(kv ? kv->version : 0, c.number); break;
    case CompareTarget::kCreate: order = three_way(kv ? kv->create_revision : 0, c.number); break;
    case CompareTarget::kMod: order = three_way(kv ? kv->mod_revision : 0, c.number); break;
    case CompareTarget::kLease: order = three_way(kv ? kv->lease : 0, c.number); break;
  }
  switch (c.result) {
    case CompareResult::kEqual: return order == 0;
    case CompareResult::kNotEqual: return order != 0;
    case CompareResult::kLess: return order < 0;
    case CompareResult::kGreater: return order > 0;
  }
  return false;
  // EXERCISE(s1-05) END
}

}  // namespace myetcd::mvcc
