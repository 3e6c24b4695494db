// KeyHashIndex: the store's hash index, key -> KeyHistory*, for point reads.
//
// Why not std::unordered_map: a lookup there walks bucket array -> the node *before* the
// first node of the bucket -> the node, three dependent cache misses before any of our
// data, and with 1M keys every one of them misses. This is an open-addressing table of
// (hash, pointer) slots with linear probing: one miss finds the slot (the stored hash
// rules out almost every wrong key without touching it), one more reaches the key's
// history. The load factor stays at or below 0.7; erase shifts the following slots back
// (no tombstones), so lookups never slow down after many deletes.
//
// The keys themselves live in the KeyHistory objects (their ordered-index nodes); this
// table only points at them. Thread-safety: none; the store's lock guards it.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string_view>
#include <vector>

#include "myetcd/mvcc/key_index.h"

namespace myetcd::mvcc {

class KeyHashIndex {
 public:
  KeyHistory* Find(std::string_view key) const {
    if (slots_.empty()) return nullptr;
    const uint64_t h = Hash(key);
    for (size_t i = h & mask_;; i = (i + 1) & mask_) {
      const Slot& s = slots_[i];
      if (s.key == nullptr) return nullptr;
      if (s.hash == h && s.key->key() == key) return s.key;
    }
  }
  // REQUIRES: k->key() is not in the table, and k outlives its entry.
  void Insert(KeyHistory* k);
  // REQUIRES: key is in the table.
  void Erase(std::string_view key);
  void Reserve(size_t n);
  size_t size() const { return size_; }

 private:
  struct Slot {
    uint64_t hash = 0;
    KeyHistory* key = nullptr;  // null: empty
  };
  static uint64_t Hash(std::string_view key) { return std::hash<std::string_view>()(key); }
  void Rehash(size_t capacity);

  std::vector<Slot> slots_;  // a power of two in size, or empty
  size_t mask_ = 0;
  size_t size_ = 0;
};

}  // namespace myetcd::mvcc
