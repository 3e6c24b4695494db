#include "myetcd/common/status.h"

#include <doctest/doctest.h>

#include <cerrno>
#include <memory>
#include <string>

#include "myetcd/common/result.h"

namespace myetcd {
namespace {

Result<int> Half(int v) {
  if (v % 2 != 0) return Status::InvalidArgument("value: " + std::to_string(v) + " is odd");
  return v / 2;
}

Result<int> Quarter(int v) {
  MYETCD_ASSIGN_OR_RETURN(int half, Half(v));
  return Half(half);
}

Status CheckEven(int v) {
  MYETCD_RETURN_IF_ERROR(Half(v).status());
  return Status::OK();
}

}  // namespace

TEST_CASE("status: OK carries no message; errors carry code and message") {
  Status ok;
  CHECK(ok.ok());
  CHECK(ok.ToString() == "OK");
  Status s = Status::Corruption("wal/0001.wal:4096: bad crc");
  CHECK_FALSE(s.ok());
  CHECK(s.IsCorruption());
  CHECK(s.message() == "wal/0001.wal:4096: bad crc");
  CHECK(s.ToString() == "Corruption: wal/0001.wal:4096: bad crc");
  CHECK(s.WithContext("open").ToString() == "Corruption: open: wal/0001.wal:4096: bad crc");
  CHECK(ok.WithContext("open").ok());
}

TEST_CASE("status: errno maps ENOSPC to NoSpace and keeps the context") {
  Status s = Status::FromErrno("write /tmp/x", ENOSPC);
  CHECK(s.IsNoSpace());
  CHECK(s.message().find("write /tmp/x: ") == 0);
  CHECK(Status::FromErrno("open", ENOENT).IsNotFound());
  CHECK(Status::FromErrno("fsync", EIO).IsIOError());
}

TEST_CASE("result: holds a value or the reason there is none") {
  auto r = Quarter(8);
  REQUIRE(r.ok());
  CHECK(*r == 2);
  auto bad = Quarter(6);  // 6/2 = 3 is odd
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.status().message() == "value: 3 is odd");
  CHECK(CheckEven(3).IsInvalidArgument());
  CHECK(CheckEven(4).ok());
  Result<std::unique_ptr<int>> moved = std::make_unique<int>(5);
  std::unique_ptr<int> p = std::move(moved).value();
  CHECK(*p == 5);
}

}  // namespace myetcd
