// The keys of a join's lookups, told in advance (connectors::LookupKeys, see source.h).
//
// SQLite runs a join as nested loops; the inner table's xFilter receives, per outer row, the
// outer row's column value as its argument. Which column that is can be read from the running
// statement's program: EXPLAIN of its SQL lists, before each VFilter, the VColumn that loads the
// argument's register from the outer cursor, and the VOpen that names each cursor's virtual
// table. When the argument is a plain column of another source table of the statement, the
// keys are that column's distinct values, read here with one internal statement
// (SELECT DISTINCT "col" FROM "source"."table"). That is a superset of the keys the lookups will
// ask for (the outer table's rows dropped by other terms still give theirs), which the
// LookupKeys contract allows. Anything else (an expression, a constant, a native or temporary
// table, a subquery, an ambiguous plan) is declined, and the connector goes on with one lookup
// at a time; a wrong reading would cost only time, never rows, since a connector answers every
// key outside the set by itself.
//
// When the outer table is itself looked up (its own VFilter has arguments), the statement reads
// only part of it, and its whole column may be far more than the lookups need: then only a
// table with a row estimate of at most kMaxPartialRows is read.
//
// Reading ahead costs at most one more pass over the outer column (a full scan the statement
// makes anyway, or a table of at most kMaxPartialRows), and stops at the connector's max_keys.
//
// Not for restricted sessions: their statements read guard tables, whose inner statements
// (one per scan) never repeat a lookup on one cursor. The internal statements are not ledgered:
// they read what the user's statement reads anyway, and nothing of them reaches the result.

#include <sqlite3.h>

#include <algorithm>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "connectors/source.h"
#include "engine/session.h"

namespace cairn::engine {
namespace {

// Outer tables looked up themselves are read whole for their keys only up to this estimate.
constexpr int64_t kMaxPartialRows = 50'000;
// How far back from a VFilter the load of its argument is looked for.
constexpr int kMaxLookBack = 32;

struct Op {
  std::string opcode;
  int p1 = 0, p2 = 0, p3 = 0;
  std::string p4;
  bool p4_null = true;
};

using StmtPtr = std::unique_ptr<sqlite3_stmt, int (*)(sqlite3_stmt*)>;

// Whether `op` ends the straight run of code that loads a VFilter's arguments.
bool EndsStraightCode(const std::string& opcode) {
  static const char* const kJumps[] = {
      "VNext",  "Next", "Prev",   "VFilter", "Goto",   "Gosub",  "Return",    "Halt",
      "Rewind", "Last", "SeekGE", "SeekGT",  "SeekLE", "SeekLT", "SeekRowid", "NotExists"};
  return std::any_of(std::begin(kJumps), std::end(kJumps),
                     [&](const char* jump) { return opcode == jump; });
}

// The cursor and column whose value register `reg` holds at `at` (a VFilter), when it was
// loaded by a VColumn in the straight code just before, possibly through copies.
bool RegisterSource(const std::vector<Op>& ops, size_t at, int reg, int* cursor, int* column) {
  for (size_t j = at; j-- > 0 && at - j <= kMaxLookBack;) {
    const Op& op = ops[j];
    if (op.opcode == "VColumn" && op.p3 == reg) {
      *cursor = op.p1;
      *column = op.p2;
      return true;
    }
    if (op.opcode == "SCopy" && op.p2 == reg) {
      reg = op.p1;
      continue;
    }
    if (op.opcode == "Copy" && reg >= op.p2 && reg <= op.p2 + op.p3) {
      reg = op.p1 + (reg - op.p2);
      continue;
    }
    if (EndsStraightCode(op.opcode)) return false;
    // Ops that only test or convert a register in place.
    if (op.opcode == "IsNull" || op.opcode == "NotNull" || op.opcode == "MustBeInt" ||
        op.opcode == "Affinity" || op.opcode == "RealAffinity") {
      continue;
    }
    if (op.p2 == reg || op.p3 == reg) return false;  // written by something else (or unknown)
  }
  return false;
}

// The argc a VFilter at `at` passes (loaded by an Integer into register p3 + 1 just before), or
// -1.
int FilterArgc(const std::vector<Op>& ops, size_t at) {
  const int reg = ops[at].p3 + 1;
  for (size_t j = at; j-- > 0 && at - j <= kMaxLookBack;) {
    if (ops[j].opcode == "Integer" && ops[j].p2 == reg) return ops[j].p1;
    if (EndsStraightCode(ops[j].opcode)) return -1;
  }
  return -1;
}

std::string Text(sqlite3_stmt* stmt, int column) {
  const unsigned char* text = sqlite3_column_text(stmt, column);
  return text ? reinterpret_cast<const char*>(text) : "";
}

}  // namespace

bool Session::ForEachKey(sqlite3_vtab* vtab, const char* idx_str, int arg, size_t max_keys,
                         const std::function<bool(sqlite3_value*)>& each) {
  if (restricted_ || vtab == nullptr || arg < 0) return false;
  char* tag_text = sqlite3_mprintf("vtab:%p", static_cast<void*>(vtab));
  if (tag_text == nullptr) return false;
  const std::string tag = tag_text;
  sqlite3_free(tag_text);
  // The statements running now (SQLite's list changes as the ones below are compiled).
  std::vector<std::string> running;
  for (sqlite3_stmt* stmt = sqlite3_next_stmt(db_, nullptr); stmt != nullptr;
       stmt = sqlite3_next_stmt(db_, stmt)) {
    if (sqlite3_stmt_busy(stmt) && sqlite3_stmt_isexplain(stmt) == 0) {
      running.emplace_back(sqlite3_sql(stmt));
    }
  }
  std::string error;
  auto explain = [&](const std::string& sql, std::vector<ColumnRead>* reads, std::vector<Op>* ops) {
    std::vector<ColumnRead>* previous_reads = internal_reads_;
    internal_reads_ = reads;
    sqlite3_stmt* raw = nullptr;
    int rc = PrepareInternal("EXPLAIN " + sql, &raw, &error);
    internal_reads_ = previous_reads;
    if (rc != SQLITE_OK) return false;
    StmtPtr stmt(raw, sqlite3_finalize);
    while ((rc = StepInternal(stmt.get())) == SQLITE_ROW) {
      Op op;
      op.opcode = Text(stmt.get(), 1);
      op.p1 = sqlite3_column_int(stmt.get(), 2);
      op.p2 = sqlite3_column_int(stmt.get(), 3);
      op.p3 = sqlite3_column_int(stmt.get(), 4);
      op.p4_null = sqlite3_column_type(stmt.get(), 5) == SQLITE_NULL;
      op.p4 = Text(stmt.get(), 5);
      ops->push_back(std::move(op));
    }
    return rc == SQLITE_DONE;
  };
  for (const std::string& sql : running) {
    std::vector<ColumnRead> reads;
    std::vector<Op> ops;
    if (!explain(sql, &reads, &ops)) continue;
    std::vector<int> cursors;  // the cursors on `vtab`
    for (const Op& op : ops) {
      if (op.opcode == "VOpen" && op.p4 == tag) cursors.push_back(op.p1);
    }
    if (cursors.empty()) continue;  // another statement
    // Every VFilter on those cursors with this plan must take the argument from one column.
    int outer_cursor = -1, outer_column = -1;
    for (size_t i = 0; i < ops.size(); ++i) {
      const Op& op = ops[i];
      if (op.opcode != "VFilter" ||
          std::find(cursors.begin(), cursors.end(), op.p1) == cursors.end() ||
          (idx_str == nullptr ? !op.p4_null : op.p4_null || op.p4 != idx_str)) {
        continue;
      }
      int cursor = -1, column = -1;
      if (!RegisterSource(ops, i, op.p3 + 2 + arg, &cursor, &column)) return false;
      if (outer_cursor >= 0 && (cursor != outer_cursor || column != outer_column)) return false;
      outer_cursor = cursor;
      outer_column = column;
    }
    if (outer_cursor < 0) return false;
    std::string outer_tag;
    int outer_argc = -1;
    for (size_t i = 0; i < ops.size(); ++i) {
      if (ops[i].p1 != outer_cursor) continue;
      if (ops[i].opcode == "VOpen") outer_tag = ops[i].p4;
      if (ops[i].opcode == "VFilter") outer_argc = FilterArgc(ops, i);
    }
    if (outer_tag.empty() || outer_tag == tag || outer_argc < 0) return false;
    // Which of the statement's source tables the outer cursor reads.
    std::vector<std::pair<std::string, std::string>> tables;
    for (const ColumnRead& read : reads) {
      if (read.source.empty() || read.source == "main" || read.source == "temp") continue;
      std::pair<std::string, std::string> table(read.source, read.table);
      if (std::find(tables.begin(), tables.end(), table) == tables.end()) tables.push_back(table);
    }
    const connectors::TableInfo* outer = nullptr;
    std::string outer_sql_name;
    for (const auto& [source, table] : tables) {
      const std::string name =
          connectors::QuoteIdentifier(source) + "." + connectors::QuoteIdentifier(table);
      std::vector<ColumnRead> unused;
      std::vector<Op> table_ops;
      if (!explain("SELECT 1 FROM " + name, &unused, &table_ops)) continue;
      const bool same = std::any_of(table_ops.begin(), table_ops.end(), [&](const Op& op) {
        return op.opcode == "VOpen" && op.p4 == outer_tag;
      });
      if (!same) continue;
      Result<connectors::Source*> opened = catalog_->Open(source);
      if (!opened.ok()) return false;
      Result<const connectors::TableInfo*> info = (*opened)->FindTableInfo(table, false);
      if (!info.ok() || *info == nullptr) return false;
      outer = *info;
      outer_sql_name = name;
      break;
    }
    if (outer == nullptr || outer_column < 0 ||
        outer_column >= static_cast<int>(outer->columns.size())) {
      return false;
    }
    if (outer_argc > 0 && (outer->row_estimate < 0 || outer->row_estimate > kMaxPartialRows)) {
      return false;
    }
    sqlite3_stmt* raw = nullptr;
    const std::string keys_sql = "SELECT DISTINCT " +
                                 connectors::QuoteIdentifier(outer->columns[outer_column].name) +
                                 " FROM " + outer_sql_name;
    if (PrepareInternal(keys_sql, &raw, &error) != SQLITE_OK) return false;
    StmtPtr stmt(raw, sqlite3_finalize);
    size_t keys = 0;
    int rc = SQLITE_OK;
    while ((rc = StepInternal(stmt.get())) == SQLITE_ROW) {
      sqlite3_value* value = sqlite3_column_value(stmt.get(), 0);
      if (sqlite3_value_type(value) == SQLITE_NULL) continue;  // = NULL finds nothing
      if (++keys > max_keys || !each(value)) return false;
    }
    return rc == SQLITE_DONE;
  }
  return false;
}

}  // namespace cairn::engine
