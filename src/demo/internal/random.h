#pragma once

// A small, portable pseudo-random generator for the demo data set.
//
// Guarantees: the sequence produced from a seed is identical on every platform, compiler and
// standard library, because both the generator (xoshiro256**, seeded through splitmix64) and
// every distribution below are written here with integer arithmetic only. Never replace them
// with <random> distributions: those are not specified bit-for-bit and differ between library
// versions, which would break "same seed, same bytes".
//
// Thread-safety: none; one Rng per generating thread.

#include <cstddef>
#include <cstdint>
#include <utility>
#include <vector>

namespace cairn::demo {

// splitmix64 step: advances `state` and returns the next output.
inline uint64_t SplitMix64(uint64_t& state) {
  uint64_t z = (state += 0x9E3779B97F4A7C15ull);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

class Rng {
 public:
  explicit Rng(uint64_t seed) {
    uint64_t s = seed;
    for (uint64_t& word : state_) word = SplitMix64(s);
  }

  // The next 64 uniformly distributed bits (xoshiro256**).
  uint64_t Next() {
    const uint64_t result = Rotl(state_[1] * 5, 7) * 9;
    const uint64_t t = state_[1] << 17;
    state_[2] ^= state_[0];
    state_[3] ^= state_[1];
    state_[1] ^= state_[2];
    state_[0] ^= state_[3];
    state_[2] ^= t;
    state_[3] = Rotl(state_[3], 45);
    return result;
  }

  // Uniform in [0, n). Precondition: n > 0. Unbiased (rejection sampling).
  uint64_t Below(uint64_t n) {
    const uint64_t threshold = (0 - n) % n;  // 2^64 mod n
    for (;;) {
      const uint64_t r = Next();
      if (r >= threshold) return r % n;
    }
  }

  // Uniform in [lo, hi]. Precondition: lo <= hi.
  int64_t Range(int64_t lo, int64_t hi) {
    return lo + static_cast<int64_t>(Below(static_cast<uint64_t>(hi - lo) + 1));
  }

  // True with probability per_mille / 1000.
  bool PerMille(int per_mille) { return static_cast<int>(Below(1000)) < per_mille; }

  // A uniformly chosen element. Precondition: !items.empty().
  template <typename T>
  const T& Pick(const std::vector<T>& items) {
    return items[Below(items.size())];
  }

  // An index chosen with probability proportional to weights[i]. Precondition: the sum of
  // weights is positive.
  size_t Weighted(const std::vector<uint64_t>& weights) {
    uint64_t total = 0;
    for (uint64_t w : weights) total += w;
    uint64_t r = Below(total);
    for (size_t i = 0; i < weights.size(); ++i) {
      if (r < weights[i]) return i;
      r -= weights[i];
    }
    return weights.size() - 1;
  }

  // Fisher-Yates shuffle.
  template <typename T>
  void Shuffle(std::vector<T>& items) {
    for (size_t i = items.size(); i > 1; --i) {
      std::swap(items[i - 1], items[Below(i)]);
    }
  }

  // `k` distinct indices from [0, n), in random order. Precondition: k <= n.
  std::vector<size_t> Sample(size_t n, size_t k) {
    std::vector<size_t> all(n);
    for (size_t i = 0; i < n; ++i) all[i] = i;
    for (size_t i = 0; i < k; ++i) std::swap(all[i], all[i + Below(n - i)]);
    all.resize(k);
    return all;
  }

 private:
  static uint64_t Rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }

  uint64_t state_[4];
};

}  // namespace cairn::demo
