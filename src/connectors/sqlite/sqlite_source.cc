#include "connectors/sqlite/sqlite_source.h"

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <system_error>
#include <unordered_map>

#include "connectors/common/pushdown.h"
#include "connectors/common/vtab.h"
#include "core/strings.h"

namespace cairn::connectors::sqlite {
namespace {

namespace pd = ::cairn::connectors::pushdown;

constexpr uintmax_t kCountRowsUpToBytes = 64u << 20;

// The affinity SQLite gives a declared type (https://sqlite.org/datatype3.html, 3.1).
std::string AffinityType(const std::string& declared) {
  std::string upper = declared;
  std::transform(upper.begin(), upper.end(), upper.begin(),
                 [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
  auto has = [&](const char* word) { return upper.find(word) != std::string::npos; };
  if (has("INT")) return "INTEGER";
  if (has("CHAR") || has("CLOB") || has("TEXT")) return "TEXT";
  if (has("BLOB")) return "BLOB";
  if (upper.empty()) return "";
  if (has("REAL") || has("FLOA") || has("DOUB")) return "REAL";
  return "NUMERIC";
}

// Finalizes a statement when it goes out of scope.
class Statement {
 public:
  Statement() = default;
  ~Statement() { sqlite3_finalize(stmt_); }
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;

  int Prepare(sqlite3* db, const std::string& sql) {
    sqlite3_finalize(stmt_);
    stmt_ = nullptr;
    return sqlite3_prepare_v2(db, sql.c_str(), static_cast<int>(sql.size()), &stmt_, nullptr);
  }
  sqlite3_stmt* get() const { return stmt_; }

 private:
  sqlite3_stmt* stmt_ = nullptr;
};

class SqliteSource : public Source {
 public:
  static Result<std::unique_ptr<Source>> Open(const SourceConfig& config);

  ~SqliteSource() override { sqlite3_close_v2(db_); }

  std::string Location() const override { return "sqlite:" + path_.string(); }
  Status Check() override;
  Result<std::vector<TableInfo>> Tables() override;
  // Read from the file's schema now (SQLite re-reads it when another connection changed it),
  // without counting rows: row_estimate is sqlite_stat1's, else -1.
  Result<std::optional<TableInfo>> CurrentTable(const std::string& name) override {
    return DescribeNamed(name, /*count_rows=*/false);
  }
  const sqlite3_module* Module() const override;

  sqlite3* db() const { return db_; }

  // Source-prefixed error text of the connection's last failure.
  std::string Error(const std::string& what) const {
    return fmt::format("{}: {}: {}", name(), what, sqlite3_errmsg(db_));
  }

 private:
  SqliteSource(std::string name, std::filesystem::path path, sqlite3* db)
      : Source(std::move(name), "sqlite"), path_(std::move(path)), db_(db) {}

  // Fills info->foreign_keys from pragma foreign_key_list; a reference without columns names
  // the referenced table's primary key.
  Status ReadForeignKeys(TableInfo* info);
  Result<TableInfo> Describe(const std::string& table, const std::string& type, bool count_rows);
  // Whether the file has sqlite_stat1, and whether tables are small enough to count rows.
  bool HasStat1();
  bool CountsRows() const;
  // sqlite_stat1's row estimate of `table` (its table-wide row, else an index's), or nullopt.
  std::optional<int64_t> Stat1Estimate(const std::string& table);
  bool DescribesOneTable() const override { return true; }
  Result<std::optional<TableInfo>> DescribeTable(const std::string& name) override {
    return DescribeNamed(name, CountsRows());
  }
  // DescribeTable, counting rows (without sqlite_stat1) only when `count_rows`.
  Result<std::optional<TableInfo>> DescribeNamed(const std::string& name, bool count_rows);
  // A table or view of the file by name, matched as SQLite matches names (ASCII case folded):
  // its name as spelled in the schema and "table" or "view"; nullopt when there is none.
  struct Named {
    std::string name, type;
  };
  Result<std::optional<Named>> FindNamed(const std::string& name);

  std::filesystem::path path_;
  sqlite3* db_;  // owned
  std::optional<std::vector<TableInfo>> tables_;
  // FindNamed's index of the schema's tables and views by folded name, read in one scan of
  // sqlite_schema and read again when the file's schema version changes. A WHERE on
  // sqlite_schema reads every page of every CREATE statement for each lookup, and
  // pragma_table_list(name) compares every name: describing each of 10,000 tables one at a
  // time was quadratic either way.
  std::optional<int64_t> names_version_;
  std::unordered_map<std::string, Named> names_;
  // Stat1Estimate's copy of sqlite_stat1, read in one scan and read again when another
  // connection has committed to the file (PRAGMA data_version): a WHERE on it scans the whole
  // table, once for each table described.
  std::optional<int64_t> stat1_version_;
  std::unordered_map<std::string, int64_t> stat1_;
};

Result<std::unique_ptr<Source>> SqliteSource::Open(const SourceConfig& config) {
  ASSIGN_OR_RETURN(std::filesystem::path path, config.GetPath("path"));
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) {
    return config.ErrorAt("path", StatusCode::kNotFound,
                          fmt::format("no SQLite database file at '{}'", path.string()));
  }
  if (std::filesystem::is_directory(path, ec)) {
    return config.ErrorAt(
        "path", StatusCode::kInvalidArgument,
        fmt::format("'{}' is a directory, not an SQLite database file", path.string()));
  }
  sqlite3* db = nullptr;
  int rc = sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr);
  if (rc != SQLITE_OK) {
    std::string message = db ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
    sqlite3_close_v2(db);
    return config.ErrorAt("path", StatusCode::kUnavailable,
                          fmt::format("cannot open '{}': {}", path.string(), message));
  }
  sqlite3_extended_result_codes(db, 1);
  auto source = std::unique_ptr<SqliteSource>(new SqliteSource(config.name, path, db));
  rc = sqlite3_exec(db, "PRAGMA query_only = 1; SELECT count(*) FROM sqlite_schema", nullptr,
                    nullptr, nullptr);
  if (rc != SQLITE_OK) {
    int primary = rc & 0xff;
    StatusCode code = primary == SQLITE_NOTADB || primary == SQLITE_CORRUPT
                          ? StatusCode::kInvalidArgument
                          : StatusCode::kUnavailable;
    return config.ErrorAt("path", code,
                          fmt::format("cannot read '{}' as an SQLite database: {}", path.string(),
                                      sqlite3_errmsg(db)));
  }
  return std::unique_ptr<Source>(std::move(source));
}

Status SqliteSource::Check() {
  int rc = sqlite3_exec(db_, "SELECT count(*) FROM sqlite_schema", nullptr, nullptr, nullptr);
  if (rc != SQLITE_OK) return UnavailableError("{}", Error("cannot read " + path_.string()));
  return OkStatus();
}

Status SqliteSource::ReadForeignKeys(TableInfo* info) {
  Statement keys;
  if (keys.Prepare(db_,
                   "SELECT id, \"table\", \"from\", \"to\" FROM pragma_foreign_key_list(?1) "
                   "ORDER BY id, seq") != SQLITE_OK) {
    return UnavailableError("{}", Error("cannot read foreign keys of '" + info->name + "'"));
  }
  sqlite3_bind_text(keys.get(), 1, info->name.c_str(), -1, SQLITE_TRANSIENT);
  auto text = [&](int i) {
    const unsigned char* v = sqlite3_column_text(keys.get(), i);
    return v ? std::string(reinterpret_cast<const char*>(v)) : std::string();
  };
  int rc;
  int64_t last_id = -1;
  std::vector<bool> needs_pk;
  while ((rc = sqlite3_step(keys.get())) == SQLITE_ROW) {
    int64_t id = sqlite3_column_int64(keys.get(), 0);
    if (id != last_id || info->foreign_keys.empty()) {
      last_id = id;
      info->foreign_keys.push_back(ForeignKey{{}, text(1), {}});
      needs_pk.push_back(false);
    }
    ForeignKey& key = info->foreign_keys.back();
    key.columns.push_back(text(2));
    if (sqlite3_column_type(keys.get(), 3) == SQLITE_NULL) {
      needs_pk.back() = true;
    } else {
      key.ref_columns.push_back(text(3));
    }
  }
  if (rc != SQLITE_DONE) {
    return UnavailableError("{}", Error("cannot read foreign keys of '" + info->name + "'"));
  }
  for (size_t i = 0; i < info->foreign_keys.size(); ++i) {
    ForeignKey& key = info->foreign_keys[i];
    if (!needs_pk[i]) continue;
    key.ref_columns.clear();
    Statement pk;
    if (pk.Prepare(db_, "SELECT name FROM pragma_table_info(?1) WHERE pk > 0 ORDER BY pk") !=
        SQLITE_OK) {
      return UnavailableError("{}",
                              Error("cannot read the primary key of '" + key.ref_table + "'"));
    }
    sqlite3_bind_text(pk.get(), 1, key.ref_table.c_str(), -1, SQLITE_TRANSIENT);
    while (sqlite3_step(pk.get()) == SQLITE_ROW) {
      key.ref_columns.push_back(reinterpret_cast<const char*>(sqlite3_column_text(pk.get(), 0)));
    }
  }
  // Keys whose columns cannot be matched up (a reference to a table without a primary key)
  // are left out rather than reported half.
  std::erase_if(info->foreign_keys, [](const ForeignKey& key) {
    return key.columns.empty() || key.columns.size() != key.ref_columns.size();
  });
  return OkStatus();
}

// The name under which a table's own rowid can be selected: rowid, oid or _rowid_, whichever
// is not shadowed by a column.
std::string RowidName(const TableInfo& table) {
  for (const char* name : {"rowid", "oid", "_rowid_"}) {
    bool shadowed = false;
    for (const auto& column : table.columns) {
      shadowed = shadowed || sqlite3_stricmp(column.name.c_str(), name) == 0;
    }
    if (!shadowed) return name;
  }
  return "";
}

Result<TableInfo> SqliteSource::Describe(const std::string& table, const std::string& type,
                                         bool count_rows) {
  TableInfo info;
  info.name = table;
  info.kind = type == "view" ? "view" : "table";
  Statement columns;
  if (columns.Prepare(db_, "SELECT name, type, \"notnull\", pk FROM pragma_table_info(?1)") !=
      SQLITE_OK) {
    return UnavailableError("{}", Error("cannot describe table '" + table + "'"));
  }
  sqlite3_bind_text(columns.get(), 1, table.c_str(), -1, SQLITE_TRANSIENT);
  int rc;
  while ((rc = sqlite3_step(columns.get())) == SQLITE_ROW) {
    ColumnInfo column;
    auto text = [&](int i) {
      const unsigned char* v = sqlite3_column_text(columns.get(), i);
      return v ? std::string(reinterpret_cast<const char*>(v)) : std::string();
    };
    column.name = text(0);
    column.source_type = text(1);
    column.type = AffinityType(column.source_type);
    column.not_null = sqlite3_column_int(columns.get(), 2) != 0;
    column.primary_key = sqlite3_column_int(columns.get(), 3) > 0;
    info.columns.push_back(std::move(column));
  }
  if (rc != SQLITE_DONE || info.columns.empty()) {
    return UnavailableError("{}", Error("cannot describe table '" + table + "'"));
  }
  if (info.kind == "view") return info;
  // A rowid table's own rowid identifies its rows across scans (WITHOUT ROWID tables have none).
  if (const std::string rowid = RowidName(info); !rowid.empty()) {
    Statement probe;
    info.stable_rowid = probe.Prepare(db_, "SELECT " + rowid + " FROM " + QuoteIdentifier(table) +
                                               " LIMIT 0") == SQLITE_OK;
  }
  RETURN_IF_ERROR(ReadForeignKeys(&info));
  if (std::optional<int64_t> estimate = Stat1Estimate(table)) {
    info.row_estimate = *estimate;
    return info;
  }
  if (count_rows) {
    Statement count;
    if (count.Prepare(db_, "SELECT count(*) FROM " + QuoteIdentifier(table)) == SQLITE_OK &&
        sqlite3_step(count.get()) == SQLITE_ROW) {
      info.row_estimate = sqlite3_column_int64(count.get(), 0);
    }
  }
  return info;
}

bool SqliteSource::HasStat1() {
  Result<std::optional<Named>> stat1 = FindNamed("sqlite_stat1");
  return stat1.ok() && stat1->has_value();
}

std::optional<int64_t> SqliteSource::Stat1Estimate(const std::string& table) {
  Statement version;
  if (version.Prepare(db_, "PRAGMA data_version") != SQLITE_OK ||
      sqlite3_step(version.get()) != SQLITE_ROW) {
    return std::nullopt;
  }
  const int64_t current = sqlite3_column_int64(version.get(), 0);
  if (stat1_version_ != current) {
    stat1_.clear();
    Statement stat;
    if (HasStat1() &&
        stat.Prepare(db_, "SELECT tbl, stat FROM sqlite_stat1 ORDER BY idx IS NOT NULL") ==
            SQLITE_OK) {
      while (sqlite3_step(stat.get()) == SQLITE_ROW) {
        const unsigned char* tbl = sqlite3_column_text(stat.get(), 0);
        const unsigned char* v = sqlite3_column_text(stat.get(), 1);
        if (tbl == nullptr || v == nullptr) continue;
        // The first row of a table wins: its table-wide row when it has one.
        stat1_.emplace(reinterpret_cast<const char*>(tbl),
                       std::strtoll(reinterpret_cast<const char*>(v), nullptr, 10));
      }
    }
    stat1_version_ = current;
  }
  auto it = stat1_.find(table);
  if (it == stat1_.end()) return std::nullopt;
  return it->second;
}

Result<std::optional<SqliteSource::Named>> SqliteSource::FindNamed(const std::string& name) {
  auto fold = [](std::string s) {
    for (char& c : s) {
      if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    }
    return s;
  };
  Statement version;
  if (version.Prepare(db_, "PRAGMA schema_version") != SQLITE_OK ||
      sqlite3_step(version.get()) != SQLITE_ROW) {
    return UnavailableError("{}", Error("cannot read the schema version"));
  }
  const int64_t current = sqlite3_column_int64(version.get(), 0);
  if (names_version_ != current) {
    names_.clear();
    Statement list;
    if (list.Prepare(db_, "SELECT name, type FROM sqlite_schema WHERE type IN ('table', 'view')") !=
        SQLITE_OK) {
      return UnavailableError("{}", Error("cannot list tables"));
    }
    int rc;
    while ((rc = sqlite3_step(list.get())) == SQLITE_ROW) {
      Named named{reinterpret_cast<const char*>(sqlite3_column_text(list.get(), 0)),
                  reinterpret_cast<const char*>(sqlite3_column_text(list.get(), 1))};
      std::string key = fold(named.name);
      names_.emplace(std::move(key), std::move(named));
    }
    if (rc != SQLITE_DONE) return UnavailableError("{}", Error("cannot list tables"));
    names_version_ = current;
  }
  auto it = names_.find(fold(name));
  if (it == names_.end()) return std::optional<Named>();
  return std::optional<Named>(it->second);
}

bool SqliteSource::CountsRows() const {
  std::error_code ec;
  uintmax_t size = std::filesystem::file_size(path_, ec);
  return !ec && size <= kCountRowsUpToBytes;
}

Result<std::optional<TableInfo>> SqliteSource::DescribeNamed(const std::string& name,
                                                             bool count_rows) {
  // As Tables() would list it (SQLite's names are unique up to ASCII case, so a
  // case-insensitive match is the one table of that name); foreign keys naming their tables as
  // listed.
  ASSIGN_OR_RETURN(std::optional<Named> found, FindNamed(name));
  if (!found ||
      (found->name.size() >= 7 && sqlite3_strnicmp(found->name.c_str(), "sqlite_", 7) == 0)) {
    return std::optional<TableInfo>();
  }
  const std::string table = found->name;
  const std::string type = found->type;
  Result<TableInfo> info = Describe(table, type, count_rows);
  if (!info.ok()) return std::optional<TableInfo>();  // opaque: Tables() skips it too
  for (ForeignKey& key : info->foreign_keys) {
    ASSIGN_OR_RETURN(std::optional<Named> ref, FindNamed(key.ref_table));
    if (ref) key.ref_table = ref->name;
  }
  return std::optional<TableInfo>(std::move(*info));
}

Result<std::vector<TableInfo>> SqliteSource::Tables() {
  if (tables_) return *tables_;
  Statement list;
  if (list.Prepare(db_,
                   "SELECT name, type FROM sqlite_schema WHERE type IN ('table', 'view') AND "
                   "name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY name") != SQLITE_OK) {
    return UnavailableError("{}", Error("cannot list tables"));
  }
  std::vector<std::pair<std::string, std::string>> names;
  int rc;
  while ((rc = sqlite3_step(list.get())) == SQLITE_ROW) {
    names.emplace_back(reinterpret_cast<const char*>(sqlite3_column_text(list.get(), 0)),
                       reinterpret_cast<const char*>(sqlite3_column_text(list.get(), 1)));
  }
  if (rc != SQLITE_DONE) return UnavailableError("{}", Error("cannot list tables"));
  const bool count_rows = CountsRows();
  std::vector<TableInfo> tables;
  for (const auto& [table, type] : names) {
    Result<TableInfo> info = Describe(table, type, count_rows);
    if (info.ok()) tables.push_back(std::move(*info));  // see the header: skipped when opaque
  }
  // SQLite matches the referenced table name case-insensitively; report it as listed.
  std::unordered_map<std::string, std::string> listed;
  for (const TableInfo& table : tables) listed.emplace(AsciiLower(table.name), table.name);
  for (TableInfo& table : tables) {
    for (ForeignKey& key : table.foreign_keys) {
      auto it = listed.find(AsciiLower(key.ref_table));
      if (it != listed.end()) key.ref_table = it->second;
    }
  }
  tables_ = std::move(tables);
  return *tables_;
}

// ---------------------------------------------------------------------------------------------
// The virtual table.

// The source statement for one scan plan: its SQL, where each vtab column comes from, and which
// argument (or IN-list value) binds each `?`.
struct Scan {
  std::string sql;
  std::vector<int> result_column;  // vtab column -> statement column, or -1
  int rowid_column = -1;
  struct Bind {
    int arg = 0;     // argv index
    int value = -1;  // index into the IN values collected from argv[arg], or -1 for argv[arg]
  };
  std::vector<Bind> binds;
  bool empty = false;  // an IN list without values: nothing can match
};

// Builds the scan for `plan`. IN lists are expanded from argv (one `?` per value, appended to
// *in_values); a plan without IN terms gives the same Scan whatever the arguments.
Result<Scan> BuildScan(const TableInfo& table, const pd::ScanPlan& plan, sqlite3_value** argv,
                       std::vector<std::vector<sqlite3_value*>>* in_values) {
  Scan scan;
  std::string& sql = scan.sql;
  sql = "SELECT ";
  scan.result_column.assign(table.columns.size(), -1);
  int selected = 0;
  for (size_t c = 0; c < table.columns.size(); ++c) {
    if (!plan.UsesColumn(static_cast<int>(c))) continue;
    if (selected > 0) sql += ", ";
    sql += QuoteIdentifier(table.columns[c].name);
    scan.result_column[c] = selected++;
  }
  if (table.stable_rowid) {
    sql += std::string(selected > 0 ? ", " : "") + RowidName(table);
    scan.rowid_column = selected++;
  }
  if (selected == 0) sql += "1";
  sql += " FROM " + QuoteIdentifier(table.name);
  std::string where;
  std::string tail;
  in_values->assign(plan.terms.size(), {});
  for (size_t i = 0; i < plan.terms.size(); ++i) {
    const int arg = static_cast<int>(i);
    const pd::Term& term = plan.terms[i];
    std::string column =
        term.column >= 0 ? QuoteIdentifier(table.columns[term.column].name) : std::string();
    std::string clause;
    switch (term.op) {
      case pd::Op::kEq:
      case pd::Op::kLt:
      case pd::Op::kLe:
      case pd::Op::kGt:
      case pd::Op::kGe:
        clause = column + " COLLATE BINARY " + pd::ComparisonSql(term.op) + " ?";
        scan.binds.push_back({arg});
        break;
      case pd::Op::kIsNull:
        clause = column + " IS NULL";
        break;
      case pd::Op::kIsNotNull:
        clause = column + " IS NOT NULL";
        break;
      case pd::Op::kLike:
        clause = column + " LIKE ?";
        scan.binds.push_back({arg});
        break;
      case pd::Op::kIn: {
        std::vector<sqlite3_value*>& values = (*in_values)[i];
        int rc = pd::CollectInValues(argv[i], &values);
        if (rc != SQLITE_OK) return InternalError("collecting an IN list (SQLite code {})", rc);
        if (values.empty()) {
          scan.empty = true;
          break;
        }
        clause = column + " COLLATE BINARY IN (";
        for (size_t k = 0; k < values.size(); ++k) {
          clause += k == 0 ? "?" : ", ?";
          scan.binds.push_back({arg, static_cast<int>(k)});
        }
        clause += ")";
        break;
      }
      case pd::Op::kLimit:
        tail += " LIMIT ?";
        scan.binds.push_back({arg});
        break;
      case pd::Op::kOffset:
        if (tail.empty()) tail = " LIMIT -1";
        tail += " OFFSET ?";
        scan.binds.push_back({arg});
        break;
    }
    if (!clause.empty()) where += (where.empty() ? " WHERE " : " AND ") + clause;
  }
  std::string order;
  for (const pd::OrderTerm& term : plan.order_by) {
    order += order.empty() ? " ORDER BY " : ", ";
    order += QuoteIdentifier(table.columns[term.column].name) + " COLLATE BINARY";
    if (term.descending) order += " DESC";
  }
  sql += where + order + tail;
  return scan;
}

bool HasIn(const pd::ScanPlan& plan) {
  return std::any_of(plan.terms.begin(), plan.terms.end(),
                     [](const pd::Term& term) { return term.op == pd::Op::kIn; });
}

// Statements a closed cursor left behind, for the next cursor that needs the same SQL: each
// query of a session opens new cursors, and compiling the source's statement again cost as
// much as running a point lookup (≈ 4 µs of 30; bench/RESULTS.md, "Policy enforcement").
constexpr size_t kIdleStatements = 4;
constexpr size_t kMaxScans = 64;

struct Vtab : sqlite3_vtab {
  SqliteSource* source = nullptr;
  TableInfo table;
  // Reset statements with their SQL, most recently used last; at most kIdleStatements.
  std::vector<std::pair<std::string, sqlite3_stmt*>> idle;
  // Scans of plans without IN lists, by idxStr; cleared when it reaches kMaxScans.
  std::map<std::string, Scan, std::less<>> scans;

  ~Vtab() {
    for (auto& [sql, stmt] : idle) sqlite3_finalize(stmt);
  }

  // Takes back a cursor's statement (resetting it, so it holds no read transaction).
  void Keep(std::string sql, sqlite3_stmt* stmt) {
    if (stmt == nullptr) return;
    sqlite3_reset(stmt);
    sqlite3_clear_bindings(stmt);
    if (idle.size() >= kIdleStatements) {
      sqlite3_finalize(idle.front().second);
      idle.erase(idle.begin());
    }
    idle.emplace_back(std::move(sql), stmt);
  }

  // An idle statement compiled from `sql`, or nullptr.
  sqlite3_stmt* Take(const std::string& sql) {
    for (auto it = idle.rbegin(); it != idle.rend(); ++it) {
      if (it->first != sql) continue;
      sqlite3_stmt* stmt = it->second;
      idle.erase(std::next(it).base());
      return stmt;
    }
    return nullptr;
  }
};

struct Cursor : sqlite3_vtab_cursor {
  sqlite3_stmt* stmt = nullptr;  // owned; kept across xFilter calls with the same SQL
  std::string sql;
  std::vector<int> result_column;  // vtab column -> statement column, or -1
  int rowid_column = -1;           // statement column of the source's rowid, or -1
  bool eof = true;
  bool empty = false;  // the plan can match nothing; no statement was run
  sqlite3_int64 row = 0;

  ~Cursor() { sqlite3_finalize(stmt); }
};

Vtab* VtabOf(sqlite3_vtab_cursor* cursor) { return static_cast<Vtab*>(cursor->pVtab); }

int Connect(sqlite3* db, void* aux, int argc, const char* const* argv, sqlite3_vtab** out,
            char** error) {
  try {
    auto* source = static_cast<SqliteSource*>(aux);
    if (argc < 4) {
      *error = sqlite3_mprintf("%s: expected the table name as the module argument",
                               source->name().c_str());
      return SQLITE_ERROR;
    }
    std::string name = UnquoteIdentifier(argv[3]);
    Result<const TableInfo*> found = source->FindTableInfo(name);
    if (!found.ok()) {
      *error = sqlite3_mprintf("%s", found.status().message().c_str());
      return SQLITE_ERROR;
    }
    const TableInfo* it = *found;
    if (it == nullptr) {
      *error = sqlite3_mprintf("%s: no table '%s'", source->name().c_str(), name.c_str());
      return SQLITE_ERROR;
    }
    int rc = sqlite3_declare_vtab(db, DeclareVtabSql(*it).c_str());
    if (rc != SQLITE_OK) {
      *error = sqlite3_mprintf("%s: cannot declare table '%s': %s", source->name().c_str(),
                               name.c_str(), sqlite3_errmsg(db));
      return rc;
    }
    auto vtab = std::make_unique<Vtab>();
    vtab->source = source;
    vtab->table = *it;
    *out = vtab.release();
    return SQLITE_OK;
  } catch (const std::bad_alloc&) {
    return SQLITE_NOMEM;
  } catch (const std::exception& e) {
    *error = sqlite3_mprintf("internal error: %s", e.what());
    return SQLITE_ERROR;
  }
}

int Disconnect(sqlite3_vtab* vtab) {
  delete static_cast<Vtab*>(vtab);
  return SQLITE_OK;
}

int BestIndex(sqlite3_vtab* base, sqlite3_index_info* info) {
  return Guard(base, [&] {
    auto* vtab = static_cast<Vtab*>(base);
    pd::CostModel cost;
    cost.startup_cost = 5;
    return pd::PlanBestIndex(
        info, vtab->table, [](int, pd::Op) { return pd::Support::kExact; }, cost,
        [](int) { return true; });
  });
}

int Open(sqlite3_vtab*, sqlite3_vtab_cursor** out) {
  auto* cursor = new (std::nothrow) Cursor();
  if (cursor == nullptr) return SQLITE_NOMEM;
  *out = cursor;
  return SQLITE_OK;
}

int Close(sqlite3_vtab_cursor* base) {
  auto* cursor = static_cast<Cursor*>(base);
  VtabOf(base)->Keep(std::move(cursor->sql), cursor->stmt);
  cursor->stmt = nullptr;
  delete cursor;
  return SQLITE_OK;
}

int Next(sqlite3_vtab_cursor* base) {
  auto* cursor = static_cast<Cursor*>(base);
  if (cursor->empty) {
    cursor->eof = true;
    return SQLITE_OK;
  }
  int rc = sqlite3_step(cursor->stmt);
  if (rc == SQLITE_ROW) {
    ++cursor->row;
    return SQLITE_OK;
  }
  cursor->eof = true;
  if (rc == SQLITE_DONE) {
    sqlite3_reset(cursor->stmt);
    return SQLITE_OK;
  }
  Vtab* vtab = VtabOf(base);
  SetVtabError(vtab, vtab->source->Error("reading '" + vtab->table.name + "'"));
  sqlite3_reset(cursor->stmt);
  return SQLITE_ERROR;
}

int Filter(sqlite3_vtab_cursor* base, int, const char* idx_str, int argc, sqlite3_value** argv) {
  Vtab* vtab = VtabOf(base);
  return Guard(vtab, [&]() -> int {
    auto* cursor = static_cast<Cursor*>(base);
    cursor->eof = true;
    cursor->empty = false;
    cursor->row = 0;
    if (cursor->stmt != nullptr) sqlite3_reset(cursor->stmt);
    std::vector<std::vector<sqlite3_value*>> in_values;
    struct FreeOnExit {
      std::vector<std::vector<sqlite3_value*>>* lists;
      ~FreeOnExit() {
        for (auto& list : *lists) pd::FreeValues(&list);
      }
    } free_on_exit{&in_values};
    // A plan without IN lists builds the same statement every time: built once per vtab.
    const std::string_view idx = idx_str ? idx_str : "";
    const Scan* scan = nullptr;
    std::optional<Scan> built;
    if (auto it = vtab->scans.find(idx); it != vtab->scans.end()) {
      scan = &it->second;
    } else {
      Result<pd::ScanPlan> plan = pd::ScanPlan::Decode(idx_str);
      if (!plan.ok() || static_cast<int>(plan->terms.size()) != argc) {
        SetVtabError(vtab, vtab->source->name() + ": internal error: bad scan plan");
        return SQLITE_ERROR;
      }
      Result<Scan> made = BuildScan(vtab->table, *plan, argv, &in_values);
      if (!made.ok()) {
        SetVtabError(vtab, vtab->source->name() + ": " + made.status().message());
        return SQLITE_ERROR;
      }
      if (HasIn(*plan)) {
        built = std::move(*made);
        scan = &*built;
      } else {
        if (vtab->scans.size() >= kMaxScans) vtab->scans.clear();
        scan = &vtab->scans.emplace(std::string(idx), std::move(*made)).first->second;
      }
    }
    if (scan->empty) {
      cursor->empty = true;
      return SQLITE_OK;
    }
    cursor->result_column = scan->result_column;
    cursor->rowid_column = scan->rowid_column;
    const TableInfo& table = vtab->table;
    sqlite3* db = vtab->source->db();
    if (cursor->stmt == nullptr || scan->sql != cursor->sql) {
      vtab->Keep(std::move(cursor->sql), cursor->stmt);
      cursor->sql.clear();
      cursor->stmt = vtab->Take(scan->sql);
      if (cursor->stmt == nullptr &&
          sqlite3_prepare_v3(db, scan->sql.c_str(), static_cast<int>(scan->sql.size()),
                             SQLITE_PREPARE_PERSISTENT, &cursor->stmt, nullptr) != SQLITE_OK) {
        SetVtabError(vtab, vtab->source->Error("querying '" + table.name + "'"));
        return SQLITE_ERROR;
      }
      cursor->sql = scan->sql;
    } else {
      sqlite3_clear_bindings(cursor->stmt);
    }
    for (size_t b = 0; b < scan->binds.size(); ++b) {
      const Scan::Bind& bind = scan->binds[b];
      if (bind.arg >= argc) {
        SetVtabError(vtab, vtab->source->name() + ": internal error: bad scan plan");
        return SQLITE_ERROR;
      }
      sqlite3_value* value = bind.value < 0 ? argv[bind.arg] : in_values[bind.arg][bind.value];
      if (sqlite3_bind_value(cursor->stmt, static_cast<int>(b + 1), value) != SQLITE_OK) {
        SetVtabError(vtab, vtab->source->Error("binding a value for '" + table.name + "'"));
        return SQLITE_ERROR;
      }
    }
    cursor->eof = false;
    return Next(base);
  });
}

int Eof(sqlite3_vtab_cursor* cursor) { return static_cast<Cursor*>(cursor)->eof ? 1 : 0; }

int Column(sqlite3_vtab_cursor* base, sqlite3_context* context, int column) {
  auto* cursor = static_cast<Cursor*>(base);
  if (column < 0 || column >= static_cast<int>(cursor->result_column.size()) ||
      cursor->result_column[column] < 0 || cursor->stmt == nullptr) {
    sqlite3_result_null(context);
    return SQLITE_OK;
  }
  sqlite3_result_value(context, sqlite3_column_value(cursor->stmt, cursor->result_column[column]));
  return SQLITE_OK;
}

int Rowid(sqlite3_vtab_cursor* base, sqlite3_int64* rowid) {
  auto* cursor = static_cast<Cursor*>(base);
  *rowid = cursor->rowid_column >= 0 && cursor->stmt != nullptr
               ? sqlite3_column_int64(cursor->stmt, cursor->rowid_column)
               : cursor->row;
  return SQLITE_OK;
}

// xCreate is a distinct function so that the module is not eponymous (see vtab.h).
int Create(sqlite3* db, void* aux, int argc, const char* const* argv, sqlite3_vtab** out,
           char** error) {
  return Connect(db, aux, argc, argv, out, error);
}

const sqlite3_module kModule = ReadOnlyModule(
    {Connect, BestIndex, Disconnect, Open, Close, Filter, Next, Eof, Column, Rowid, Create});

const sqlite3_module* SqliteSource::Module() const { return &kModule; }

}  // namespace

KindSpec Kind() {
  KindSpec spec;
  spec.name = "sqlite";
  spec.summary = "an SQLite database file, opened read-only";
  spec.options = {{"path", true, false, false, "the database file, relative to cairn.yaml"}};
  spec.open = [](const SourceConfig& config) { return SqliteSource::Open(config); };
  return spec;
}

}  // namespace cairn::connectors::sqlite
