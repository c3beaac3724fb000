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

}  // namespace

Result<std::unique_ptr<CaseLocks>> CaseLocks::Open(const std::filesystem::path& state_path) {
  if (state_path.empty() || state_path == ":memory:") {
    return std::unique_ptr<CaseLocks>(new CaseLocks(-1));
  }
  const std::string path = state_path.string() + ".case-locks";
  const int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0) return UnavailableError("cannot open {}: {}", path, std::strerror(errno));
  return std::unique_ptr<CaseLocks>(new CaseLocks(fd));
}

CaseLocks::~CaseLocks() {
  // Closing the file releases every lock still held through it.
  if (fd_ >= 0) ::close(fd_);
}

CaseLocks::Held::~Held() {
  if (owner_ != nullptr) owner_->Release(id_);
}

void CaseLocks::Release(int64_t id) {
  held_.erase(id);
  // An unlock only fails on a bad descriptor; the lock then went with it.
  if (fd_ >= 0) (void)SetLock(fd_, id, F_UNLCK);
}

Result<std::optional<CaseLocks::Held>> CaseLocks::TryLock(int64_t id) {
  if (held_.count(id)) return InternalError("case {} is already locked by this runner", id);
  if (fd_ >= 0) {
    ASSIGN_OR_RETURN(bool granted, SetLock(fd_, id, F_WRLCK));
    if (!granted) return std::optional<Held>();
  }
  held_.insert(id);
  return std::optional<Held>(Held(this, id));
}

Result<std::optional<CaseLocks::Held>> CaseLocks::Lock(int64_t id,
                                                       std::chrono::milliseconds timeout) {
  // Polled rather than F_OFD_SETLKW, which cannot time out: the holder finishes within its
  // queries' and sinks' time limits, so short sleeps cost little.
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
