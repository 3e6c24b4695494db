#include "myetcd/api/json_io.h"

#include "myetcd/common/options.h"
#include "myetcd/mvcc/errors.h"

namespace myetcd::api {
namespace {

std::string Names(std::initializer_list<const char*> names) { return *names.begin(); }

}  // namespace

Result<Json> ParseObject(std::string_view body) {
  if (body.find_first_not_of(" \t\r\n") == std::string_view::npos) return Json::object();
  // No NUL byte can be part of JSON text (inside a string it must be written \u0000), and
  // nlohmann's lexer takes one for the end of the input: without this check a body such as
  // {"value":"v"}<NUL><anything, even invalid UTF-8> would be accepted.
  if (body.find('\0') != std::string_view::npos) {
    return Status::InvalidArgument("request body is not valid JSON (it holds a NUL byte)");
  }
  // Depth is bounded by the body limit; nlohmann's parser is recursive, so a 100k-deep
  // [[[... would exhaust the stack: refuse deep nesting before parsing.
  int depth = 0, max_depth = 0;
  bool in_string = false, escaped = false;
  for (char c : body) {
    if (in_string) {
      if (escaped)
        escaped = false;
      else if (c == '\\')
        escaped = true;
      else if (c == '"')
        in_string = false;
      continue;
    }
    if (c == '"') in_string = true;
    if (c == '[' || c == '{') max_depth = std::max(max_depth, ++depth);
    if (c == ']' || c == '}') --depth;
  }
  if (max_depth > 64) {
    return Status::InvalidArgument("request body nests deeper than 64 levels");
  }
  Json j = Json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) {
    return Status::InvalidArgument("request body is not valid JSON (or not valid UTF-8)");
  }
  if (!j.is_object()) return Status::InvalidArgument("request body must be a JSON object");
  return j;
}

const Json* Field(const Json& obj, std::initializer_list<const char*> names) {
  for (const char* n : names) {
    auto it = obj.find(n);
    if (it != obj.end() && !it->is_null()) return &*it;
  }
  return nullptr;
}

Result<std::optional<std::string>> GetString(const Json& obj,
                                             std::initializer_list<const char*> names) {
  const Json* f = Field(obj, names);
  if (!f) return std::optional<std::string>();
  if (!f->is_string()) return Status::InvalidArgument(Names(names) + ": must be a string");
  return std::optional<std::string>(f->get<std::string>());
}

Result<std::optional<int64_t>> GetInt(const Json& obj, std::initializer_list<const char*> names,
                                      int64_t min, int64_t max) {
  const Json* f = Field(obj, names);
  if (!f) return std::optional<int64_t>();
  std::string name = Names(names);
  int64_t v;
  if (f->is_number_unsigned()) {
    uint64_t u = f->get<uint64_t>();
    if (u > static_cast<uint64_t>(INT64_MAX)) {
      return Status::InvalidArgument(name + ": out of range [" + std::to_string(min) + ", " +
                                     std::to_string(max) + "]");
    }
    v = static_cast<int64_t>(u);
  } else if (f->is_number_integer()) {
    v = f->get<int64_t>();
  } else if (f->is_number_float()) {
    // 2^70 arrives here: too large for any integer type. Never round or wrap it.
    return Status::InvalidArgument(name + ": must be an integer in [" + std::to_string(min) + ", " +
                                   std::to_string(max) + "]");
  } else {
    return Status::InvalidArgument(name + ": must be an integer");
  }
  if (v < min || v > max) {
    return Status::InvalidArgument(name + ": " + std::to_string(v) + " is out of range [" +
                                   std::to_string(min) + ", " + std::to_string(max) + "]");
  }
  return std::optional<int64_t>(v);
}

Result<std::optional<bool>> GetBool(const Json& obj, std::initializer_list<const char*> names) {
  const Json* f = Field(obj, names);
  if (!f) return std::optional<bool>();
  if (!f->is_boolean()) return Status::InvalidArgument(Names(names) + ": must be true or false");
  return std::optional<bool>(f->get<bool>());
}

Result<std::optional<int64_t>> QueryInt(const http::Request& req, const char* name, int64_t min,
                                        int64_t max) {
  const std::string* v = req.Query(name);
  if (!v) return std::optional<int64_t>();
  auto n = ParseInt64(*v);
  if (!n.ok() || *n < min || *n > max) {
    return Status::InvalidArgument(std::string(name) + ": must be an integer in [" +
                                   std::to_string(min) + ", " + std::to_string(max) + "]");
  }
  return std::optional<int64_t>(*n);
}

Result<bool> QueryBool(const http::Request& req, const char* name) {
  const std::string* v = req.Query(name);
  if (!v) return false;
  if (v->empty() || *v == "true" || *v == "1") return true;
  if (*v == "false" || *v == "0") return false;
  return Status::InvalidArgument(std::string(name) + ": must be true or false");
}

bool IsValidUtf8(std::string_view s) {
  size_t i = 0;
  while (i < s.size()) {
    auto c = static_cast<unsigned char>(s[i]);
    size_t n;
    uint32_t cp;
    if (c < 0x80) {
      ++i;
      continue;
    } else if ((c & 0xe0) == 0xc0) {
      n = 1;
      cp = c & 0x1f;
    } else if ((c & 0xf0) == 0xe0) {
      n = 2;
      cp = c & 0x0f;
    } else if ((c & 0xf8) == 0xf0) {
      n = 3;
      cp = c & 0x07;
    } else {
      return false;
    }
    for (size_t k = 1; k <= n; ++k) {
      if (i + k >= s.size()) return false;
      auto cc = static_cast<unsigned char>(s[i + k]);
      if ((cc & 0xc0) != 0x80) return false;
      cp = (cp << 6) | (cc & 0x3f);
    }
    // Overlong forms, surrogates and values past U+10FFFF are not UTF-8.
    if ((n == 1 && cp < 0x80) || (n == 2 && cp < 0x800) || (n == 3 && cp < 0x10000) ||
        (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff) {
      return false;
    }
    i += n + 1;
  }
  return true;
}

std::string Base64Encode(std::string_view in) {
  static const char kAlphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  out.reserve((in.size() + 2) / 3 * 4);
  size_t i = 0;
  for (; i + 2 < in.size(); i += 3) {
    uint32_t v = (static_cast<unsigned char>(in[i]) << 16) |
                 (static_cast<unsigned char>(in[i + 1]) << 8) |
                 static_cast<unsigned char>(in[i + 2]);
    out += kAlphabet[v >> 18];
    out += kAlphabet[(v >> 12) & 63];
    out += kAlphabet[(v >> 6) & 63];
    out += kAlphabet[v & 63];
  }
  if (i < in.size()) {
    uint32_t v = static_cast<unsigned char>(in[i]) << 16;
    if (i + 1 < in.size()) v |= static_cast<unsigned char>(in[i + 1]) << 8;
    out += kAlphabet[v >> 18];
    out += kAlphabet[(v >> 12) & 63];
    out += i + 1 < in.size() ? kAlphabet[(v >> 6) & 63] : '=';
    out += '=';
  }
  return out;
}

Json KvToJson(const mvcc::KeyValue& kv, bool keys_only) {
  Json j;
  bool binary = !IsValidUtf8(kv.key) || (!keys_only && !IsValidUtf8(kv.value));
  j["key"] = binary ? Base64Encode(kv.key) : kv.key;
  if (!keys_only) j["value"] = binary ? Base64Encode(kv.value) : kv.value;
  if (binary) j["value_encoding"] = "base64";
  j["create_revision"] = kv.create_revision;
  j["mod_revision"] = kv.mod_revision;
  j["version"] = kv.version;
  j["lease"] = kv.lease;
  return j;
}

Json HeaderToJson(const mvcc::ResponseHeader& h) { return Json{{"revision", h.revision}}; }

http::Response Ok(Json data, int status) {
  http::Response r;
  r.status = status;
  // Moved, not copied: a copy of the tree is a malloc per node, on every answer.
  Json body = Json::object();
  body["success"] = true;
  body["data"] = std::move(data);
  r.body = body.dump(-1, ' ', false, Json::error_handler_t::replace);
  return r;
}

http::Response Error(int status, std::string_view code, std::string_view message) {
  return http::JsonError(status, code, message);
}

http::Response ErrorFromStatus(const Status& s) {
  switch (s.code()) {
    case Status::Code::kBusy: return Error(429, "TOO_MANY_REQUESTS", s.message());
    case Status::Code::kAborted: return Error(503, "NOT_READY", s.message());
    case Status::Code::kNoSpace: return Error(507, "QUOTA_EXCEEDED", s.message());
    case Status::Code::kNotFound:
      return Error(404,
                   s.message().find("lease") != std::string::npos ? "LEASE_NOT_FOUND" : "NOT_FOUND",
                   s.message());
    default: break;
  }
  mvcc::StoreError e = mvcc::StoreErrorOf(s);
  if (e != mvcc::StoreError::kOther && e != mvcc::StoreError::kNone) {
    return Error(400, mvcc::ApiCode(e), s.message());
  }
  return Error(500, "INTERNAL", s.ToString());
}

}  // namespace myetcd::api
