#include "myetcd/http/router.h"

#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

namespace myetcd::http {
namespace {

// Registers a handler that answers "<name> <param>=<value>...".
Handler Echo(std::string name) {
  return [name](Request&, const PathParams& params, Responder respond) {
    Response r;
    r.body = name;
    for (const auto& [k, v] : params) r.body += " " + k + "=" + v;
    respond(std::move(r));
  };
}

Response Call(const Router& router, Method method, std::string_view target) {
  Request req;
  req.method = method;
  REQUIRE(ParseTarget(target, &req).ok());
  Response out;
  int calls = 0;
  router.Dispatch(std::move(req), [&](Response r) {
    out = std::move(r);
    ++calls;
  });
  CHECK(calls == 1);
  return out;
}

Router SampleRouter() {
  Router r;
  REQUIRE(r.Add(Method::kGet, "/v1/key/{key...}", Echo("get")).ok());
  REQUIRE(r.Add(Method::kPut, "/v1/key/{key...}", Echo("put")).ok());
  REQUIRE(r.Add(Method::kGet, "/v1/lease/{id}", Echo("lease")).ok());
  REQUIRE(r.Add(Method::kPost, "/v1/lease/grant", Echo("grant")).ok());
  REQUIRE(r.Add(Method::kGet, "/v1/lease/grant", Echo("grant-get")).ok());
  REQUIRE(r.Add(Method::kPost, "/v1/range", Echo("range")).ok());
  return r;
}

}  // namespace

TEST_CASE("router: a key may hold slashes and escapes, and is decoded whole") {
  Router r = SampleRouter();
  CHECK(Call(r, Method::kGet, "/v1/key/test").body == "get key=test");
  CHECK(Call(r, Method::kGet, "/v1/key/a/b/c").body == "get key=a/b/c");
  CHECK(Call(r, Method::kGet, "/v1/key/a%2Fb%20c").body == "get key=a/b c");
  CHECK(Call(r, Method::kPut, "/v1/key/x?prev_kv=true").body == "put key=x");
  // An empty key reaches the handler, which answers KEY_EMPTY (the API's rule, not the router's).
  CHECK(Call(r, Method::kGet, "/v1/key/").body == "get key=");
}

TEST_CASE("router: a literal segment beats a parameter") {
  Router r = SampleRouter();
  CHECK(Call(r, Method::kGet, "/v1/lease/grant").body == "grant-get");
  CHECK(Call(r, Method::kGet, "/v1/lease/42").body == "lease id=42");
  CHECK(Call(r, Method::kPost, "/v1/lease/grant").body == "grant");
}

TEST_CASE("router: unknown routes are a JSON 404, wrong methods a JSON 405 with Allow") {
  Router r = SampleRouter();
  Response nf = Call(r, Method::kGet, "/v2/nothing");
  CHECK(nf.status == 404);
  auto body = nlohmann::json::parse(nf.body);
  CHECK(body["success"] == false);
  CHECK(body["code"] == "ROUTE_NOT_FOUND");

  Response na = Call(r, Method::kDelete, "/v1/range");
  CHECK(na.status == 405);
  CHECK(nlohmann::json::parse(na.body)["code"] == "METHOD_NOT_ALLOWED");
  REQUIRE(na.headers.size() == 1);
  CHECK(na.headers[0] == std::pair<std::string, std::string>("Allow", "POST"));

  CHECK(Call(r, Method::kGet, "/v1/lease").status == 404);  // {id} needs a segment
  CHECK(Call(r, Method::kGet, "/v1/lease/1/2").status == 404);
}

TEST_CASE("router: a bad escape in the path is a 400 naming the problem") {
  Router r = SampleRouter();
  Response bad = Call(r, Method::kGet, "/v1/key/a%zz");
  CHECK(bad.status == 400);
  auto body = nlohmann::json::parse(bad.body);
  CHECK(body["code"] == "INVALID_ARGUMENT");
  CHECK(body["error"].get<std::string>().find("bad percent-escape") != std::string::npos);
}

TEST_CASE("router: bad patterns and duplicates are refused at registration") {
  Router r = SampleRouter();
  CHECK(r.Add(Method::kGet, "/v1/key/{key...}", Echo("again")).IsInvalidArgument());
  CHECK(r.Add(Method::kGet, "no-slash", Echo("x")).IsInvalidArgument());
  CHECK(r.Add(Method::kGet, "/a/{rest...}/b", Echo("x")).IsInvalidArgument());
}

TEST_CASE("router: RouteOf gives the template, a bounded metrics label") {
  Router r = SampleRouter();
  CHECK(r.RouteOf(Method::kGet, "/v1/key/some/user/key") == "/v1/key/{key...}");
  CHECK(r.RouteOf(Method::kGet, "/nope").empty());
}

TEST_CASE("message: query parameters are decoded; bad escapes are refused") {
  Request req;
  REQUIRE(ParseTarget("/v1/keys?prefix=a%2Fb&limit=10&flag&q=x+y", &req).ok());
  CHECK(req.path == "/v1/keys");
  CHECK(*req.Query("prefix") == "a/b");
  CHECK(*req.Query("limit") == "10");
  CHECK(*req.Query("flag") == "");
  CHECK(*req.Query("q") == "x y");
  CHECK(req.Query("missing") == nullptr);
  CHECK(ParseTarget("/x?a=%4", &req).IsInvalidArgument());
  CHECK(ParseTarget("/x?a=%", &req).IsInvalidArgument());
}

TEST_CASE("message: a JSON error never throws on invalid UTF-8") {
  Response r = JsonError(400, "INVALID_ARGUMENT", std::string("key \xff\xfe is bad"));
  CHECK(r.status == 400);
  auto body = nlohmann::json::parse(r.body);  // valid JSON, bad bytes replaced
  CHECK(body["code"] == "INVALID_ARGUMENT");
  CHECK(body["success"] == false);
}

}  // namespace myetcd::http
