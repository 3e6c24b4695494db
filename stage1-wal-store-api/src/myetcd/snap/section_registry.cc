#include "myetcd/snap/section_registry.h"

namespace myetcd::snap {

Status SectionRegistry::Register(std::string name, SectionWriter writer, SectionLoader loader) {
  bool ok = !name.empty() && name.size() <= 64;
  for (char c : name) {
    ok = ok && ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-');
  }
  if (!ok) return Status::InvalidArgument("snapshot section name '" + name + "': use [a-z0-9_-]");
  if (!writer || !loader) {
    return Status::InvalidArgument("snapshot section '" + name + "' needs a writer and a loader");
  }
  if (Find(name)) return Status::AlreadyExists("snapshot section '" + name + "' is registered");
  entries_.push_back({std::move(name), std::move(writer), std::move(loader)});
  return Status::OK();
}

const SectionRegistry::Entry* SectionRegistry::Find(std::string_view name) const {
  for (const Entry& e : entries_) {
    if (e.name == name) return &e;
  }
  return nullptr;
}

}  // namespace myetcd::snap
