#pragma once

// One runner per case. Several runners may advance the cases of one state database at once:
// the threads of `cairn serve` (request workers and the background resume loop), other
// processes (`cairn case start`, `cairn case decide`, `cairn case resume`) and, on a PostgreSQL
// state, other `cairn serve` nodes. Two runners on one case would run its queries twice and
// race to record the same step, decision or delivery, so a runner holds the case's lock while
// it advances the case or delivers its actions, and Resume() passes over a case that another
// runner holds.
//
// Either way the lock goes with its holder, SIGKILL included, so a crashed runner never leaves a
// case locked and no lease or heartbeat is needed:
//
//   * SQLite state (Open): the lock of case N is an open-file-description lock (Linux
//     F_OFD_SETLK) on byte N of a file beside the state database ("<state file>.case-locks",
//     empty). The kernel drops it when its holder closes the file or dies. Such a lock belongs
//     to an open file, not to a process: two CaseLocks in one process (one per thread) exclude
//     each other as two processes do. A private in-memory state database (":memory:") has no
//     file and no other runner; every lock is granted.
//   * PostgreSQL state (OpenPostgres): the lock of case N is the session-level advisory lock
//     (kPgCaseLockClass, N mod 2^32) taken with pg_try_advisory_lock on a connection of the
//     CaseLocks' own (so the statements of the runner's transactions never release it).
//     PostgreSQL drops it when that connection ends: a node that dies, or whose connection is
//     cut (pg_terminate_backend, a network failure), frees its cases for the other nodes.
//     A holder whose lock connection is lost loses its locks without knowing it; what then
//     keeps a case's transitions exactly-once is the guard of each one in the state database
//     (an UPDATE conditioned on the status it leaves, its changed-row count checked).
//     Ids 2^32 apart share a lock: they exclude each other, which is safe.
//
// Module-private. Thread-safety: one thread at a time (as the Workflows that owns it).

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <set>

#include "core/status.h"
#include "store/state_db.h"

namespace cairn::workflow::internal {

// The class id of Cairn's case locks among PostgreSQL's advisory locks (pg_locks.classid).
inline constexpr int32_t kPgCaseLockClass = 0x43414952;  // "CAIR"

class CaseLocks {
 public:
  // The case locks of the SQLite state database at `state_path`: opens (creating if needed)
  // its lock file. Unavailable if it cannot be opened.
  static Result<std::unique_ptr<CaseLocks>> Open(const std::filesystem::path& state_path);
  // Advisory locks held on `connection`, a connection to the PostgreSQL state that only they
  // use (StateDb::OpenAnother()).
  static Result<std::unique_ptr<CaseLocks>> OpenPostgres(
      std::unique_ptr<store::StateDb> connection);
  // The case locks of state database `db`, whichever its engine.
  static Result<std::unique_ptr<CaseLocks>> For(store::StateDb* db);
  virtual ~CaseLocks() = default;
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

 protected:
  CaseLocks() = default;
  // Takes the lock of case `id`: true when granted, false when another holder has it.
  virtual Result<bool> Acquire(int64_t id) = 0;
  // Gives it back (best effort: a lock whose file or connection is gone went with it).
  virtual void Release(int64_t id) = 0;

 private:
  void Unlock(int64_t id);

  std::set<int64_t> held_;
};

}  // namespace cairn::workflow::internal
