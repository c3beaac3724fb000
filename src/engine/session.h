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
// Sources are attached on demand, and a source's tables are created on first reference (a
// statement naming `src.t`, or introspecting it with PRAGMA src.table_info(t)), so a source of
// 10,000 tables costs the first query no more than one of ten. SQLite allows only
// SQLITE_LIMIT_ATTACHED (10 in Debian's build) attached databases per connection, so a
// statement that names `src.table` of a source not attached yet is retried after attaching it,
// evicting the least recently used source that the statement does not need. A catalog can
// therefore hold any number of sources; one statement can touch at most 10 of them.
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
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "connectors/source.h"
#include "core/config.h"
#include "core/status.h"
#include "engine/access.h"
#include "engine/catalog.h"
#include "engine/guard.h"
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
  // True once the sink wants no more rows (it holds a page of a larger result): the query stops
  // there and succeeds; QueryStats::more tells whether rows were left. Checked after each Row().
  virtual bool Done() const { return false; }
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
  // Whether at least one more row followed when the sink ended the query early (Done()).
  bool more = false;
  std::chrono::microseconds elapsed{0};
  // Every source column the statement reads, in first-read order, without duplicates.
  std::vector<ColumnRead> reads;
  // The highest classification among the reads (see Session::set_policy); public when the
  // session has no policy or the statement reads no source.
  Label label = Label::kPublic;
  // The policy rules that shaped the result (grants, filters, masks), for the ledger.
  std::vector<std::string> rules;
  // The sequence number of the query's ledger entry (Query() with a ledger); -1 otherwise.
  int64_t ledger_seq = -1;
};

// What a statement is, without running it.
struct StatementInfo {
  std::vector<std::string> columns;  // result column names
  std::vector<ColumnRead> reads;     // as in QueryStats
  Label label = Label::kPublic;      // as in QueryStats
};

// Per-query options.
struct QueryOptions {
  // A named outbound destination (policy sink) the caller will send the result to; empty for
  // none. A result whose label exceeds the sink's clearance is refused before it runs.
  std::string destination;
  // Values for the statement's named parameters (`:name`), never spliced into the SQL. When not
  // empty, every parameter of the statement must be named here (InvalidArgument naming the
  // first one without a value; positional `?` parameters are refused); unused entries are
  // ignored. The ledger entry's subject lists them after the SQL and its input digest covers them.
  std::vector<std::pair<std::string, Value>> params;
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

class Session : private GuardHost, private connectors::LookupKeys {
 public:
  // Opens an in-memory SQLite connection for `principal` over `catalog`. No source is opened
  // yet. Internal if SQLite cannot be initialised.
  static Result<std::unique_ptr<Session>> Open(Catalog* catalog, Principal principal);
  ~Session();

  Session(const Session&) = delete;
  Session& operator=(const Session&) = delete;

  const Principal& principal() const override { return principal_; }
  const Limits& limits() const { return limits_; }

  // Records every Query() in `ledger` (not owned; must outlive the session) as coming through
  // `ingress` ("cli", "rest", "mcp", ...): action "query", subject the SQL, digests of the SQL
  // and of the result rows, decision "allow", "deny" (with why) or "error: <Code>". A query
  // whose entry cannot be appended fails with the ledger's error: no unrecorded access.
  void set_ledger(ledger::Recorder* ledger, std::string ingress) {
    ledger_ = ledger;
    ingress_ = std::move(ingress);
  }
  void set_limits(const Limits& limits) { limits_ = limits; }

  // The policy that decides what a restricted principal sees and how results are labelled
  // (not owned; must outlive the session). Set it before the first query. Without a policy
  // only an administrator sees anything: default deny.
  void set_policy(const AccessPolicy* policy) {
    policy_ = policy;
    restricted_ = policy ? !policy->Unrestricted(principal_) : !principal_.HasRole("admin");
  }
  // The key of hash masks (cairn_mask_hash); random per session by default, so hashes are
  // stable across sessions only when the caller sets an installation key.
  void set_mask_key(const std::string& key);
  // Whether grants, row filters and masks apply to this session's principal.
  bool restricted() const { return restricted_; }

  // Runs one SQL statement and streams its result into `sink`.
  //   kInvalidArgument   SQL that does not compile, or more than one statement;
  //   kNotFound          an unknown source or table;
  //   kPermissionDenied  anything but a read;
  //   kDeadlineExceeded / kResourceExhausted  a limit was hit;
  //   a connector's error (Unavailable, InvalidArgument, ...) with the source named.
  Status Query(std::string_view sql, RowSink* sink, QueryStats* stats = nullptr,
               const QueryOptions& options = {});

  // Compiles `sql` (attaching the sources it names) without running it. Same errors as
  // Query() apart from those raised while running.
  Result<StatementInfo> Analyze(std::string_view sql);

  // Query() collected into memory (still subject to the row cap).
  Result<QueryResult> QueryAll(std::string_view sql);

  // Every configured source with its reachability (opens and checks each one). A restricted
  // principal sees only sources in which it may see a table.
  std::vector<SourceStatus> Sources();

  // The tables of one source, as the principal sees them (only granted tables and columns).
  // NotFound for an unknown source, or one in which the principal may see nothing.
  Result<std::vector<connectors::TableInfo>> Tables(const std::string& source);

  // One table as the source holds it now (connectors::Source::CurrentTable: read again, not
  // from the cache that Tables() and queries use), as the principal sees it; nullopt when the
  // source has no such table now or the principal may not see it. Errors: NotFound for an
  // unknown source; the source's when it cannot be read.
  Result<std::optional<connectors::TableInfo>> CurrentTable(const std::string& source,
                                                            const std::string& table);

  // One table, as the principal sees it. NotFound naming the source or table (the same for a
  // table that exists but is not granted).
  Result<connectors::TableInfo> Describe(const std::string& source, const std::string& table);

  // Whether the principal may see `column` of `source`.`table` (any column when `column` is
  // empty). For filtering context (search hits, join paths, recipes) by what the principal sees.
  bool CanSee(const std::string& source, const std::string& table, const std::string& column = "");

  // How many tables' virtual tables this session has created (a table is created on its first
  // reference, once per attachment of its source). For tests and diagnostics.
  int64_t tables_created() const { return tables_created_; }
  // How many tables are created now, and the most a session keeps: beyond it, the tables
  // created longest ago are dropped before the next statement and created again when named
  // (see EvictTables).
  size_t live_tables() const { return creation_order_.size(); }
  void set_max_live_tables(size_t n) { max_live_tables_ = n; }

 private:
  Session(Catalog* catalog, Principal principal, sqlite3* db);

  // Query() without the ledger entry.
  Status Run(std::string_view sql, RowSink* sink, QueryStats* stats, const QueryOptions& options);
  // GuardHost.
  const GuardTable* GuardTableAt(int id) const override;
  int PrepareInternal(const std::string& sql, sqlite3_stmt** stmt, std::string* error) override;
  int StepInternal(sqlite3_stmt* stmt) override;
  int64_t RowIdentity(int64_t raw) override;
  // connectors::LookupKeys (engine/lookup_keys.cc): the keys of a join's lookups, read ahead
  // from the outer table's column the running statement's plan takes them from.
  bool ForEachKey(sqlite3_vtab* vtab, const char* idx_str, int arg, size_t max_keys,
                  const std::function<bool(sqlite3_value*)>& each) override;
  // Whether a (lower-case) table name is one of this session's guard tables; unqualified reads
  // of those are reported with no schema.
  bool IsGuardTable(const std::string& lower_name) const;
  // False when the policy refuses `table` of `source` by its name alone (AccessPolicy::MayGrant):
  // no need to describe it.
  bool MayGrant(const std::string& source, const std::string& table) const;
  // How the principal sees a source table; nullopt when not at all (restricted sessions).
  std::optional<TableAccess> AccessTo(const std::string& source,
                                      const connectors::TableInfo& table);
  // `table` with only what the principal may see of it (granted columns, keys over them, no row
  // count under a row filter); nullopt when it may not see the table.
  std::optional<connectors::TableInfo> Visible(const std::string& source,
                                               const connectors::TableInfo& table);
  // Creates one table of an attached source for a restricted principal: its raw table in main
  // and its guard table in the source's schema. FailedPrecondition when a policy expression
  // does not compile or reads another table; nothing stays created then.
  Status CreateGuarded(connectors::Source* source, const connectors::TableInfo& table);
  // Tables are created on first reference, not when their source is attached (a source may
  // have 10,000 tables). The table of attached `source` that `table` names (case-insensitively)
  // if it is not created yet and the principal may see it; null otherwise.
  const connectors::TableInfo* Creatable(const std::string& source, const std::string& table);
  // Creates `table` of attached `source` (the guarded pair for a restricted principal).
  Status CreateTable(const std::string& source, const connectors::TableInfo& table);
  // Every CREATE VIRTUAL TABLE is a schema change, after which SQLite walks every table of
  // that schema (sqlite3FkClearTriggerCache): a session that has created n tables pays O(n)
  // for the next one, quadratic over a discovery of 10,000 tables. When more than
  // max_live_tables_ are created and no statement of the session is running, the tables
  // created longest ago are dropped, down to half the bound.
  Status EvictTables();
  // Drops created `table` of attached `source` (the guarded pair for a restricted principal).
  Status DropCreated(const std::string& source, const std::string& table);
  // Creates every table of attached `source` the principal may see (for statements that list
  // a schema, such as an administrator's `src.sqlite_master`).
  Status CreateAllTables(const std::string& source);
  // For SQLite's "no such table: <name>": creates the table if an attached source has it
  // (unqualified: the first such source in SQLite's search order) and pins that source.
  Result<bool> CreateReferenced(const std::string& name, std::vector<std::string>* pinned);
  // Creates what the authorizer found a statement needs (wanted_tables_, wanted_sources_);
  // false when that was nothing new.
  Result<bool> CreateWanted();
  // Notes in wanted_* what an introspection pragma or schema read needs created; true if it
  // must be retried after creating it.
  bool WantsCreation(int action, const char* a, const char* b, const char* db);
  bool IsAttached(const std::string& source) const;
  // The name under which `source`'s module is registered on the connection.
  std::string ModuleName(const std::string& source) const;
  // The name of a source table's raw (connector) table in main, for a restricted session.
  std::string RawName(const std::string& source, const std::string& table) const;
  // The connector's description of a table (all columns), case-insensitive lookup.
  Result<connectors::TableInfo> RawTable(const std::string& source, const std::string& table);
  // Records in policy_denial_ that a "no such column" names a column hidden by policy.
  void NoteHiddenColumn(const std::string& message);
  // The label and rules of the statement just compiled (from reads_).
  void Classify(Label* label, std::vector<std::string>* rules) const;
  // Fills guard->labels from the policy.
  void FillLabels(GuardTable* guard) const;
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
  ledger::Recorder* ledger_ = nullptr;
  std::string ingress_;
  Principal principal_;
  Limits limits_;
  sqlite3* db_;
  // Attached sources, most recently used last.
  std::vector<std::string> attached_;
  // The tables created so far per attached source, as the source names them.
  std::map<std::string, std::set<std::string>> created_;
  int64_t tables_created_ = 0;
  // The created tables (source, table as the source names it), oldest first.
  std::deque<std::pair<std::string, std::string>> creation_order_;
  size_t max_live_tables_ = 512;
  // What the authorizer found the statement being compiled or run needs created: tables
  // (source, table) named by introspection pragmas, and whole sources whose schema it lists.
  std::vector<std::pair<std::string, std::string>> wanted_tables_;
  std::vector<std::string> wanted_sources_;
  // Nested Run() calls after creating tables a running statement asked for.
  int lazy_retries_ = 0;
  // True while the session itself runs ATTACH/CREATE VIRTUAL TABLE.
  bool internal_ = false;
  // Why the authorizer denied the last statement (for the error message).
  std::string denial_;
  // Source columns read by the statement being compiled (authorizer SQLITE_READ).
  std::vector<ColumnRead> reads_;
  const AccessPolicy* policy_ = nullptr;
  bool restricted_ = false;
  // Guard tables by id (the module argument), and by "source\ttable".
  std::vector<std::unique_ptr<GuardTable>> guards_;
  std::map<std::string, GuardTable*> guard_by_name_;
  // Why the last statement was denied by policy, for the ledger (the caller sees NotFound).
  std::string policy_denial_;
  // Nested Run() calls after attaching a source a running statement asked for.
  int run_retries_ = 0;
  // Inner statements being stepped (the authorizer lets their re-compilation through).
  int inner_steps_ = 0;
  // The connection's SQLite modules (lower-case), registered before the session's own: the
  // names a statement may read in main without creating a table (dbstat, sqlite_stmt, ...).
  std::set<std::string> eponymous_;
  // "cairn/<random>/": the prefix of this session's raw tables in main.
  std::string raw_prefix_;
  std::string mask_key_;
  std::string row_key_;  // RowIdentity()'s key, random per session
  std::unique_ptr<KeyedHash> row_hash_;
  // While set, reads by internal statements are collected here (policy validation).
  std::vector<ColumnRead>* internal_reads_ = nullptr;
  // Per-query limit state, read by Progress().
  std::chrono::steady_clock::time_point deadline_;
  int64_t memory_baseline_ = 0;
  enum class Interrupt { kNone, kTime, kMemory } interrupt_ = Interrupt::kNone;
};

// Renders a value as text the way the CLI shows it (NULL -> "", blobs as \x-hex).
std::string ValueToText(const Value& value);
// The value as an SQL literal: NULL, 42, 1.5, 'it''s', X'00ff' (for messages and the ledger).
std::string SqlLiteral(const Value& value);

}  // namespace cairn::engine
