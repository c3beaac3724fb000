#include "connectors/postgres/postgres_source.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <optional>
#include <unordered_set>

#include "connectors/common/pushdown.h"
#include "connectors/common/vtab.h"
#include "connectors/postgres/pg_connection.h"
#include "connectors/postgres/pg_query.h"
#include "connectors/postgres/probe_cache.h"
#include "core/strings.h"

namespace cairn::connectors::postgres {
namespace {

namespace pd = ::cairn::connectors::pushdown;

// Aim for FETCH batches of about this many bytes (the row count adapts to the row width).
constexpr size_t kTargetBatchBytes = 8u << 20;
constexpr int kMinFetchRows = 64;
constexpr int kFirstFetchRows = 256;
// Repeated lookups: a scan reads its table once after max(kMinLookups, row estimate /
// kRowsPerLookup) lookups, when the round trips made so far would have read about as many rows
// (BestIndex's cost model prices a round trip at 200 rows).
constexpr int64_t kMinLookups = 8;
constexpr int64_t kRowsPerLookup = 200;
// Batched lookups: after kBatchAfter lookups a scan asks the engine for the keys to come; at most
// kMaxBatchKeys of them, sent kKeysPerStatement to a statement.
constexpr int64_t kBatchAfter = 8;
constexpr size_t kMaxBatchKeys = 1'000'000;
constexpr size_t kKeysPerStatement = 10'000;

// The hidden column through which a statement asks for a TABLESAMPLE (see the header), and the
// idxNum bit that tells xFilter its value is the last argument.
constexpr const char* kSampleColumn = "_cairn_sample_percent";
constexpr int kSampleFlag = 1 << 30;

// ---------------------------------------------------------------------------------------------
// The source.

class PostgresSource : public Source {
 public:
  static Result<std::unique_ptr<Source>> Open(const SourceConfig& config);

  std::string Location() const override {
    std::string schemas;
    for (const auto& s : schemas_) schemas += (schemas.empty() ? "" : ", ") + s;
    return fmt::format("postgres://{}{}/{} (schemas: {})",
                       options_.user.empty() ? "" : options_.user + "@", connection_->Endpoint(),
                       options_.dbname, schemas);
  }
  Status Check() override;
  Result<std::vector<TableInfo>> Tables() override;
  // See kCurrentCatalogFor in the header.
  Result<std::optional<TableInfo>> CurrentTable(const std::string& name) override;
  const sqlite3_module* Module() const override;

  Result<PgTable> FindTable(const std::string& name);
  PgConnection& connection() { return *connection_; }
  int fetch_size() const { return fetch_size_; }
  const ProbeCacheOptions& probe_cache() const { return probe_cache_; }

 private:
  PostgresSource(const std::string& name, ConnectOptions options, std::vector<std::string> schemas,
                 int fetch_size, ProbeCacheOptions probe_cache)
      : Source(name, "postgres"),
        options_(options),
        schemas_(std::move(schemas)),
        fetch_size_(fetch_size),
        probe_cache_(probe_cache),
        connection_(std::make_unique<PgConnection>(name, std::move(options))) {}

  Status LoadCatalog();
  Result<std::vector<PgTable>> ReadCatalog();

  ConnectOptions options_;  // password included: never printed
  std::vector<std::string> schemas_;
  int fetch_size_;
  ProbeCacheOptions probe_cache_;
  std::unique_ptr<PgConnection> connection_;
  std::optional<std::vector<PgTable>> tables_;
  // CurrentTable()'s last reading of the catalog, and when it was read.
  std::vector<PgTable> current_;
  std::optional<std::chrono::steady_clock::time_point> current_at_;
};

Result<std::unique_ptr<Source>> PostgresSource::Open(const SourceConfig& config) {
  ConnectOptions options;
  ASSIGN_OR_RETURN(options.host, config.Get("host"));
  ASSIGN_OR_RETURN(options.dbname, config.Get("dbname"));
  ASSIGN_OR_RETURN(options.port, config.GetOr("port", "5432"));
  ASSIGN_OR_RETURN(options.user, config.GetOr("user", ""));
  ASSIGN_OR_RETURN(options.password, config.GetOr("password", ""));
  ASSIGN_OR_RETURN(options.sslmode, config.GetOr("sslmode", ""));
  ASSIGN_OR_RETURN(options.statement_timeout_ms, config.GetInt("statement_timeout_ms", 30000));
  ASSIGN_OR_RETURN(options.connect_timeout_s, config.GetInt("connect_timeout_s", 10));
  ASSIGN_OR_RETURN(int64_t fetch_size, config.GetInt("fetch_size", 10000));
  ASSIGN_OR_RETURN(int64_t probe_cache_mb, config.GetInt("probe_cache_mb", 0));
  ASSIGN_OR_RETURN(int64_t probe_cache_after, config.GetInt("probe_cache_after", 0));
  ASSIGN_OR_RETURN(int64_t batch_lookups_mb, config.GetInt("batch_lookups_mb", 64));
  ASSIGN_OR_RETURN(std::vector<std::string> schemas, config.GetList("schemas", {"public"}));
  int64_t port = std::atoll(options.port.c_str());
  if (port <= 0 || port > 65535 ||
      options.port.find_first_not_of("0123456789") != std::string::npos) {
    return config.ErrorAt("port", StatusCode::kInvalidArgument,
                          fmt::format("expected a TCP port, got '{}'", options.port));
  }
  if (options.statement_timeout_ms < 0) {
    return config.ErrorAt("statement_timeout_ms", StatusCode::kInvalidArgument,
                          "must be 0 (no timeout) or positive");
  }
  if (options.connect_timeout_s < 0) {
    return config.ErrorAt("connect_timeout_s", StatusCode::kInvalidArgument,
                          "must be 0 (wait forever) or positive");
  }
  if (fetch_size <= 0 || fetch_size > 1'000'000) {
    return config.ErrorAt("fetch_size", StatusCode::kInvalidArgument,
                          "must be between 1 and 1000000");
  }
  if (probe_cache_mb < 0 || probe_cache_mb > 4096) {
    return config.ErrorAt("probe_cache_mb", StatusCode::kInvalidArgument,
                          "must be between 0 (no cache) and 4096");
  }
  if (probe_cache_after < 0) {
    return config.ErrorAt("probe_cache_after", StatusCode::kInvalidArgument,
                          "must be 0 (automatic) or positive");
  }
  if (probe_cache_after > 0 && probe_cache_mb == 0) {
    return config.ErrorAt(
        "probe_cache_after", StatusCode::kInvalidArgument,
        "needs probe_cache_mb (the cap in MiB): the probe cache is off by default");
  }
  if (batch_lookups_mb < 0 || batch_lookups_mb > 4096) {
    return config.ErrorAt("batch_lookups_mb", StatusCode::kInvalidArgument,
                          "must be between 0 (no batched lookups) and 4096");
  }
  ProbeCacheOptions probe_cache;
  probe_cache.cap_bytes = static_cast<size_t>(probe_cache_mb) << 20;
  probe_cache.after = probe_cache_after;
  probe_cache.batch_cap_bytes = static_cast<size_t>(batch_lookups_mb) << 20;
  if (schemas.empty()) {
    return config.ErrorAt("schemas", StatusCode::kInvalidArgument, "expected at least one schema");
  }
  auto source = std::unique_ptr<PostgresSource>(
      new PostgresSource(config.name, std::move(options), std::move(schemas),
                         static_cast<int>(fetch_size), probe_cache));
  RETURN_IF_ERROR(source->connection_->Connect());
  return std::unique_ptr<Source>(std::move(source));
}

Status PostgresSource::Check() {
  Result<PgResult> result = connection_->Query("SELECT 1", {});
  if (!result.ok()) return Status(StatusCode::kUnavailable, result.status().message());
  return OkStatus();
}

Status PostgresSource::LoadCatalog() {
  ASSIGN_OR_RETURN(std::vector<PgTable> tables, ReadCatalog());
  tables_ = std::move(tables);
  return OkStatus();
}

Result<std::optional<TableInfo>> PostgresSource::CurrentTable(const std::string& name) {
  const auto now = std::chrono::steady_clock::now();
  if (!current_at_ || now - *current_at_ >= kCurrentCatalogFor) {
    ASSIGN_OR_RETURN(current_, ReadCatalog());
    current_at_ = now;
  }
  const PgTable* found = nullptr;
  for (const PgTable& table : current_) {
    if (table.info.name == name) return std::optional<TableInfo>(table.info);
    if (found == nullptr && EqualsIgnoringAsciiCase(table.info.name, name)) found = &table;
  }
  if (found == nullptr) return std::optional<TableInfo>();
  return std::optional<TableInfo>(found->info);
}

Result<std::vector<PgTable>> PostgresSource::ReadCatalog() {
  const std::string schema_array = ArrayLiteral(schemas_);
  ASSIGN_OR_RETURN(PgResult found,
                   connection_->Query("SELECT nspname FROM pg_catalog.pg_namespace WHERE nspname = "
                                      "ANY($1::text[])",
                                      {schema_array}));
  for (const auto& schema : schemas_) {
    bool exists = false;
    for (int r = 0; r < PQntuples(found.get()); ++r) {
      exists = exists || schema == PQgetvalue(found.get(), r, 0);
    }
    if (!exists) return NotFoundError("{}: schema '{}' does not exist", name(), schema);
  }
  ASSIGN_OR_RETURN(
      PgResult rows,
      connection_->Query(
          "SELECT n.nspname, c.relname, c.relkind::text, c.reltuples::float8, a.attname, "
          "coalesce(bt.typname, t.typname)::text, coalesce(bt.typtype, t.typtype)::text, "
          "format_type(a.atttypid, a.atttypmod), a.attnotnull, "
          "coalesce(a.attnum = ANY(pk.indkey::int2[]), false) "
          "FROM pg_catalog.pg_class c "
          "JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace "
          "JOIN pg_catalog.pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND "
          "NOT a.attisdropped "
          "JOIN pg_catalog.pg_type t ON t.oid = a.atttypid "
          "LEFT JOIN pg_catalog.pg_type bt ON t.typtype = 'd' AND bt.oid = t.typbasetype "
          "LEFT JOIN pg_catalog.pg_index pk ON pk.indrelid = c.oid AND pk.indisprimary "
          "WHERE n.nspname = ANY($1::text[]) AND c.relkind IN ('r', 'p', 'v', 'm', 'f') AND "
          "NOT c.relispartition "
          "ORDER BY n.nspname, c.relname, a.attnum",
          {schema_array}));
  std::vector<PgTable> tables;
  const bool qualify = schemas_.size() > 1;
  std::string last_key;
  PGresult* res = rows.get();
  for (int r = 0; r < PQntuples(res); ++r) {
    std::string schema = PQgetvalue(res, r, 0);
    std::string relname = PQgetvalue(res, r, 1);
    std::string key = schema + '\0' + relname;
    if (tables.empty() || key != last_key) {
      last_key = key;
      PgTable table;
      table.info.name = qualify ? schema + "." + relname : relname;
      const char relkind = PQgetvalue(res, r, 2)[0];
      table.info.kind = relkind == 'v' || relkind == 'm' ? "view" : "table";
      double reltuples = std::strtod(PQgetvalue(res, r, 3), nullptr);
      table.info.row_estimate =
          relkind == 'v' || reltuples < 0 ? -1 : static_cast<int64_t>(std::llround(reltuples));
      table.relation = QuoteIdentifier(schema) + "." + QuoteIdentifier(relname);
      table.has_ctid = relkind == 'r' || relkind == 'm';
      tables.push_back(std::move(table));
    }
    PgTable& table = tables.back();
    ColumnInfo column;
    column.name = PQgetvalue(res, r, 4);
    const std::string type = PQgetvalue(res, r, 5);
    ColumnKind kind = KindOf(type, PQgetvalue(res, r, 6)[0]);
    table.exprs.push_back(QuoteIdentifier(column.name) + (type == "oid" ? "::int8" : ""));
    column.type = DeclaredType(kind);
    column.source_type = PQgetvalue(res, r, 7);
    column.not_null = PQgetvalue(res, r, 8)[0] == 't';
    column.primary_key = PQgetvalue(res, r, 9)[0] == 't';
    table.info.columns.push_back(std::move(column));
    table.kinds.push_back(kind);
  }
  ASSIGN_OR_RETURN(
      PgResult keys,
      connection_->Query(
          "SELECT n.nspname, c.relname, con.conname, rn.nspname, rc.relname, a.attname, "
          "ra.attname "
          "FROM pg_catalog.pg_constraint con "
          "JOIN pg_catalog.pg_class c ON c.oid = con.conrelid "
          "JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace "
          "JOIN pg_catalog.pg_class rc ON rc.oid = con.confrelid "
          "JOIN pg_catalog.pg_namespace rn ON rn.oid = rc.relnamespace "
          "CROSS JOIN LATERAL unnest(con.conkey, con.confkey) WITH ORDINALITY AS k(attnum, "
          "refnum, ord) "
          "JOIN pg_catalog.pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = k.attnum "
          "JOIN pg_catalog.pg_attribute ra ON ra.attrelid = con.confrelid AND "
          "ra.attnum = k.refnum "
          "WHERE con.contype = 'f' AND n.nspname = ANY($1::text[]) AND "
          "rn.nspname = ANY($1::text[]) "
          "ORDER BY n.nspname, c.relname, con.conname, k.ord",
          {schema_array}));
  res = keys.get();
  std::string last_constraint;
  ForeignKey* current = nullptr;
  for (int r = 0; r < PQntuples(res); ++r) {
    std::string schema = PQgetvalue(res, r, 0);
    std::string relname = PQgetvalue(res, r, 1);
    std::string table_name = qualify ? schema + "." + relname : relname;
    std::string constraint = schema + '\0' + relname + '\0' + PQgetvalue(res, r, 2);
    if (current == nullptr || constraint != last_constraint) {
      last_constraint = constraint;
      current = nullptr;
      for (PgTable& table : tables) {
        if (table.info.name != table_name) continue;
        std::string ref_schema = PQgetvalue(res, r, 3);
        std::string ref_relname = PQgetvalue(res, r, 4);
        table.info.foreign_keys.push_back(
            ForeignKey{{}, qualify ? ref_schema + "." + ref_relname : ref_relname, {}});
        current = &table.info.foreign_keys.back();
      }
      if (current == nullptr) continue;
    }
    current->columns.push_back(PQgetvalue(res, r, 5));
    current->ref_columns.push_back(PQgetvalue(res, r, 6));
  }
  // A row's identity across scans (see DeclareVtabSql): a keyed table is de-duplicated by its
  // key; a keyless ordinary table by its ctid.
  for (PgTable& table : tables) {
    const bool keyed = std::any_of(table.info.columns.begin(), table.info.columns.end(),
                                   [](const ColumnInfo& c) { return c.primary_key; });
    table.info.stable_rowid = table.has_ctid && !keyed;
  }
  return tables;
}

Result<std::vector<TableInfo>> PostgresSource::Tables() {
  if (!tables_) RETURN_IF_ERROR(LoadCatalog());
  std::vector<TableInfo> out;
  out.reserve(tables_->size());
  for (const auto& t : *tables_) out.push_back(t.info);
  return out;
}

Result<PgTable> PostgresSource::FindTable(const std::string& table) {
  if (!tables_) RETURN_IF_ERROR(LoadCatalog());
  for (const auto& t : *tables_) {
    if (t.info.name == table) return t;
  }
  return NotFoundError("{}: no table '{}'", name(), table);
}

// ---------------------------------------------------------------------------------------------
// The virtual table.

struct Vtab : sqlite3_vtab {
  PostgresSource* source = nullptr;
  sqlite3* db = nullptr;  // the connection, whose engine may announce a join's keys
  PgTable table;
};

struct Cursor : sqlite3_vtab_cursor {
  PgResult batch;
  int row = 0;         // within batch
  int batch_rows = 0;  // rows in batch
  std::string portal;  // open server-side cursor, or empty
  int fetch_rows = 0;  // rows asked per FETCH (adapts to row width)
  bool eof = true;
  sqlite3_int64 rowid = 0;
  std::vector<int> result_column;  // vtab column -> result column, or -1
  std::string bytes;               // scratch for bytea decoding

  // Repeated lookups (see "Repeated lookups" in postgres_source.h). The cache lives as long as
  // the cursor, which SQLite closes when the statement ends or is reset.
  int64_t lookups = 0;                   // equality lookups this scan sent to the server
  bool cache_tried = false;              // the table was read (or found too large) once
  std::unique_ptr<ProbeCache> cache;     // its rows, when they fitted
  int cache_key = -1;                    // the column the cache is keyed by
  uint64_t cache_columns = 0;            // the columns it holds (ScanPlan::columns_used bits)
  std::vector<int> cache_result_column;  // vtab column -> cache field, or -1
  // Batched lookups (see "Batched lookups" in postgres_source.h): the rows of the keys the
  // engine announced, fetched in batches; any other key is looked up by itself.
  int64_t batch_lookups = 0;                   // lookups before the keys were asked for
  bool keys_tried = false;                     // the keys were asked for (or refused) once
  std::unique_ptr<ProbeCache> keyed;           // the rows of `keyed_keys`
  std::unordered_set<std::string> keyed_keys;  // every key whose rows `keyed` holds
  int keyed_key = -1;
  uint64_t keyed_columns = 0;
  std::vector<int> keyed_result_column;
  std::vector<uint64_t> matches;        // the current lookup's rows, when served from a cache
  const ProbeCache* serving = nullptr;  // that cache, or null when rows come from the server
};

Vtab* VtabOf(sqlite3_vtab_cursor* cursor) { return static_cast<Vtab*>(cursor->pVtab); }

void ClosePortal(Vtab* vtab, Cursor* cursor) {
  if (cursor->portal.empty()) return;
  vtab->source->connection().ClosePortal(cursor->portal);
  cursor->portal.clear();
}

int Connect(sqlite3* db, void* aux, int argc, const char* const* argv, sqlite3_vtab** out,
            char** error) {
  try {
    auto* source = static_cast<PostgresSource*>(aux);
    if (argc < 4) {
      *error = sqlite3_mprintf("%s: expected the table name as the module argument",
                               source->name().c_str());
      return SQLITE_ERROR;
    }
    Result<PgTable> table = source->FindTable(UnquoteIdentifier(argv[3]));
    if (!table.ok()) {
      *error = sqlite3_mprintf("%s", table.status().message().c_str());
      return SQLITE_ERROR;
    }
    std::string declare = DeclareVtabSql(table->info, {kSampleColumn});
    int rc = sqlite3_declare_vtab(db, declare.c_str());
    if (rc != SQLITE_OK) {
      *error = sqlite3_mprintf("%s: cannot declare table '%s': %s", source->name().c_str(),
                               table->info.name.c_str(), sqlite3_errmsg(db));
      return rc;
    }
    auto vtab = std::make_unique<Vtab>();
    vtab->source = source;
    vtab->db = db;
    vtab->table = std::move(*table);
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
    cost.startup_cost = 200;  // a network round trip costs about as much as 200 rows
    const auto& kinds = vtab->table.kinds;
    // An equality on the hidden sample column is ours: PlanBestIndex leaves columns beyond the
    // table's alone, and it travels as the last argument.
    const int sample_column = static_cast<int>(vtab->table.info.columns.size());
    int sample_index = -1;
    for (int i = 0; i < info->nConstraint; ++i) {
      const auto& constraint = info->aConstraint[i];
      if (constraint.usable && constraint.iColumn == sample_column &&
          constraint.op == SQLITE_INDEX_CONSTRAINT_EQ) {
        sample_index = i;
      }
    }
    int rc = pd::PlanBestIndex(
        info, vtab->table.info,
        [&](int column, pd::Op op) { return SupportFor(kinds[column], op); }, cost,
        [&](int column) { return CanOrderBy(kinds[column]); });
    if (rc != SQLITE_OK || sample_index < 0) return rc;
    info->aConstraintUsage[sample_index].argvIndex = info->idxNum + 1;
    info->aConstraintUsage[sample_index].omit = 1;
    info->idxNum |= kSampleFlag;
    return SQLITE_OK;
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
  ClosePortal(VtabOf(base), cursor);
  delete cursor;
  return SQLITE_OK;
}

// Fetches the next batch from the open portal; closes the portal once it is drained.
int FetchBatch(Vtab* vtab, Cursor* cursor) {
  cursor->batch.reset();  // with a prefetch in waiting, at most two batches in memory
  cursor->row = 0;
  cursor->batch_rows = 0;
  PgConnection& connection = vtab->source->connection();
  int asked = 0;
  Result<PgResult> batch = connection.Fetch(cursor->portal, cursor->fetch_rows, &asked);
  if (!batch.ok()) {
    ClosePortal(vtab, cursor);
    cursor->eof = true;
    SetVtabError(vtab, batch.status());
    return SQLITE_ERROR;
  }
  cursor->batch = std::move(*batch);
  cursor->batch_rows = PQntuples(cursor->batch.get());
  if (cursor->batch_rows < asked) {
    ClosePortal(vtab, cursor);  // drained
  } else {
    size_t bytes = PQresultMemorySize(cursor->batch.get());
    size_t per_row = std::max<size_t>(1, bytes / static_cast<size_t>(cursor->batch_rows));
    int fit = static_cast<int>(std::min<size_t>(kTargetBatchBytes / per_row, 1u << 30));
    cursor->fetch_rows = std::clamp(fit, kMinFetchRows, vtab->source->fetch_size());
    // Let the server produce the next batch while SQLite consumes this one.
    connection.Prefetch(cursor->portal, cursor->fetch_rows);
  }
  if (cursor->batch_rows == 0) cursor->eof = true;
  return SQLITE_OK;
}

// The column a scan looks up by equality when a cache can answer it, else -1: one equality term
// and nothing else pushed, on an integer or text/varchar column (whose parameter text and output
// text are equal exactly when PostgreSQL's = is true).
int LookupKey(const Vtab* vtab, const pd::ScanPlan& plan, bool sampled, const RemoteQuery& query) {
  const PgTable& table = vtab->table;
  if (sampled || plan.terms.size() != 1 || !plan.order_by.empty() || query.params.size() != 1) {
    return -1;
  }
  const pd::Term& term = plan.terms[0];
  if (term.op != pd::Op::kEq || term.column < 0 ||
      term.column >= static_cast<int>(table.kinds.size())) {
    return -1;
  }
  const ColumnKind kind = table.kinds[term.column];
  return kind == ColumnKind::kInt || kind == ColumnKind::kText ? term.column : -1;
}

// Streams the rows of `query` into `cache` through a cursor, within `cap` bytes. False when they
// do not fit, or when the server fails (*failed then says why).
bool FillCache(Vtab* vtab, const RemoteQuery& query, ProbeCache* cache, size_t cap,
               Status* failed) {
  PgConnection& connection = vtab->source->connection();
  Result<std::string> portal = connection.OpenPortal(query.sql, query.params);
  int rows = std::min(vtab->source->fetch_size(), kFirstFetchRows);
  bool fits = true;
  while (portal.ok() && fits) {
    int asked = 0;
    Result<PgResult> batch = connection.Fetch(*portal, rows, &asked);
    if (!batch.ok()) {
      *failed = batch.status();
      break;
    }
    const int got = PQntuples(batch->get());
    if (got == asked && got > 0) {
      size_t per_row = std::max<size_t>(1, PQresultMemorySize(batch->get()) / got);
      int fit = static_cast<int>(std::min<size_t>(kTargetBatchBytes / per_row, 1u << 30));
      rows = std::clamp(fit, kMinFetchRows, vtab->source->fetch_size());
      connection.Prefetch(*portal, rows);
    }
    fits = cache->Add(batch->get(), cap);
    if (got < asked) break;
  }
  if (portal.ok()) {
    connection.ClosePortal(*portal);
  } else {
    *failed = portal.status();
  }
  return fits && failed->ok();
}

// Reads the columns `plan` uses (and the key) of the whole table into cursor->cache, within the
// source's cap. Leaves no cache when the table does not fit, or when reading it failed alone in
// its transaction (the lookups then go on one by one and report their own errors); a failure in
// a transaction that other scans of the source share is the statement's error.
int LoadCache(Vtab* vtab, Cursor* cursor, const pd::ScanPlan& plan, int key) {
  cursor->cache_tried = true;
  const PgTable& table = vtab->table;
  const size_t cap = vtab->source->probe_cache().cap_bytes;
  pd::ScanPlan whole;
  whole.columns_used = plan.columns_used | (uint64_t{1} << std::min(key, 63));
  RemoteQuery query;
  std::vector<int> columns;
  Status built = BuildQuery(table, whole, nullptr, nullptr, &query, &columns);
  if (!built.ok()) {
    SetVtabError(vtab, built.WithContext(vtab->source->name()));
    return SQLITE_ERROR;
  }
  const int fields =
      static_cast<int>(std::count_if(columns.begin(), columns.end(), [](int c) { return c >= 0; }));
  // Each row takes at least its index entry and a length per field: a table whose estimate
  // cannot fit is not read.
  const int64_t estimate = table.info.row_estimate;
  if (estimate > static_cast<int64_t>(cap) / (16 + 4 * fields)) return SQLITE_OK;
  auto cache = std::make_unique<ProbeCache>(fields, columns[key]);
  // A little over the estimate: the table may have grown since it was analyzed.
  cache->Reserve(static_cast<size_t>(estimate + estimate / 16 + 64), cap);
  const bool shared = vtab->source->connection().open_portals() > 0;
  Status failed;
  const bool filled = FillCache(vtab, query, cache.get(), cap, &failed);
  if (!failed.ok() && shared) {
    SetVtabError(vtab, failed);
    return SQLITE_ERROR;
  }
  if (!filled) return SQLITE_OK;
  cache->Finish();
  cursor->cache = std::move(cache);
  cursor->cache_key = key;
  cursor->cache_columns = whole.columns_used;
  cursor->cache_result_column = std::move(columns);
  return SQLITE_OK;
}

// Asks the engine for the keys the running statement will look this scan up by (on `key`, the
// single argument of plan `idx_str`) and fetches their rows, kKeysPerStatement keys to a
// statement, into cursor->keyed, within the source's batch cap (the keys counted in it too).
// Leaves nothing when the engine cannot tell the keys, when they or their rows do not fit, or
// when fetching failed alone in its transaction; a failure in a transaction that other scans of
// the source share is the statement's error.
int LoadKeys(Vtab* vtab, Cursor* cursor, const pd::ScanPlan& plan, int key, const char* idx_str) {
  cursor->keys_tried = true;
  LookupKeys* engine = LookupKeysOf(vtab->db);
  if (engine == nullptr) return SQLITE_OK;
  const size_t cap = vtab->source->probe_cache().batch_cap_bytes;
  const ColumnKind kind = vtab->table.kinds[key];
  std::vector<std::string> keys;
  std::unordered_set<std::string> distinct;
  size_t key_bytes = 0;
  bool fits = true;
  const bool told = engine->ForEachKey(vtab, idx_str, 0, kMaxBatchKeys, [&](sqlite3_value* value) {
    std::string text;
    if (!LookupKeyText(kind, value, &text) || distinct.contains(text)) return true;
    // The key twice (list and set) with their strings' and the set's overhead.
    key_bytes += 2 * (sizeof(std::string) + (text.size() > 15 ? text.size() + 1 : 0)) + 16;
    fits = key_bytes < cap / 2;
    distinct.insert(text);
    keys.push_back(std::move(text));
    return fits;  // over half the cap: stop
  });
  if (!told || !fits || keys.empty()) return SQLITE_OK;
  std::unique_ptr<ProbeCache> cache;
  std::vector<int> columns;
  const bool shared = vtab->source->connection().open_portals() > 0;
  Status failed;
  bool filled = true;
  for (size_t first = 0; first < keys.size() && filled; first += kKeysPerStatement) {
    const size_t last = std::min(keys.size(), first + kKeysPerStatement);
    RemoteQuery query;
    Status built =
        BuildKeysQuery(vtab->table, plan.columns_used, key,
                       std::vector<std::string>(keys.begin() + static_cast<std::ptrdiff_t>(first),
                                                keys.begin() + static_cast<std::ptrdiff_t>(last)),
                       &query, &columns);
    if (!built.ok()) {
      SetVtabError(vtab, built.WithContext(vtab->source->name()));
      return SQLITE_ERROR;
    }
    if (cache == nullptr) {
      const int fields = static_cast<int>(
          std::count_if(columns.begin(), columns.end(), [](int c) { return c >= 0; }));
      cache = std::make_unique<ProbeCache>(fields, columns[key]);
    }
    filled = FillCache(vtab, query, cache.get(), cap - key_bytes, &failed);
  }
  if (!failed.ok() && shared) {
    SetVtabError(vtab, failed);
    return SQLITE_ERROR;
  }
  if (!filled || cache == nullptr) return SQLITE_OK;  // over the cap, or failed alone
  cache->Finish();
  cursor->keyed = std::move(cache);
  cursor->keyed_keys = std::move(distinct);
  cursor->keyed_key = key;
  cursor->keyed_columns = plan.columns_used | (uint64_t{1} << std::min(key, 63));
  cursor->keyed_result_column = std::move(columns);
  return SQLITE_OK;
}

// Answers a lookup of `key_text` from `cache`, whose fields `result_column` maps.
void ServeFromCache(Cursor* cursor, const ProbeCache* cache, const std::vector<int>& result_column,
                    const std::string& key_text) {
  cursor->matches.clear();
  cache->Lookup(key_text, &cursor->matches);
  cursor->serving = cache;
  cursor->result_column = result_column;
  cursor->batch_rows = static_cast<int>(cursor->matches.size());
  cursor->eof = cursor->matches.empty();
}

int Filter(sqlite3_vtab_cursor* base, int idx_num, const char* idx_str, int argc,
           sqlite3_value** argv) {
  Vtab* vtab = VtabOf(base);
  return Guard(vtab, [&]() -> int {
    auto* cursor = static_cast<Cursor*>(base);
    ClosePortal(vtab, cursor);
    cursor->batch.reset();
    cursor->row = 0;
    cursor->batch_rows = 0;
    cursor->rowid = 0;
    cursor->eof = true;
    cursor->serving = nullptr;
    Result<pd::ScanPlan> plan = pd::ScanPlan::Decode(idx_str);
    std::optional<double> sample_percent;
    if ((idx_num & kSampleFlag) != 0 && argc > 0) {
      sqlite3_value* value = argv[--argc];
      int type = sqlite3_value_numeric_type(value);
      double percent =
          type == SQLITE_INTEGER || type == SQLITE_FLOAT ? sqlite3_value_double(value) : -1;
      if (!(percent > 0 && percent <= 100)) {
        SetVtabError(vtab, InvalidArgumentError("{}: {} must be a number in (0, 100]",
                                                vtab->source->name(), kSampleColumn));
        return SQLITE_ERROR;
      }
      sample_percent = percent;
    }
    if (!plan.ok() || static_cast<int>(plan->terms.size()) != argc) {
      SetVtabError(vtab, vtab->source->name() + ": internal error: bad scan plan");
      return SQLITE_ERROR;
    }
    if (cursor->keyed && !sample_percent && argc == 1 && plan->terms.size() == 1 &&
        plan->order_by.empty() && plan->terms[0].op == pd::Op::kEq &&
        plan->terms[0].column == cursor->keyed_key &&
        (plan->columns_used & ~cursor->keyed_columns) == 0) {
      // A lookup on the batched key: answered without building its remote query (LookupKeyText
      // gives the parameter BuildQuery would send; false where that query matches nothing).
      std::string key_text;
      if (!LookupKeyText(vtab->table.kinds[cursor->keyed_key], argv[0], &key_text)) {
        return SQLITE_OK;
      }
      if (cursor->keyed_keys.contains(key_text)) {
        ServeFromCache(cursor, cursor->keyed.get(), cursor->keyed_result_column, key_text);
        return SQLITE_OK;
      }
    }
    RemoteQuery query;
    Status built = BuildQuery(vtab->table, *plan, argv, sample_percent ? &*sample_percent : nullptr,
                              &query, &cursor->result_column);
    if (!built.ok()) {
      SetVtabError(vtab, built.WithContext(vtab->source->name()));
      return SQLITE_ERROR;
    }
    if (query.matches_nothing) return SQLITE_OK;
    const int key = LookupKey(vtab, *plan, sample_percent.has_value(), query);
    const ProbeCacheOptions& caches = vtab->source->probe_cache();
    if (key >= 0 && caches.batch_cap_bytes > 0) {
      if (!cursor->keys_tried && ++cursor->batch_lookups > kBatchAfter) {
        int rc = LoadKeys(vtab, cursor, *plan, key, idx_str);
        if (rc != SQLITE_OK) return rc;
      }
      if (cursor->keyed && cursor->keyed_key == key &&
          (plan->columns_used & ~cursor->keyed_columns) == 0 &&
          cursor->keyed_keys.contains(query.params[0])) {
        ServeFromCache(cursor, cursor->keyed.get(), cursor->keyed_result_column, query.params[0]);
        return SQLITE_OK;
      }
    }
    if (key >= 0 && caches.cap_bytes > 0 && vtab->table.info.row_estimate >= 0) {
      const int64_t after =
          caches.after > 0 ? caches.after
                           : std::max(kMinLookups, vtab->table.info.row_estimate / kRowsPerLookup);
      if (!cursor->cache_tried && ++cursor->lookups > after) {
        int rc = LoadCache(vtab, cursor, *plan, key);
        if (rc != SQLITE_OK) return rc;
      }
      if (cursor->cache && cursor->cache_key == key &&
          (plan->columns_used & ~cursor->cache_columns) == 0) {
        ServeFromCache(cursor, cursor->cache.get(), cursor->cache_result_column, query.params[0]);
        return SQLITE_OK;
      }
    }
    PgConnection& connection = vtab->source->connection();
    const int fetch_size = vtab->source->fetch_size();
    auto run_once = [&](const std::string& sql, const std::vector<std::string>& params) {
      Result<PgResult> result = connection.Query(sql, params, /*reuse=*/true);
      if (!result.ok()) {
        SetVtabError(vtab, result.status());
        return SQLITE_ERROR;
      }
      cursor->batch = std::move(*result);
      cursor->batch_rows = PQntuples(cursor->batch.get());
      cursor->eof = cursor->batch_rows == 0;
      return SQLITE_OK;
    };
    if (plan->unique || (query.limit >= 0 && query.limit <= fetch_size)) {
      return run_once(query.sql, query.params);  // bounded result: one round trip
    }
    if (query.selective && !query.has_tail) {
      // Probably few rows (a lookup, often the inner side of a join): try one round trip that
      // can return at most fetch_size rows, and stream through a cursor only when it overflows.
      std::vector<std::string> params = query.params;
      params.push_back(std::to_string(fetch_size + 1));
      std::string sql = query.sql + " LIMIT $" + std::to_string(params.size()) + "::int8";
      int rc = run_once(sql, params);
      if (rc != SQLITE_OK || cursor->batch_rows <= fetch_size) return rc;
      cursor->batch.reset();
      cursor->batch_rows = 0;
      cursor->eof = true;
    }
    Result<std::string> portal = connection.OpenPortal(query.sql, query.params);
    if (!portal.ok()) {
      SetVtabError(vtab, portal.status());
      return SQLITE_ERROR;
    }
    cursor->portal = std::move(*portal);
    // Start small so that very wide rows cannot make the first batch huge; FetchBatch then sizes
    // batches by the measured row width.
    cursor->fetch_rows = std::min(fetch_size, kFirstFetchRows);
    cursor->eof = false;
    return FetchBatch(vtab, cursor);
  });
}

int Next(sqlite3_vtab_cursor* base) {
  auto* cursor = static_cast<Cursor*>(base);
  ++cursor->rowid;
  if (++cursor->row < cursor->batch_rows) return SQLITE_OK;
  if (cursor->portal.empty()) {
    cursor->eof = true;
    cursor->batch.reset();
    return SQLITE_OK;
  }
  Vtab* vtab = VtabOf(base);
  return Guard(vtab, [&] { return FetchBatch(vtab, cursor); });
}

int Eof(sqlite3_vtab_cursor* cursor) { return static_cast<Cursor*>(cursor)->eof ? 1 : 0; }

// The text of result field `column` (a vtab column, or the ctid after them) of the current row,
// from the batch or the cache; false for NULL or a column not selected.
bool FieldOf(const Cursor* cursor, int column, const char** text, int* size) {
  if (column >= static_cast<int>(cursor->result_column.size()) ||
      cursor->result_column[column] < 0 || cursor->row >= cursor->batch_rows) {
    return false;
  }
  const int field = cursor->result_column[column];
  if (cursor->serving != nullptr) {
    return cursor->serving->Value(cursor->matches[cursor->row], field, text, size);
  }
  if (!cursor->batch || PQgetisnull(cursor->batch.get(), cursor->row, field)) return false;
  *text = PQgetvalue(cursor->batch.get(), cursor->row, field);
  *size = PQgetlength(cursor->batch.get(), cursor->row, field);
  return true;
}

int Column(sqlite3_vtab_cursor* base, sqlite3_context* context, int column) {
  auto* cursor = static_cast<Cursor*>(base);
  // Only table columns; the hidden sample column reads NULL (result_column may also hold the
  // ctid after the table's columns).
  const int columns = static_cast<int>(VtabOf(base)->table.info.columns.size());
  const char* text = nullptr;
  int size = 0;
  if (column < 0 || column >= columns || !FieldOf(cursor, column, &text, &size)) {
    sqlite3_result_null(context);
    return SQLITE_OK;
  }
  switch (VtabOf(base)->table.kinds[column]) {
    case ColumnKind::kInt: {
      int64_t value = 0;
      auto [end, ec] = std::from_chars(text, text + size, value);
      if (ec == std::errc() && end == text + size) {
        sqlite3_result_int64(context, value);
      } else {
        sqlite3_result_text(context, text, size, SQLITE_TRANSIENT);
      }
      return SQLITE_OK;
    }
    case ColumnKind::kBool:
      sqlite3_result_int(context, text[0] == 't' ? 1 : 0);
      return SQLITE_OK;
    case ColumnKind::kFloat8:
    case ColumnKind::kFloat4:
    case ColumnKind::kNumeric: {
      double value = 0;
      auto [end, ec] = std::from_chars(text, text + size, value);
      if (ec != std::errc() || end != text + size) {
        value = std::strtod(std::string(text, static_cast<size_t>(size)).c_str(), nullptr);
      }
      sqlite3_result_double(context, value);
      return SQLITE_OK;
    }
    case ColumnKind::kBytea: {
      if (size >= 2 && text[0] == '\\' && text[1] == 'x') {
        std::string& bytes = cursor->bytes;
        bytes.resize(static_cast<size_t>(size - 2) / 2);
        for (size_t i = 0; i < bytes.size(); ++i) {
          bytes[i] = static_cast<char>(HexDigit(text[2 + 2 * i]) * 16 + HexDigit(text[3 + 2 * i]));
        }
        sqlite3_result_blob64(context, bytes.data(), bytes.size(), SQLITE_TRANSIENT);
      } else {
        size_t length = 0;
        const std::string terminated(text, static_cast<size_t>(size));
        unsigned char* raw =
            PQunescapeBytea(reinterpret_cast<const unsigned char*>(terminated.c_str()), &length);
        if (raw == nullptr) return SQLITE_NOMEM;
        sqlite3_result_blob64(context, raw, length, SQLITE_TRANSIENT);
        PQfreemem(raw);
      }
      return SQLITE_OK;
    }
    default:
      sqlite3_result_text(context, text, size, SQLITE_TRANSIENT);
      return SQLITE_OK;
  }
}

// The ctid "(block,offset)" as block * 65536 + offset when the query selected it, else the
// row counter.
int Rowid(sqlite3_vtab_cursor* base, sqlite3_int64* rowid) {
  auto* cursor = static_cast<Cursor*>(base);
  const size_t columns = VtabOf(base)->table.info.columns.size();
  *rowid = cursor->rowid;
  const char* text = nullptr;
  int size = 0;
  if (cursor->result_column.size() > columns &&
      FieldOf(cursor, static_cast<int>(columns), &text, &size)) {
    unsigned long long block = 0, offset = 0;
    // The ctid's text is followed by a NUL in the batch, not in the cache.
    if (std::sscanf(std::string(text, static_cast<size_t>(size)).c_str(), "(%llu,%llu)", &block,
                    &offset) == 2) {
      *rowid = static_cast<sqlite3_int64>((block << 16) | (offset & 0xffff));
    }
  }
  return SQLITE_OK;
}

// xCreate is a distinct function so that the module is not eponymous (see vtab.h).
int Create(sqlite3* db, void* aux, int argc, const char* const* argv, sqlite3_vtab** out,
           char** error) {
  return Connect(db, aux, argc, argv, out, error);
}

const sqlite3_module kModule = ReadOnlyModule(
    {Connect, BestIndex, Disconnect, Open, Close, Filter, Next, Eof, Column, Rowid, Create});

const sqlite3_module* PostgresSource::Module() const { return &kModule; }

}  // namespace

KindSpec Kind() {
  KindSpec spec;
  spec.name = "postgres";
  spec.summary = "a PostgreSQL database, read-only, with filters pushed down";
  spec.options = {
      {"host", true, false, false, "server host name or address"},
      {"port", false, false, false, "TCP port (default 5432)"},
      {"dbname", true, false, false, "database name"},
      {"user", false, false, false, "role to log in as"},
      {"password", false, true, false, "password, as a ${ENV_VAR} reference"},
      {"sslmode", false, false, false, "libpq sslmode (disable, prefer, require, verify-full...)"},
      {"schemas", false, false, true, "schemas to expose (default [public])"},
      {"statement_timeout_ms", false, false, false, "per-statement timeout (default 30000)"},
      {"connect_timeout_s", false, false, false, "connection timeout (default 10)"},
      {"fetch_size", false, false, false, "rows per FETCH while streaming (default 10000)"},
      {"probe_cache_mb", false, false, false,
       "memory cap of a table read once for repeated lookups (default 0: off; e.g. 64)"},
      {"probe_cache_after", false, false, false,
       "lookups of one scan before it reads the table once (default 0: automatic)"},
      {"batch_lookups_mb", false, false, false,
       "memory cap of a join's lookups fetched in batches (default 64; 0: one by one)"},
  };
  spec.open = [](const SourceConfig& config) { return PostgresSource::Open(config); };
  return spec;
}

}  // namespace cairn::connectors::postgres
