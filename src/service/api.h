#pragma once

// The operations every network door offers (REST under /api/v1/, MCP tools and resources), as
// JSON in and JSON out, over one Workspace. Each call names the acting principal and the
// ingress; everything goes through the principal's Session (engine/session.h), so grants, row
// filters, masks, labels and the ledger apply exactly as for the CLI. Metadata is filtered by
// what the principal may see (service/visibility.h).
//
// Errors are Status codes the doors map to HTTP / JSON-RPC: InvalidArgument (bad input, naming
// the field), NotFound (unknown or not granted: the same), PermissionDenied (admin-only
// operations, sinks above clearance), Unauthenticated, FailedPrecondition (e.g. never
// discovered), ResourceExhausted / DeadlineExceeded (limits), Unavailable (a source is down).
//
// Every operation is ledgered: queries by the session (action "query"); the others by
// Workspace::Record() with action "api:<operation>" (reads: decision "allow"; state changes as
// the CLI records them), so an agent's search -> path -> query is all in the ledger.
//
// Thread-safety: as the Workspace (one thread at a time).

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "core/status.h"
#include "engine/access.h"
#include "service/workspace.h"

namespace cairn::service {

using Json = nlohmann::ordered_json;

// Who is calling and through which door ("rest", "mcp", "mcp-stdio", ...).
struct Caller {
  engine::Principal principal;
  std::string ingress;
};

struct QueryRequest {
  std::string sql;
  // Rows to skip and rows to return (1 .. kMaxPageRows; default kDefaultPageRows).
  int64_t offset = 0;
  int64_t limit = 0;
  // Alternatively, the next_cursor of an earlier page of the same SQL (overrides offset).
  std::string cursor;
  // A policy sink the result is for (engine::QueryOptions::destination); empty for none.
  std::string to;
};

inline constexpr int64_t kDefaultPageRows = 100;
inline constexpr int64_t kMaxPageRows = 1000;
// A page stops early (truncated) when its JSON would exceed this many bytes.
inline constexpr int64_t kMaxPageBytes = 1 << 20;

class Api {
 public:
  explicit Api(Workspace* workspace);
  ~Api();

  Workspace& workspace() { return *ws_; }

  // The principal of a bearer token (Workspace::Authenticate).
  Result<engine::Principal> Authenticate(std::string_view token);

  // [{"name","kind","ok","tables","error"?}] — the sources the caller may see (locations are
  // shown to administrators only).
  Result<Json> Sources(const Caller& caller);
  // [{"source","table","kind","columns","rows_estimate"}] of one source, or of all when empty.
  Result<Json> Tables(const Caller& caller, const std::string& source);
  // {"source","table","kind","description","label","rows_estimate","columns":[{"name","type",
  //  "source_type","not_null","primary_key","description","label"}]} as the caller sees it
  // (granted columns only). Descriptions are the stated ones (null when none); a column's label
  // is the policy's; the table's label is the highest of its visible columns.
  Result<Json> Describe(const Caller& caller, const std::string& source, const std::string& table);
  // {"query","hits":[{"kind","ref","source","table","column","detail","description","score"}]}
  // best first, at most `limit` (1..100), only what the caller may see.
  Result<Json> Search(const Caller& caller, const std::string& text, int limit);
  // {"joins":[Join::ToJson() + "id"]} the caller may see (both sides granted).
  Result<Json> Joins(const Caller& caller);
  // Confirms or rejects join `id` ("confirmed"/"rejected"); admins only. Returns the join
  // (Join::ToJson()). Ledgered as "join_verdict".
  Result<Json> SetJoinVerdict(const Caller& caller, int64_t id, const std::string& verdict);
  // JoinPlan::ToJson() connecting `tables` ("source.table" or unambiguous "table"), over the
  // joins the caller may see. NotFound for an unknown table; FailedPrecondition if they are not
  // connected. `columns` ("table.column" or "source.table.column", the table one of `tables`) are
  // the columns the question names: among equally cheap trees the one joining over them wins
  // (PathOptions::named_columns), then the one joining over fewer of `fixed`, the columns the
  // question compares with a constant, written the same way (PathOptions::fixed_columns), then
  // the one whose joins more remembered recipes the caller may see read both sides of
  // (PathOptions::recipe_reads). InvalidArgument for a column not of the form or not of a given
  // table.
  Result<Json> Path(const Caller& caller, const std::vector<std::string>& tables,
                    const std::vector<std::string>& columns = {},
                    const std::vector<std::string>& fixed = {});
  // Runs request.sql through the caller's session and returns one page:
  // {"columns":[...],"rows":[[...]...],"offset","row_count","has_more","next_cursor" (string,
  //  or null when no row follows),"truncated" (the byte cap cut the page),"label","rules":[...]}.
  // Values: null, integer, real, text (invalid UTF-8 replaced by U+FFFD); blobs as
  // {"base64": "..."}; infinities and NaN as {"real": "inf" | "-inf" | "nan"} (JSON has none).
  // The query stops once the page is full (engine::RowSink::Done()), so
  // has_more is known without reading the rest; the session's limits (the row cap counts
  // skipped rows too) apply.
  // A cursor is base64url of {"o": offset, "h": first 16 hex of SHA-256(sql)}: InvalidArgument
  // naming "cursor" when malformed or issued for other SQL.
  Result<Json> Query(const Caller& caller, const QueryRequest& request);
  // Stores a recipe (question -> SQL) stated by the caller; returns it (RecipeToJson).
  Result<Json> Remember(const Caller& caller, const std::string& question, const std::string& sql,
                        const std::string& note);
  // {"question","recipes":[recipe + "score"]} best first, at most `limit`, checked for
  // freshness, only recipes the caller may see.
  Result<Json> Recall(const Caller& caller, const std::string& question, int limit);
  // {"recipes":[...]} every recipe the caller may see.
  Result<Json> Recipes(const Caller& caller);
  // One recipe; NotFound if unknown or not visible.
  Result<Json> Recipe(const Caller& caller, int64_t id);
  // Runs a remembered recipe: re-checks its freshness against the sources as they are now, then
  // runs its SQL as Query does (request.sql is the recipe's; limit and cursor as for Query) and
  // returns the page with "recipe_id". NotFound if unknown or not visible; FailedPrecondition
  // with the reason when it is stale or unverified, so a stale recipe is never served. The
  // first page counts one reuse.
  Result<Json> RunRecipe(const Caller& caller, int64_t id, QueryRequest request);
  // The join graph the caller may see as {"tables":[...],"joins":[...]}.
  Result<Json> Graph(const Caller& caller);

  // Ledger (administrators and policy ledger_readers only; PermissionDenied otherwise):
  // {"entries":[{"seq","time","principal","action","subject","input_digest","result_digest",
  //  "label","decision","ingress","leaf_hash"}]} the last n (1..1000), oldest first.
  Result<Json> LedgerTail(const Caller& caller, int64_t n);
  Result<Json> LedgerEntry(const Caller& caller, int64_t seq);
  // {"seq","tree_size","leaf_hash","root_hash","path":[hex...],"entry":{...}} against the tree
  // of tree_size entries (0: the current size).
  Result<Json> LedgerProof(const Caller& caller, int64_t seq, int64_t tree_size);
  // {"ok","entries","signed_heads","size","latest_signed_head":{...}|null,"error"?}
  Result<Json> LedgerVerify(const Caller& caller);

  // Administrators only.
  // {"principals":[{"id","kind","roles","attributes","disabled","created_at"}]}
  Result<Json> Principals(const Caller& caller);
  // Adds a principal from {"id","kind","roles":[...],"attributes":{...}}; returns it.
  Result<Json> AddPrincipal(const Caller& caller, const Json& principal);
  // Enables or disables a principal.
  Result<Json> SetPrincipalDisabled(const Caller& caller, const std::string& id, bool disabled);
  // {"tokens":[{"id","principal","created_at","expires_at","revoked","state","description"}]}
  // of one principal (of all when empty; NotFound for an unknown principal).
  Result<Json> Tokens(const Caller& caller, const std::string& principal);
  // {"id","principal","token" (shown once),"created_at","expires_at"}; ttl_seconds 0 = no
  // expiry.
  Result<Json> IssueToken(const Caller& caller, const std::string& principal, int64_t ttl_seconds);
  Result<Json> RevokeToken(const Caller& caller, const std::string& token_id);

 private:
  Workspace* ws_;
  struct Cache;  // sessions and stores kept between calls, the join graph while joins are unchanged
  std::unique_ptr<Cache> cache_;
};

}  // namespace cairn::service
