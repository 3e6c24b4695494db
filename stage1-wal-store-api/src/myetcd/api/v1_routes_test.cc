#include "myetcd/api/v1_routes.h"

#include <doctest/doctest.h>

#include "myetcd/api/json_io.h"
#include "myetcd/backend/local_backend.h"
#include "myetcd/common/mem_file_system.h"
#include "myetcd/http/server.h"
#include "myetcd/http/test_client.h"
#include "myetcd/mvcc/apply.h"

namespace myetcd::api {
namespace {

using http::testing::TestConnection;

// The stage-1 stack in one process: store, WAL on an in-memory disk, group commit, /v1.
struct Stack {
  MemFileSystem fs;
  mvcc::MvccStore store;
  mvcc::ApplyDispatcher dispatcher;
  std::unique_ptr<wal::Wal> log;
  std::unique_ptr<backend::LocalBackend> backend;
  V1Context ctx;
  http::Router router;
  std::unique_ptr<http::Server> server;

  Stack() {
    REQUIRE(mvcc::RegisterKvCommands(dispatcher, store).ok());
    REQUIRE(fs.CreateDir("/data").ok());
    auto w = wal::Wal::Open(fs, "/data", {});
    REQUIRE(w.ok());
    log = std::move(*w);
    backend = std::make_unique<backend::LocalBackend>(log.get(), &dispatcher);
    backend->Start();
    ctx.store = &store;
    ctx.backend = backend.get();
    ctx.health = [this] { return backend->health(); };
    REQUIRE(RegisterV1Routes(router, &ctx).ok());
    http::ServerOptions o;
    o.listen = "127.0.0.1:0";
    server = std::make_unique<http::Server>(o, &router);
    REQUIRE(server->Start().ok());
  }
  ~Stack() {
    server->Stop();
    backend->Stop();
  }
};

Json Body(const http::testing::RawResponse& r) {
  INFO("body: " << r.body);
  return Json::parse(r.body);
}

}  // namespace

TEST_CASE("v1: the seed README's commands work verbatim") {
  Stack s;
  TestConnection c(s.server->port());
  auto put = c.Request("PUT", "/v1/key/test", R"({"key":"test","value":"hello"})");
  CHECK(put.status == 200);
  CHECK(Body(put)["success"] == true);
  CHECK(Body(put)["data"]["header"]["revision"] == 2);
  auto get = c.Request("GET", "/v1/key/test");
  REQUIRE(get.status == 200);
  Json data = Body(get)["data"];
  CHECK(data["key"] == "test");
  CHECK(data["value"] == "hello");
  CHECK(data["create_revision"] == 2);
  CHECK(data["mod_revision"] == 2);
  CHECK(data["version"] == 1);
  CHECK(data["header"]["revision"] == 2);
}

TEST_CASE("v1: put with prev_kv, get at an old revision, delete with prev_kv") {
  Stack s;
  TestConnection c(s.server->port());
  REQUIRE(c.Request("PUT", "/v1/key/a/b", R"({"value":"1"})").status == 200);
  auto second = Body(c.Request("PUT", "/v1/key/a/b", R"({"value":"2","prevKV":true})"));
  CHECK(second["data"]["prev_kv"]["value"] == "1");
  CHECK(Body(c.Request("GET", "/v1/key/a/b?revision=2"))["data"]["value"] == "1");
  CHECK(Body(c.Request("GET", "/v1/key/a%2Fb"))["data"]["version"] == 2);
  auto del = Body(c.Request("DELETE", "/v1/key/a/b?prev_kv=true"));
  CHECK(del["data"]["deleted"] == 1);
  CHECK(del["data"]["prev_kv"]["value"] == "2");
  auto gone = c.Request("GET", "/v1/key/a/b");
  CHECK(gone.status == 404);
  CHECK(Body(gone)["code"] == "KEY_NOT_FOUND");
  // A delete that matches nothing does not bump the revision.
  auto none = Body(c.Request("DELETE", "/v1/key/nothing"));
  CHECK(none["data"]["deleted"] == 0);
  CHECK(none["data"]["header"]["revision"] == 4);
}

TEST_CASE("v1: bad input is a 400 that names the field, never a crash") {
  Stack s;
  TestConnection c(s.server->port());
  struct Case {
    const char* method;
    const char* target;
    std::string body;
    const char* code;
    const char* mention;
  };
  const Case cases[] = {
      {"PUT", "/v1/key/k", "{not json", "INVALID_JSON", "not valid JSON"},
      {"PUT", "/v1/key/k", R"({"value":"v","ttl":5})", "INVALID_ARGUMENT", "ttl"},
      {"PUT", "/v1/key/k", R"({"value": 5})", "INVALID_ARGUMENT", "value"},
      {"PUT", "/v1/key/k", R"({"value":"v","lease":1180591620717411303424})", "INVALID_ARGUMENT",
       "lease"},
      {"PUT", "/v1/key/k", R"({"key":"other","value":"v"})", "INVALID_ARGUMENT", "URL"},
      {"PUT", "/v1/key/k", "{\"value\":\"\xff\"}", "INVALID_JSON", "UTF-8"},
      {"PUT", "/v1/key/", R"({"value":"v"})", "KEY_EMPTY", "key"},
      {"PUT", "/v1/key/%ff", R"({"value":"v"})", "INVALID_ARGUMENT", "UTF-8"},
      {"PUT", "/v1/key/k", R"({})", "INVALID_ARGUMENT", "value"},
      {"GET", "/v1/key/k?revision=abc", "", "INVALID_ARGUMENT", "revision"},
      {"POST", "/v1/range", R"({"key":"a","limit":-5})", "INVALID_ARGUMENT", "limit"},
      {"POST", "/v1/range", R"({"key":"a","sort_order":"SIDEWAYS"})", "INVALID_ARGUMENT",
       "sort_order"},
      {"POST", "/v1/txn", R"({"compare":[{"key":"a","target":"colour"}]})", "INVALID_ARGUMENT",
       "target"},
      {"POST", "/v1/txn", R"({"success":[{"op":"PUT","key":"a"},{"op":"PUT","key":"a"}]})",
       "DUPLICATE_KEY_IN_TXN", "duplicate key"},
      {"POST", "/v1/compact", R"({})", "INVALID_ARGUMENT", "revision"},
      {"POST", "/v1/range", "[" + std::string(1000, '[') + std::string(1001, ']'), "INVALID_JSON",
       "deeper"},
  };
  for (const Case& k : cases) {
    INFO(k.method << " " << k.target << " " << k.body);
    auto r = c.Request(k.method, k.target, k.body);
    CHECK(r.status == 400);
    Json b = Body(r);
    CHECK(b["success"] == false);
    CHECK(b["code"] == k.code);
    CHECK(b["error"].get<std::string>().find(k.mention) != std::string::npos);
  }
  CHECK(c.Request("GET", "/health").status == 200);  // and it still serves
}

TEST_CASE("v1: range and key listing follow etcd's rules") {
  Stack s;
  TestConnection c(s.server->port());
  for (const char* k : {"app/a", "app/b", "app/c", "other"}) {
    REQUIRE(c.Request("PUT", std::string("/v1/key/") + k, R"({"value":"x"})").status == 200);
  }
  auto range = Body(c.Request("POST", "/v1/range", R"({"key":"app/","prefix":true,"limit":2})"));
  CHECK(range["data"]["count"] == 3);
  CHECK(range["data"]["more"] == true);
  REQUIRE(range["data"]["kvs"].size() == 2);
  CHECK(range["data"]["kvs"][0]["key"] == "app/a");
  auto from = Body(c.Request("POST", "/v1/range", R"({"key":"app/b","range_end":"\u0000"})"));
  CHECK(from["data"]["count"] == 3);  // app/b, app/c, other
  auto keys = Body(c.Request("GET", "/v1/keys?prefix=app/&limit=2"));
  CHECK(keys["data"]["keys"] == Json::array({"app/a", "app/b"}));
  CHECK(keys["data"]["more"] == true);
  auto all = Body(c.Request("GET", "/v1/keys"));  // no prefix: every key
  CHECK(all["data"]["keys"] == Json::array({"app/a", "app/b", "app/c", "other"}));
  auto page2 = Body(c.Request("GET", "/v1/keys?prefix=app/&start_after=app/b"));
  CHECK(page2["data"]["keys"] == Json::array({"app/c"}));
  CHECK(page2["data"]["more"] == false);
}

TEST_CASE("v1: a txn applies one branch at one revision; a failed compare is a 200") {
  Stack s;
  TestConnection c(s.server->port());
  REQUIRE(c.Request("PUT", "/v1/key/x", R"({"value":"1"})").status == 200);
  const char* cas = R"({"compare":[{"key":"x","target":"value","op":"=","value":"1"}],
      "success":[{"op":"PUT","key":"x","value":"2"},{"op":"PUT","key":"y","value":"2"}],
      "failure":[{"op":"GET","key":"x"}]})";
  auto ok = Body(c.Request("POST", "/v1/txn", cas));
  CHECK(ok["data"]["succeeded"] == true);
  CHECK(ok["data"]["header"]["revision"] == 3);  // both puts at one revision
  auto again = c.Request("POST", "/v1/txn", cas);
  CHECK(again.status == 200);
  auto failed = Body(again);
  CHECK(failed["data"]["succeeded"] == false);
  CHECK(failed["data"]["responses"][0]["kvs"][0]["value"] == "2");
  CHECK(failed["data"]["header"]["revision"] == 3);  // a read-only branch writes nothing
}

TEST_CASE("v1: compaction makes old revisions unreadable; future revisions are refused") {
  Stack s;
  TestConnection c(s.server->port());
  for (int i = 0; i < 3; ++i) {
    REQUIRE(c.Request("PUT", "/v1/key/k", R"({"value":"v"})").status == 200);
  }
  CHECK(c.Request("POST", "/v1/compact", R"({"revision":3})").status == 200);
  auto old = c.Request("GET", "/v1/key/k?revision=2");
  CHECK(old.status == 400);
  CHECK(Body(old)["code"] == "COMPACTED");
  auto future = c.Request("GET", "/v1/key/k?revision=99");
  CHECK(Body(future)["code"] == "FUTURE_REVISION");
}

TEST_CASE("v1: health never writes; status reports the store") {
  Stack s;
  TestConnection c(s.server->port());
  auto h = c.Request("GET", "/health");
  CHECK(h.status == 200);
  CHECK(h.body == R"({"health":"true"})");
  CHECK(Body(c.Request("GET", "/v1/health"))["data"]["health"] == true);
  auto status = Body(c.Request("GET", "/v1/status"));
  CHECK(status["data"]["revision"] == 1);  // the health checks wrote nothing
  CHECK(status["data"]["keys"] == 0);
}

TEST_CASE("v1: after a WAL failure writes get 503 and health says why") {
  Stack s;
  TestConnection c(s.server->port());
  s.fs.FailNextSyncs(1);
  auto put = c.Request("PUT", "/v1/key/k", R"({"value":"v"})");
  CHECK(put.status == 503);
  CHECK(c.Request("PUT", "/v1/key/k", R"({"value":"v"})").status == 503);
  CHECK(c.Request("GET", "/health").status == 503);
  CHECK(c.Request("GET", "/v1/key/k").status == 404);  // reads still served
}

}  // namespace myetcd::api
