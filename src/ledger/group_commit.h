#pragma once

// A Recorder many threads share: each Append() queues its entry and waits; one writer thread
// hands everything queued to Ledger::AppendBatch() (one transaction, one fsync) and wakes the
// producers with their sequence numbers, or with the batch's error. A server's threads append
// through one GroupCommitter so that durable entries cost one fsync per batch, not per entry.

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <thread>

#include "ledger/ledger.h"

namespace cairn::ledger {

class GroupCommitter : public Recorder {
 public:
  // Takes `ledger` (on its own connection). With `sign_every` > 0 the writer also signs a tree
  // head when entries were appended and that long has passed since the last one it signed.
  explicit GroupCommitter(std::unique_ptr<Ledger> ledger,
                          std::chrono::milliseconds sign_every = std::chrono::milliseconds(0));
  // Close()s.
  ~GroupCommitter() override;

  GroupCommitter(const GroupCommitter&) = delete;
  GroupCommitter& operator=(const GroupCommitter&) = delete;

  // Queues `entry`, waits until its batch is durable, returns its sequence number (or the
  // batch's error). FailedPrecondition after Close().
  Result<int64_t> Append(Entry entry) override;

  // Writes what is queued, signs a tree head if anything was appended since the last signed
  // one, stops the writer. Later Append()s fail. Idempotent; returns the first error.
  Status Close();

  uint64_t entries() const;  // appended so far
  uint64_t batches() const;  // transactions so far

 private:
  struct Pending {
    Entry entry;
    Result<int64_t> result = InternalError("not written");
    bool done = false;
  };
  void Run();
  Status SignIfAppended();

  std::unique_ptr<Ledger> ledger_;
  const std::chrono::milliseconds sign_every_;
  mutable std::mutex mu_;
  std::condition_variable queued_;
  std::condition_variable written_;
  std::deque<Pending*> queue_;
  bool closing_ = false;
  bool closed_ = false;
  Status close_status_;
  uint64_t entries_ = 0;
  uint64_t batches_ = 0;
  std::thread writer_;
};

}  // namespace cairn::ledger
