#include "engine/session.h"

#include <openssl/rand.h>

#include <algorithm>
#include <cctype>
#include <set>

#include "connectors/source.h"
#include "engine/session_internal.h"
#include "ledger/merkle.h"

namespace cairn::engine {
namespace {

using internal::FindTable;
using internal::kNoSuchTable;

constexpr int kProgressOps = 1000;
// Re-runs of a statement whose pragma functions asked for tables not created yet.
constexpr int kLazyRetries = 8;
// Raw (connector) tables of a restricted session: main."cairn/<source>/<table>".
constexpr std::string_view kRawPrefix = "cairn/";

// Pragmas that only read schema information, allowed with any argument.
constexpr std::string_view kReadOnlyPragmas[] = {
    "table_info",     "table_xinfo",   "table_list",       "index_list",
    "index_info",     "index_xinfo",   "foreign_key_list", "database_list",
    "collation_list", "function_list", "module_list",      "pragma_list",
};

std::string DescribeAction(int action, const char* a, const char* b, const char* db) {
  auto s = [](const char* p) { return std::string(p ? p : ""); };
  auto qualified = [&](const char* name) {
    return db && *db && std::string_view(db) != "main" ? s(db) + "." + s(name) : s(name);
  };
  switch (action) {
    case SQLITE_INSERT:
      return "INSERT into " + qualified(a);
    case SQLITE_UPDATE:
      return "UPDATE of " + qualified(a);
    case SQLITE_DELETE:
      return "DELETE from " + qualified(a);
    case SQLITE_ATTACH:
      return "ATTACH";
    case SQLITE_DETACH:
      return "DETACH";
    case SQLITE_PRAGMA:
      return "PRAGMA " + s(a) + (b ? " = " + s(b) : "");
    case SQLITE_FUNCTION:
      return "function " + s(b) + "()";
    case SQLITE_TRANSACTION:
      return "transaction control (" + s(a) + ")";
    case SQLITE_SAVEPOINT:
      return "SAVEPOINT";
    case SQLITE_CREATE_TEMP_TABLE:
    case SQLITE_CREATE_TEMP_INDEX:
    case SQLITE_CREATE_TEMP_TRIGGER:
    case SQLITE_CREATE_TEMP_VIEW:
      return "creating the temporary object " + s(a);
    case SQLITE_CREATE_TABLE:
    case SQLITE_CREATE_INDEX:
    case SQLITE_CREATE_TRIGGER:
    case SQLITE_CREATE_VIEW:
    case SQLITE_CREATE_VTABLE:
      return "creating " + qualified(a);
    case SQLITE_DROP_TABLE:
    case SQLITE_DROP_INDEX:
    case SQLITE_DROP_TRIGGER:
    case SQLITE_DROP_VIEW:
    case SQLITE_DROP_VTABLE:
    case SQLITE_DROP_TEMP_TABLE:
    case SQLITE_DROP_TEMP_INDEX:
    case SQLITE_DROP_TEMP_TRIGGER:
    case SQLITE_DROP_TEMP_VIEW:
      return "dropping " + qualified(a);
    case SQLITE_ALTER_TABLE:
      return "ALTER TABLE " + qualified(b);
    case SQLITE_REINDEX:
      return "REINDEX";
    case SQLITE_ANALYZE:
      return "ANALYZE";
    default:
      return "operation " + std::to_string(action);
  }
}

Value ColumnValue(sqlite3_stmt* stmt, int i) {
  switch (sqlite3_column_type(stmt, i)) {
    case SQLITE_INTEGER:
      return Value::Integer(sqlite3_column_int64(stmt, i));
    case SQLITE_FLOAT:
      return Value::Real(sqlite3_column_double(stmt, i));
    case SQLITE_TEXT: {
      const char* text = reinterpret_cast<const char*>(sqlite3_column_text(stmt, i));
      return Value::Text(std::string(text, sqlite3_column_bytes(stmt, i)));
    }
    case SQLITE_BLOB: {
      const char* blob = static_cast<const char*>(sqlite3_column_blob(stmt, i));
      return Value::Blob(std::string(blob ? blob : "", sqlite3_column_bytes(stmt, i)));
    }
    default:
      return Value::Null();
  }
}

bool IsBlank(std::string_view tail) {
  // Whitespace and SQL comments only.
  size_t i = 0;
  while (i < tail.size()) {
    char c = tail[i];
    if (std::isspace(static_cast<unsigned char>(c)) || c == ';') {
      ++i;
    } else if (tail.substr(i, 2) == "--") {
      size_t end = tail.find('\n', i);
      i = end == std::string_view::npos ? tail.size() : end + 1;
    } else if (tail.substr(i, 2) == "/*") {
      size_t end = tail.find("*/", i + 2);
      i = end == std::string_view::npos ? tail.size() : end + 2;
    } else {
      return false;
    }
  }
  return true;
}

class CollectSink : public RowSink {
 public:
  explicit CollectSink(QueryResult* result) : result_(result) {}
  Status Columns(const std::vector<std::string>& names) override {
    result_->columns = names;
    return OkStatus();
  }
  Status Row(const std::vector<Value>& values) override {
    result_->rows.push_back(values);
    return OkStatus();
  }

 private:
  QueryResult* result_;
};

// Binds `params` to the statement's named parameters. InvalidArgument for a parameter that is
// positional or has no value.
Status BindParams(sqlite3_stmt* stmt, const std::vector<std::pair<std::string, Value>>& params) {
  const int count = sqlite3_bind_parameter_count(stmt);
  for (int i = 1; i <= count; ++i) {
    const char* raw = sqlite3_bind_parameter_name(stmt, i);
    if (raw == nullptr || raw[0] != ':') {
      return InvalidArgumentError(
          "parameter {} is not of the form :name; only named parameters "
          "take values",
          raw == nullptr ? "?" + std::to_string(i) : std::string(raw));
    }
    const std::string name(raw + 1);
    auto it = std::find_if(params.begin(), params.end(),
                           [&](const auto& param) { return param.first == name; });
    if (it == params.end()) return InvalidArgumentError("no value for parameter :{}", name);
    const Value& value = it->second;
    int rc = SQLITE_OK;
    switch (value.type) {
      case Value::Type::kNull:
        rc = sqlite3_bind_null(stmt, i);
        break;
      case Value::Type::kInteger:
        rc = sqlite3_bind_int64(stmt, i, value.integer);
        break;
      case Value::Type::kReal:
        rc = sqlite3_bind_double(stmt, i, value.real);
        break;
      case Value::Type::kText:
        rc = sqlite3_bind_text(stmt, i, value.bytes.data(), static_cast<int>(value.bytes.size()),
                               SQLITE_TRANSIENT);
        break;
      case Value::Type::kBlob:
        rc = sqlite3_bind_blob(stmt, i, value.bytes.data(), static_cast<int>(value.bytes.size()),
                               SQLITE_TRANSIENT);
        break;
    }
    if (rc != SQLITE_OK) return InternalError("binding :{}: {}", name, sqlite3_errstr(rc));
  }
  return OkStatus();
}

}  // namespace

Result<std::unique_ptr<Session>> Session::Open(Catalog* catalog, Principal principal) {
  sqlite3* db = nullptr;
  int rc = sqlite3_open_v2(
      ":memory:", &db,
      SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_EXRESCODE,
      nullptr);
  if (rc != SQLITE_OK) {
    std::string message = db ? sqlite3_errmsg(db) : "out of memory";
    sqlite3_close(db);
    return InternalError("cannot open the session's SQLite connection: {}", message);
  }
  sqlite3_db_config(db, SQLITE_DBCONFIG_ENABLE_LOAD_EXTENSION, 0, nullptr);
  sqlite3_db_config(db, SQLITE_DBCONFIG_DEFENSIVE, 1, nullptr);
  sqlite3_db_config(db, SQLITE_DBCONFIG_ENABLE_TRIGGER, 0, nullptr);
  sqlite3_db_config(db, SQLITE_DBCONFIG_ENABLE_VIEW, 0, nullptr);
  auto session = std::unique_ptr<Session>(new Session(catalog, std::move(principal), db));
  // A per-session random name for the raw tables and a default key for hash masks.
  unsigned char random[72];
  if (RAND_bytes(random, sizeof(random)) != 1) {
    return InternalError("cannot draw random bytes for the session");  // ~Session closes db
  }
  static const char* kHex = "0123456789abcdef";
  std::string tag;
  for (int i = 0; i < 8; ++i) {
    tag += kHex[random[i] >> 4];
    tag += kHex[random[i] & 15];
  }
  session->raw_prefix_ = std::string(kRawPrefix) + tag + "/";
  session->mask_key_.assign(reinterpret_cast<const char*>(random + 8), 32);
  session->row_key_.assign(reinterpret_cast<const char*>(random + 40), 32);
  if (RegisterMaskFunctions(db, session->mask_key_) != SQLITE_OK ||
      sqlite3_create_module_v2(db, "cairn_guard", GuardModule(),
                               static_cast<GuardHost*>(session.get()), nullptr) != SQLITE_OK) {
    return InternalError("cannot register the policy guard: {}", sqlite3_errmsg(db));
  }
  // SQLite's eponymous virtual tables (readable in main without CREATE), lower-case.
  sqlite3_stmt* modules = nullptr;
  if (sqlite3_prepare_v2(db, "SELECT lower(name) FROM pragma_module_list", -1, &modules, nullptr) !=
      SQLITE_OK) {
    return InternalError("cannot list SQLite's modules: {}", sqlite3_errmsg(db));
  }
  while (sqlite3_step(modules) == SQLITE_ROW) {
    session->eponymous_.insert(reinterpret_cast<const char*>(sqlite3_column_text(modules, 0)));
  }
  sqlite3_finalize(modules);
  sqlite3_set_authorizer(db, &Session::Authorize, session.get());
  connectors::SetLookupKeys(db, session.get());
  sqlite3_progress_handler(db, kProgressOps, &Session::Progress, session.get());
  return session;
}

Session::Session(Catalog* catalog, Principal principal, sqlite3* db)
    : catalog_(catalog),
      principal_(std::move(principal)),
      limits_(catalog->config().limits),
      db_(db) {
  restricted_ = !principal_.HasRole("admin");
}

Session::~Session() {
  connectors::SetLookupKeys(db_, nullptr);
  sqlite3_close_v2(db_);
}

int Session::Authorize(void* self_ptr, int action, const char* a, const char* b, const char* db,
                       const char* /*trigger*/) {
  auto* self = static_cast<Session*>(self_ptr);
  if (self->internal_ || self->inner_steps_ > 0) {
    if (action == SQLITE_READ && self->internal_reads_ != nullptr) {
      self->internal_reads_->push_back(ColumnRead{db ? db : "", a ? a : "", b ? b : ""});
    }
    return SQLITE_OK;
  }
  if (self->restricted_) {
    // A restricted principal names only guard tables: the connectors' raw tables live in
    // `main`, and no schema table (whose rows name every table) is readable.
    if (action == SQLITE_READ) {
      // Runs for every column a statement names: compares without copying the name.
      const char* table = a ? a : "";
      auto is = [&](const char* word) { return sqlite3_stricmp(table, word) == 0; };
      auto starts = [&](std::string_view prefix) {
        return sqlite3_strnicmp(table, prefix.data(), static_cast<int>(prefix.size())) == 0;
      };
      const bool schema_table = is("sqlite_master") || is("sqlite_schema") ||
                                is("sqlite_temp_master") || is("sqlite_temp_schema");
      // SQLite itself reads the schema table's ROWID when a table-valued function is first
      // used; that read returns NULL. A statement naming the table also reports a read without
      // a column, which is denied.
      if (schema_table && b != nullptr && std::string_view(b) == "ROWID") return SQLITE_IGNORE;
      // In `main` (and unqualified) only table-valued functions that read no source are
      // readable: json_each/json_tree and the pragma functions (checked as PRAGMA). Raw tables,
      // schema tables, sqlite_stmt (whose rows hold the guard's SQL), dbstat and the like are not.
      const bool in_main = db == nullptr || std::string_view(db) == "main";
      const bool allowed_function = is("json_each") || is("json_tree") || starts("pragma_");
      bool denied = schema_table || starts(kRawPrefix);
      if (!denied && in_main && !allowed_function) {
        // A read without a column and without a schema is SQLite naming what a FROM clause
        // scans: a guard table, or a common table expression or subquery (count(*) over a
        // CTE), whose own reads are reported with their schema and judged here like any other.
        // Among unqualified names only the raw tables (prefixed) and SQLite's eponymous
        // virtual tables (dbstat, sqlite_stmt, ...) live in main.
        const std::string lower = AsciiLower(table);
        const bool names_a_from_item =
            db == nullptr && (b == nullptr || *b == '\0') && !self->eponymous_.contains(lower);
        denied = !names_a_from_item && !self->IsGuardTable(lower);
      }
      if (denied) {
        if (self->denial_.empty()) self->denial_ = "no such table: " + std::string(table);
        self->policy_denial_ = "read of the internal table " + std::string(table);
        return SQLITE_DENY;
      }
    }
    if (action == SQLITE_FUNCTION) {
      // The mask helpers run only inside the guard: called by a user they would test guesses.
      if (b != nullptr && sqlite3_strnicmp(b, "cairn_mask_", 11) == 0) {
        if (self->denial_.empty()) self->denial_ = DescribeAction(action, a, b, db);
        return SQLITE_DENY;
      }
    }
    if (action == SQLITE_PRAGMA) {
      // Introspection names only guard tables; table_list would list the raw ones.
      std::string name = AsciiLower(a ? a : "");
      std::string_view arg = b ? b : "";
      if (name == "table_list" || arg.find('/') != std::string_view::npos ||
          (db != nullptr && std::string_view(db) == "main" && !arg.empty())) {
        if (self->denial_.empty()) self->denial_ = DescribeAction(action, a, b, db);
        return SQLITE_DENY;
      }
    }
  }
  if (self->WantsCreation(action, a, b, db)) return SQLITE_DENY;
  switch (action) {
    case SQLITE_READ: {
      // Reads of the session's own schemas (main, temp) are not source reads.
      if (db != nullptr && std::string_view(db) != "main" && std::string_view(db) != "temp") {
        const std::string_view table = a ? a : "", column = b ? b : "";
        auto same = [&](const ColumnRead& r) {
          return r.column == column && r.table == table && r.source == db;
        };
        if (std::find_if(self->reads_.begin(), self->reads_.end(), same) == self->reads_.end()) {
          self->reads_.push_back(ColumnRead{db, std::string(table), std::string(column)});
        }
      }
      return SQLITE_OK;
    }
    case SQLITE_SELECT:
    case SQLITE_RECURSIVE:
      return SQLITE_OK;
    case SQLITE_FUNCTION: {
      const char* name = b ? b : "";
      if (sqlite3_stricmp(name, "load_extension") != 0 &&
          sqlite3_stricmp(name, "fts3_tokenizer") != 0) {
        return SQLITE_OK;
      }
      break;
    }
    case SQLITE_PRAGMA: {
      std::string name = AsciiLower(a ? a : "");
      for (std::string_view allowed : kReadOnlyPragmas) {
        if (name == allowed) return SQLITE_OK;
      }
      break;
    }
    case SQLITE_INSERT:
    case SQLITE_UPDATE:
    case SQLITE_DELETE: {
      // CREATE and DROP ask about their write to the schema table before naming the object;
      // let that pass so the denial names the object. The schema table itself cannot be
      // written by a statement (SQLITE_DBCONFIG_DEFENSIVE) and sqlite3_stmt_readonly() is
      // checked after every prepare.
      std::string table = AsciiLower(a ? a : "");
      if (table == "sqlite_master" || table == "sqlite_temp_master" || table == "sqlite_schema" ||
          table == "sqlite_temp_schema") {
        return SQLITE_OK;
      }
      break;
    }
    default:
      break;
  }
  if (self->denial_.empty()) self->denial_ = DescribeAction(action, a, b, db);
  return SQLITE_DENY;
}

int Session::Progress(void* self_ptr) {
  auto* self = static_cast<Session*>(self_ptr);
  if (self->internal_) return 0;
  if (std::chrono::steady_clock::now() > self->deadline_) {
    self->interrupt_ = Interrupt::kTime;
    return 1;
  }
  if (sqlite3_memory_used() - self->memory_baseline_ > self->limits_.max_memory_bytes) {
    self->interrupt_ = Interrupt::kMemory;
    return 1;
  }
  return 0;
}

Status Session::ExecInternal(const std::string& sql) {
  internal_ = true;
  char* error = nullptr;
  int rc = sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &error);
  internal_ = false;
  if (rc != SQLITE_OK) {
    std::string message = error ? error : sqlite3_errmsg(db_);
    sqlite3_free(error);
    return InternalError("{}: {}", sql, message);
  }
  return OkStatus();
}

std::string Session::RawName(const std::string& source, const std::string& table) const {
  return raw_prefix_ + source + "/" + table;
}

const GuardTable* Session::GuardTableAt(int id) const {
  return id >= 0 && id < static_cast<int>(guards_.size()) ? guards_[id].get() : nullptr;
}

int64_t Session::RowIdentity(int64_t raw) {
  if (row_hash_ == nullptr) row_hash_ = std::make_unique<KeyedHash>(row_key_);
  return static_cast<int64_t>(row_hash_->First64(&raw, sizeof(raw)) >> 1);  // non-negative
}

int Session::StepInternal(sqlite3_stmt* stmt) {
  ++inner_steps_;
  int rc = sqlite3_step(stmt);
  --inner_steps_;
  return rc;
}

bool Session::IsGuardTable(const std::string& lower_name) const {
  for (const auto& [key, guard] : guard_by_name_) {
    if (AsciiLower(guard->table) == lower_name) return true;
  }
  return false;
}

bool Session::WantsCreation(int action, const char* a, const char* b, const char* db) {
  if (action == SQLITE_PRAGMA && b != nullptr && *b != '\0') {
    // Introspection of a table not created yet (PRAGMA src.table_info(t), or the same from
    // pragma_table_info('t', 'src') as it runs) would find nothing: create it, then retry.
    const std::string name = AsciiLower(a ? a : "");
    if (name != "table_info" && name != "table_xinfo" && name != "index_list" &&
        name != "foreign_key_list") {
      return false;
    }
    if (db != nullptr && *db != '\0') {
      if (!IsAttached(db) || Creatable(db, b) == nullptr) return false;
      wanted_tables_.emplace_back(db, b);
      return true;
    }
    // Unqualified: the first attached source (in SQLite's search order) that has it.
    for (int i = 2; const char* schema = sqlite3_db_name(db_, i); ++i) {
      if (!IsAttached(schema)) continue;
      if (Creatable(schema, b) == nullptr) continue;
      wanted_tables_.emplace_back(schema, b);
      return true;
    }
    return false;
  }
  // Restricted principals read no schema table.
  if (restricted_ || (action != SQLITE_READ && action != SQLITE_PRAGMA)) return false;
  const std::string table = AsciiLower(a ? a : "");
  // (SQLite's own read of the schema table's ROWID, when a table-valued function is first used,
  // lists nothing.)
  const bool lists_schema =
      (action == SQLITE_READ && (table == "sqlite_master" || table == "sqlite_schema") &&
       (b == nullptr || std::string_view(b) != "ROWID")) ||
      (action == SQLITE_PRAGMA && table == "table_list");
  if (!lists_schema) return false;
  // An administrator listing a source's schema sees every table of it, as before tables were
  // created on first use.
  std::vector<std::string> sources;
  if (db != nullptr && *db != '\0') {
    if (IsAttached(db)) sources.emplace_back(db);
  } else if (action == SQLITE_PRAGMA) {
    sources = attached_;  // PRAGMA table_list lists every schema
  }
  bool wanted = false;
  for (const std::string& source : sources) {
    Result<connectors::Source*> opened = catalog_->Open(source);
    if (!opened.ok()) continue;
    Result<std::vector<connectors::TableInfo>> tables = (*opened)->Tables();
    if (!tables.ok() || created_[source].size() >= tables->size()) continue;
    if (std::find(wanted_sources_.begin(), wanted_sources_.end(), source) ==
        wanted_sources_.end()) {
      wanted_sources_.push_back(source);
    }
    wanted = true;
  }
  return wanted;
}

void Session::set_mask_key(const std::string& key) {
  mask_key_ = key;
  RegisterMaskFunctions(db_, mask_key_);
}

int Session::PrepareInternal(const std::string& sql, sqlite3_stmt** stmt, std::string* error) {
  const bool was_internal = internal_;
  internal_ = true;
  int rc = sqlite3_prepare_v2(db_, sql.c_str(), static_cast<int>(sql.size()), stmt, nullptr);
  internal_ = was_internal;
  if (rc != SQLITE_OK) {
    *error = sqlite3_errmsg(db_);
    sqlite3_finalize(*stmt);
    *stmt = nullptr;
  }
  return rc;
}

Result<sqlite3_stmt*> Session::Prepare(std::string_view sql) {
  // Before a statement of the caller's (not a retry after creating what one asked for).
  if (lazy_retries_ == 0 && run_retries_ == 0 && inner_steps_ == 0) {
    RETURN_IF_ERROR(EvictTables());
  }
  std::vector<std::string> pinned;  // sources attached for this statement
  policy_denial_.clear();
  wanted_tables_.clear();
  wanted_sources_.clear();
  while (true) {
    denial_.clear();
    reads_.clear();
    sqlite3_stmt* stmt = nullptr;
    const char* tail = nullptr;
    int rc = sqlite3_prepare_v2(db_, sql.data(), static_cast<int>(sql.size()), &stmt, &tail);
    if (rc == SQLITE_OK) {
      if (stmt == nullptr) return InvalidArgumentError("empty SQL statement");
      std::string_view rest(tail, sql.data() + sql.size() - tail);
      if (!IsBlank(rest)) {
        sqlite3_finalize(stmt);
        return InvalidArgumentError("only one SQL statement per query; found more after offset {}",
                                    static_cast<size_t>(tail - sql.data()));
      }
      if (!sqlite3_stmt_readonly(stmt)) {
        sqlite3_finalize(stmt);
        return PermissionDeniedError("Cairn sessions are read-only: this statement writes");
      }
      // Keep the pinned sources most recently used.
      for (const auto& s : pinned) {
        attached_.erase(std::remove(attached_.begin(), attached_.end(), s), attached_.end());
        attached_.push_back(s);
      }
      return stmt;
    }
    std::string message = sqlite3_errmsg(db_);
    if (!wanted_tables_.empty() || !wanted_sources_.empty()) {
      // The authorizer stopped the statement for tables to create first.
      ASSIGN_OR_RETURN(bool created, CreateWanted());
      if (created) continue;
    }
    if (restricted_ && !policy_denial_.empty() && denial_.rfind(kNoSuchTable, 0) == 0) {
      return NotFoundError("{}", denial_);
    }
    if (!denial_.empty() || (rc & 0xff) == SQLITE_AUTH) {
      return PermissionDeniedError("Cairn sessions are read-only: {} is not allowed",
                                   denial_.empty() ? "this statement" : denial_);
    }
    // Writes to a virtual table without xUpdate fail before the authorizer is asked.
    if (message.find(" may not be modified") != std::string::npos) {
      return PermissionDeniedError("Cairn sessions are read-only: {}", message);
    }
    if (restricted_ && message.rfind("no such column: ", 0) == 0) NoteHiddenColumn(message);
    // A schema named only in a pragma function's argument (pragma_table_info('t', 'tos')),
    // PRAGMA tos.x or DDL: attach it like a table reference would.
    std::string lookup = message;
    if (constexpr std::string_view kUnknownDb = "unknown database ";
        message.rfind(kUnknownDb, 0) == 0) {
      std::string schema = message.substr(kUnknownDb.size());
      if (schema.size() >= 2 && schema.front() == '\'' && schema.back() == '\'') {
        schema = schema.substr(1, schema.size() - 2);
      }
      lookup = std::string(kNoSuchTable) + schema + ".?";
    }
    if (message.rfind(kNoSuchTable, 0) == 0) {
      // A table of an attached source that is not created yet.
      ASSIGN_OR_RETURN(bool created,
                       CreateReferenced(message.substr(kNoSuchTable.size()), &pinned));
      if (created) continue;
    }
    ASSIGN_OR_RETURN(std::string source, SourceToAttach(lookup, pinned));
    if (source.empty()) {
      if (message.rfind(kNoSuchTable, 0) == 0) {
        std::string name = message.substr(kNoSuchTable.size());
        size_t dot = name.find('.');
        if (restricted_) {
          // Unknown and not granted read the same, so names of hidden tables do not leak.
          if (policy_denial_.empty() && dot != std::string::npos) {
            std::string schema = name.substr(0, dot);
            std::string table = name.substr(dot + 1);
            for (const std::string& s : catalog_->SourceNames()) {
              if (AsciiLower(s) != AsciiLower(schema)) continue;
              Result<connectors::TableInfo> info = RawTable(s, table);
              if (info.ok()) policy_denial_ = fmt::format("no grant on {}.{}", s, info->name);
            }
          }
          return NotFoundError("{}", message);
        }
        if (dot != std::string::npos && catalog_->IndexOf(name.substr(0, dot)) < 0) {
          return NotFoundError("no such source '{}' (in '{}')", name.substr(0, dot), name);
        }
        return NotFoundError("{}", message);
      }
      return connectors::StatusFromVtabMessage(message, StatusCode::kInvalidArgument);
    }
    RETURN_IF_ERROR(Attach(source, pinned));
    pinned.push_back(source);
  }
}

void Session::NoteHiddenColumn(const std::string& message) {
  // "no such column: x" or "no such column: t.x": a column that exists but is not granted.
  std::string name = message.substr(std::string_view("no such column: ").size());
  size_t dot = name.rfind('.');
  std::string column = dot == std::string::npos ? name : name.substr(dot + 1);
  for (const auto& [key, guard] : guard_by_name_) {
    Result<connectors::TableInfo> raw = RawTable(guard->source, guard->table);
    if (!raw.ok()) continue;
    for (const auto& c : raw->columns) {
      if (AsciiLower(c.name) == AsciiLower(column)) {
        policy_denial_ = fmt::format("no grant on {}.{}.{}", guard->source, guard->table, c.name);
        return;
      }
    }
  }
}

void Session::Classify(Label* label, std::vector<std::string>* rules) const {
  // Runs for every statement: no allocation per read beyond the rules it adds.
  *label = Label::kPublic;
  auto add_rule = [&](const std::string& rule) {
    if (!rule.empty() && std::find(rules->begin(), rules->end(), rule) == rules->end()) {
      rules->push_back(rule);
    }
  };
  GuardTable* guard = nullptr;
  const ColumnRead* guard_read = nullptr;  // the read `guard` was looked up for
  for (const ColumnRead& read : reads_) {
    if (restricted_ && (guard_read == nullptr || guard_read->source != read.source ||
                        guard_read->table != read.table)) {
      guard_read = &read;
      guard = nullptr;
      auto it = guard_by_name_.find(read.source + "\t" + read.table);
      if (it != guard_by_name_.end()) guard = it->second;
      if (guard != nullptr) {
        for (const std::string& rule : guard->access.rules) add_rule(rule);
        if (guard->labels.size() != guard->access.columns.size()) FillLabels(guard);
      }
    }
    if (guard == nullptr) {
      if (policy_ != nullptr) {
        *label = std::max(*label, policy_->ColumnLabel(read.source, read.table, read.column));
      }
      continue;
    }
    const auto& columns = guard->access.columns;
    auto column = std::find_if(columns.begin(), columns.end(),
                               [&](const ColumnAccess& c) { return c.name == read.column; });
    Label read_label = Label::kPublic;
    if (column == columns.end()) {
      // A read of the whole table (no column), or a name SQLite spelled otherwise.
      if (policy_ != nullptr) {
        read_label = policy_->ColumnLabel(read.source, read.table, read.column);
      }
    } else {
      if (!column->mask.empty()) add_rule(column->rule);
      if (column->mask.empty() || column->mask_reveals) {
        read_label = guard->labels[static_cast<size_t>(column - columns.begin())];
      }
    }
    *label = std::max(*label, read_label);
  }
}

void Session::FillLabels(GuardTable* guard) const {
  guard->labels.clear();
  for (const ColumnAccess& column : guard->access.columns) {
    guard->labels.push_back(policy_ != nullptr
                                ? policy_->ColumnLabel(guard->source, guard->table, column.name)
                                : Label::kPublic);
  }
}

Status Session::Run(std::string_view sql, RowSink* sink, QueryStats* stats,
                    const QueryOptions& options) {
  const auto start = std::chrono::steady_clock::now();
  deadline_ = start + std::chrono::milliseconds(limits_.timeout_ms);
  interrupt_ = Interrupt::kNone;

  ASSIGN_OR_RETURN(sqlite3_stmt * stmt, Prepare(sql));
  std::unique_ptr<sqlite3_stmt, int (*)(sqlite3_stmt*)> guard(stmt, sqlite3_finalize);
  if (!options.params.empty()) RETURN_IF_ERROR(BindParams(stmt, options.params));
  // The label is known once the statement is compiled: a flow it would break is refused before
  // a single row is read.
  Label label = Label::kPublic;
  std::vector<std::string> rules;
  Classify(&label, &rules);
  if (stats != nullptr) {
    stats->label = label;
    stats->rules = std::move(rules);
    stats->reads = reads_;
  }
  if (!options.destination.empty()) {
    if (policy_ == nullptr) {
      return NotFoundError("no sink '{}': no policy defines sinks", options.destination);
    }
    RETURN_IF_ERROR(policy_->CheckFlow(principal_, label, options.destination,
                                       ledger::ToHex(ledger::Sha256(sql))));
  }
  // Preparing may have attached sources; the clock for the statement starts now.
  deadline_ = std::chrono::steady_clock::now() + std::chrono::milliseconds(limits_.timeout_ms);
  memory_baseline_ = sqlite3_memory_used();

  const int column_count = sqlite3_column_count(stmt);
  std::vector<std::string> names;
  for (int i = 0; i < column_count; ++i) names.emplace_back(sqlite3_column_name(stmt, i));

  wanted_tables_.clear();
  wanted_sources_.clear();
  int rc = sqlite3_step(stmt);
  // A pragma function names its table only in an argument (pragma_table_info('t', 'src')),
  // found when it runs: create the table and run the statement again (no row went out yet).
  // Beyond a few such rounds, whole sources are created, so the next round finds them all.
  if (rc != SQLITE_ROW && rc != SQLITE_DONE &&
      (!wanted_tables_.empty() || !wanted_sources_.empty()) && lazy_retries_ < kLazyRetries) {
    guard.reset();
    if (lazy_retries_ + 1 == kLazyRetries) {
      for (const auto& wanted : wanted_tables_) wanted_sources_.push_back(wanted.first);
    }
    ASSIGN_OR_RETURN(bool created, CreateWanted());
    (void)created;  // the next round stops here again only while there is more to create
    ++lazy_retries_;
    Status again = Run(sql, sink, stats, options);
    --lazy_retries_;
    return again;
  }
  // A pragma function names its schema only in an argument (pragma_table_info('t', 'tos')),
  // found when it runs: attach that source and run the statement again (no row went out yet).
  if (rc != SQLITE_ROW && rc != SQLITE_DONE && run_retries_ < 3) {
    const std::string message = sqlite3_errmsg(db_);
    constexpr std::string_view kUnknownDb = "unknown database '";
    if (message.rfind(kUnknownDb, 0) == 0 && message.back() == '\'') {
      const std::string schema =
          message.substr(kUnknownDb.size(), message.size() - kUnknownDb.size() - 1);
      ASSIGN_OR_RETURN(std::string source,
                       SourceToAttach(std::string(kNoSuchTable) + schema + ".?", {}));
      if (!source.empty()) {
        guard.reset();
        RETURN_IF_ERROR(Attach(source, {}));
        ++run_retries_;
        Status again = Run(sql, sink, stats, options);
        --run_retries_;
        return again;
      }
    }
  }
  RETURN_IF_ERROR(sink->Columns(names));

  int64_t rows = 0;
  bool more = false;
  std::vector<Value> row(column_count);
  for (; rc == SQLITE_ROW; rc = sqlite3_step(stmt)) {
    if (rows == limits_.max_rows) {
      return ResourceExhaustedError(
          "the result has more than {} rows (limits.max_rows); narrow the query or add LIMIT",
          limits_.max_rows);
    }
    for (int i = 0; i < column_count; ++i) row[i] = ColumnValue(stmt, i);
    RETURN_IF_ERROR(sink->Row(row));
    ++rows;
    if (sink->Done()) {
      // The sink has its page: one more step tells whether rows were left, without reading
      // (or ledgering) them.
      rc = sqlite3_step(stmt);
      if (rc == SQLITE_ROW) {
        more = true;
        rc = SQLITE_DONE;
      }
      break;
    }
  }
  if (rc != SQLITE_DONE) {
    std::string message = sqlite3_errmsg(db_);
    if (!wanted_tables_.empty() || !wanted_sources_.empty()) {
      // Rows went out before a pragma function asked for a table not created yet: create the
      // whole source, so that the statement succeeds when run again.
      for (const auto& wanted : wanted_tables_) wanted_sources_.push_back(wanted.first);
      RETURN_IF_ERROR(CreateWanted().status());
      return UnavailableError(
          "the statement introspected tables that were opened only while it ran; run it again");
    }
    switch (interrupt_) {
      case Interrupt::kTime:
        return DeadlineExceededError("the query ran longer than {} ms (limits.timeout_ms)",
                                     limits_.timeout_ms);
      case Interrupt::kMemory:
        return ResourceExhaustedError(
            "the query used more than {} MiB of memory (limits.max_memory_mb)",
            limits_.max_memory_bytes >> 20);
      case Interrupt::kNone:
        break;
    }
    if ((rc & 0xff) == SQLITE_NOMEM || (rc & 0xff) == SQLITE_TOOBIG) {
      return ResourceExhaustedError("{}", message);
    }
    return connectors::StatusFromVtabMessage(message, StatusCode::kInvalidArgument);
  }
  if (stats != nullptr) {
    stats->rows = rows;
    stats->more = more;
    stats->reads = reads_;
    stats->elapsed = std::chrono::duration_cast<std::chrono::microseconds>(
        std::chrono::steady_clock::now() - start);
  }
  return OkStatus();
}

Result<StatementInfo> Session::Analyze(std::string_view sql) {
  ASSIGN_OR_RETURN(sqlite3_stmt * stmt, Prepare(sql));
  StatementInfo info;
  for (int i = 0; i < sqlite3_column_count(stmt); ++i) {
    info.columns.emplace_back(sqlite3_column_name(stmt, i));
  }
  info.reads = reads_;
  std::vector<std::string> rules;
  Classify(&info.label, &rules);
  sqlite3_finalize(stmt);
  return info;
}

Result<QueryResult> Session::QueryAll(std::string_view sql) {
  QueryResult result;
  CollectSink sink(&result);
  RETURN_IF_ERROR(Query(sql, &sink));
  return result;
}

std::string SqlLiteral(const Value& value) {
  switch (value.type) {
    case Value::Type::kNull:
      return "NULL";
    case Value::Type::kInteger:
      return std::to_string(value.integer);
    case Value::Type::kReal:
      return fmt::format("{}", value.real);
    case Value::Type::kText: {
      std::string out = "'";
      for (char c : value.bytes) out += c == '\'' ? std::string("''") : std::string(1, c);
      return out + "'";
    }
    case Value::Type::kBlob:
      return "X'" + ValueToText(value).substr(2) + "'";
  }
  return "NULL";
}

std::string ValueToText(const Value& value) {
  switch (value.type) {
    case Value::Type::kNull:
      return "";
    case Value::Type::kInteger:
      return std::to_string(value.integer);
    case Value::Type::kReal:
      return fmt::format("{}", value.real);
    case Value::Type::kText:
      return value.bytes;
    case Value::Type::kBlob: {
      std::string out = "\\x";
      static const char* kHex = "0123456789abcdef";
      for (unsigned char c : value.bytes) {
        out += kHex[c >> 4];
        out += kHex[c & 15];
      }
      return out;
    }
  }
  return "";
}

}  // namespace cairn::engine
