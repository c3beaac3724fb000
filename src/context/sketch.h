#pragma once

// Sketches over value sets: HyperLogLog for distinct counts and MinHash for Jaccard similarity
// and containment between two columns. Inputs are 64-bit hashes of values (see profile.h); the
// sketches themselves are deterministic given their seed, so signatures of two columns built
// with the same seed are comparable across runs and machines.
//
// Thread-safety: plain values.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace cairn::context {

// A 64-bit hash of bytes (FNV-1a followed by a 64-bit finalizer mix), stable across platforms.
uint64_t Hash64(std::string_view bytes, uint64_t seed = 0);
// A bijective 64-bit mixer (good avalanche); Mix64(x) != Mix64(y) when x != y.
uint64_t Mix64(uint64_t x);

// HyperLogLog with 2^precision registers (precision 4..18). Standard error about
// 1.04 / sqrt(2^precision): 0.81 % at the default precision 14 (16 KiB of registers). Small
// cardinalities use linear counting, so they are nearly exact.
class HyperLogLog {
 public:
  explicit HyperLogLog(int precision = 14);

  void AddHash(uint64_t hash);
  // Estimated number of distinct hashes added.
  double Estimate() const;
  // Adds every hash another sketch of the same precision saw. Returns false (and does nothing)
  // when the precisions differ.
  bool Merge(const HyperLogLog& other);
  int precision() const { return precision_; }

 private:
  int precision_;
  std::vector<uint8_t> registers_;
};

// A one-permutation-per-slot MinHash signature of `size` slots: slot i keeps the minimum of
// Mix64(hash ^ salt_i). Jaccard(A, B) is estimated by the fraction of equal slots (standard
// error about sqrt(J(1-J)/size)).
class MinHash {
 public:
  explicit MinHash(size_t size = 128, uint64_t seed = 0x6d696e68617368ull);

  void AddHash(uint64_t hash);
  const std::vector<uint64_t>& signature() const { return slots_; }
  bool empty() const { return empty_; }

 private:
  std::vector<uint64_t> salts_;
  std::vector<uint64_t> slots_;
  bool empty_ = true;
};

// Estimated Jaccard similarity of two signatures of the same size; 0 when either is empty or
// sizes differ.
double EstimateJaccard(const std::vector<uint64_t>& a, const std::vector<uint64_t>& b);

// Estimated containment |A ∩ B| / |A| from the Jaccard estimate and the two distinct counts:
// |A ∩ B| = J (|A| + |B|) / (1 + J). Clamped to [0, 1]; 0 when |A| is 0.
double EstimateContainment(const std::vector<uint64_t>& a, double distinct_a,
                           const std::vector<uint64_t>& b, double distinct_b);

// Exact containment |A ∩ B| / |A| of two sorted, duplicate-free hash vectors; 0 when A is empty.
double ExactContainment(const std::vector<uint64_t>& a, const std::vector<uint64_t>& b);

// Serialises a vector of uint64 as little-endian bytes, and back (InvalidArgument-free: a
// trailing partial word is ignored).
std::string EncodeU64s(const std::vector<uint64_t>& values);
std::vector<uint64_t> DecodeU64s(std::string_view bytes);

}  // namespace cairn::context
