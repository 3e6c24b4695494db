// Router: maps (method, path) to a handler. Each stage registers its routes on the same
// Router (stage 1 the key/range/txn routes, stage 2 watch and lease, stage 3 /metrics)
// without editing the server: the Router is the route-registrar seam.
//
// Patterns are paths whose segments are literals, `{name}` (exactly one segment) or, last,
// `{name...}` (the rest of the path, slashes included, possibly empty -- etcd keys may
// contain '/'). Captured values are percent-decoded. When several patterns match, the one
// with more literal segments wins, so "/v1/lease/grant" beats "/v1/lease/{id}". A path that
// matches under another method only is a 405 with an Allow header; no match is a 404; both
// are JSON in the API's envelope.
//
// Handlers answer through a Responder, exactly once, from any thread: a write answers only
// after the group commit's fsync, from the committer's completion.
//
// Thread-safety: Add() during start-up only; Dispatch() from any number of threads after.
#pragma once

#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "myetcd/common/status.h"
#include "myetcd/http/message.h"

namespace myetcd::http {

using PathParams = std::map<std::string, std::string, std::less<>>;
using Responder = std::function<void(Response)>;
using Handler = std::function<void(Request&, const PathParams&, Responder)>;

class Router {
 public:
  // InvalidArgument for a malformed pattern or a (method, pattern) added twice.
  Status Add(Method method, std::string_view pattern, Handler handler);

  // Finds the handler and calls it, or answers 404/405/400 itself.
  void Dispatch(Request request, const Responder& respond) const;

  // The pattern that a (method, path) matches, or "" -- a bounded label for metrics.
  std::string RouteOf(Method method, std::string_view path) const;

 private:
  struct Segment {
    enum class Kind { kLiteral, kParam, kRest } kind;
    std::string text;  // literal text or parameter name
  };
  struct Route {
    Method method;
    std::string pattern;
    std::vector<Segment> segments;
    int literals = 0;
    Handler handler;
  };
  // Whether the path's segments fit the route's (literals equal, parameters non-empty).
  static bool Matches(const Route& route, const std::vector<std::string_view>& parts);
  // Decodes the route's parameters from a path that Matches it; a bad escape is an error.
  static Status Extract(const Route& route, std::string_view path,
                        const std::vector<std::string_view>& parts, PathParams* params);
  const Route* Find(Method method, std::string_view path, PathParams* params, Status* error,
                    std::vector<Method>* allowed) const;

  std::vector<Route> routes_;
};

}  // namespace myetcd::http
