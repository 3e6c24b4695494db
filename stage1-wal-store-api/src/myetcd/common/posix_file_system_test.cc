// The POSIX file system and the path helpers every implementation shares.
#include <doctest/doctest.h>
#include <stdlib.h>

#include <filesystem>
#include <string>

#include "myetcd/common/file_system.h"

namespace myetcd {
namespace {

// A fresh directory under /tmp (a real disk: fsync means something there), removed after.
struct TempDir {
  TempDir() {
    char tmpl[] = "/tmp/myetcd-posix-XXXXXX";
    REQUIRE(::mkdtemp(tmpl) != nullptr);
    path = tmpl;
  }
  ~TempDir() { std::filesystem::remove_all(path); }
  std::string operator/(const std::string& name) const { return JoinPath(path, name); }
  std::string path;
};

void WriteFile(FileSystem* fs, const std::string& path, std::string_view data) {
  auto file = fs->NewWritableFile(path);
  REQUIRE(file.ok());
  REQUIRE((*file)->Append(data).ok());
  REQUIRE((*file)->Sync().ok());
  REQUIRE((*file)->Close().ok());
}

TEST_CASE("paths: JoinPath puts exactly one slash between the parts") {
  CHECK(JoinPath("/d", "a") == "/d/a");
  CHECK(JoinPath("/d/", "/a") == "/d/a");
  CHECK(JoinPath("/", "a") == "/a");
  CHECK(JoinPath("", "a") == "a");
  CHECK(JoinPath("d", "") == "d");
}

TEST_CASE("paths: DirName and BaseName split like dirname(1) and basename(1)") {
  CHECK(DirName("/d/a") == "/d");
  CHECK(DirName("/d/a/") == "/d");
  CHECK(DirName("/a") == "/");
  CHECK(DirName("a") == ".");
  CHECK(DirName("/") == "/");
  CHECK(BaseName("/d/a") == "a");
  CHECK(BaseName("/d/a/") == "a");
  CHECK(BaseName("a") == "a");
  CHECK(BaseName("/") == "/");
}

TEST_CASE("posix: what is appended and synced reads back, appendable files continue at the end") {
  TempDir dir;
  FileSystem* fs = PosixFileSystem();
  WriteFile(fs, dir / "f", "hello");
  auto more = fs->NewAppendableFile(dir / "f");
  REQUIRE(more.ok());
  CHECK((*more)->Size() == 5);
  REQUIRE((*more)->Append(" world").ok());
  REQUIRE((*more)->Sync().ok());
  CHECK((*more)->Size() == 11);
  auto content = fs->ReadFileToString(dir / "f");
  REQUIRE(content.ok());
  CHECK(*content == "hello world");
  CHECK(*fs->FileSize(dir / "f") == 11);

  auto reader = fs->NewReadableFile(dir / "f");
  REQUIRE(reader.ok());
  std::string out;
  REQUIRE((*reader)->ReadAt(6, 100, &out).ok());
  CHECK(out == "world");  // fewer bytes at end of file
  REQUIRE((*reader)->ReadAt(50, 10, &out).ok());
  CHECK(out.empty());
}

TEST_CASE("posix: NewWritableFile truncates an existing file") {
  TempDir dir;
  FileSystem* fs = PosixFileSystem();
  WriteFile(fs, dir / "f", "long old content");
  WriteFile(fs, dir / "f", "new");
  CHECK(*fs->ReadFileToString(dir / "f") == "new");
}

TEST_CASE("posix: a missing file is NotFound, and errors name the path") {
  TempDir dir;
  FileSystem* fs = PosixFileSystem();
  auto r = fs->NewReadableFile(dir / "missing");
  REQUIRE(!r.ok());
  CHECK(r.status().IsNotFound());
  CHECK(r.status().message().find(dir / "missing") != std::string::npos);
  CHECK(fs->RemoveFile(dir / "missing").IsNotFound());
  CHECK(!fs->FileExists(dir / "missing"));
}

TEST_CASE("posix: ListDir gives sorted names; CreateDir is OK when the directory exists") {
  TempDir dir;
  FileSystem* fs = PosixFileSystem();
  REQUIRE(fs->CreateDir(dir / "sub").ok());
  REQUIRE(fs->CreateDir(dir / "sub").ok());
  WriteFile(fs, dir / "b", "");
  WriteFile(fs, dir / "a", "");
  auto names = fs->ListDir(dir.path);
  REQUIRE(names.ok());
  CHECK(*names == std::vector<std::string>{"a", "b", "sub"});
  CHECK(fs->SyncDir(dir.path).ok());
  CHECK(!fs->CreateDir(dir / "a").ok());  // a file has that name
}

TEST_CASE("posix: RenameFile replaces the target; RemoveFile removes") {
  TempDir dir;
  FileSystem* fs = PosixFileSystem();
  WriteFile(fs, dir / "a.tmp", "new");
  WriteFile(fs, dir / "a", "old");
  REQUIRE(fs->RenameFile(dir / "a.tmp", dir / "a").ok());
  CHECK(*fs->ReadFileToString(dir / "a") == "new");
  CHECK(!fs->FileExists(dir / "a.tmp"));
  REQUIRE(fs->RemoveFile(dir / "a").ok());
  CHECK(!fs->FileExists(dir / "a"));
}

TEST_CASE("posix: Truncate cuts a file to the given size") {
  TempDir dir;
  FileSystem* fs = PosixFileSystem();
  WriteFile(fs, dir / "f", "0123456789");
  REQUIRE(fs->Truncate(dir / "f", 4).ok());
  CHECK(*fs->ReadFileToString(dir / "f") == "0123");
  CHECK(fs->Truncate(dir / "missing", 0).IsNotFound());
}

TEST_CASE("posix: LockFile excludes a second holder until the first is released") {
  TempDir dir;
  FileSystem* fs = PosixFileSystem();
  auto first = fs->LockFile(dir / "LOCK");
  REQUIRE(first.ok());
  CHECK(fs->FileExists(dir / "LOCK"));
  auto second = fs->LockFile(dir / "LOCK");  // flock is per open file, so this conflicts
  CHECK(!second.ok());
  first->reset();
  CHECK(fs->LockFile(dir / "LOCK").ok());
}

TEST_CASE("posix: a closed writer refuses appends instead of writing to a reused fd") {
  TempDir dir;
  auto file = PosixFileSystem()->NewWritableFile(dir / "f");
  REQUIRE(file.ok());
  REQUIRE((*file)->Close().ok());
  CHECK(!(*file)->Append("x").ok());
}

TEST_CASE("Default() is the POSIX file system when MYETCD_POWERCUT is not set") {
  if (std::getenv("MYETCD_POWERCUT") != nullptr) return;  // a run in power-cut mode
  CHECK(FileSystem::Default() == PosixFileSystem());
}

}  // namespace
}  // namespace myetcd
