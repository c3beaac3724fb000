#pragma once

// The session: the one choke point through which every read reaches the sources.
//
// A Session is bound to a principal and owns one SQLite connection on which the catalog's
// sources appear as schemas (`tos.containers`, `finance.invoices`). Every door (CLI now; REST,
// MCP and the web UI later) goes through a Session; authorization, result labels and the
// ledger hook in here and nowhere else.
//
// Read-only is structural: user statements are compiled under an SQLite authorizer that
// allows only reads (SELECT, column reads, functions other than load_extension, recursive
// CTEs and a short list of introspection pragmas without arguments). Writes, DDL, ATTACH,
// DETACH, transactions, pragma assignments and temp objects fail at prepare time with
// kPermissionDenied, whatever the SQL text looks like. Extension loading is disabled on the
// connection as well.
//
// Sources are attached on demand: SQLite allows only SQLITE_LIMIT_ATTACHED (10 in Debian's
// build) attached databases per connection, so a statement that names `src.table` of a source
// not attached yet is retried after attaching it, evicting the least recently used source
// that the statement does not need. A catalog can therefore hold any number of sources; one
// statement can touch at most 10 of them.
//
// Limits per query (from Config::limits, overridable per call): a row cap
// (kResourceExhausted), a time cap checked by a progress handler (kDeadlineExceeded), and a
// cap on SQLite heap growth during the query (kResourceExhausted).
//
// Thread-safety: a Session is used by one thread at a time. Lifetime: the Catalog must outlive
// the Session.

#include <sqlite3.h>

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "connectors/source.h"
#include "core/config.h"
#include "core/status.h"
#include "engine/access.h"
#include "engine/catalog.h"
#include "ledger/ledger.h"

namespace cairn::engine {

// One SQL value as SQLite returns it.
struct Value {
  enum class Type { kNull, kInteger, kReal, kText, kBlob };
  Type type = Type::kNull;
  int64_t integer = 0;
  double real = 0;
  std::string bytes;  // kText (UTF-8) or kBlob

  static Value Null() { return Value{}; }
  static Value Integer(int64_t v) { return Value{Type::kInteger, v, 0, {}}; }
  static Value Real(double v) { return Value{Type::kReal, 0, v, {}}; }
  static Value Text(std::string v) { return Value{Type::kText, 0, 0, std::move(v)}; }
  static Value Blob(std::string v) { return Value{Type::kBlob, 0, 0, std::move(v)}; }

  bool operator==(const Value&) const = default;
};

// Receives a result as it streams. Returning a non-OK status stops the query with it.
class RowSink {
 public:
  virtual ~RowSink() = default;
  virtual Status Columns(const std::vector<std::string>& names) = 0;
  virtual Status Row(const std::vector<Value>& values) = 0;
};

// One column a statement reads, as the SQLite authorizer reported it while compiling.
// `column` is empty when a table is used without reading a column (SELECT count(*) FROM t).
struct ColumnRead {
  std::string source;
  std::string table;
  std::string column;

  bool operator==(const ColumnRead&) const = default;
};

struct QueryStats {
  int64_t rows = 0;
  std::chrono::microseconds elapsed{0};
  // Every source column the statement reads, in first-read order, without duplicates.
  std::vector<ColumnRead> reads;
};

// What a statement is, without running it.
struct StatementInfo {
  std::vector<std::string> columns;  // result column names
  std::vector<ColumnRead> reads;     // as in QueryStats
};

// A whole result in memory (for small results and tests).
struct QueryResult {
  std::vector<std::string> columns;
  std::vector<std::vector<Value>> rows;
};

struct SourceStatus {
  std::string name;
  std::string kind;
  std::string location;  // without secrets
  Status status;         // of opening and checking
  int tables = -1;       // -1 when unknown
};

class Session {
 public:
  // Opens an in-memory SQLite connection for `principal` over `catalog`. No source is opened
  // yet. Internal if SQLite cannot be initialised.
  static Result<std::unique_ptr<Session>> Open(Catalog* catalog, Principal principal);
  ~Session();

  Session(const Session&) = delete;
  Session& operator=(const Session&) = delete;

  const Principal& principal() const { return principal_; }
  const Limits& limits() const { return limits_; }

  // Records every Query() in `ledger` (not owned; must outlive the session) as coming through
  // `ingress` ("cli", "rest", "mcp", ...): action "query", subject the SQL, digests of the SQL
  // and of the result rows, decision "allow", "deny" (with why) or "error: <Code>". A query
  // whose entry cannot be appended fails with the ledger's error: no unrecorded access.
  void set_ledger(ledger::Ledger* ledger, std::string ingress) {
    ledger_ = ledger;
    ingress_ = std::move(ingress);
  }
  void set_limits(const Limits& limits) { limits_ = limits; }

  // Runs one SQL statement and streams its result into `sink`.
  //   kInvalidArgument   SQL that does not compile, or more than one statement;
  //   kNotFound          an unknown source or table;
  //   kPermissionDenied  anything but a read;
  //   kDeadlineExceeded / kResourceExhausted  a limit was hit;
  //   a connector's error (Unavailable, InvalidArgument, ...) with the source named.
  Status Query(std::string_view sql, RowSink* sink, QueryStats* stats = nullptr);

  // Compiles `sql` (attaching the sources it names) without running it. Same errors as
  // Query() apart from those raised while running.
  Result<StatementInfo> Analyze(std::string_view sql);

  // Query() collected into memory (still subject to the row cap).
  Result<QueryResult> QueryAll(std::string_view sql);

  // Every configured source with its reachability (opens and checks each one).
  std::vector<SourceStatus> Sources();

  // The tables of one source. NotFound for an unknown source.
  Result<std::vector<connectors::TableInfo>> Tables(const std::string& source);

  // One table. NotFound naming the source or table.
  Result<connectors::TableInfo> Describe(const std::string& source, const std::string& table);

 private:
  Session(Catalog* catalog, Principal principal, sqlite3* db);

  // Query() without the ledger entry.
  Status Run(std::string_view sql, RowSink* sink, QueryStats* stats);
  // Compiles exactly one statement, attaching sources on demand.
  Result<sqlite3_stmt*> Prepare(std::string_view sql);
  // Attaches `source`; evicts the least recently used attached source not in `pinned`.
  Status Attach(const std::string& source, const std::vector<std::string>& pinned);
  Status Detach(const std::string& source);
  // Runs an internal statement with the authorizer relaxed.
  Status ExecInternal(const std::string& sql);
  // From SQLite's "no such table: x.y" / "no such table: y", the source to attach, or "".
  Result<std::string> SourceToAttach(const std::string& error_message,
                                     const std::vector<std::string>& pinned);

  static int Authorize(void* self, int action, const char* a, const char* b, const char* db,
                       const char* trigger);
  static int Progress(void* self);

  Catalog* catalog_;
  ledger::Ledger* ledger_ = nullptr;
  std::string ingress_;
  Principal principal_;
  Limits limits_;
  sqlite3* db_;
  // Attached sources, most recently used last.
  std::vector<std::string> attached_;
  // True while the session itself runs ATTACH/CREATE VIRTUAL TABLE.
  bool internal_ = false;
  // Why the authorizer denied the last statement (for the error message).
  std::string denial_;
  // Source columns read by the statement being compiled (authorizer SQLITE_READ).
  std::vector<ColumnRead> reads_;
  // Per-query limit state, read by Progress().
  std::chrono::steady_clock::time_point deadline_;
  int64_t memory_baseline_ = 0;
  enum class Interrupt { kNone, kTime, kMemory } interrupt_ = Interrupt::kNone;
};

// Renders a value as text the way the CLI shows it (NULL -> "", blobs as \x-hex).
std::string ValueToText(const Value& value);

}  // namespace cairn::engine
