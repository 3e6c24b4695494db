// The command encoding: round trips, and refusal of damaged bytes.
#include "myetcd/mvcc/command_codec.h"

#include <doctest/doctest.h>

#include <random>

#include "myetcd/common/coding.h"

#include "myetcd/mvcc/test_util.h"

namespace myetcd::mvcc {
namespace {

TxnRequest BigTxn() {
  TxnRequest t;
  t.compare.push_back(Compare{.key = "k",
                              .range_end = "l",
                              .target = CompareTarget::kValue,
                              .result = CompareResult::kNotEqual,
                              .value = std::string("\0\xff", 2)});
  t.compare.push_back(Compare{
      .key = "k", .target = CompareTarget::kMod, .result = CompareResult::kLess, .number = -5});
  t.success.push_back(RangeRequest{.key = "a",
                                   .range_end = std::string(1, '\0'),
                                   .limit = 10,
                                   .revision = 3,
                                   .sort_order = SortOrder::kDescend,
                                   .sort_target = SortTarget::kValue,
                                   .keys_only = true,
                                   .count_only = true,
                                   .min_mod_revision = 1,
                                   .max_mod_revision = 2,
                                   .min_create_revision = 3,
                                   .max_create_revision = 4});
  t.success.push_back(PutRequest{.key = "p", .value = "v", .lease = 1ll << 62, .prev_kv = true});
  t.failure.push_back(DeleteRangeRequest{.key = "d", .range_end = "e", .prev_kv = true});
  return t;
}

template <typename T, typename Decode>
void RoundTrip(const T& req, CommandType type, Decode decode) {
  std::string cmd = EncodeCommand(req);
  CommandType got_type;
  std::string_view payload;
  REQUIRE(SplitCommand(cmd, &got_type, &payload).ok());
  CHECK(got_type == type);
  auto back = decode(payload);
  REQUIRE_MESSAGE(back.ok(), back.status().ToString());
  CHECK(*back == req);
}

TEST_CASE("every command type decodes to the request it was encoded from") {
  RoundTrip(PutRequest{.key = "k", .value = std::string(300, 'x'), .lease = 7, .prev_kv = true},
            command_type::kPut, DecodePut);
  RoundTrip(PutRequest{.key = "k"}, command_type::kPut, DecodePut);
  RoundTrip(DeleteRangeRequest{.key = "a", .range_end = "b", .prev_kv = true},
            command_type::kDeleteRange, DecodeDeleteRange);
  RoundTrip(BigTxn(), command_type::kTxn, DecodeTxn);
  RoundTrip(TxnRequest{}, command_type::kTxn, DecodeTxn);
  RoundTrip(CompactRequest{.revision = 123456789}, command_type::kCompact, DecodeCompact);
}

TEST_CASE("random commands round-trip") {
  std::mt19937_64 rng(11);
  for (int i = 0; i < 2000; ++i) {
    std::string cmd = testing::RandomCommand(rng, 50, 10);
    CommandType type;
    std::string_view payload;
    REQUIRE(SplitCommand(cmd, &type, &payload).ok());
    std::string again;
    switch (type) {
      case command_type::kPut: again = EncodeCommand(*DecodePut(payload)); break;
      case command_type::kDeleteRange: again = EncodeCommand(*DecodeDeleteRange(payload)); break;
      case command_type::kTxn: again = EncodeCommand(*DecodeTxn(payload)); break;
      case command_type::kCompact: again = EncodeCommand(*DecodeCompact(payload)); break;
      default: FAIL("unexpected type ", int(type));
    }
    CHECK(again == cmd);
  }
}

TEST_CASE("every truncation of a command is refused as corruption, never read past") {
  std::string cmd = EncodeCommand(BigTxn());
  for (size_t n = 1; n < cmd.size(); ++n) {
    // A copy of exactly n bytes, so ASan would see a read past it.
    std::string cut = cmd.substr(1, n - 1);
    Result<TxnRequest> r = DecodeTxn(cut);
    CHECK_MESSAGE(r.status().IsCorruption(), "a txn cut to ", n, " bytes decoded");
  }
  std::string put = EncodeCommand(PutRequest{.key = "k", .value = "v"});
  for (size_t n = 1; n < put.size(); ++n) {
    CHECK(DecodePut(put.substr(1, n - 1)).status().IsCorruption());
  }
}

TEST_CASE("trailing bytes, unknown flags and unknown enum values are corruption") {
  std::string put = EncodeCommand(PutRequest{.key = "k", .value = "v"}).substr(1);
  CHECK(DecodePut(put + "x").status().IsCorruption());
  std::string flags = put;
  flags.back() = 2;
  CHECK(DecodePut(flags).status().IsCorruption());
  TxnRequest t;
  t.compare.push_back(Compare{.key = "k"});
  std::string txn = EncodeCommand(t).substr(1);
  // compare count, key lp, range_end lp, target: the target byte is at offset 4.
  txn[4] = 9;
  CHECK(DecodeTxn(txn).status().IsCorruption());
  CHECK(DecodeCompact("").status().IsCorruption());
  CommandType type;
  std::string_view payload;
  CHECK(SplitCommand("", &type, &payload).IsCorruption());
}

TEST_CASE("a huge count in a few bytes is refused without allocating it") {
  std::string txn;
  PutVarint64(&txn, 1ull << 60);
  CHECK(DecodeTxn(txn).status().IsCorruption());
}

TEST_CASE("random bytes never crash the decoders") {
  std::mt19937_64 rng(5);
  for (int i = 0; i < 5000; ++i) {
    std::string junk(rng() % 40, '\0');
    for (char& c : junk) c = static_cast<char>(rng());
    (void)DecodePut(junk);
    (void)DecodeDeleteRange(junk);
    (void)DecodeTxn(junk);
    (void)DecodeCompact(junk);
  }
}

}  // namespace
}  // namespace myetcd::mvcc
