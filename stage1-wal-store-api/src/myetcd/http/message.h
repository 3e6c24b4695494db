// Request and Response: the HTTP messages as routers and handlers see them. Only the files
// that own sockets (server.cc) include Boost.Beast -- a Beast translation unit costs ~20 s
// to compile here -- so everything above the socket layer speaks these plain types.
//
// Thread-safety: values; a Request is read by one handler, a Response built by one.
#pragma once

#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "myetcd/common/result.h"

namespace myetcd::http {

enum class Method { kGet, kHead, kPost, kPut, kDelete, kOptions, kOther };

std::string_view MethodName(Method m);
Method ParseMethod(std::string_view name);

struct Request {
  Method method = Method::kGet;
  std::string target;                             // as sent: "/v1/key/a%2Fb?prev_kv=true"
  std::string path;                               // the target before '?', still percent-encoded
  std::multimap<std::string, std::string> query;  // decoded names and values
  std::vector<std::pair<std::string, std::string>> headers;  // names in lower case
  std::string body;

  // The first value of a query parameter, or nullptr.
  const std::string* Query(std::string_view name) const;
  // The first value of a header (name in lower case), or nullptr.
  const std::string* Header(std::string_view lower_name) const;
};

struct Response {
  int status = 200;
  std::string content_type = "application/json";
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;  // extra headers
  // When set, produces the body (replacing `body`) on the connection's own thread, just
  // before it is written. A write is answered from the committer thread, which serves
  // every write in turn: rendering each answer's JSON there would make every batch wait
  // for every render before the next fsync can start.
  std::function<std::string()> render_body;
};

// Splits a request target into its path and decoded query parameters. A malformed
// percent-escape is an InvalidArgument naming where it is.
Status ParseTarget(std::string_view target, Request* request);

// Decodes %XX escapes (and, in a query, '+' as a space). InvalidArgument on a bad escape.
Result<std::string> PercentDecode(std::string_view text, bool plus_is_space);

// A JSON error in the API's envelope: {"success":false,"error":message,"code":code}. Bytes
// that are not valid UTF-8 in the message are replaced, never thrown on.
Response JsonError(int status, std::string_view code, std::string_view message);

}  // namespace myetcd::http
