#include "workflow/internal/case_lock.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <thread>

#ifndef F_OFD_SETLK
#error "case locks need open-file-description locks (F_OFD_SETLK, Linux 3.15 or later)"
#endif

namespace cairn::workflow::internal {

namespace {

// F_OFD_SETLK on byte `id`: true when granted (or released), false when another holds it.
Result<bool> SetLock(int fd, int64_t id, short type) {
  struct flock lock;
  std::memset(&lock, 0, sizeof lock);
  lock.l_type = type;
  lock.l_whence = SEEK_SET;
  lock.l_start = static_cast<off_t>(id);
  lock.l_len = 1;
  for (;;) {
    if (fcntl(fd, F_OFD_SETLK, &lock) == 0) return true;
    if (errno == EINTR) continue;
    if (errno == EAGAIN || errno == EACCES) return false;
    return UnavailableError("case lock {}: {}", id, std::strerror(errno));
  }
}

// Byte N of the lock file beside the SQLite state.
class FileCaseLocks final : public CaseLocks {
 public:
  explicit FileCaseLocks(int fd) : fd_(fd) {}
  // Closing the file releases every lock still held through it.
  ~FileCaseLocks() override {
    if (fd_ >= 0) ::close(fd_);
  }

 protected:
  Result<bool> Acquire(int64_t id) override {
    if (fd_ < 0) return true;
    return SetLock(fd_, id, F_WRLCK);
  }
  void Release(int64_t id) override {
    // An unlock only fails on a bad descriptor; the lock then went with it.
    if (fd_ >= 0) (void)SetLock(fd_, id, F_UNLCK);
  }

 private:
  int fd_;  // -1: no file, every lock is granted
};

// Session-level advisory locks on a PostgreSQL connection of their own.
class PgCaseLocks final : public CaseLocks {
 public:
  explicit PgCaseLocks(std::unique_ptr<store::StateDb> connection)
      : connection_(std::move(connection)) {}
  // Ending the connection (when destroyed) releases every lock still held through it.

 protected:
  Result<bool> Acquire(int64_t id) override {
    bool granted = false;
    RETURN_IF_ERROR(
        connection_->Query("SELECT pg_try_advisory_lock(CAST(? AS INTEGER), CAST(? AS INTEGER))",
                           {int64_t{kPgCaseLockClass}, ObjectId(id)}, [&](const store::Row& row) {
                             granted = row.Int(0) != 0;
                             return OkStatus();
                           }));
    return granted;
  }
  void Release(int64_t id) override {
    // False (and a warning, not shown) when the connection was lost since, and the lock with it.
    (void)connection_->Query("SELECT pg_advisory_unlock(CAST(? AS INTEGER), CAST(? AS INTEGER))",
                             {int64_t{kPgCaseLockClass}, ObjectId(id)},
                             [](const store::Row&) { return OkStatus(); });
  }

 private:
  // The case id in advisory lock's 32-bit object id (wrapping above 2^31).
  static int64_t ObjectId(int64_t id) {
    return static_cast<int32_t>(static_cast<uint32_t>(static_cast<uint64_t>(id)));
  }

  std::unique_ptr<store::StateDb> connection_;
};

}  // namespace

Result<std::unique_ptr<CaseLocks>> CaseLocks::Open(const std::filesystem::path& state_path) {
  if (state_path.empty() || state_path == ":memory:") {
    return std::unique_ptr<CaseLocks>(new FileCaseLocks(-1));
  }
  const std::string path = state_path.string() + ".case-locks";
  const int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0) return UnavailableError("cannot open {}: {}", path, std::strerror(errno));
  return std::unique_ptr<CaseLocks>(new FileCaseLocks(fd));
}

Result<std::unique_ptr<CaseLocks>> CaseLocks::OpenPostgres(
    std::unique_ptr<store::StateDb> connection) {
  if (connection == nullptr || connection->dialect() != store::Dialect::kPostgres) {
    return InternalError("PostgreSQL case locks need a PostgreSQL connection");
  }
  return std::unique_ptr<CaseLocks>(new PgCaseLocks(std::move(connection)));
}

Result<std::unique_ptr<CaseLocks>> CaseLocks::For(store::StateDb* db) {
  if (store::SqliteStateDb* sqlite = db->sqlite()) return Open(sqlite->path());
  ASSIGN_OR_RETURN(std::unique_ptr<store::StateDb> connection, db->OpenAnother());
  return OpenPostgres(std::move(connection));
}

CaseLocks::Held::~Held() {
  if (owner_ != nullptr) owner_->Unlock(id_);
}

void CaseLocks::Unlock(int64_t id) {
  held_.erase(id);
  Release(id);
}

Result<std::optional<CaseLocks::Held>> CaseLocks::TryLock(int64_t id) {
  if (held_.count(id)) return InternalError("case {} is already locked by this runner", id);
  ASSIGN_OR_RETURN(bool granted, Acquire(id));
  if (!granted) return std::optional<Held>();
  held_.insert(id);
  return std::optional<Held>(Held(this, id));
}

Result<std::optional<CaseLocks::Held>> CaseLocks::Lock(int64_t id,
                                                       std::chrono::milliseconds timeout) {
  // Polled rather than F_OFD_SETLKW or pg_advisory_lock, which cannot give up in time without
  // more machinery: the holder finishes within its queries' and sinks' time limits, so short
  // sleeps cost little.
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  std::chrono::milliseconds pause(2);
  for (;;) {
    ASSIGN_OR_RETURN(std::optional<Held> held, TryLock(id));
    if (held || std::chrono::steady_clock::now() >= deadline) return held;
    std::this_thread::sleep_for(pause);
    pause = std::min(pause * 2, std::chrono::milliseconds(50));
  }
}

}  // namespace cairn::workflow::internal
