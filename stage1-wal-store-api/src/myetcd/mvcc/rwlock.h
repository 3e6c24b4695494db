// RwLock: a writer-preferring reader-writer lock (ARCHITECTURE §7).
//
// Why not std::shared_mutex: on glibc it is a pthread rwlock, which by default prefers
// readers. Under a steady flood of GETs some reader always holds the lock, and the single
// applier thread waiting for it starves: writes stop while reads go on. Here a writer that
// is waiting blocks new readers, so it gets the lock as soon as the readers already inside
// leave. (Readers can starve under a flood of writers instead; the store has one writer,
// the applier, whose critical sections are short.)
//
// A mutex and two condition variables: the cost of an uncontended shared acquisition is
// one mutex lock and unlock, tens of nanoseconds, small next to a hash lookup. Not
// recursive: a thread must not take it twice in any mode.
//
// Satisfies the standard Lockable and SharedLockable requirements, so std::unique_lock
// and std::shared_lock work. Thread-safety: that is its purpose.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <mutex>

namespace myetcd::mvcc {

class RwLock {
 public:
  RwLock() = default;
  RwLock(const RwLock&) = delete;
  RwLock& operator=(const RwLock&) = delete;

  void lock();
  bool try_lock();
  void unlock();

  void lock_shared();
  bool try_lock_shared();
  void unlock_shared();

  // For tests, which must observe "a writer is waiting" without sleeping.
  int waiting_writers() const;
  int waiting_readers() const;

 private:
  mutable std::mutex mu_;
  std::condition_variable readers_cv_;
  std::condition_variable writers_cv_;
  int active_readers_ = 0;
  int waiting_readers_ = 0;
  int waiting_writers_ = 0;
  bool writer_active_ = false;
};

}  // namespace myetcd::mvcc
