#include "service/state_copy.h"

#include <fcntl.h>
#include <openssl/rand.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iterator>
#include <map>
#include <set>

#include "context/catalog_store.h"
#include "context/glossary.h"
#include "context/join_store.h"
#include "context/recipes.h"
#include "context/search.h"
#include "ledger/clock.h"
#include "ledger/ledger.h"
#include "policy/declassify.h"
#include "policy/principals.h"
#include "workflow/workflows.h"

namespace cairn::service {
namespace {

const std::vector<store::Migration> kInstallationMigrations = {
    {1, "installation secrets shared by every node",
     "CREATE TABLE installation_secrets (name TEXT PRIMARY KEY, value TEXT NOT NULL, "
     "created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ')))",
     "CREATE TABLE installation_secrets (name TEXT PRIMARY KEY, value TEXT NOT NULL, "
     "created_at TEXT NOT NULL DEFAULT strftime('%Y-%m-%dT%H:%M:%fZ'))"},
};

constexpr char kHex[] = "0123456789abcdef";

std::string Hex(std::string_view bytes) {
  std::string out;
  out.reserve(bytes.size() * 2);
  for (unsigned char c : bytes) {
    out += kHex[c >> 4];
    out += kHex[c & 15];
  }
  return out;
}

bool Unhex(std::string_view hex, std::string* out) {
  if (hex.size() % 2 != 0) return false;
  out->clear();
  for (size_t i = 0; i < hex.size(); i += 2) {
    auto nibble = [](char c) -> int {
      if (c >= '0' && c <= '9') return c - '0';
      if (c >= 'a' && c <= 'f') return c - 'a' + 10;
      return -1;
    };
    const int hi = nibble(hex[i]);
    const int lo = nibble(hex[i + 1]);
    if (hi < 0 || lo < 0) return false;
    out->push_back(static_cast<char>(hi * 16 + lo));
  }
  return true;
}

std::string QuoteIdent(const std::string& name) {
  std::string out = "\"";
  for (char c : name) {
    out += c;
    if (c == '"') out += '"';
  }
  return out + "\"";
}

struct SourceTable {
  std::string name;
  std::vector<std::string> columns;
  std::set<std::string> parents;  // tables its foreign keys reference
  bool is_virtual = false;        // a full-text table: copied where the target keeps a table
};

// Tables of the embedded state that only index others; a target without them rebuilds them.
const std::set<std::string> kDerivedTables = {"search_impacts"};

// The embedded state's tables that hold data: not SQLite's own, not the shadow tables of
// virtual tables, not the migrations record (which the target writes itself). Parents come
// before children, full-text tables last.
Result<std::vector<SourceTable>> SourceTables(store::SqliteStateDb* from) {
  std::vector<std::string> virtual_tables;
  std::vector<std::pair<std::string, std::string>> all;
  RETURN_IF_ERROR(from->Query(
      "SELECT name, COALESCE(sql, '') FROM sqlite_master WHERE type = 'table' AND name NOT LIKE "
      "'sqlite_%' ORDER BY name",
      {}, [&](const store::Row& row) {
        all.emplace_back(row.Text(0), row.Text(1));
        if (row.Text(1).rfind("CREATE VIRTUAL TABLE", 0) == 0)
          virtual_tables.push_back(row.Text(0));
        return OkStatus();
      }));
  std::vector<SourceTable> tables;
  std::vector<SourceTable> full_text;
  for (const auto& [name, sql] : all) {
    if (name == "cairn_migrations") continue;
    SourceTable table;
    table.name = name;
    bool shadow = false;
    for (const std::string& v : virtual_tables) {
      if (name == v) table.is_virtual = true;
      if (name.rfind(v + "_", 0) == 0) shadow = true;
    }
    if (shadow) continue;
    if (table.is_virtual) table.columns.push_back("rowid");
    RETURN_IF_ERROR(from->Query("SELECT name FROM pragma_table_info(?) ORDER BY cid", {name},
                                [&](const store::Row& row) {
                                  table.columns.push_back(row.Text(0));
                                  return OkStatus();
                                }));
    if (table.is_virtual) {
      full_text.push_back(std::move(table));
      continue;
    }
    RETURN_IF_ERROR(from->Query("SELECT DISTINCT \"table\" FROM pragma_foreign_key_list(?)", {name},
                                [&](const store::Row& row) {
                                  if (row.Text(0) != name) table.parents.insert(row.Text(0));
                                  return OkStatus();
                                }));
    tables.push_back(std::move(table));
  }
  std::vector<SourceTable> ordered;
  std::set<std::string> placed;
  while (ordered.size() < tables.size()) {
    bool progress = false;
    for (SourceTable& table : tables) {
      if (placed.count(table.name)) continue;
      bool ready = true;
      for (const std::string& parent : table.parents) {
        if (!placed.count(parent)) ready = false;
      }
      if (!ready) continue;
      placed.insert(table.name);
      ordered.push_back(table);
      progress = true;
    }
    if (!progress) return InternalError("the state's foreign keys form a cycle");
  }
  for (SourceTable& table : full_text) ordered.push_back(std::move(table));
  return ordered;
}

// Column name -> PostgreSQL data type, for one table of the target ("" when it has no such
// table).
Result<std::map<std::string, std::string>> TargetColumns(store::StateDb* to,
                                                         const std::string& table) {
  std::map<std::string, std::string> columns;
  RETURN_IF_ERROR(
      to->Query("SELECT column_name, data_type FROM information_schema.columns WHERE "
                "table_schema = current_schema() AND table_name = ?",
                {table}, [&](const store::Row& row) {
                  columns[row.Text(0)] = row.Text(1);
                  return OkStatus();
                }));
  return columns;
}

// One stored value as a parameter for a target column of `type`.
Result<store::Param> Convert(sqlite3_stmt* stmt, int column, const std::string& type,
                             const std::string& where) {
  switch (sqlite3_column_type(stmt, column)) {
    case SQLITE_NULL:
      return store::Param(nullptr);
    case SQLITE_INTEGER:
      return store::Param(static_cast<int64_t>(sqlite3_column_int64(stmt, column)));
    case SQLITE_FLOAT:
      return store::Param(sqlite3_column_double(stmt, column));
    case SQLITE_BLOB: {
      // Bytes go into PostgreSQL as BYTEA, or as lowercase hex where its stores keep them as
      // text (the ledger's subtree hashes).
      std::string bytes(static_cast<const char*>(sqlite3_column_blob(stmt, column)),
                        sqlite3_column_bytes(stmt, column));
      if (type == "bytea") return store::Param("\\x" + Hex(bytes));
      if (type == "text" || type == "character varying") return store::Param(Hex(bytes));
      return InvalidArgumentError("{}: bytes have no place in a {} column", where, type);
    }
    default: {
      const unsigned char* text = sqlite3_column_text(stmt, column);
      std::string value(reinterpret_cast<const char*>(text), sqlite3_column_bytes(stmt, column));
      if (type == "bytea") return store::Param("\\x" + Hex(value));
      return store::Param(std::move(value));
    }
  }
}

Status CopyTable(store::SqliteStateDb* from, store::StateDb* to, const SourceTable& table,
                 const std::map<std::string, std::string>& target, int64_t* copied) {
  std::string select = "SELECT ";
  std::string insert_head = "INSERT INTO " + QuoteIdent(table.name) + " (";
  for (size_t i = 0; i < table.columns.size(); ++i) {
    if (!target.count(table.columns[i])) {
      return InvalidArgumentError(
          "state copy: column {}.{} has no place in the target (its schema differs: is this "
          "Cairn older than the state?)",
          table.name, table.columns[i]);
    }
    select += (i ? ", " : "") + QuoteIdent(table.columns[i]);
    insert_head += (i ? ", " : "") + QuoteIdent(table.columns[i]);
  }
  select += " FROM " + QuoteIdent(table.name);
  insert_head += ") VALUES ";
  // Rows go in batches of one multi-row INSERT each (PostgreSQL takes up to 65,535 parameters).
  const size_t width = table.columns.size();
  const size_t batch_rows = std::max<size_t>(1, std::min<size_t>(500, 60000 / width));
  std::string row_marks = "(";
  for (size_t i = 0; i < width; ++i) row_marks += i ? ", ?" : "?";
  row_marks += ")";

  sqlite3_stmt* stmt = nullptr;
  if (sqlite3_prepare_v2(from->handle(), select.c_str(), -1, &stmt, nullptr) != SQLITE_OK) {
    return InternalError("state copy: {}: {}", table.name, sqlite3_errmsg(from->handle()));
  }
  std::unique_ptr<sqlite3_stmt, int (*)(sqlite3_stmt*)> guard(stmt, sqlite3_finalize);
  std::vector<store::Param> params;
  size_t rows = 0;
  auto flush = [&]() -> Status {
    if (rows == 0) return OkStatus();
    std::string sql = insert_head;
    for (size_t r = 0; r < rows; ++r) sql += (r ? ", " : "") + row_marks;
    RETURN_IF_ERROR(to->Exec(sql, params).status());
    *copied += static_cast<int64_t>(rows);
    params.clear();
    rows = 0;
    return OkStatus();
  };
  int rc;
  int64_t row_number = 0;
  while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
    ++row_number;
    for (size_t i = 0; i < width; ++i) {
      const std::string where =
          fmt::format("{} row {} column {}", table.name, row_number, table.columns[i]);
      ASSIGN_OR_RETURN(store::Param p,
                       Convert(stmt, static_cast<int>(i), target.at(table.columns[i]), where));
      params.push_back(std::move(p));
    }
    if (++rows == batch_rows) RETURN_IF_ERROR(flush());
  }
  if (rc != SQLITE_DONE) {
    return InternalError("state copy: {}: {}", table.name, sqlite3_errmsg(from->handle()));
  }
  return flush();
}

// Moves every identity counter of the target past the largest copied id.
Status ResetIdentities(store::StateDb* to) {
  std::vector<std::pair<std::string, std::string>> identities;
  RETURN_IF_ERROR(to->Query(
      "SELECT table_name, column_name FROM information_schema.columns WHERE table_schema = "
      "current_schema() AND (is_identity = 'YES' OR column_default LIKE 'nextval(%')",
      {}, [&](const store::Row& row) {
        identities.emplace_back(row.Text(0), row.Text(1));
        return OkStatus();
      }));
  for (const auto& [table, column] : identities) {
    RETURN_IF_ERROR(to->Query(fmt::format("SELECT setval(pg_get_serial_sequence(?, ?), "
                                          "COALESCE(MAX({}), 0) + 1, false) FROM {}",
                                          QuoteIdent(column), QuoteIdent(table)),
                              {QuoteIdent(table), column},
                              [](const store::Row&) { return OkStatus(); }));
  }
  return OkStatus();
}

}  // namespace

Status MigrateAll(store::StateDb* db) {
  RETURN_IF_ERROR(db->Migrate("installation", kInstallationMigrations).status());
  RETURN_IF_ERROR(context::CatalogStore::Open(db).status());
  RETURN_IF_ERROR(context::JoinStore::Open(db).status());
  RETURN_IF_ERROR(context::Glossary::Open(db).status());
  RETURN_IF_ERROR(context::RecipeStore::Open(db).status());
  RETURN_IF_ERROR(context::SearchIndex::Open(db).status());
  RETURN_IF_ERROR(policy::PrincipalStore::Open(db, nullptr).status());
  RETURN_IF_ERROR(policy::Declassifications::Open(db).status());
  RETURN_IF_ERROR(workflow::MigrateState(db));
  // The ledger migrates on its own connection (it owns the one it is given).
  ASSIGN_OR_RETURN(std::unique_ptr<store::StateDb> ledger_db, db->OpenAnother());
  ledger::SystemClock clock;
  return ledger::Ledger::Open(std::move(ledger_db), &clock, nullptr).status();
}

Status CheckEmptyTarget(store::StateDb* to) {
  int64_t applied = 0;
  RETURN_IF_ERROR(to->Query("SELECT count(*) FROM cairn_migrations", {}, [&](const store::Row& r) {
    applied = r.Int(0);
    return OkStatus();
  }));
  if (applied > 0) {
    return FailedPreconditionError(
        "{} already holds a Cairn state ({} migrations applied): copy into an empty database",
        to->Describe(), applied);
  }
  return OkStatus();
}

Result<CopyReport> CopyState(store::SqliteStateDb* from, store::StateDb* to,
                             const std::string& mask_key) {
  if (to->dialect() != store::Dialect::kPostgres) {
    return InvalidArgumentError("a state is copied into PostgreSQL, not into {}", to->Describe());
  }
  RETURN_IF_ERROR(CheckEmptyTarget(to));  // again: another process may have begun meanwhile
  // Both sides at the current version of every component, so their tables match.
  RETURN_IF_ERROR(MigrateAll(from));
  RETURN_IF_ERROR(MigrateAll(to));

  CopyReport report;
  ASSIGN_OR_RETURN(std::vector<SourceTable> all_tables, SourceTables(from));
  // What the target keeps as tables is copied; indexes it keeps otherwise are rebuilt there.
  std::vector<SourceTable> tables;
  std::vector<std::map<std::string, std::string>> targets;
  for (SourceTable& table : all_tables) {
    ASSIGN_OR_RETURN(auto target, TargetColumns(to, table.name));
    if (target.empty()) {
      if (table.is_virtual || kDerivedTables.count(table.name)) {
        report.rebuilt.push_back(table.name);
        continue;
      }
      return InvalidArgumentError("state copy: table {} has no place in the target", table.name);
    }
    if (table.is_virtual) {
      // Only the columns the target stores (its own may be computed from them).
      std::vector<std::string> kept;
      for (const std::string& column : table.columns) {
        if (target.count(column)) kept.push_back(column);
      }
      table.columns = std::move(kept);
    }
    tables.push_back(std::move(table));
    targets.push_back(std::move(target));
  }
  RETURN_IF_ERROR(to->Transaction([&]() -> Status {
    // The target's empty tables, as the migrations left them (the ledger and the installation
    // secrets have none yet; a component may seed rows, which the copy replaces).
    for (auto it = tables.rbegin(); it != tables.rend(); ++it) {
      RETURN_IF_ERROR(to->Exec("DELETE FROM " + QuoteIdent(it->name)).status());
    }
    for (const SourceTable& table : tables) {
      ASSIGN_OR_RETURN(auto target, TargetColumns(to, table.name));
      if (target.empty()) {
        return InvalidArgumentError("state copy: table {} has no place in the target", table.name);
      }
      int64_t copied = 0;
      RETURN_IF_ERROR(CopyTable(from, to, table, target, &copied));
      report.tables.push_back({table.name, copied});
      report.rows += copied;
    }
    RETURN_IF_ERROR(ResetIdentities(to));
    if (!mask_key.empty()) {
      RETURN_IF_ERROR(to->Exec("INSERT INTO installation_secrets (name, value) VALUES "
                               "('mask_key', ?) ON CONFLICT (name) DO UPDATE SET value = "
                               "excluded.value",
                               {Hex(mask_key)})
                          .status());
    }
    return OkStatus();
  }));
  return report;
}

// The installation's key for hash masks (.cairn/mask.key, 32 random bytes, mode 0600), so a
// masked value hashes the same in every session (joins and comparisons on hashed columns
// work across queries) while nobody without the file can hash guesses offline. Created whole
// or not at all: the key is written to a file of its own and linked into place, so a process
// or worker reading it at the same time never sees it empty (creating it in place let a
// concurrent reader find 0 bytes: DataLoss on the first requests of `cairn serve`).
Result<std::string> LoadOrCreateMaskKey(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (in) {
    std::string key((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    if (key.size() != 32) {
      return DataLossError(
          "{}: expected 32 bytes, found {} (delete it to make a new key; "
          "hashed values will change)",
          file.string(), key.size());
    }
    return key;
  }
  unsigned char bytes[32];
  if (RAND_bytes(bytes, sizeof(bytes)) != 1) return InternalError("cannot draw random bytes");
  std::error_code ec;
  std::filesystem::create_directories(file.parent_path(), ec);
  std::string temp = file.string() + ".XXXXXX";
  const int fd = ::mkstemp(temp.data());
  if (fd < 0) return UnavailableError("{}: cannot create: {}", temp, std::strerror(errno));
  const bool written = ::fchmod(fd, 0600) == 0 &&
                       ::write(fd, bytes, sizeof(bytes)) == static_cast<ssize_t>(sizeof(bytes)) &&
                       ::fsync(fd) == 0;
  ::close(fd);
  if (!written) {
    ::unlink(temp.c_str());
    return UnavailableError("{}: cannot write", temp);
  }
  const int linked = ::link(temp.c_str(), file.c_str());
  const int link_errno = errno;
  ::unlink(temp.c_str());
  if (linked != 0) {
    if (link_errno == EEXIST) return LoadOrCreateMaskKey(file);  // created concurrently
    return UnavailableError("{}: cannot create: {}", file.string(), std::strerror(link_errno));
  }
  return std::string(reinterpret_cast<const char*>(bytes), sizeof(bytes));
}

Result<std::string> SharedMaskKey(store::StateDb* db) {
  RETURN_IF_ERROR(db->Migrate("installation", kInstallationMigrations).status());
  unsigned char bytes[32];
  if (RAND_bytes(bytes, sizeof(bytes)) != 1) return InternalError("cannot draw random bytes");
  // The first node to ask creates it; every later one reads the same.
  RETURN_IF_ERROR(db->Exec("INSERT INTO installation_secrets (name, value) VALUES ('mask_key', ?) "
                           "ON CONFLICT (name) DO NOTHING",
                           {Hex(std::string_view(reinterpret_cast<const char*>(bytes), 32))})
                      .status());
  std::string hex;
  RETURN_IF_ERROR(db->Query("SELECT value FROM installation_secrets WHERE name = 'mask_key'", {},
                            [&](const store::Row& row) {
                              hex = row.Text(0);
                              return OkStatus();
                            }));
  std::string key;
  if (!Unhex(hex, &key) || key.size() != 32) {
    return DataLossError("{}: installation_secrets.mask_key is not 32 bytes of hex",
                         db->Describe());
  }
  return key;
}

}  // namespace cairn::service
