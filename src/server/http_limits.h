#pragma once

// Private to the HTTP server (server/http.cc): the worker pool that runs handlers and the
// per-key token-bucket rate limiter. Both are thread-safe.

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <list>
#include <mutex>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

namespace cairn::server::internal {

// A fixed set of threads, each with a fixed index 0 .. workers-1, taking tasks from one FIFO
// queue. At most `queue_limit` tasks wait while every worker is busy; TrySubmit() refuses more.
// Stop() discards waiting tasks and lets running ones finish; Join() waits for the threads.
class WorkerPool {
 public:
  using Task = std::function<void(int worker)>;

  WorkerPool(int workers, size_t queue_limit);
  ~WorkerPool();  // Stop() and Join().
  WorkerPool(const WorkerPool&) = delete;
  WorkerPool& operator=(const WorkerPool&) = delete;

  // Starts the threads (once; later calls do nothing).
  void Start();
  // Queues `task`; false when the queue is full or the pool is stopped. `task` must not throw.
  bool TrySubmit(Task task);
  void Stop();
  void Join();

 private:
  void Loop(int worker);

  const int workers_;
  const size_t queue_limit_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<Task> queue_;  // guarded by mu_
  int idle_ = 0;            // guarded by mu_: workers waiting for a task
  bool started_ = false;    // guarded by mu_
  bool stopped_ = false;    // guarded by mu_
  std::vector<std::thread> threads_;
};

// Token buckets keyed by caller (a hashed bearer token or a remote address): each holds up to
// `burst` tokens and refills at `rate` tokens per second. At most `max_keys` buckets are kept;
// the least recently used one is evicted first (a forgotten caller starts again with a full
// bucket).
class RateLimiter {
 public:
  using Clock = std::chrono::steady_clock;

  struct Decision {
    bool allowed = true;
    int retry_after_seconds = 0;  // when refused: whole seconds until a token is available
  };

  RateLimiter(double rate, double burst, size_t max_keys = kDefaultMaxKeys);

  // Takes one token from the bucket of `key` at time `now`.
  Decision Take(const std::string& key, Clock::time_point now);
  size_t size() const;

  static constexpr size_t kDefaultMaxKeys = 65536;

 private:
  struct Bucket {
    double tokens = 0;
    Clock::time_point last;
    std::list<std::string>::iterator lru;
  };

  const double rate_;
  const double burst_;
  const size_t max_keys_;
  mutable std::mutex mu_;
  std::unordered_map<std::string, Bucket> buckets_;  // guarded by mu_
  std::list<std::string> lru_;                       // guarded by mu_: most recent first
};

}  // namespace cairn::server::internal
