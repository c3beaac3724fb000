#pragma once

// The guard: how a restricted principal's session shows a source table.
//
// For a restricted principal the session does not put a source's virtual tables where user SQL
// can name them. Each source table becomes two virtual tables on the session's connection:
//
//   main."cairn/<random>/tos/containers"   the connector's table (the "raw" table), under a
//                           per-session random name that user SQL cannot guess; the authorizer
//                           denies reads of it anyway, and of every other table in `main`.
//   tos.containers          a guard table declaring only the columns the principal may see.
//
// A guard table answers a scan by running, on the same connection, an inner statement that the
// session wrote and compiled itself:
//
//   SELECT "id", (<mask of email>), NULL FROM main."tos/containers"
//   WHERE (<row filter>) AND "id" = :_1 ORDER BY "id" LIMIT :_2
//
// The user's WHERE terms on clear columns (=, <, <=, >, >=, IN, IS [NOT] NULL, LIKE, ORDER BY,
// LIMIT/OFFSET) travel into the inner statement as bound values, so they still reach the
// source's own pushdown; principal attributes named in the filter (`:terminal`) are bound the
// same way, never spliced into SQL text. Everything else the user wrote runs in the outer
// statement over rows the inner statement already filtered and masked. So no expression of the
// user — however nested (subqueries, CTEs, window functions, json_each, aggregates, functions
// that raise errors) — is ever evaluated on a hidden row or on a clear value of a masked
// column: the security-barrier property holds structurally, not by inspecting SQL text.
//
// Thread-safety: as the Session (one thread). Lifetime: a GuardTable outlives the virtual
// table created from it; the host outlives the connection's use of the module.

#include <openssl/evp.h>
#include <sqlite3.h>

#include <cstdint>
#include <string>
#include <vector>

#include "connectors/common/pushdown.h"
#include "connectors/source.h"
#include "engine/access.h"

namespace cairn::engine {

struct GuardTable {
  std::string source;  // the schema the user names
  std::string table;   // the table the user names
  std::string raw;     // the connector's table in `main`
  int id = -1;         // the module argument (GuardHost::GuardTableAt)
  // The visible columns (mask expressions in access.columns at the same index); a masked
  // column is declared without a type, since its values are whatever the mask returns.
  connectors::TableInfo visible;
  TableAccess access;
  // The policy's label of each visible column (at the index of access.columns), filled by the
  // session on first use: a session's policy does not change (set_policy).
  std::vector<Label> labels;
};

// What a guard table needs from the session that owns it.
class GuardHost {
 public:
  virtual ~GuardHost() = default;
  virtual const GuardTable* GuardTableAt(int id) const = 0;
  // Compiles a statement the session wrote, bypassing the user authorizer. On failure returns
  // the SQLite code and sets *error.
  virtual int PrepareInternal(const std::string& sql, sqlite3_stmt** stmt, std::string* error) = 0;
  // Steps a statement from PrepareInternal. SQLite may re-compile it inside the step (after a
  // schema change or a new LIKE pattern), which must not meet the user authorizer either; the
  // session's time and memory limits still apply.
  virtual int StepInternal(sqlite3_stmt* stmt) = 0;
  // The rowid a guard row shows for the raw table's rowid `raw`: a keyed pseudo-random function
  // of it (per session), so rows keep a stable identity (SQLite's OR optimisation de-duplicates
  // by rowid) while the user learns nothing from it — raw rowids would reveal gaps where
  // filtered rows sit.
  virtual int64_t RowIdentity(int64_t raw) = 0;
  virtual const Principal& principal() const = 0;
};

// The module, registered as "cairn_guard" with the GuardHost* as pAux; created as
// CREATE VIRTUAL TABLE "tos"."containers" USING cairn_guard(<id>).
const sqlite3_module* GuardModule();

// The inner statement for one scan plan of `table` (see above). `in_counts[i]` is the number
// of values of the plan's i-th IN term (unused for other terms). Terms bind as :_1, :_2, ...
// in plan order (an IN term takes one name per value).
std::string GuardInnerSql(const GuardTable& table, const connectors::pushdown::ScanPlan& plan,
                          const std::vector<int>& in_counts);

// The statement that checks a table's policy when the guard is created: every mask and the
// row filter over the raw table.
std::string GuardCheckSql(const GuardTable& table);

// HMAC-SHA-256 under a fixed key, with the keyed inner and outer states computed once, so each
// value costs two SHA-256 finishes (OpenSSL 3's one-shot HMAC() looks the algorithm up on
// every call, which costs more than the hashing for short values).
class KeyedHash {
 public:
  explicit KeyedHash(const std::string& key);
  ~KeyedHash();
  KeyedHash(const KeyedHash&) = delete;
  KeyedHash& operator=(const KeyedHash&) = delete;
  // The first 8 bytes of HMAC-SHA-256(key, data), big-endian.
  uint64_t First64(const void* data, size_t size);

 private:
  EVP_MD_CTX* inner_;
  EVP_MD_CTX* outer_;
  EVP_MD_CTX* work_;
};

// Registers the mask helpers on `db` (deterministic); a restricted session's authorizer keeps
// user SQL from calling them, so they cannot be used to test guesses:
//   cairn_mask_hash(x)     first 16 hex digits of HMAC-SHA-256 under `hash_key` of the value's
//                          type tag and bytes (NULL stays NULL); with the key secret, a
//                          dictionary of likely values cannot be hashed offline either
//   cairn_mask_last(x, n)  every character but the last n replaced by '*'
//   cairn_mask_year(x)     the year of an ISO-8601 date or timestamp, as an integer
// Returns an SQLite result code.
int RegisterMaskFunctions(sqlite3* db, const std::string& hash_key);

}  // namespace cairn::engine
