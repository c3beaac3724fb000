#include "context/profile.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

namespace cairn::context {
namespace {

constexpr size_t kMaxTrackedValues = 1024;
constexpr size_t kMaxTrackedValueBytes = 200;

}  // namespace

const ColumnProfile* TableProfile::FindColumn(const std::string& name) const {
  for (const auto& c : columns) {
    if (c.name == name) return &c;
  }
  return nullptr;
}

std::vector<std::string> TableProfile::PrimaryKey() const {
  for (const auto& k : keys) {
    if (k.type == DeclaredKey::Type::kPrimary) return k.columns;
  }
  return {};
}

std::string SchemaFingerprint(const std::vector<std::pair<std::string, std::string>>& columns) {
  uint64_t h = 0x636f6c756d6e73ull;
  for (const auto& [name, type] : columns) {
    h = Mix64(h ^ Hash64(name, 1));
    h = Mix64(h ^ Hash64(type, 2));
  }
  return fmt::format("{:016x}", h);
}

std::string RenderValue(const engine::Value& value) {
  switch (value.type) {
    case engine::Value::Type::kNull:
      return {};
    case engine::Value::Type::kInteger:
      return std::to_string(value.integer);
    case engine::Value::Type::kReal: {
      double d = value.real;
      if (std::isfinite(d) && d == std::trunc(d) && std::fabs(d) < 9e15) {
        return std::to_string(static_cast<int64_t>(d));
      }
      return fmt::format("{}", d);
    }
    default:
      return value.bytes;
  }
}

uint64_t HashValue(const engine::Value& value) {
  if (value.type == engine::Value::Type::kNull) return 0;
  uint64_t h = Hash64(RenderValue(value));
  return h == 0 ? 1 : h;
}

ColumnProfiler::ColumnProfiler(uint64_t seed) : hll_(14), minhash_(kMinHashSize, seed) {}

void ColumnProfiler::Add(const engine::Value& value) {
  ++values_;
  if (value.type == engine::Value::Type::kNull) {
    ++nulls_;
    return;
  }
  std::string text = RenderValue(value);
  uint64_t h = Hash64(text);
  if (h == 0) h = 1;
  hll_.AddHash(h);
  minhash_.AddHash(h);
  if (!overflowed_) {
    exact_[h] = 1;
    if (exact_.size() > kMaxExactHashes) {
      overflowed_ = true;
      exact_.clear();
    }
  }
  total_length_ += static_cast<int64_t>(text.size());
  char type = 't';
  switch (value.type) {
    case engine::Value::Type::kInteger:
      type = 'i';
      ++ints_;
      break;
    case engine::Value::Type::kReal:
      type = 'r';
      ++reals_;
      break;
    case engine::Value::Type::kBlob:
      type = 'b';
      ++blobs_;
      break;
    default:
      ++texts_;
      break;
  }
  semantic_.Add(type, text, value.integer, value.real);
  if (type == 'i' || type == 'r') {
    double d = type == 'i' ? static_cast<double>(value.integer) : value.real;
    if (!have_num_ || d < min_num_) min_num_ = d;
    if (!have_num_ || d > max_num_) max_num_ = d;
    have_num_ = true;
  }
  if (type != 'b') {
    if (!min_text_ || text < *min_text_) min_text_ = text;
    if (!max_text_ || text > *max_text_) max_text_ = text;
  }
  // Bounded frequency table (Misra-Gries): exact while fewer than kMaxTrackedValues distinct.
  std::string key =
      text.size() > kMaxTrackedValueBytes ? text.substr(0, kMaxTrackedValueBytes) : std::move(text);
  auto it = freq_.find(key);
  if (it != freq_.end()) {
    ++it->second;
  } else if (freq_.size() < kMaxTrackedValues) {
    freq_.emplace(std::move(key), 1);
  } else {
    for (auto f = freq_.begin(); f != freq_.end();) {
      if (--f->second == 0) {
        f = freq_.erase(f);
      } else {
        ++f;
      }
    }
  }
}

void ColumnProfiler::Finish(ColumnProfile* p) const {
  p->values = values_;
  p->null_count = nulls_;
  p->null_fraction = values_ > 0 ? static_cast<double>(nulls_) / static_cast<double>(values_) : 0;
  const int64_t non_null = values_ - nulls_;
  p->distinct_exact = !overflowed_;
  p->distinct_count = overflowed_ ? static_cast<int64_t>(std::llround(hll_.Estimate()))
                                  : static_cast<int64_t>(exact_.size());
  if (p->distinct_count > non_null) p->distinct_count = non_null;
  p->uniqueness =
      non_null > 0 ? static_cast<double>(p->distinct_count) / static_cast<double>(non_null) : 0;
  p->avg_length =
      non_null > 0 ? static_cast<double>(total_length_) / static_cast<double>(non_null) : 0;
  if (non_null > 0) {
    double nn = static_cast<double>(non_null);
    p->integer_fraction = static_cast<double>(ints_) / nn;
    p->real_fraction = static_cast<double>(reals_) / nn;
    p->text_fraction = static_cast<double>(texts_) / nn;
    p->blob_fraction = static_cast<double>(blobs_) / nn;
  }
  p->min.reset();
  p->max.reset();
  if (have_num_ && texts_ == 0 && blobs_ == 0) {
    p->min = RenderValue(engine::Value::Real(min_num_));
    p->max = RenderValue(engine::Value::Real(max_num_));
  } else if (min_text_) {
    p->min = min_text_;
    p->max = max_text_;
  }
  std::vector<ValueCount> top;
  top.reserve(freq_.size());
  for (const auto& [value, count] : freq_) top.push_back({value, count});
  std::sort(top.begin(), top.end(), [](const ValueCount& a, const ValueCount& b) {
    return a.count != b.count ? a.count > b.count : a.value < b.value;
  });
  if (top.size() > kTopValues) top.resize(kTopValues);
  p->top_values = std::move(top);
  p->minhash = minhash_.empty() ? std::vector<uint64_t>() : minhash_.signature();
  p->hashes_exact = !overflowed_;
  p->value_hashes.clear();
  if (!overflowed_) {
    p->value_hashes.reserve(exact_.size());
    for (const auto& [h, unused] : exact_) p->value_hashes.push_back(h);
    std::sort(p->value_hashes.begin(), p->value_hashes.end());
  }
  p->semantic_type = DecideSemanticType(semantic_, p->distinct_count, p->name, p->primary_key);
}

TupleProfiler::TupleProfiler() : hll_(14), minhash_(kMinHashSize) {}

void TupleProfiler::Add(const std::vector<engine::Value>& values) {
  uint64_t h = 0x7475706c65ull;  // "tuple"
  for (const auto& v : values) {
    if (v.type == engine::Value::Type::kNull) return;
    h = Mix64(h ^ HashValue(v));
  }
  if (h == 0) h = 1;
  ++rows_;
  hll_.AddHash(h);
  minhash_.AddHash(h);
  if (!overflowed_) {
    exact_.insert(h);
    if (exact_.size() > kMaxExactHashes) {
      overflowed_ = true;
      exact_.clear();
    }
  }
}

TupleSketch TupleProfiler::Finish() const {
  TupleSketch sketch;
  sketch.rows = rows_;
  sketch.exact = !overflowed_;
  if (sketch.exact) {
    sketch.hashes.assign(exact_.begin(), exact_.end());
    std::sort(sketch.hashes.begin(), sketch.hashes.end());
    sketch.distinct = static_cast<double>(sketch.hashes.size());
  } else {
    sketch.distinct = hll_.Estimate();
  }
  if (!minhash_.empty()) sketch.minhash = minhash_.signature();
  return sketch;
}

}  // namespace cairn::context
