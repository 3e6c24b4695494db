#include "myetcd/api/json_io.h"

#include <doctest/doctest.h>

#include "myetcd/mvcc/errors.h"

namespace myetcd::api {

TEST_CASE("api json: integers are range-checked, never wrapped (2^70 is refused)") {
  auto body = ParseObject(R"({"lease": 1180591620717411303424, "limit": -1, "rev": 5,
                              "big": 18446744073709551615, "text": "7"})");
  REQUIRE(body.ok());
  auto lease = GetInt(*body, {"lease"}, 0, 100);
  REQUIRE_FALSE(lease.ok());
  CHECK(lease.status().message().find("lease: must be an integer") == 0);
  auto limit = GetInt(*body, {"limit"}, 0, 100);
  REQUIRE_FALSE(limit.ok());
  CHECK(limit.status().message() == "limit: -1 is out of range [0, 100]");
  CHECK_FALSE(GetInt(*body, {"big"}, 0, INT64_MAX).ok());
  CHECK_FALSE(GetInt(*body, {"text"}, 0, 100).ok());
  CHECK(**GetInt(*body, {"rev"}, 0, 100) == 5);
  CHECK_FALSE(GetInt(*body, {"missing"}, 0, 100)->has_value());
}

TEST_CASE("api json: snake_case and the seed's camelCase both work") {
  auto body = ParseObject(R"({"prevKV": true, "range_end": "b"})");
  REQUIRE(body.ok());
  CHECK(**GetBool(*body, {"prev_kv", "prevKV"}) == true);
  CHECK(**GetString(*body, {"range_end", "rangeEnd"}) == "b");
  CHECK_FALSE(GetBool(*ParseObject(R"({"prev_kv": "yes"})"), {"prev_kv"}).ok());
}

TEST_CASE("api json: bodies must be objects, valid JSON, valid UTF-8, not absurdly deep") {
  CHECK(ParseObject("")->is_object());
  CHECK_FALSE(ParseObject("[1]").ok());
  CHECK_FALSE(ParseObject("{\"value\": \"a").ok());
  CHECK_FALSE(ParseObject("{\"value\": \"\xff\xfe\"}").ok());
  // A NUL ends nlohmann's input: what follows it must not be ignored (found by the T8b battery).
  using namespace std::string_literals;
  CHECK_FALSE(ParseObject("{\"value\":\"v\"}\0junk"s).ok());
  CHECK_FALSE(ParseObject("{\"value\":\"v\"}\0\xff"s).ok());
  CHECK_FALSE(ParseObject("{\"value\":\"v\"} \0"s).ok());
  CHECK(ParseObject("{\"value\":\"a\\u0000b\"}")->at("value") == "a\0b"s);
  auto deep = ParseObject(std::string(100000, '[') + std::string(100000, ']'));
  REQUIRE_FALSE(deep.ok());
  CHECK(deep.status().message().find("deeper than 64") != std::string::npos);
  // Brackets inside strings do not count as nesting.
  CHECK(ParseObject("{\"value\": \"" + std::string(1000, '[') + "\"}").ok());
}

TEST_CASE("api json: UTF-8 validation refuses overlong forms, surrogates and truncation") {
  CHECK(IsValidUtf8("plain ascii"));
  CHECK(IsValidUtf8("\xc3\xa9t\xc3\xa9 \xe4\xb8\xad \xf0\x9f\x98\x80"));
  CHECK_FALSE(IsValidUtf8("\xc0\xaf"));          // overlong '/'
  CHECK_FALSE(IsValidUtf8("\xed\xa0\x80"));      // a surrogate
  CHECK_FALSE(IsValidUtf8("\xe4\xb8"));          // truncated
  CHECK_FALSE(IsValidUtf8("\xf4\x90\x80\x80"));  // past U+10FFFF
  CHECK_FALSE(IsValidUtf8("\xff"));
}

TEST_CASE("api json: a stored value that is not UTF-8 goes out as base64, never a throw") {
  CHECK(Base64Encode("") == "");
  CHECK(Base64Encode("f") == "Zg==");
  CHECK(Base64Encode("fo") == "Zm8=");
  CHECK(Base64Encode("foobar") == "Zm9vYmFy");
  mvcc::KeyValue kv{"k", std::string("\xff\x00v", 3), 2, 3, 1, 0};
  Json j = KvToJson(kv);
  CHECK(j["value_encoding"] == "base64");
  CHECK(j["value"] == Base64Encode(kv.value));
  CHECK(j["key"] == Base64Encode("k"));
  http::Response r = Ok(j);
  CHECK(r.body.find("base64") != std::string::npos);
}

TEST_CASE("api json: store and backend errors map to the API's statuses and codes") {
  CHECK(ErrorFromStatus(Status::Busy("full")).status == 429);
  CHECK(ErrorFromStatus(Status::Aborted("wal")).status == 503);
  auto compacted = ErrorFromStatus(mvcc::ErrCompacted());
  CHECK(compacted.status == 400);
  CHECK(compacted.body.find("COMPACTED") != std::string::npos);
  CHECK(ErrorFromStatus(mvcc::ErrFutureRevision()).body.find("FUTURE_REVISION") !=
        std::string::npos);
  CHECK(ErrorFromStatus(mvcc::ErrKeyEmpty()).body.find("KEY_EMPTY") != std::string::npos);
}

}  // namespace myetcd::api
