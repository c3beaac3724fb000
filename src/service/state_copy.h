#pragma once

// Moving a state from one engine to another (`cairn state migrate --to postgres://...`), and the
// installation secrets that every node of a PostgreSQL state shares.
//
// MigrateAll() brings every component's tables to the current version (the stores migrate on
// first use anyway; this does all of them at once, for a copy or an empty database).
//
// CopyState() copies an embedded (SQLite) state into an empty PostgreSQL state, in one
// transaction (all or nothing): every table of every component, rows as stored (the ledger's
// entries, subtree hashes and signed heads included, so the ledger verifies the same after the
// move), parents before children (foreign keys), identity counters moved past the copied ids,
// and the installation's mask key (so masked values hash the same). Full-text tables are copied
// where the target keeps them as tables (recipes' documents); what the target keeps elsewhere
// (the search postings, built by each node) is listed in `rebuilt`.
// Errors: FailedPrecondition if the target already holds a Cairn state; InvalidArgument naming
// the table and column when a stored value has no place in the target (a column the target
// lacks, bytes in a text column).
//
// Thread-safety: none (one thread, its own connections).

#include <cstdint>
#include <filesystem>
#include <string>
#include <utility>
#include <vector>

#include "core/status.h"
#include "store/state_db.h"

namespace cairn::service {

// Applies the migrations of every component (context, policy, workflow, ledger, installation).
Status MigrateAll(store::StateDb* db);

struct CopiedTable {
  std::string table;
  int64_t rows = 0;
};

struct CopyReport {
  std::vector<CopiedTable> tables;   // in copy order
  std::vector<std::string> rebuilt;  // indexes left to be rebuilt
  int64_t rows = 0;
};

// FailedPrecondition unless `to` holds no Cairn state yet (no migration applied). CopyState
// checks it too; callers check it first to refuse before doing anything else.
Status CheckEmptyTarget(store::StateDb* to);

Result<CopyReport> CopyState(store::SqliteStateDb* from, store::StateDb* to,
                             const std::string& mask_key);

// The installation's mask key in a file (.cairn/mask.key, 32 bytes, mode 0600), created on
// first use whole or not at all, so concurrent first uses agree on one key. DataLoss when the
// file holds anything but 32 bytes.
Result<std::string> LoadOrCreateMaskKey(const std::filesystem::path& file);

// The installation's mask key kept in a PostgreSQL state (created on first use, the same for
// every node). 32 bytes.
Result<std::string> SharedMaskKey(store::StateDb* db);

}  // namespace cairn::service
