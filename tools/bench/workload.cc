#include "tools/bench/workload.h"

#include <charconv>
#include <cmath>

namespace myetcd::bench {
namespace {

template <typename E, size_t N>
Result<E> ParseName(std::string_view s, const std::array<std::pair<std::string_view, E>, N>& t,
                    std::string_view what) {
  for (const auto& [name, value] : t) {
    if (name == s) return value;
  }
  return Status::InvalidArgument(std::string(what) + ": unknown value '" + std::string(s) + "'");
}

constexpr std::array<std::pair<std::string_view, Api>, 2> kApis{
    {{"v1", Api::kV1}, {"v3", Api::kV3}}};
constexpr std::array<std::pair<std::string_view, WorkloadKind>, 6> kWorkloads{
    {{"put", WorkloadKind::kPut},
     {"watch", WorkloadKind::kWatch},
     {"get", WorkloadKind::kGet},
     {"delete", WorkloadKind::kDelete},
     {"txn", WorkloadKind::kTxn},
     {"mixed", WorkloadKind::kMixed}}};
constexpr std::array<std::pair<std::string_view, KeyMode>, 3> kKeyModes{
    {{"sequential", KeyMode::kSequential},
     {"random", KeyMode::kRandom},
     {"unique", KeyMode::kUnique}}};

int Digits(int64_t v) {
  int d = 1;
  while (v >= 10) {
    v /= 10;
    ++d;
  }
  return d;
}

}  // namespace

std::string_view ApiName(Api a) { return a == Api::kV1 ? "v1" : "v3"; }
std::string_view WorkloadName(WorkloadKind w) {
  for (const auto& [name, value] : kWorkloads) {
    if (value == w) return name;
  }
  return "?";
}
std::string_view KeyModeName(KeyMode m) {
  for (const auto& [name, value] : kKeyModes) {
    if (value == m) return name;
  }
  return "?";
}
std::string_view OpName(Op op) {
  switch (op) {
    case Op::kPut: return "put";
    case Op::kGet: return "get";
    case Op::kDelete: return "delete";
    case Op::kTxn: return "txn";
  }
  return "?";
}
Result<Api> ParseApi(std::string_view s) { return ParseName(s, kApis, "api"); }
Result<WorkloadKind> ParseWorkload(std::string_view s) {
  return ParseName(s, kWorkloads, "workload");
}
Result<KeyMode> ParseKeyMode(std::string_view s) { return ParseName(s, kKeyModes, "key-mode"); }

Status Validate(const BenchConfig& c) {
  if (c.connections < 1) return Status::InvalidArgument("connections must be >= 1");
  if (c.threads < 1 || c.threads > c.connections) {
    return Status::InvalidArgument("threads must be between 1 and --connections");
  }
  if (c.key_count < 1) return Status::InvalidArgument("key-count must be >= 1");
  if (c.key_size < 2) return Status::InvalidArgument("key-size must be >= 2");
  if (c.key_mode != KeyMode::kUnique && Digits(c.key_count - 1) > c.key_size - 1) {
    return Status::InvalidArgument("key-size " + std::to_string(c.key_size) + " cannot hold " +
                                   std::to_string(c.key_count) +
                                   " distinct keys ('k' + digits); raise --key-size");
  }
  if (c.workload == WorkloadKind::kTxn && c.txn_ops > c.key_count) {
    return Status::InvalidArgument("txn-ops must be <= key-count (a txn names each key once)");
  }
  if (c.count <= 0 && c.duration.count() <= 0) {
    return Status::InvalidArgument("give a --duration > 0 or a --count > 0");
  }
  if (c.rate < 0) return Status::InvalidArgument("rate must be >= 0");
  if (c.workload == WorkloadKind::kWatch && c.count > 0) {
    return Status::InvalidArgument("the watch workload runs for a --duration, not a --count");
  }
  if (c.workload == WorkloadKind::kWatch && c.watchers < 1) {
    return Status::InvalidArgument("watchers must be >= 1");
  }
  return Status::OK();
}

std::string Base64Encode(std::string_view in) {
  static constexpr char kAlphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  out.reserve((in.size() + 2) / 3 * 4);
  size_t i = 0;
  for (; i + 3 <= in.size(); i += 3) {
    const uint32_t n = (uint32_t(uint8_t(in[i])) << 16) | (uint32_t(uint8_t(in[i + 1])) << 8) |
                       uint32_t(uint8_t(in[i + 2]));
    out += kAlphabet[(n >> 18) & 63];
    out += kAlphabet[(n >> 12) & 63];
    out += kAlphabet[(n >> 6) & 63];
    out += kAlphabet[n & 63];
  }
  const size_t rest = in.size() - i;
  if (rest == 1) {
    const uint32_t n = uint32_t(uint8_t(in[i])) << 16;
    out += kAlphabet[(n >> 18) & 63];
    out += kAlphabet[(n >> 12) & 63];
    out += "==";
  } else if (rest == 2) {
    const uint32_t n = (uint32_t(uint8_t(in[i])) << 16) | (uint32_t(uint8_t(in[i + 1])) << 8);
    out += kAlphabet[(n >> 18) & 63];
    out += kAlphabet[(n >> 12) & 63];
    out += kAlphabet[(n >> 6) & 63];
    out += '=';
  }
  return out;
}

std::string KeyOf(int64_t index, int size) {
  char digits[24];
  auto [end, ec] = std::to_chars(digits, digits + sizeof digits, index);
  const int n = static_cast<int>(end - digits);
  std::string key = "k";
  if (n < size - 1) key.append(static_cast<size_t>(size - 1 - n), '0');
  key.append(digits, end);
  return key;
}

KeyStream::KeyStream(const BenchConfig& c, int connection, std::atomic<int64_t>* sequence)
    : mode_(c.key_mode),
      key_count_(c.key_count),
      sequence_(sequence),
      rng_(c.seed * 1000003u + static_cast<uint64_t>(connection)) {}

int64_t KeyStream::Next() {
  switch (mode_) {
    case KeyMode::kRandom: return static_cast<int64_t>(rng_() % static_cast<uint64_t>(key_count_));
    case KeyMode::kSequential:
      return sequence_->fetch_add(1, std::memory_order_relaxed) % key_count_;
    case KeyMode::kUnique: return sequence_->fetch_add(1, std::memory_order_relaxed);
  }
  return 0;
}

int KeyStream::Percent() { return static_cast<int>(rng_() % 100); }

Workload::Workload(const BenchConfig& c) : c_(c) {
  host_header_ = c.host + ":" + std::to_string(c.port);
  // Letters only: no JSON escaping, and the same bytes in every run.
  value_.resize(static_cast<size_t>(c.value_size));
  for (size_t i = 0; i < value_.size(); ++i) value_[i] = static_cast<char>('a' + i % 26);
  value_b64_ = Base64Encode(value_);
}

Op Workload::Next(KeyStream& keys, std::string& out) const {
  Op op = Op::kPut;
  switch (c_.workload) {
    case WorkloadKind::kPut:
    case WorkloadKind::kWatch: op = Op::kPut; break;
    case WorkloadKind::kGet: op = Op::kGet; break;
    case WorkloadKind::kDelete: op = Op::kDelete; break;
    case WorkloadKind::kTxn: op = Op::kTxn; break;
    case WorkloadKind::kMixed: op = keys.Percent() < c_.read_ratio ? Op::kGet : Op::kPut; break;
  }
  Build(op, keys.Next(), out);
  return op;
}

void Workload::Request(std::string_view method, std::string_view target, std::string_view key,
                       std::string_view body, std::string& out) const {
  out.clear();
  out.append(method).append(" ").append(target).append(key).append(" HTTP/1.1\r\nHost: ");
  out.append(host_header_).append("\r\n");
  if (!body.empty() || method != "GET") {
    char len[24];
    auto [end, ec] = std::to_chars(len, len + sizeof len, body.size());
    out.append("Content-Type: application/json\r\nContent-Length: ");
    out.append(len, end).append("\r\n");
  }
  out.append("\r\n").append(body);
}

void Workload::BuildPut(int64_t i, std::string_view value, std::string& out) const {
  thread_local std::string body;
  body.clear();
  const std::string key = KeyOf(i, c_.key_size);
  if (c_.api == Api::kV1) {
    body.append(R"({"value":")").append(value).append(R"("})");
    Request("PUT", "/v1/key/", key, body, out);
    return;
  }
  body.append(R"({"key":")").append(Base64Encode(key)).append(R"(","value":")");
  body.append(Base64Encode(value)).append(R"("})");
  Request("POST", "/v3/kv/put", "", body, out);
}

void Workload::BuildWatch(std::string& out) const {
  if (c_.api == Api::kV1) {
    Request("GET", "/v1/watch?key=k&prefix=true", "", "", out);
    out.insert(out.size() - 2, "Accept: text/event-stream\r\n");
    return;
  }
  // Every key starting with "k": [k, l).
  const std::string body = R"({"create_request":{"key":")" + Base64Encode("k") +
                           R"(","range_end":")" + Base64Encode("l") + R"("}})";
  Request("POST", "/v3/watch", "", body, out);
}

void Workload::Build(Op op, int64_t i, std::string& out) const {
  // Reused per thread, so a request costs no allocation once the buffers have grown.
  thread_local std::string body;
  body.clear();
  const std::string key = KeyOf(i, c_.key_size);
  if (c_.api == Api::kV1) {
    switch (op) {
      case Op::kPut:
        body.append(R"({"value":")").append(value_).append(R"("})");
        Request("PUT", "/v1/key/", key, body, out);
        return;
      case Op::kGet: Request("GET", "/v1/key/", key, "", out); return;
      case Op::kDelete: Request("DELETE", "/v1/key/", key, "", out); return;
      case Op::kTxn:
        body.append(R"({"compare":[],"success":[)");
        for (int j = 0; j < c_.txn_ops; ++j) {
          if (j) body += ',';
          body.append(R"({"op":"PUT","key":")")
              .append(KeyOf((i + j) % c_.key_count, c_.key_size))
              .append(R"(","value":")")
              .append(value_)
              .append(R"("})");
        }
        body.append(R"(],"failure":[]})");
        Request("POST", "/v1/txn", "", body, out);
        return;
    }
  }
  const std::string key64 = Base64Encode(key);
  switch (op) {
    case Op::kPut:
      body.append(R"({"key":")").append(key64).append(R"(","value":")");
      body.append(value_b64_).append(R"("})");
      Request("POST", "/v3/kv/put", "", body, out);
      return;
    case Op::kGet:
      body.append(R"({"key":")").append(key64).append(R"("})");
      Request("POST", "/v3/kv/range", "", body, out);
      return;
    case Op::kDelete:
      body.append(R"({"key":")").append(key64).append(R"("})");
      Request("POST", "/v3/kv/deleterange", "", body, out);
      return;
    case Op::kTxn:
      body.append(R"({"success":[)");
      for (int j = 0; j < c_.txn_ops; ++j) {
        if (j) body += ',';
        body.append(R"({"requestPut":{"key":")")
            .append(Base64Encode(KeyOf((i + j) % c_.key_count, c_.key_size)))
            .append(R"(","value":")")
            .append(value_b64_)
            .append(R"("}})");
      }
      body.append("]}");
      Request("POST", "/v3/kv/txn", "", body, out);
      return;
  }
}

}  // namespace myetcd::bench
