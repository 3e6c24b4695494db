// JSON in and out for the /v1 API (docs/api/v1.md): reading request bodies strictly and
// writing the envelope.
//
// Reading. A body must be a JSON object. A field may be spelled in snake_case or the seed's
// camelCase (prev_kv / prevKV); unknown fields are ignored. Strings must be valid UTF-8
// (nlohmann's parser already refuses invalid bytes); integers must be integers that fit an
// int64 -- nlohmann would turn 2^70 into a double, and get<int64_t>() would then wrap it,
// so every integer is range-checked here and a bad one is a 400 that names the field.
//
// Writing. {"success":true,"data":{...}} or {"success":false,"error":...,"code":...}. A
// stored value that is not valid UTF-8 (possible through /v3) is sent base64-encoded with
// "value_encoding":"base64" -- dump() would otherwise throw on it.
//
// Thread-safety: pure functions.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "myetcd/common/result.h"
#include "myetcd/http/message.h"
#include "myetcd/mvcc/kv.h"

namespace myetcd::api {

using Json = nlohmann::json;

// The body as a JSON object; an empty body is {}. InvalidArgument names what is wrong.
Result<Json> ParseObject(std::string_view body);

// The first present field among `names` (snake_case first, then aliases).
const Json* Field(const Json& obj, std::initializer_list<const char*> names);

// Typed readers: nullopt when the field is absent (or null); InvalidArgument naming the
// field when it has the wrong type or range.
Result<std::optional<std::string>> GetString(const Json& obj,
                                             std::initializer_list<const char*> names);
Result<std::optional<int64_t>> GetInt(const Json& obj, std::initializer_list<const char*> names,
                                      int64_t min, int64_t max);
Result<std::optional<bool>> GetBool(const Json& obj, std::initializer_list<const char*> names);

// Query-string readers with the same rules ("true"/"false", decimal integers).
Result<std::optional<int64_t>> QueryInt(const http::Request& req, const char* name, int64_t min,
                                        int64_t max);
Result<bool> QueryBool(const http::Request& req, const char* name);

bool IsValidUtf8(std::string_view s);
std::string Base64Encode(std::string_view bytes);

// {"key","value","create_revision","mod_revision","version","lease"} (+ value_encoding).
Json KvToJson(const mvcc::KeyValue& kv, bool keys_only = false);
Json HeaderToJson(const mvcc::ResponseHeader& h);

// The envelope, as a response.
http::Response Ok(Json data, int status = 200);
http::Response Error(int status, std::string_view code, std::string_view message);
// A Status from the store or the backend as the API's error (400 COMPACTED, 429, 503, ...).
http::Response ErrorFromStatus(const Status& s);

}  // namespace myetcd::api
