#pragma once

// The catalog part of the context store: what discovery learned about every table and column of
// every source, the keys the sources declare, and the schema drift seen between runs.
//
// Tables (component "catalog" of the StateDb migrations):
//   catalog_tables    one row per (source, table): kind, schema fingerprint, row count, row
//                     estimate, sample size and method, when it was profiled, provenance.
//   catalog_columns   one row per column: declared/source type, semantic type, every profile
//                     figure, top values (JSON) and the sketches (little-endian uint64 arrays:
//                     BLOB on SQLite, BYTEA on PostgreSQL, where they go in and out as hex).
//                     PostgreSQL text holds neither NUL nor invalid UTF-8: there a sampled
//                     min/max value's such bytes are stored as U+FFFD.
//   catalog_keys      declared primary and foreign keys (provenance 'declared').
//   catalog_drift     schema changes detected by rediscovery (append-only).
//
// Readers (search, export, join inference) use ListTables()/GetTable()/ListDrift(); only
// discovery writes (PutTable, AddDrift, RemoveTable).
//
// Errors: the StateDb's (kUnavailable when busy, kDataLoss when corrupt, kInternal otherwise);
// GetTable returns kNotFound naming source.table.
//
// Thread-safety: as the StateDb it uses. The StateDb must outlive the CatalogStore.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "context/lexicon.h"
#include "context/model.h"
#include "context/profile.h"
#include "core/status.h"
#include "store/state_db.h"

namespace cairn::context {

// A schema change between two discoveries of one table.
struct DriftEvent {
  int64_t id = 0;
  std::string source;
  std::string table;
  // "column_added", "column_removed", "column_retyped", "table_added", "table_removed".
  std::string change;
  std::string column;       // empty for table-level changes
  std::string old_type;     // for column_removed / column_retyped
  std::string new_type;     // for column_added / column_retyped
  std::string detected_at;  // ISO-8601 UTC
};

// How much of each table to read back.
enum class ColumnDetail {
  kNone,          // tables only, `columns` empty
  kProfiles,      // columns with their profiles, without the sketches (minhash, value_hashes)
  kWithSketches,  // everything
};

class CatalogStore {
 public:
  // Applies the "catalog" migrations. Errors from the StateDb.
  static Result<CatalogStore> Open(store::StateDb* db);

  // Every profiled table (of `source` when given), ordered by source then table name.
  Result<std::vector<TableProfile>> ListTables(
      const std::optional<std::string>& source = std::nullopt,
      ColumnDetail detail = ColumnDetail::kProfiles);

  // One table with its columns (in ordinal order) and declared keys. NotFound naming it.
  Result<TableProfile> GetTable(const std::string& source, const std::string& table,
                                ColumnDetail detail = ColumnDetail::kWithSketches);

  // Drift events, newest first (of `source` when given).
  Result<std::vector<DriftEvent>> ListDrift(
      const std::optional<std::string>& source = std::nullopt);

  // Writes `table` (replacing any previous profile of it, with its columns and keys) in one
  // transaction.
  Status PutTable(const TableProfile& table);

  // Forgets a table (its columns and keys too). OK when it was not stored.
  Status RemoveTable(const std::string& source, const std::string& table);

  // Appends drift events (detected_at defaults to now when empty).
  Status AddDrift(const std::vector<DriftEvent>& events);

  // The translations of the names' words as discovery last read them through the lexicon
  // cairn.yaml names (context.lexicon); empty when it names none. Search indexes them beside
  // the names, so that a question in one language finds tables named in the other.
  Result<NameTranslations> GetNameTranslations();
  // Replaces them in one transaction when they differ from those stored, and then sets
  // NameTranslationsChangedAt() to now (so search knows to reindex).
  Status PutNameTranslations(const NameTranslations& translations);
  // When the translations last changed (ISO-8601 UTC), empty when never.
  Result<std::string> NameTranslationsChangedAt();

 private:
  explicit CatalogStore(store::StateDb* db) : db_(db) {}
  Status ReadColumns(TableProfile* table, ColumnDetail detail);
  store::StateDb* db_;
};

}  // namespace cairn::context
