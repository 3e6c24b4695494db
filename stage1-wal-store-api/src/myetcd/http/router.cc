#include "myetcd/http/router.h"

namespace myetcd::http {
namespace {

// "/a/b/" -> {"a", "b", ""}; "/" -> {""}.
std::vector<std::string_view> SplitPath(std::string_view path) {
  std::vector<std::string_view> parts;
  if (!path.empty() && path.front() == '/') path.remove_prefix(1);
  while (true) {
    size_t slash = path.find('/');
    parts.push_back(path.substr(0, slash));
    if (slash == std::string_view::npos) break;
    path.remove_prefix(slash + 1);
  }
  return parts;
}

}  // namespace

Status Router::Add(Method method, std::string_view pattern, Handler handler) {
  if (pattern.empty() || pattern.front() != '/') {
    return Status::InvalidArgument("route pattern '" + std::string(pattern) +
                                   "' must start with '/'");
  }
  Route route{method, std::string(pattern), {}, 0, std::move(handler)};
  auto parts = SplitPath(pattern);
  for (size_t i = 0; i < parts.size(); ++i) {
    std::string_view p = parts[i];
    if (p.size() >= 2 && p.front() == '{' && p.back() == '}') {
      std::string_view name = p.substr(1, p.size() - 2);
      bool rest = name.size() > 3 && name.substr(name.size() - 3) == "...";
      if (rest && i + 1 != parts.size()) {
        return Status::InvalidArgument("route pattern '" + std::string(pattern) +
                                       "': {name...} must be the last segment");
      }
      if (rest) name.remove_suffix(3);
      route.segments.push_back(
          {rest ? Segment::Kind::kRest : Segment::Kind::kParam, std::string(name)});
    } else {
      route.segments.push_back({Segment::Kind::kLiteral, std::string(p)});
      ++route.literals;
    }
  }
  for (const auto& r : routes_) {
    if (r.method == method && r.pattern == route.pattern) {
      return Status::InvalidArgument(std::string(MethodName(method)) + " " + route.pattern +
                                     " registered twice");
    }
  }
  routes_.push_back(std::move(route));
  return Status::OK();
}

bool Router::Matches(const Route& route, const std::vector<std::string_view>& parts) {
  size_t i = 0;
  for (; i < route.segments.size(); ++i) {
    const Segment& seg = route.segments[i];
    if (seg.kind == Segment::Kind::kRest) return true;
    if (i >= parts.size()) return false;
    if (seg.kind == Segment::Kind::kLiteral ? parts[i] != seg.text : parts[i].empty()) {
      return false;
    }
  }
  return i == parts.size();
}

Status Router::Extract(const Route& route, std::string_view path,
                       const std::vector<std::string_view>& parts, PathParams* params) {
  for (size_t i = 0; i < route.segments.size(); ++i) {
    const Segment& seg = route.segments[i];
    if (seg.kind == Segment::Kind::kLiteral) continue;
    std::string_view raw = parts[i];
    if (seg.kind == Segment::Kind::kRest) {
      // The rest of the raw path after the literal prefix, decoded as a whole.
      size_t offset = 0;
      for (size_t k = 0; k < i; ++k) offset += parts[k].size() + 1;
      raw = i < parts.size() ? path.substr(std::min(path.size(), offset + 1)) : "";
    }
    auto decoded = PercentDecode(raw, false);
    if (!decoded.ok()) return decoded.status();
    (*params)[seg.text] = std::move(*decoded);
  }
  return Status::OK();
}

// The path is split once and matched structurally against every route; only the winner's
// parameters are decoded (this runs on every request: a split and a decode per route cost
// more than the store's lookup did).
const Router::Route* Router::Find(Method method, std::string_view path, PathParams* params,
                                  Status* error, std::vector<Method>* allowed) const {
  const std::vector<std::string_view> parts = SplitPath(path);
  const Route* best = nullptr;
  for (const auto& route : routes_) {
    if (!Matches(route, parts)) continue;
    if (route.method != method) {
      if (allowed) allowed->push_back(route.method);
      continue;
    }
    if (best == nullptr || route.literals > best->literals) best = &route;
  }
  if (best != nullptr) *error = Extract(*best, path, parts, params);
  return best;
}

void Router::Dispatch(Request request, const Responder& respond) const {
  PathParams params;
  Status error;
  std::vector<Method> allowed;
  const Route* route = Find(request.method, request.path, &params, &error, &allowed);
  if (route == nullptr) {
    if (!allowed.empty()) {
      Response r =
          JsonError(405, "METHOD_NOT_ALLOWED",
                    std::string(MethodName(request.method)) + " is not allowed on " + request.path);
      std::string allow;
      for (Method m : allowed) allow += (allow.empty() ? "" : ", ") + std::string(MethodName(m));
      r.headers.emplace_back("Allow", allow);
      respond(std::move(r));
      return;
    }
    respond(JsonError(404, "ROUTE_NOT_FOUND", "no route for " + request.path));
    return;
  }
  if (!error.ok()) {
    respond(JsonError(400, "INVALID_ARGUMENT", "path: " + error.message()));
    return;
  }
  route->handler(request, params, respond);
}

std::string Router::RouteOf(Method method, std::string_view path) const {
  PathParams params;
  Status error;
  const Route* r = Find(method, path, &params, &error, nullptr);
  return r ? r->pattern : "";
}

}  // namespace myetcd::http
