// SectionRegistry: who writes and who loads each named section of a snapshot.
//
// This is the seam that lets a later stage add its state to snapshots without editing the
// snapshot code (ARCHITECTURE §3): the MVCC store registers "kv", stage 2 adds "lease",
// stage 3 adds "raft", each from its own module, with its own encode and load functions.
//
//   registry.Register("kv", [&](std::string* out) { return store.EncodeSnapshot(out); },
//                           [&](std::string_view in) { return store.LoadSnapshot(in); });
//
// Writers run in registration order while a snapshot is saved; the caller makes sure the
// state they see is the state at the snapshot's position (e.g. by saving between two
// commit batches). Loaders run in file order once every checksum of the file is verified.
//
// Thread-safety: register everything at start-up on one thread; afterwards the registry is
// read-only and may be shared.
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "myetcd/common/status.h"

namespace myetcd::snap {

// Appends the section's bytes to *out.
using SectionWriter = std::function<Status(std::string* out)>;
// Restores state from the section's bytes (verified, but the loader still checks its own
// grammar: a bug in an older writer is possible).
using SectionLoader = std::function<Status(std::string_view data)>;

class SectionRegistry {
 public:
  struct Entry {
    std::string name;
    SectionWriter writer;
    SectionLoader loader;
  };

  // REQUIRES: name is 1..64 bytes of [a-z0-9_-] (else InvalidArgument); not yet registered
  // (else AlreadyExists).
  Status Register(std::string name, SectionWriter writer, SectionLoader loader);
  const Entry* Find(std::string_view name) const;
  const std::vector<Entry>& entries() const { return entries_; }

 private:
  std::vector<Entry> entries_;
};

}  // namespace myetcd::snap
