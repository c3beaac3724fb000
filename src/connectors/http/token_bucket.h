#pragma once

// A token bucket: at most `burst` requests at once, refilled at `rate` tokens per second. The
// http connector keeps one per source so that every table and cursor of that source shares the
// same budget towards the API.
//
// Take() reserves a token whether or not one is available now and returns how long the caller
// must wait before using it; callers that each wait their returned delay are spaced 1/rate apart
// once the burst is spent. Time is passed in, so tests drive the bucket without sleeping.
//
// Thread-safety: not thread-safe; the owner serialises calls (HttpSource holds a mutex).

#include <chrono>

namespace cairn::connectors::http {

class TokenBucket {
 public:
  using Clock = std::chrono::steady_clock;

  // `rate` > 0 tokens per second, `burst` >= 1 tokens; the bucket starts full.
  TokenBucket(double rate, double burst);

  // Takes one token at `now` and returns the wait before it may be used (zero when one was in
  // the bucket). `now` must not go backwards between calls (a steady clock's readings).
  Clock::duration Take(Clock::time_point now);

 private:
  double rate_;
  double burst_;
  double tokens_;  // may go negative: tokens reserved ahead of the refill
  Clock::time_point last_{};
  bool started_ = false;
};

}  // namespace cairn::connectors::http
