#include "engine/guard.h"

#include <openssl/evp.h>

#include <cstdlib>
#include <map>
#include <memory>
#include <new>

#include "connectors/common/vtab.h"

namespace cairn::engine {
namespace {

namespace pd = connectors::pushdown;
using connectors::QuoteIdentifier;

// A compiled inner statement with what binding it needs, done once: the principal's attributes
// are bound when it is compiled (they do not change within a session) and stay bound; only the
// parameters of the pushed-down terms (:_1, :_2, ...) are bound for each scan.
struct Inner {
  sqlite3_stmt* stmt = nullptr;
  pd::ScanPlan plan;
  std::vector<int> slots;  // parameter index of :_1, :_2, ... (0 when the name is absent)
};

struct Vtab : sqlite3_vtab {
  GuardHost* host = nullptr;
  const GuardTable* table = nullptr;
  // Compiled inner statements not in use, by plan key; a cursor takes one for each scan, so two
  // cursors on one table (a self-join) never share a statement.
  std::map<std::string, std::vector<Inner>> pool;
  // Scan plans decoded from idxStr, by idxStr (a new cursor per statement would otherwise
  // decode the same plan again); cleared when it reaches kMaxPlans.
  std::map<std::string, pd::ScanPlan, std::less<>> plans;
};

constexpr size_t kMaxPlans = 64;

struct Cursor : sqlite3_vtab_cursor {
  Inner inner;
  std::string key;
  bool eof = true;
  sqlite3_int64 rowid = 0;
  bool hidden_rowid = false;  // rowid is the raw table's: show RowIdentity() of it
};

void Release(Vtab* vtab, Cursor* cursor) {
  if (cursor->inner.stmt == nullptr) return;
  sqlite3_reset(cursor->inner.stmt);
  vtab->pool[cursor->key].push_back(std::move(cursor->inner));
  cursor->inner = Inner{};
}

int Connect(sqlite3* db, void* aux, int argc, const char* const* argv, sqlite3_vtab** out,
            char** error) {
  try {
    auto* host = static_cast<GuardHost*>(aux);
    const GuardTable* table = argc >= 4 ? host->GuardTableAt(std::atoi(argv[3])) : nullptr;
    if (table == nullptr) {
      *error = sqlite3_mprintf("cairn_guard: unknown guard table");
      return SQLITE_ERROR;
    }
    int rc = sqlite3_declare_vtab(db, connectors::DeclareVtabSql(table->visible).c_str());
    if (rc != SQLITE_OK) {
      *error = sqlite3_mprintf("cairn_guard: %s", sqlite3_errmsg(db));
      return rc;
    }
    auto* vtab = new Vtab();
    vtab->host = host;
    vtab->table = table;
    *out = vtab;
    return SQLITE_OK;
  } catch (const std::bad_alloc&) {
    return SQLITE_NOMEM;
  } catch (const std::exception& e) {
    *error = sqlite3_mprintf("internal error: %s", e.what());
    return SQLITE_ERROR;
  }
}

int Disconnect(sqlite3_vtab* base) {
  auto* vtab = static_cast<Vtab*>(base);
  for (auto& [key, inners] : vtab->pool) {
    for (Inner& inner : inners) sqlite3_finalize(inner.stmt);
  }
  delete vtab;
  return SQLITE_OK;
}

int BestIndex(sqlite3_vtab* base, sqlite3_index_info* info) {
  return connectors::Guard(base, [&] {
    auto* vtab = static_cast<Vtab*>(base);
    const auto& columns = vtab->table->access.columns;
    pd::CostModel cost;
    cost.startup_cost = 50;
    // Terms on masked columns stay in the outer statement, where they see the masked value.
    // LIKE's case folding is a connection setting, so SQLite re-checks it (superset).
    return pd::PlanBestIndex(
        info, vtab->table->visible,
        [&](int column, pd::Op op) {
          if (!columns[column].mask.empty()) return pd::Support::kNo;
          return op == pd::Op::kLike ? pd::Support::kSuperset : pd::Support::kExact;
        },
        cost, [&](int column) { return columns[column].mask.empty(); });
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
  Release(static_cast<Vtab*>(cursor->pVtab), cursor);
  delete cursor;
  return SQLITE_OK;
}

// Steps the inner statement; on error copies its message (which names the source) to the vtab.
int Step(Cursor* cursor) {
  auto* vtab = static_cast<Vtab*>(cursor->pVtab);
  int rc = vtab->host->StepInternal(cursor->inner.stmt);
  if (rc == SQLITE_ROW) {
    cursor->eof = false;
    // The raw table's rowid when it identifies rows (selected last), else a counter.
    cursor->rowid = vtab->table->visible.stable_rowid
                        ? sqlite3_column_int64(cursor->inner.stmt,
                                               static_cast<int>(vtab->table->access.columns.size()))
                        : cursor->rowid + 1;
    cursor->hidden_rowid = vtab->table->visible.stable_rowid;
    return SQLITE_OK;
  }
  cursor->eof = true;
  if (rc == SQLITE_DONE) return SQLITE_OK;
  connectors::SetVtabError(cursor->pVtab, sqlite3_errmsg(sqlite3_db_handle(cursor->inner.stmt)));
  return rc;
}

// Compiles the inner statement for `plan`, binds the principal's attributes named in it (:name;
// NULL when the principal has none, so a filter comparing with it selects nothing) and finds
// the parameters of the terms.
int Compile(Vtab* vtab, const pd::ScanPlan& plan, const std::vector<int>& in_counts, Inner* out) {
  std::string error;
  int rc =
      vtab->host->PrepareInternal(GuardInnerSql(*vtab->table, plan, in_counts), &out->stmt, &error);
  if (rc != SQLITE_OK) {
    connectors::SetVtabError(
        vtab, fmt::format("policy for {}.{}: {}", vtab->table->source, vtab->table->table, error));
    return rc;
  }
  out->plan = plan;
  const auto& attributes = vtab->host->principal().attributes;
  const int count = sqlite3_bind_parameter_count(out->stmt);
  for (int p = 1; p <= count; ++p) {
    const char* name = sqlite3_bind_parameter_name(out->stmt, p);
    if (name == nullptr || name[0] != ':' || name[1] == '_') continue;
    auto it = attributes.find(name + 1);
    if (it == attributes.end()) continue;
    sqlite3_bind_text(out->stmt, p, it->second.data(), static_cast<int>(it->second.size()),
                      SQLITE_TRANSIENT);
  }
  int slots = 0;
  for (size_t i = 0; i < plan.terms.size(); ++i) {
    const pd::Op op = plan.terms[i].op;
    if (op == pd::Op::kIsNull || op == pd::Op::kIsNotNull) continue;
    slots += op == pd::Op::kIn ? in_counts[i] : 1;
  }
  for (int slot = 1; slot <= slots; ++slot) {
    const std::string name = ":_" + std::to_string(slot);
    out->slots.push_back(sqlite3_bind_parameter_index(out->stmt, name.c_str()));
  }
  return SQLITE_OK;
}

int Filter(sqlite3_vtab_cursor* base, int, const char* idx_str, int argc, sqlite3_value** argv) {
  auto* cursor = static_cast<Cursor*>(base);
  auto* vtab = static_cast<Vtab*>(cursor->pVtab);
  return connectors::Guard(vtab, [&] {
    // The plan key: idxStr, plus the size of each IN list (one parameter per value).
    const std::string_view idx = idx_str ? idx_str : "";
    auto found = vtab->plans.find(idx);
    if (found == vtab->plans.end()) {
      Result<pd::ScanPlan> parsed = pd::ScanPlan::Decode(idx_str);
      if (!parsed.ok()) {
        connectors::SetVtabError(vtab, parsed.status().message());
        return SQLITE_ERROR;
      }
      if (vtab->plans.size() >= kMaxPlans) vtab->plans.clear();
      found = vtab->plans.emplace(std::string(idx), std::move(*parsed)).first;
    }
    const pd::ScanPlan* plan = &found->second;
    std::string key(idx);
    if (static_cast<int>(plan->terms.size()) > argc) {
      connectors::SetVtabError(vtab, "cairn_guard: scan plan and arguments disagree");
      return SQLITE_ERROR;
    }
    // IN lists arrive whole; each value gets its own parameter.
    std::vector<std::vector<sqlite3_value*>> in_values(plan->terms.size());
    struct Free {
      std::vector<std::vector<sqlite3_value*>>* lists;
      ~Free() {
        for (auto& list : *lists) pd::FreeValues(&list);
      }
    } free_values{&in_values};
    std::vector<int> in_counts(plan->terms.size(), 0);
    for (size_t i = 0; i < plan->terms.size(); ++i) {
      if (plan->terms[i].op != pd::Op::kIn) continue;
      int rc = pd::CollectInValues(argv[i], &in_values[i]);
      if (rc != SQLITE_OK) return rc;
      in_counts[i] = static_cast<int>(in_values[i].size());
      key += "#" + std::to_string(in_counts[i]);
    }

    if (cursor->inner.stmt == nullptr || cursor->key != key) {
      const pd::ScanPlan& wanted = *plan;  // in vtab->plans, which Release leaves alone
      Release(vtab, cursor);
      auto& free = vtab->pool[key];
      if (!free.empty()) {
        cursor->inner = std::move(free.back());
        free.pop_back();
      } else {
        int rc = Compile(vtab, wanted, in_counts, &cursor->inner);
        if (rc != SQLITE_OK) return rc;
      }
      cursor->key = key;
    } else {
      sqlite3_reset(cursor->inner.stmt);
    }

    Inner& inner = cursor->inner;
    size_t slot = 0;
    auto bind = [&](sqlite3_value* value) {
      const int index = slot < inner.slots.size() ? inner.slots[slot] : 0;
      ++slot;
      return index > 0 ? sqlite3_bind_value(inner.stmt, index, value) : SQLITE_OK;
    };
    for (size_t i = 0; i < inner.plan.terms.size(); ++i) {
      const pd::Op op = inner.plan.terms[i].op;
      if (op == pd::Op::kIsNull || op == pd::Op::kIsNotNull) continue;
      if (op == pd::Op::kIn) {
        for (sqlite3_value* value : in_values[i]) {
          int rc = bind(value);
          if (rc != SQLITE_OK) return rc;
        }
        continue;
      }
      int rc = bind(argv[i]);
      if (rc != SQLITE_OK) return rc;
    }
    cursor->rowid = 0;
    return Step(cursor);
  });
}

int Next(sqlite3_vtab_cursor* base) { return Step(static_cast<Cursor*>(base)); }

int Eof(sqlite3_vtab_cursor* base) { return static_cast<Cursor*>(base)->eof ? 1 : 0; }

int Column(sqlite3_vtab_cursor* base, sqlite3_context* context, int column) {
  auto* cursor = static_cast<Cursor*>(base);
  sqlite3_result_value(context, sqlite3_column_value(cursor->inner.stmt, column));
  return SQLITE_OK;
}

int Rowid(sqlite3_vtab_cursor* base, sqlite3_int64* rowid) {
  auto* cursor = static_cast<Cursor*>(base);
  *rowid = cursor->hidden_rowid
               ? static_cast<Vtab*>(cursor->pVtab)->host->RowIdentity(cursor->rowid)
               : cursor->rowid;
  return SQLITE_OK;
}

// xCreate is a distinct function so that the module is not eponymous (see vtab.h).
int Create(sqlite3* db, void* aux, int argc, const char* const* argv, sqlite3_vtab** out,
           char** error) {
  return Connect(db, aux, argc, argv, out, error);
}

const sqlite3_module kModule = connectors::ReadOnlyModule(
    {Connect, BestIndex, Disconnect, Open, Close, Filter, Next, Eof, Column, Rowid, Create});

std::string ColumnExpression(const GuardTable& table, size_t i) {
  const ColumnAccess& column = table.access.columns[i];
  if (column.mask.empty()) return QuoteIdentifier(column.name);
  return "(" + column.mask + ")";
}

std::string FromAndFilter(const GuardTable& table) {
  std::string sql = " FROM main." + QuoteIdentifier(table.raw);
  sql += " WHERE (" + (table.access.row_filter.empty() ? "1" : table.access.row_filter) + "\n)";
  return sql;
}

// --- mask helpers ---

void MaskHash(sqlite3_context* context, int, sqlite3_value** argv) {
  const int type = sqlite3_value_type(argv[0]);
  if (type == SQLITE_NULL) return sqlite3_result_null(context);
  auto* hash = static_cast<KeyedHash*>(sqlite3_user_data(context));
  // The type tag keeps 1 (integer) and '1' (text) apart.
  const auto* bytes = static_cast<const char*>(sqlite3_value_blob(argv[0]));
  const int size = sqlite3_value_bytes(argv[0]);
  std::string message(1, static_cast<char>('0' + type));
  if (size > 0) message.append(bytes, static_cast<size_t>(size));
  const uint64_t digest = hash->First64(message.data(), message.size());
  static const char* kHex = "0123456789abcdef";
  char out[16];
  for (int i = 0; i < 16; ++i) out[i] = kHex[(digest >> (60 - 4 * i)) & 15];
  sqlite3_result_text(context, out, 16, SQLITE_TRANSIENT);
}

void MaskLast(sqlite3_context* context, int, sqlite3_value** argv) {
  if (sqlite3_value_type(argv[0]) == SQLITE_NULL) return sqlite3_result_null(context);
  const auto* text = reinterpret_cast<const char*>(sqlite3_value_text(argv[0]));
  const int size = sqlite3_value_bytes(argv[0]);
  const int64_t keep = std::max<int64_t>(0, sqlite3_value_int64(argv[1]));
  // Characters are UTF-8 lead bytes; the last `keep` of them stay, each other one becomes '*'.
  int64_t chars = 0;
  for (int i = 0; i < size; ++i) chars += (static_cast<unsigned char>(text[i]) & 0xC0) != 0x80;
  const int64_t hidden = std::max<int64_t>(0, chars - keep);
  int tail = size;  // the byte where the kept characters start
  if (hidden < chars) {
    int64_t seen = 0;
    for (int i = 0; i < size; ++i) {
      if ((static_cast<unsigned char>(text[i]) & 0xC0) == 0x80) continue;
      if (seen++ == hidden) {
        tail = i;
        break;
      }
    }
  }
  const int64_t length = hidden + (size - tail);
  auto* out = static_cast<char*>(sqlite3_malloc64(static_cast<sqlite3_uint64>(length) + 1));
  if (out == nullptr) return sqlite3_result_error_nomem(context);
  std::fill(out, out + hidden, '*');
  std::copy(text + tail, text + size, out + hidden);
  sqlite3_result_text64(context, out, static_cast<sqlite3_uint64>(length), sqlite3_free,
                        SQLITE_UTF8);
}

void MaskYear(sqlite3_context* context, int, sqlite3_value** argv) {
  const int type = sqlite3_value_type(argv[0]);
  if (type == SQLITE_NULL) return sqlite3_result_null(context);
  if (type == SQLITE_INTEGER || type == SQLITE_FLOAT) {
    // A plain number is taken as a year if it looks like one, else withheld.
    const int64_t v = sqlite3_value_int64(argv[0]);
    if (v >= 1000 && v <= 9999) return sqlite3_result_int64(context, v);
    return sqlite3_result_null(context);
  }
  const auto* text = reinterpret_cast<const char*>(sqlite3_value_text(argv[0]));
  const int size = sqlite3_value_bytes(argv[0]);
  if (size >= 4) {
    int year = 0;
    bool digits = true;
    for (int i = 0; i < 4; ++i) {
      if (text[i] < '0' || text[i] > '9') digits = false;
      year = year * 10 + (text[i] - '0');
    }
    if (digits && (size == 4 || text[4] == '-')) return sqlite3_result_int64(context, year);
  }
  sqlite3_result_null(context);
}

}  // namespace

const sqlite3_module* GuardModule() { return &kModule; }

KeyedHash::KeyedHash(const std::string& key)
    : inner_(EVP_MD_CTX_new()), outer_(EVP_MD_CTX_new()), work_(EVP_MD_CTX_new()) {
  static EVP_MD* const kSha256 = EVP_MD_fetch(nullptr, "SHA256", nullptr);
  constexpr size_t kBlock = 64;
  unsigned char block[kBlock] = {};
  if (key.size() > kBlock) {
    unsigned int size = 0;
    EVP_Digest(key.data(), key.size(), block, &size, kSha256, nullptr);
  } else {
    std::copy(key.begin(), key.end(), block);
  }
  unsigned char ipad[kBlock], opad[kBlock];
  for (size_t i = 0; i < kBlock; ++i) {
    ipad[i] = block[i] ^ 0x36;
    opad[i] = block[i] ^ 0x5c;
  }
  EVP_DigestInit_ex(inner_, kSha256, nullptr);
  EVP_DigestUpdate(inner_, ipad, kBlock);
  EVP_DigestInit_ex(outer_, kSha256, nullptr);
  EVP_DigestUpdate(outer_, opad, kBlock);
}

KeyedHash::~KeyedHash() {
  EVP_MD_CTX_free(inner_);
  EVP_MD_CTX_free(outer_);
  EVP_MD_CTX_free(work_);
}

uint64_t KeyedHash::First64(const void* data, size_t size) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  EVP_MD_CTX_copy_ex(work_, inner_);
  EVP_DigestUpdate(work_, data, size);
  EVP_DigestFinal_ex(work_, digest, &length);
  EVP_MD_CTX_copy_ex(work_, outer_);
  EVP_DigestUpdate(work_, digest, length);
  EVP_DigestFinal_ex(work_, digest, &length);
  uint64_t value = 0;
  for (int i = 0; i < 8; ++i) value = (value << 8) | digest[i];
  return value;
}

std::string GuardInnerSql(const GuardTable& table, const pd::ScanPlan& plan,
                          const std::vector<int>& in_counts) {
  std::string sql = "SELECT ";
  for (size_t i = 0; i < table.access.columns.size(); ++i) {
    if (i > 0) sql += ", ";
    sql += plan.UsesColumn(static_cast<int>(i)) ? ColumnExpression(table, i) : "NULL";
  }
  if (table.access.columns.empty()) sql += "NULL";
  if (table.visible.stable_rowid) sql += ", rowid";
  sql += FromAndFilter(table);
  int slot = 0;
  auto next = [&]() { return ":_" + std::to_string(++slot); };
  std::string limit, offset;
  for (size_t i = 0; i < plan.terms.size(); ++i) {
    const pd::Term& term = plan.terms[i];
    if (term.op == pd::Op::kLimit) {
      limit = next();
      continue;
    }
    if (term.op == pd::Op::kOffset) {
      offset = next();
      continue;
    }
    const std::string column = QuoteIdentifier(table.access.columns[term.column].name);
    sql += " AND " + column;
    switch (term.op) {
      case pd::Op::kIsNull:
        sql += " IS NULL";
        break;
      case pd::Op::kIsNotNull:
        sql += " IS NOT NULL";
        break;
      case pd::Op::kLike:
        sql += " LIKE " + next();
        break;
      case pd::Op::kIn: {
        sql += " IN (";
        const int count = i < in_counts.size() ? in_counts[i] : 0;
        for (int v = 0; v < count; ++v) sql += (v ? ", " : "") + next();
        sql += ")";
        break;
      }
      default:
        sql += std::string(" ") + pd::ComparisonSql(term.op) + " " + next();
        break;
    }
  }
  if (!plan.order_by.empty()) {
    sql += " ORDER BY ";
    for (size_t i = 0; i < plan.order_by.size(); ++i) {
      if (i > 0) sql += ", ";
      sql += QuoteIdentifier(table.access.columns[plan.order_by[i].column].name);
      if (plan.order_by[i].descending) sql += " DESC";
    }
  }
  if (!limit.empty() || !offset.empty()) {
    sql += " LIMIT " + (limit.empty() ? std::string("-1") : limit);
    if (!offset.empty()) sql += " OFFSET " + offset;
  }
  return sql;
}

std::string GuardCheckSql(const GuardTable& table) {
  std::string sql = "SELECT NULL";
  for (size_t i = 0; i < table.access.columns.size(); ++i) {
    sql += ", " + ColumnExpression(table, i);
  }
  return sql + FromAndFilter(table);
}

int RegisterMaskFunctions(sqlite3* db, const std::string& hash_key) {
  const int flags = SQLITE_UTF8 | SQLITE_DETERMINISTIC | SQLITE_INNOCUOUS;
  auto* hash = new KeyedHash(hash_key);
  int rc = sqlite3_create_function_v2(db, "cairn_mask_hash", 1, flags, hash, MaskHash, nullptr,
                                      nullptr, [](void* p) { delete static_cast<KeyedHash*>(p); });
  if (rc == SQLITE_OK) {
    rc = sqlite3_create_function_v2(db, "cairn_mask_last", 2, flags, nullptr, MaskLast, nullptr,
                                    nullptr, nullptr);
  }
  if (rc == SQLITE_OK) {
    rc = sqlite3_create_function_v2(db, "cairn_mask_year", 1, flags, nullptr, MaskYear, nullptr,
                                    nullptr, nullptr);
  }
  return rc;
}

}  // namespace cairn::engine
