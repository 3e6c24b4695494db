// The open-addressing hash index against std::unordered_map, under random inserts and
// erases (erase's backward shift is the part that is easy to get wrong).
#include "myetcd/mvcc/key_hash_index.h"

#include <doctest/doctest.h>

#include <map>
#include <random>
#include <string>

namespace myetcd::mvcc {
namespace {

TEST_CASE("the hash index finds exactly the keys inserted and not erased") {
  std::mt19937_64 rng(3);
  std::map<std::string, KeyHistory> owner;  // stable addresses, like the store's
  KeyHashIndex index;
  for (int step = 0; step < 50000; ++step) {
    std::string key = "k" + std::to_string(rng() % 3000);
    auto it = owner.find(key);
    if (it == owner.end()) {
      it = owner.try_emplace(key, std::string_view()).first;
      it->second = KeyHistory(it->first);
      index.Insert(&it->second);
    } else if (rng() % 2 == 0) {
      index.Erase(it->first);
      owner.erase(it);
    }
    if (step % 1000 == 0) {
      REQUIRE(index.size() == owner.size());
      for (int i = 0; i < 3000; ++i) {
        std::string k = "k" + std::to_string(i);
        auto o = owner.find(k);
        KeyHistory* found = index.Find(k);
        CHECK(found == (o == owner.end() ? nullptr : &o->second));
      }
    }
  }
}

TEST_CASE("an empty hash index finds nothing") {
  KeyHashIndex index;
  CHECK(index.Find("a") == nullptr);
  index.Reserve(100);
  CHECK(index.Find("a") == nullptr);
}

}  // namespace
}  // namespace myetcd::mvcc
