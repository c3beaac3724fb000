#include "ledger/group_commit.h"

#include <utility>
#include <vector>

namespace cairn::ledger {

namespace {
constexpr size_t kMaxBatch = 256;
}

GroupCommitter::GroupCommitter(std::unique_ptr<Ledger> ledger, std::chrono::milliseconds sign_every)
    : ledger_(std::move(ledger)), sign_every_(sign_every), writer_([this] { Run(); }) {}

GroupCommitter::~GroupCommitter() { (void)Close(); }

Result<int64_t> GroupCommitter::Append(Entry entry) {
  Pending pending{std::move(entry)};
  std::unique_lock lock(mu_);
  if (closing_) return FailedPreconditionError("the ledger writer is closed");
  queue_.push_back(&pending);
  queued_.notify_one();
  written_.wait(lock, [&] { return pending.done; });
  return std::move(pending.result);
}

void GroupCommitter::Run() {
  auto last_signed = std::chrono::steady_clock::now();
  std::unique_lock lock(mu_);
  while (true) {
    const bool signing = sign_every_.count() > 0;
    if (signing) {
      queued_.wait_for(lock, sign_every_, [&] { return closing_ || !queue_.empty(); });
    } else {
      queued_.wait(lock, [&] { return closing_ || !queue_.empty(); });
    }
    if (queue_.empty() && closing_) break;
    std::vector<Pending*> batch;
    while (!queue_.empty() && batch.size() < kMaxBatch) {
      batch.push_back(queue_.front());
      queue_.pop_front();
    }
    lock.unlock();
    if (!batch.empty()) {
      std::vector<Entry> entries;
      entries.reserve(batch.size());
      for (Pending* p : batch) entries.push_back(p->entry);
      Result<std::vector<int64_t>> seqs = ledger_->AppendBatch(std::move(entries));
      for (size_t i = 0; i < batch.size(); ++i) {
        batch[i]->result = seqs.ok() ? Result<int64_t>((*seqs)[i]) : Result<int64_t>(seqs.status());
      }
      lock.lock();
      if (seqs.ok()) {
        entries_ += batch.size();
        ++batches_;
      }
      for (Pending* p : batch) p->done = true;
      written_.notify_all();
      lock.unlock();
    }
    if (signing && std::chrono::steady_clock::now() - last_signed >= sign_every_) {
      (void)SignIfAppended();  // retried at the next interval and at Close()
      last_signed = std::chrono::steady_clock::now();
    }
    lock.lock();
  }
}

Status GroupCommitter::SignIfAppended() {
  ASSIGN_OR_RETURN(uint64_t size, ledger_->Size());
  ASSIGN_OR_RETURN(std::optional<SignedTreeHead> last, ledger_->LatestSignedTreeHead());
  if (size == 0 || (last && last->tree_size >= size)) return OkStatus();
  return ledger_->SignTreeHead().status();
}

Status GroupCommitter::Close() {
  {
    std::lock_guard lock(mu_);
    if (closed_) return close_status_;
    closing_ = true;
    closed_ = true;
  }
  queued_.notify_one();
  if (writer_.joinable()) writer_.join();
  close_status_ = SignIfAppended();
  return close_status_;
}

uint64_t GroupCommitter::entries() const {
  std::lock_guard lock(mu_);
  return entries_;
}

uint64_t GroupCommitter::batches() const {
  std::lock_guard lock(mu_);
  return batches_;
}

}  // namespace cairn::ledger
