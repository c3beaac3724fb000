#pragma once

// Discovery: profiles every table and column of the chosen sources into the catalog store,
// imports declared keys, records schema drift, and (re)infers joins into the join store.
//
// Reads go only through the engine::Session (the one choke point): one statement per table,
// `SELECT "c1", "c2", ... FROM "src"."table"` streamed into column profilers, so memory stays
// bounded (sketches, capped frequency tables, at most kMaxExactHashes exact hashes per column).
// Sampling: a PostgreSQL table whose row estimate exceeds options.sample_rows is read with
// `WHERE _cairn_sample_percent = p` (TABLESAMPLE SYSTEM pushed to the server, see
// connectors/postgres/postgres_source.h) and profiled from what comes back ("tablesample").
// Other sources are read whole: tables up to sample_rows are profiled from every row ("full");
// larger ones through a reservoir sample of sample_rows rows ("reservoir"; row_count is still
// exact because every row is read). The sample size is stored with every table.
//
// Incremental: a table whose schema fingerprint and row estimate equal the stored ones is
// skipped unless options.full. A changed fingerprint is recorded as drift events (columns
// added, removed, retyped; tables added and removed) in the catalog store.
//
// Errors: Discover() returns NotFound for an unknown source name, and the state database's
// errors. A table or source that fails while being profiled does not stop the run: its failure
// is recorded in the report (naming source and table) and the other tables are profiled;
// DiscoveryReport::status() turns recorded failures into an error for the caller.
//
// Thread-safety: one call at a time per Session and StateDb.

#include <cstdint>
#include <functional>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "context/catalog_store.h"
#include "context/join_inference.h"
#include "core/status.h"
#include "engine/session.h"
#include "store/state_db.h"

namespace cairn::context {

struct DiscoveryProgress {
  int done = 0;         // tables finished (profiled, skipped or failed)
  int total = 0;        // tables known so far
  std::string current;  // "source.table" being read, or "" when finished
};

struct DiscoveryOptions {
  std::vector<std::string> sources;  // empty: every configured source
  int64_t sample_rows = 100'000;     // rows profiled per table at most
  bool full = false;                 // re-profile unchanged tables too
  // Import the sources' declared primary and foreign keys (off for the join benchmark: foreign
  // keys are then neither stored nor turned into declared joins; primary keys are still used).
  bool import_declared_keys = true;
  bool infer_joins = true;  // run join inference over the whole catalog afterwards
  InferenceOptions inference;
  std::function<void(const DiscoveryProgress&)> progress;  // may be empty
};

struct TableOutcome {
  enum class State { kProfiled, kSkipped, kFailed };
  std::string source;
  std::string table;
  State state = State::kProfiled;
  int64_t row_count = -1;
  int64_t sample_size = 0;
  std::string sampling;
  double seconds = 0;
  Status error;  // kFailed
};

struct DiscoveryReport {
  std::vector<TableOutcome> tables;
  std::vector<DriftEvent> drift;
  std::vector<Status> source_errors;  // sources that could not be listed
  int profiled = 0;
  int skipped = 0;
  int failed = 0;
  int declared_joins = 0;
  int inferred_joins = 0;
  // Words of the catalog's names the lexicon translated, stored for search (0 without one).
  int translated_words = 0;
  double seconds = 0;

  // OK, or the first failure (its code) with a message counting all failures.
  Status status() const;
  // {"tables_profiled", "tables_skipped", "tables_failed", "seconds", "tables": [...],
  //  "drift": [...], "errors": [...], "joins": {"declared", "inferred"}}
  nlohmann::json ToJson() const;
};

Result<DiscoveryReport> Discover(engine::Session* session, store::StateDb* db,
                                 const DiscoveryOptions& options);

// Re-runs join inference over the stored catalog and replaces the discovered joins (verdicts
// survive); then bridges the tables no join connects (join_bridges.h, unless
// InferenceOptions::bridges is off). Returns {declared, inferred} counts, bridges counted as
// inferred. With a session, composite keys are checked as
// tuples read through it (InferenceOptions::tuples; a referencing table's tuples from a sample of
// about `sample_rows` rows), else column by column.
Result<std::pair<int, int>> RefreshJoins(store::StateDb* db, const InferenceOptions& options,
                                         engine::Session* session = nullptr,
                                         int64_t sample_rows = 100'000);

}  // namespace cairn::context
