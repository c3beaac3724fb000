#pragma once

// The connector contract.
//
// A connector kind (sqlite, csv, postgres, ...) lives in its own folder and is listed once in
// registry.cc. From a SourceConfig it opens a Source: one configured system. A Source knows its
// tables and exposes them to the engine as an SQLite virtual-table module.
//
// How the engine attaches a source named `tos` to a session's connection (engine/session.cc):
//
//   sqlite3_create_module_v2(db, "cairn_src_<n>", source->Module(), source, nullptr);
//   ATTACH ':memory:' AS "tos";
//   CREATE VIRTUAL TABLE "tos"."containers" USING cairn_src_<n>("containers");   -- per table
//
// so the module's xCreate/xConnect receive the Source* as pAux and the table name as argv[3].
// The engine creates each table when a statement first names it, not at attach time.
// Modules must implement xCreate == xConnect (the schema lives only in memory), must never
// write to the source, and must report errors through zErrMsg prefixed with the source name.
// Exceptions never cross the module's C callbacks.
//
// Ownership and lifetime: the caller owns the Source and keeps it alive for as long as any
// connection that attached it is open. A Source may be used by several connections, but not
// concurrently unless the connector says so (the ones here are not: one session, one thread).

#include <sqlite3.h>

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "core/config.h"
#include "core/status.h"

namespace cairn::connectors {

struct ColumnInfo {
  std::string name;
  // The SQLite declared type used in the virtual table's schema: INTEGER, REAL, TEXT, BLOB,
  // NUMERIC, or a source type name that maps onto one of them by SQLite's affinity rules.
  std::string type;
  // The type as the source names it (e.g. "timestamp with time zone"); may equal `type`.
  std::string source_type;
  bool not_null = false;
  bool primary_key = false;
};

// A foreign key declared by the source: `columns` of this table reference `ref_columns` of
// `ref_table` (named as this source names its tables), in key order.
struct ForeignKey {
  std::vector<std::string> columns;
  std::string ref_table;
  std::vector<std::string> ref_columns;

  bool operator==(const ForeignKey&) const = default;
};

struct TableInfo {
  std::string name;
  std::string kind = "table";  // "table" or "view"
  std::vector<ColumnInfo> columns;
  // Rows in the table when cheaply known (exact or estimated); -1 when unknown.
  int64_t row_estimate = -1;
  // Foreign keys declared by the source (empty when it has none or cannot declare them).
  std::vector<ForeignKey> foreign_keys;
  // Whether the virtual table's rowid identifies a row across scans (CSV line numbers, a
  // SQLite source table's own rowid, a keyless PostgreSQL table's ctid). See DeclareVtabSql.
  bool stable_rowid = false;
};

class Source {
 public:
  virtual ~Source() = default;

  const std::string& name() const { return name_; }
  const std::string& kind() const { return kind_; }

  // A one-line description of where the data lives, without secrets, e.g.
  // "postgres://cairn@127.0.0.1:5432/erp (schemas: public)".
  virtual std::string Location() const = 0;

  // Checks that the source can be reached and read now. Unavailable with the reason otherwise.
  virtual Status Check() = 0;

  // The tables this source exposes, in a stable order. May be cached after the first call.
  virtual Result<std::vector<TableInfo>> Tables() = 0;

  // The table Tables() lists as exactly `name`, else (unless `exact`) the one whose name
  // matches it case-insensitively; null when there is none. Tables() is read once and indexed,
  // so a lookup in a source of 10,000 tables neither copies nor scans the list.
  Result<const TableInfo*> FindTableInfo(const std::string& name, bool exact = true);

  // The table `name` (exactly, else case-insensitively, as FindTableInfo) as the source holds it
  // now: read again instead of from Tables()'s cache, for checks that must see a change made
  // since (a remembered recipe's freshness). nullopt when the source has no such table now.
  // Never changes what Tables() and the virtual tables report. The default reads the cache:
  // for kinds whose tables are fixed by the configuration or read afresh anyway.
  virtual Result<std::optional<TableInfo>> CurrentTable(const std::string& name);

  // The SQLite module; xCreate/xConnect receive `this` as pAux. Static storage duration.
  virtual const sqlite3_module* Module() const = 0;

 protected:
  Source(std::string name, std::string kind) : name_(std::move(name)), kind_(std::move(kind)) {}

  // Whether DescribeTable() can describe one table without Tables() describing them all; then
  // FindTableInfo() uses it until Tables() has been read. For kinds where listing costs much
  // per table (a SQLite file of 10,000 tables takes seconds to describe whole).
  virtual bool DescribesOneTable() const { return false; }
  // The table Tables() would list as exactly `name`, else the one it would find
  // case-insensitively; nullopt when there is none.
  virtual Result<std::optional<TableInfo>> DescribeTable(const std::string& /*name*/) {
    return std::optional<TableInfo>();
  }

 private:
  std::string name_;
  std::string kind_;
  std::vector<TableInfo> indexed_;                         // Tables(), once FindTableInfo() ran
  std::unordered_map<std::string, size_t> by_name_;        // name -> index in indexed_
  std::unordered_map<std::string, size_t> by_lower_name_;  // lower-cased name -> first such
  bool index_built_ = false;
  // Tables described one at a time (DescribeTable), by name, before Tables() was read.
  std::unordered_map<std::string, std::unique_ptr<TableInfo>> described_;
};

// Batched lookups. SQLite joins by nested loops: the inner table of a join is looked up once per
// outer row, and a lookup learns nothing of the keys to come. A connector whose lookups cost a
// round trip each (postgres) may ask the engine that runs the connection for them in advance and
// fetch them in batches. The engine registers itself per connection (SetLookupKeys); a
// connector finds it through the sqlite3* its xConnect received (LookupKeysOf).
class LookupKeys {
 public:
  virtual ~LookupKeys() = default;
  // The values argument `arg` of the running statement's xFilter calls on `vtab` with plan
  // `idx_str` will take, when the engine can tell them: calls `each` once per distinct non-NULL
  // value (its sqlite3_value is valid during the call only) and returns true. Returns false
  // when it cannot tell (the argument is not a column read from another table of the
  // statement, the session enforces a policy, more than `max_keys` values, an error) or when
  // `each` returned false (stop), possibly after some calls to `each`, whose values the caller
  // then discards. The values may be a superset of the lookups to come (rows that other terms
  // of the statement drop still give their key): a connector must still answer any other key by
  // itself, and answer these exactly.
  virtual bool ForEachKey(sqlite3_vtab* vtab, const char* idx_str, int arg, size_t max_keys,
                          const std::function<bool(sqlite3_value*)>& each) = 0;
};

// Registers `keys` for connection `db`; null unregisters it. The engine registers each of its
// connections for as long as it is open.
void SetLookupKeys(sqlite3* db, LookupKeys* keys);
// The LookupKeys registered for `db`, or null.
LookupKeys* LookupKeysOf(sqlite3* db);

// Attaches `source` to `db` as schema `schema` (see the top of this file): registers its module
// as `module_name` (unique per connection), attaches an in-memory database and creates one
// virtual table per source table. Returns the error of the failing step with the source named.
// Callers that enforce read-only (the engine) must allow these statements explicitly.
Status AttachSource(sqlite3* db, Source* source, const std::string& schema,
                    const std::string& module_name);

// AttachSource in two steps, for callers that create tables only when first used (a source of
// 10,000 tables costs seconds to create whole): AttachSourceSchema registers the module and
// attaches the empty schema; CreateSourceTable creates one virtual table `schema`.`table` of it
// (`table` as Tables() names it). Errors as AttachSource's; neither undoes the other.
Status AttachSourceSchema(sqlite3* db, Source* source, const std::string& schema,
                          const std::string& module_name);
Status CreateSourceTable(sqlite3* db, Source* source, const std::string& schema,
                         const std::string& module_name, const std::string& table);

// Reports `status` from a module callback: sets vtab->zErrMsg to "[Code] message" (the engine
// turns the bracketed code back into a StatusCode) and returns SQLITE_ERROR. Connectors use it
// so that, e.g., a remote timeout reaches the caller as kDeadlineExceeded, not a generic error.
// The message should start with the source name.
int SetVtabError(sqlite3_vtab* vtab, const Status& status);

// Splits "[Code] message" as written by SetVtabError into a Status; a message without a
// bracketed code gets `fallback`.
Status StatusFromVtabMessage(const std::string& message, StatusCode fallback);

// Builds a CREATE TABLE statement for sqlite3_declare_vtab from a table description, with
// `hidden` columns appended as HIDDEN.
//
// SQLite's OR optimisation scans once per OR branch and de-duplicates rows by rowid, so a rowid
// that is a per-scan counter drops rows. When `table.stable_rowid` is false and the table has a
// primary key, it is declared WITHOUT ROWID with that key, and rows are de-duplicated by key
// (xRowid is never called). A table with neither keeps a counter rowid: OR branches over it may
// lose rows that match several branches scanned separately (views; a known limitation, see
// src/README.md).
std::string DeclareVtabSql(const TableInfo& table, const std::vector<std::string>& hidden = {});

// Quotes an SQL identifier with double quotes ("a""b").
std::string QuoteIdentifier(const std::string& name);

// Inverse of QuoteIdentifier; returns `text` unchanged when it is not double-quoted. Module
// arguments (argv[3] in xCreate) arrive quoted as AttachSource wrote them.
std::string UnquoteIdentifier(const std::string& text);

}  // namespace cairn::connectors
