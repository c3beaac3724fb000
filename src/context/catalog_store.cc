#include "context/catalog_store.h"

#include <nlohmann/json.hpp>

namespace cairn::context {
namespace {

const std::vector<store::Migration> kMigrations = {
    {1, "catalog tables, columns, keys and drift",
     "CREATE TABLE catalog_tables ("
     "  source TEXT NOT NULL, table_name TEXT NOT NULL, kind TEXT NOT NULL,"
     "  fingerprint TEXT NOT NULL, row_count INTEGER NOT NULL, row_estimate INTEGER NOT NULL,"
     "  sample_size INTEGER NOT NULL, sampling TEXT NOT NULL, profiled_at TEXT NOT NULL,"
     "  provenance TEXT NOT NULL DEFAULT 'discovered',"
     "  PRIMARY KEY (source, table_name));"
     "CREATE TABLE catalog_columns ("
     "  source TEXT NOT NULL, table_name TEXT NOT NULL, column_name TEXT NOT NULL,"
     "  ordinal INTEGER NOT NULL, declared_type TEXT NOT NULL, source_type TEXT NOT NULL,"
     "  not_null INTEGER NOT NULL, primary_key INTEGER NOT NULL, semantic_type TEXT NOT NULL,"
     "  value_count INTEGER NOT NULL, null_count INTEGER NOT NULL, null_fraction REAL NOT NULL,"
     "  distinct_count INTEGER NOT NULL, distinct_exact INTEGER NOT NULL,"
     "  min_value TEXT, max_value TEXT, top_values TEXT NOT NULL, avg_length REAL NOT NULL,"
     "  uniqueness REAL NOT NULL, integer_fraction REAL NOT NULL, real_fraction REAL NOT NULL,"
     "  text_fraction REAL NOT NULL, blob_fraction REAL NOT NULL,"
     "  minhash BLOB, value_hashes BLOB, hashes_exact INTEGER NOT NULL,"
     "  provenance TEXT NOT NULL DEFAULT 'discovered', profiled_at TEXT NOT NULL,"
     "  sample_size INTEGER NOT NULL,"
     "  PRIMARY KEY (source, table_name, column_name),"
     "  FOREIGN KEY (source, table_name) REFERENCES catalog_tables ON DELETE CASCADE);"
     "CREATE TABLE catalog_keys ("
     "  id INTEGER PRIMARY KEY, source TEXT NOT NULL, table_name TEXT NOT NULL,"
     "  key_type TEXT NOT NULL CHECK (key_type IN ('primary', 'foreign')),"
     "  columns TEXT NOT NULL, ref_table TEXT, ref_columns TEXT,"
     "  provenance TEXT NOT NULL DEFAULT 'declared',"
     "  FOREIGN KEY (source, table_name) REFERENCES catalog_tables ON DELETE CASCADE);"
     "CREATE INDEX catalog_keys_table ON catalog_keys (source, table_name);"
     "CREATE TABLE catalog_drift ("
     "  id INTEGER PRIMARY KEY, source TEXT NOT NULL, table_name TEXT NOT NULL,"
     "  change TEXT NOT NULL, column_name TEXT NOT NULL DEFAULT '',"
     "  old_type TEXT NOT NULL DEFAULT '', new_type TEXT NOT NULL DEFAULT '',"
     "  detected_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ')));"},
};

std::optional<std::string> OptText(const store::Row& row, int i) {
  if (row.IsNull(i)) return std::nullopt;
  return row.Text(i);
}

store::Param OptParam(const std::optional<std::string>& v) {
  if (!v) return nullptr;
  return *v;
}

TableProfile ReadTable(const store::Row& row) {
  TableProfile t;
  t.source = row.Text(0);
  t.table = row.Text(1);
  t.kind = row.Text(2);
  t.fingerprint = row.Text(3);
  t.row_count = row.Int(4);
  t.row_estimate = row.Int(5);
  t.sample_size = row.Int(6);
  t.sampling = row.Text(7);
  t.profiled_at = row.Text(8);
  ProvenanceFromName(row.Text(9), &t.provenance);
  return t;
}

const char* kSelectTables =
    "SELECT source, table_name, kind, fingerprint, row_count, row_estimate, sample_size, "
    "sampling, profiled_at, provenance FROM catalog_tables ";

std::vector<std::string> JsonList(const std::string& text) {
  std::vector<std::string> out;
  nlohmann::json j = nlohmann::json::parse(text, nullptr, false);
  if (j.is_array()) {
    for (const auto& v : j) {
      if (v.is_string()) out.push_back(v.get<std::string>());
    }
  }
  return out;
}

}  // namespace

Result<CatalogStore> CatalogStore::Open(store::StateDb* db) {
  RETURN_IF_ERROR(db->Migrate("catalog", kMigrations).status());
  return CatalogStore(db);
}

Status CatalogStore::ReadColumns(TableProfile* t, ColumnDetail detail) {
  if (detail == ColumnDetail::kNone) return OkStatus();
  const bool sketches = detail == ColumnDetail::kWithSketches;
  std::string sql =
      "SELECT column_name, ordinal, declared_type, source_type, not_null, primary_key, "
      "semantic_type, value_count, null_count, null_fraction, distinct_count, distinct_exact, "
      "min_value, max_value, top_values, avg_length, uniqueness, integer_fraction, "
      "real_fraction, text_fraction, blob_fraction, hashes_exact, provenance, profiled_at";
  sql += sketches ? ", minhash, value_hashes" : "";
  sql += " FROM catalog_columns WHERE source = ? AND table_name = ? ORDER BY ordinal";
  RETURN_IF_ERROR(db_->Query(sql, {t->source, t->table}, [&](const store::Row& r) -> Status {
    ColumnProfile c;
    c.name = r.Text(0);
    c.ordinal = static_cast<int>(r.Int(1));
    c.declared_type = r.Text(2);
    c.source_type = r.Text(3);
    c.not_null = r.Int(4) != 0;
    c.primary_key = r.Int(5) != 0;
    SemanticTypeFromName(r.Text(6), &c.semantic_type);
    c.values = r.Int(7);
    c.null_count = r.Int(8);
    c.null_fraction = r.Real(9);
    c.distinct_count = r.Int(10);
    c.distinct_exact = r.Int(11) != 0;
    c.min = OptText(r, 12);
    c.max = OptText(r, 13);
    nlohmann::json top = nlohmann::json::parse(r.Text(14), nullptr, false);
    if (top.is_array()) {
      for (const auto& v : top) {
        if (v.is_object() && v.contains("value") && v["value"].is_string() && v.contains("count") &&
            v["count"].is_number_integer()) {
          c.top_values.push_back({v["value"].get<std::string>(), v["count"].get<int64_t>()});
        }
      }
    }
    c.avg_length = r.Real(15);
    c.uniqueness = r.Real(16);
    c.integer_fraction = r.Real(17);
    c.real_fraction = r.Real(18);
    c.text_fraction = r.Real(19);
    c.blob_fraction = r.Real(20);
    c.hashes_exact = r.Int(21) != 0;
    ProvenanceFromName(r.Text(22), &c.provenance);
    c.profiled_at = r.Text(23);
    if (sketches) {
      c.minhash = DecodeU64s(r.Text(24));
      c.value_hashes = DecodeU64s(r.Text(25));
    }
    t->columns.push_back(std::move(c));
    return OkStatus();
  }));
  return db_->Query(
      "SELECT key_type, columns, COALESCE(ref_table, ''), COALESCE(ref_columns, '[]') "
      "FROM catalog_keys WHERE source = ? AND table_name = ? ORDER BY id",
      {t->source, t->table}, [&](const store::Row& r) -> Status {
        DeclaredKey k;
        k.type = r.Text(0) == "primary" ? DeclaredKey::Type::kPrimary : DeclaredKey::Type::kForeign;
        k.columns = JsonList(r.Text(1));
        k.ref_table = r.Text(2);
        k.ref_columns = JsonList(r.Text(3));
        t->keys.push_back(std::move(k));
        return OkStatus();
      });
}

Result<std::vector<TableProfile>> CatalogStore::ListTables(const std::optional<std::string>& source,
                                                           ColumnDetail detail) {
  std::vector<TableProfile> tables;
  std::string sql = kSelectTables;
  std::vector<store::Param> params;
  if (source) {
    sql += "WHERE source = ? ";
    params.push_back(*source);
  }
  sql += "ORDER BY source, table_name";
  RETURN_IF_ERROR(db_->Query(sql, params, [&](const store::Row& row) {
    tables.push_back(ReadTable(row));
    return OkStatus();
  }));
  for (auto& t : tables) RETURN_IF_ERROR(ReadColumns(&t, detail));
  return tables;
}

Result<TableProfile> CatalogStore::GetTable(const std::string& source, const std::string& table,
                                            ColumnDetail detail) {
  std::optional<TableProfile> found;
  RETURN_IF_ERROR(db_->Query(std::string(kSelectTables) + "WHERE source = ? AND table_name = ?",
                             {source, table}, [&](const store::Row& row) {
                               found = ReadTable(row);
                               return OkStatus();
                             }));
  if (!found)
    return NotFoundError("no profile of table {}.{} (run 'cairn discover')", source, table);
  RETURN_IF_ERROR(ReadColumns(&*found, detail));
  return *found;
}

Result<std::vector<DriftEvent>> CatalogStore::ListDrift(const std::optional<std::string>& source) {
  std::vector<DriftEvent> events;
  std::string sql =
      "SELECT id, source, table_name, change, column_name, old_type, new_type, detected_at "
      "FROM catalog_drift ";
  std::vector<store::Param> params;
  if (source) {
    sql += "WHERE source = ? ";
    params.push_back(*source);
  }
  sql += "ORDER BY id DESC";
  RETURN_IF_ERROR(db_->Query(sql, params, [&](const store::Row& r) {
    events.push_back(
        {r.Int(0), r.Text(1), r.Text(2), r.Text(3), r.Text(4), r.Text(5), r.Text(6), r.Text(7)});
    return OkStatus();
  }));
  return events;
}

Status CatalogStore::PutTable(const TableProfile& t) {
  return db_->Transaction([&]() -> Status {
    RETURN_IF_ERROR(db_->Exec("DELETE FROM catalog_keys WHERE source = ? AND table_name = ?",
                              {t.source, t.table})
                        .status());
    RETURN_IF_ERROR(db_->Exec("DELETE FROM catalog_columns WHERE source = ? AND table_name = ?",
                              {t.source, t.table})
                        .status());
    RETURN_IF_ERROR(db_->Exec("DELETE FROM catalog_tables WHERE source = ? AND table_name = ?",
                              {t.source, t.table})
                        .status());
    RETURN_IF_ERROR(
        db_->Exec("INSERT INTO catalog_tables (source, table_name, kind, fingerprint, row_count, "
                  "row_estimate, sample_size, sampling, profiled_at, provenance) "
                  "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                  {t.source, t.table, t.kind, t.fingerprint, t.row_count, t.row_estimate,
                   t.sample_size, t.sampling, t.profiled_at,
                   std::string(ProvenanceName(t.provenance))})
            .status());
    for (const ColumnProfile& c : t.columns) {
      nlohmann::json top = nlohmann::json::array();
      for (const auto& v : c.top_values) top.push_back({{"value", v.value}, {"count", v.count}});
      std::string top_text = top.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
      RETURN_IF_ERROR(
          db_->Exec(
                 "INSERT INTO catalog_columns (source, table_name, column_name, ordinal, "
                 "declared_type, source_type, not_null, primary_key, semantic_type, value_count, "
                 "null_count, null_fraction, distinct_count, distinct_exact, min_value, "
                 "max_value, top_values, avg_length, uniqueness, integer_fraction, "
                 "real_fraction, text_fraction, blob_fraction, minhash, value_hashes, "
                 "hashes_exact, provenance, profiled_at, sample_size) VALUES (?, ?, ?, ?, ?, ?, "
                 "?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, CAST(? AS BLOB), "
                 "CAST(? AS BLOB), ?, ?, ?, ?)",
                 {t.source,
                  t.table,
                  c.name,
                  static_cast<int64_t>(c.ordinal),
                  c.declared_type,
                  c.source_type,
                  static_cast<int64_t>(c.not_null),
                  static_cast<int64_t>(c.primary_key),
                  std::string(SemanticTypeName(c.semantic_type)),
                  c.values,
                  c.null_count,
                  c.null_fraction,
                  c.distinct_count,
                  static_cast<int64_t>(c.distinct_exact),
                  OptParam(c.min),
                  OptParam(c.max),
                  top_text,
                  c.avg_length,
                  c.uniqueness,
                  c.integer_fraction,
                  c.real_fraction,
                  c.text_fraction,
                  c.blob_fraction,
                  EncodeU64s(c.minhash),
                  EncodeU64s(c.value_hashes),
                  static_cast<int64_t>(c.hashes_exact),
                  std::string(ProvenanceName(c.provenance)),
                  c.profiled_at.empty() ? t.profiled_at : c.profiled_at,
                  t.sample_size})
              .status());
    }
    for (const DeclaredKey& k : t.keys) {
      bool primary = k.type == DeclaredKey::Type::kPrimary;
      RETURN_IF_ERROR(
          db_->Exec("INSERT INTO catalog_keys (source, table_name, key_type, columns, ref_table, "
                    "ref_columns) VALUES (?, ?, ?, ?, ?, ?)",
                    {t.source, t.table, std::string(primary ? "primary" : "foreign"),
                     nlohmann::json(k.columns).dump(),
                     primary ? store::Param(nullptr) : store::Param(k.ref_table),
                     primary ? store::Param(nullptr)
                             : store::Param(nlohmann::json(k.ref_columns).dump())})
              .status());
    }
    return OkStatus();
  });
}

Status CatalogStore::RemoveTable(const std::string& source, const std::string& table) {
  return db_->Transaction([&]() -> Status {
    for (const char* sql : {"DELETE FROM catalog_keys WHERE source = ? AND table_name = ?",
                            "DELETE FROM catalog_columns WHERE source = ? AND table_name = ?",
                            "DELETE FROM catalog_tables WHERE source = ? AND table_name = ?"}) {
      RETURN_IF_ERROR(db_->Exec(sql, {source, table}).status());
    }
    return OkStatus();
  });
}

Status CatalogStore::AddDrift(const std::vector<DriftEvent>& events) {
  return db_->Transaction([&]() -> Status {
    for (const DriftEvent& e : events) {
      RETURN_IF_ERROR(
          db_->Exec("INSERT INTO catalog_drift (source, table_name, change, column_name, "
                    "old_type, new_type, detected_at) VALUES (?, ?, ?, ?, ?, ?, "
                    "COALESCE(NULLIF(?, ''), strftime('%Y-%m-%dT%H:%M:%fZ')))",
                    {e.source, e.table, e.change, e.column, e.old_type, e.new_type, e.detected_at})
              .status());
    }
    return OkStatus();
  });
}

}  // namespace cairn::context
