// powercut_probe: a real process for the power-cut tests (power_cut_file_system_test.cc).
// It runs a script of file operations through FileSystem::Default() -- power-cut mode, since
// the test sets MYETCD_POWERCUT -- prints "ready", and then blocks reading stdin until the
// test kills it with SIGKILL (or closes stdin, so it never outlives a crashed test).
//
// Each command-line argument is one step, "<op> <path> [<arg>]"; <arg> is the rest of it:
//   mkdir <dir>             write <file> <data>   (create or truncate, then append)
//   append <file> <data>    sync <file>           close <file>
//   rename <from> <to>      remove <file>         syncdir <dir>
//   truncate <file> <size>
//   sync-killed <file>      sync, but stop between its write and its fdatasync: print
//                           "ready" there and wait to be killed (must be the last step)
// A step that fails prints "error: <step>: <status>" and exits 1.
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <map>
#include <memory>
#include <string>

#include "myetcd/common/file_system.h"
#include "myetcd/common/power_cut_file_system.h"

namespace {

using myetcd::FileSystem;
using myetcd::PowerCutFileSystem;
using myetcd::Status;
using myetcd::WritableFile;

std::map<std::string, std::unique_ptr<WritableFile>> writers;  // open files, by path

// Says "ready" and blocks until the test kills us (or closes stdin: then exit, not outlive it).
void ReadyThenWait() {
  std::printf("ready\n");
  std::fflush(stdout);
  char c;
  while (::read(STDIN_FILENO, &c, 1) > 0) {
  }
}

Status Writer(FileSystem* fs, const std::string& path, bool truncate, WritableFile** out) {
  auto it = writers.find(path);
  if (truncate || it == writers.end()) {
    auto file = truncate ? fs->NewWritableFile(path) : fs->NewAppendableFile(path);
    if (!file.ok()) return file.status();
    it = writers.insert_or_assign(path, std::move(file).value()).first;
  }
  *out = it->second.get();
  return Status::OK();
}

Status Step(FileSystem* fs, const std::string& op, const std::string& path,
            const std::string& arg) {
  WritableFile* file = nullptr;
  if (op == "mkdir") return fs->CreateDir(path);
  if (op == "write" || op == "append") {
    MYETCD_RETURN_IF_ERROR(Writer(fs, path, op == "write", &file));
    return file->Append(arg);
  }
  if (op == "sync") {
    MYETCD_RETURN_IF_ERROR(Writer(fs, path, false, &file));
    return file->Sync();
  }
  if (op == "sync-killed") {
    auto* powercut = dynamic_cast<PowerCutFileSystem*>(fs);
    if (powercut == nullptr) return Status::InvalidArgument("sync-killed needs power-cut mode");
    MYETCD_RETURN_IF_ERROR(Writer(fs, path, false, &file));
    powercut->SetSyncPauseForTest([](const std::string&) {
      ReadyThenWait();
      std::_Exit(3);  // not killed: the test is gone
    });
    return file->Sync();
  }
  if (op == "close") {
    auto node = writers.extract(path);
    return node.empty() ? Status::OK() : node.mapped()->Close();
  }
  if (op == "rename") return fs->RenameFile(path, arg);
  if (op == "remove") return fs->RemoveFile(path);
  if (op == "syncdir") return fs->SyncDir(path);
  if (op == "truncate") return fs->Truncate(path, std::stoull(arg));
  return Status::InvalidArgument("unknown op " + op);
}

}  // namespace

int main(int argc, char** argv) {
  FileSystem* fs = FileSystem::Default();
  for (int i = 1; i < argc; ++i) {
    const std::string step = argv[i];
    const size_t a = step.find(' ');
    const size_t b = a == std::string::npos ? a : step.find(' ', a + 1);
    const std::string op = step.substr(0, a);
    const std::string path = a == std::string::npos ? "" : step.substr(a + 1, b - a - 1);
    const std::string arg = b == std::string::npos ? "" : step.substr(b + 1);
    Status s = Step(fs, op, path, arg);
    if (!s.ok()) {
      std::printf("error: %s: %s\n", step.c_str(), s.ToString().c_str());
      return 1;
    }
  }
  ReadyThenWait();
  return 0;
}
