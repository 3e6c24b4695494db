#include "tools/lincheck/history.h"

#include <fstream>
#include <map>
#include <regex>
#include <sstream>

#include <nlohmann/json.hpp>

namespace myetcd::lincheck {
namespace {

Status LineError(int line, const std::string& what) {
  return Status::InvalidArgument("line " + std::to_string(line) + ": " + what);
}

Result<OpKind> KindFromName(const std::string& f, int line) {
  if (f == "get" || f == "read") return OpKind::kGet;
  if (f == "put" || f == "write") return OpKind::kPut;
  if (f == "del" || f == "delete") return OpKind::kDelete;
  if (f == "cas") return OpKind::kCas;
  if (f == "append") return OpKind::kAppend;
  return LineError(line, "unknown operation '" + f + "'");
}

std::optional<std::string> OptionalString(const nlohmann::json& j, const char* name) {
  auto it = j.find(name);
  if (it == j.end() || it->is_null()) return std::nullopt;
  if (it->is_string()) return it->get<std::string>();
  return it->dump();
}

std::optional<int64_t> OptionalInt(const nlohmann::json& j, const char* name) {
  auto it = j.find(name);
  if (it == j.end() || !it->is_number_integer()) return std::nullopt;
  return it->get<int64_t>();
}

// Our recorder's JSON lines.
Result<History> ParseJsonLines(const std::string& text) {
  History h;
  std::istringstream in(text);
  std::string line;
  int n = 0;
  while (std::getline(in, line)) {
    ++n;
    if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
    nlohmann::json j = nlohmann::json::parse(line, nullptr, false);
    if (j.is_discarded() || !j.is_object()) return LineError(n, "not a JSON object");
    Operation op;
    op.line = n;
    op.client = j.value("client", int64_t{0});
    op.id = j.value("op_id", int64_t{n});
    op.key = j.value("key", std::string());
    auto kind = KindFromName(j.value("f", std::string()), n);
    if (!kind.ok()) return kind.status();
    op.kind = *kind;
    std::string outcome = j.value("outcome", std::string("ok"));
    op.outcome = outcome == "ok"     ? Outcome::kOk
                 : outcome == "fail" ? Outcome::kFail
                                     : Outcome::kUnknown;
    if (outcome != "ok" && outcome != "fail" && outcome != "unknown") {
      return LineError(n, "outcome must be ok, fail or unknown");
    }
    op.value = OptionalString(j, "value");
    op.expected = OptionalString(j, "expected");
    auto call = OptionalInt(j, "call_ns");
    if (!call) return LineError(n, "call_ns missing");
    op.call = *call;
    auto ret = OptionalInt(j, "ret_ns");
    op.ret = op.outcome == Outcome::kUnknown || !ret ? kNever : *ret;
    if (op.outcome != Outcome::kUnknown && !ret) return LineError(n, "ret_ns missing");
    if (op.ret < op.call) return LineError(n, "ret_ns before call_ns");
    op.revision = OptionalInt(j, "revision");
    op.mod_revision = OptionalInt(j, "mod_revision");
    // A failed read tells nothing; a failed write did not happen.
    if (op.outcome == Outcome::kFail && op.kind != OpKind::kCas) continue;
    h.push_back(std::move(op));
  }
  return h;
}

// Jepsen histories (register logs and EDN) give an invocation and, later, a completion
// per process; line order is time order. These two helpers pair them up.
Operation Invocation(int64_t process, int line, std::string key, OpKind kind) {
  Operation op;
  op.client = process;
  op.id = line;
  op.line = line;
  op.key = std::move(key);
  op.kind = kind;
  op.call = line;
  return op;
}

Result<Operation> TakeInvocation(std::map<int64_t, Operation>& open, int64_t process, int line) {
  auto it = open.find(process);
  if (it == open.end()) return LineError(line, "completion without an invocation");
  Operation op = std::move(it->second);
  open.erase(it);
  return op;
}

// What an :info completion or no completion at all leaves: an indeterminate op. A read
// that never returned tells nothing and is dropped.
void AddIndeterminate(Operation op, History* h) {
  op.outcome = Outcome::kUnknown;
  op.ret = kNever;
  if (op.kind != OpKind::kGet) h->push_back(std::move(op));
}

Result<History> ParseJepsenRegister(const std::string& text) {
  History h;
  std::map<int64_t, Operation> open;  // by process
  std::istringstream in(text);
  std::string line;
  int n = 0;
  static const std::regex kLine(R"((\d+)\t:(\w+)\t:(\w+)\t(.*))");
  while (std::getline(in, line)) {
    ++n;
    size_t dash = line.find(" - ");
    if (dash == std::string::npos) continue;  // not an operation line
    std::smatch m;
    std::string rest = line.substr(dash + 3);
    if (!std::regex_match(rest, m, kLine)) continue;
    int64_t process = std::stoll(m[1]);
    std::string type = m[2], f = m[3], value = m[4];
    auto kind = KindFromName(f, n);
    if (!kind.ok()) return kind.status();
    if (type == "invoke") {
      Operation op = Invocation(process, n, "register", *kind);
      if (*kind == OpKind::kPut) op.value = value;
      if (*kind == OpKind::kCas) {
        static const std::regex kPair(R"(\[(\S+) (\S+)\])");
        std::smatch p;
        if (!std::regex_match(value, p, kPair)) return LineError(n, "cas needs [A B]");
        op.expected = p[1].str() == "nil" ? std::nullopt : std::optional<std::string>(p[1]);
        op.value = p[2].str();
      }
      open[process] = std::move(op);
      continue;
    }
    auto taken = TakeInvocation(open, process, n);
    if (!taken.ok()) return taken.status();
    Operation op = std::move(*taken);
    if (type == "ok") {
      op.ret = n;
      if (op.kind == OpKind::kGet) {
        op.value = value == "nil" ? std::nullopt : std::optional<std::string>(value);
      }
      h.push_back(std::move(op));
    } else if (type == "fail") {
      op.ret = n;
      op.outcome = Outcome::kFail;
      if (op.kind == OpKind::kCas) h.push_back(std::move(op));  // definitely not swapped
    } else {
      AddIndeterminate(std::move(op), &h);  // :info
    }
  }
  for (auto& [process, op] : open) AddIndeterminate(std::move(op), &h);  // never completed
  return h;
}

Result<History> ParseEdn(const std::string& text) {
  History h;
  std::map<int64_t, Operation> open;
  std::istringstream in(text);
  std::string line;
  int n = 0;
  static const std::regex kLine(
      R"re(\{:process (\d+), :type :(\w+), :f :(\w+), :key "([^"]*)", :value (nil|"[^"]*")\})re");
  while (std::getline(in, line)) {
    ++n;
    if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
    std::smatch m;
    if (!std::regex_match(line, m, kLine)) return LineError(n, "not an EDN operation");
    int64_t process = std::stoll(m[1]);
    std::string type = m[2], f = m[3], key = m[4], raw = m[5];
    std::optional<std::string> value;
    if (raw != "nil") value = raw.substr(1, raw.size() - 2);
    auto kind = KindFromName(f, n);
    if (!kind.ok()) return kind.status();
    if (type == "invoke") {
      Operation op = Invocation(process, n, key, *kind);
      if (*kind != OpKind::kGet) op.value = value;
      open[process] = std::move(op);
      continue;
    }
    auto taken = TakeInvocation(open, process, n);
    if (!taken.ok()) return taken.status();
    Operation op = std::move(*taken);
    if (type == "ok") {
      op.ret = n;
      // In these histories an absent key reads as "" (the empty append log).
      if (op.kind == OpKind::kGet) op.value = value && !value->empty() ? value : std::nullopt;
      h.push_back(std::move(op));
    } else if (type == "info") {
      AddIndeterminate(std::move(op), &h);
    }
  }
  for (auto& [process, op] : open) AddIndeterminate(std::move(op), &h);  // never completed
  return h;
}

}  // namespace

Result<History> ParseHistory(const std::string& text) {
  size_t first = text.find_first_not_of(" \t\r\n");
  if (first == std::string::npos) return History{};
  if (text[first] == '{' && text.compare(first, 9, "{:process") == 0) return ParseEdn(text);
  if (text[first] == '{') return ParseJsonLines(text);
  return ParseJepsenRegister(text);
}

Result<History> ReadHistoryFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::NotFound("cannot open " + path);
  std::stringstream buf;
  buf << in.rdbuf();
  auto h = ParseHistory(buf.str());
  if (!h.ok()) return h.status().WithContext(path);
  return h;
}

std::string Describe(const Operation& op) {
  static const char* kKinds[] = {"get", "put", "del", "cas", "append"};
  std::ostringstream out;
  out << "client " << op.client << " " << kKinds[static_cast<int>(op.kind)] << "(" << op.key;
  if (op.kind == OpKind::kCas) out << ", expect " << op.expected.value_or("<absent>");
  if (op.kind != OpKind::kGet && op.kind != OpKind::kDelete) {
    out << ", " << op.value.value_or("<absent>");
  }
  out << ")";
  if (op.kind == OpKind::kGet && op.outcome == Outcome::kOk) {
    out << " -> " << op.value.value_or("<absent>");
  }
  out << (op.outcome == Outcome::kFail      ? " failed"
          : op.outcome == Outcome::kUnknown ? " unknown"
                                            : "")
      << " [" << op.call << ", " << (op.ret == kNever ? std::string("inf") : std::to_string(op.ret))
      << "] line " << op.line;
  return out.str();
}

}  // namespace myetcd::lincheck
