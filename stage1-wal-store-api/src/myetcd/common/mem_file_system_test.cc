// MemFileSystem: POSIX-like behaviour, injected faults, crash-state enumeration and the
// directory-fsync audit. The crash tests plant the bug they guard against (a missing Sync,
// a missing SyncDir) and check that the check goes red.
#include <doctest/doctest.h>

#include <map>
#include <set>
#include <string>
#include <vector>

#include "myetcd/common/mem_file_system.h"

namespace myetcd {
namespace {

std::unique_ptr<WritableFile> Open(MemFileSystem& fs, const std::string& path) {
  auto file = fs.NewWritableFile(path);
  REQUIRE_MESSAGE(file.ok(), file.status().ToString());
  return std::move(file).value();
}

// "absent" or the file's content, for comparing crash states.
std::string Content(MemFileSystem& fs, const std::string& path) {
  if (!fs.FileExists(path)) return "absent";
  auto content = fs.ReadFileToString(path);
  REQUIRE(content.ok());
  return *content;
}

// Writes /a: 1024 synced bytes (name synced too), an ack, then 100 unsynced bytes.
void TinyWorkload(MemFileSystem& fs) {
  auto f = Open(fs, "/a");
  REQUIRE(f->Append(std::string(1024, 'A')).ok());
  REQUIRE(f->Sync().ok());
  REQUIRE(fs.SyncDir("/").ok());
  fs.Mark("ack 1");
  REQUIRE(f->Append(std::string(100, 'B')).ok());
}

// Short names for the contents TinyWorkload can leave in /a.
std::string Code(const std::string& content) {
  if (content == "absent" || content.empty()) return content.empty() ? "empty" : content;
  std::string out;
  for (size_t i = 0; i < content.size();) {
    size_t j = content.find_first_not_of(content[i], i);
    if (j == std::string::npos) j = content.size();
    out += content[i] + std::to_string(j - i);
    i = j;
  }
  return out;
}

TEST_CASE("mem: behaves like POSIX: a parent directory is needed, ListDir is sorted") {
  MemFileSystem fs;
  CHECK(fs.NewWritableFile("/d/f").status().IsNotFound());
  REQUIRE(fs.CreateDir("/d").ok());
  REQUIRE(fs.CreateDir("/d").ok());
  Open(fs, "/d/b");
  Open(fs, "/d/a");
  REQUIRE(fs.CreateDir("/d/sub").ok());
  CHECK(*fs.ListDir("/d") == std::vector<std::string>{"a", "b", "sub"});
  CHECK(*fs.ListDir("/") == std::vector<std::string>{"d"});
  CHECK(fs.RemoveFile("/d/missing").IsNotFound());
  CHECK(!fs.RemoveFile("/d/sub").ok());
}

TEST_CASE("mem: rename replaces the target; readers see appended bytes before any sync") {
  MemFileSystem fs;
  auto a = Open(fs, "/a");
  REQUIRE(a->Append("new").ok());
  auto b = Open(fs, "/b");
  REQUIRE(b->Append("old").ok());
  auto reader = fs.NewReadableFile("/a");
  REQUIRE(reader.ok());
  REQUIRE(fs.RenameFile("/a", "/b").ok());
  CHECK(Content(fs, "/b") == "new");
  CHECK(!fs.FileExists("/a"));
  REQUIRE(a->Append("er").ok());  // the open file follows its inode
  std::string out;
  REQUIRE((*reader)->ReadAt(1, 10, &out).ok());
  CHECK(out == "ewer");
  REQUIRE(fs.Truncate("/b", 2).ok());
  CHECK(Content(fs, "/b") == "ne");
  CHECK(a->Size() == 2);
}

TEST_CASE("mem: LockFile excludes a second holder until the first is released") {
  MemFileSystem fs;
  auto first = fs.LockFile("/LOCK");
  REQUIRE(first.ok());
  CHECK(!fs.LockFile("/LOCK").ok());
  first->reset();
  CHECK(fs.LockFile("/LOCK").ok());
}

TEST_CASE("mem fault: an Append beyond the capacity fails with NoSpace and writes nothing") {
  MemFileSystem fs;
  fs.SetCapacity(10);
  auto f = Open(fs, "/f");
  REQUIRE(f->Append("12345678").ok());
  Status s = f->Append("abc");
  CHECK(s.IsNoSpace());
  CHECK(Content(fs, "/f") == "12345678");
  CHECK(f->Append("ab").ok());  // exactly full is fine
  fs.SetCapacity(MemFileSystem::kUnlimited);
  CHECK(f->Append("more").ok());
}

TEST_CASE("mem fault: a failed Sync covers nothing, so a crash loses those bytes") {
  MemFileSystem fs;
  auto f = Open(fs, "/f");
  REQUIRE(fs.SyncDir("/").ok());
  REQUIRE(f->Append("data").ok());
  fs.FailNextSyncs(1);
  CHECK(f->Sync().IsIOError());
  CHECK(Content(fs, "/f") == "data");  // still readable, like the page cache
  CHECK(Content(*fs.CrashNow(), "/f") == "");
  REQUIRE(f->Sync().ok());  // only the next one failed
  CHECK(Content(*fs.CrashNow(), "/f") == "data");

  fs.FailNextDirSyncs(1);
  Open(fs, "/g");
  CHECK(fs.SyncDir("/").IsIOError());
  CHECK(!fs.CrashNow()->FileExists("/g"));
}

TEST_CASE("mem fault: a torn Append keeps only its first bytes and fails") {
  MemFileSystem fs;
  auto f = Open(fs, "/f");
  fs.TearNextAppend(3);
  CHECK(f->Append("hello").IsIOError());
  CHECK(Content(fs, "/f") == "hel");
  REQUIRE(f->Append("p").ok());  // only the next one tore
  CHECK(Content(fs, "/f") == "help");
}

TEST_CASE("trace: every mutating call is recorded on inode ids, with the test's marks") {
  MemFileSystem fs;
  TinyWorkload(fs);
  std::vector<std::string> ops;
  for (const FsOp& op : fs.Trace()) ops.push_back(op.ToString());
  CHECK(ops == std::vector<std::string>{"create /a (ino 1)", "write ino 1 @0 +1024", "sync ino 1",
                                        "syncdir /", "mark 'ack 1'", "write ino 1 @1024 +100"});
}

TEST_CASE("crash enumeration: the tiny workload yields exactly the hand-counted states") {
  MemFileSystem fs;
  TinyWorkload(fs);
  // By crash point (ops before the power went), the states of /a:
  //   0: absent                        1: absent | empty (the create survived)
  //   2: absent | empty | A1024 | A512 (the write torn at the 512-byte boundary)
  //   3: absent (data synced, name not) | A1024      4, 5: A1024 (all covered)
  //   6: A1024 | A1024+B100
  std::vector<std::string> seen;
  CrashOptions all;
  all.skip_duplicates = false;
  size_t n = fs.ForEachCrashState(all, [&](const CrashState& s, MemFileSystem& recovered) {
    seen.push_back(std::to_string(s.crash_point) + ":" + Code(Content(recovered, "/a")));
    CHECK(recovered.Trace().empty());
  });
  CHECK(n == 13);
  CHECK(seen == std::vector<std::string>{"0:absent", "1:absent", "1:empty", "2:absent", "2:empty",
                                         "2:A1024", "2:A512", "3:absent", "3:A1024", "4:A1024",
                                         "5:A1024", "6:A1024", "6:A1024B100"});

  // Without duplicates: absent, empty, A1024, A512, then A1024 and A1024B100 after the ack
  // (a state after a mark is not a duplicate of the same state before it).
  CHECK(fs.ForEachCrashState(CrashOptions{}, [](const CrashState&, MemFileSystem&) {}) == 6);
}

// A log of three records, each acknowledged after its Sync (unless the bug is planted).
// Returns how many (crash state, acknowledged record) pairs are missing after recovery.
size_t LostAcks(bool sync_before_ack, size_t* states) {
  MemFileSystem fs;
  REQUIRE(fs.CreateDir("/wal").ok());
  REQUIRE(fs.SyncDir("/").ok());
  auto log = Open(fs, "/wal/log");
  REQUIRE(fs.SyncDir("/wal").ok());
  std::map<std::string, std::string> acked;  // mark -> record
  for (int i = 1; i <= 3; ++i) {
    std::string rec = "record " + std::to_string(i) + std::string(300, '.') + "\n";
    REQUIRE(log->Append(rec).ok());
    if (sync_before_ack) REQUIRE(log->Sync().ok());
    fs.Mark("ack " + std::to_string(i));
    acked["ack " + std::to_string(i)] = rec;
  }
  size_t lost = 0;
  *states = fs.ForEachCrashState(CrashOptions{}, [&](const CrashState& s, MemFileSystem& r) {
    const std::string content = Content(r, "/wal/log");
    for (const std::string& mark : s.marks_before) {
      if (content.find(acked[mark]) == std::string::npos) ++lost;
    }
  });
  return lost;
}

TEST_CASE("crash enumeration: a write covered by Sync before its ack is in every crash state") {
  size_t states = 0;
  CHECK(LostAcks(/*sync_before_ack=*/true, &states) == 0);
  // Distinct states: nothing; /wal; /wal/log empty; record 1 (before and after its mark);
  // records 1-2, and 1 plus record 2 torn at offset 512; 1-2 after mark 2; 1-3 before and
  // after mark 3.
  CHECK(states == 10);
  // Planted bug: acknowledge before the Sync. The enumeration must find a lost ack.
  CHECK(LostAcks(/*sync_before_ack=*/false, &states) > 0);
}

// Writes /snap (durable), then a new version via /snap.tmp and a rename.
std::set<std::string> SnapshotsAtTheEnd(bool sync_dir_after_rename) {
  MemFileSystem fs;
  auto old = Open(fs, "/snap");
  REQUIRE(old->Append("OLD").ok());
  REQUIRE(old->Sync().ok());
  REQUIRE(fs.SyncDir("/").ok());
  auto tmp = Open(fs, "/snap.tmp");
  REQUIRE(tmp->Append("NEW").ok());
  REQUIRE(tmp->Sync().ok());
  REQUIRE(fs.RenameFile("/snap.tmp", "/snap").ok());
  if (sync_dir_after_rename) REQUIRE(fs.SyncDir("/").ok());
  CrashOptions at_end;
  at_end.crash_points = {fs.Trace().size()};
  std::set<std::string> snaps;
  fs.ForEachCrashState(
      at_end, [&](const CrashState&, MemFileSystem& r) { snaps.insert(Content(r, "/snap")); });
  return snaps;
}

TEST_CASE("crash enumeration: an unsynced rename is undone in some state and kept in another") {
  CHECK(SnapshotsAtTheEnd(/*sync_dir_after_rename=*/false) == std::set<std::string>{"OLD", "NEW"});
  CHECK(SnapshotsAtTheEnd(/*sync_dir_after_rename=*/true) == std::set<std::string>{"NEW"});
}

TEST_CASE("crash enumeration: limits draw the same deterministic sample for the same seed") {
  MemFileSystem fs;
  TinyWorkload(fs);
  auto describe = [&](CrashOptions opts) {
    std::vector<std::string> out;
    fs.ForEachCrashState(
        opts, [&](const CrashState& s, MemFileSystem&) { out.push_back(s.description); });
    return out;
  };
  CrashOptions few;
  few.max_states = 3;
  few.skip_duplicates = false;
  few.seed = 7;
  CHECK(describe(few).size() == 3);
  CHECK(describe(few) == describe(few));

  CrashOptions points;
  points.max_crash_points = 2;
  points.skip_duplicates = false;
  std::set<size_t> chosen;
  fs.ForEachCrashState(points,
                       [&](const CrashState& s, MemFileSystem&) { chosen.insert(s.crash_point); });
  CHECK(chosen.size() == 2);

  CrashOptions no_tears;
  no_tears.torn_writes = false;
  no_tears.skip_duplicates = false;
  CHECK(describe(no_tears).size() == 12);  // the A512 state is the only tear
}

TEST_CASE("CrashNow keeps exactly what was synced, and recovery can crash again") {
  MemFileSystem fs;
  TinyWorkload(fs);
  Open(fs, "/unsynced-name");
  std::unique_ptr<MemFileSystem> after = fs.CrashNow();
  CHECK(Content(*after, "/a") == std::string(1024, 'A'));
  CHECK(!after->FileExists("/unsynced-name"));
  CHECK(after->Trace().empty());

  // The recovered state is the base of the next trace.
  auto f = after->NewAppendableFile("/a");
  REQUIRE(f.ok());
  REQUIRE((*f)->Append("C").ok());
  CHECK(Content(*after->CrashNow(), "/a") == std::string(1024, 'A'));
  REQUIRE((*f)->Sync().ok());
  CHECK(Content(*after->CrashNow(), "/a") == std::string(1024, 'A') + "C");
}

// The snapshot pattern: temp file, Sync, rename, (SyncDir), then acknowledge.
std::vector<std::string> AuditSnapshot(bool sync_dir) {
  MemFileSystem fs;
  REQUIRE(fs.CreateDir("/d").ok());
  REQUIRE(fs.SyncDir("/").ok());
  auto tmp = Open(fs, "/d/a.tmp");
  REQUIRE(tmp->Append("snapshot").ok());
  REQUIRE(tmp->Sync().ok());
  REQUIRE(fs.RenameFile("/d/a.tmp", "/d/a.snap").ok());
  if (sync_dir) REQUIRE(fs.SyncDir("/d").ok());
  fs.Mark("ack 3");
  return fs.AuditDirSyncs();
}

TEST_CASE("audit: an entry acknowledged before SyncDir of its directory is a finding") {
  CHECK(AuditSnapshot(/*sync_dir=*/true).empty());
  // Planted bug: no SyncDir after the rename.
  CHECK(AuditSnapshot(/*sync_dir=*/false) ==
        std::vector<std::string>{
            "create a.tmp in /d not followed by SyncDir(/d) before mark 'ack 3' (op 2)",
            "rename a.tmp -> a.snap in /d not followed by SyncDir(/d) before mark 'ack 3' (op 5)"});
}

TEST_CASE("audit: an entry never synced is a finding at the end of the trace") {
  MemFileSystem fs;
  REQUIRE(fs.CreateDir("/d").ok());
  CHECK(fs.AuditDirSyncs() ==
        std::vector<std::string>{"mkdir d in / not followed by SyncDir(/) before the end of the "
                                 "trace (op 0)"});
  REQUIRE(fs.SyncDir("/").ok());
  CHECK(fs.AuditDirSyncs().empty());
}

}  // namespace
}  // namespace myetcd
