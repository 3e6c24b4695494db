#include "tools/bench/workload.h"

#include <doctest/doctest.h>

#include <set>

#include "myetcd/common/options.h"
#include "tools/bench/bench_options.h"

namespace myetcd::bench {
namespace {

BenchConfig Config() {
  BenchConfig c;
  c.host = "127.0.0.1";
  c.port = 1234;
  c.connections = 4;
  c.key_count = 100;
  c.key_size = 8;
  c.value_size = 5;
  return c;
}

std::string Body(const std::string& request) {
  return request.substr(request.find("\r\n\r\n") + 4);
}

}  // namespace

TEST_CASE("workload: base64 matches RFC 4648's test vectors") {
  CHECK(Base64Encode("") == "");
  CHECK(Base64Encode("f") == "Zg==");
  CHECK(Base64Encode("fo") == "Zm8=");
  CHECK(Base64Encode("foo") == "Zm9v");
  CHECK(Base64Encode("foob") == "Zm9vYg==");
  CHECK(Base64Encode("fooba") == "Zm9vYmE=");
  CHECK(Base64Encode("foobar") == "Zm9vYmFy");
  CHECK(Base64Encode(std::string("\xff\x00\x80", 3)) == "/wCA");
}

TEST_CASE("workload: keys are fixed-size and ordered") {
  CHECK(KeyOf(42, 8) == "k0000042");
  CHECK(KeyOf(0, 2) == "k0");
  CHECK(KeyOf(1234, 3) == "k1234");  // unique mode may outgrow the size
  CHECK(KeyOf(9, 8) < KeyOf(10, 8));
}

TEST_CASE("workload: sequential keys sweep the key space however the connections progress") {
  BenchConfig c = Config();
  c.key_mode = KeyMode::kSequential;
  std::atomic<int64_t> sequence{0};
  std::vector<KeyStream> streams;
  for (int i = 0; i < c.connections; ++i) streams.emplace_back(c, i, &sequence);
  std::vector<int64_t> order;
  // Uneven progress: connection 0 takes half of the requests.
  for (int round = 0; round < 25; ++round) {
    order.push_back(streams[0].Next());
    order.push_back(streams[0].Next());
    order.push_back(streams[1 + round % 3].Next());
    order.push_back(streams[1 + (round + 1) % 3].Next());
  }
  for (int64_t i = 0; i < 100; ++i) CHECK(order[static_cast<size_t>(i)] == i);
  CHECK(streams[3].Next() == 0);  // then around again
}

TEST_CASE("workload: unique keys never repeat; random keys stay in range and are seeded") {
  BenchConfig c = Config();
  c.key_mode = KeyMode::kUnique;
  std::atomic<int64_t> sequence{0};
  std::set<int64_t> seen;
  for (int conn = 0; conn < c.connections; ++conn) {
    KeyStream s(c, conn, &sequence);
    for (int i = 0; i < 500; ++i) CHECK(seen.insert(s.Next()).second);
  }
  c.key_mode = KeyMode::kRandom;
  KeyStream a(c, 1, &sequence), b(c, 1, &sequence), other(c, 2, &sequence);
  bool differs = false;
  for (int i = 0; i < 100; ++i) {
    const int64_t x = a.Next();
    CHECK(x >= 0);
    CHECK(x < c.key_count);
    CHECK(x == b.Next());
    differs |= x != other.Next();
  }
  CHECK(differs);
}

TEST_CASE("workload: /v1 requests follow API-v1.md") {
  BenchConfig c = Config();
  Workload w(c);
  std::string r;
  w.Build(Op::kPut, 7, r);
  CHECK(r.starts_with("PUT /v1/key/k0000007 HTTP/1.1\r\nHost: 127.0.0.1:1234\r\n"));
  CHECK(Body(r) == R"({"value":"abcde"})");
  CHECK(r.find("Content-Length: 17\r\n") != std::string::npos);
  w.Build(Op::kGet, 7, r);
  CHECK(r == "GET /v1/key/k0000007 HTTP/1.1\r\nHost: 127.0.0.1:1234\r\n\r\n");
  w.Build(Op::kDelete, 7, r);
  CHECK(r.starts_with("DELETE /v1/key/k0000007 HTTP/1.1\r\n"));
  CHECK(r.find("Content-Length: 0\r\n") != std::string::npos);

  c.txn_ops = 2;
  Workload t(c);
  t.Build(Op::kTxn, 99, r);  // the second key wraps around the key space
  CHECK(r.starts_with("POST /v1/txn HTTP/1.1\r\n"));
  CHECK(Body(r) == R"({"compare":[],"success":[{"op":"PUT","key":"k0000099","value":"abcde"},)"
                   R"({"op":"PUT","key":"k0000000","value":"abcde"}],"failure":[]})");
}

TEST_CASE("workload: /v3 requests are etcd's JSON gateway shapes, base64") {
  BenchConfig c = Config();
  c.api = Api::kV3;
  Workload w(c);
  std::string r;
  const std::string key64 = Base64Encode("k0000007");
  w.Build(Op::kPut, 7, r);
  CHECK(r.starts_with("POST /v3/kv/put HTTP/1.1\r\n"));
  CHECK(Body(r) == R"({"key":")" + key64 + R"(","value":")" + Base64Encode("abcde") + R"("})");
  w.Build(Op::kGet, 7, r);
  CHECK(r.starts_with("POST /v3/kv/range HTTP/1.1\r\n"));
  CHECK(Body(r) == R"({"key":")" + key64 + R"("})");
  w.Build(Op::kDelete, 7, r);
  CHECK(r.starts_with("POST /v3/kv/deleterange HTTP/1.1\r\n"));
  w.Build(Op::kTxn, 7, r);
  CHECK(r.starts_with("POST /v3/kv/txn HTTP/1.1\r\n"));
  CHECK(Body(r) == R"({"success":[{"requestPut":{"key":")" + key64 + R"(","value":")" +
                       Base64Encode("abcde") + R"("}}]})");
}

TEST_CASE("workload: mixed sends about read-ratio gets") {
  BenchConfig c = Config();
  c.workload = WorkloadKind::kMixed;
  c.read_ratio = 80;
  Workload w(c);
  std::atomic<int64_t> sequence{0};
  KeyStream keys(c, 0, &sequence);
  std::string r;
  int gets = 0;
  for (int i = 0; i < 10000; ++i) gets += w.Next(keys, r) == Op::kGet;
  CHECK(gets > 7700);
  CHECK(gets < 8300);
}

TEST_CASE("options: the command line becomes a validated config") {
  Options o;
  REQUIRE(DeclareBenchOptions(o).ok());
  const char* argv[] = {"myetcd-bench",
                        "--endpoint=http://127.0.0.1:2379/",
                        "--api=v3",
                        "--workload=get",
                        "--connections=64",
                        "--duration=3s",
                        "--key-size=16",
                        "--value-size=1KiB",
                        "--key-mode=sequential"};
  REQUIRE(o.ParseArgs(9, argv).ok());
  auto c = ConfigFromOptions(o);
  REQUIRE(c.ok());
  CHECK(c->host == "127.0.0.1");
  CHECK(c->port == 2379);
  CHECK(c->api == Api::kV3);
  CHECK(c->workload == WorkloadKind::kGet);
  CHECK(c->connections == 64);
  CHECK(c->duration == std::chrono::seconds(3));
  CHECK(c->value_size == 1024);
  CHECK(c->key_mode == KeyMode::kSequential);

  Options bad;
  REQUIRE(DeclareBenchOptions(bad).ok());
  const char* argv2[] = {"myetcd-bench", "--key-count=1000000", "--key-size=4"};
  REQUIRE(bad.ParseArgs(3, argv2).ok());
  auto r = ConfigFromOptions(bad);
  REQUIRE_FALSE(r.ok());
  CHECK(r.status().message().find("key-size") != std::string::npos);

  std::string host;
  uint16_t port = 0;
  CHECK_FALSE(ParseEndpoint("127.0.0.1", host, port).ok());
  CHECK_FALSE(ParseEndpoint("127.0.0.1:0", host, port).ok());
  CHECK_FALSE(ParseEndpoint("127.0.0.1:70000", host, port).ok());
}

}  // namespace myetcd::bench
