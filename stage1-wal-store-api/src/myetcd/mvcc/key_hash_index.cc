#include "myetcd/mvcc/key_hash_index.h"

#include <cstdio>
#include <cstdlib>

namespace myetcd::mvcc {

void KeyHashIndex::Rehash(size_t capacity) {
  std::vector<Slot> old;
  old.swap(slots_);
  slots_.assign(capacity, Slot{});
  mask_ = capacity - 1;
  for (const Slot& s : old) {
    if (s.key == nullptr) continue;
    size_t i = s.hash & mask_;
    while (slots_[i].key != nullptr) i = (i + 1) & mask_;
    slots_[i] = s;
  }
}

void KeyHashIndex::Reserve(size_t n) {
  size_t capacity = 16;
  while (capacity * 7 < n * 10) capacity *= 2;  // keep n / capacity <= 0.7
  if (capacity > slots_.size()) Rehash(capacity);
}

void KeyHashIndex::Insert(KeyHistory* k) {
  Reserve(size_ + 1);
  const uint64_t h = Hash(k->key());
  size_t i = h & mask_;
  while (slots_[i].key != nullptr) i = (i + 1) & mask_;
  slots_[i] = Slot{h, k};
  ++size_;
}

void KeyHashIndex::Erase(std::string_view key) {
  const uint64_t h = Hash(key);
  size_t i = h & mask_;
  while (!(slots_[i].hash == h && slots_[i].key != nullptr && slots_[i].key->key() == key)) {
    if (slots_[i].key == nullptr) {
      std::fprintf(stderr, "KeyHashIndex::Erase: key not in the index\n");
      std::abort();  // a broken store invariant, not an expected failure
    }
    i = (i + 1) & mask_;
  }
  // Backward-shift deletion: pull later slots of the same probe run into the hole, unless
  // their home slot lies cyclically in (hole, j] (then they must stay where they are).
  for (size_t j = (i + 1) & mask_; slots_[j].key != nullptr; j = (j + 1) & mask_) {
    const size_t home = slots_[j].hash & mask_;
    const bool stays = i <= j ? (i < home && home <= j) : (i < home || home <= j);
    if (stays) continue;
    slots_[i] = slots_[j];
    i = j;
  }
  slots_[i] = Slot{};
  --size_;
}

}  // namespace myetcd::mvcc
