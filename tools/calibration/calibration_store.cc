#include "tools/calibration/calibration_store.h"

#include <charconv>

#include <nlohmann/json.hpp>

namespace myetcd::calibration {
namespace {

using json = nlohmann::json;

std::string Dump(const json& j) {
  // A key decoded from the URL may be any bytes: never let dump() throw on bad UTF-8.
  return j.dump(-1, ' ', false, json::error_handler_t::replace);
}

Response Error(int status, std::string_view code, std::string_view message) {
  return {status, Dump({{"success", false}, {"error", message}, {"code", code}})};
}

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Percent-decoding of a path segment; false on a malformed escape.
bool PercentDecode(std::string_view in, std::string& out) {
  out.clear();
  for (size_t i = 0; i < in.size(); ++i) {
    if (in[i] != '%') {
      out += in[i];
      continue;
    }
    if (i + 2 >= in.size()) return false;
    const int hi = HexValue(in[i + 1]);
    const int lo = HexValue(in[i + 2]);
    if (hi < 0 || lo < 0) return false;
    out += static_cast<char>(hi * 16 + lo);
    i += 2;
  }
  return true;
}

json Header(int64_t revision) { return {{"revision", revision}}; }

}  // namespace

Response CalibrationStore::Handle(std::string_view method, std::string_view target,
                                  std::string_view body) {
  constexpr std::string_view kPrefix = "/v1/key/";
  const std::string_view path = target.substr(0, target.find('?'));
  if (!path.starts_with(kPrefix)) {
    return Error(404, "ROUTE_NOT_FOUND", "no route for " + std::string(path));
  }
  std::string key;
  if (!PercentDecode(path.substr(kPrefix.size()), key)) {
    return Error(400, "INVALID_ARGUMENT", "key: malformed percent-encoding");
  }
  if (key.empty()) return Error(400, "KEY_EMPTY", "key is empty");

  if (method == "GET") {
    std::lock_guard lock(mu_);
    auto it = kv_.find(key);
    if (it == kv_.end()) return Error(404, "KEY_NOT_FOUND", "key not found");
    const Entry& e = it->second;
    return {200, Dump({{"success", true},
                       {"data",
                        {{"header", Header(revision_)},
                         {"key", key},
                         {"value", e.value},
                         {"create_revision", e.create_revision},
                         {"mod_revision", e.mod_revision},
                         {"version", e.version},
                         {"lease", 0}}}})};
  }
  if (method == "PUT") {
    json req = json::parse(body, nullptr, /*allow_exceptions=*/false);
    if (req.is_discarded() || !req.is_object()) {
      return Error(400, "INVALID_JSON", "the body is not a JSON object");
    }
    auto v = req.find("value");
    if (v == req.end() || !v->is_string()) {
      return Error(400, "INVALID_ARGUMENT", "value: a string is required");
    }
    auto k = req.find("key");
    if (k != req.end() && (!k->is_string() || k->get_ref<const std::string&>() != key)) {
      return Error(400, "INVALID_ARGUMENT", "key: the body key must equal the URL key");
    }
    int64_t revision;
    {
      std::lock_guard lock(mu_);
      revision = ++revision_;
      Entry& e = kv_[key];
      if (e.version == 0) e.create_revision = revision;
      e.mod_revision = revision;
      ++e.version;
      e.value = std::move(v->get_ref<std::string&>());
    }
    return {200, Dump({{"success", true}, {"data", {{"header", Header(revision)}}}})};
  }
  if (method == "DELETE") {
    int64_t revision;
    int deleted;
    {
      std::lock_guard lock(mu_);
      deleted = static_cast<int>(kv_.erase(key));
      if (deleted) ++revision_;
      revision = revision_;
    }
    return {200, Dump({{"success", true},
                       {"data", {{"header", Header(revision)}, {"deleted", deleted}}}})};
  }
  return Error(405, "METHOD_NOT_ALLOWED", std::string(method) + " is not allowed here");
}

Status ParseListen(std::string_view text, std::string& host, uint16_t& port) {
  const size_t colon = text.rfind(':');
  if (colon == std::string_view::npos || colon == 0) {
    return Status::InvalidArgument("--listen: '" + std::string(text) + "' is not host:port");
  }
  unsigned p = 0;
  const std::string_view ps = text.substr(colon + 1);
  auto [end, ec] = std::from_chars(ps.data(), ps.data() + ps.size(), p);
  if (ps.empty() || ec != std::errc() || end != ps.data() + ps.size() || p > 65535) {
    return Status::InvalidArgument("--listen: bad port in '" + std::string(text) + "'");
  }
  host = std::string(text.substr(0, colon));
  port = static_cast<uint16_t>(p);
  return Status::OK();
}

}  // namespace myetcd::calibration
