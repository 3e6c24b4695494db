// Snapshotter: durable save (temp, fsync, rename, fsync dir), load the newest valid one,
// registered sections, retention, and failures surfacing as errors.
#include <doctest/doctest.h>

#include <stdlib.h>

#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "myetcd/common/logging.h"
#include "myetcd/common/mem_file_system.h"
#include "myetcd/snap/snapshotter.h"

namespace myetcd::snap {
namespace {

// A toy state machine with two sections, the way the store and (later) leases register.
struct Toy {
  std::string kv = "kv-state";
  std::string lease = "lease-state";
  std::map<std::string, std::string> loaded;
  SectionRegistry registry;
  Toy() {
    REQUIRE(registry
                .Register(
                    "kv",
                    [this](std::string* out) {
                      *out += kv;
                      return Status::OK();
                    },
                    [this](std::string_view d) {
                      loaded["kv"] = d;
                      return Status::OK();
                    })
                .ok());
    REQUIRE(registry
                .Register(
                    "lease",
                    [this](std::string* out) {
                      *out += lease;
                      return Status::OK();
                    },
                    [this](std::string_view d) {
                      loaded["lease"] = d;
                      return Status::OK();
                    })
                .ok());
  }
};

std::vector<std::string> Names(MemFileSystem& fs, const std::string& dir) {
  auto n = fs.ListDir(dir);
  REQUIRE(n.ok());
  return *n;
}

TEST_CASE("snapshot: a saved snapshot loads back into every registered section") {
  MemFileSystem fs;
  Toy toy;
  Snapshotter snap(fs, "/data", toy.registry);
  CHECK(snap.LoadNewest().status().IsNotFound());
  auto saved = snap.Save("position-42");
  REQUIRE_MESSAGE(saved.ok(), saved.status().ToString());
  CHECK(saved->path == "/data/member/snap/0000000000000001.snap");
  Toy fresh;
  Snapshotter again(fs, "/data", fresh.registry);
  auto loaded = again.LoadNewest();
  REQUIRE(loaded.ok());
  CHECK(loaded->position == "position-42");
  CHECK(fresh.loaded["kv"] == "kv-state");
  CHECK(fresh.loaded["lease"] == "lease-state");
}

TEST_CASE("snapshot: save is temp file, fsync, rename, then fsync of the directory") {
  MemFileSystem fs;
  Toy toy;
  Snapshotter snap(fs, "/data", toy.registry);
  REQUIRE(snap.Save("p").ok());
  std::vector<std::string> ops;
  for (const FsOp& op : fs.Trace()) {
    if (op.kind == FsOp::Kind::kMkdir || op.kind == FsOp::Kind::kWrite) continue;
    if (op.kind == FsOp::Kind::kSyncDir && op.path != "/data/member/snap") continue;
    ops.push_back(op.ToString());
  }
  const std::vector<std::string> want = {
      "create /data/member/snap/0000000000000001.snap.tmp (ino 1)", "sync ino 1",
      "rename /data/member/snap/0000000000000001.snap.tmp -> "
      "/data/member/snap/0000000000000001.snap (ino 1)",
      "syncdir /data/member/snap"};
  CHECK(ops == want);
  CHECK(fs.AuditDirSyncs().empty());
}

TEST_CASE("snapshot: a damaged newest snapshot is skipped with a warning; the older one loads") {
  MemFileSystem fs;
  Toy toy;
  Snapshotter snap(fs, "/data", toy.registry);
  REQUIRE(snap.Save("old").ok());
  toy.kv = "newer-kv";
  auto newest = snap.Save("new");
  REQUIRE(newest.ok());
  // Flip one byte in the middle of the newest file.
  std::string bytes = *fs.ReadFileToString(newest->path);
  bytes[bytes.size() / 2] ^= 0x40;
  auto f = fs.NewWritableFile(newest->path);
  REQUIRE((*f)->Append(bytes).ok());
  Toy fresh;
  Snapshotter again(fs, "/data", fresh.registry);
  std::vector<std::string> warnings;
  {
    auto level = Logger("snap")->level();
    Logger("snap")->set_level(spdlog::level::off);
    auto loaded = again.LoadNewest(&warnings);
    Logger("snap")->set_level(level);
    REQUIRE(loaded.ok());
    CHECK(loaded->position == "old");
  }
  CHECK(fresh.loaded["kv"] == "kv-state");
  REQUIRE(warnings.size() == 1);
  CHECK(warnings[0].find(newest->path) != std::string::npos);
  CHECK(warnings[0].find("offset") != std::string::npos);
}

TEST_CASE("snapshot: a section no loader knows is refused; a missing section is not loaded") {
  MemFileSystem fs;
  Toy toy;
  Snapshotter snap(fs, "/data", toy.registry);
  REQUIRE(snap.Save("p").ok());
  SectionRegistry only_kv;  // an earlier stage: knows "kv" but not "lease"
  std::string got;
  REQUIRE(only_kv
              .Register(
                  "kv", [](std::string*) { return Status::OK(); },
                  [&](std::string_view d) {
                    got = d;
                    return Status::OK();
                  })
              .ok());
  auto r = Snapshotter(fs, "/data", only_kv).LoadNewest();
  CHECK(r.status().IsInvalidArgument());
  CHECK(r.status().message().find("'lease'") != std::string::npos);

  SectionRegistry more;  // a later stage: "raft" is registered but absent from the file
  bool raft_called = false;
  for (const char* name : {"kv", "lease"}) {
    REQUIRE(more.Register(
                    name, [](std::string*) { return Status::OK(); },
                    [](std::string_view) { return Status::OK(); })
                .ok());
  }
  REQUIRE(more.Register(
                  "raft", [](std::string*) { return Status::OK(); },
                  [&](std::string_view) {
                    raft_called = true;
                    return Status::OK();
                  })
              .ok());
  CHECK(Snapshotter(fs, "/data", more).LoadNewest().ok());
  CHECK(!raft_called);
}

TEST_CASE("snapshot: the registry refuses bad names and a second writer for a name") {
  SectionRegistry r;
  auto w = [](std::string*) { return Status::OK(); };
  auto l = [](std::string_view) { return Status::OK(); };
  CHECK(r.Register("kv", w, l).ok());
  CHECK(r.Register("kv", w, l).code() == Status::Code::kAlreadyExists);
  CHECK(r.Register("Bad Name", w, l).IsInvalidArgument());
  CHECK(r.Register("x", nullptr, l).IsInvalidArgument());
}

TEST_CASE("snapshot: only the newest `keep` snapshots stay; a leftover temp file is removed") {
  MemFileSystem fs;
  Toy toy;
  Snapshotter snap(fs, "/data", toy.registry, {.keep = 2});
  for (int i = 0; i < 5; ++i) REQUIRE(snap.Save("p" + std::to_string(i)).ok());
  CHECK(Names(fs, "/data/member/snap") ==
        std::vector<std::string>{"0000000000000004.snap", "0000000000000005.snap"});
  auto tmp = fs.NewWritableFile("/data/member/snap/0000000000000006.snap.tmp");
  REQUIRE((*tmp)->Append("half a snapshot").ok());
  auto loaded = snap.LoadNewest();
  REQUIRE(loaded.ok());
  CHECK(loaded->position == "p4");
  CHECK(Names(fs, "/data/member/snap").size() == 2);
  CHECK(snap.Save("p5")->seq == 6);  // names are never reused
}

TEST_CASE("snapshot: a failed fsync or a full disk fails the save and leaves no snapshot") {
  MemFileSystem fs;
  Toy toy;
  Snapshotter snap(fs, "/data", toy.registry);
  REQUIRE(snap.Save("first").ok());
  fs.FailNextSyncs(1);
  auto r = snap.Save("second");
  CHECK(r.status().IsIOError());
  fs.SetCapacity(10);
  CHECK(snap.Save("third").status().IsNoSpace());
  fs.SetCapacity(MemFileSystem::kUnlimited);
  CHECK(Names(fs, "/data/member/snap") == std::vector<std::string>{"0000000000000001.snap"});
  CHECK(snap.LoadNewest()->position == "first");
}

TEST_CASE("snapshot posix: save and load in a real directory under /tmp") {
  char tmpl[] = "/tmp/myetcd-snap-XXXXXX";
  REQUIRE(mkdtemp(tmpl) != nullptr);
  Toy toy;
  toy.kv = std::string(1 << 20, 'v');
  Snapshotter snap(*PosixFileSystem(), tmpl, toy.registry);
  REQUIRE(snap.Save("disk").ok());
  Toy fresh;
  auto loaded = Snapshotter(*PosixFileSystem(), tmpl, fresh.registry).LoadNewest();
  REQUIRE(loaded.ok());
  CHECK(fresh.loaded["kv"] == toy.kv);
  std::filesystem::remove_all(tmpl);
}

TEST_CASE("snapshot: options are declared with ranges") {
  Options o;
  REQUIRE(DeclareSnapshotOptions(o).ok());
  CHECK(o.GetInt("snapshot-keep") == 2);
  CHECK(o.Set("snapshot-keep", "0").IsInvalidArgument());
  REQUIRE(o.Set("snapshot-keep", "3").ok());
  CHECK(SnapshotterOptionsFrom(o).keep == 3);
}

}  // namespace
}  // namespace myetcd::snap
