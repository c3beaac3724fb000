#include "connectors/postgres/pg_query.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "connectors/postgres/pg_connection.h"

namespace cairn::connectors::postgres {

namespace pd = ::cairn::connectors::pushdown;

ColumnKind KindOf(const std::string& type, char type_kind) {
  if (type == "int2" || type == "int4" || type == "int8" || type == "oid") return ColumnKind::kInt;
  if (type == "bool") return ColumnKind::kBool;
  if (type == "float8") return ColumnKind::kFloat8;
  if (type == "float4") return ColumnKind::kFloat4;
  if (type == "numeric") return ColumnKind::kNumeric;
  if (type == "text" || type == "varchar") return ColumnKind::kText;
  if (type == "bytea") return ColumnKind::kBytea;
  if (type_kind == 'e' || type == "date" || type == "timestamp" || type == "timestamptz" ||
      type == "time" || type == "timetz" || type == "interval" || type == "uuid" ||
      type == "json" || type == "jsonb" || type == "name") {
    return ColumnKind::kTextCast;
  }
  return ColumnKind::kOpaque;
}

const char* DeclaredType(ColumnKind kind) {
  switch (kind) {
    case ColumnKind::kInt:
    case ColumnKind::kBool:
      return "INTEGER";
    case ColumnKind::kFloat8:
    case ColumnKind::kFloat4:
    case ColumnKind::kNumeric:
      return "REAL";
    case ColumnKind::kBytea:
      return "BLOB";
    default:
      return "TEXT";
  }
}

namespace {

pd::ValueClass ClassOfKind(ColumnKind kind) {
  switch (kind) {
    case ColumnKind::kInt:
    case ColumnKind::kBool:
    case ColumnKind::kFloat8:
    case ColumnKind::kFloat4:
    case ColumnKind::kNumeric:
      return pd::ValueClass::kNumeric;
    case ColumnKind::kBytea:
      return pd::ValueClass::kBlob;
    default:
      return pd::ValueClass::kText;
  }
}

}  // namespace

pd::Support SupportFor(ColumnKind kind, pd::Op op) {
  if (op == pd::Op::kIsNull || op == pd::Op::kIsNotNull) return pd::Support::kExact;
  if (op == pd::Op::kLike) {
    return kind == ColumnKind::kText || kind == ColumnKind::kTextCast || kind == ColumnKind::kInt
               ? pd::Support::kSuperset
               : pd::Support::kNo;
  }
  if (kind == ColumnKind::kFloat4 || kind == ColumnKind::kOpaque) return pd::Support::kNo;
  return pd::Support::kExact;
}

// Whether the source can sort by a column exactly as SQLite orders the converted values.
bool CanOrderBy(ColumnKind kind) {
  return kind != ColumnKind::kFloat4 && kind != ColumnKind::kOpaque;
}

namespace {

// The ORDER BY expression for a column: SQLite's order (NULLs lowest, bytewise text, NaN read as
// NULL) spelled in PostgreSQL.
std::string OrderSql(const std::string& column, ColumnKind kind, bool not_null, bool descending) {
  std::string out;
  switch (kind) {
    case ColumnKind::kText:
      out = column + " COLLATE \"C\"";
      break;
    case ColumnKind::kTextCast:
      out = column + "::text COLLATE \"C\"";
      break;
    case ColumnKind::kFloat8:
      out = "NULLIF(" + column + ", 'NaN'::float8)";
      not_null = false;
      break;
    case ColumnKind::kNumeric:
      out = "NULLIF(" + column + "::float8, 'NaN'::float8)";
      not_null = false;
      break;
    default:
      out = column;
      break;
  }
  if (descending) out += " DESC";
  // Without a NULLS clause on a NOT NULL column PostgreSQL can walk a plain index.
  if (!not_null) out += descending ? " NULLS LAST" : " NULLS FIRST";
  return out;
}

// ---------------------------------------------------------------------------------------------
// Values.

std::string FormatDouble(double d) {
  if (std::isinf(d)) return d > 0 ? "Infinity" : "-Infinity";
  return fmt::format("{}", d);  // shortest text that reads back as the same double
}

std::string HexBytea(const void* data, int size) {
  static const char kHex[] = "0123456789abcdef";
  std::string out = "\\x";
  out.reserve(2 + 2 * static_cast<size_t>(size));
  const auto* bytes = static_cast<const unsigned char*>(data);
  for (int i = 0; i < size; ++i) {
    out += kHex[bytes[i] >> 4];
    out += kHex[bytes[i] & 15];
  }
  return out;
}

}  // namespace

int HexDigit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

namespace {

// A filter value after SQLite's affinity for the column has been applied.
struct Operand {
  pd::ValueClass value_class = pd::ValueClass::kNull;
  bool is_int = false;
  int64_t i = 0;
  double d = 0;
  std::string bytes;  // text or blob content
};

Operand Normalize(sqlite3_value* value, ColumnKind kind) {
  Operand out;
  sqlite3_value* owned = nullptr;
  int type = sqlite3_value_type(value);
  pd::ValueClass column_class = ClassOfKind(kind);
  if (column_class == pd::ValueClass::kNumeric && type == SQLITE_TEXT) {
    owned = sqlite3_value_dup(value);
    if (owned != nullptr) {
      type = sqlite3_value_numeric_type(owned);
      value = owned;
    }
  }
  if (column_class == pd::ValueClass::kText && (type == SQLITE_INTEGER || type == SQLITE_FLOAT)) {
    type = SQLITE_TEXT;  // text affinity renders the number
  }
  switch (type) {
    case SQLITE_INTEGER:
      out.value_class = pd::ValueClass::kNumeric;
      out.is_int = true;
      out.i = sqlite3_value_int64(value);
      out.d = static_cast<double>(out.i);
      break;
    case SQLITE_FLOAT:
      out.d = sqlite3_value_double(value);
      out.value_class = std::isnan(out.d) ? pd::ValueClass::kNull : pd::ValueClass::kNumeric;
      break;
    case SQLITE_TEXT: {
      const unsigned char* text = sqlite3_value_text(value);
      out.value_class = pd::ValueClass::kText;
      out.bytes.assign(reinterpret_cast<const char*>(text), sqlite3_value_bytes(value));
      break;
    }
    case SQLITE_BLOB:
      out.value_class = pd::ValueClass::kBlob;
      out.bytes.assign(static_cast<const char*>(sqlite3_value_blob(value)),
                       sqlite3_value_bytes(value));
      break;
    default:
      break;
  }
  sqlite3_value_free(owned);
  return out;
}

// Rounds `d` with `round` into int64; -1/+1 when below/above the int64 range.
int ToInt64(double d, double (*round)(double), int64_t* out) {
  double r = round(d);
  if (r < -9223372036854775808.0) return -1;
  if (r >= 9223372036854775808.0) return 1;
  *out = static_cast<int64_t>(r);
  return 0;
}

// ---------------------------------------------------------------------------------------------
// Building the remote query.

// Appends the translation of `column op value` to `where`, or marks the query as matching
// nothing. Only called for (kind, op) pairs SupportFor() accepts.
void AddComparison(const std::string& column, ColumnKind kind, pd::Op op, sqlite3_value* value,
                   RemoteQuery* query, std::vector<std::string>* where) {
  Operand v = Normalize(value, kind);
  const pd::ValueClass column_class = ClassOfKind(kind);
  if (v.value_class == pd::ValueClass::kNull) {
    query->matches_nothing = true;
    return;
  }
  if (v.value_class != column_class) {
    if (pd::CrossClassComparison(op, column_class, v.value_class) == pd::ConstantOutcome::kNone) {
      query->matches_nothing = true;
    } else {
      where->push_back(column + " IS NOT NULL");
    }
    return;
  }
  const char* sql_op = pd::ComparisonSql(op);
  switch (kind) {
    case ColumnKind::kInt: {
      int64_t bound = v.i;
      if (!v.is_int) {
        double (*round)(double) = nullptr;
        switch (op) {
          case pd::Op::kEq:
            if (std::floor(v.d) != v.d) {
              query->matches_nothing = true;
              return;
            }
            round = std::floor;
            break;
          case pd::Op::kLt:
          case pd::Op::kGe:
            round = std::ceil;
            break;
          default:  // <=, >
            round = std::floor;
            break;
        }
        int range = ToInt64(v.d, round, &bound);
        if (range != 0) {
          bool below = range < 0;
          bool all = op == pd::Op::kEq                          ? false
                     : (op == pd::Op::kLt || op == pd::Op::kLe) ? !below
                                                                : below;
          if (all) {
            where->push_back(column + " IS NOT NULL");
          } else {
            query->matches_nothing = true;
          }
          return;
        }
      }
      where->push_back(column + " " + sql_op + " " + query->NextParam(std::to_string(bound)) +
                       "::int8");
      return;
    }
    case ColumnKind::kBool:
      where->push_back(column + "::int4 " + sql_op + " " +
                       query->NextParam(v.is_int ? std::to_string(v.i) : FormatDouble(v.d)) +
                       "::float8");
      return;
    case ColumnKind::kFloat8:
    case ColumnKind::kNumeric:
      where->push_back(column + (kind == ColumnKind::kNumeric ? "::float8 " : " ") + sql_op + " " +
                       query->NextParam(v.is_int ? std::to_string(v.i) : FormatDouble(v.d)) +
                       "::float8");
      return;
    case ColumnKind::kText:
    case ColumnKind::kTextCast: {
      std::string lhs = kind == ColumnKind::kText ? column : column + "::text";
      pd::Op effective = op;
      size_t nul = v.bytes.find('\0');
      if (nul != std::string::npos) {
        // PostgreSQL text holds no NUL: compare with the prefix before it instead.
        v.bytes.resize(nul);
        if (op == pd::Op::kEq) {
          query->matches_nothing = true;
          return;
        }
        if (op == pd::Op::kLt) effective = pd::Op::kLe;
        if (op == pd::Op::kGe) effective = pd::Op::kGt;
      }
      if (effective != pd::Op::kEq) lhs += " COLLATE \"C\"";
      where->push_back(lhs + " " + pd::ComparisonSql(effective) + " " +
                       query->NextParam(std::move(v.bytes)) + "::text");
      return;
    }
    case ColumnKind::kBytea:
      where->push_back(
          column + " " + sql_op + " " +
          query->NextParam(HexBytea(v.bytes.data(), static_cast<int>(v.bytes.size()))) + "::bytea");
      return;
    default:
      return;
  }
}

Status AddIn(const std::string& column, ColumnKind kind, sqlite3_value* list, RemoteQuery* query,
             std::vector<std::string>* where) {
  std::vector<sqlite3_value*> values;
  int rc = pd::CollectInValues(list, &values);
  std::vector<std::string> items;
  const pd::ValueClass column_class = ClassOfKind(kind);
  for (sqlite3_value* value : values) {
    Operand v = Normalize(value, kind);
    if (v.value_class != column_class) continue;  // NULL or another class: never equal
    switch (kind) {
      case ColumnKind::kInt:
        if (v.is_int) {
          items.push_back(std::to_string(v.i));
        } else if (std::floor(v.d) == v.d) {
          int64_t i = 0;
          if (ToInt64(v.d, std::floor, &i) == 0) items.push_back(std::to_string(i));
        }
        break;
      case ColumnKind::kBool:
      case ColumnKind::kFloat8:
      case ColumnKind::kNumeric:
        items.push_back(v.is_int ? std::to_string(v.i) : FormatDouble(v.d));
        break;
      case ColumnKind::kText:
      case ColumnKind::kTextCast:
        if (v.bytes.find('\0') == std::string::npos) items.push_back(std::move(v.bytes));
        break;
      case ColumnKind::kBytea:
        items.push_back(HexBytea(v.bytes.data(), static_cast<int>(v.bytes.size())));
        break;
      default:
        break;
    }
  }
  pd::FreeValues(&values);
  if (rc != SQLITE_OK) return InternalError("cannot read an IN list: {}", sqlite3_errstr(rc));
  if (items.empty()) {
    query->matches_nothing = true;
    return OkStatus();
  }
  std::sort(items.begin(), items.end());
  items.erase(std::unique(items.begin(), items.end()), items.end());
  std::string param = query->NextParam(ArrayLiteral(items));
  switch (kind) {
    case ColumnKind::kInt:
      where->push_back(column + " = ANY(" + param + "::int8[])");
      break;
    case ColumnKind::kBool:
      where->push_back(column + "::int4 = ANY(" + param + "::float8[])");
      break;
    case ColumnKind::kFloat8:
      where->push_back(column + " = ANY(" + param + "::float8[])");
      break;
    case ColumnKind::kNumeric:
      where->push_back(column + "::float8 = ANY(" + param + "::float8[])");
      break;
    case ColumnKind::kText:
      where->push_back(column + " = ANY(" + param + "::text[])");
      break;
    case ColumnKind::kTextCast:
      where->push_back(column + "::text = ANY(" + param + "::text[])");
      break;
    case ColumnKind::kBytea:
      where->push_back(column + " = ANY(" + param + "::bytea[])");
      break;
    default:
      break;
  }
  return OkStatus();
}

}  // namespace

// `sample_percent`, when not null, is the percentage for TABLESAMPLE SYSTEM (validated).
Status BuildQuery(const PgTable& table, const pd::ScanPlan& plan, sqlite3_value** argv,
                  const double* sample_percent, RemoteQuery* query,
                  std::vector<int>* result_column) {
  std::string select = "SELECT ";
  result_column->assign(table.info.columns.size(), -1);
  int selected = 0;
  for (size_t c = 0; c < table.info.columns.size(); ++c) {
    if (!plan.UsesColumn(static_cast<int>(c))) continue;
    if (selected > 0) select += ", ";
    select += QuoteIdentifier(table.info.columns[c].name);
    (*result_column)[c] = selected++;
  }
  if (table.info.stable_rowid) {
    // The row's ctid, last: the rowid (see Rowid()).
    select += std::string(selected > 0 ? ", " : "") + "ctid::text";
    result_column->push_back(selected++);
  }
  select += " FROM " + table.relation;
  if (sample_percent != nullptr) {
    select +=
        " TABLESAMPLE SYSTEM (" + query->NextParam(FormatDouble(*sample_percent)) + "::float8)";
  }
  std::vector<std::string> where;
  std::string tail;
  for (size_t i = 0; i < plan.terms.size() && !query->matches_nothing; ++i) {
    const pd::Term& term = plan.terms[i];
    std::string column;
    ColumnKind kind = ColumnKind::kOpaque;
    if (term.column >= 0) {
      column = table.exprs[term.column];
      kind = table.kinds[term.column];
    }
    switch (term.op) {
      case pd::Op::kEq:
      case pd::Op::kLt:
      case pd::Op::kLe:
      case pd::Op::kGt:
      case pd::Op::kGe:
        AddComparison(column, kind, term.op, argv[i], query, &where);
        query->selective = query->selective || term.op == pd::Op::kEq;
        break;
      case pd::Op::kIsNull:
        where.push_back(column + " IS NULL");
        break;
      case pd::Op::kIsNotNull:
        where.push_back(column + " IS NOT NULL");
        break;
      case pd::Op::kIn:
        RETURN_IF_ERROR(AddIn(column, kind, argv[i], query, &where));
        query->selective = true;
        break;
      case pd::Op::kLike: {
        if (sqlite3_value_type(argv[i]) == SQLITE_NULL) {
          query->matches_nothing = true;
          break;
        }
        const unsigned char* text = sqlite3_value_text(argv[i]);
        std::string pattern(reinterpret_cast<const char*>(text), sqlite3_value_bytes(argv[i]));
        if (pattern.find('\0') != std::string::npos) break;  // SQLite re-checks; skip it
        where.push_back((kind == ColumnKind::kText ? column : column + "::text") + " ILIKE " +
                        query->NextParam(std::move(pattern)) + "::text ESCAPE ''");
        break;
      }
      case pd::Op::kLimit: {
        int64_t limit = sqlite3_value_int64(argv[i]);
        if (limit >= 0) {
          query->limit = limit;
          tail += " LIMIT " + query->NextParam(std::to_string(limit)) + "::int8";
          query->has_tail = true;
        }
        break;
      }
      case pd::Op::kOffset: {
        int64_t offset = sqlite3_value_int64(argv[i]);
        if (offset > 0) {
          tail += " OFFSET " + query->NextParam(std::to_string(offset)) + "::int8";
          query->has_tail = true;
        }
        break;
      }
    }
  }
  query->sql = std::move(select);
  for (size_t i = 0; i < where.size(); ++i) {
    query->sql += (i == 0 ? " WHERE " : " AND ") + where[i];
  }
  for (size_t i = 0; i < plan.order_by.size(); ++i) {
    const pd::OrderTerm& order = plan.order_by[i];
    query->sql += i == 0 ? " ORDER BY " : ", ";
    query->sql +=
        OrderSql(QuoteIdentifier(table.info.columns[order.column].name), table.kinds[order.column],
                 table.info.columns[order.column].not_null, order.descending);
  }
  query->sql += tail;
  return OkStatus();
}

bool LookupKeyText(ColumnKind kind, sqlite3_value* value, std::string* text) {
  Operand v = Normalize(value, kind);
  switch (kind) {
    case ColumnKind::kInt: {
      // As AddComparison's equality: an integer, or a real that is one within int64's range.
      if (v.value_class != pd::ValueClass::kNumeric) return false;
      int64_t i = v.i;
      if (!v.is_int && (std::floor(v.d) != v.d || ToInt64(v.d, std::floor, &i) != 0)) {
        return false;
      }
      *text = std::to_string(i);
      return true;
    }
    case ColumnKind::kText:
      if (v.value_class != pd::ValueClass::kText || v.bytes.find('\0') != std::string::npos) {
        return false;
      }
      *text = std::move(v.bytes);
      return true;
    default:
      return false;
  }
}

Status BuildKeysQuery(const PgTable& table, uint64_t columns_used, int key,
                      const std::vector<std::string>& keys, RemoteQuery* query,
                      std::vector<int>* result_column) {
  const ColumnKind kind = table.kinds[key];
  if (kind != ColumnKind::kInt && kind != ColumnKind::kText) {
    return InternalError("a batched lookup on a column that is neither integer nor text");
  }
  pd::ScanPlan plan;
  plan.columns_used = columns_used | (uint64_t{1} << std::min(key, 63));
  RETURN_IF_ERROR(BuildQuery(table, plan, nullptr, nullptr, query, result_column));
  const std::string param = query->NextParam(ArrayLiteral(keys));
  query->sql += " WHERE " + table.exprs[key] + " = ANY(" + param +
                (kind == ColumnKind::kInt ? "::int8[])" : "::text[])");
  query->selective = true;
  return OkStatus();
}

}  // namespace cairn::connectors::postgres
