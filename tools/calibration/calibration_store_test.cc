#include "tools/calibration/calibration_store.h"

#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

namespace myetcd::calibration {

using json = nlohmann::json;

TEST_CASE("calibration: put, get and delete in API-v1.md's envelope, with etcd's revisions") {
  CalibrationStore s;
  auto r = s.Handle("GET", "/v1/key/a", "");
  CHECK(r.status == 404);
  CHECK(json::parse(r.body)["code"] == "KEY_NOT_FOUND");

  r = s.Handle("PUT", "/v1/key/a", R"({"value":"x"})");
  CHECK(r.status == 200);
  auto j = json::parse(r.body);
  CHECK(j["success"] == true);
  CHECK(j["data"]["header"]["revision"] == 2);  // a new store is at 1
  s.Handle("PUT", "/v1/key/a", R"({"value":"y"})");

  r = s.Handle("GET", "/v1/key/a?serializable=true", "");
  CHECK(r.status == 200);
  j = json::parse(r.body)["data"];
  CHECK(j["key"] == "a");
  CHECK(j["value"] == "y");
  CHECK(j["create_revision"] == 2);
  CHECK(j["mod_revision"] == 3);
  CHECK(j["version"] == 2);
  CHECK(j["lease"] == 0);
  CHECK(j["header"]["revision"] == 3);

  r = s.Handle("DELETE", "/v1/key/a", "");
  CHECK(json::parse(r.body)["data"]["deleted"] == 1);
  CHECK(json::parse(r.body)["data"]["header"]["revision"] == 4);
  r = s.Handle("DELETE", "/v1/key/a", "");  // nothing removed: no new revision
  CHECK(json::parse(r.body)["data"]["deleted"] == 0);
  CHECK(json::parse(r.body)["data"]["header"]["revision"] == 4);
}

TEST_CASE("calibration: bad requests get API-v1.md's error codes") {
  CalibrationStore s;
  CHECK(s.Handle("GET", "/v2/keys/a", "").status == 404);
  CHECK(s.Handle("POST", "/v1/key/a", "").status == 405);
  CHECK(json::parse(s.Handle("PUT", "/v1/key/a", "{").body)["code"] == "INVALID_JSON");
  CHECK(json::parse(s.Handle("PUT", "/v1/key/a", R"({"value":1})").body)["code"] ==
        "INVALID_ARGUMENT");
  CHECK(s.Handle("PUT", "/v1/key/a", R"({"value":"v","key":"b"})").status == 400);
  CHECK(json::parse(s.Handle("GET", "/v1/key/", "").body)["code"] == "KEY_EMPTY");
  CHECK(s.Handle("GET", "/v1/key/%zz", "").status == 400);
  CHECK(s.Handle("GET", "/v1/key/%4", "").status == 400);
  // A percent-encoded key that is not UTF-8 must not crash the JSON writer.
  CHECK(s.Handle("PUT", "/v1/key/%ff", R"({"value":"v"})").status == 200);
  CHECK(s.Handle("GET", "/v1/key/%ff", "").status == 200);
}

TEST_CASE("calibration: --listen takes host:port with port 0") {
  std::string host;
  uint16_t port = 1;
  CHECK(ParseListen("127.0.0.1:0", host, port).ok());
  CHECK(host == "127.0.0.1");
  CHECK(port == 0);
  CHECK_FALSE(ParseListen("127.0.0.1", host, port).ok());
  CHECK_FALSE(ParseListen("127.0.0.1:", host, port).ok());
  CHECK_FALSE(ParseListen("127.0.0.1:99999", host, port).ok());
}

}  // namespace myetcd::calibration
