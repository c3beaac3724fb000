#include "server/http_limits.h"

#include <algorithm>
#include <cmath>
#include <utility>

namespace cairn::server::internal {

WorkerPool::WorkerPool(int workers, size_t queue_limit)
    : workers_(std::max(1, workers)), queue_limit_(queue_limit) {}

WorkerPool::~WorkerPool() {
  Stop();
  Join();
}

void WorkerPool::Start() {
  std::lock_guard lock(mu_);
  if (started_ || stopped_) return;
  started_ = true;
  threads_.reserve(workers_);
  for (int i = 0; i < workers_; ++i) threads_.emplace_back([this, i] { Loop(i); });
}

bool WorkerPool::TrySubmit(Task task) {
  {
    std::lock_guard lock(mu_);
    if (stopped_) return false;
    // A task that an idle worker will take at once does not count as waiting.
    size_t waiting_after = queue_.size() + 1;
    size_t free_workers = static_cast<size_t>(idle_);
    if (waiting_after > free_workers && waiting_after - free_workers > queue_limit_) return false;
    queue_.push_back(std::move(task));
  }
  cv_.notify_one();
  return true;
}

void WorkerPool::Stop() {
  std::deque<Task> dropped;
  {
    std::lock_guard lock(mu_);
    stopped_ = true;
    dropped.swap(queue_);
  }
  cv_.notify_all();
  // `dropped` is destroyed here, outside the lock.
}

void WorkerPool::Join() {
  std::vector<std::thread> threads;
  {
    std::lock_guard lock(mu_);
    threads.swap(threads_);
  }
  for (auto& thread : threads) {
    if (thread.joinable()) thread.join();
  }
}

void WorkerPool::Loop(int worker) {
  for (;;) {
    Task task;
    {
      std::unique_lock lock(mu_);
      ++idle_;
      cv_.wait(lock, [this] { return stopped_ || !queue_.empty(); });
      --idle_;
      if (stopped_) return;
      task = std::move(queue_.front());
      queue_.pop_front();
    }
    task(worker);
  }
}

RateLimiter::RateLimiter(double rate, double burst, size_t max_keys)
    : rate_(rate), burst_(std::max(1.0, burst)), max_keys_(std::max<size_t>(1, max_keys)) {}

RateLimiter::Decision RateLimiter::Take(const std::string& key, Clock::time_point now) {
  Decision decision;
  if (rate_ <= 0) return decision;
  std::lock_guard lock(mu_);
  auto it = buckets_.find(key);
  if (it == buckets_.end()) {
    while (buckets_.size() >= max_keys_) {
      buckets_.erase(lru_.back());
      lru_.pop_back();
    }
    lru_.push_front(key);
    Bucket bucket;
    bucket.tokens = burst_;
    bucket.last = now;
    bucket.lru = lru_.begin();
    it = buckets_.emplace(key, bucket).first;
  } else {
    lru_.splice(lru_.begin(), lru_, it->second.lru);
  }
  Bucket& bucket = it->second;
  if (now > bucket.last) {
    double elapsed = std::chrono::duration<double>(now - bucket.last).count();
    bucket.tokens = std::min(burst_, bucket.tokens + elapsed * rate_);
    bucket.last = now;
  }
  if (bucket.tokens >= 1.0) {
    bucket.tokens -= 1.0;
    return decision;
  }
  decision.allowed = false;
  decision.retry_after_seconds =
      std::max(1, static_cast<int>(std::ceil((1.0 - bucket.tokens) / rate_)));
  return decision;
}

size_t RateLimiter::size() const {
  std::lock_guard lock(mu_);
  return buckets_.size();
}

}  // namespace cairn::server::internal
