// Evaluating one txn compare against one key, as etcd does (server/etcdserver/txn:
// applyCompare / compareKV). The store looks the compare's key (or every key of its range)
// up at the txn's read revision and calls EvaluateCompare once per key found, or once with
// nullptr when none is found; the compare holds when every call says true.
//
// This function is lab s1-05.
//
// Thread-safety: a pure function.
#pragma once

#include "myetcd/mvcc/kv.h"

namespace myetcd::mvcc {

// Does `target(kv) result operand` hold?
//   * target picks the field: version, create_revision, mod_revision, lease (compared as
//     signed 64-bit numbers with c.number), or value (compared with c.value as unsigned
//     bytes, shorter-is-smaller when one is a prefix of the other);
//   * result is =, !=, <, > between the FIELD (left) and the OPERAND (right);
//   * kv == nullptr means the key does not exist. Then a value compare is always false
//     (a missing value is not the empty string), and any other target compares the field
//     as 0: "version = 0" is how a txn asks "the key does not exist".
bool EvaluateCompare(const Compare& c, const KeyValue* kv);

}  // namespace myetcd::mvcc
