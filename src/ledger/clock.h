#pragma once

// The time source of the ledger, injectable so tests replay deterministically.
//
// Thread-safety: implementations must be safe to call from the thread that uses the Ledger.

#include <string>

namespace cairn::ledger {

class Clock {
 public:
  virtual ~Clock() = default;
  // The current time as ISO-8601 UTC with millisecond precision: "2026-11-29T04:15:26.123Z".
  virtual std::string NowUtc() = 0;
};

// The system clock (std::chrono::system_clock).
class SystemClock : public Clock {
 public:
  std::string NowUtc() override;
};

// A clock that returns a fixed time until Set() changes it (tests).
class FixedClock : public Clock {
 public:
  explicit FixedClock(std::string now) : now_(std::move(now)) {}
  std::string NowUtc() override { return now_; }
  void Set(std::string now) { now_ = std::move(now); }

 private:
  std::string now_;
};

}  // namespace cairn::ledger
