#include "myetcd/http/server.h"

#include <doctest/doctest.h>

#include <future>
#include <memory>
#include <thread>

#include <nlohmann/json.hpp>

#include "myetcd/http/test_client.h"

namespace myetcd::http {
namespace {

using testing::TestConnection;
using namespace std::chrono_literals;

// A router with /ping (answers at once) and /later (keeps the responder for the test).
struct Fixture {
  Router router;
  std::promise<Responder> later;
  std::unique_ptr<Server> server;

  explicit Fixture(ServerOptions opts = {}) {
    REQUIRE(router
                .Add(Method::kGet, "/ping",
                     [](Request& req, const PathParams&, Responder respond) {
                       Response r;
                       r.body = R"({"pong":true})";
                       respond(std::move(r));
                     })
                .ok());
    REQUIRE(router
                .Add(Method::kPost, "/echo",
                     [](Request& req, const PathParams&, Responder respond) {
                       Response r;
                       r.body = req.body;
                       respond(std::move(r));
                     })
                .ok());
    REQUIRE(router
                .Add(Method::kGet, "/later",
                     [this](Request&, const PathParams&, Responder respond) {
                       later.set_value(std::move(respond));
                     })
                .ok());
    opts.listen = "127.0.0.1:0";
    server = std::make_unique<Server>(opts, &router);
    REQUIRE(server->Start().ok());
    REQUIRE(server->port() != 0);
  }
  int port() const { return server->port(); }
};

std::string Code(const testing::RawResponse& r) {
  return nlohmann::json::parse(r.body).value("code", "");
}

}  // namespace

TEST_CASE("server: binds a free port and serves many requests on one keep-alive connection") {
  Fixture f;
  CHECK(f.server->address() == "127.0.0.1:" + std::to_string(f.port()));
  TestConnection c(f.port());
  for (int i = 0; i < 3; ++i) {
    auto r = c.Request("GET", "/ping");
    CHECK(r.status == 200);
    CHECK(r.body == R"({"pong":true})");
    CHECK(r.headers["content-type"] == "application/json");
  }
  auto echo = c.Request("POST", "/echo", "hello");
  CHECK(echo.body == "hello");
  CHECK(c.Request("GET", "/nope").status == 404);
  CHECK(c.Request("GET", "/ping").status == 200);  // still open after a 404
}

TEST_CASE("server: a body over the limit gets a JSON 413 that names the limit") {
  ServerOptions o;
  o.max_body_bytes = 1024;
  Fixture f(o);
  TestConnection c(f.port());
  auto r = c.Request("POST", "/echo", std::string(2000, 'x'));
  CHECK(r.status == 413);
  CHECK(Code(r) == "REQUEST_TOO_LARGE");
  CHECK(r.body.find("1024 bytes") != std::string::npos);
  TestConnection c2(f.port());
  CHECK(c2.Request("POST", "/echo", std::string(1000, 'x')).status == 200);
}

TEST_CASE("server: a header over the limit gets a 431") {
  ServerOptions o;
  o.max_header_bytes = 4096;
  Fixture f(o);
  TestConnection c(f.port());
  c.SendRaw("GET /ping HTTP/1.1\r\nHost: x\r\nX-Big: " + std::string(8000, 'a') + "\r\n\r\n");
  auto r = c.ReadResponse();
  CHECK(r.status == 431);
  CHECK(Code(r) == "REQUEST_TOO_LARGE");
}

TEST_CASE("server: malformed HTTP gets a JSON 400, and the server keeps serving") {
  Fixture f;
  const char* bad[] = {
      "GARBAGE\r\n\r\n",
      "GET /ping HTTP/9.9\r\n\r\n",
      "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n",
      "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: -1\r\n\r\n",
      "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 18446744073709551617\r\n\r\n",
      "POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
  };
  for (const char* request : bad) {
    INFO("request: " << request);
    TestConnection c(f.port());
    c.SendRaw(request);
    auto r = c.ReadResponse();
    CHECK(r.status == 400);
    CHECK(Code(r) == "INVALID_ARGUMENT");
    CHECK(c.ClosedByPeer(5s));
  }
  TestConnection ok(f.port());
  CHECK(ok.Request("GET", "/ping").status == 200);
}

TEST_CASE("server: a handler may answer later, from another thread") {
  Fixture f;
  auto responder = f.later.get_future();
  TestConnection c(f.port());
  auto reply = std::async(std::launch::async, [&] { return c.Request("GET", "/later"); });
  Responder respond = responder.get();  // the request reached the handler
  std::thread([respond] {
    Response r;
    r.status = 201;
    r.body = R"({"late":true})";
    respond(std::move(r));
  }).join();
  auto r = reply.get();
  CHECK(r.status == 201);
  CHECK(r.body == R"({"late":true})");
}

TEST_CASE("server: a connection that says nothing is closed after the idle timeout") {
  ServerOptions o;
  o.idle_timeout = 100ms;
  Fixture f(o);
  TestConnection c(f.port());
  CHECK(c.ClosedByPeer(10s));
}

TEST_CASE("server: a header sent too slowly is cut at the header deadline (slowloris)") {
  ServerOptions o;
  o.header_timeout = 200ms;
  Fixture f(o);
  TestConnection c(f.port());
  c.SendRaw("GET /ping HTTP/1.1\r\nHost: x\r\n");  // and never the blank line
  CHECK(c.ClosedByPeer(10s));
}

TEST_CASE("server: connections over the cap get a 429 and are closed") {
  ServerOptions o;
  o.max_connections = 2;
  Fixture f(o);
  TestConnection a(f.port()), b(f.port());
  REQUIRE(a.Request("GET", "/ping").status == 200);  // both accepted and counted
  REQUIRE(b.Request("GET", "/ping").status == 200);
  TestConnection c(f.port());
  auto r = c.ReadResponse();
  CHECK(r.status == 429);
  CHECK(Code(r) == "TOO_MANY_REQUESTS");
}

TEST_CASE("server: Stop answers the request in flight before it returns") {
  Fixture f;
  auto responder = f.later.get_future();
  TestConnection c(f.port());
  auto reply = std::async(std::launch::async, [&] { return c.Request("GET", "/later"); });
  Responder respond = responder.get();
  auto stopped = std::async(std::launch::async, [&] { f.server->Stop(10s); });
  // Stop has begun once the listening socket is gone (connects are refused); it is then
  // waiting for this answer.
  auto deadline = std::chrono::steady_clock::now() + 10s;
  while (testing::CanConnect(f.port()) && std::chrono::steady_clock::now() < deadline) {
  }
  REQUIRE_FALSE(testing::CanConnect(f.port()));
  CHECK(stopped.wait_for(0s) == std::future_status::timeout);
  Response r;
  r.body = R"({"done":true})";
  respond(std::move(r));
  stopped.get();
  auto got = reply.get();
  CHECK(got.status == 200);
  CHECK(got.body == R"({"done":true})");
  CHECK(got.headers["connection"] == "close");
}

TEST_CASE("server: a bad --listen is refused with the reason") {
  Router router;
  ServerOptions o;
  o.listen = "127.0.0.1:99999";
  Server s(o, &router);
  Status st = s.Start();
  CHECK(st.IsInvalidArgument());
  CHECK(st.message().find("port must be 0..65535") != std::string::npos);
  Options opts;
  REQUIRE(DeclareServerOptions(opts).ok());
  CHECK(ServerOptionsFrom(opts).max_body_bytes == 1536 * 1024);
}

}  // namespace myetcd::http
