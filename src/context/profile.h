#pragma once

// Column and table profiles, and the profiler that builds them from a stream of rows.
//
// A ColumnProfiler sees the values of one column (a sample or all of them) once, in bounded
// memory: a HyperLogLog for the distinct count, a MinHash signature of the value set, a capped
// exact set of value hashes (kept when the column has at most kMaxExactHashes distinct values),
// a capped frequency table for the most frequent values (exact when the column has at most
// kMaxTrackedValues distinct values, a heavy-hitter approximation otherwise), min/max, lengths
// and the evidence for semantic type detection.
//
// Values are hashed by their text rendering (integers as decimal, reals in shortest round-trip
// form with integral reals rendered as integers, text as is, blobs as raw bytes), so that
// 42 (INTEGER) and '42' (TEXT) hash alike across sources: containment between columns of
// different sources compares what a join would compare after the usual casts.
//
// Thread-safety: plain values; a profiler is used by one thread.

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "context/model.h"
#include "context/semantic.h"
#include "context/sketch.h"
#include "engine/session.h"

namespace cairn::context {

constexpr size_t kMaxExactHashes = 10'000;
constexpr size_t kMinHashSize = 128;
constexpr size_t kTopValues = 5;

struct ValueCount {
  std::string value;
  int64_t count = 0;

  bool operator==(const ValueCount&) const = default;
};

struct ColumnProfile {
  std::string name;
  int ordinal = 0;            // 0-based position in the table
  std::string declared_type;  // the SQLite declared type (INTEGER, REAL, TEXT, BLOB, NUMERIC, "")
  std::string source_type;    // as the source names it
  bool not_null = false;
  bool primary_key = false;  // declared by the source

  SemanticType semantic_type = SemanticType::kUnknown;
  int64_t values = 0;          // rows profiled (the sample)
  int64_t null_count = 0;      // within the sample
  double null_fraction = 0;    // null_count / values (0 when no values)
  int64_t distinct_count = 0;  // estimated over the sample (exact when distinct_exact)
  bool distinct_exact = false;
  std::optional<std::string> min;  // rendered as text; numeric order for numeric columns
  std::optional<std::string> max;
  std::vector<ValueCount> top_values;  // most frequent, up to kTopValues, count descending
  double avg_length = 0;               // of non-null values' text rendering, in bytes
  double uniqueness = 0;               // distinct / non-null (0 when all null)
  // Fractions of non-null values stored as INTEGER / REAL / TEXT / BLOB.
  double integer_fraction = 0;
  double real_fraction = 0;
  double text_fraction = 0;
  double blob_fraction = 0;

  std::vector<uint64_t> minhash;       // kMinHashSize values, or empty (all null)
  std::vector<uint64_t> value_hashes;  // sorted exact hashes; empty unless hashes_exact
  bool hashes_exact = false;           // value_hashes holds every distinct value's hash

  Provenance provenance = Provenance::kDiscovered;
  std::string profiled_at;  // ISO-8601 UTC

  int64_t non_null() const { return values - null_count; }
};

// A declared key of a table (provenance kDeclared).
struct DeclaredKey {
  enum class Type { kPrimary, kForeign };
  Type type = Type::kPrimary;
  std::vector<std::string> columns;
  std::string ref_table;  // kForeign: referenced table in the same source
  std::vector<std::string> ref_columns;
};

struct TableProfile {
  std::string source;
  std::string table;
  std::string kind = "table";     // "table" or "view"
  std::string fingerprint;        // SchemaFingerprint() of the columns
  int64_t row_count = -1;         // rows read when the whole table was read; -1 when sampled
  int64_t row_estimate = -1;      // the source's estimate at profiling time (-1 unknown)
  int64_t sample_size = 0;        // rows the column profiles are computed from
  std::string sampling = "full";  // "full", "reservoir" or "tablesample"
  std::string profiled_at;        // ISO-8601 UTC
  Provenance provenance = Provenance::kDiscovered;
  std::vector<ColumnProfile> columns;
  std::vector<DeclaredKey> keys;  // declared primary key (first) and foreign keys

  // The column with this name, or nullptr.
  const ColumnProfile* FindColumn(const std::string& name) const;
  // Declared primary-key column names (from `keys`), possibly empty.
  std::vector<std::string> PrimaryKey() const;
};

// A stable hash (hex) of the columns' names and declared types, in order.
std::string SchemaFingerprint(const std::vector<std::pair<std::string, std::string>>& columns);

// The 64-bit hash of a value's text rendering (see the top of this file). NULL hashes to 0 and
// is never added to a sketch.
uint64_t HashValue(const engine::Value& value);
// The text rendering used for hashing, min/max and top values.
std::string RenderValue(const engine::Value& value);

class ColumnProfiler {
 public:
  explicit ColumnProfiler(uint64_t seed = 0x6361697261ull);

  void Add(const engine::Value& value);
  // Completes the profile (name, types and provenance fields are left to the caller).
  void Finish(ColumnProfile* profile) const;

 private:
  HyperLogLog hll_;
  MinHash minhash_;
  // Exact distinct hashes until they exceed kMaxExactHashes (then cleared and overflowed_).
  std::unordered_map<uint64_t, int64_t> exact_;
  bool overflowed_ = false;
  // Frequency table for top values (bounded: Misra-Gries style decrement when full).
  std::unordered_map<std::string, int64_t> freq_;
  int64_t values_ = 0;
  int64_t nulls_ = 0;
  int64_t ints_ = 0, reals_ = 0, texts_ = 0, blobs_ = 0;
  int64_t total_length_ = 0;
  bool numeric_min_max_ = true;
  double min_num_ = 0, max_num_ = 0;
  std::optional<std::string> min_text_, max_text_;
  bool have_num_ = false;
  SemanticEvidence semantic_;
};

// The distinct tuples of some columns of one table (rows with a NULL in any of them left out):
// what checks a composite key as tuples rather than column by column. Exact hashes while there
// are at most kMaxExactHashes distinct tuples, else a MinHash signature and an estimated count.
struct TupleSketch {
  int64_t rows = 0;               // rows without a NULL in the columns
  double distinct = 0;            // distinct tuples (estimated when !exact)
  bool exact = false;             // `hashes` holds every distinct tuple
  std::vector<uint64_t> hashes;   // sorted, when exact
  std::vector<uint64_t> minhash;  // kMinHashSize values, or empty (no rows)
};

// Builds a TupleSketch from rows of values, in bounded memory. A tuple's hash combines its
// values' HashValue in column order, so two tables' tuples compare as a join on those columns
// in that order would.
class TupleProfiler {
 public:
  TupleProfiler();
  void Add(const std::vector<engine::Value>& values);
  TupleSketch Finish() const;

 private:
  HyperLogLog hll_;
  MinHash minhash_;
  std::unordered_set<uint64_t> exact_;  // cleared on overflow
  bool overflowed_ = false;
  int64_t rows_ = 0;
};

}  // namespace cairn::context
