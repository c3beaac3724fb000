#include "connectors/postgres/probe_cache.h"

#include <algorithm>
#include <cstring>
#include <functional>

namespace cairn::connectors::postgres {
namespace {

constexpr uint32_t kNull = 0xffffffffu;
constexpr size_t kChunkBytes = 1u << 20;

uint64_t Hash(std::string_view key) { return std::hash<std::string_view>{}(key); }

}  // namespace

void ProbeCache::Reserve(size_t rows, size_t cap_bytes) {
  if (rows <= cap_bytes / 2 / sizeof(Entry)) index_.reserve(rows);
}

bool ProbeCache::Add(const PGresult* batch, size_t cap_bytes) {
  const int rows = PQntuples(batch);
  const size_t index_needed = index_.size() + static_cast<size_t>(rows);
  for (int r = 0; r < rows; ++r) {
    size_t row_bytes = 0;
    for (int f = 0; f < fields_; ++f) {
      row_bytes += 4 + static_cast<size_t>(PQgetlength(batch, r, f));
    }
    if (row_bytes > kNull) return false;
    if (chunks_.empty() || chunks_.back().capacity() - chunks_.back().size() < row_bytes) {
      const size_t chunk = std::max(kChunkBytes, row_bytes);
      if (data_bytes_ + chunk + index_needed * sizeof(Entry) > cap_bytes) return false;
      chunks_.emplace_back().reserve(chunk);
      data_bytes_ += chunk;
    }
    std::vector<char>& data = chunks_.back();
    const uint64_t ref = (static_cast<uint64_t>(chunks_.size() - 1) << 32) | data.size();
    for (int f = 0; f < fields_; ++f) {
      uint32_t length = kNull;
      if (!PQgetisnull(batch, r, f)) length = static_cast<uint32_t>(PQgetlength(batch, r, f));
      const auto* prefix = reinterpret_cast<const char*>(&length);
      data.insert(data.end(), prefix, prefix + 4);
      if (length != kNull) {
        const char* value = PQgetvalue(batch, r, f);
        data.insert(data.end(), value, value + length);
      }
    }
    if (PQgetisnull(batch, r, key_field_)) continue;
    if (index_.size() == index_.capacity()) {
      // While the index grows, the old and the new array are both allocated.
      const size_t room =
          cap_bytes - std::min(cap_bytes, data_bytes_ + index_.capacity() * sizeof(Entry));
      const size_t grown = std::max<size_t>(1024, index_.capacity() * 3 / 2);
      const size_t exact = std::max(index_.size() + 1, index_needed);
      const size_t target = grown * sizeof(Entry) <= room ? grown : exact;
      if (target * sizeof(Entry) > room) return false;
      index_.reserve(target);
    }
    std::string_view key(PQgetvalue(batch, r, key_field_),
                         static_cast<size_t>(PQgetlength(batch, r, key_field_)));
    index_.push_back({Hash(key), ref});
  }
  return bytes() <= cap_bytes;
}

void ProbeCache::Finish() {
  // Rows with equal keys keep their load order (references grow in load order).
  std::sort(index_.begin(), index_.end(), [](const Entry& a, const Entry& b) {
    return a.hash != b.hash ? a.hash < b.hash : a.row < b.row;
  });
}

void ProbeCache::Lookup(std::string_view key, std::vector<uint64_t>* rows) const {
  const uint64_t hash = Hash(key);
  auto it = std::lower_bound(index_.begin(), index_.end(), hash,
                             [](const Entry& e, uint64_t h) { return e.hash < h; });
  for (; it != index_.end() && it->hash == hash; ++it) {
    const char* text = nullptr;
    int size = 0;
    if (Value(it->row, key_field_, &text, &size) &&
        key == std::string_view(text, static_cast<size_t>(size))) {
      rows->push_back(it->row);
    }
  }
}

bool ProbeCache::Value(uint64_t row, int field, const char** text, int* size) const {
  const char* p = chunks_[row >> 32].data() + (row & 0xffffffffu);
  for (int f = 0;; ++f) {
    uint32_t length = 0;
    std::memcpy(&length, p, 4);
    p += 4;
    if (f == field) {
      if (length == kNull) return false;
      *text = p;
      *size = static_cast<int>(length);
      return true;
    }
    if (length != kNull) p += length;
  }
}

}  // namespace cairn::connectors::postgres
