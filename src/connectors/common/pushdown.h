#pragma once

// Constraint pushdown shared by the connectors that talk SQL to their source (sqlite, postgres).
//
// xBestIndex asks PlanBestIndex() which WHERE terms, LIMIT and OFFSET the source can evaluate.
// The connector answers per (column, operator) with a Support level:
//
//   kNo        SQLite evaluates the term itself; it is not sent to the source.
//   kSuperset  the source evaluates a translation that keeps at least every row SQLite would
//              keep; SQLite re-checks each row (aConstraintUsage.omit = 0).
//   kExact     the translation keeps exactly the rows SQLite would keep; SQLite does not
//              re-check (omit = 1).
//
// The chosen terms travel to xFilter as a ScanPlan encoded in idxStr; term i is argv[i].
// LIMIT and OFFSET are pushed only when the result cannot depend on anything SQLite still
// does afterwards: no ORDER BY (or one the source sorts by), and every other constraint pushed
// exactly and omitted. An IN
// list is taken all at once (sqlite3_vtab_in) when SQLite allows it, and then its argv value
// must be walked with sqlite3_vtab_in_first/next.
//
// Comparisons (=, <, IN, ...) under a collation other than BINARY (`x = 'a' COLLATE NOCASE`) are
// never offered to the source: sources compare bytewise.
//
// The columns the statement reads (colUsed) travel in the plan too, so a source can fetch only
// those.
//
// Thread-safety: pure functions over their arguments.

#include <sqlite3.h>

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "connectors/source.h"
#include "core/status.h"

namespace cairn::connectors::pushdown {

enum class Op : uint8_t {
  kEq,
  kLt,
  kLe,
  kGt,
  kGe,
  kIsNull,
  kIsNotNull,
  kIn,  // an IN list taken all at once; argv holds the list (sqlite3_vtab_in_first)
  kLike,
  kLimit,   // column is -1
  kOffset,  // column is -1
};

enum class Support { kNo, kSuperset, kExact };

// One pushed term. Its value is xFilter's argv[index in ScanPlan::terms].
struct Term {
  int column = -1;
  Op op = Op::kEq;
  bool omitted = false;  // SQLite does not re-check this term
};

// One ORDER BY term the source sorts by (SQLite's order: NULLs first ascending, BINARY text).
struct OrderTerm {
  int column = 0;
  bool descending = false;
};

struct ScanPlan {
  std::vector<Term> terms;
  // Non-empty when the source returns rows in this order (orderByConsumed).
  std::vector<OrderTerm> order_by;
  // Columns the statement reads; bit 63 stands for column 63 and every later one.
  uint64_t columns_used = ~uint64_t{0};
  // Every primary-key column is bound by equality: at most one row comes back.
  bool unique = false;

  bool UsesColumn(int column) const { return (columns_used >> (column < 63 ? column : 63)) & 1; }
  bool HasLimit() const;

  // A compact text form for idxStr, and its inverse. Decode returns InvalidArgument for text
  // that Encode did not produce.
  std::string Encode() const;
  static Result<ScanPlan> Decode(const char* text);
};

// Answers whether the source can evaluate `op` on `column` (never called for kLimit/kOffset).
using SupportFn = std::function<Support(int column, Op op)>;
// Answers whether the source can sort by `column` exactly as SQLite would (BINARY, NULLs lowest).
using OrderFn = std::function<bool(int column)>;

struct CostModel {
  // Fixed cost of one query against the source (a round trip), in the units of one row.
  double startup_cost = 10.0;
  // Relative cost of producing one row.
  double row_cost = 1.0;
};

// Fills `info` for xBestIndex: argvIndex/omit per pushed term, idxStr (sqlite3_malloc'ed, with
// needToFreeIdxStr set), estimatedRows/estimatedCost and SQLITE_INDEX_SCAN_UNIQUE when every
// primary-key column is bound by equality. When `order` accepts every ORDER BY column, the plan
// carries the ORDER BY and sets orderByConsumed (and LIMIT/OFFSET may then be pushed too).
// Returns SQLITE_OK or SQLITE_NOMEM.
int PlanBestIndex(sqlite3_index_info* info, const TableInfo& table, const SupportFn& support,
                  const CostModel& cost, const OrderFn& order = nullptr);

// The SQL comparison operator of kEq..kGe ("=", "<", ...); "" for the others.
const char* ComparisonSql(Op op);

// How SQLite orders values of different storage classes: NULL < numeric < TEXT < BLOB.
enum class ValueClass { kNull = 0, kNumeric = 1, kText = 2, kBlob = 3 };
ValueClass ClassOf(int sqlite_type);

// Outcome of comparing every non-NULL value of a column of class `column_class` with a value of
// another class `value_class` (they differ): SQLite's answer is the same for every row.
enum class ConstantOutcome { kNone, kAllNonNull };
ConstantOutcome CrossClassComparison(Op op, ValueClass column_class, ValueClass value_class);

// Collects the values of an all-at-once IN argument (copies, owned by the caller, to be released
// with sqlite3_value_free). Returns SQLITE_OK or the error of sqlite3_vtab_in_first/next.
int CollectInValues(sqlite3_value* list, std::vector<sqlite3_value*>* values);

// Releases values returned by CollectInValues and clears the vector.
void FreeValues(std::vector<sqlite3_value*>* values);

}  // namespace cairn::connectors::pushdown
