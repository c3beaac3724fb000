// The sources and tables a session sees, and how a source gets attached to its connection:
// whole for an administrator, behind guard tables (grants, row filters, masks) for everyone else.

#include <algorithm>

#include "connectors/source.h"
#include "engine/session.h"
#include "engine/session_internal.h"

namespace cairn::engine {

using internal::FindTable;
using internal::kNoSuchTable;

Status Session::Detach(const std::string& source) {
  if (restricted_) {
    // The raw tables of the source live in main: drop those this session created.
    for (const std::string& table : created_[source]) {
      RETURN_IF_ERROR(ExecInternal("DROP TABLE IF EXISTS main." +
                                   connectors::QuoteIdentifier(RawName(source, table))));
    }
    for (auto it = guard_by_name_.begin(); it != guard_by_name_.end();) {
      it = it->second->source == source ? guard_by_name_.erase(it) : std::next(it);
    }
  }
  created_.erase(source);
  std::erase_if(creation_order_, [&](const auto& created) { return created.first == source; });
  RETURN_IF_ERROR(ExecInternal("DETACH " + connectors::QuoteIdentifier(source)));
  attached_.erase(std::remove(attached_.begin(), attached_.end(), source), attached_.end());
  return OkStatus();
}

Status Session::Attach(const std::string& source, const std::vector<std::string>& pinned) {
  const int max_attached = sqlite3_limit(db_, SQLITE_LIMIT_ATTACHED, -1);
  if (static_cast<int>(attached_.size()) >= max_attached) {
    auto victim = std::find_if(attached_.begin(), attached_.end(), [&](const std::string& s) {
      return std::find(pinned.begin(), pinned.end(), s) == pinned.end();
    });
    if (victim == attached_.end()) {
      return ResourceExhaustedError(
          "a statement can use at most {} sources at once (SQLite's attach limit); '{}' would "
          "be one more",
          max_attached, source);
    }
    RETURN_IF_ERROR(Detach(*victim));
  }
  ASSIGN_OR_RETURN(connectors::Source * opened, catalog_->Open(source));
  // The schema starts empty: each table is created when a statement first names it
  // (CreateTable), so attaching costs the same for 10 tables as for 10,000.
  internal_ = true;
  Status status = connectors::AttachSourceSchema(db_, opened, source, ModuleName(source));
  internal_ = false;
  RETURN_IF_ERROR(status);
  attached_.push_back(source);
  created_[source];
  return OkStatus();
}

std::string Session::ModuleName(const std::string& source) const {
  return "cairn_src_" + std::to_string(catalog_->IndexOf(source));
}

bool Session::IsAttached(const std::string& source) const {
  return std::find(attached_.begin(), attached_.end(), source) != attached_.end();
}

const connectors::TableInfo* Session::Creatable(const std::string& source,
                                                const std::string& table) {
  if (!IsAttached(source) || !MayGrant(source, table)) return nullptr;
  Result<connectors::Source*> opened = catalog_->Open(source);
  if (!opened.ok()) return nullptr;
  Result<const connectors::TableInfo*> info = (*opened)->FindTableInfo(table, false);
  if (!info.ok() || *info == nullptr) return nullptr;
  if (created_[source].count((*info)->name) > 0) return nullptr;
  // A hidden table is never created: it reads as unknown.
  if (restricted_ && !AccessTo(source, **info)) return nullptr;
  return *info;
}

Status Session::CreateTable(const std::string& source, const connectors::TableInfo& table) {
  ASSIGN_OR_RETURN(connectors::Source * opened, catalog_->Open(source));
  if (restricted_) {
    RETURN_IF_ERROR(CreateGuarded(opened, table));
  } else {
    internal_ = true;
    Status status =
        connectors::CreateSourceTable(db_, opened, source, ModuleName(source), table.name);
    internal_ = false;
    RETURN_IF_ERROR(status);
  }
  created_[source].insert(table.name);
  creation_order_.emplace_back(source, table.name);
  ++tables_created_;
  return OkStatus();
}

Status Session::DropCreated(const std::string& source, const std::string& table) {
  auto created = created_.find(source);
  if (created == created_.end() || created->second.count(table) == 0) return OkStatus();
  const std::string name =
      connectors::QuoteIdentifier(source) + "." + connectors::QuoteIdentifier(table);
  // The guard first: dropping it finalizes its statements over the raw table.
  RETURN_IF_ERROR(ExecInternal("DROP TABLE IF EXISTS " + name));
  if (restricted_) {
    RETURN_IF_ERROR(ExecInternal("DROP TABLE IF EXISTS main." +
                                 connectors::QuoteIdentifier(RawName(source, table))));
    auto guard = guard_by_name_.find(source + "\t" + table);
    if (guard != guard_by_name_.end()) {
      guards_[guard->second->id].reset();
      guard_by_name_.erase(guard);
    }
  }
  // Only once dropped: a table left created is never created twice.
  created->second.erase(table);
  return OkStatus();
}

Status Session::EvictTables() {
  if (creation_order_.size() <= max_live_tables_) return OkStatus();
  // DROP TABLE fails while a statement of the connection runs; try again before the next one.
  for (sqlite3_stmt* stmt = sqlite3_next_stmt(db_, nullptr); stmt != nullptr;
       stmt = sqlite3_next_stmt(db_, stmt)) {
    if (sqlite3_stmt_busy(stmt)) return OkStatus();
  }
  while (creation_order_.size() > max_live_tables_ / 2) {
    auto [source, table] = std::move(creation_order_.front());
    creation_order_.pop_front();
    Status dropped = DropCreated(source, table);
    if (!dropped.ok()) {
      return dropped.WithContext(fmt::format("cannot drop {}.{}, created longest ago of {} tables",
                                             source, table, creation_order_.size() + 1));
    }
  }
  return OkStatus();
}

Status Session::CreateAllTables(const std::string& source) {
  ASSIGN_OR_RETURN(connectors::Source * opened, catalog_->Open(source));
  ASSIGN_OR_RETURN(std::vector<connectors::TableInfo> tables, opened->Tables());
  for (const connectors::TableInfo& table : tables) {
    if (Creatable(source, table.name) == nullptr) continue;
    RETURN_IF_ERROR(CreateTable(source, table));
  }
  return OkStatus();
}

Result<bool> Session::CreateReferenced(const std::string& name, std::vector<std::string>* pinned) {
  auto create = [&](const std::string& source, const connectors::TableInfo& table) -> Status {
    RETURN_IF_ERROR(CreateTable(source, table));
    if (std::find(pinned->begin(), pinned->end(), source) == pinned->end()) {
      pinned->push_back(source);
    }
    return OkStatus();
  };
  size_t dot = name.find('.');
  if (dot != std::string::npos) {
    const std::string schema = AsciiLower(name.substr(0, dot));
    for (const std::string& source : attached_) {
      if (AsciiLower(source) != schema) continue;
      const connectors::TableInfo* table = Creatable(source, name.substr(dot + 1));
      if (table == nullptr) return false;
      RETURN_IF_ERROR(create(source, *table));
      return true;
    }
    return false;
  }
  // An unqualified table SQLite did not find: the first attached source (in SQLite's search
  // order) that has it, as if every table of the attached sources existed.
  for (int i = 2; const char* schema = sqlite3_db_name(db_, i); ++i) {
    if (!IsAttached(schema)) continue;
    const std::string source = schema;
    const connectors::TableInfo* table = Creatable(source, name);
    if (table == nullptr) continue;
    RETURN_IF_ERROR(create(source, *table));
    return true;
  }
  return false;
}

Result<bool> Session::CreateWanted() {
  std::vector<std::pair<std::string, std::string>> tables;
  std::swap(tables, wanted_tables_);
  std::vector<std::string> sources;
  std::swap(sources, wanted_sources_);
  const int64_t before = tables_created_;
  for (const auto& [source, table] : tables) {
    if (const connectors::TableInfo* info = Creatable(source, table)) {
      RETURN_IF_ERROR(CreateTable(source, *info));
    }
  }
  for (const std::string& source : sources) RETURN_IF_ERROR(CreateAllTables(source));
  return tables_created_ > before;
}

bool Session::MayGrant(const std::string& source, const std::string& table) const {
  if (!restricted_) return true;
  return policy_ != nullptr && policy_->MayGrant(principal_, source, table);
}

std::optional<TableAccess> Session::AccessTo(const std::string& source,
                                             const connectors::TableInfo& table) {
  if (!restricted_) {
    TableAccess all;
    for (const auto& column : table.columns) {
      ColumnAccess clear;
      clear.name = column.name;
      all.columns.push_back(std::move(clear));
    }
    return all;
  }
  if (policy_ == nullptr) return std::nullopt;
  return policy_->Table(principal_, source, table);
}

Status Session::CreateGuarded(connectors::Source* source, const connectors::TableInfo& table) {
  const std::string& name = source->name();
  const std::string schema = connectors::QuoteIdentifier(name);
  const std::string raw = RawName(name, table.name);
  auto fail = [&](Status status) {
    (void)ExecInternal("DROP TABLE IF EXISTS main." + connectors::QuoteIdentifier(raw));
    return status;
  };
  std::optional<TableAccess> access = AccessTo(name, table);
  if (!access) return NotFoundError("source '{}' has no table '{}'", name, table.name);
  Status created =
      ExecInternal("CREATE VIRTUAL TABLE main." + connectors::QuoteIdentifier(raw) + " USING " +
                   ModuleName(name) + "(" + connectors::QuoteIdentifier(table.name) + ")");
  if (!created.ok()) return fail(UnavailableError("source '{}': {}", name, created.message()));
  auto guard = std::make_unique<GuardTable>();
  guard->source = name;
  guard->table = table.name;
  guard->raw = raw;
  guard->visible = table;
  guard->visible.columns.clear();
  for (const ColumnAccess& column : access->columns) {
    auto it = std::find_if(table.columns.begin(), table.columns.end(),
                           [&](const auto& c) { return c.name == column.name; });
    if (it == table.columns.end()) {
      return fail(FailedPreconditionError("policy for {}.{}: no column '{}' in the source", name,
                                          table.name, column.name));
    }
    connectors::ColumnInfo info = *it;
    if (!column.mask.empty()) {
      info.type = "";
      info.primary_key = false;
    }
    guard->visible.columns.push_back(info);
  }
  // Rows keep the raw table's identity (see DeclareVtabSql): its rowid when stable, else its
  // key, but only a key whose every column is visible in clear identifies a guard row.
  bool whole_key = true;
  for (const auto& c : table.columns) {
    if (!c.primary_key) continue;
    auto it = std::find_if(guard->visible.columns.begin(), guard->visible.columns.end(),
                           [&](const auto& v) { return v.name == c.name; });
    whole_key = whole_key && it != guard->visible.columns.end() && it->primary_key;
  }
  if (!whole_key) {
    for (auto& c : guard->visible.columns) c.primary_key = false;
  }
  guard->access = std::move(*access);
  // The policy's expressions must compile and read only this table.
  std::vector<ColumnRead> reads;
  internal_reads_ = &reads;
  sqlite3_stmt* check = nullptr;
  std::string error;
  int rc = PrepareInternal(GuardCheckSql(*guard), &check, &error);
  internal_reads_ = nullptr;
  sqlite3_finalize(check);
  const std::string rules = fmt::format("{}", fmt::join(guard->access.rules, ", "));
  auto reads_another = [&](const std::string& other) {
    return fail(FailedPreconditionError(
        "the policy for {}.{} ({}) may use only that table's columns and principal "
        "attributes; it reads {}",
        name, table.name, rules, other));
  };
  // Only this table exists for certain (others are created on first reference): an unknown
  // table is another table, which a policy may not read whether it exists or not.
  if (rc != SQLITE_OK && error.rfind(kNoSuchTable, 0) == 0) {
    return reads_another(error.substr(kNoSuchTable.size()));
  }
  if (rc != SQLITE_OK) {
    return fail(FailedPreconditionError("the policy for {}.{} ({}) does not compile: {}", name,
                                        table.name, rules, error));
  }
  for (const ColumnRead& read : reads) {
    if (read.source != "main" || read.table != raw) return reads_another(read.table);
  }
  const int id = static_cast<int>(guards_.size());
  guard->id = id;
  guards_.push_back(std::move(guard));
  Status guarded = ExecInternal("CREATE VIRTUAL TABLE " + schema + "." +
                                connectors::QuoteIdentifier(table.name) + " USING cairn_guard(" +
                                std::to_string(id) + ")");
  if (!guarded.ok()) {
    guards_.pop_back();
    return fail(guarded);
  }
  guard_by_name_[name + "\t" + table.name] = guards_.back().get();
  return OkStatus();
}

Result<std::string> Session::SourceToAttach(const std::string& message,
                                            const std::vector<std::string>& pinned) {
  if (message.rfind(kNoSuchTable, 0) != 0) return std::string();
  std::string name = message.substr(kNoSuchTable.size());
  // Whether the principal may see the table named `table` in `source` (found by lookup, not by
  // listing: a source may have 10,000 tables).
  auto visible_table = [&](const std::string& source, const std::string& table) {
    if (!MayGrant(source, table)) return false;
    Result<connectors::Source*> opened = catalog_->Open(source);
    if (!opened.ok()) return false;
    Result<const connectors::TableInfo*> info = (*opened)->FindTableInfo(table, false);
    if (!info.ok() || *info == nullptr) return false;
    return !restricted_ || AccessTo(source, **info).has_value();
  };
  // Whether the principal may see any table of `source`.
  auto visible_any = [&](const std::string& source) {
    if (!restricted_) return true;
    Result<connectors::Source*> opened = catalog_->Open(source);
    if (!opened.ok()) return false;
    Result<std::vector<connectors::TableInfo>> tables = (*opened)->Tables();
    if (!tables.ok()) return false;
    return std::any_of(tables->begin(), tables->end(),
                       [&](const auto& info) { return AccessTo(source, info).has_value(); });
  };
  size_t dot = name.find('.');
  if (dot != std::string::npos) {
    std::string schema = name.substr(0, dot);
    for (const std::string& source : catalog_->SourceNames()) {
      if (AsciiLower(source) == AsciiLower(schema)) {
        if (IsAttached(source)) return std::string();
        // A source in which the principal sees nothing is not attached: it does not exist.
        if (!visible_table(source, name.substr(dot + 1)) && !visible_any(source)) {
          policy_denial_ = fmt::format("no grant on any table of source '{}'", source);
          return std::string();
        }
        return source;
      }
    }
    return std::string();
  }
  // An unqualified table: attach the one source that has it, if exactly one does.
  std::vector<std::string> matches;
  for (const std::string& source : catalog_->SourceNames()) {
    if (IsAttached(source) || std::find(pinned.begin(), pinned.end(), source) != pinned.end()) {
      continue;
    }
    if (visible_table(source, name)) matches.push_back(source);
  }
  if (matches.size() > 1) {
    std::string list;
    for (const auto& m : matches) list += (list.empty() ? "" : ", ") + m;
    return InvalidArgumentError(
        "table '{}' exists in several sources ({}): qualify it as source.table", name, list);
  }
  return matches.empty() ? std::string() : matches[0];
}

Result<connectors::TableInfo> Session::RawTable(const std::string& source,
                                                const std::string& table) {
  ASSIGN_OR_RETURN(connectors::Source * opened, catalog_->Open(source));
  ASSIGN_OR_RETURN(const connectors::TableInfo* info, opened->FindTableInfo(table, false));
  if (info == nullptr) return NotFoundError("source '{}' has no table '{}'", source, table);
  return *info;
}

std::vector<SourceStatus> Session::Sources() {
  std::vector<SourceStatus> out;
  for (const SourceConfig& config : catalog_->config().sources) {
    SourceStatus status;
    status.name = config.name;
    status.kind = config.kind;
    Result<connectors::Source*> source = catalog_->Open(config.name);
    if (!source.ok()) {
      status.status = source.status();
    } else {
      status.location = (*source)->Location();
      status.status = (*source)->Check();
      if (status.status.ok()) {
        Result<std::vector<connectors::TableInfo>> tables = (*source)->Tables();
        if (tables.ok()) {
          status.tables = static_cast<int>(tables->size());
        } else {
          status.status = tables.status();
        }
      }
    }
    if (restricted_) {
      Result<std::vector<connectors::TableInfo>> visible = Tables(config.name);
      if (!visible.ok() || visible->empty()) continue;
      status.tables = static_cast<int>(visible->size());
    }
    out.push_back(std::move(status));
  }
  return out;
}

std::optional<connectors::TableInfo> Session::Visible(const std::string& source,
                                                      const connectors::TableInfo& table) {
  std::optional<TableAccess> access = AccessTo(source, table);
  if (!access) return std::nullopt;
  connectors::TableInfo visible = table;
  visible.columns.clear();
  visible.foreign_keys.clear();
  // The source's row count would tell how many rows a filter hides.
  if (!access->row_filter.empty()) visible.row_estimate = -1;
  for (const ColumnAccess& column : access->columns) {
    for (const auto& c : table.columns) {
      if (c.name == column.name) visible.columns.push_back(c);
    }
  }
  // A declared key shows only when every column on this side is visible.
  for (const auto& fk : table.foreign_keys) {
    bool shown = true;
    for (const auto& col : fk.columns) {
      shown = shown && std::any_of(access->columns.begin(), access->columns.end(),
                                   [&](const ColumnAccess& c) { return c.name == col; });
    }
    if (shown) visible.foreign_keys.push_back(fk);
  }
  return visible;
}

Result<std::vector<connectors::TableInfo>> Session::Tables(const std::string& source) {
  if (!restricted_) {
    ASSIGN_OR_RETURN(connectors::Source * opened, catalog_->Open(source));
    return opened->Tables();
  }
  // Unknown and hidden sources read the same.
  const Status unknown = NotFoundError("no such source '{}'", source);
  if (catalog_->IndexOf(source) < 0) return unknown;
  Result<connectors::Source*> opened = catalog_->Open(source);
  if (!opened.ok()) return opened.status();
  ASSIGN_OR_RETURN(std::vector<connectors::TableInfo> tables, (*opened)->Tables());
  std::vector<connectors::TableInfo> out;
  for (const auto& table : tables) {
    if (std::optional<connectors::TableInfo> visible = Visible(source, table)) {
      out.push_back(std::move(*visible));
    }
  }
  if (out.empty()) return unknown;
  return out;
}

Result<std::optional<connectors::TableInfo>> Session::CurrentTable(const std::string& source,
                                                                   const std::string& table) {
  if (restricted_ && catalog_->IndexOf(source) < 0) {
    return NotFoundError("no such source '{}'", source);
  }
  ASSIGN_OR_RETURN(connectors::Source * opened, catalog_->Open(source));
  ASSIGN_OR_RETURN(std::optional<connectors::TableInfo> current, opened->CurrentTable(table));
  if (!current || !restricted_) return current;
  return Visible(source, *current);
}

Result<connectors::TableInfo> Session::Describe(const std::string& source,
                                                const std::string& table) {
  Result<std::vector<connectors::TableInfo>> tables = Tables(source);
  if (!tables.ok()) {
    if (restricted_ && tables.status().code() == StatusCode::kNotFound) {
      return NotFoundError("source '{}' has no table '{}'", source, table);
    }
    return tables.status();
  }
  return FindTable(std::move(*tables), source, table);
}

bool Session::CanSee(const std::string& source, const std::string& table,
                     const std::string& column) {
  if (!restricted_) return true;
  if (!MayGrant(source, table)) return false;
  Result<connectors::TableInfo> raw = RawTable(source, table);
  if (!raw.ok()) return false;
  std::optional<TableAccess> access = AccessTo(source, *raw);
  if (!access) return false;
  if (column.empty()) return true;
  return std::any_of(access->columns.begin(), access->columns.end(), [&](const ColumnAccess& c) {
    return AsciiLower(c.name) == AsciiLower(column);
  });
}

}  // namespace cairn::engine
