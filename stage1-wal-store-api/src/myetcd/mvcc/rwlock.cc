#include "myetcd/mvcc/rwlock.h"

namespace myetcd::mvcc {

void RwLock::lock() {
  std::unique_lock<std::mutex> l(mu_);
  ++waiting_writers_;
  writers_cv_.wait(l, [&] { return !writer_active_ && active_readers_ == 0; });
  --waiting_writers_;
  writer_active_ = true;
}

bool RwLock::try_lock() {
  std::lock_guard<std::mutex> l(mu_);
  if (writer_active_ || active_readers_ > 0) return false;
  writer_active_ = true;
  return true;
}

void RwLock::unlock() {
  {
    std::lock_guard<std::mutex> l(mu_);
    writer_active_ = false;
    // Writers first: a waiting writer goes next; readers wake only when none waits.
    if (waiting_writers_ > 0) {
      writers_cv_.notify_one();
      return;
    }
  }
  readers_cv_.notify_all();
}

void RwLock::lock_shared() {
  std::unique_lock<std::mutex> l(mu_);
  ++waiting_readers_;
  // The writer preference: a new reader also waits while a writer is only *waiting*.
  readers_cv_.wait(l, [&] { return !writer_active_ && waiting_writers_ == 0; });
  --waiting_readers_;
  ++active_readers_;
}

bool RwLock::try_lock_shared() {
  std::lock_guard<std::mutex> l(mu_);
  if (writer_active_ || waiting_writers_ > 0) return false;
  ++active_readers_;
  return true;
}

void RwLock::unlock_shared() {
  bool wake_writer;
  {
    std::lock_guard<std::mutex> l(mu_);
    wake_writer = --active_readers_ == 0 && waiting_writers_ > 0;
  }
  if (wake_writer) writers_cv_.notify_one();
}

int RwLock::waiting_writers() const {
  std::lock_guard<std::mutex> l(mu_);
  return waiting_writers_;
}

int RwLock::waiting_readers() const {
  std::lock_guard<std::mutex> l(mu_);
  return waiting_readers_;
}

}  // namespace myetcd::mvcc
