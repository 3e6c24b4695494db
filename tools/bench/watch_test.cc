#include "tools/bench/watch.h"

#include <doctest/doctest.h>

#include <string>
#include <vector>

namespace myetcd::bench {

TEST_CASE("watch: base64 decoding inverts encoding and refuses other characters") {
  const std::vector<std::string> cases = {"",     "f",     "fo",     "foo",
                                          "foob", "fooba", "foobar", std::string("\0\xff", 2)};
  for (const std::string& s : cases) {
    CHECK(Base64Decode(Base64Encode(s)) == s);
  }
  CHECK(Base64Decode("Zm9v") == "foo");
  CHECK(Base64Decode("Zg") == "f");  // padding optional
  CHECK_FALSE(Base64Decode("Zm9v!").has_value());
}

TEST_CASE("watch: a timed value carries its phase and send time, padded to size") {
  const std::string v = TimedValue(true, 123456789, 100);
  CHECK(v.size() == 100);
  auto t = ParseTimedValue(v);
  REQUIRE(t.has_value());
  CHECK(t->measured);
  CHECK(t->send_ns == 123456789);
  CHECK(ParseTimedValue(TimedValue(false, 5, 0))->measured == false);
  CHECK_FALSE(ParseTimedValue("abcdefgh").has_value());
  CHECK_FALSE(ParseTimedValue("m123").has_value());  // no terminating '.'
}

TEST_CASE("watch: SSE frames split across reads, heartbeats and other events ignored") {
  WatchStream s(Api::kV1);
  WatchStream::Update u;
  const std::string body =
      "event: created\ndata: {\"watch_id\": 7, \"header\": {\"revision\": 41}}\n\n"
      ": heartbeat\n\n"
      "id: 42\nevent: events\ndata: {\"watch_id\": 7, \"events\": [{\"type\": \"PUT\", "
      "\"kv\": {\"key\": \"k1\", \"value\": \"v1\"}}, {\"type\": \"DELETE\", \"kv\": {\"key\": "
      "\"k2\"}}, {\"type\": \"PUT\", \"kv\": {\"key\": \"k3\", \"value\": \"v3\"}}]}\n\n"
      "event: progress\ndata: {\"watch_id\": 7}\n\n"
      "event: events\ndata: {not json\n\n";
  // Fed one byte at a time: a frame is only parsed once complete.
  for (char c : body) s.Feed(std::string_view(&c, 1), u);
  CHECK(u.created == 1);
  CHECK(u.values == std::vector<std::string>{"v1", "v3"});
  CHECK(u.bad_frames == 1);
  s.Feed("event: canceled\ndata: {\"reason\": \"compacted\"}\n\n", u);
  CHECK(u.canceled == 1);
}

TEST_CASE("watch: etcd's gateway stream, one JSON object per line, base64 values") {
  WatchStream s(Api::kV3);
  WatchStream::Update u;
  s.Feed(R"({"result":{"header":{"revision":"1"},"created":true}})"
         "\n"
         R"({"result":{"header":{"revision":"2"},"events":[{"kv":{"key":"azE=","value":"djE="}},)",
         u);
  CHECK(u.created == 1);
  CHECK(u.values.empty());  // the second line is not complete yet
  s.Feed(R"({"type":"DELETE","kv":{"key":"azI="}}]}})"
         "\n"
         R"({"error":{"grpc_code":1}})"
         "\n"
         R"({"result":{"events":[{"type":1}]}})"
         "\n",
         u);
  CHECK(u.values == std::vector<std::string>{"v1"});
  CHECK(u.bad_frames == 2);  // an error object, and a field of the wrong type
}

}  // namespace myetcd::bench
