#include "context/sketch.h"

#include <algorithm>
#include <bit>
#include <cmath>
#include <limits>

namespace cairn::context {

uint64_t Mix64(uint64_t x) {
  // The finalizer of a well-known 64-bit mixing function family (xor-shift-multiply rounds).
  x ^= x >> 30;
  x *= 0xbf58476d1ce4e5b9ull;
  x ^= x >> 27;
  x *= 0x94d049bb133111ebull;
  x ^= x >> 31;
  return x;
}

uint64_t Hash64(std::string_view bytes, uint64_t seed) {
  uint64_t h = 0xcbf29ce484222325ull ^ Mix64(seed);
  for (unsigned char c : bytes) {
    h ^= c;
    h *= 0x100000001b3ull;
  }
  return Mix64(h ^ bytes.size());
}

HyperLogLog::HyperLogLog(int precision)
    : precision_(std::clamp(precision, 4, 18)), registers_(size_t{1} << precision_, 0) {}

void HyperLogLog::AddHash(uint64_t hash) {
  uint64_t h = Mix64(hash);
  size_t index = static_cast<size_t>(h >> (64 - precision_));
  uint64_t rest = h << precision_;
  int max_rank = 64 - precision_ + 1;
  int rank = rest == 0 ? max_rank : std::min(std::countl_zero(rest) + 1, max_rank);
  if (rank > registers_[index]) registers_[index] = static_cast<uint8_t>(rank);
}

double HyperLogLog::Estimate() const {
  const double m = static_cast<double>(registers_.size());
  double sum = 0;
  size_t zeros = 0;
  for (uint8_t r : registers_) {
    sum += std::ldexp(1.0, -r);
    if (r == 0) ++zeros;
  }
  double alpha = 0.7213 / (1 + 1.079 / m);
  if (registers_.size() == 16) alpha = 0.673;
  if (registers_.size() == 32) alpha = 0.697;
  if (registers_.size() == 64) alpha = 0.709;
  double estimate = alpha * m * m / sum;
  // Linear counting is more accurate while many registers are still empty.
  if (zeros > 0) {
    double linear = m * std::log(m / static_cast<double>(zeros));
    if (linear <= 2.5 * m || estimate <= 2.5 * m) return linear;
  }
  return estimate;
}

bool HyperLogLog::Merge(const HyperLogLog& other) {
  if (other.precision_ != precision_) return false;
  for (size_t i = 0; i < registers_.size(); ++i) {
    registers_[i] = std::max(registers_[i], other.registers_[i]);
  }
  return true;
}

MinHash::MinHash(size_t size, uint64_t seed) : slots_(size, std::numeric_limits<uint64_t>::max()) {
  salts_.reserve(size);
  uint64_t s = seed;
  for (size_t i = 0; i < size; ++i) {
    s = Mix64(s + 0x9e3779b97f4a7c15ull);
    salts_.push_back(s);
  }
}

void MinHash::AddHash(uint64_t hash) {
  empty_ = false;
  for (size_t i = 0; i < slots_.size(); ++i) {
    uint64_t v = Mix64(hash ^ salts_[i]);
    if (v < slots_[i]) slots_[i] = v;
  }
}

double EstimateJaccard(const std::vector<uint64_t>& a, const std::vector<uint64_t>& b) {
  if (a.empty() || a.size() != b.size()) return 0;
  size_t equal = 0;
  for (size_t i = 0; i < a.size(); ++i) equal += a[i] == b[i] ? 1 : 0;
  return static_cast<double>(equal) / static_cast<double>(a.size());
}

double EstimateContainment(const std::vector<uint64_t>& a, double distinct_a,
                           const std::vector<uint64_t>& b, double distinct_b) {
  if (distinct_a <= 0) return 0;
  double j = EstimateJaccard(a, b);
  double intersection = j * (distinct_a + distinct_b) / (1 + j);
  return std::clamp(intersection / distinct_a, 0.0, 1.0);
}

double ExactContainment(const std::vector<uint64_t>& a, const std::vector<uint64_t>& b) {
  if (a.empty()) return 0;
  size_t i = 0, j = 0, common = 0;
  while (i < a.size() && j < b.size()) {
    if (a[i] < b[j]) {
      ++i;
    } else if (b[j] < a[i]) {
      ++j;
    } else {
      ++common;
      ++i;
      ++j;
    }
  }
  return static_cast<double>(common) / static_cast<double>(a.size());
}

std::string EncodeU64s(const std::vector<uint64_t>& values) {
  std::string out(values.size() * 8, '\0');
  for (size_t i = 0; i < values.size(); ++i) {
    for (int b = 0; b < 8; ++b) out[i * 8 + b] = static_cast<char>((values[i] >> (8 * b)) & 0xff);
  }
  return out;
}

std::vector<uint64_t> DecodeU64s(std::string_view bytes) {
  std::vector<uint64_t> out(bytes.size() / 8);
  for (size_t i = 0; i < out.size(); ++i) {
    uint64_t v = 0;
    for (int b = 0; b < 8; ++b) {
      v |= static_cast<uint64_t>(static_cast<unsigned char>(bytes[i * 8 + b])) << (8 * b);
    }
    out[i] = v;
  }
  return out;
}

}  // namespace cairn::context
