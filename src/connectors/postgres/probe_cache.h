#pragma once

// The rows of one table held in memory for one scan, so that repeated equality lookups (the
// inner side of a nested-loop join) are answered without a round trip each. See "Repeated
// lookups" in postgres_source.h for when a scan builds one.
//
// A cache holds the rows of one remote result in PostgreSQL's text output, unconverted, so that
// a row read from it converts exactly as the same row read from the server does. Rows are indexed
// by the text of one key field; a lookup finds the rows whose key text equals the given text
// byte for byte (NULL keys are never found). The caller only asks when byte equality of the text
// is PostgreSQL's equality for that column (integers in canonical decimal, text and varchar
// under a deterministic collation).
//
// Memory: Add() counts what the cache allocates (row data in chunks of 1 MiB, and the index by
// capacity, counting the old and the new index while it grows) and refuses a batch that would
// take it past the cap it is given; the caller then drops the cache.
//
// Thread-safety: none; a cache belongs to one cursor.

#include <libpq-fe.h>

#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

namespace cairn::connectors::postgres {

// The source options probe_cache_mb, probe_cache_after and batch_lookups_mb (see
// postgres_source.h).
struct ProbeCacheOptions {
  size_t cap_bytes = size_t{64} << 20;        // 0: never build a cache
  int64_t after = 0;                          // lookups before a scan reads its table; 0: automatic
  size_t batch_cap_bytes = size_t{64} << 20;  // rows of announced keys; 0: no batched lookups
};

class ProbeCache {
 public:
  ProbeCache(int fields, int key_field) : fields_(fields), key_field_(key_field) {}

  // Sizes the index for `rows` rows up front (the table's estimate), so that it need not grow
  // while rows arrive; ignored when that alone would take more than half of `cap_bytes`.
  void Reserve(size_t rows, size_t cap_bytes);
  // Appends every row of `batch` (which has fields() fields). False, leaving the cache in an
  // unspecified state to be dropped, when the cache would then hold more than `cap_bytes`.
  bool Add(const PGresult* batch, size_t cap_bytes);
  // Builds the index; call once after the last Add().
  void Finish();

  // Appends to `rows` the rows whose key is `key` (in load order).
  void Lookup(std::string_view key, std::vector<uint64_t>* rows) const;

  int fields() const { return fields_; }
  // Field `field` of row `row` (a value Lookup returned); false for NULL.
  bool Value(uint64_t row, int field, const char** text, int* size) const;

  // Bytes allocated for rows and index.
  size_t bytes() const { return data_bytes_ + index_.capacity() * sizeof(Entry); }
  // Rows with a non-NULL key.
  size_t rows() const { return index_.size(); }

 private:
  struct Entry {
    uint64_t hash;
    uint64_t row;  // chunk << 32 | offset of the row in that chunk
  };

  int fields_;
  int key_field_;
  // Rows one after another in chunks; each field is a 4-byte length (~0 for NULL) and its
  // bytes. Chunks are never reallocated, so filling them copies nothing twice.
  std::vector<std::vector<char>> chunks_;
  size_t data_bytes_ = 0;     // capacity of the chunks
  std::vector<Entry> index_;  // one per row with a non-NULL key; sorted by hash after Finish()
};

}  // namespace cairn::connectors::postgres
