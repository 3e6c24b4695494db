// The snapshot file format: round trip, and every damage refused (never loaded altered).
#include <doctest/doctest.h>

#include <string>

#include "myetcd/snap/snapshot_format.h"

namespace myetcd::snap {
namespace {

std::string Encode(std::string_view position,
                   const std::vector<std::pair<std::string, std::string>>& sections) {
  std::string out;
  Sink sink = [&](std::string_view b) {
    out.append(b);
    return Status::OK();
  };
  REQUIRE(EncodeHeader(position, static_cast<uint32_t>(sections.size()), sink).ok());
  for (const auto& [name, data] : sections) REQUIRE(EncodeSection(name, data, sink).ok());
  REQUIRE(EncodeFooter(sink).ok());
  return out;
}

TEST_CASE("snapshot format: position and sections come back exactly, in order") {
  const std::string big(100000, 'k');
  const std::string file = Encode("pos\0\1", {{"kv", big}, {"lease", ""}, {"raft", "r"}});
  auto view = DecodeSnapshot(file);
  REQUIRE_MESSAGE(view.ok(), view.status().ToString());
  CHECK(view->position == std::string_view("pos\0\1"));
  REQUIRE(view->sections.size() == 3);
  CHECK(view->sections[0].name == "kv");
  CHECK(view->sections[0].data == big);
  CHECK(view->sections[1].name == "lease");
  CHECK(view->sections[1].data.empty());
  CHECK(view->sections[2].data == "r");
}

TEST_CASE("snapshot format: every flipped bit is refused as corruption") {
  const std::string file = Encode("\x07\0\0\0\0\0\0\0", {{"kv", "some keys"}, {"meta", "m"}});
  for (size_t i = 0; i < file.size(); ++i) {
    for (int bit = 0; bit < 8; ++bit) {
      std::string bad = file;
      bad[i] = static_cast<char>(bad[i] ^ (1 << bit));
      auto view = DecodeSnapshot(bad);
      CHECK_MESSAGE(!view.ok(), "bit " << bit << " of byte " << i << " flipped was accepted");
      if (!view.ok()) CHECK(view.status().IsCorruption());
    }
  }
}

TEST_CASE("snapshot format: a file cut anywhere, or with bytes after the end, is refused") {
  const std::string file = Encode("p", {{"kv", "abc"}, {"x", std::string(300, 'x')}});
  for (size_t n = 0; n < file.size(); ++n) {
    auto view = DecodeSnapshot(std::string_view(file).substr(0, n));
    CHECK_MESSAGE(!view.ok(), "a file cut at " << n << " of " << file.size() << " was accepted");
  }
  CHECK(!DecodeSnapshot(file + "x").ok());
  CHECK(DecodeSnapshot(file).ok());
}

TEST_CASE("snapshot format: bad and repeated section names are refused") {
  Sink sink = [](std::string_view) { return Status::OK(); };
  CHECK(EncodeSection("", "x", sink).IsInvalidArgument());
  CHECK(EncodeSection("Upper", "x", sink).IsInvalidArgument());
  CHECK(EncodeSection(std::string(65, 'a'), "x", sink).IsInvalidArgument());
  const std::string twice = Encode("p", {{"kv", "a"}, {"kv", "b"}});
  CHECK(DecodeSnapshot(twice).status().IsCorruption());
}

}  // namespace
}  // namespace myetcd::snap
