#include "connectors/csv/csv_source.h"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <map>
#include <mutex>
#include <new>
#include <optional>
#include <string>
#include <system_error>
#include <unordered_set>
#include <utility>
#include <vector>

#include "connectors/common/pushdown.h"
#include "connectors/common/vtab.h"
#include "connectors/csv/csv_index.h"
#include "connectors/csv/csv_reader.h"
#include "connectors/csv/csv_values.h"

namespace cairn::connectors::csv {
namespace {

namespace fs = std::filesystem;

struct CsvOptions {
  fs::path dir;
  char delimiter = ',';
  bool header = true;
  int64_t sample_rows = 1000;
  std::string null_text;
  int64_t index_max_mb = 64;  // 0: no indexes
};

// One file of the directory, as Tables() found it.
struct CsvTable {
  TableInfo info;
  fs::path path;
  std::string file_name;
  std::vector<ColumnType> types;
};

std::string AsciiLower(std::string_view text) {
  std::string out(text);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

bool HasCsvExtension(const fs::path& path) {
  return AsciiLower(path.extension().string()) == ".csv";
}

class CsvSource : public Source {
 public:
  CsvSource(std::string name, CsvOptions options)
      : Source(std::move(name), "csv"), options_(std::move(options)) {}

  std::string Location() const override { return "csv:" + options_.dir.string(); }

  Status Check() override { return CheckDirectory(); }

  Status CheckDirectory() const {
    std::error_code ec;
    fs::file_status status = fs::status(options_.dir, ec);
    if (status.type() == fs::file_type::not_found) {
      return NotFoundError("{}: directory {} does not exist", name(), options_.dir.string());
    }
    if (ec) {
      return UnavailableError("{}: cannot access {}: {}", name(), options_.dir.string(),
                              ec.message());
    }
    if (!fs::is_directory(status)) {
      return InvalidArgumentError("{}: {} is not a directory", name(), options_.dir.string());
    }
    fs::directory_iterator it(options_.dir, ec);
    if (ec) {
      return UnavailableError("{}: cannot list {}: {}", name(), options_.dir.string(),
                              ec.message());
    }
    return OkStatus();
  }

  Result<std::vector<TableInfo>> Tables() override {
    RETURN_IF_ERROR(EnsureTables());
    std::vector<TableInfo> out;
    out.reserve(tables_->size());
    for (const CsvTable& table : *tables_) out.push_back(table.info);
    return out;
  }

  // The file for `name` found in the directory now and its header and types inferred again,
  // unless the file is unchanged (size and modification time) since the last call.
  Result<std::optional<TableInfo>> CurrentTable(const std::string& name) override {
    ASSIGN_OR_RETURN(std::vector<fs::path> files, CsvFiles());
    std::optional<fs::path> found;
    for (const fs::path& path : files) {
      const std::string stem = path.stem().string();
      if (stem == name) {
        found = path;
        break;
      }
      if (!found && AsciiLower(stem) == AsciiLower(name)) found = path;
    }
    if (!found) return std::optional<TableInfo>();
    ASSIGN_OR_RETURN(FileSignature signature, StatFile(*found));
    auto cached = current_.find(found->string());
    if (cached != current_.end() && cached->second.first == signature) {
      return std::optional<TableInfo>(cached->second.second);
    }
    ASSIGN_OR_RETURN(CsvTable table,
                     InferTable(*found, found->filename().string(), found->stem().string()));
    current_[found->string()] = {signature, table.info};
    return std::optional<TableInfo>(std::move(table.info));
  }

  const sqlite3_module* Module() const override;

  const CsvOptions& options() const { return options_; }

  // How to read `table`'s file.
  ReadSpec SpecFor(const CsvTable& table) const {
    ReadSpec spec;
    spec.path = table.path;
    spec.file_name = table.file_name;
    spec.delimiter = options_.delimiter;
    spec.header = options_.header;
    spec.null_text = options_.null_text;
    spec.types = table.types;
    return spec;
  }

  int64_t IndexBudgetBytes() const { return options_.index_max_mb << 20; }

  // Whether xBestIndex may offer an index on `column` of `table`: indexes are enabled, the
  // table's estimated size fits the budget, and no earlier build of it ran over the budget.
  bool IndexAllowed(const CsvTable& table, size_t column) {
    if (options_.index_max_mb <= 0 || table.info.row_estimate < 0) return false;
    if (table.info.row_estimate > IndexBudgetBytes() / kEstimatedBytesPerRow) return false;
    std::lock_guard<std::mutex> lock(indexes_mutex_);
    auto it = indexes_.find({table.info.name, column});
    return it == indexes_.end() || !it->second.over_budget;
  }

  // Rows per probe of the built index on `column` of `table`; nullopt when none is built yet.
  std::optional<double> IndexRowsPerKey(const CsvTable& table, size_t column) {
    std::lock_guard<std::mutex> lock(indexes_mutex_);
    auto it = indexes_.find({table.info.name, column});
    if (it == indexes_.end() || it->second.index == nullptr) return std::nullopt;
    return it->second.index->RowsPerKey();
  }

  // The index on `column` of `table`, built now if there is none or the file changed since it
  // was built. ResourceExhausted when it does not fit index_max_mb (and it is not offered
  // again); otherwise the errors of ColumnIndex::Build, without the source name.
  Result<std::shared_ptr<const ColumnIndex>> Index(const CsvTable& table, size_t column) {
    std::lock_guard<std::mutex> lock(indexes_mutex_);
    IndexSlot& slot = indexes_[{table.info.name, column}];
    if (slot.over_budget) {
      return ResourceExhaustedError("{}: index on column {} is over index_max_mb", table.file_name,
                                    column + 1);
    }
    if (slot.index != nullptr) {
      ASSIGN_OR_RETURN(FileSignature now, StatFile(table.path));
      if (now == slot.index->file()->signature()) return slot.index;
      slot.index.reset();
    }
    Result<std::unique_ptr<ColumnIndex>> built =
        ColumnIndex::Build(SpecFor(table), column, IndexBudgetBytes());
    if (!built.ok()) {
      if (built.status().code() == StatusCode::kResourceExhausted) slot.over_budget = true;
      return built.status();
    }
    slot.index = std::move(built).value();
    return slot.index;
  }

  // The table named `name` (exactly as Tables() lists it). NotFound when there is none.
  Result<CsvTable> FindTable(const std::string& name) {
    RETURN_IF_ERROR(EnsureTables());
    for (const CsvTable& table : *tables_) {
      if (table.info.name == name) return table;
    }
    return NotFoundError("{}: no table '{}' in {}", this->name(), name, options_.dir.string());
  }

  // A reader positioned on the first data record (the header, if any, consumed). Errors carry
  // the file name but not the source name.
  Result<std::unique_ptr<CsvReader>> OpenReader(const fs::path& path,
                                                const std::string& file_name) const {
    ASSIGN_OR_RETURN(std::unique_ptr<ByteInput> input, OpenFileInput(path));
    CsvReader::Options reader_options;
    reader_options.delimiter = options_.delimiter;
    auto reader = std::make_unique<CsvReader>(std::move(input), file_name, reader_options);
    if (options_.header) {
      ASSIGN_OR_RETURN(bool has_header, reader->Next());
      (void)has_header;
    }
    return reader;
  }

 private:
  Status EnsureTables() {
    if (tables_.has_value()) return OkStatus();
    ASSIGN_OR_RETURN(std::vector<CsvTable> tables, LoadTables());
    tables_ = std::move(tables);
    return OkStatus();
  }

  Result<std::vector<CsvTable>> LoadTables() const {
    ASSIGN_OR_RETURN(std::vector<fs::path> files, CsvFiles());
    std::map<std::string, std::string> seen;  // lower-cased table name -> file name
    std::vector<CsvTable> tables;
    for (const fs::path& path : files) {
      const std::string file_name = path.filename().string();
      const std::string table_name = path.stem().string();
      auto [it, inserted] = seen.emplace(AsciiLower(table_name), file_name);
      if (!inserted) {
        return InvalidArgumentError(
            "{}: files {} and {} both map to table '{}' (table names ignore ASCII case); "
            "rename one",
            name(), it->second, file_name, table_name);
      }
      ASSIGN_OR_RETURN(CsvTable table, InferTable(path, file_name, table_name));
      tables.push_back(std::move(table));
    }
    return tables;
  }

  // The directory's CSV files, by file name.
  Result<std::vector<fs::path>> CsvFiles() const {
    RETURN_IF_ERROR(CheckDirectory());
    std::vector<fs::path> files;
    std::error_code ec;
    for (fs::directory_iterator it(options_.dir, ec), end; !ec && it != end; it.increment(ec)) {
      std::error_code type_ec;
      if (!it->is_regular_file(type_ec) || !HasCsvExtension(it->path())) continue;
      files.push_back(it->path());
    }
    if (ec) {
      return UnavailableError("{}: cannot list {}: {}", name(), options_.dir.string(),
                              ec.message());
    }
    std::sort(files.begin(), files.end(), [](const fs::path& a, const fs::path& b) {
      return a.filename().string() < b.filename().string();
    });
    return files;
  }

  Result<CsvTable> InferTable(const fs::path& path, const std::string& file_name,
                              const std::string& table_name) const {
    CsvTable table;
    table.path = path;
    table.file_name = file_name;
    table.info.name = table_name;
    table.info.stable_rowid = true;  // the line where the record starts
    auto located = [&](const Status& status) { return status.WithContext(name()); };

    Result<std::unique_ptr<ByteInput>> input = OpenFileInput(path);
    if (!input.ok()) return located(input.status());
    CsvReader::Options reader_options;
    reader_options.delimiter = options_.delimiter;
    CsvReader reader(std::move(input).value(), file_name, reader_options);

    Result<bool> first = reader.Next();
    if (!first.ok()) return located(first.status());
    if (!*first) {
      return InvalidArgumentError(
          "{}: {}: empty file ({})", name(), file_name,
          options_.header ? "expected a header row" : "no record to count the columns of");
    }
    const size_t column_count = reader.field_count();
    std::vector<std::string> names;
    if (options_.header) {
      std::map<std::string, size_t> seen;  // lower-cased name -> 1-based column
      for (size_t i = 0; i < column_count; ++i) {
        std::string column_name(reader.field(i));
        if (column_name.empty()) {
          return located(reader.ErrorAt(reader.record_line(), i + 1, "empty column name"));
        }
        auto [it, inserted] = seen.emplace(AsciiLower(column_name), i + 1);
        if (!inserted) {
          return located(reader.ErrorAt(
              reader.record_line(), i + 1,
              fmt::format("duplicate column name '{}' (also column {})", column_name, it->second)));
        }
        names.push_back(std::move(column_name));
      }
    } else {
      for (size_t i = 0; i < column_count; ++i) names.push_back(fmt::format("c{}", i + 1));
    }

    // Sample. A bad record ends the sample; the scan that reaches it reports it.
    std::vector<TypeInference> inference(column_count);
    int64_t sampled = 0;
    bool reached_end = false;
    const int64_t data_start = options_.header ? reader.bytes_consumed() : 0;
    int64_t sampled_bytes = 0;
    bool pending = !options_.header;  // without a header the first record is data
    while (sampled < options_.sample_rows) {
      if (!pending) {
        Result<bool> next = reader.Next();
        if (!next.ok()) break;
        if (!*next) {
          reached_end = true;
          break;
        }
      }
      pending = false;
      if (reader.field_count() != column_count) break;
      for (size_t i = 0; i < column_count; ++i) {
        std::string_view value = reader.field(i);
        if (!reader.quoted(i) && value == options_.null_text) {
          inference[i].AddNull();
        } else {
          inference[i].Add(value);
        }
      }
      ++sampled;
      sampled_bytes = reader.bytes_consumed() - data_start;
    }
    if (!reached_end && sampled == options_.sample_rows) {
      Result<bool> next = reader.Next();
      reached_end = next.ok() && !*next;
    }

    table.types.reserve(column_count);
    for (size_t i = 0; i < column_count; ++i) {
      ColumnInfo column;
      column.name = names[i];
      table.types.push_back(inference[i].type());
      column.type = std::string(ColumnTypeName(table.types.back()));
      column.source_type = fmt::format("csv: inferred from {} rows", sampled);
      table.info.columns.push_back(std::move(column));
    }
    if (reached_end) {
      table.info.row_estimate = sampled;
    } else {
      std::error_code ec;
      auto size = static_cast<int64_t>(fs::file_size(path, ec));
      if (!ec && sampled > 0 && sampled_bytes > 0) {
        table.info.row_estimate = std::max<int64_t>(
            sampled, static_cast<int64_t>(static_cast<double>(size - data_start) * sampled /
                                          static_cast<double>(sampled_bytes)));
      }
    }
    return table;
  }

  struct IndexSlot {
    std::shared_ptr<const ColumnIndex> index;
    bool over_budget = false;  // a build ran over index_max_mb; sticky for the source's life
  };

  CsvOptions options_;
  std::optional<std::vector<CsvTable>> tables_;
  // CurrentTable()'s last reading of each file, by path.
  std::map<std::string, std::pair<FileSignature, TableInfo>> current_;
  std::mutex indexes_mutex_;  // guards indexes_
  // (table name, 0-based column) -> its index. Built indexes are immutable and shared with the
  // cursors reading them, so a rebuild never pulls one from under a running query.
  std::map<std::pair<std::string, size_t>, IndexSlot> indexes_;
};

// ---- The virtual table ----------------------------------------------------------------------

struct CsvVtab : sqlite3_vtab {
  CsvSource* source = nullptr;
  CsvTable table;
};

// A cursor runs one of three plans, chosen by xFilter:
//   full scan      `reader` streams the file;
//   index probe    `index` is set; `matches` lists the records to read, `reader` holds the
//                  current one (read with ReadRecordAt);
//   filtered scan  `filter_column` >= 0: a full scan returning only the records whose keys meet
//                  `filter_keys` (the index was offered but did not fit its budget).
struct CsvCursor : sqlite3_vtab_cursor {
  std::unique_ptr<CsvReader> reader;
  bool eof = true;
  ReadSpec spec;  // set by xFilter for an index probe
  std::shared_ptr<const ColumnIndex> index;
  std::vector<RecordRef> matches;
  size_t next_match = 0;
  int filter_column = -1;
  std::unordered_set<std::string> filter_keys;
  // The index this scan's first probe on `probed_column` found (checked against the file then);
  // kept across xFilter calls so that later probes neither lock nor stat.
  std::shared_ptr<const ColumnIndex> probed_index;
  size_t probed_column = 0;

  void Reset() {
    reader.reset();
    eof = true;
    index.reset();
    matches.clear();
    next_match = 0;
    filter_column = -1;
    filter_keys.clear();
  }
};

// idxNum of an index probe: ((column + 1) << 1) | 1 if argv[0] is a whole IN list. 0 is a scan.
constexpr int kInListBit = 1;

// Reports `status` from a callback, prefixed with the source name, keeping its code.
int Fail(CsvVtab* vtab, const Status& status) {
  return SetVtabError(vtab, status.WithContext(vtab->source->name()));
}

int XConnect(sqlite3* db, void* aux, int argc, const char* const* argv, sqlite3_vtab** out,
             char** error) {
  auto* source = static_cast<CsvSource*>(aux);
  try {
    if (argc < 4 || argv[3] == nullptr) {
      *error = sqlite3_mprintf("%s: expected the table name as the module argument",
                               source->name().c_str());
      return SQLITE_ERROR;
    }
    Result<CsvTable> table = source->FindTable(UnquoteIdentifier(argv[3]));
    if (!table.ok()) {
      *error = sqlite3_mprintf("%s", table.status().message().c_str());
      return SQLITE_ERROR;
    }
    std::string sql = DeclareVtabSql(table->info);
    int rc = sqlite3_declare_vtab(db, sql.c_str());
    if (rc != SQLITE_OK) {
      *error = sqlite3_mprintf("%s: cannot declare table '%s': %s", source->name().c_str(),
                               table->info.name.c_str(), sqlite3_errmsg(db));
      return rc;
    }
    auto vtab = std::make_unique<CsvVtab>();
    vtab->pModule = nullptr;
    vtab->nRef = 0;
    vtab->zErrMsg = nullptr;
    vtab->source = source;
    vtab->table = std::move(table).value();
    *out = vtab.release();
    return SQLITE_OK;
  } catch (const std::bad_alloc&) {
    return SQLITE_NOMEM;
  } catch (const std::exception& e) {
    *error = sqlite3_mprintf("%s: %s", source->name().c_str(), e.what());
    return SQLITE_ERROR;
  }
}

int XDisconnect(sqlite3_vtab* vtab) {
  delete static_cast<CsvVtab*>(vtab);
  return SQLITE_OK;
}

// Rows an all-at-once IN list is assumed to probe for (SQLite does not say how long it is).
constexpr double kInListProbes = 4.0;
// Rows one probe of a column whose index is not built yet is assumed to return.
constexpr double kUnknownRowsPerKey = 10.0;

// Offers a full scan, or an index probe on one equality (or IN) constraint. The probe leaves the
// constraint for SQLite to re-check (omit = 0): the index returns a superset (csv_index.h).
int XBestIndex(sqlite3_vtab* base, sqlite3_index_info* info) {
  auto* vtab = static_cast<CsvVtab*>(base);
  return Guard(base, [&]() -> int {
    const CsvTable& table = vtab->table;
    const double rows =
        static_cast<double>(table.info.row_estimate >= 0 ? table.info.row_estimate : 100000);
    const double row_cost = static_cast<double>(table.info.columns.size() + 1);
    info->idxNum = 0;
    info->estimatedRows = static_cast<sqlite3_int64>(rows);
    info->estimatedCost = 10.0 + rows * row_cost;

    int best = -1;
    bool best_in = false;
    double best_rows = 0;
    for (int i = 0; i < info->nConstraint; ++i) {
      const auto& constraint = info->aConstraint[i];
      if (!constraint.usable || constraint.op != SQLITE_INDEX_CONSTRAINT_EQ) continue;
      if (constraint.iColumn < 0 ||
          static_cast<size_t>(constraint.iColumn) >= table.info.columns.size()) {
        continue;
      }
      // The index compares bytewise; `x = 'a' COLLATE NOCASE` stays with SQLite.
      const char* collation = sqlite3_vtab_collation(info, i);
      if (collation != nullptr && sqlite3_stricmp(collation, "BINARY") != 0) continue;
      const auto column = static_cast<size_t>(constraint.iColumn);
      if (!vtab->source->IndexAllowed(table, column)) continue;
      const bool in_list = sqlite3_vtab_in(info, i, -1) != 0;
      double per_key = vtab->source->IndexRowsPerKey(table, column).value_or(kUnknownRowsPerKey);
      double estimate = std::min(rows, per_key * (in_list ? kInListProbes : 1.0));
      if (best < 0 || estimate < best_rows || (estimate == best_rows && best_in && !in_list)) {
        best = i;
        best_in = in_list;
        best_rows = estimate;
      }
    }
    if (best < 0) return SQLITE_OK;

    const int column = info->aConstraint[best].iColumn;
    char* idx_str = sqlite3_mprintf("%s(%s)", best_in ? "in" : "eq",
                                    table.info.columns[static_cast<size_t>(column)].name.c_str());
    if (idx_str == nullptr) return SQLITE_NOMEM;
    if (best_in) sqlite3_vtab_in(info, best, 1);
    info->aConstraintUsage[best].argvIndex = 1;
    info->aConstraintUsage[best].omit = 0;
    info->idxNum = ((column + 1) << 1) | (best_in ? kInListBit : 0);
    info->idxStr = idx_str;
    info->needToFreeIdxStr = 1;
    const double probes = best_in ? kInListProbes : 1.0;
    info->estimatedRows = static_cast<sqlite3_int64>(std::max(1.0, std::round(best_rows)));
    info->estimatedCost = probes * (4.0 + std::log2(rows + 1.0)) + best_rows * row_cost;
    return SQLITE_OK;
  });
}

int XOpen(sqlite3_vtab* vtab, sqlite3_vtab_cursor** out) {
  return Guard(vtab, [&]() -> int {
    auto* cursor = new CsvCursor();
    cursor->pVtab = nullptr;
    *out = cursor;
    return SQLITE_OK;
  });
}

int XClose(sqlite3_vtab_cursor* cursor) {
  delete static_cast<CsvCursor*>(cursor);
  return SQLITE_OK;
}

// True if the current record's field in the cursor's filter column may equal a probe.
bool MatchesFilter(const CsvCursor& cursor, const CsvVtab& vtab) {
  const auto column = static_cast<size_t>(cursor.filter_column);
  const CsvReader& reader = *cursor.reader;
  std::string_view text = reader.field(column);
  if (IsNullField(text, reader.quoted(column), vtab.source->options().null_text)) return false;
  std::vector<std::string> keys;
  AddFieldKeys(vtab.table.types[column], text, &keys);
  for (const std::string& key : keys) {
    if (cursor.filter_keys.count(key) != 0) return true;
  }
  return false;
}

// Reads the next record (of the scan, or the next match of a probe) into the cursor, checking it.
int Advance(CsvCursor* cursor) {
  auto* vtab = static_cast<CsvVtab*>(cursor->pVtab);
  cursor->eof = true;
  return Guard(vtab, [&]() -> int {
    if (cursor->index != nullptr) {
      if (cursor->next_match == cursor->matches.size()) {
        cursor->Reset();
        return SQLITE_OK;
      }
      Result<std::unique_ptr<CsvReader>> reader =
          ReadRecordAt(cursor->spec, cursor->index->file(), cursor->matches[cursor->next_match++]);
      if (!reader.ok()) return Fail(vtab, reader.status());
      cursor->reader = std::move(reader).value();
      cursor->eof = false;
      return SQLITE_OK;
    }
    if (cursor->reader == nullptr) return SQLITE_OK;  // the scan already ended
    CsvReader& reader = *cursor->reader;
    for (;;) {
      Result<bool> next = reader.Next();
      if (!next.ok()) return Fail(vtab, next.status());
      if (!*next) {
        cursor->reader.reset();  // release the file and buffer as soon as the scan ends
        return SQLITE_OK;
      }
      Status fields = CheckFieldCount(reader, vtab->table.info.columns.size());
      if (!fields.ok()) return Fail(vtab, fields);
      if (cursor->filter_column < 0 || MatchesFilter(*cursor, *vtab)) break;
    }
    cursor->eof = false;
    return SQLITE_OK;
  });
}

// Collects the keys of an index probe's argument (one value, or a whole IN list).
int CollectProbeKeys(sqlite3_value* argument, bool in_list, std::vector<std::string>* keys) {
  if (!in_list) {
    AddProbeKeys(argument, keys);
    return SQLITE_OK;
  }
  std::vector<sqlite3_value*> values;
  int rc = pushdown::CollectInValues(argument, &values);
  if (rc == SQLITE_OK) {
    try {
      for (sqlite3_value* value : values) AddProbeKeys(value, keys);
    } catch (...) {
      pushdown::FreeValues(&values);
      throw;
    }
  }
  pushdown::FreeValues(&values);
  return rc;
}

int XFilter(sqlite3_vtab_cursor* base, int idx_num, const char*, int argc, sqlite3_value** argv) {
  auto* cursor = static_cast<CsvCursor*>(base);
  auto* vtab = static_cast<CsvVtab*>(cursor->pVtab);
  cursor->Reset();
  int rc = Guard(vtab, [&]() -> int {
    if (idx_num != 0 && argc >= 1) {
      const auto column = static_cast<size_t>((idx_num >> 1) - 1);
      std::vector<std::string> keys;
      int keys_rc = CollectProbeKeys(argv[0], (idx_num & kInListBit) != 0, &keys);
      if (keys_rc != SQLITE_OK) return keys_rc;
      if (keys.empty()) return SQLITE_DONE;  // NULL (or BLOB) probes: `=` holds for no row
      if (cursor->probed_index != nullptr && cursor->probed_column == column) {
        cursor->matches = cursor->probed_index->Lookup(keys);
        cursor->index = cursor->probed_index;
        return SQLITE_OK;
      }
      Result<std::shared_ptr<const ColumnIndex>> index = vtab->source->Index(vtab->table, column);
      if (index.ok()) {
        cursor->spec = vtab->source->SpecFor(vtab->table);
        cursor->matches = (*index)->Lookup(keys);
        cursor->index = std::move(index).value();
        cursor->probed_index = cursor->index;
        cursor->probed_column = column;
        return SQLITE_OK;
      }
      if (index.status().code() != StatusCode::kResourceExhausted) {
        return Fail(vtab, index.status());
      }
      // Over budget: scan, keeping the records that may match.
      cursor->filter_column = static_cast<int>(column);
      cursor->filter_keys.insert(keys.begin(), keys.end());
    }
    Result<std::unique_ptr<CsvReader>> reader =
        vtab->source->OpenReader(vtab->table.path, vtab->table.file_name);
    if (!reader.ok()) return Fail(vtab, reader.status());
    cursor->reader = std::move(reader).value();
    return SQLITE_OK;
  });
  if (rc == SQLITE_DONE) return SQLITE_OK;  // eof already set
  return rc == SQLITE_OK ? Advance(cursor) : rc;
}

int XNext(sqlite3_vtab_cursor* base) { return Advance(static_cast<CsvCursor*>(base)); }

int XEof(sqlite3_vtab_cursor* base) { return static_cast<CsvCursor*>(base)->eof ? 1 : 0; }

int XColumn(sqlite3_vtab_cursor* base, sqlite3_context* context, int column) {
  auto* cursor = static_cast<CsvCursor*>(base);
  auto* vtab = static_cast<CsvVtab*>(cursor->pVtab);
  const CsvReader* reader = cursor->reader.get();
  if (reader == nullptr || cursor->eof || column < 0 ||
      static_cast<size_t>(column) >= reader->field_count()) {
    sqlite3_result_null(context);
    return SQLITE_OK;
  }
  const auto i = static_cast<size_t>(column);
  std::string_view text = reader->field(i);
  if (!reader->quoted(i) && text == vtab->source->options().null_text) {
    sqlite3_result_null(context);
    return SQLITE_OK;
  }
  switch (vtab->table.types[i]) {
    case ColumnType::kInteger: {
      int64_t value;
      if (ParseInteger(text, &value)) {
        sqlite3_result_int64(context, value);
        return SQLITE_OK;
      }
      break;
    }
    case ColumnType::kReal: {
      double value;
      if (ParseReal(text, &value)) {
        sqlite3_result_double(context, value);
        return SQLITE_OK;
      }
      break;
    }
    case ColumnType::kText:
      break;
  }
  // Text as written; also a value that does not fit its column's inferred type.
  sqlite3_result_text64(context, text.data(), text.size(), SQLITE_TRANSIENT, SQLITE_UTF8);
  return SQLITE_OK;
}

int XRowid(sqlite3_vtab_cursor* base, sqlite3_int64* rowid) {
  auto* cursor = static_cast<CsvCursor*>(base);
  *rowid = cursor->reader != nullptr ? cursor->reader->record_line() : 0;
  return SQLITE_OK;
}

// xCreate is a distinct function so that the module is not eponymous (see vtab.h).
int XCreate(sqlite3* db, void* aux, int argc, const char* const* argv, sqlite3_vtab** out,
            char** error) {
  return XConnect(db, aux, argc, argv, out, error);
}

const sqlite3_module kModule = ReadOnlyModule({XConnect, XBestIndex, XDisconnect, XOpen, XClose,
                                               XFilter, XNext, XEof, XColumn, XRowid, XCreate});

const sqlite3_module* CsvSource::Module() const { return &kModule; }

// ---- Options --------------------------------------------------------------------------------

Result<bool> ParseBool(const SourceConfig& config, const std::string& key, bool fallback) {
  ASSIGN_OR_RETURN(std::string text, config.GetOr(key, fallback ? "true" : "false"));
  std::string lower = AsciiLower(text);
  if (lower == "true" || lower == "yes" || lower == "on" || lower == "1") return true;
  if (lower == "false" || lower == "no" || lower == "off" || lower == "0") return false;
  return config.ErrorAt(key, StatusCode::kInvalidArgument,
                        fmt::format("expected true or false, got '{}'", text));
}

Result<CsvOptions> ParseOptions(const SourceConfig& config) {
  CsvOptions options;
  ASSIGN_OR_RETURN(options.dir, config.GetPath("path"));

  ASSIGN_OR_RETURN(std::string delimiter, config.GetOr("delimiter", ","));
  if (delimiter == "tab" || delimiter == "\\t") delimiter = "\t";
  if (delimiter.size() != 1 || delimiter[0] == '"' || delimiter[0] == '\n' ||
      delimiter[0] == '\r') {
    return config.ErrorAt("delimiter", StatusCode::kInvalidArgument,
                          fmt::format("expected one character other than '\"', CR or LF "
                                      "(or 'tab'), got '{}'",
                                      delimiter));
  }
  options.delimiter = delimiter[0];

  ASSIGN_OR_RETURN(options.header, ParseBool(config, "header", true));

  ASSIGN_OR_RETURN(options.sample_rows, config.GetInt("sample_rows", 1000));
  if (options.sample_rows < 1) {
    return config.ErrorAt("sample_rows", StatusCode::kInvalidArgument,
                          fmt::format("must be at least 1, got {}", options.sample_rows));
  }

  ASSIGN_OR_RETURN(options.null_text, config.GetOr("null_value", ""));

  ASSIGN_OR_RETURN(options.index_max_mb, config.GetInt("index_max_mb", 64));
  if (options.index_max_mb < 0 || options.index_max_mb > (int64_t{1} << 40)) {
    return config.ErrorAt("index_max_mb", StatusCode::kInvalidArgument,
                          fmt::format("must be between 0 and 2^40, got {}", options.index_max_mb));
  }
  return options;
}

}  // namespace

KindSpec Kind() {
  KindSpec spec;
  spec.name = "csv";
  spec.summary = "a directory of CSV files, one table per file";
  spec.options = {
      {"path", true, false, false, "directory holding the .csv files"},
      {"delimiter", false, false, false, "field delimiter, one character or 'tab' (default ,)"},
      {"header", false, false, false, "first record names the columns (default true)"},
      {"sample_rows", false, false, false, "rows read to infer column types (default 1000)"},
      {"null_value", false, false, false, "unquoted text meaning NULL (default: empty field)"},
      {"index_max_mb", false, false, false,
       "memory bound of each lazily built equality index, in MiB (default 64; 0 disables)"},
  };
  spec.open = [](const SourceConfig& config) -> Result<std::unique_ptr<Source>> {
    ASSIGN_OR_RETURN(CsvOptions options, ParseOptions(config));
    return std::unique_ptr<Source>(new CsvSource(config.name, std::move(options)));
  };
  return spec;
}

}  // namespace cairn::connectors::csv
