#pragma once

// One runner per case. Several runners may advance the cases of one state database at once:
// the threads of `cairn serve` (request workers and the background resume loop) and other
// processes (`cairn case start`, `cairn case decide`, `cairn case resume`). Two runners on one
// case would run its queries twice and race to record the same step, decision or delivery, so
// a runner holds the case's lock while it advances the case or delivers its actions, and
// Resume() passes over a case that another runner holds.
//
// The lock of case N is an open-file-description lock (Linux F_OFD_SETLK) on byte N of a file
// beside the state database ("<state file>.case-locks", empty). The kernel drops it when its
// holder closes the file or dies, SIGKILL included, so a crashed runner never leaves a case
// locked and no lease or heartbeat is needed. Such a lock belongs to an open file, not to a
// process: two CaseLocks in one process (one per thread) exclude each other as two processes
// do. A private in-memory state database (":memory:") has no file and no other runner; every
// lock is granted.
//
// Module-private. Thread-safety: one thread at a time (as the Workflows that owns it).

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <set>

#include "core/status.h"

namespace cairn::workflow::internal {

class CaseLocks {
 public:
  // Opens (creating if needed) the lock file of the state database at `state_path`.
  // Unavailable if it cannot be opened.
  static Result<std::unique_ptr<CaseLocks>> Open(const std::filesystem::path& state_path);
  ~CaseLocks();
  CaseLocks(const CaseLocks&) = delete;
  CaseLocks& operator=(const CaseLocks&) = delete;

  // A held lock; released when destroyed.
  class Held {
   public:
    Held(Held&& other) noexcept : owner_(other.owner_), id_(other.id_) { other.owner_ = nullptr; }
    Held& operator=(Held&&) = delete;
    Held(const Held&) = delete;
    ~Held();

   private:
    friend class CaseLocks;
    Held(CaseLocks* owner, int64_t id) : owner_(owner), id_(id) {}
    CaseLocks* owner_;
    int64_t id_;
  };

  // The lock of case `id`, or nullopt when another runner holds it. Internal if this object
  // already holds it (a nested lock would be released by the inner holder).
  Result<std::optional<Held>> TryLock(int64_t id);
  // Waits up to `timeout` for the lock; nullopt if it is still held by then.
  Result<std::optional<Held>> Lock(int64_t id, std::chrono::milliseconds timeout);

 private:
  explicit CaseLocks(int fd) : fd_(fd) {}
  void Release(int64_t id);

  int fd_;  // -1: no file, every lock is granted
  std::set<int64_t> held_;
};

}  // namespace cairn::workflow::internal
