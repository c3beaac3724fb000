#include "connectors/http/token_bucket.h"

#include <algorithm>

namespace cairn::connectors::http {

TokenBucket::TokenBucket(double rate, double burst) : rate_(rate), burst_(burst), tokens_(burst) {}

TokenBucket::Clock::duration TokenBucket::Take(Clock::time_point now) {
  if (started_ && now > last_) {
    const double elapsed = std::chrono::duration<double>(now - last_).count();
    tokens_ = std::min(burst_, tokens_ + elapsed * rate_);
  }
  if (!started_ || now > last_) last_ = now;
  started_ = true;
  tokens_ -= 1.0;
  if (tokens_ >= 0) return Clock::duration::zero();
  return std::chrono::duration_cast<Clock::duration>(
      std::chrono::duration<double>(-tokens_ / rate_));
}

}  // namespace cairn::connectors::http
