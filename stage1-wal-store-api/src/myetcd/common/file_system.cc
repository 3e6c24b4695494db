// The parts of the FileSystem seam every implementation shares: whole-file reads, path
// helpers, and the choice of the process-wide file system (POSIX, or power-cut mode when
// MYETCD_POWERCUT names a root directory).
#include "myetcd/common/file_system.h"

#include <sys/stat.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>

#include "myetcd/common/logging.h"
#include "myetcd/common/power_cut_file_system.h"

namespace myetcd {

Result<std::string> FileSystem::ReadFileToString(const std::string& path) {
  MYETCD_ASSIGN_OR_RETURN(std::unique_ptr<ReadableFile> file, NewReadableFile(path));
  MYETCD_ASSIGN_OR_RETURN(uint64_t size, file->Size());
  std::string out;
  MYETCD_RETURN_IF_ERROR(file->ReadAt(0, static_cast<size_t>(size), &out));
  // A file that grows while we read it is read up to the size we saw, never past it.
  return out;
}

std::string JoinPath(std::string_view dir, std::string_view name) {
  while (dir.size() > 1 && dir.back() == '/') dir.remove_suffix(1);
  while (!name.empty() && name.front() == '/') name.remove_prefix(1);
  if (dir.empty()) return std::string(name);
  if (name.empty()) return std::string(dir);
  std::string out(dir);
  if (out.back() != '/') out += '/';
  out += name;
  return out;
}

// Trailing slashes do not make a new path part ("a/b/" is "a/b"), as in dirname(1).
static std::string_view StripTrailingSlashes(std::string_view path) {
  while (path.size() > 1 && path.back() == '/') path.remove_suffix(1);
  return path;
}

std::string DirName(std::string_view path) {
  path = StripTrailingSlashes(path);
  size_t slash = path.rfind('/');
  if (slash == std::string_view::npos) return ".";
  if (slash == 0) return "/";
  return std::string(StripTrailingSlashes(path.substr(0, slash)));
}

std::string BaseName(std::string_view path) {
  path = StripTrailingSlashes(path);
  if (path == "/") return "/";
  size_t slash = path.rfind('/');
  return std::string(slash == std::string_view::npos ? path : path.substr(slash + 1));
}

// Power-cut mode is a test switch: if it was asked for and cannot be honoured, we stop
// instead of falling back to plain POSIX, which would make a durability test pass for the
// wrong reason.
static FileSystem* MakeDefault() {
  const char* root = std::getenv("MYETCD_POWERCUT");
  if (root == nullptr || root[0] == '\0') return PosixFileSystem();
  if (::mkdir(root, 0755) != 0 && errno != EEXIST) {
    std::fprintf(stderr, "MYETCD_POWERCUT=%s: cannot create the root directory\n", root);
    std::abort();
  }
  Result<std::unique_ptr<PowerCutFileSystem>> fs = PowerCutFileSystem::Open(root);
  if (!fs.ok()) {
    std::fprintf(stderr, "MYETCD_POWERCUT=%s: %s\n", root, fs.status().ToString().c_str());
    std::abort();
  }
  Logger("fs")->warn(
      "power-cut mode is on under {}: unsynced bytes and un-fsynced directory entries are "
      "lost when this process dies",
      root);
  return fs->release();  // never destroyed, like the POSIX one
}

FileSystem* FileSystem::Default() {
  static FileSystem* fs = MakeDefault();
  return fs;
}

}  // namespace myetcd
