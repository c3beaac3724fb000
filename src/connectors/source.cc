#include "connectors/source.h"

#include <cctype>

namespace cairn::connectors {

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

Result<const TableInfo*> Source::FindTableInfo(const std::string& name, bool exact) {
  if (!index_built_) {
    ASSIGN_OR_RETURN(indexed_, Tables());
    for (size_t i = 0; i < indexed_.size(); ++i) {
      by_name_.emplace(indexed_[i].name, i);
      std::string lower = indexed_[i].name;
      for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      by_lower_name_.emplace(std::move(lower), i);
    }
    index_built_ = true;
  }
  if (auto it = by_name_.find(name); it != by_name_.end()) return &indexed_[it->second];
  if (exact) return nullptr;
  std::string lower = name;
  for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (auto it = by_lower_name_.find(lower); it != by_lower_name_.end()) {
    return &indexed_[it->second];
  }
  return nullptr;
}

Status AttachSource(sqlite3* db, Source* source, const std::string& schema,
                    const std::string& module_name) {
  ASSIGN_OR_RETURN(std::vector<TableInfo> tables, source->Tables());
  int rc = sqlite3_create_module_v2(db, module_name.c_str(), source->Module(), source, nullptr);
  if (rc != SQLITE_OK) {
    return InternalError("source '{}': cannot register its module: {}", source->name(),
                         sqlite3_errmsg(db));
  }
  auto exec = [&](const std::string& sql) -> Status {
    char* error = nullptr;
    if (sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &error) != SQLITE_OK) {
      std::string message = error ? error : sqlite3_errmsg(db);
      sqlite3_free(error);
      return UnavailableError("source '{}': {}", source->name(), message);
    }
    return OkStatus();
  };
  RETURN_IF_ERROR(exec("ATTACH ':memory:' AS " + QuoteIdentifier(schema)));
  for (const TableInfo& table : tables) {
    Status status =
        exec("CREATE VIRTUAL TABLE " + QuoteIdentifier(schema) + "." + QuoteIdentifier(table.name) +
             " USING " + module_name + "(" + QuoteIdentifier(table.name) + ")");
    if (!status.ok()) {
      (void)exec("DETACH " + QuoteIdentifier(schema));
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
