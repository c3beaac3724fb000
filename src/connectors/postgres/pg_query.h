#pragma once

// How the postgres connector maps PostgreSQL columns and builds the remote query of a scan
// (internal to connectors/postgres; the behaviour is described in postgres_source.h).

#include <sqlite3.h>

#include <cstdint>
#include <string>
#include <vector>

#include "connectors/common/pushdown.h"
#include "connectors/source.h"
#include "core/status.h"

namespace cairn::connectors::postgres {

// How a PostgreSQL column is read and how terms on it are translated.
enum class ColumnKind {
  kInt,       // int2/int4/int8/oid
  kBool,      // bool, exposed as 0/1
  kFloat8,    // float8
  kFloat4,    // float4: its double rendering differs from PostgreSQL's comparison; not pushed
  kNumeric,   // numeric, exposed as a double; compared as float8
  kText,      // text, varchar
  kTextCast,  // types whose ::text equals their output (dates, times, uuid, json, enums)
  kOpaque,    // other types exposed as text; only NULL tests are pushed
  kBytea,     // bytea
};

ColumnKind KindOf(const std::string& type, char type_kind);
// The SQLite type declared for a column of this kind.
const char* DeclaredType(ColumnKind kind);
// Which terms on a column of this kind are pushed.
pushdown::Support SupportFor(ColumnKind kind, pushdown::Op op);
// Whether the source can sort by a column exactly as SQLite orders the converted values.
bool CanOrderBy(ColumnKind kind);
// The value of one hex digit, -1 for another character.
int HexDigit(char c);

struct PgTable {
  TableInfo info;
  std::string relation;  // "schema"."relname"
  std::vector<ColumnKind> kinds;
  // How filters and ORDER BY name each column: the quoted name, or a cast of it (oid::int8,
  // since oid has no operators against int8).
  std::vector<std::string> exprs;
  // An ordinary table or materialized view: each row has a ctid unique within the relation
  // (not a partitioned table, whose partitions number their rows independently).
  bool has_ctid = false;
};

struct RemoteQuery {
  std::string sql;
  std::vector<std::string> params;
  bool matches_nothing = false;
  int64_t limit = -1;      // pushed LIMIT, -1 when none
  bool has_tail = false;   // a LIMIT or OFFSET clause was appended
  bool selective = false;  // an equality or IN term was pushed

  std::string NextParam(std::string value) {
    params.push_back(std::move(value));
    return "$" + std::to_string(params.size());
  }
};

// Builds the remote SELECT of a scan. `sample_percent`, when not null, is the percentage for
// TABLESAMPLE SYSTEM (validated). `result_column` gets, per table column, its position in the
// result (-1 when not selected), and one more entry for the ctid when it is selected.
Status BuildQuery(const PgTable& table, const pushdown::ScanPlan& plan, sqlite3_value** argv,
                  const double* sample_percent, RemoteQuery* query,
                  std::vector<int>* result_column);

// Batched lookups (see "Batched lookups" in postgres_source.h), for an integer (kInt) or text
// (kText) key column only.
//
// The parameter text an equality lookup of `value` on a column of `kind` sends: what BuildQuery
// puts in RemoteQuery::params for the term `column = value`. False when that lookup matches
// nothing (NULL, a value of another class after SQLite's affinity, a non-integral real against an
// integer column, text with a NUL).
bool LookupKeyText(ColumnKind kind, sqlite3_value* value, std::string* text);

// The remote SELECT of the columns `columns_used` (ScanPlan::columns_used bits) and column `key`
// of every row whose `key` equals one of `keys` (texts as LookupKeyText gives them): one
// `= ANY($1)` array parameter. `result_column` as in BuildQuery.
Status BuildKeysQuery(const PgTable& table, uint64_t columns_used, int key,
                      const std::vector<std::string>& keys, RemoteQuery* query,
                      std::vector<int>* result_column);

}  // namespace cairn::connectors::postgres
