// Which keys a request names. Every range-shaped request of etcd (range, delete range,
// compare, watch) names its keys with two byte strings, `key` and `range_end`:
//
//   range_end = ""      the single key `key`
//   range_end = "\0"    every key >= key           ("from key on"; key "\0" = all keys)
//   otherwise           every key in [key, range_end); empty when range_end <= key
//
// and a prefix p is the range [p, PrefixEnd(p)). Keys compare as unsigned bytes
// (std::string_view's order, since char_traits<char> compares as unsigned char).
//
// These two functions are lab s1-04. The store walks its ordered index from key and stops
// at the first key that is not InRange; the txn checker and (stage 2) the watch hub ask
// the same question, so the rules live in exactly one place.
//
// Thread-safety: pure functions.
#pragma once

#include <string>
#include <string_view>

namespace myetcd::mvcc {

// True if `candidate` is one of the keys named by (key, range_end).
bool InRange(std::string_view candidate, std::string_view key, std::string_view range_end);

// The range_end that makes [prefix, PrefixEnd(prefix)) every key starting with `prefix`:
// the prefix with its last byte below 0xff incremented and what follows dropped
// ("a" -> "b", "a\xff" -> "b"). If every byte is 0xff (or the prefix is empty) no such
// end exists and the answer is "\0", "every key from prefix on".
std::string PrefixEnd(std::string_view prefix);

// True if range_end names a range rather than a single key.
inline bool IsRange(std::string_view range_end) { return !range_end.empty(); }
// True if range_end is "\0", "from key on".
inline bool IsFromKey(std::string_view range_end) {
  return range_end.size() == 1 && range_end[0] == '\0';
}

}  // namespace myetcd::mvcc
