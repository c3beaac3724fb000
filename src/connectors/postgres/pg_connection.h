#pragma once

// One libpq connection to a PostgreSQL server, shared by every virtual-table cursor of a Source.
//
// Guarantees:
//   * Read-only sessions: the connection is opened with default_transaction_read_only=on, and
//     every transaction it begins is READ ONLY.
//   * statement_timeout is set for the session at connect, so every statement (each FETCH too)
//     is bounded.
//   * Parameters are always sent separately from the SQL text (PQexecParams/PQexecPrepared in
//     text format); this class never splices values into SQL.
//   * Several result streams can be open at once (a nested-loop join reads two tables of one
//     source together): each stream is a named server-side cursor (a portal) inside one READ
//     ONLY transaction, begun when the first portal opens and committed when the last closes.
//     Streams therefore share one snapshot. One FETCH may be in flight (Prefetch); any other
//     use of the connection first collects it and keeps it for its portal.
//   * A connection found broken outside a transaction is re-opened once (with the same
//     parameters and session settings) and the statement retried; prepared statements are
//     forgotten with the old session.
//   * Error messages start with the source name and never contain the password:
//       "warehouse: ERROR: relation "x" does not exist (SQLSTATE 42P01)"
//
// Session settings travel in the startup packet (the `options` parameter), so a pooler that
// rejects startup options (PgBouncer without ignore_startup_parameters) is not supported.
//
// Error codes: Unavailable (cannot connect / connection lost / server error), Unauthenticated
// (the server refused the credentials), DeadlineExceeded (statement_timeout, SQLSTATE 57014),
// PermissionDenied (SQLSTATE 42501), NotFound (undefined table/column/schema), InvalidArgument
// (other SQL errors).
//
// Thread-safety: none; one thread at a time (the engine uses one thread per session).

#include <libpq-fe.h>

#include <cstdint>
#include <memory>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "core/status.h"

namespace cairn::connectors::postgres {

struct PgResultDeleter {
  void operator()(PGresult* result) const { PQclear(result); }
};
using PgResult = std::unique_ptr<PGresult, PgResultDeleter>;

struct ConnectOptions {
  std::string host;
  std::string port = "5432";
  std::string dbname;
  std::string user;      // empty: libpq's default
  std::string password;  // empty: none (or ~/.pgpass)
  std::string sslmode;   // empty: libpq's default (prefer)
  int64_t connect_timeout_s = 10;
  int64_t statement_timeout_ms = 30000;
};

class PgConnection {
 public:
  PgConnection(std::string source_name, ConnectOptions options);
  ~PgConnection();
  PgConnection(const PgConnection&) = delete;
  PgConnection& operator=(const PgConnection&) = delete;

  // Opens the connection (or re-opens a broken one). Unavailable naming host:port when the
  // server cannot be reached; Unauthenticated when it refuses the login.
  Status Connect();

  // "127.0.0.1:5432".
  std::string Endpoint() const;

  // Runs one statement with text-format parameters. With `reuse`, the statement text is
  // prepared on the server the second time it is seen and executed by name from then on.
  // Outside a transaction a broken connection is re-opened and the statement retried once.
  Result<PgResult> Query(const std::string& sql, const std::vector<std::string>& params,
                         bool reuse = false);

  // Declares a NO SCROLL cursor for `sql` (beginning the READ ONLY transaction if no portal is
  // open) and returns its name.
  Result<std::string> OpenPortal(const std::string& sql, const std::vector<std::string>& params);
  // Fetches up to `rows` rows from an open portal, or the batch prefetched for it. `asked` gets
  // the row count the returned batch was requested with: fewer rows than that means the portal
  // is drained.
  Result<PgResult> Fetch(const std::string& portal, int rows, int* asked);
  // Asks the server for the next `rows` rows of `portal` without waiting, so the server produces
  // them while the caller consumes the current batch; the next Fetch(portal, rows) collects
  // them. At most one request is in flight per connection: returns without effect when another
  // one is. Any other use of the connection first collects an in-flight batch and keeps it for
  // its portal, so each portal holds at most one batch in waiting.
  void Prefetch(const std::string& portal, int rows);
  // Closes a portal; the transaction ends when the last one closes. Best effort: errors are
  // dropped (the transaction is then rolled back when it ends).
  void ClosePortal(const std::string& portal);

  int open_portals() const { return static_cast<int>(open_portals_.size()); }

 private:
  Status ErrorFrom(const PGresult* result, const std::string& what) const;
  Status ConnectionError(const std::string& what) const;
  Result<PgResult> Run(const std::string& sql, const std::vector<std::string>& params, bool reuse);
  void ForgetSession();
  // Collects the in-flight prefetch (if any) into parked_.
  void SettlePrefetch();

  std::string source_name_;
  ConnectOptions options_;
  PGconn* conn_ = nullptr;  // owned
  bool in_transaction_ = false;
  // Portals of the current transaction; names are never reused, so a stale name (from before a
  // reconnect) is simply not found.
  std::unordered_set<std::string> open_portals_;
  uint64_t next_portal_ = 0;
  // Statement text -> prepared name ("" until seen twice).
  struct Prepared {
    int uses = 0;
    std::string name;
  };
  std::unordered_map<std::string, Prepared> prepared_;
  uint64_t next_prepared_ = 0;
  // The portal whose FETCH is in flight (empty when none), and its row count.
  std::string prefetch_portal_;
  int prefetch_rows_ = 0;
  // Batches collected for their portals before they asked: portal -> (rows asked, result).
  struct Parked {
    int rows = 0;
    Result<PgResult> result = PgResult();
  };
  std::unordered_map<std::string, Parked> parked_;
};

// Renders `items` as a PostgreSQL array literal, every element double-quoted and escaped:
// {"a","b\"c"}.
std::string ArrayLiteral(const std::vector<std::string>& items);

}  // namespace cairn::connectors::postgres
