#pragma once

// In-memory equality indexes over one column of a CSV file, and the keys they compare by.
//
// A ColumnIndex maps the value of one column to the records holding it, as (byte offset, physical
// line) of each record start, so a probe reads just those records again (ReadRecordAt) instead of
// the whole file. It is built by one full read of the file, checks every record as a scan does
// (the same errors, naming file, line and column) and is immutable afterwards.
//
// Keys. SQLite compares a column with a value under affinity rules that may turn text into a
// number or a number into text, so the index is a superset filter: a lookup returns at least
// every record SQLite would find equal to the probe (and possibly a few more), and the virtual
// table leaves the constraint for SQLite to re-check (omit = 0). To that end a field is indexed
// under the value the virtual table returns for it (an integer, a real, or its text) and, when
// that is text that reads as a number to SQLite's NUMERIC affinity (" 42", "4.2e1", "+7"), also
// under that number; a probe looks up its own value, its text rendering as SQLite makes it, its
// number when it is numeric text, and the neighbouring doubles of a real (so that rounding
// differences between parsers cannot lose a row). Numbers are keyed by value: an integral
// double is the same key as the integer (42.0 and 42), as SQLite compares them. NULL fields are
// not indexed and a NULL or BLOB probe finds nothing, as `=` never holds for them.
//
// Memory: Build() tracks an estimate of the bytes it holds (records, keys, postings; see
// kEstimatedBytesPerRow for the planning figure) and gives up with ResourceExhausted as soon as it
// would exceed its budget.
//
// Thread-safety: a built ColumnIndex is immutable and may be read from several threads.

#include <sqlite3.h>

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "connectors/csv/csv_reader.h"
#include "connectors/csv/csv_values.h"
#include "core/status.h"

namespace cairn::connectors::csv {

// How a table's file is read; shared by scans, index builds and probes.
struct ReadSpec {
  std::filesystem::path path;
  std::string file_name;  // names the file in error messages
  char delimiter = ',';
  bool header = true;
  std::string null_text;
  std::vector<ColumnType> types;  // one per column: the expected field count
};

// Where a record starts.
struct RecordRef {
  int64_t offset = 0;  // byte offset in the file
  int64_t line = 0;    // 1-based physical line
};

// A planning estimate of an index's bytes per record (record position, one or two postings,
// a hash-map node and its bucket), for deciding before the build whether it fits a budget.
inline constexpr int64_t kEstimatedBytesPerRow = 128;

// Appends the keys under which a non-NULL field `text` of a column of type `type` is indexed.
void AddFieldKeys(ColumnType type, std::string_view text, std::vector<std::string>* keys);

// Appends the keys a probe `value` looks up (none for NULL and BLOB). Does not modify `value`.
// Throws std::bad_alloc when out of memory (callers run inside Guard()).
void AddProbeKeys(sqlite3_value* value, std::vector<std::string>* keys);

// True if the field (`text`, written in quotes or not) is NULL under `null_text`.
inline bool IsNullField(std::string_view text, bool quoted, const std::string& null_text) {
  return !quoted && text == null_text;
}

// InvalidArgument "<file>:<line>: column <n>: expected <e> fields, found <f>" when the current
// record of `reader` does not have `expected` fields.
Status CheckFieldCount(const CsvReader& reader, size_t expected);

class ColumnIndex {
 public:
  // Reads the file of `spec` once and indexes column `column` (0-based). Returns the first error a
  // scan would report (InvalidArgument for a malformed record, NotFound/Unavailable for the file),
  // or ResourceExhausted when the index would take more than `max_bytes`.
  static Result<std::unique_ptr<ColumnIndex>> Build(const ReadSpec& spec, size_t column,
                                                    int64_t max_bytes);

  ColumnIndex(const ColumnIndex&) = delete;
  ColumnIndex& operator=(const ColumnIndex&) = delete;

  // Records that may hold a value equal to any of the probes whose keys are `keys`, each once,
  // in file order.
  std::vector<RecordRef> Lookup(const std::vector<std::string>& keys) const;

  // The file as it was read for the build; probes read through it, and compare its signature
  // with the file's current one to notice a change.
  const std::shared_ptr<const FileHandle>& file() const { return file_; }

  size_t record_count() const { return records_.size(); }
  size_t key_count() const { return heads_.size(); }
  // Average records per key (at least 1): the planner's rows for one probe.
  double RowsPerKey() const;
  // Estimated bytes held.
  int64_t memory_bytes() const { return bytes_; }

 private:
  struct Posting {
    uint32_t record;
    uint32_t next;  // index into postings_, or kEnd
  };
  static constexpr uint32_t kEnd = UINT32_MAX;

  explicit ColumnIndex(std::shared_ptr<const FileHandle> file) : file_(std::move(file)) {}
  void Add(std::string key, uint32_t record);

  std::shared_ptr<const FileHandle> file_;
  std::vector<RecordRef> records_;
  std::vector<Posting> postings_;
  std::unordered_map<std::string, uint32_t> heads_;  // key -> first posting
  int64_t bytes_ = 0;
};

// Reads the record that starts at `ref` in `file` and checks it as a scan does (quoting, UTF-8,
// field count), with the same error messages. Unavailable when no record starts there any more
// (the file changed under the index).
Result<std::unique_ptr<CsvReader>> ReadRecordAt(const ReadSpec& spec,
                                                std::shared_ptr<const FileHandle> file,
                                                RecordRef ref);

}  // namespace cairn::connectors::csv
