#include "tools/bench/watch.h"

#include <charconv>

#include <nlohmann/json.hpp>

namespace myetcd::bench {

std::optional<std::string> Base64Decode(std::string_view in) {
  std::string out;
  out.reserve(in.size() / 4 * 3);
  uint32_t acc = 0;
  int bits = 0;
  for (char ch : in) {
    int v;
    if (ch >= 'A' && ch <= 'Z') {
      v = ch - 'A';
    } else if (ch >= 'a' && ch <= 'z') {
      v = ch - 'a' + 26;
    } else if (ch >= '0' && ch <= '9') {
      v = ch - '0' + 52;
    } else if (ch == '+') {
      v = 62;
    } else if (ch == '/') {
      v = 63;
    } else if (ch == '=') {
      break;
    } else {
      return std::nullopt;
    }
    acc = (acc << 6) | static_cast<uint32_t>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out += static_cast<char>((acc >> bits) & 0xff);
    }
  }
  return out;
}

std::string TimedValue(bool measured, int64_t send_ns, int size) {
  std::string v(1, measured ? 'm' : 'w');
  v += std::to_string(send_ns);
  v += '.';
  if (static_cast<int>(v.size()) < size) v.append(static_cast<size_t>(size) - v.size(), 'x');
  return v;
}

std::optional<TimedStamp> ParseTimedValue(std::string_view value) {
  if (value.size() < 3 || (value[0] != 'm' && value[0] != 'w')) return std::nullopt;
  TimedStamp t;
  t.measured = value[0] == 'm';
  auto [end, ec] = std::from_chars(value.data() + 1, value.data() + value.size(), t.send_ns);
  if (ec != std::errc() || end == value.data() + value.size() || *end != '.') {
    return std::nullopt;
  }
  return t;
}

void WatchStream::Feed(std::string_view data, Update& out) {
  pending_.append(data);
  // SSE frames end with a blank line; etcd's gateway ends each message with a newline.
  const std::string_view sep = api_ == Api::kV1 ? "\n\n" : "\n";
  size_t start = 0;
  for (;;) {
    const size_t end = pending_.find(sep, start);
    if (end == std::string::npos) break;
    Frame(std::string_view(pending_).substr(start, end - start), out);
    start = end + sep.size();
  }
  pending_.erase(0, start);
}

void WatchStream::Frame(std::string_view frame, Update& out) {
  if (api_ == Api::kV3) {
    if (frame.find_first_not_of(" \r\t") == std::string_view::npos) return;
    Json(frame, "", out);
    return;
  }
  std::string_view event = "message";
  std::string data;
  size_t pos = 0;
  while (pos < frame.size()) {
    size_t eol = frame.find('\n', pos);
    if (eol == std::string_view::npos) eol = frame.size();
    std::string_view line = frame.substr(pos, eol - pos);
    if (line.ends_with('\r')) line.remove_suffix(1);
    pos = eol + 1;
    if (line.starts_with(":")) continue;  // a comment (heartbeat)
    auto field = [&](std::string_view name) -> std::optional<std::string_view> {
      if (!line.starts_with(name) || line.size() <= name.size() || line[name.size()] != ':') {
        return std::nullopt;
      }
      std::string_view v = line.substr(name.size() + 1);
      if (v.starts_with(' ')) v.remove_prefix(1);
      return v;
    };
    if (auto v = field("event")) event = *v;
    if (auto v = field("data")) {
      if (!data.empty()) data += '\n';
      data.append(*v);
    }
  }
  if (event == "created") {
    ++out.created;
  } else if (event == "canceled") {
    ++out.canceled;
  } else if (event == "events") {
    Json(data, event, out);
  }
}

void WatchStream::Json(std::string_view text, std::string_view sse_event, Update& out) {
  // value() throws on a field of the wrong type: such a frame is counted, never fatal.
  try {
    Events(text, out);
  } catch (const nlohmann::json::exception&) {
    ++out.bad_frames;
  }
}

void WatchStream::Events(std::string_view text, Update& out) {
  using nlohmann::json;
  const json j = json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded() || !j.is_object()) {
    ++out.bad_frames;
    return;
  }
  const json* events = nullptr;
  if (api_ == Api::kV3) {
    auto r = j.find("result");
    if (r == j.end() || !r->is_object()) {
      ++out.bad_frames;  // e.g. {"error": ...}
      return;
    }
    if (r->value("created", false)) ++out.created;
    if (r->value("canceled", false)) ++out.canceled;
    auto e = r->find("events");
    if (e != r->end()) events = &*e;
  } else {
    auto e = j.find("events");
    if (e != j.end()) events = &*e;
  }
  if (events == nullptr || !events->is_array()) return;
  for (const json& ev : *events) {
    if (!ev.is_object()) continue;
    const std::string type = ev.value("type", "PUT");
    if (type != "PUT") continue;
    auto kv = ev.find("kv");
    if (kv == ev.end() || !kv->is_object()) continue;
    std::string value = kv->value("value", "");
    if (api_ == Api::kV3) {
      auto decoded = Base64Decode(value);
      if (!decoded) {
        ++out.bad_frames;
        continue;
      }
      value = std::move(*decoded);
    }
    out.values.push_back(std::move(value));
  }
}

}  // namespace myetcd::bench
