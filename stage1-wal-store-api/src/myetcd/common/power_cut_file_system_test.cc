// Power-cut mode. The first tests run a real process (powercut_probe) with MYETCD_POWERCUT
// set, kill it with SIGKILL once it says "ready", and open the root again as the next server
// would: what the probe did not make durable must be gone. The later tests drive
// PowerCutFileSystem in this process; destroying the object is then the power cut.
#include <doctest/doctest.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstring>
#include <filesystem>
#include <string>
#include <vector>

#include "myetcd/common/file_system.h"
#include "myetcd/common/power_cut_file_system.h"

extern char** environ;

namespace myetcd {
namespace {

struct TempDir {
  TempDir() {
    char tmpl[] = "/tmp/myetcd-powercut-XXXXXX";
    REQUIRE(::mkdtemp(tmpl) != nullptr);
    path = tmpl;
  }
  ~TempDir() { std::filesystem::remove_all(path); }
  std::string operator/(const std::string& name) const { return JoinPath(path, name); }
  std::string path;
};

// Runs powercut_probe on `steps` in power-cut mode under root, waits for its "ready" line
// (a blocking read on a pipe, no sleeping), then kills it with SIGKILL.
void RunProbeThenKill(const std::string& root, const std::vector<std::string>& steps) {
  int to_child[2], from_child[2];
  REQUIRE(::pipe2(to_child, O_CLOEXEC) == 0);
  REQUIRE(::pipe2(from_child, O_CLOEXEC) == 0);
  posix_spawn_file_actions_t actions;
  ::posix_spawn_file_actions_init(&actions);
  ::posix_spawn_file_actions_adddup2(&actions, to_child[0], STDIN_FILENO);
  ::posix_spawn_file_actions_adddup2(&actions, from_child[1], STDOUT_FILENO);

  std::vector<std::string> args{MYETCD_POWERCUT_PROBE};
  args.insert(args.end(), steps.begin(), steps.end());
  std::vector<std::string> env{"MYETCD_POWERCUT=" + root};
  for (char** e = environ; *e != nullptr; ++e) {
    if (std::strncmp(*e, "MYETCD_POWERCUT=", 16) != 0) env.emplace_back(*e);
  }
  auto pointers = [](std::vector<std::string>& v) {
    std::vector<char*> p;
    for (std::string& s : v) p.push_back(s.data());
    p.push_back(nullptr);
    return p;
  };
  std::vector<char*> argv = pointers(args), envp = pointers(env);
  pid_t pid;
  const int err =
      ::posix_spawn(&pid, MYETCD_POWERCUT_PROBE, &actions, nullptr, argv.data(), envp.data());
  ::posix_spawn_file_actions_destroy(&actions);
  ::close(to_child[0]);
  ::close(from_child[1]);
  REQUIRE(err == 0);

  std::string line;
  char c;
  while (::read(from_child[0], &c, 1) == 1 && c != '\n') line += c;
  ::kill(pid, SIGKILL);
  int status = 0;
  REQUIRE(::waitpid(pid, &status, 0) == pid);
  ::close(to_child[1]);
  ::close(from_child[0]);
  REQUIRE_MESSAGE(line == "ready", "probe said: " << line);
  CHECK(WIFSIGNALED(status));
  CHECK(WTERMSIG(status) == SIGKILL);
}

// Opens the root as the next process would, which rolls back what was not made durable.
std::unique_ptr<PowerCutFileSystem> Reopen(const std::string& root) {
  auto fs = PowerCutFileSystem::Open(root);
  REQUIRE_MESSAGE(fs.ok(), fs.status().ToString());
  return std::move(fs).value();
}

std::string Read(FileSystem& fs, const std::string& path) {
  auto content = fs.ReadFileToString(path);
  REQUIRE_MESSAGE(content.ok(), content.status().ToString());
  return *content;
}

// Names on disk, hidden ones included (the power-cut file system filters them).
std::vector<std::string> DiskNames(const std::string& dir) {
  auto names = PosixFileSystem()->ListDir(dir);
  REQUIRE(names.ok());
  return *names;
}

TEST_CASE("power cut: bytes appended but not synced are gone after kill -9") {
  TempDir root;
  RunProbeThenKill(root.path, {"write " + (root / "f") + " hello", "sync " + (root / "f"),
                               "syncdir " + root.path, "append " + (root / "f") + " world"});
  auto fs = Reopen(root.path);
  CHECK(Read(*fs, root / "f") == "hello");
}

TEST_CASE("power cut: a sync killed between its write and its fdatasync is rolled back") {
  TempDir root;
  RunProbeThenKill(root.path, {"write " + (root / "f") + " hello", "sync " + (root / "f"),
                               "syncdir " + root.path, "append " + (root / "f") + " world",
                               "sync-killed " + (root / "f")});
  // The probe died inside Sync(), after its pwrite: the page cache kept the bytes...
  auto disk = PosixFileSystem()->FileSize(root / "f");
  REQUIRE(disk.ok());
  REQUIRE_MESSAGE(*disk == 10, "the kill should land after the write of 'world'");
  // ...but the fdatasync never returned, so a power cut could have lost them.
  auto fs = Reopen(root.path);
  CHECK_MESSAGE(Read(*fs, root / "f") == "hello",
                "Open() should cut the file back to its size before the interrupted Sync()");
  CHECK(fs->syncs_cut() == 1);
  // A sync that returned is kept, and the cut itself is durable: a second reopen agrees.
  fs.reset();
  CHECK(Read(*Reopen(root.path), root / "f") == "hello");
}

TEST_CASE("power cut: a created file whose directory was not synced is gone after kill -9") {
  TempDir root;
  RunProbeThenKill(root.path, {"write " + (root / "kept") + " a", "sync " + (root / "kept"),
                               "syncdir " + root.path,
                               // Synced bytes do not make the name durable.
                               "write " + (root / "lost") + " b", "sync " + (root / "lost")});
  auto fs = Reopen(root.path);
  CHECK(Read(*fs, root / "kept") == "a");
  CHECK(!fs->FileExists(root / "lost"));
  CHECK(fs->rolled_back() == 1);
}

TEST_CASE("power cut: a rename without a directory sync is undone, one with it stays") {
  TempDir root;
  std::vector<std::string> steps;
  for (std::string name : {"a", "b"}) {
    steps.push_back("write " + (root / name) + " OLD");
    steps.push_back("sync " + (root / name));
    steps.push_back("write " + (root / name) + ".tmp NEW");
    steps.push_back("sync " + (root / name) + ".tmp");
  }
  steps.push_back("syncdir " + root.path);
  steps.push_back("rename " + (root / "b.tmp") + " " + (root / "b"));
  steps.push_back("syncdir " + root.path);
  steps.push_back("rename " + (root / "a.tmp") + " " + (root / "a"));  // no syncdir
  RunProbeThenKill(root.path, steps);

  auto fs = Reopen(root.path);
  CHECK(Read(*fs, root / "a") == "OLD");  // the replaced file is back
  CHECK(Read(*fs, root / "a.tmp") == "NEW");
  CHECK(Read(*fs, root / "b") == "NEW");
  CHECK(!fs->FileExists(root / "b.tmp"));
}

TEST_CASE("power cut: an unsynced remove is undone and an unsynced mkdir vanishes") {
  TempDir root;
  RunProbeThenKill(
      root.path,
      {"write " + (root / "x") + " keep me", "sync " + (root / "x"), "mkdir " + (root / "made"),
       "syncdir " + root.path, "write " + (root / "made/inner") + " i",
       "sync " + (root / "made/inner"), "syncdir " + (root / "made"), "remove " + (root / "x"),
       "mkdir " + (root / "gone"), "write " + (root / "gone/f") + " g", "sync " + (root / "gone/f"),
       "syncdir " + (root / "gone")});
  auto fs = Reopen(root.path);
  CHECK(Read(*fs, root / "x") == "keep me");
  CHECK(Read(*fs, root / "made/inner") == "i");
  // gone/ was made and filled durably inside, but its own entry was never synced.
  CHECK(!fs->FileExists(root / "gone"));
}

TEST_CASE("power cut: ListDir never shows hidden names, and none are left after reopening") {
  TempDir root;
  RunProbeThenKill(root.path, {"write " + (root / "a") + " 1", "write " + (root / "b") + " 2",
                               "write " + (root / "c") + " 3", "syncdir " + root.path,
                               "rename " + (root / "a") + " " + (root / "b"),  // keeps the old b
                               "remove " + (root / "c")});                     // keeps c
  {
    // The probe's keep files are on disk until the next Open() rolls back.
    int hidden = 0;
    for (const std::string& n : DiskNames(root.path)) hidden += n.starts_with(".powercut-keep-");
    CHECK(hidden == 2);
  }
  auto fs = Reopen(root.path);
  CHECK(*fs->ListDir(root.path) == std::vector<std::string>{"a", "b", "c"});
  CHECK(DiskNames(root.path) ==
        std::vector<std::string>{".powercut-journal", ".powercut-syncs", "a", "b", "c"});
  // Unsynced bytes are gone, the names are back.
  CHECK(Read(*fs, root / "b").empty());
}

TEST_CASE("power cut: readers in the same process see unsynced bytes, like the page cache") {
  TempDir root;
  {
    auto fs = Reopen(root.path);
    auto creator = fs->NewAppendableFile(root / "f");
    REQUIRE(creator.ok());
    auto reader = fs->NewReadableFile(root / "f");  // opened before the appends below
    REQUIRE(reader.ok());
    auto file = fs->NewAppendableFile(root / "f");
    REQUIRE(file.ok());
    REQUIRE((*file)->Append("synced|").ok());
    REQUIRE((*file)->Sync().ok());
    REQUIRE((*file)->Append("pending").ok());
    REQUIRE(fs->SyncDir(root.path).ok());

    CHECK(Read(*fs, root / "f") == "synced|pending");
    CHECK(*fs->FileSize(root / "f") == 14);
    std::string out;
    REQUIRE((*reader)->ReadAt(4, 6, &out).ok());  // across the synced/pending boundary
    CHECK(out == "ed|pen");
    CHECK(*(*reader)->Size() == 14);
    // The disk holds only what was synced.
    CHECK(*PosixFileSystem()->ReadFileToString(root / "f") == "synced|");

    // A closed file's pending bytes stay visible; another writer may sync them.
    REQUIRE((*file)->Close().ok());
    CHECK(Read(*fs, root / "f") == "synced|pending");
  }  // power cut
  auto fs = Reopen(root.path);
  CHECK(Read(*fs, root / "f") == "synced|");
}

TEST_CASE("power cut: files outliving their file system fail instead of writing after the cut") {
  TempDir root;
  std::unique_ptr<WritableFile> file;
  {
    auto fs = Reopen(root.path);
    file = std::move(fs->NewWritableFile(root / "f")).value();
    REQUIRE(file->Append("late").ok());
  }
  CHECK(!file->Sync().ok());
  CHECK(!file->Append("more").ok());
}

TEST_CASE("power cut: Truncate is durable on return, unsynced bytes below the cut included") {
  TempDir root;
  {
    auto fs = Reopen(root.path);
    auto file = fs->NewWritableFile(root / "f");
    REQUIRE(file.ok());
    REQUIRE((*file)->Append("0123").ok());
    REQUIRE((*file)->Sync().ok());
    REQUIRE((*file)->Append("456789").ok());
    REQUIRE(fs->SyncDir(root.path).ok());
    REQUIRE(fs->Truncate(root / "f", 6).ok());
    CHECK(Read(*fs, root / "f") == "012345");
    REQUIRE((*file)->Append("xy").ok());  // appends continue at the new end, unsynced
    CHECK(Read(*fs, root / "f") == "012345xy");
  }
  auto fs = Reopen(root.path);
  CHECK(Read(*fs, root / "f") == "012345");
}

TEST_CASE("power cut: a root is held by one file system at a time") {
  TempDir root;
  auto first = Reopen(root.path);
  auto second = PowerCutFileSystem::Open(root.path);
  CHECK(!second.ok());
  first.reset();
  CHECK(PowerCutFileSystem::Open(root.path).ok());
}

TEST_CASE("power cut: paths outside the root pass straight through to POSIX") {
  TempDir root, outside;
  {
    auto fs = Reopen(root.path);
    auto file = fs->NewWritableFile(outside / "f");
    REQUIRE(file.ok());
    REQUIRE((*file)->Append("direct").ok());  // not synced, but POSIX has it already
    REQUIRE(fs->RenameFile(outside / "f", outside / "g").ok());
  }
  CHECK(*PosixFileSystem()->ReadFileToString(outside / "g") == "direct");
  auto fs = Reopen(root.path);
  CHECK(!fs->RenameFile(outside / "g", root / "g").ok());     // across the root: refused
  CHECK(!fs->NewWritableFile(root / ".powercut-mine").ok());  // the mode's own names
}

TEST_CASE("power cut: SyncDir makes a rename durable for good and removes the kept file") {
  TempDir root;
  {
    auto fs = Reopen(root.path);
    for (const char* name : {"a", "b"}) {
      auto file = fs->NewWritableFile(root / name);
      REQUIRE(file.ok());
      REQUIRE((*file)->Append(name).ok());
      REQUIRE((*file)->Sync().ok());
    }
    REQUIRE(fs->SyncDir(root.path).ok());
    REQUIRE(fs->RenameFile(root / "a", root / "b").ok());
    CHECK(DiskNames(root.path).size() == 4);  // journal, sync slots, b, and the kept old b
    REQUIRE(fs->SyncDir(root.path).ok());
    CHECK(DiskNames(root.path) ==
          std::vector<std::string>{".powercut-journal", ".powercut-syncs", "b"});
    CHECK(Read(*fs, root / "b") == "a");
  }
  auto fs = Reopen(root.path);
  CHECK(fs->rolled_back() == 0);
  CHECK(Read(*fs, root / "b") == "a");
}

TEST_CASE("power cut: a torn last journal record is ignored, garbage in the journal is not") {
  TempDir root;
  Reopen(root.path).reset();
  const std::string journal = root / ".powercut-journal";
  {
    auto f = PosixFileSystem()->NewWritableFile(journal);
    REQUIRE((*f)->Append("create 30:" + root.path).ok());  // cut inside its field
  }
  CHECK(Reopen(root.path)->rolled_back() == 0);
  {
    auto f = PosixFileSystem()->NewWritableFile(journal);
    REQUIRE((*f)->Append("bogus 1:x\n").ok());
  }
  auto bad = PowerCutFileSystem::Open(root.path);
  REQUIRE(!bad.ok());
  CHECK(bad.status().IsCorruption());
}

// Writes a one-record journal by hand, as a process killed at a chosen instant left it.
void PlantRename(const std::string& root, const std::string& from, const std::string& to,
                 uint64_t ino, const std::string& keep) {
  auto field = [](const std::string& s) { return " " + std::to_string(s.size()) + ":" + s; };
  auto f = PosixFileSystem()->NewWritableFile(JoinPath(root, ".powercut-journal"));
  REQUIRE((*f)->Append("rename" + field(from) + field(to) + field(std::to_string(ino)) +
                       field(keep) + "\n")
              .ok());
}

uint64_t Ino(const std::string& path) {
  struct stat st;
  REQUIRE(::lstat(path.c_str(), &st) == 0);
  return st.st_ino;
}

TEST_CASE("power cut: rollback of a rename is right at every instant a kill can leave it") {
  TempDir root;
  const std::string from = root / "new", to = root / "cur", keep = root / ".powercut-keep-1-0";
  auto write = [](const std::string& path, const char* data) {
    auto f = PosixFileSystem()->NewWritableFile(path);
    REQUIRE((*f)->Append(data).ok());
  };
  Reopen(root.path).reset();  // create the journal

  SUBCASE("killed after linking the old target aside, before the rename") {
    write(from, "NEW");
    write(to, "OLD");
    REQUIRE(::link(to.c_str(), keep.c_str()) == 0);
    PlantRename(root.path, from, to, Ino(from), keep);
  }
  SUBCASE("killed after the rename") {
    write(from, "NEW");
    write(to, "OLD");
    const uint64_t ino = Ino(from);
    REQUIRE(::link(to.c_str(), keep.c_str()) == 0);
    REQUIRE(::rename(from.c_str(), to.c_str()) == 0);
    PlantRename(root.path, from, to, ino, keep);
  }
  SUBCASE("an earlier rollback killed between its two renames") {
    write(from, "NEW");
    write(keep, "OLD");
    PlantRename(root.path, from, to, Ino(from), keep);
  }
  auto fs = Reopen(root.path);
  CHECK(Read(*fs, from) == "NEW");
  CHECK(Read(*fs, to) == "OLD");
  CHECK(DiskNames(root.path) ==
        std::vector<std::string>{".powercut-journal", ".powercut-syncs", "cur", "new"});
}

}  // namespace
}  // namespace myetcd
