#include "connectors/source.h"

#include <cctype>
#include <mutex>
#include <unordered_map>

#include "core/strings.h"

namespace cairn::connectors {
namespace {

std::mutex lookup_keys_mutex;
std::unordered_map<sqlite3*, LookupKeys*>& LookupKeysByDb() {
  static auto* by_db = new std::unordered_map<sqlite3*, LookupKeys*>();
  return *by_db;
}

}  // namespace

void SetLookupKeys(sqlite3* db, LookupKeys* keys) {
  std::lock_guard<std::mutex> lock(lookup_keys_mutex);
  if (keys == nullptr) {
    LookupKeysByDb().erase(db);
  } else {
    LookupKeysByDb()[db] = keys;
  }
}

LookupKeys* LookupKeysOf(sqlite3* db) {
  std::lock_guard<std::mutex> lock(lookup_keys_mutex);
  auto it = LookupKeysByDb().find(db);
  return it == LookupKeysByDb().end() ? nullptr : it->second;
}

std::string QuoteIdentifier(const std::string& name) {
  std::string out = "\"";
  for (char c : name) {
    if (c == '"') out += '"';
    out += c;
  }
  out += '"';
  return out;
}

std::string UnquoteIdentifier(const std::string& text) {
  if (text.size() < 2 || text.front() != '"' || text.back() != '"') return text;
  std::string out;
  for (size_t i = 1; i + 1 < text.size(); ++i) {
    out += text[i];
    if (text[i] == '"' && text[i + 1] == '"') ++i;
  }
  return out;
}

Result<std::optional<TableInfo>> Source::CurrentTable(const std::string& name) {
  ASSIGN_OR_RETURN(const TableInfo* info, FindTableInfo(name, /*exact=*/false));
  if (info == nullptr) return std::optional<TableInfo>();
  return std::optional<TableInfo>(*info);
}

Result<const TableInfo*> Source::FindTableInfo(const std::string& name, bool exact) {
  if (!index_built_ && DescribesOneTable()) {
    if (auto it = described_.find(name); it != described_.end()) return it->second.get();
    ASSIGN_OR_RETURN(std::optional<TableInfo> info, DescribeTable(name));
    if (!info || (exact && info->name != name)) return nullptr;
    std::unique_ptr<TableInfo>& slot = described_[info->name];
    if (slot == nullptr) slot = std::make_unique<TableInfo>(std::move(*info));
    return slot.get();
  }
  if (!index_built_) {
    ASSIGN_OR_RETURN(indexed_, Tables());
    for (size_t i = 0; i < indexed_.size(); ++i) {
      by_name_.emplace(indexed_[i].name, i);
      by_lower_name_.emplace(AsciiLower(indexed_[i].name), i);
    }
    index_built_ = true;
  }
  if (auto it = by_name_.find(name); it != by_name_.end()) return &indexed_[it->second];
  if (exact) return nullptr;
  if (auto it = by_lower_name_.find(AsciiLower(name)); it != by_lower_name_.end()) {
    return &indexed_[it->second];
  }
  return nullptr;
}

namespace {

// Runs one statement of attaching `source`; Unavailable naming the source if it fails.
Status ExecForSource(sqlite3* db, const Source* source, const std::string& sql) {
  char* error = nullptr;
  if (sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &error) != SQLITE_OK) {
    std::string message = error ? error : sqlite3_errmsg(db);
    sqlite3_free(error);
    return UnavailableError("source '{}': {}", source->name(), message);
  }
  return OkStatus();
}

}  // namespace

Status AttachSourceSchema(sqlite3* db, Source* source, const std::string& schema,
                          const std::string& module_name) {
  int rc = sqlite3_create_module_v2(db, module_name.c_str(), source->Module(), source, nullptr);
  if (rc != SQLITE_OK) {
    return InternalError("source '{}': cannot register its module: {}", source->name(),
                         sqlite3_errmsg(db));
  }
  return ExecForSource(db, source, "ATTACH ':memory:' AS " + QuoteIdentifier(schema));
}

Status CreateSourceTable(sqlite3* db, Source* source, const std::string& schema,
                         const std::string& module_name, const std::string& table) {
  return ExecForSource(db, source,
                       "CREATE VIRTUAL TABLE " + QuoteIdentifier(schema) + "." +
                           QuoteIdentifier(table) + " USING " + module_name + "(" +
                           QuoteIdentifier(table) + ")");
}

Status AttachSource(sqlite3* db, Source* source, const std::string& schema,
                    const std::string& module_name) {
  ASSIGN_OR_RETURN(std::vector<TableInfo> tables, source->Tables());
  RETURN_IF_ERROR(AttachSourceSchema(db, source, schema, module_name));
  for (const TableInfo& table : tables) {
    Status status = CreateSourceTable(db, source, schema, module_name, table.name);
    if (!status.ok()) {
      (void)ExecForSource(db, source, "DETACH " + QuoteIdentifier(schema));
      return status;
    }
  }
  return OkStatus();
}

int SetVtabError(sqlite3_vtab* vtab, const Status& status) {
  sqlite3_free(vtab->zErrMsg);
  std::string text = fmt::format("[{}] {}", StatusCodeName(status.code()), status.message());
  vtab->zErrMsg = sqlite3_mprintf("%s", text.c_str());
  return SQLITE_ERROR;
}

Status StatusFromVtabMessage(const std::string& message, StatusCode fallback) {
  if (message.size() > 2 && message[0] == '[') {
    size_t end = message.find("] ");
    StatusCode code;
    if (end != std::string::npos && StatusCodeFromName(message.substr(1, end - 1), &code) &&
        code != StatusCode::kOk) {
      return Status(code, message.substr(end + 2));
    }
  }
  return Status(fallback, message);
}

std::string DeclareVtabSql(const TableInfo& table, const std::vector<std::string>& hidden) {
  std::string sql = "CREATE TABLE x(";
  std::string key;
  for (size_t i = 0; i < table.columns.size(); ++i) {
    const ColumnInfo& column = table.columns[i];
    if (i > 0) sql += ", ";
    sql += QuoteIdentifier(column.name);
    if (!column.type.empty()) sql += " " + column.type;
    if (column.not_null) sql += " NOT NULL";
    if (column.primary_key) key += (key.empty() ? "" : ", ") + QuoteIdentifier(column.name);
  }
  for (const std::string& name : hidden) sql += ", " + QuoteIdentifier(name) + " HIDDEN";
  if (table.stable_rowid || key.empty()) return sql + ")";
  sql += ", PRIMARY KEY (" + key + ")) WITHOUT ROWID";
  return sql;
}

}  // namespace cairn::connectors
