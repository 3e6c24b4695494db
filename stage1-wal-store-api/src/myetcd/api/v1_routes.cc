#include "myetcd/api/v1_routes.h"

#include <map>
#include <mutex>

#include "myetcd/api/json_io.h"
#include "myetcd/common/canary.h"
#include "myetcd/mvcc/command_codec.h"
#include "myetcd/mvcc/errors.h"
#include "myetcd/mvcc/key_range.h"
#include "myetcd/mvcc/validate.h"

namespace myetcd::api {
namespace {

using http::Method;
using http::PathParams;
using http::Request;
using http::Responder;
using mvcc::KeyValue;

constexpr int64_t kMaxInt = INT64_MAX;
constexpr int64_t kMaxLease = (1ll << 53) - 1;  // JavaScript reads it exactly

// Reads a field or answers 400 and returns from the handler.
#define READ_OR_400(decl, expr)                                           \
  auto decl##_r = (expr);                                                 \
  if (!decl##_r.ok()) return respond(ErrorFromStatus(decl##_r.status())); \
  auto decl = std::move(*decl##_r)

// The request body as a JSON object, or a 400 INVALID_JSON.
#define READ_BODY_OR_400(decl, body)                                                           \
  auto decl##_r = ParseObject(body);                                                           \
  if (!decl##_r.ok()) return respond(Error(400, "INVALID_JSON", decl##_r.status().message())); \
  auto decl = std::move(*decl##_r)

Json PrevKv(const std::optional<KeyValue>& kv) { return kv ? KvToJson(*kv) : Json(nullptr); }

Json RangeToJson(const mvcc::RangeResponse& r, bool keys_only) {
  Json kvs = Json::array();
  for (const auto& kv : r.kvs) kvs.push_back(KvToJson(kv, keys_only));
  return {{"header", HeaderToJson(r.header)},
          {"kvs", std::move(kvs)},
          {"more", r.more},
          {"count", r.count}};
}

Json DeleteToJson(const mvcc::DeleteRangeResponse& r, bool prev_kv) {
  Json j = {{"header", HeaderToJson(r.header)}, {"deleted", r.deleted}};
  if (prev_kv) {
    Json prev = Json::array();
    for (const auto& kv : r.prev_kvs) prev.push_back(KvToJson(kv));
    j["prev_kvs"] = std::move(prev);
    if (r.prev_kvs.size() == 1) j["prev_kv"] = KvToJson(r.prev_kvs[0]);
  }
  return j;
}

// Submits a write and answers with `render(result)` once it is durable and applied.
template <typename Response, typename Render>
void SubmitWrite(const V1Context* ctx, std::string command, Responder respond, Render render) {
  ctx->backend->Submit(std::move(command), [respond = std::move(respond),
                                            render = std::move(render)](Result<std::any> r) {
    if (!r.ok()) return respond(ErrorFromStatus(r.status()));
    // Rendered on the connection's thread, not here on the committer's (message.h).
    http::Response answer;
    answer.render_body = [result = std::move(*r), render] {
      return Ok(render(std::any_cast<const Response&>(result))).body;
    };
    respond(std::move(answer));
  });
}

Result<std::string> KeyFromPath(const PathParams& params) {
  const std::string& key = params.at("key");
  if (key.empty()) return mvcc::ErrKeyEmpty();
  if (!IsValidUtf8(key)) return Status::InvalidArgument("key: not valid UTF-8");
  return key;
}

// ---- range rules shared by /v1/range and txn ops ----------------------------------------

Result<mvcc::RangeRequest> ParseRange(const Json& j) {
  mvcc::RangeRequest r;
  auto key = GetString(j, {"key"});
  if (!key.ok()) return key.status();
  r.key = key->value_or("");
  auto end = GetString(j, {"range_end", "rangeEnd"});
  auto prefix = GetBool(j, {"prefix"});
  if (!end.ok()) return end.status();
  if (!prefix.ok()) return prefix.status();
  if (end->has_value() && prefix->value_or(false)) {
    return Status::InvalidArgument("range_end and prefix: give one, not both");
  }
  r.range_end = prefix->value_or(false) ? mvcc::PrefixEnd(r.key) : end->value_or("");
  struct IntField {
    const char* snake;
    const char* camel;
    int64_t* out;
  } ints[] = {{"limit", "limit", &r.limit},
              {"revision", "revision", &r.revision},
              {"min_mod_revision", "minModRevision", &r.min_mod_revision},
              {"max_mod_revision", "maxModRevision", &r.max_mod_revision},
              {"min_create_revision", "minCreateRevision", &r.min_create_revision},
              {"max_create_revision", "maxCreateRevision", &r.max_create_revision}};
  for (auto& f : ints) {
    auto v = GetInt(j, {f.snake, f.camel}, 0, kMaxInt);
    if (!v.ok()) return v.status();
    *f.out = v->value_or(0);
  }
  for (auto [snake, camel, out] : {std::tuple{"keys_only", "keysOnly", &r.keys_only},
                                   std::tuple{"count_only", "countOnly", &r.count_only}}) {
    auto v = GetBool(j, {snake, camel});
    if (!v.ok()) return v.status();
    *out = v->value_or(false);
  }
  auto order = GetString(j, {"sort_order", "sortOrder"});
  if (!order.ok()) return order.status();
  std::string o = order->value_or("NONE");
  for (auto& c : o) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  if (o == "NONE")
    r.sort_order = mvcc::SortOrder::kNone;
  else if (o == "ASCEND")
    r.sort_order = mvcc::SortOrder::kAscend;
  else if (o == "DESCEND")
    r.sort_order = mvcc::SortOrder::kDescend;
  else
    return Status::InvalidArgument("sort_order: one of NONE, ASCEND, DESCEND");
  auto target = GetString(j, {"sort_target", "sortTarget"});
  if (!target.ok()) return target.status();
  std::string t = target->value_or("KEY");
  for (auto& c : t) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  if (t == "KEY")
    r.sort_target = mvcc::SortTarget::kKey;
  else if (t == "VERSION")
    r.sort_target = mvcc::SortTarget::kVersion;
  else if (t == "CREATE" || t == "CREATE_REVISION")
    r.sort_target = mvcc::SortTarget::kCreate;
  else if (t == "MOD" || t == "MOD_REVISION")
    r.sort_target = mvcc::SortTarget::kMod;
  else if (t == "VALUE")
    r.sort_target = mvcc::SortTarget::kValue;
  else
    return Status::InvalidArgument("sort_target: one of KEY, VERSION, CREATE, MOD, VALUE");
  MYETCD_RETURN_IF_ERROR(mvcc::ValidateRange(r));
  return r;
}

Result<mvcc::RequestOp> ParseOp(const Json& j) {
  if (!j.is_object()) return Status::InvalidArgument("an operation must be an object");
  auto op = GetString(j, {"op"});
  if (!op.ok()) return op.status();
  std::string name = op->value_or("");
  for (auto& c : name) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  auto key = GetString(j, {"key"});
  auto end = GetString(j, {"range_end", "rangeEnd"});
  auto prev = GetBool(j, {"prev_kv", "prevKV", "prevKv"});
  if (!key.ok()) return key.status();
  if (!end.ok()) return end.status();
  if (!prev.ok()) return prev.status();
  if (name == "PUT") {
    mvcc::PutRequest p;
    p.key = key->value_or("");
    auto value = GetString(j, {"value"});
    auto lease = GetInt(j, {"lease"}, 0, kMaxLease);
    if (!value.ok()) return value.status();
    if (!lease.ok()) return lease.status();
    p.value = value->value_or("");
    p.lease = lease->value_or(0);
    p.prev_kv = prev->value_or(false);
    return mvcc::RequestOp(std::move(p));
  }
  if (name == "DELETE" || name == "DELETE_RANGE") {
    mvcc::DeleteRangeRequest d;
    d.key = key->value_or("");
    d.range_end = end->value_or("");
    d.prev_kv = prev->value_or(false);
    return mvcc::RequestOp(std::move(d));
  }
  if (name == "GET" || name == "RANGE") {
    auto r = ParseRange(j);
    if (!r.ok()) return r.status();
    return mvcc::RequestOp(std::move(*r));
  }
  return Status::InvalidArgument("op: one of PUT, GET, RANGE, DELETE");
}

Result<mvcc::Compare> ParseCompare(const Json& j) {
  if (!j.is_object()) return Status::InvalidArgument("compare: each entry must be an object");
  mvcc::Compare c;
  auto key = GetString(j, {"key"});
  auto end = GetString(j, {"range_end", "rangeEnd"});
  auto target = GetString(j, {"target"});
  auto op = GetString(j, {"op", "result"});
  if (!key.ok()) return key.status();
  if (!end.ok()) return end.status();
  if (!target.ok()) return target.status();
  if (!op.ok()) return op.status();
  c.key = key->value_or("");
  c.range_end = end->value_or("");
  std::string t = target->value_or("value");
  for (auto& ch : t) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  if (t == "value")
    c.target = mvcc::CompareTarget::kValue;
  else if (t == "version")
    c.target = mvcc::CompareTarget::kVersion;
  else if (t == "create_revision" || t == "create")
    c.target = mvcc::CompareTarget::kCreate;
  else if (t == "mod_revision" || t == "mod")
    c.target = mvcc::CompareTarget::kMod;
  else if (t == "lease")
    c.target = mvcc::CompareTarget::kLease;
  else
    return Status::InvalidArgument(
        "compare.target: one of value, version, create_revision, mod_revision, lease");
  std::string o = op->value_or("=");
  if (o == "=" || o == "==" || o == "EQUAL")
    c.result = mvcc::CompareResult::kEqual;
  else if (o == "!=" || o == "NOT_EQUAL")
    c.result = mvcc::CompareResult::kNotEqual;
  else if (o == "<" || o == "LESS")
    c.result = mvcc::CompareResult::kLess;
  else if (o == ">" || o == "GREATER")
    c.result = mvcc::CompareResult::kGreater;
  else
    return Status::InvalidArgument("compare.op: one of =, !=, <, >");
  if (c.target == mvcc::CompareTarget::kValue) {
    auto v = GetString(j, {"value"});
    if (!v.ok()) return v.status();
    c.value = v->value_or("");
  } else {
    auto v = GetInt(j, {"value"}, 0, kMaxInt);
    if (!v.ok()) return v.status().WithContext("compare");
    c.number = v->value_or(0);
  }
  return c;
}

Result<std::vector<mvcc::RequestOp>> ParseOps(const Json& obj, const char* name) {
  std::vector<mvcc::RequestOp> ops;
  const Json* list = Field(obj, {name});
  if (!list) return ops;
  if (!list->is_array()) return Status::InvalidArgument(std::string(name) + ": must be an array");
  for (const Json& j : *list) {
    auto op = ParseOp(j);
    if (!op.ok()) return op.status().WithContext(name);
    ops.push_back(std::move(*op));
  }
  return ops;
}

Json TxnToJson(const mvcc::TxnResponse& r, const mvcc::TxnRequest& req) {
  Json responses = Json::array();
  const auto& branch = r.succeeded ? req.success : req.failure;
  for (size_t i = 0; i < r.responses.size(); ++i) {
    const auto& resp = r.responses[i];
    if (auto* range = std::get_if<mvcc::RangeResponse>(&resp)) {
      bool keys_only = i < branch.size() && std::holds_alternative<mvcc::RangeRequest>(branch[i]) &&
                       std::get<mvcc::RangeRequest>(branch[i]).keys_only;
      Json j = RangeToJson(*range, keys_only);
      j["op"] = "RANGE";
      responses.push_back(std::move(j));
    } else if (auto* put = std::get_if<mvcc::PutResponse>(&resp)) {
      Json j = {{"op", "PUT"}};
      if (put->prev_kv) j["prev_kv"] = KvToJson(*put->prev_kv);
      responses.push_back(std::move(j));
    } else if (auto* del = std::get_if<mvcc::DeleteRangeResponse>(&resp)) {
      bool prev = i < branch.size() &&
                  std::holds_alternative<mvcc::DeleteRangeRequest>(branch[i]) &&
                  std::get<mvcc::DeleteRangeRequest>(branch[i]).prev_kv;
      Json j = DeleteToJson(*del, prev);
      j["op"] = "DELETE";
      responses.push_back(std::move(j));
    }
  }
  return {{"header", HeaderToJson(r.header)},
          {"succeeded", r.succeeded},
          {"responses", std::move(responses)}};
}

// Planted bug, canary STALE_LOCAL_READ: point reads served from a copy of the store that is
// refreshed at most every 100 ms, as a careless cache would. The linearizability crash test
// must catch it (tools/lincheck, stage1-wal-store-api/tests/crash_lincheck_test.py).
std::optional<KeyValue> StaleGet(const V1Context* ctx, const std::string& key, int64_t* rev) {
  static std::mutex mu;
  static Nanos taken{-1};
  static std::map<std::string, KeyValue> copy;
  static int64_t copy_revision = 0;
  std::lock_guard lock(mu);
  Nanos now = ctx->clock->Now();
  if (taken.count() < 0 || now - taken > std::chrono::milliseconds(100)) {
    mvcc::RangeRequest all;
    all.key = std::string(1, '\0');
    all.range_end = std::string(1, '\0');
    auto got = ctx->store->Range(all);
    if (got.ok()) {
      copy.clear();
      for (auto& kv : got->kvs) copy[kv.key] = kv;
      copy_revision = got->header.revision;
      taken = now;
    }
  }
  *rev = copy_revision;
  auto it = copy.find(key);
  return it == copy.end() ? std::nullopt : std::optional<KeyValue>(it->second);
}

}  // namespace

Status RegisterV1Routes(http::Router& router, const V1Context* ctx) {
  // PUT /v1/key/{key}: {"value", "key"?, "lease"?, "prev_kv"?}
  MYETCD_RETURN_IF_ERROR(router.Add(
      Method::kPut, "/v1/key/{key...}",
      [ctx](Request& req, const PathParams& p, Responder respond) {
        READ_OR_400(key, KeyFromPath(p));
        READ_BODY_OR_400(body, req.body);
        READ_OR_400(body_key, GetString(body, {"key"}));
        if (body_key && *body_key != key) {
          return respond(
              Error(400, "INVALID_ARGUMENT", "key: the body's key must equal the key in the URL"));
        }
        READ_OR_400(value, GetString(body, {"value"}));
        if (!value) return respond(Error(400, "INVALID_ARGUMENT", "value: missing"));
        READ_OR_400(lease, GetInt(body, {"lease"}, 0, kMaxLease));
        READ_OR_400(ttl, GetInt(body, {"ttl"}, 0, kMaxInt));
        if (ttl) {  // refused, not ignored: the key would otherwise never expire
          return respond(Error(400, "INVALID_ARGUMENT",
                               "ttl: keys that expire need leases, which come with stage 2"));
        }
        READ_OR_400(prev, GetBool(body, {"prev_kv", "prevKV", "prevKv"}));
        mvcc::PutRequest put{key, std::move(*value), lease.value_or(0), prev.value_or(false)};
        Status valid = mvcc::ValidatePut(put);
        if (!valid.ok()) return respond(ErrorFromStatus(valid));
        bool want_prev = put.prev_kv;
        SubmitWrite<mvcc::PutResponse>(ctx, mvcc::EncodeCommand(put), respond,
                                       [want_prev](const mvcc::PutResponse& r) {
                                         Json j = {{"header", HeaderToJson(r.header)}};
                                         if (want_prev) j["prev_kv"] = PrevKv(r.prev_kv);
                                         return j;
                                       });
      }));

  // GET /v1/key/{key}?revision=N
  MYETCD_RETURN_IF_ERROR(
      router.Add(Method::kGet, "/v1/key/{key...}",
                 [ctx](Request& req, const PathParams& p, Responder respond) {
                   READ_OR_400(key, KeyFromPath(p));
                   READ_OR_400(revision, QueryInt(req, "revision", 0, kMaxInt));
                   READ_OR_400(serializable, QueryBool(req, "serializable"));
                   (void)serializable;  // one node: every read is linearizable already
                   if (CanaryEnabled("STALE_LOCAL_READ") && !revision) {
                     int64_t rev = 0;
                     auto kv = StaleGet(ctx, key, &rev);
                     if (!kv) return respond(Error(404, "KEY_NOT_FOUND", "key not found"));
                     Json data = KvToJson(*kv);
                     data["header"] = {{"revision", rev}};
                     return respond(Ok(std::move(data)));
                   }
                   mvcc::RangeRequest r;
                   r.key = key;
                   r.revision = revision.value_or(0);
                   auto got = ctx->store->Range(r);
                   if (!got.ok()) return respond(ErrorFromStatus(got.status()));
                   if (got->kvs.empty())
                     return respond(Error(404, "KEY_NOT_FOUND", "key not found"));
                   Json data = KvToJson(got->kvs[0]);
                   data["header"] = HeaderToJson(got->header);
                   respond(Ok(std::move(data)));
                 }));

  // DELETE /v1/key/{key}?prev_kv=true
  MYETCD_RETURN_IF_ERROR(router.Add(Method::kDelete, "/v1/key/{key...}",
                                    [ctx](Request& req, const PathParams& p, Responder respond) {
                                      READ_OR_400(key, KeyFromPath(p));
                                      READ_OR_400(prev, QueryBool(req, "prev_kv"));
                                      mvcc::DeleteRangeRequest d;
                                      d.key = key;
                                      d.prev_kv = prev;
                                      SubmitWrite<mvcc::DeleteRangeResponse>(
                                          ctx, mvcc::EncodeCommand(d), respond,
                                          [prev](const mvcc::DeleteRangeResponse& r) {
                                            return DeleteToJson(r, prev);
                                          });
                                    }));

  // GET /v1/keys?prefix=&limit=&start_after=
  MYETCD_RETURN_IF_ERROR(router.Add(
      Method::kGet, "/v1/keys", [ctx](Request& req, const PathParams&, Responder respond) {
        READ_OR_400(limit, QueryInt(req, "limit", 0, kMaxInt));
        std::string prefix = req.Query("prefix") ? *req.Query("prefix") : "";
        mvcc::RangeRequest r;
        // No prefix lists every key: [\0, "\0") in etcd's range language.
        r.key = prefix.empty() ? std::string(1, '\0') : prefix;
        r.range_end = prefix.empty() ? std::string(1, '\0') : mvcc::PrefixEnd(prefix);
        if (const std::string* after = req.Query("start_after")) {
          std::string next = *after + std::string(1, '\0');  // the smallest key after it
          if (next > r.key) r.key = next;
        }
        r.keys_only = true;
        r.limit = limit.value_or(0);
        auto got = ctx->store->Range(r);
        if (!got.ok()) return respond(ErrorFromStatus(got.status()));
        Json keys = Json::array();
        for (const auto& kv : got->kvs) {
          keys.push_back(IsValidUtf8(kv.key) ? kv.key : Base64Encode(kv.key));
        }
        respond(Ok({{"header", HeaderToJson(got->header)},
                    {"keys", std::move(keys)},
                    {"more", got->more}}));
      }));

  // POST /v1/range
  MYETCD_RETURN_IF_ERROR(router.Add(Method::kPost, "/v1/range",
                                    [ctx](Request& req, const PathParams&, Responder respond) {
                                      READ_BODY_OR_400(body, req.body);
                                      READ_OR_400(range, ParseRange(body));
                                      auto got = ctx->store->Range(range);
                                      if (!got.ok()) return respond(ErrorFromStatus(got.status()));
                                      respond(Ok(RangeToJson(*got, range.keys_only)));
                                    }));

  // POST /v1/txn
  MYETCD_RETURN_IF_ERROR(router.Add(
      Method::kPost, "/v1/txn", [ctx](Request& req, const PathParams&, Responder respond) {
        READ_BODY_OR_400(body, req.body);
        mvcc::TxnRequest txn;
        if (const Json* compares = Field(body, {"compare"})) {
          if (!compares->is_array()) {
            return respond(Error(400, "INVALID_ARGUMENT", "compare: must be an array"));
          }
          for (const Json& c : *compares) {
            READ_OR_400(cmp, ParseCompare(c));
            txn.compare.push_back(std::move(cmp));
          }
        }
        READ_OR_400(success, ParseOps(body, "success"));
        READ_OR_400(failure, ParseOps(body, "failure"));
        txn.success = std::move(success);
        txn.failure = std::move(failure);
        Status valid = mvcc::ValidateTxn(txn, ctx->max_txn_ops);
        if (!valid.ok()) return respond(ErrorFromStatus(valid));
        if (mvcc::IsReadOnly(txn)) {  // nothing to log: answer from the store
          auto got = ctx->store->Txn(txn);
          if (!got.ok()) return respond(ErrorFromStatus(got.status()));
          return respond(Ok(TxnToJson(*got, txn)));
        }
        auto shared = std::make_shared<mvcc::TxnRequest>(txn);
        SubmitWrite<mvcc::TxnResponse>(
            ctx, mvcc::EncodeCommand(txn), respond,
            [shared](const mvcc::TxnResponse& r) { return TxnToJson(r, *shared); });
      }));

  // POST /v1/compact {"revision"}
  MYETCD_RETURN_IF_ERROR(router.Add(
      Method::kPost, "/v1/compact", [ctx](Request& req, const PathParams&, Responder respond) {
        READ_BODY_OR_400(body, req.body);
        READ_OR_400(revision, GetInt(body, {"revision"}, 1, kMaxInt));
        if (!revision) return respond(Error(400, "INVALID_ARGUMENT", "revision: missing"));
        SubmitWrite<mvcc::CompactResponse>(ctx,
                                           mvcc::EncodeCommand(mvcc::CompactRequest{*revision}),
                                           respond, [](const mvcc::CompactResponse& r) {
                                             return Json{{"header", HeaderToJson(r.header)}};
                                           });
      }));

  // Health never writes a key (a probe would inflate the revision).
  auto health = [ctx](bool etcd_shape) {
    return [ctx, etcd_shape](Request&, const PathParams&, Responder respond) {
      Status s = ctx->health ? ctx->health() : Status::OK();
      if (etcd_shape) {
        http::Response r;
        r.status = s.ok() ? 200 : 503;
        r.body = s.ok() ? R"({"health":"true"})" : R"({"health":"false"})";
        return respond(std::move(r));
      }
      Json data = {{"health", s.ok()}};
      if (!s.ok()) data["reason"] = s.message();
      respond(Ok(data, s.ok() ? 200 : 503));
    };
  };
  MYETCD_RETURN_IF_ERROR(router.Add(Method::kGet, "/v1/health", health(false)));
  MYETCD_RETURN_IF_ERROR(router.Add(Method::kGet, "/health", health(true)));

  return router.Add(
      Method::kGet, "/v1/status", [ctx](Request&, const PathParams&, Responder respond) {
        auto uptime =
            std::chrono::duration_cast<std::chrono::milliseconds>(ctx->clock->Now() - ctx->started);
        respond(Ok({{"version", ctx->version},
                    {"uptime_ms", uptime.count()},
                    {"header", {{"revision", ctx->store->CurrentRevision()}}},
                    {"revision", ctx->store->CurrentRevision()},
                    {"compact_revision", ctx->store->CompactRevision()},
                    {"keys", ctx->store->KeyCount()}}));
      });
}

}  // namespace myetcd::api
