#include "connectors/common/pushdown.h"

#include <algorithm>
#include <cstdlib>
#include <cstring>

namespace cairn::connectors::pushdown {
namespace {

constexpr int kOpCount = static_cast<int>(Op::kOffset) + 1;

bool IsRange(Op op) { return op == Op::kLt || op == Op::kLe || op == Op::kGt || op == Op::kGe; }

}  // namespace

bool ScanPlan::HasLimit() const {
  return std::any_of(terms.begin(), terms.end(), [](const Term& t) { return t.op == Op::kLimit; });
}

std::string ScanPlan::Encode() const {
  std::string out = fmt::format("{:x}|{}|", columns_used, unique ? 1 : 0);
  for (const Term& term : terms) {
    out += fmt::format("{}.{}.{},", term.column, static_cast<int>(term.op), term.omitted ? 1 : 0);
  }
  out += '|';
  for (const OrderTerm& order : order_by) {
    out += fmt::format("{}.{},", order.column, order.descending ? 1 : 0);
  }
  return out;
}

Result<ScanPlan> ScanPlan::Decode(const char* text) {
  ScanPlan plan;
  if (text == nullptr) return plan;  // no idxStr: a full scan of every column
  auto bad = [&]() { return InvalidArgumentError("malformed scan plan '{}'", text); };
  char* end = nullptr;
  plan.columns_used = std::strtoull(text, &end, 16);
  if (end == text || *end != '|') return bad();
  const char* p = end + 1;
  if ((*p != '0' && *p != '1') || p[1] != '|') return bad();
  plan.unique = *p == '1';
  p += 2;
  while (*p != '|') {
    if (*p == '\0') return bad();
    Term term;
    long column = std::strtol(p, &end, 10);
    if (end == p || *end != '.') return bad();
    p = end + 1;
    long op = std::strtol(p, &end, 10);
    if (end == p || *end != '.' || op < 0 || op >= kOpCount) return bad();
    p = end + 1;
    if ((*p != '0' && *p != '1') || p[1] != ',') return bad();
    term.column = static_cast<int>(column);
    term.op = static_cast<Op>(op);
    term.omitted = *p == '1';
    plan.terms.push_back(term);
    p += 2;
  }
  ++p;
  while (*p != '\0') {
    OrderTerm order;
    long column = std::strtol(p, &end, 10);
    if (end == p || *end != '.' || column < 0) return bad();
    p = end + 1;
    if ((*p != '0' && *p != '1') || p[1] != ',') return bad();
    order.column = static_cast<int>(column);
    order.descending = *p == '1';
    plan.order_by.push_back(order);
    p += 2;
  }
  return plan;
}

int PlanBestIndex(sqlite3_index_info* info, const TableInfo& table, const SupportFn& support,
                  const CostModel& cost, const OrderFn& order) {
  ScanPlan plan;
  plan.columns_used = info->colUsed;
  // A WITHOUT ROWID table (see DeclareVtabSql) is de-duplicated by its key when SQLite scans
  // once per OR branch; the key must then be fetched even if the statement does not name it.
  if (!table.stable_rowid) {
    for (size_t c = 0; c < table.columns.size(); ++c) {
      if (table.columns[c].primary_key) plan.columns_used |= uint64_t{1} << (c < 63 ? c : 63);
    }
  }
  bool all_exact = true;  // every WHERE term is pushed exactly and omitted
  int limit_index = -1;
  int offset_index = -1;
  std::vector<bool> pk_bound(table.columns.size(), false);
  double rows = table.row_estimate >= 0 ? std::max<double>(1.0, table.row_estimate) : 1e6;

  for (int i = 0; i < info->nConstraint; ++i) {
    const auto& constraint = info->aConstraint[i];
    if (constraint.op == SQLITE_INDEX_CONSTRAINT_LIMIT) {
      if (constraint.usable) limit_index = i;
      continue;
    }
    if (constraint.op == SQLITE_INDEX_CONSTRAINT_OFFSET) {
      if (constraint.usable) offset_index = i;
      continue;
    }
    const int column = constraint.iColumn;
    if (!constraint.usable || column < 0 || column >= static_cast<int>(table.columns.size())) {
      all_exact = false;
      continue;
    }
    Op op;
    switch (constraint.op) {
      case SQLITE_INDEX_CONSTRAINT_EQ:
        op = sqlite3_vtab_in(info, i, -1) ? Op::kIn : Op::kEq;
        break;
      case SQLITE_INDEX_CONSTRAINT_LT:
        op = Op::kLt;
        break;
      case SQLITE_INDEX_CONSTRAINT_LE:
        op = Op::kLe;
        break;
      case SQLITE_INDEX_CONSTRAINT_GT:
        op = Op::kGt;
        break;
      case SQLITE_INDEX_CONSTRAINT_GE:
        op = Op::kGe;
        break;
      case SQLITE_INDEX_CONSTRAINT_ISNULL:
        op = Op::kIsNull;
        break;
      case SQLITE_INDEX_CONSTRAINT_ISNOTNULL:
        op = Op::kIsNotNull;
        break;
      case SQLITE_INDEX_CONSTRAINT_LIKE:
        op = Op::kLike;
        break;
      default:
        all_exact = false;
        continue;
    }
    if (op != Op::kLike && op != Op::kIsNull && op != Op::kIsNotNull) {
      // Sources compare bytewise; a NOCASE/RTRIM/custom comparison stays with SQLite.
      const char* collation = sqlite3_vtab_collation(info, i);
      if (collation != nullptr && sqlite3_stricmp(collation, "BINARY") != 0) {
        all_exact = false;
        continue;
      }
    }
    Support level = support(column, op);
    if (level == Support::kNo) {
      all_exact = false;
      continue;
    }
    if (op == Op::kIn) sqlite3_vtab_in(info, i, 1);
    Term term{column, op, level == Support::kExact};
    plan.terms.push_back(term);
    info->aConstraintUsage[i].argvIndex = static_cast<int>(plan.terms.size());
    info->aConstraintUsage[i].omit = term.omitted ? 1 : 0;
    if (!term.omitted) all_exact = false;

    switch (op) {
      case Op::kEq:
        rows /= 10;
        if (table.columns[column].primary_key) pk_bound[column] = true;
        break;
      case Op::kIn:
        rows /= 4;
        break;
      case Op::kIsNull:
        rows /= 10;
        break;
      case Op::kIsNotNull:
        rows *= 0.9;
        break;
      case Op::kLike:
        rows /= 5;
        break;
      default:
        if (IsRange(op)) rows /= 3;
        break;
    }
  }

  bool has_pk = false;
  bool all_pk_bound = true;
  for (size_t c = 0; c < table.columns.size(); ++c) {
    if (!table.columns[c].primary_key) continue;
    has_pk = true;
    all_pk_bound = all_pk_bound && pk_bound[c];
  }
  plan.unique = has_pk && all_pk_bound;
  if (plan.unique) {
    rows = 1;
    info->idxFlags |= SQLITE_INDEX_SCAN_UNIQUE;
  }

  bool order_consumed = false;
  if (info->nOrderBy > 0 && order) {
    order_consumed = true;
    for (int i = 0; i < info->nOrderBy && order_consumed; ++i) {
      const int column = info->aOrderBy[i].iColumn;
      order_consumed =
          column >= 0 && column < static_cast<int>(table.columns.size()) && order(column);
    }
    if (order_consumed) {
      for (int i = 0; i < info->nOrderBy; ++i) {
        plan.order_by.push_back(OrderTerm{info->aOrderBy[i].iColumn, info->aOrderBy[i].desc != 0});
      }
      info->orderByConsumed = 1;
    }
  }

  // LIMIT and OFFSET only when nothing SQLite still does could drop or reorder rows; OFFSET is
  // never pushed without LIMIT (a LIMIT applied before SQLite's OFFSET would be wrong).
  bool offset_ok = offset_index < 0 || limit_index >= 0;
  if (limit_index >= 0 && all_exact && (info->nOrderBy == 0 || order_consumed) && offset_ok) {
    plan.terms.push_back(Term{-1, Op::kLimit, true});
    info->aConstraintUsage[limit_index].argvIndex = static_cast<int>(plan.terms.size());
    info->aConstraintUsage[limit_index].omit = 1;
    sqlite3_value* limit = nullptr;
    if (sqlite3_vtab_rhs_value(info, limit_index, &limit) == SQLITE_OK && limit != nullptr &&
        sqlite3_value_type(limit) == SQLITE_INTEGER && sqlite3_value_int64(limit) >= 0) {
      rows = std::min<double>(rows, static_cast<double>(sqlite3_value_int64(limit)));
    }
    if (offset_index >= 0) {
      plan.terms.push_back(Term{-1, Op::kOffset, true});
      info->aConstraintUsage[offset_index].argvIndex = static_cast<int>(plan.terms.size());
      info->aConstraintUsage[offset_index].omit = 1;
    }
  }

  rows = std::max(rows, 1.0);
  info->estimatedRows = static_cast<sqlite3_int64>(rows);
  info->estimatedCost = cost.startup_cost + rows * cost.row_cost;
  // Sorting at the source is not free either, but cheaper than SQLite sorting afterwards.
  if (order_consumed && !plan.unique) info->estimatedCost += rows * cost.row_cost * 0.1;

  std::string encoded = plan.Encode();
  char* idx = static_cast<char*>(sqlite3_malloc64(encoded.size() + 1));
  if (idx == nullptr) return SQLITE_NOMEM;
  std::memcpy(idx, encoded.c_str(), encoded.size() + 1);
  info->idxStr = idx;
  info->needToFreeIdxStr = 1;
  info->idxNum = static_cast<int>(plan.terms.size());
  return SQLITE_OK;
}

const char* ComparisonSql(Op op) {
  switch (op) {
    case Op::kEq:
      return "=";
    case Op::kLt:
      return "<";
    case Op::kLe:
      return "<=";
    case Op::kGt:
      return ">";
    case Op::kGe:
      return ">=";
    default:
      return "";
  }
}

ValueClass ClassOf(int sqlite_type) {
  switch (sqlite_type) {
    case SQLITE_INTEGER:
    case SQLITE_FLOAT:
      return ValueClass::kNumeric;
    case SQLITE_TEXT:
      return ValueClass::kText;
    case SQLITE_BLOB:
      return ValueClass::kBlob;
    default:
      return ValueClass::kNull;
  }
}

ConstantOutcome CrossClassComparison(Op op, ValueClass column_class, ValueClass value_class) {
  const bool column_smaller = static_cast<int>(column_class) < static_cast<int>(value_class);
  switch (op) {
    case Op::kLt:
    case Op::kLe:
      return column_smaller ? ConstantOutcome::kAllNonNull : ConstantOutcome::kNone;
    case Op::kGt:
    case Op::kGe:
      return column_smaller ? ConstantOutcome::kNone : ConstantOutcome::kAllNonNull;
    default:  // equality across classes never holds
      return ConstantOutcome::kNone;
  }
}

int CollectInValues(sqlite3_value* list, std::vector<sqlite3_value*>* values) {
  sqlite3_value* value = nullptr;
  int rc = sqlite3_vtab_in_first(list, &value);
  while (rc == SQLITE_OK && value != nullptr) {
    sqlite3_value* copy = sqlite3_value_dup(value);
    if (copy == nullptr) return SQLITE_NOMEM;
    values->push_back(copy);
    rc = sqlite3_vtab_in_next(list, &value);
  }
  return rc == SQLITE_DONE || rc == SQLITE_OK ? SQLITE_OK : rc;
}

void FreeValues(std::vector<sqlite3_value*>* values) {
  for (sqlite3_value* value : *values) sqlite3_value_free(value);
  values->clear();
}

}  // namespace cairn::connectors::pushdown
