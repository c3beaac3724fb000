#include "context/join_store.h"

namespace cairn::context {
namespace {

const std::vector<store::Migration> kMigrations = {
    {1, "joins",
     "CREATE TABLE joins ("
     "  id INTEGER PRIMARY KEY,"
     "  from_source TEXT NOT NULL, from_table TEXT NOT NULL, from_columns TEXT NOT NULL,"
     "  to_source TEXT NOT NULL, to_table TEXT NOT NULL, to_columns TEXT NOT NULL,"
     "  kind TEXT NOT NULL CHECK (kind IN ('declared', 'inferred', 'confirmed', 'rejected')),"
     "  discovered_kind TEXT CHECK (discovered_kind IN ('declared', 'inferred')),"
     "  score REAL NOT NULL,"
     "  evidence TEXT NOT NULL DEFAULT '{}',"
     "  stated_by TEXT,"
     "  note TEXT,"
     "  created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ')),"
     "  updated_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ')),"
     "  UNIQUE (from_source, from_table, from_columns, to_source, to_table, to_columns));"},
};

const char* kSelect =
    "SELECT id, from_source, from_table, from_columns, to_source, to_table, to_columns, kind, "
    "score, evidence, COALESCE(stated_by, ''), updated_at FROM joins ";

Join ReadJoin(const store::Row& row) {
  Join join;
  join.id = row.Int(0);
  join.from = {row.Text(1), row.Text(2), nlohmann::json::parse(row.Text(3), nullptr, false)};
  join.to = {row.Text(4), row.Text(5), nlohmann::json::parse(row.Text(6), nullptr, false)};
  JoinKindFromName(row.Text(7), &join.kind);
  join.score = row.Real(8);
  join.evidence = nlohmann::json::parse(row.Text(9), nullptr, false);
  if (join.evidence.is_discarded()) join.evidence = nlohmann::json::object();
  join.stated_by = row.Text(10);
  join.updated_at = row.Text(11);
  return join;
}

std::vector<store::Param> Key(const JoinSide& from, const JoinSide& to) {
  return {from.source, from.table, nlohmann::json(from.columns).dump(),
          to.source,   to.table,   nlohmann::json(to.columns).dump()};
}

const char* kWhereKey =
    "WHERE from_source = ? AND from_table = ? AND from_columns = ? AND to_source = ? AND "
    "to_table = ? AND to_columns = ?";

}  // namespace

Result<JoinStore> JoinStore::Open(store::StateDb* db) {
  RETURN_IF_ERROR(db->Migrate("joins", kMigrations).status());
  return JoinStore(db);
}

Status JoinStore::ReplaceDiscovered(const std::vector<Join>& joins) {
  for (const Join& join : joins) {
    if (join.kind != JoinKind::kDeclared && join.kind != JoinKind::kInferred) {
      return InvalidArgumentError("discovery may only record declared or inferred joins");
    }
    if (join.from.columns.empty() || join.from.columns.size() != join.to.columns.size()) {
      return InvalidArgumentError(
          "join {}.{} -> {}.{}: both sides need the same number (> 0) "
          "of columns",
          join.from.source, join.from.table, join.to.source, join.to.table);
    }
  }
  return db_->Transaction([&]() -> Status {
    RETURN_IF_ERROR(db_->Exec("DELETE FROM joins WHERE kind IN ('declared', 'inferred')").status());
    RETURN_IF_ERROR(db_->Exec("UPDATE joins SET discovered_kind = NULL").status());
    for (const Join& join : joins) {
      std::vector<store::Param> params = Key(join.from, join.to);
      params.push_back(std::string(JoinKindName(join.kind)));
      params.push_back(join.score);
      params.push_back(join.evidence.dump());
      // A verdict row for the same pair keeps its kind; only score and evidence change.
      RETURN_IF_ERROR(
          db_->Exec("INSERT INTO joins (from_source, from_table, from_columns, to_source, "
                    "to_table, to_columns, kind, discovered_kind, score, evidence) "
                    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?7, ?8, ?9) "
                    "ON CONFLICT DO UPDATE SET discovered_kind = excluded.discovered_kind, "
                    "evidence = excluded.evidence, "
                    "updated_at = strftime('%Y-%m-%dT%H:%M:%fZ')",
                    params)
              .status());
    }
    return OkStatus();
  });
}

Result<std::vector<Join>> JoinStore::List() {
  std::vector<Join> joins;
  RETURN_IF_ERROR(db_->Query(
      std::string(kSelect) +
          "ORDER BY CASE kind WHEN 'declared' THEN 0 WHEN 'confirmed' THEN 1 "
          "WHEN 'inferred' THEN 2 ELSE 3 END, score DESC, from_source, from_table, from_columns, "
          "to_source, to_table, to_columns",
      {}, [&](const store::Row& row) {
        joins.push_back(ReadJoin(row));
        return OkStatus();
      }));
  return joins;
}

Result<Join> JoinStore::Get(int64_t id) {
  std::optional<Join> found;
  RETURN_IF_ERROR(
      db_->Query(std::string(kSelect) + "WHERE id = ?", {id}, [&](const store::Row& row) {
        found = ReadJoin(row);
        return OkStatus();
      }));
  if (!found) return NotFoundError("no join with id {}", id);
  return *found;
}

Result<Join> JoinStore::SetVerdict(const JoinSide& from, const JoinSide& to, JoinKind verdict,
                                   const std::string& principal, const std::string& note) {
  if (verdict != JoinKind::kConfirmed && verdict != JoinKind::kRejected) {
    return InvalidArgumentError("a verdict is 'confirmed' or 'rejected'");
  }
  if (from.columns.empty() || from.columns.size() != to.columns.size() || from.table.empty() ||
      to.table.empty()) {
    return InvalidArgumentError(
        "a join needs a table and the same number (> 0) of columns on each side");
  }
  std::vector<store::Param> params = Key(from, to);
  params.push_back(std::string(JoinKindName(verdict)));
  params.push_back(verdict == JoinKind::kConfirmed ? 1.0 : 0.0);
  params.push_back(principal);
  params.push_back(note.empty() ? store::Param(nullptr) : store::Param(note));
  RETURN_IF_ERROR(db_->Exec("INSERT INTO joins (from_source, from_table, from_columns, to_source, "
                            "to_table, to_columns, kind, score, stated_by, note) "
                            "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10) "
                            "ON CONFLICT DO UPDATE SET kind = excluded.kind, "
                            "stated_by = excluded.stated_by, note = excluded.note, "
                            "updated_at = strftime('%Y-%m-%dT%H:%M:%fZ')",
                            params)
                      .status());
  std::optional<Join> found;
  RETURN_IF_ERROR(
      db_->Query(std::string(kSelect) + kWhereKey, Key(from, to), [&](const store::Row& row) {
        found = ReadJoin(row);
        return OkStatus();
      }));
  if (!found) return InternalError("the verdict was not stored");
  return *found;
}

}  // namespace cairn::context
