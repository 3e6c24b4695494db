// The Apply dispatcher: registration, dispatch by type, results as values.
#include "myetcd/mvcc/apply.h"

#include <doctest/doctest.h>

#include "myetcd/mvcc/errors.h"
#include "myetcd/mvcc/store.h"

namespace myetcd::mvcc {
namespace {

TEST_CASE("the KV commands apply through the dispatcher and return their responses") {
  MvccStore s;
  ApplyDispatcher d;
  REQUIRE(RegisterKvCommands(d, s).ok());
  CHECK(d.Name(command_type::kTxn) == "txn");
  Result<std::any> put = d.Apply(EncodeCommand(PutRequest{.key = "a", .value = "1"}));
  REQUIRE(put.ok());
  CHECK(std::any_cast<PutResponse>(*put).header.revision == 2);
  Result<std::any> txn = d.Apply(EncodeCommand(
      TxnRequest{.compare = {Compare{.key = "a", .target = CompareTarget::kValue, .value = "1"}},
                 .success = {DeleteRangeRequest{.key = "a"}}}));
  REQUIRE(txn.ok());
  CHECK(std::any_cast<TxnResponse>(*txn).succeeded);
  Result<std::any> compact = d.Apply(EncodeCommand(CompactRequest{.revision = 3}));
  REQUIRE(compact.ok());
  CHECK(std::any_cast<CompactResponse>(*compact).header.revision == 3);
  Result<std::any> del = d.Apply(EncodeCommand(DeleteRangeRequest{.key = "zz"}));
  CHECK(std::any_cast<DeleteRangeResponse>(*del).deleted == 0);
}

TEST_CASE("a command's own error is its result; the store is unchanged") {
  MvccStore s;
  ApplyDispatcher d;
  REQUIRE(RegisterKvCommands(d, s).ok());
  Result<std::any> r = d.Apply(EncodeCommand(CompactRequest{.revision = 5}));
  CHECK(StoreErrorOf(r.status()) == StoreError::kFutureRevision);
  CHECK_FALSE(r.status().IsCorruption());
  CHECK(s.CompactRevision() == 0);
}

TEST_CASE("an unknown command type or undecodable payload is corruption") {
  MvccStore s;
  ApplyDispatcher d;
  REQUIRE(RegisterKvCommands(d, s).ok());
  CHECK(d.Apply(MakeCommand(99, "x")).status().IsCorruption());
  CHECK(d.Apply("").status().IsCorruption());
  CHECK(d.Apply(MakeCommand(command_type::kPut, "\x05")).status().IsCorruption());
}

TEST_CASE("a later stage registers its own command type without touching stage 1") {
  MvccStore s;
  ApplyDispatcher d;
  REQUIRE(RegisterKvCommands(d, s).ok());
  constexpr CommandType kLeaseRevoke = 17;  // stage 2's range
  REQUIRE(
      d.Register(kLeaseRevoke, "lease_revoke", [&s](std::string_view payload) -> Result<std::any> {
         // Deletes every key whose value is the payload, at one revision.
         int64_t deleted = 0;
         MYETCD_RETURN_IF_ERROR(s.Write([&](MvccStore::WriteTxn& w) {
           for (const char* k : {"x", "y"}) {
             std::optional<KeyValue> kv = w.Get(k);
             if (kv && kv->value == payload) deleted += w.DeleteRange({.key = k}).deleted;
           }
           return Status::OK();
         }));
         return std::any(deleted);
       }).ok());
  REQUIRE(s.Put({.key = "x", .value = "L"}).ok());
  REQUIRE(s.Put({.key = "y", .value = "L"}).ok());
  Result<std::any> r = d.Apply(MakeCommand(kLeaseRevoke, "L"));
  REQUIRE(r.ok());
  CHECK(std::any_cast<int64_t>(*r) == 2);
  CHECK(s.CurrentRevision() == 4);  // both deletes at one revision
  CHECK(d.Register(kLeaseRevoke, "again", [](std::string_view) -> Result<std::any> {
           return std::any();
         }).code() == Status::Code::kAlreadyExists);
  CHECK(d.Register(command_type::kPut, "put", [](std::string_view) -> Result<std::any> {
           return std::any();
         }).code() == Status::Code::kAlreadyExists);
  CHECK(d.Register(0, "zero", [](std::string_view) -> Result<std::any> {
           return std::any();
         }).IsInvalidArgument());
}

}  // namespace
}  // namespace myetcd::mvcc
