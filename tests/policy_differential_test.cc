// Differential test of policy enforcement: the engine (a restricted engine::Session with a
// policy::Policy) against a deliberately simple reference evaluator written here.
//
// A small SQLite database (three tables, integers, reals, text, dates, an untyped column, NULLs)
// is generated from a seed. Each case then generates, from its own seed, a random policy.yaml
// (grants of tables and columns to roles, row filters from a small predicate grammar that may
// bind the principal attribute `:region`, masks of every kind), a random principal (roles, the
// attribute present or absent) and a few random queries (projections, WHERE with comparisons,
// LIKE, GLOB, IN, BETWEEN, IS NULL, AND/OR, ORDER BY + LIMIT/OFFSET, aggregates, GROUP BY,
// DISTINCT, self-joins and joins), some of which name tables or columns the principal may not
// see.
//
// The reference decides visibility from the generated policy itself, following the semantics
// documented in src/policy/policy.h and src/engine/guard.h — it never calls Policy::Table or
// any engine code — and materialises what the principal may see into a fresh in-memory SQLite
// database: for every visible table,
//
//   CREATE TABLE d.T AS SELECT <column or its mask> ... FROM raw.T WHERE (<filter>) AND ...
//
// with `:region` bound (NULL when absent), then detaches the raw data and runs the same query
// there; rowids are compared only through count(DISTINCT rowid) (the engine shows an opaque
// per-session identity, never the source's rowid). The engine's hash masks use a
// per-session random key; the differential sets a known key (Session::set_mask_key) and the
// reference computes the documented HMAC-SHA-256 under it. PolicyHashMask checks the default random
// key by its properties. Results must be equal as sorted multisets of rows (exactly, in order, when
// the query orders by every output column). A query the reference rejects because a table or column
// does not exist must fail in the engine with NotFound ("no such table") or InvalidArgument ("no
// such column").
//
// Environment: CAIRN_DIFF_SEED (base seed), CAIRN_DIFF_CASES (number of cases), CAIRN_DIFF_CASE
// (run only that case index), CAIRN_DIFF_VERBOSE=1 (print every query and both outcomes),
// CAIRN_DIFF_REPORTS (mismatches reported in full per kind, 3 by default).
// Every mismatch prints the seed, the case, the policy, the principal and the query.

#include <gtest/gtest.h>
#include <sqlite3.h>
#include <unistd.h>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <iterator>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "core/config.h"
#include "engine/catalog.h"
#include "engine/session.h"
#include "ledger/merkle.h"
#include "policy/policy.h"

namespace cairn {
namespace {

namespace fs = std::filesystem;
using engine::Value;

// --- deterministic randomness (splitmix64: the same sequence on every platform) ---

class Rng {
 public:
  explicit Rng(uint64_t seed) : state_(seed) {}
  uint64_t Next() {
    uint64_t z = (state_ += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
  }
  int Below(int n) { return static_cast<int>(Next() % static_cast<uint64_t>(n)); }
  int Between(int lo, int hi) { return lo + Below(hi - lo + 1); }
  bool Chance(int percent) { return Below(100) < percent; }
  template <typename T>
  const T& Pick(const std::vector<T>& items) {
    return items[static_cast<size_t>(Below(static_cast<int>(items.size())))];
  }

 private:
  uint64_t state_;
};

// --- the schema and its data ---

enum class Kind { kInt, kReal, kText, kDate, kAny };

struct Column {
  std::string name;
  std::string type;  // declared type ("" for none)
  Kind kind;
};

struct Table {
  std::string name;
  std::vector<Column> columns;
  std::vector<std::vector<Value>> rows;
  const Column* Find(const std::string& name) const {
    for (const Column& c : columns) {
      if (c.name == name) return &c;
    }
    return nullptr;
  }
};

std::vector<Table> MakeSchema() {
  return {
      {"people",
       {{"id", "INTEGER", Kind::kInt},
        {"name", "TEXT", Kind::kText},
        {"region", "TEXT", Kind::kText},
        {"age", "INTEGER", Kind::kInt},
        {"score", "REAL", Kind::kReal},
        {"email", "TEXT", Kind::kText},
        {"born", "TEXT", Kind::kDate}},
       {}},
      {"orders",
       {{"oid", "INTEGER", Kind::kInt},
        {"person_id", "INTEGER", Kind::kInt},
        {"region", "TEXT", Kind::kText},
        {"amount", "REAL", Kind::kReal},
        {"qty", "INTEGER", Kind::kInt},
        {"placed", "TEXT", Kind::kDate},
        {"note", "TEXT", Kind::kText}},
       {}},
      {"tags",
       {{"code", "TEXT", Kind::kText},
        {"label", "TEXT", Kind::kText},
        {"weight", "REAL", Kind::kReal},
        {"misc", "", Kind::kAny}},
       {}},
  };
}

const std::vector<std::string> kRegions = {"north", "south", "east", "west", "North", ""};
const std::vector<std::string> kNames = {"Ada", "Bob",  "Chloé", "Dmitri", "Eve",  "Fatima",
                                         "Gus", "Hana", "Ivo",   "Jürgen", "Kai",  "Lena",
                                         "Mo",  "Nia",  "Olaf",  "Pia",    "Quinn"};

Value MaybeNull(Rng& rng, int percent, Value value) {
  return rng.Chance(percent) ? Value::Null() : std::move(value);
}

std::string Date(Rng& rng, bool timestamp) {
  char buffer[32];
  if (timestamp) {
    std::snprintf(buffer, sizeof(buffer), "%04d-%02d-%02d %02d:%02d:00", rng.Between(1950, 2024),
                  rng.Between(1, 12), rng.Between(1, 28), rng.Between(0, 23), rng.Between(0, 59));
  } else {
    std::snprintf(buffer, sizeof(buffer), "%04d-%02d-%02d", rng.Between(1950, 2024),
                  rng.Between(1, 12), rng.Between(1, 28));
  }
  return buffer;
}

double Money(Rng& rng) { return rng.Between(0, 99999) / 100.0; }

void FillData(std::vector<Table>* schema, uint64_t seed) {
  Rng rng(seed);
  Table& people = (*schema)[0];
  for (int id = 1; id <= 50; ++id) {
    std::string name = rng.Pick(kNames);
    std::string email = name + std::to_string(id) + "@example.org";
    for (char& c : email) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    Value score = rng.Chance(15) ? Value::Real(static_cast<double>(rng.Between(0, 100)))
                                 : Value::Real(rng.Between(0, 10000) / 100.0);
    Value born = Value::Text(Date(rng, rng.Chance(30)));
    if (rng.Chance(5)) born = Value::Text("n/a");
    people.rows.push_back({Value::Integer(id), MaybeNull(rng, 8, Value::Text(name)),
                           MaybeNull(rng, 10, Value::Text(rng.Pick(kRegions))),
                           MaybeNull(rng, 10, Value::Integer(rng.Between(15, 80))),
                           MaybeNull(rng, 10, score), MaybeNull(rng, 15, Value::Text(email)),
                           MaybeNull(rng, 10, born)});
  }
  Table& orders = (*schema)[1];
  const std::vector<std::string> notes = {"rush", "gift", "50%_off", "café", "fragile", "RUSH"};
  for (int oid = 1; oid <= 50; ++oid) {
    orders.rows.push_back({Value::Integer(oid),
                           MaybeNull(rng, 8, Value::Integer(rng.Between(1, 60))),
                           MaybeNull(rng, 10, Value::Text(rng.Pick(kRegions))),
                           MaybeNull(rng, 5, Value::Real(Money(rng))),
                           MaybeNull(rng, 10, Value::Integer(rng.Between(0, 9))),
                           MaybeNull(rng, 10, Value::Text(Date(rng, rng.Chance(50)))),
                           MaybeNull(rng, 40, Value::Text(rng.Pick(notes)))});
  }
  Table& tags = (*schema)[2];
  for (int i = 0; i < 30; ++i) {
    Value misc;
    switch (rng.Below(5)) {
      case 0:
        misc = Value::Integer(rng.Between(-5, 50));
        break;
      case 1:
        misc = Value::Real(rng.Between(0, 999) / 10.0);
        break;
      case 2:
        misc = Value::Text(std::to_string(rng.Between(0, 50)));
        break;
      case 3:
        misc = Value::Text(rng.Pick(kNames));
        break;
      default:
        break;
    }
    // Codes repeat on purpose: this table has no key and may hold equal rows.
    tags.rows.push_back({MaybeNull(rng, 5, Value::Text("t" + std::to_string(rng.Between(1, 20)))),
                         MaybeNull(rng, 10, Value::Text(rng.Pick(kNames))),
                         MaybeNull(rng, 10, Value::Real(rng.Between(0, 500) / 4.0)), misc});
  }
}

std::string Quote(const std::string& text) {
  std::string out = "'";
  for (char c : text) out += c == '\'' ? std::string("''") : std::string(1, c);
  return out + "'";
}

std::string Literal(const Value& value) {
  char buffer[64];
  switch (value.type) {
    case Value::Type::kNull:
      return "NULL";
    case Value::Type::kInteger:
      return std::to_string(value.integer);
    case Value::Type::kReal:
      std::snprintf(buffer, sizeof(buffer), "%.17g", value.real);
      // Keep it a real literal even when it has no fraction.
      return std::string(buffer).find_first_of(".e") == std::string::npos
                 ? std::string(buffer) + ".0"
                 : std::string(buffer);
    default:
      return Quote(value.bytes);
  }
}

int BindValue(sqlite3_stmt* stmt, int index, const Value& value) {
  switch (value.type) {
    case Value::Type::kNull:
      return sqlite3_bind_null(stmt, index);
    case Value::Type::kInteger:
      return sqlite3_bind_int64(stmt, index, value.integer);
    case Value::Type::kReal:
      return sqlite3_bind_double(stmt, index, value.real);
    case Value::Type::kText:
      return sqlite3_bind_text(stmt, index, value.bytes.data(),
                               static_cast<int>(value.bytes.size()), SQLITE_TRANSIENT);
    case Value::Type::kBlob:
      return sqlite3_bind_blob(stmt, index, value.bytes.data(),
                               static_cast<int>(value.bytes.size()), SQLITE_TRANSIENT);
  }
  return SQLITE_MISUSE;
}

Value ColumnValue(sqlite3_stmt* stmt, int i) {
  switch (sqlite3_column_type(stmt, i)) {
    case SQLITE_INTEGER:
      return Value::Integer(sqlite3_column_int64(stmt, i));
    case SQLITE_FLOAT:
      return Value::Real(sqlite3_column_double(stmt, i));
    case SQLITE_TEXT:
      return Value::Text(std::string(reinterpret_cast<const char*>(sqlite3_column_text(stmt, i)),
                                     sqlite3_column_bytes(stmt, i)));
    case SQLITE_BLOB: {
      const char* blob = static_cast<const char*>(sqlite3_column_blob(stmt, i));
      return Value::Blob(std::string(blob ? blob : "", sqlite3_column_bytes(stmt, i)));
    }
    default:
      return Value::Null();
  }
}

// Writes the schema and data into a fresh SQLite file. Returns "" or an error.
std::string WriteDatabase(const fs::path& file, const std::vector<Table>& schema) {
  sqlite3* db = nullptr;
  if (sqlite3_open(file.c_str(), &db) != SQLITE_OK) return "cannot create " + file.string();
  std::unique_ptr<sqlite3, int (*)(sqlite3*)> closer(db, sqlite3_close);
  auto exec = [&](const std::string& sql) -> std::string {
    char* error = nullptr;
    if (sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &error) == SQLITE_OK) return "";
    std::string message = sql + ": " + (error ? error : "?");
    sqlite3_free(error);
    return message;
  };
  if (std::string e = exec("BEGIN"); !e.empty()) return e;
  for (const Table& table : schema) {
    std::string ddl = "CREATE TABLE " + table.name + " (";
    std::string insert = "INSERT INTO " + table.name + " VALUES (";
    for (size_t i = 0; i < table.columns.size(); ++i) {
      const Column& c = table.columns[i];
      ddl += (i ? ", " : "") + c.name + (c.type.empty() ? "" : " " + c.type);
      if (i == 0 && c.type == "INTEGER") ddl += " PRIMARY KEY";
      insert += i ? ", ?" : "?";
    }
    if (std::string e = exec(ddl + ")"); !e.empty()) return e;
    sqlite3_stmt* stmt = nullptr;
    if (sqlite3_prepare_v2(db, (insert + ")").c_str(), -1, &stmt, nullptr) != SQLITE_OK) {
      return sqlite3_errmsg(db);
    }
    for (const auto& row : table.rows) {
      for (size_t i = 0; i < row.size(); ++i) BindValue(stmt, static_cast<int>(i + 1), row[i]);
      if (sqlite3_step(stmt) != SQLITE_DONE) {
        std::string message = sqlite3_errmsg(db);
        sqlite3_finalize(stmt);
        return message;
      }
      sqlite3_reset(stmt);
    }
    sqlite3_finalize(stmt);
  }
  return exec("COMMIT");
}

// --- a policy as the generator builds it (rendered to policy.yaml for the engine) ---

const std::vector<std::string> kRoles = {"r1", "r2", "r3"};

struct GrantSpec {
  std::vector<std::string> roles;
  std::vector<std::string> tables;   // empty: every table
  std::vector<std::string> columns;  // empty: every column
};

struct FilterSpec {
  std::string table;
  std::vector<std::string> roles;  // empty: every restricted principal
  std::string sql;
};

struct MaskSpec {
  std::string table;
  std::string column;
  std::string kind;  // redact, null, hash, last:N, year, sql
  std::string sql;
  std::vector<std::string> unless_roles;
};

struct PolicySpec {
  std::vector<GrantSpec> grants;
  std::vector<FilterSpec> filters;
  std::vector<MaskSpec> masks;
};

struct PrincipalSpec {
  std::vector<std::string> roles;
  std::optional<std::string> region;
};

// Spelling variations the policy's case-insensitive matching must absorb.
std::string Respell(Rng& rng, const std::string& name) {
  std::string out = name;
  if (rng.Chance(15)) {
    for (char& c : out) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  } else if (rng.Chance(10)) {
    out[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(out[0])));
  }
  return out;
}

std::vector<std::string> SomeRoles(Rng& rng, int min) {
  std::vector<std::string> out;
  for (const std::string& role : kRoles) {
    if (rng.Chance(40)) out.push_back(role);
  }
  while (static_cast<int>(out.size()) < min) {
    const std::string& role = rng.Pick(kRoles);
    if (std::find(out.begin(), out.end(), role) == out.end()) out.push_back(role);
  }
  return out;
}

std::string FilterFor(Rng& rng, const Table& table) {
  auto num = [&](int lo, int hi) { return std::to_string(rng.Between(lo, hi)); };
  std::vector<std::string> choices;
  if (table.name == "people") {
    choices = {"region = :region",
               "region = :region",
               "age > " + num(20, 60),
               "age <= " + num(20, 70),
               "score >= " + num(10, 80) + ".5",
               "name LIKE '" + std::string(1, rng.Pick(kNames)[0]) + "%'",
               "email IS NOT NULL",
               "born < '" + num(1960, 2010) + "-06-01'",
               "(age IS NULL OR age < " + num(20, 70) + ")",
               "region IN ('north', 'east')",
               "id % 3 <> 0",
               "region = :region OR :region IS NULL",
               "length(name) > 3",
               "upper(region) = upper(:region)"};
  } else if (table.name == "orders") {
    choices = {"region = :region",
               "region = :region",
               "amount > " + num(50, 700),
               "qty BETWEEN 2 AND 7",
               "note IS NULL",
               "person_id <= " + num(10, 50),
               "placed >= '" + num(1960, 2010) + "'",
               "coalesce(note, '') <> 'rush'"};
  } else {
    choices = {"weight > " + num(10, 100), "code LIKE 't1%'",          "misc IS NOT NULL",
               "label <> 'Ada'",           "typeof(misc) = 'integer'", "label = :region"};
  }
  return rng.Pick(choices);
}

std::string SqlMaskFor(Rng& rng, const Table& table, const Column& column) {
  std::vector<std::string> choices = {"NULL", "'x'", "upper(" + column.name + ")",
                                      "typeof(" + column.name + ")"};
  if (table.name == "people") {
    choices.insert(choices.end(),
                   {"substr(email, 1, 3) || '***'", "age / 10 * 10", "round(score)",
                    "region || '-' || id", "CASE WHEN age > 50 THEN 'old' ELSE 'young' END",
                    "CASE WHEN region = :region THEN " + column.name + " ELSE '[other]' END"});
  } else if (table.name == "orders") {
    choices.insert(choices.end(), {"round(amount, -1)", "qty * 0", "substr(note, 1, 2)",
                                   "coalesce(" + column.name + ", 'none')"});
  } else {
    choices.insert(choices.end(), {"upper(code)", "weight * 2", "length(label)"});
  }
  return rng.Pick(choices);
}

PolicySpec GeneratePolicy(Rng& rng, const std::vector<Table>& schema) {
  PolicySpec policy;
  const int grants = rng.Between(1, 4);
  for (int g = 0; g < grants; ++g) {
    GrantSpec grant;
    grant.roles = SomeRoles(rng, 1);
    if (rng.Chance(20)) {
      // every table
    } else if (rng.Chance(40)) {
      const Table& table = rng.Pick(schema);
      grant.tables.push_back(table.name);
      for (const Column& c : table.columns) {
        if (rng.Chance(55)) grant.columns.push_back(c.name);
      }
      if (grant.columns.empty()) grant.columns.push_back(rng.Pick(table.columns).name);
    } else {
      for (const Table& table : schema) {
        if (rng.Chance(50)) grant.tables.push_back(table.name);
      }
      if (grant.tables.empty()) grant.tables.push_back(rng.Pick(schema).name);
    }
    policy.grants.push_back(std::move(grant));
  }
  const int filters = rng.Between(0, 2);
  for (int f = 0; f < filters; ++f) {
    const Table& table = rng.Pick(schema);
    FilterSpec filter;
    filter.table = table.name;
    if (rng.Chance(40)) filter.roles = SomeRoles(rng, 1);
    filter.sql = FilterFor(rng, table);
    policy.filters.push_back(std::move(filter));
  }
  const int masks = rng.Between(0, 3);
  std::set<std::string> masked;
  for (int m = 0; m < masks; ++m) {
    const Table& table = rng.Pick(schema);
    const Column& column = rng.Pick(table.columns);
    if (!masked.insert(table.name + "." + column.name).second) continue;
    MaskSpec mask;
    mask.table = table.name;
    mask.column = column.name;
    std::vector<std::string> kinds = {"redact", "null", "hash", "last", "sql", "sql"};
    if (column.kind == Kind::kDate) kinds.push_back("year");
    mask.kind = rng.Pick(kinds);
    if (mask.kind == "last") mask.kind = "last:" + std::to_string(rng.Between(1, 5));
    if (mask.kind == "sql") mask.sql = SqlMaskFor(rng, table, column);
    if (rng.Chance(35)) mask.unless_roles = SomeRoles(rng, 1);
    policy.masks.push_back(std::move(mask));
  }
  return policy;
}

std::string List(const std::vector<std::string>& names) {
  std::string out = "[";
  for (size_t i = 0; i < names.size(); ++i) out += (i ? ", " : "") + names[i];
  return out + "]";
}

std::string RenderPolicy(Rng& rng, const PolicySpec& policy) {
  std::string y = "version: 1\nroles:\n  r1: role one\n  r2: role two\n  r3: role three\n";
  y += "grants:\n";
  for (const GrantSpec& g : policy.grants) {
    y += "  - roles: " + List(g.roles) + "\n    source: d\n";
    if (!g.tables.empty()) {
      std::vector<std::string> tables;
      for (const auto& t : g.tables) tables.push_back(Respell(rng, t));
      y += "    tables: " + List(tables) + "\n";
    }
    if (!g.columns.empty()) {
      std::vector<std::string> columns;
      for (const auto& c : g.columns) columns.push_back(Respell(rng, c));
      y += "    columns: " + List(columns) + "\n";
    }
  }
  if (!policy.filters.empty()) y += "row_filters:\n";
  for (const FilterSpec& f : policy.filters) {
    y += "  - source: d\n    table: " + Respell(rng, f.table) + "\n";
    if (!f.roles.empty()) y += "    roles: " + List(f.roles) + "\n";
    y += "    where: \"" + f.sql + "\"\n";
  }
  if (!policy.masks.empty()) y += "masks:\n";
  for (const MaskSpec& m : policy.masks) {
    y += "  - source: d\n    table: " + Respell(rng, m.table) +
         "\n    column: " + Respell(rng, m.column) + "\n";
    if (m.kind == "sql") {
      y += "    mask: {sql: \"" + m.sql + "\"}\n";
    } else {
      y += "    mask: \"" + m.kind + "\"\n";
    }
    if (!m.unless_roles.empty()) y += "    unless_roles: " + List(m.unless_roles) + "\n";
  }
  return y;
}

// --- the reference evaluator ---

bool Same(const std::string& a, const std::string& b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(a[i])) !=
        std::tolower(static_cast<unsigned char>(b[i]))) {
      return false;
    }
  }
  return true;
}

bool HasAny(const PrincipalSpec& who, const std::vector<std::string>& roles) {
  for (const auto& r : roles) {
    if (std::find(who.roles.begin(), who.roles.end(), r) != who.roles.end()) return true;
  }
  return false;
}

struct VisibleColumn {
  std::string name;
  std::string expression;  // over raw.T's columns
};

struct VisibleTable {
  std::vector<VisibleColumn> columns;
  std::vector<std::string> filters;
};

// How `who` sees `table` by the documented semantics; nullopt when not at all.
std::optional<VisibleTable> Visible(const PolicySpec& policy, const PrincipalSpec& who,
                                    const Table& table) {
  bool granted = false, all = false;
  std::set<std::string> columns;  // lower case
  for (const GrantSpec& g : policy.grants) {
    if (!HasAny(who, g.roles)) continue;
    bool names = g.tables.empty();
    for (const auto& t : g.tables) names = names || Same(t, table.name);
    if (!names) continue;
    granted = true;
    if (g.columns.empty()) all = true;
    for (const auto& c : g.columns) columns.insert(c);
  }
  if (!granted) return std::nullopt;
  VisibleTable out;
  for (const Column& c : table.columns) {
    if (!all && columns.count(c.name) == 0) continue;
    VisibleColumn v{c.name, "\"" + c.name + "\""};
    for (const MaskSpec& m : policy.masks) {
      if (!Same(m.table, table.name) || !Same(m.column, c.name) || HasAny(who, m.unless_roles)) {
        continue;
      }
      const std::string col = "\"" + c.name + "\"";
      if (m.kind == "redact") {
        v.expression = "'[redacted]'";
      } else if (m.kind == "null") {
        v.expression = "NULL";
      } else if (m.kind == "hash") {
        v.expression = "ref_hash(" + col + ")";
      } else if (m.kind == "year") {
        v.expression = "ref_year(" + col + ")";
      } else if (m.kind.rfind("last:", 0) == 0) {
        v.expression = "ref_last(" + col + ", " + m.kind.substr(5) + ")";
      } else {
        v.expression = "(" + m.sql + ")";
      }
    }
    out.columns.push_back(std::move(v));
  }
  for (const FilterSpec& f : policy.filters) {
    if (!Same(f.table, table.name)) continue;
    if (!f.roles.empty() && !HasAny(who, f.roles)) continue;
    out.filters.push_back(f.sql);
  }
  return out;
}

// HMAC-SHA-256 (RFC 2104) over ledger::Sha256, independent of the engine's OpenSSL call.
ledger::Hash HmacSha256(const std::string& key, const std::string& message) {
  std::string k = key.size() > 64
                      ? std::string(reinterpret_cast<const char*>(ledger::Sha256(key).data()), 32)
                      : key;
  k.resize(64, '\0');
  std::string inner(64, '\0'), outer(64, '\0');
  for (size_t i = 0; i < 64; ++i) {
    inner[i] = static_cast<char>(k[i] ^ 0x36);
    outer[i] = static_cast<char>(k[i] ^ 0x5c);
  }
  const ledger::Hash h = ledger::Sha256(inner + message);
  return ledger::Sha256(outer + std::string(reinterpret_cast<const char*>(h.data()), h.size()));
}

// Mask helpers as documented: hash = first 16 hex digits of HMAC-SHA-256, under the session's
// key (the function's user data), of the value's type tag ('0' + its SQLite type) and bytes;
// last(x, n) keeps the last n characters and stars the others; year = the year of an ISO-8601
// date.
void RefHash(sqlite3_context* ctx, int, sqlite3_value** argv) {
  const int type = sqlite3_value_type(argv[0]);
  if (type == SQLITE_NULL) return sqlite3_result_null(ctx);
  const auto* key = static_cast<const std::string*>(sqlite3_user_data(ctx));
  const char* bytes = static_cast<const char*>(sqlite3_value_blob(argv[0]));
  std::string message(1, static_cast<char>('0' + type));
  message.append(bytes ? bytes : "", static_cast<size_t>(sqlite3_value_bytes(argv[0])));
  const std::string hex = ledger::ToHex(HmacSha256(*key, message)).substr(0, 16);
  sqlite3_result_text(ctx, hex.data(), static_cast<int>(hex.size()), SQLITE_TRANSIENT);
}

void RefLast(sqlite3_context* ctx, int, sqlite3_value** argv) {
  if (sqlite3_value_type(argv[0]) == SQLITE_NULL) return sqlite3_result_null(ctx);
  const char* p = reinterpret_cast<const char*>(sqlite3_value_text(argv[0]));
  const std::string text(p ? p : "", static_cast<size_t>(sqlite3_value_bytes(argv[0])));
  std::vector<std::string> chars;
  for (char c : text) {
    if ((static_cast<unsigned char>(c) & 0xC0) == 0x80 && !chars.empty()) {
      chars.back() += c;
    } else {
      chars.emplace_back(1, c);
    }
  }
  const size_t keep = static_cast<size_t>(sqlite3_value_int64(argv[1]));
  std::string out;
  for (size_t i = 0; i < chars.size(); ++i) out += i + keep < chars.size() ? "*" : chars[i];
  sqlite3_result_text(ctx, out.data(), static_cast<int>(out.size()), SQLITE_TRANSIENT);
}

void RefYear(sqlite3_context* ctx, int, sqlite3_value** argv) {
  if (sqlite3_value_type(argv[0]) != SQLITE_TEXT) return sqlite3_result_null(ctx);
  const std::string text(reinterpret_cast<const char*>(sqlite3_value_text(argv[0])),
                         static_cast<size_t>(sqlite3_value_bytes(argv[0])));
  if (text.size() < 4 ||
      !std::all_of(text.begin(), text.begin() + 4, [](char c) { return c >= '0' && c <= '9'; })) {
    return sqlite3_result_null(ctx);
  }
  if (text.size() > 4 && text[4] != '-') return sqlite3_result_null(ctx);
  sqlite3_result_int64(ctx, std::stoi(text.substr(0, 4)));
}

struct Outcome {
  bool ok = false;
  std::string error;  // when !ok
  std::string code;   // engine status code name when !ok
  std::vector<std::string> columns;
  std::vector<std::vector<Value>> rows;
};

class Reference {
 public:
  // Materialises what `who` sees under `policy`; an empty string or the error.
  // `mask_key`: the key of hash masks, as given to the engine session.
  std::string Build(const fs::path& raw, const std::vector<Table>& schema, const PolicySpec& policy,
                    const PrincipalSpec& who, const std::string& mask_key) {
    if (sqlite3_open(":memory:", &db_) != SQLITE_OK) return "cannot open the reference";
    mask_key_ = mask_key;
    sqlite3_create_function(db_, "ref_hash", 1, SQLITE_UTF8, &mask_key_, RefHash, nullptr, nullptr);
    sqlite3_create_function(db_, "ref_last", 2, SQLITE_UTF8, nullptr, RefLast, nullptr, nullptr);
    sqlite3_create_function(db_, "ref_year", 1, SQLITE_UTF8, nullptr, RefYear, nullptr, nullptr);
    if (std::string e = Exec("ATTACH " + Quote(raw.string()) + " AS raw"); !e.empty()) return e;
    if (std::string e = Exec("ATTACH ':memory:' AS d"); !e.empty()) return e;
    for (const Table& table : schema) {
      std::optional<VisibleTable> visible = Visible(policy, who, table);
      if (!visible) continue;
      std::string sql = "CREATE TABLE d.\"" + table.name + "\" AS SELECT ";
      for (size_t i = 0; i < visible->columns.size(); ++i) {
        sql += (i ? ", " : "") + visible->columns[i].expression + " AS \"" +
               visible->columns[i].name + "\"";
      }
      sql += " FROM raw.\"" + table.name + "\" WHERE 1";
      for (const std::string& f : visible->filters) sql += " AND (" + f + "\n)";
      sqlite3_stmt* stmt = nullptr;
      if (sqlite3_prepare_v2(db_, sql.c_str(), -1, &stmt, nullptr) != SQLITE_OK) {
        return sql + ": " + sqlite3_errmsg(db_);
      }
      const int index = sqlite3_bind_parameter_index(stmt, ":region");
      if (index > 0 && who.region) {
        sqlite3_bind_text(stmt, index, who.region->data(), static_cast<int>(who.region->size()),
                          SQLITE_TRANSIENT);
      }
      const int rc = sqlite3_step(stmt);
      sqlite3_finalize(stmt);
      if (rc != SQLITE_DONE) return sql + ": " + sqlite3_errmsg(db_);
    }
    return Exec("DETACH raw");
  }

  Outcome Run(const std::string& sql) {
    Outcome out;
    sqlite3_stmt* stmt = nullptr;
    bool rowid = false;
    (void)&Reference::DenyRowid;  // rowids exist (opaque) on guard tables since they are stable
    const int prepared = sqlite3_prepare_v2(db_, sql.c_str(), -1, &stmt, nullptr);
    sqlite3_set_authorizer(db_, nullptr, nullptr);
    if (prepared != SQLITE_OK) {
      out.error = rowid ? "no such column: rowid" : sqlite3_errmsg(db_);
      sqlite3_finalize(stmt);
      return out;
    }
    for (int i = 0; i < sqlite3_column_count(stmt); ++i) {
      out.columns.emplace_back(sqlite3_column_name(stmt, i));
    }
    int rc;
    while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
      std::vector<Value> row;
      for (int i = 0; i < sqlite3_column_count(stmt); ++i) row.push_back(ColumnValue(stmt, i));
      out.rows.push_back(std::move(row));
    }
    if (rc != SQLITE_DONE) {
      out.error = sqlite3_errmsg(db_);
    } else {
      out.ok = true;
    }
    sqlite3_finalize(stmt);
    return out;
  }

  ~Reference() { sqlite3_close(db_); }

 private:
  // The tables here are ordinary ones, with a rowid (reported as the column "ROWID" since none
  // is an INTEGER PRIMARY KEY); the engine's have none.
  static int DenyRowid(void* flag, int action, const char*, const char* column, const char*,
                       const char*) {
    if (action == SQLITE_READ && column != nullptr && std::string(column) == "ROWID") {
      *static_cast<bool*>(flag) = true;
      return SQLITE_DENY;
    }
    return SQLITE_OK;
  }
  std::string Exec(const std::string& sql) {
    char* error = nullptr;
    if (sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &error) == SQLITE_OK) return "";
    std::string message = sql + ": " + (error ? error : "?");
    sqlite3_free(error);
    return message;
  }
  sqlite3* db_ = nullptr;
  std::string mask_key_;
};

// --- queries ---

struct QuerySpec {
  std::string sql;
  bool ordered = false;  // ORDER BY every output column: compare in order
};

class QueryGenerator {
 public:
  QueryGenerator(Rng& rng, const std::vector<Table>& schema,
                 const std::map<std::string, std::vector<std::string>>& visible)
      : rng_(rng), schema_(schema), visible_(visible) {}

  QuerySpec Next() {
    // Now and then, a table or column the principal may not see (or that does not exist).
    if (rng_.Chance(12)) return Probe();
    std::vector<const Table*> tables;
    for (const Table& t : schema_) {
      if (visible_.count(t.name)) tables.push_back(&t);
    }
    if (tables.empty()) return Probe();
    const Table& t = *rng_.Pick(tables);
    switch (rng_.Below(8)) {
      case 0:
      case 1:
        return Projection(t);
      case 2:
        return Aggregates(t);
      case 3:
        return GroupBy(t);
      case 4:
        return Distinct(t);
      case 5:
        return SelfJoin(t);
      case 6:
        if (visible_.count("people") && visible_.count("orders")) return Join();
        return Projection(t);
      default:
        return Limited(t);
    }
  }

 private:
  std::string Name(const std::string& name) {
    if (rng_.Chance(8)) {
      std::string upper = name;
      for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
      return upper;
    }
    return name;
  }
  std::string TableRef(const Table& t) { return Name("d") + "." + Name(t.name); }
  const std::vector<std::string>& Cols(const Table& t) { return visible_.at(t.name); }
  std::string Col(const Table& t) { return rng_.Pick(Cols(t)); }
  std::vector<std::string> SomeCols(const Table& t) {
    std::vector<std::string> out;
    for (const auto& c : Cols(t)) {
      if (rng_.Chance(50)) out.push_back(c);
    }
    if (out.empty()) out.push_back(Col(t));
    return out;
  }

  // A literal for a comparison with `column` of `t`: usually a value from the data.
  Value Sample(const Table& t, const std::string& column) {
    size_t index = 0;
    for (size_t i = 0; i < t.columns.size(); ++i) {
      if (t.columns[i].name == column) index = i;
    }
    for (int tries = 0; tries < 8; ++tries) {
      const Value& v = rng_.Pick(t.rows)[index];
      if (v.type != Value::Type::kNull) return v;
    }
    return Value::Integer(rng_.Between(0, 50));
  }

  std::string Pred(const Table& t, const std::string& alias) {
    const std::string column = Col(t);
    const std::string c = (alias.empty() ? "" : alias + ".") + Name(column);
    const Value v = rng_.Chance(10) ? Value::Text("[redacted]") : Sample(t, column);
    const std::string lit = Literal(v);
    switch (rng_.Below(12)) {
      case 0:
        return c + " = " + lit;
      case 1:
        return c + " <> " + lit;
      case 2:
        return c + " < " + lit;
      case 3:
        return c + " >= " + lit;
      case 4: {
        std::string text = v.type == Value::Type::kText ? v.bytes : Literal(v);
        return c + " LIKE " + Quote(text.substr(0, std::min<size_t>(text.size(), 2)) + "%");
      }
      case 5:
        return c + " GLOB " +
               Quote("*" +
                     (v.type == Value::Type::kText && !v.bytes.empty()
                          ? v.bytes.substr(v.bytes.size() - 1)
                          : std::string("1")) +
                     "*");
      case 6:
        return c + " IN (" + lit + ", " + Literal(Sample(t, column)) + ")";
      case 7:
        return c + " IS NULL";
      case 8:
        return c + " IS NOT NULL";
      case 9:
        return c + " BETWEEN " + lit + " AND " + Literal(Sample(t, column));
      case 10:
        return "(" + Pred(t, alias) + " OR " + Pred(t, alias) + ")";
      default:
        return Pred(t, alias) + " AND " + Pred(t, alias);
    }
  }
  std::string Where(const Table& t, const std::string& alias = "") {
    return rng_.Chance(65) ? " WHERE " + Pred(t, alias) : "";
  }

  static std::string Join(const std::vector<std::string>& items) {
    std::string out;
    for (size_t i = 0; i < items.size(); ++i) out += (i ? ", " : "") + items[i];
    return out;
  }
  static std::string Positions(size_t n) {
    std::string out;
    for (size_t i = 1; i <= n; ++i) out += (i > 1 ? ", " : "") + std::to_string(i);
    return out;
  }

  QuerySpec Projection(const Table& t) {
    std::vector<std::string> cols = SomeCols(t);
    for (auto& c : cols) c = Name(c);
    return {"SELECT " + (rng_.Chance(15) ? std::string("*") : Join(cols)) + " FROM " + TableRef(t) +
                Where(t),
            false};
  }
  QuerySpec Limited(const Table& t) {
    std::vector<std::string> cols = SomeCols(t);
    std::string sql = "SELECT " + Join(cols) + " FROM " + TableRef(t) + Where(t) + " ORDER BY " +
                      Positions(cols.size());
    if (rng_.Chance(50)) sql += " DESC";
    sql += " LIMIT " + std::to_string(rng_.Between(0, 12));
    if (rng_.Chance(50)) sql += " OFFSET " + std::to_string(rng_.Between(0, 20));
    return {sql, true};
  }
  QuerySpec Aggregates(const Table& t) {
    const std::string a = Col(t), b = Col(t), c = Col(t);
    return {"SELECT count(*), count(" + a + "), min(" + b + "), max(" + b + "), sum(" + c +
                "), total(" + c + "), avg(" + c + "), count(DISTINCT " + a + ") FROM " +
                TableRef(t) + Where(t),
            false};
  }
  QuerySpec GroupBy(const Table& t) {
    const std::string g = Col(t), x = Col(t);
    std::string sql = "SELECT " + g + ", count(*), max(" + x + ") FROM " + TableRef(t) + Where(t) +
                      " GROUP BY " + g;
    if (rng_.Chance(30)) sql += " HAVING count(*) > 1";
    return {sql, false};
  }
  QuerySpec Distinct(const Table& t) {
    return {"SELECT DISTINCT " + Col(t) + " FROM " + TableRef(t) + Where(t), false};
  }
  QuerySpec SelfJoin(const Table& t) {
    const std::string k = Col(t);
    return {"SELECT a." + Col(t) + ", b." + Col(t) + " FROM " + TableRef(t) + " a JOIN " +
                TableRef(t) + " b ON a." + k + " = b." + k + Where(t, "a"),
            false};
  }
  QuerySpec Join() {
    const Table& people = schema_[0];
    const Table& orders = schema_[1];
    const std::string pk = rng_.Chance(70) && Has("people", "id") ? "id" : Col(people);
    const std::string fk =
        rng_.Chance(70) && Has("orders", "person_id") ? "person_id" : Col(orders);
    std::string how = rng_.Chance(30) ? " LEFT JOIN " : " JOIN ";
    return {"SELECT p." + Col(people) + ", o." + Col(orders) + " FROM " + TableRef(people) + " p" +
                how + TableRef(orders) + " o ON o." + fk + " = p." + pk + Where(people, "p"),
            false};
  }
  bool Has(const std::string& table, const std::string& column) {
    auto it = visible_.find(table);
    return it != visible_.end() &&
           std::find(it->second.begin(), it->second.end(), column) != it->second.end();
  }
  QuerySpec Probe() {
    const Table& t = rng_.Pick(schema_);
    const std::string column = rng_.Pick(t.columns).name;
    switch (rng_.Below(5)) {
      case 0:
        return {"SELECT " + column + " FROM " + TableRef(t), false};
      case 3: {
        // A guard row's rowid is opaque but identifies the row: as many distinct as rows.
        const std::string alias = rng_.Pick(std::vector<std::string>{"rowid", "oid", "_rowid_"});
        return {"SELECT count(*), count(DISTINCT " + alias + ") FROM " + TableRef(t), false};
      }
      case 1:
        return {"SELECT count(*) FROM " + TableRef(t) + " WHERE " + column + " IS NOT NULL", false};
      case 2:
        return {"SELECT count(*) FROM " + TableRef(t), false};
      default:
        return {"SELECT count(*) FROM d.nosuchtable", false};
    }
  }

  Rng& rng_;
  const std::vector<Table>& schema_;
  const std::map<std::string, std::vector<std::string>>& visible_;
};

// --- comparison ---

std::string Key(const Value& v) {
  char buffer[64];
  switch (v.type) {
    case Value::Type::kNull:
      return "N";
    case Value::Type::kInteger:
      return "I" + std::to_string(v.integer);
    case Value::Type::kReal:
      // Sums and averages may add in another order: 12 significant digits.
      std::snprintf(buffer, sizeof(buffer), "R%.12g", v.real);
      return buffer;
    case Value::Type::kText:
      return "T" + v.bytes;
    case Value::Type::kBlob:
      return "B" + v.bytes;
  }
  return "?";
}

std::vector<std::string> Keys(const std::vector<std::vector<Value>>& rows, bool sort) {
  std::vector<std::string> out;
  for (const auto& row : rows) {
    std::string line;
    for (size_t i = 0; i < row.size(); ++i) line += (i ? " | " : "") + Key(row[i]);
    out.push_back(line);
  }
  if (sort) std::sort(out.begin(), out.end());
  return out;
}

std::string Show(const std::vector<std::string>& keys) {
  std::string out;
  for (size_t i = 0; i < keys.size() && i < 12; ++i) out += "      " + keys[i] + "\n";
  if (keys.size() > 12) out += "      ... (" + std::to_string(keys.size()) + " rows)\n";
  return out.empty() ? "      (no rows)\n" : out;
}

// Why the engine's outcome differs from the reference's, or "" when it does not.
std::string Compare(const Outcome& engine, const Outcome& reference, bool ordered) {
  if (!reference.ok) {
    const bool table = reference.error.rfind("no such table", 0) == 0;
    const bool column = reference.error.rfind("no such column", 0) == 0;
    if (!table && !column) return "the reference failed: " + reference.error;
    if (engine.ok) {
      return "the engine answered a query on something that does not exist for the principal (" +
             reference.error + ")";
    }
    if (table && engine.code != "NotFound") {
      return "expected NotFound (" + reference.error + "), got " + engine.code + ": " +
             engine.error;
    }
    if (column && (engine.code != "InvalidArgument" ||
                   engine.error.find("no such column") == std::string::npos)) {
      return "expected InvalidArgument no such column (" + reference.error + "), got " +
             engine.code + ": " + engine.error;
    }
    return "";
  }
  if (!engine.ok) return "the engine failed: " + engine.code + ": " + engine.error;
  const std::vector<std::string> a = Keys(engine.rows, !ordered);
  const std::vector<std::string> b = Keys(reference.rows, !ordered);
  if (a == b) return "";
  // Rows the engine returned beyond the reference's (as multisets) may be rows or values the
  // principal must not see; rows it lost are wrong answers.
  std::vector<std::string> sa = a, sb = b, extra, missing;
  std::sort(sa.begin(), sa.end());
  std::sort(sb.begin(), sb.end());
  std::set_difference(sa.begin(), sa.end(), sb.begin(), sb.end(), std::back_inserter(extra));
  std::set_difference(sb.begin(), sb.end(), sa.begin(), sa.end(), std::back_inserter(missing));
  std::string out = "different rows";
  if (!extra.empty()) out += " (" + std::to_string(extra.size()) + " extra)";
  if (!missing.empty()) out += " (" + std::to_string(missing.size()) + " missing)";
  if (extra.empty() && missing.empty()) out += " (order)";
  return out + "\n    engine:\n" + Show(a) + "    reference:\n" + Show(b);
}

// --- the test ---

uint64_t EnvNumber(const char* name, uint64_t fallback) {
  const char* value = std::getenv(name);
  return value && *value ? std::strtoull(value, nullptr, 10) : fallback;
}

class PolicyDifferential : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("cairn_policy_diff_" + std::to_string(getpid()) + "_" +
                                        std::to_string(reinterpret_cast<uintptr_t>(this)));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override {
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }
  fs::path dir_;
};

TEST_F(PolicyDifferential, EngineMatchesReference) {
  const uint64_t seed = EnvNumber("CAIRN_DIFF_SEED", 20240611);
  const int cases = static_cast<int>(EnvNumber("CAIRN_DIFF_CASES", 300));
  const int only = static_cast<int>(EnvNumber("CAIRN_DIFF_CASE", static_cast<uint64_t>(-1)));
  const bool verbose = EnvNumber("CAIRN_DIFF_VERBOSE", 0) != 0;
  const int max_reports = static_cast<int>(EnvNumber("CAIRN_DIFF_REPORTS", 3));
  constexpr int kQueriesPerCase = 5;

  std::vector<Table> schema = MakeSchema();
  FillData(&schema, seed);
  const fs::path raw = dir_ / "data.sqlite";
  ASSERT_EQ(WriteDatabase(raw, schema), "");
  const std::string config_yaml =
      "version: 1\nsources:\n  d:\n    kind: sqlite\n    path: \"" + raw.string() + "\"\n";
  Result<Config> config = ParseConfig(config_yaml, dir_ / "cairn.yaml");
  ASSERT_TRUE(config.ok()) << config.status().ToString();
  auto catalog = engine::Catalog::Create(*config);
  ASSERT_TRUE(catalog.ok()) << catalog.status().ToString();

  int queries = 0, mismatches = 0, refusals = 0;
  std::map<std::string, int> by_kind;
  std::string report;
  for (int c = 0; c < cases; ++c) {
    if (only >= 0 && c != only) continue;
    Rng rng(seed * 1000003 + static_cast<uint64_t>(c));
    const PolicySpec spec = GeneratePolicy(rng, schema);
    const std::string yaml = RenderPolicy(rng, spec);
    PrincipalSpec who;
    who.roles = SomeRoles(rng, rng.Chance(90) ? 1 : 0);
    if (rng.Chance(75)) who.region = rng.Pick(kRegions);

    auto parsed = policy::Policy::Parse(yaml, dir_ / "policy.yaml");
    ASSERT_TRUE(parsed.ok()) << parsed.status().ToString() << "\n" << yaml;
    engine::Principal principal{"p" + std::to_string(c), who.roles, {}};
    if (who.region) principal.attributes["region"] = *who.region;
    auto session = engine::Session::Open(catalog->get(), principal);
    ASSERT_TRUE(session.ok()) << session.status().ToString();
    // A known hash key (32 bytes, as the session draws by default), different for every case.
    std::string mask_key;
    for (int i = 0; i < 4; ++i) {
      const uint64_t word = rng.Next();
      mask_key.append(reinterpret_cast<const char*>(&word), sizeof(word));
    }
    (*session)->set_mask_key(mask_key);
    (*session)->set_policy(parsed->get());
    ASSERT_TRUE((*session)->restricted());

    Reference reference;
    const std::string built = reference.Build(raw, schema, spec, who, mask_key);
    ASSERT_EQ(built, "") << "case " << c << "\n" << yaml;
    std::map<std::string, std::vector<std::string>> visible;
    for (const Table& t : schema) {
      if (auto v = Visible(spec, who, t)) {
        for (const auto& column : v->columns) visible[t.name].push_back(column.name);
      }
    }
    QueryGenerator generator(rng, schema, visible);
    for (int q = 0; q < kQueriesPerCase; ++q) {
      const QuerySpec query = generator.Next();
      ++queries;
      Outcome expected = reference.Run(query.sql);
      Outcome actual;
      Result<engine::QueryResult> result = (*session)->QueryAll(query.sql);
      if (result.ok()) {
        actual.ok = true;
        actual.columns = result->columns;
        actual.rows = std::move(result->rows);
      } else {
        actual.code = std::string(StatusCodeName(result.status().code()));
        actual.error = result.status().message();
      }
      if (!expected.ok) ++refusals;
      if (verbose) {
        std::printf("case %d query %d: %s\n  engine: %s\n  reference: %s\n", c, q,
                    query.sql.c_str(),
                    actual.ok ? (std::to_string(actual.rows.size()) + " rows").c_str()
                              : (actual.code + ": " + actual.error).c_str(),
                    expected.ok ? (std::to_string(expected.rows.size()) + " rows").c_str()
                                : expected.error.c_str());
      }
      const std::string why = Compare(actual, expected, query.ordered);
      if (why.empty()) continue;
      ++mismatches;
      // Grouped by the shape of the failure: names (anything with '.' or '/') elided.
      std::string kind = actual.ok ? "wrong rows" : actual.code + ":";
      if (actual.ok) {
        const bool extra = why.find(" extra)") != std::string::npos;
        const bool missing = why.find(" missing)") != std::string::npos;
        kind += extra && missing ? " (extra and missing)"
                : extra          ? " (extra)"
                : missing        ? " (missing)"
                                 : " (order)";
      }
      if (!actual.ok) {
        std::istringstream words(actual.error);
        for (std::string word; words >> word;) {
          kind += " " + (word.find_first_of("./") == std::string::npos ? word : "<name>");
        }
      }
      if (by_kind[kind]++ < max_reports) {
        std::string roles;
        for (const auto& r : who.roles) roles += (roles.empty() ? "" : ",") + r;
        report += "\n=== mismatch: CAIRN_DIFF_SEED=" + std::to_string(seed) +
                  " CAIRN_DIFF_CASE=" + std::to_string(c) + " query " + std::to_string(q) +
                  "\nprincipal roles=[" + roles +
                  "] region=" + (who.region ? "'" + *who.region + "'" : std::string("(absent)")) +
                  "\nquery: " + query.sql + "\n" + why + "\npolicy.yaml:\n" + yaml;
      }
    }
  }
  std::string kinds;
  for (const auto& [kind, count] : by_kind) {
    kinds += "  " + std::to_string(count) + " x " + kind + "\n";
  }
  std::printf(
      "policy differential: seed %llu, %d cases, %d queries (%d expected refusals), "
      "%d mismatches\n%s",
      static_cast<unsigned long long>(seed), only >= 0 ? 1 : cases, queries, refusals, mismatches,
      kinds.c_str());
  EXPECT_EQ(mismatches, 0) << "mismatches by kind:\n" << kinds << report;
}

// The hash mask under the session's default key (random per session), checked by its
// properties since its values cannot be predicted: 16 lowercase hex digits; within a session,
// equal clear values hash equal and different ones differently; another session hashes
// differently; no clear value and no unkeyed SHA-256 of one (what an attacker can compute
// offline) ever appears; and user SQL cannot call the mask helpers.
TEST_F(PolicyDifferential, HashMaskIsKeyedPerSession) {
  std::vector<Table> schema = MakeSchema();
  FillData(&schema, EnvNumber("CAIRN_DIFF_SEED", 20240611));
  // A few equal e-mails, so that "equal values hash equal" is exercised.
  Table& people = schema[0];
  for (size_t i = 40; i < people.rows.size(); ++i) people.rows[i][5] = people.rows[i - 10][5];
  const fs::path raw = dir_ / "data.sqlite";
  ASSERT_EQ(WriteDatabase(raw, schema), "");
  Result<Config> config = ParseConfig(
      "version: 1\nsources:\n  d:\n    kind: sqlite\n    path: \"" + raw.string() + "\"\n",
      dir_ / "cairn.yaml");
  ASSERT_TRUE(config.ok()) << config.status().ToString();
  auto catalog = engine::Catalog::Create(*config);
  ASSERT_TRUE(catalog.ok()) << catalog.status().ToString();
  auto policy = policy::Policy::Parse(
      "version: 1\nroles:\n  r1: role one\ngrants:\n  - roles: [r1]\n    source: d\n"
      "    tables: [people]\nmasks:\n"
      "  - source: d\n    table: people\n    column: email\n    mask: hash\n"
      "  - source: d\n    table: people\n    column: score\n    mask: hash\n",
      dir_ / "policy.yaml");
  ASSERT_TRUE(policy.ok()) << policy.status().ToString();

  // id -> (email hash, score hash) as one session sees them.
  auto read = [&](std::map<int64_t, std::pair<Value, Value>>* out) {
    auto session = engine::Session::Open(catalog->get(), engine::Principal{"p", {"r1"}, {}});
    ASSERT_TRUE(session.ok()) << session.status().ToString();
    (*session)->set_policy(policy->get());
    ASSERT_TRUE((*session)->restricted());
    auto result = (*session)->QueryAll("SELECT id, email, score FROM d.people");
    ASSERT_TRUE(result.ok()) << result.status().ToString();
    for (const auto& row : result->rows)
      out->emplace(row[0].integer, std::make_pair(row[1], row[2]));
    // Within one query, equal values hash equal: as many distinct hashes as distinct e-mails.
    auto distinct = (*session)->QueryAll(
        "SELECT count(DISTINCT email), count(email), "
        "(SELECT count(*) FROM d.people a JOIN d.people b ON a.email = b.email) FROM d.people");
    ASSERT_TRUE(distinct.ok()) << distinct.status().ToString();
    std::set<std::string> emails;
    int64_t non_null = 0, pairs = 0;
    for (const auto& r : people.rows) {
      if (r[5].type == Value::Type::kNull) continue;
      emails.insert(r[5].bytes);
      ++non_null;
      for (const auto& o : people.rows)
        pairs += o[5].type != Value::Type::kNull && o[5].bytes == r[5].bytes;
    }
    EXPECT_EQ(distinct->rows.at(0).at(0).integer, static_cast<int64_t>(emails.size()));
    EXPECT_EQ(distinct->rows.at(0).at(1).integer, non_null);
    EXPECT_EQ(distinct->rows.at(0).at(2).integer, pairs);
    // The helpers cannot be called to hash a guess.
    for (const char* sql : {"SELECT cairn_mask_hash('x')", "SELECT cairn_mask_last('abcdef', 2)",
                            "SELECT cairn_mask_year('2020-01-01')",
                            "SELECT count(*) FROM d.people WHERE email = Cairn_Mask_Hash(name)"}) {
      auto refused = (*session)->QueryAll(sql);
      ASSERT_FALSE(refused.ok()) << sql;
      EXPECT_EQ(StatusCodeName(refused.status().code()), "PermissionDenied") << sql;
      EXPECT_NE(refused.status().message().find("is not allowed"), std::string::npos)
          << sql << ": " << refused.status().message();
    }
  };
  std::map<int64_t, std::pair<Value, Value>> first, second;
  read(&first);
  read(&second);
  ASSERT_EQ(first.size(), people.rows.size());
  ASSERT_EQ(second.size(), people.rows.size());

  // Everything an attacker could compute offline from a guessed value.
  std::set<std::string> offline;
  auto add_guesses = [&](const std::string& text) {
    offline.insert(text);
    for (const std::string& prefix :
         {std::string(), std::string("cairn.mask.v1", 13), std::string("cairn.mask.v1\0", 14),
          std::string("1"), std::string("2"), std::string("3")}) {
      offline.insert(ledger::ToHex(ledger::Sha256(prefix + text)).substr(0, 16));
      offline.insert(ledger::ToHex(HmacSha256("", prefix + text)).substr(0, 16));
      offline.insert(ledger::ToHex(HmacSha256(std::string(32, '\0'), prefix + text)).substr(0, 16));
    }
  };
  auto score_text = [](const Value& v) {
    char buffer[64];
    std::snprintf(buffer, sizeof(buffer), "%.15g", v.real);
    std::string text = buffer;
    if (text.find_first_of(".en") == std::string::npos) text += ".0";
    return text;
  };
  for (const auto& r : people.rows) {
    if (r[5].type != Value::Type::kNull) add_guesses(r[5].bytes);
    if (r[4].type != Value::Type::kNull) add_guesses(score_text(r[4]));
  }

  auto is_hash = [](const Value& v) {
    return v.type == Value::Type::kText && v.bytes.size() == 16 &&
           v.bytes.find_first_not_of("0123456789abcdef") == std::string::npos;
  };
  int differ = 0, compared = 0;
  for (const auto& r : people.rows) {
    const int64_t id = r[0].integer;
    for (int c = 0; c < 2; ++c) {
      const Value& clear = c == 0 ? r[5] : r[4];
      const Value& a = c == 0 ? first[id].first : first[id].second;
      const Value& b = c == 0 ? second[id].first : second[id].second;
      if (clear.type == Value::Type::kNull) {
        EXPECT_EQ(a.type, Value::Type::kNull) << id;
        EXPECT_EQ(b.type, Value::Type::kNull) << id;
        continue;
      }
      EXPECT_TRUE(is_hash(a)) << id << ": " << Key(a);
      EXPECT_TRUE(is_hash(b)) << id << ": " << Key(b);
      EXPECT_EQ(offline.count(a.bytes), 0u) << id << ": " << a.bytes << " computed offline";
      EXPECT_EQ(offline.count(b.bytes), 0u) << id << ": " << b.bytes << " computed offline";
      ++compared;
      differ += a.bytes != b.bytes;
    }
  }
  // Another session, another key: no hash repeats across the two sessions.
  EXPECT_EQ(differ, compared);
  // Within a session, equal e-mails hash equal and different ones differently.
  for (const auto& r : people.rows) {
    for (const auto& o : people.rows) {
      if (r[5].type == Value::Type::kNull || o[5].type == Value::Type::kNull) continue;
      EXPECT_EQ(r[5].bytes == o[5].bytes,
                first[r[0].integer].first.bytes == first[o[0].integer].first.bytes)
          << r[0].integer << " vs " << o[0].integer;
    }
  }
}

}  // namespace
}  // namespace cairn
