#include "service/api.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <map>
#include <memory>

#include "context/glossary.h"
#include "context/join_graph.h"
#include "context/join_path.h"
#include "context/join_store.h"
#include "context/recipes.h"
#include "context/search.h"
#include "ledger/merkle.h"
#include "service/context_cache.h"
#include "service/context_ops.h"
#include "service/visibility.h"

namespace cairn::service {
namespace {

// How often a Search re-checks whether discovery profiled tables since the index was built
// (the check lists every profiled table, so it is not done on every call).
constexpr auto kIndexCheckInterval = std::chrono::seconds(5);
constexpr int kMaxSearchHits = 100;
constexpr int64_t kMaxLedgerTail = 1000;

// ---- encodings ----------------------------------------------------------------------------

constexpr char kBase64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
constexpr char kBase64Url[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

std::string Base64(std::string_view bytes, const char* alphabet, bool pad) {
  std::string out;
  out.reserve((bytes.size() + 2) / 3 * 4);
  size_t i = 0;
  for (; i + 2 < bytes.size(); i += 3) {
    const uint32_t n = (static_cast<uint8_t>(bytes[i]) << 16) |
                       (static_cast<uint8_t>(bytes[i + 1]) << 8) |
                       static_cast<uint8_t>(bytes[i + 2]);
    out += alphabet[(n >> 18) & 63];
    out += alphabet[(n >> 12) & 63];
    out += alphabet[(n >> 6) & 63];
    out += alphabet[n & 63];
  }
  const size_t rest = bytes.size() - i;
  if (rest > 0) {
    uint32_t n = static_cast<uint8_t>(bytes[i]) << 16;
    if (rest == 2) n |= static_cast<uint8_t>(bytes[i + 1]) << 8;
    out += alphabet[(n >> 18) & 63];
    out += alphabet[(n >> 12) & 63];
    if (rest == 2) out += alphabet[(n >> 6) & 63];
    if (pad) out.append(rest == 1 ? "==" : "=");
  }
  return out;
}

// Decodes unpadded base64url; nullopt for anything else.
std::optional<std::string> FromBase64Url(std::string_view text) {
  if (text.size() % 4 == 1) return std::nullopt;
  std::string out;
  uint32_t buffer = 0;
  int bits = 0;
  for (char c : text) {
    int v = -1;
    if (c >= 'A' && c <= 'Z') v = c - 'A';
    if (c >= 'a' && c <= 'z') v = c - 'a' + 26;
    if (c >= '0' && c <= '9') v = c - '0' + 52;
    if (c == '-') v = 62;
    if (c == '_') v = 63;
    if (v < 0) return std::nullopt;
    buffer = (buffer << 6) | static_cast<uint32_t>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out += static_cast<char>((buffer >> bits) & 0xff);
    }
  }
  return out;
}

// Whether `s` is valid UTF-8 (no overlongs, no surrogates, at most U+10FFFF).
bool IsUtf8(std::string_view s) {
  size_t i = 0;
  while (i < s.size()) {
    const auto c = static_cast<uint8_t>(s[i]);
    if (c < 0x80) {
      ++i;
      continue;
    }
    int n = 0;
    uint32_t cp = 0;
    if ((c & 0xE0) == 0xC0) {
      n = 1;
      cp = c & 0x1F;
    } else if ((c & 0xF0) == 0xE0) {
      n = 2;
      cp = c & 0x0F;
    } else if ((c & 0xF8) == 0xF0) {
      n = 3;
      cp = c & 0x07;
    } else {
      return false;
    }
    for (int k = 1; k <= n; ++k) {
      if (i + k >= s.size()) return false;
      const auto d = static_cast<uint8_t>(s[i + k]);
      if ((d & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (d & 0x3F);
    }
    if ((n == 1 && cp < 0x80) || (n == 2 && cp < 0x800) || (n == 3 && cp < 0x10000) ||
        cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
      return false;
    }
    i += n + 1;
  }
  return true;
}

// Text as JSON can carry it: invalid UTF-8 bytes become U+FFFD.
std::string Utf8(std::string text) {
  if (IsUtf8(text)) return text;
  std::string out;
  for (size_t i = 0; i < text.size();) {
    size_t len = 1;
    const auto c = static_cast<uint8_t>(text[i]);
    if (c >= 0xF0) {
      len = 4;
    } else if (c >= 0xE0) {
      len = 3;
    } else if (c >= 0xC0) {
      len = 2;
    }
    if (len > 1 && i + len <= text.size() && IsUtf8(std::string_view(text).substr(i, len))) {
      out.append(text, i, len);
      i += len;
    } else if (c < 0x80) {
      out += text[i++];
    } else {
      out += "\xEF\xBF\xBD";
      ++i;
    }
  }
  return out;
}

Json ValueToJson(const engine::Value& value) {
  switch (value.type) {
    case engine::Value::Type::kNull:
      return nullptr;
    case engine::Value::Type::kInteger:
      return value.integer;
    case engine::Value::Type::kReal:
      // JSON has no infinities or NaN (a JSON writer would print null, indistinguishable from
      // SQL NULL): they come as {"real": "inf" | "-inf" | "nan"}.
      if (!std::isfinite(value.real)) {
        return Json{{"real", std::isnan(value.real) ? "nan" : value.real > 0 ? "inf" : "-inf"}};
      }
      return value.real;
    case engine::Value::Type::kText:
      return Utf8(value.bytes);
    case engine::Value::Type::kBlob:
      return Json{{"base64", Base64(value.bytes, kBase64, true)}};
  }
  return nullptr;
}

// The first 16 hex digits of SHA-256 of the SQL: what a cursor is bound to.
std::string SqlHash(std::string_view sql) {
  return ledger::ToHex(ledger::Sha256(sql)).substr(0, 16);
}

std::string EncodeCursor(int64_t offset, std::string_view sql) {
  const Json cursor = {{"o", offset}, {"h", SqlHash(sql)}};
  return Base64(cursor.dump(), kBase64Url, false);
}

Result<int64_t> DecodeCursor(const std::string& cursor, std::string_view sql) {
  std::optional<std::string> text = FromBase64Url(cursor);
  if (!text) return InvalidArgumentError("cursor: not a cursor of this API (bad encoding)");
  Json json = Json::parse(*text, nullptr, false);
  if (json.is_discarded() || !json.is_object() || !json.contains("o") || !json.contains("h") ||
      !json["o"].is_number_integer() || !json["h"].is_string() || json["o"].get<int64_t>() < 0) {
    return InvalidArgumentError("cursor: not a cursor of this API");
  }
  if (json["h"].get<std::string>() != SqlHash(sql)) {
    return InvalidArgumentError("cursor: was issued for a different SQL statement");
  }
  return json["o"].get<int64_t>();
}

// One page of a query: skips `offset` rows, then keeps up to `limit` rows or kMaxPageBytes of
// JSON and declares itself Done(), so that the session stops the query there (and tells in
// QueryStats::more whether rows were left) without reading the rest.
class PageSink : public engine::RowSink {
 public:
  PageSink(int64_t offset, int64_t limit) : offset_(offset), limit_(limit) {}

  Status Columns(const std::vector<std::string>& names) override {
    columns_ = Json::array();
    for (const auto& name : names) columns_.push_back(Utf8(name));
    bytes_ =
        static_cast<int64_t>(columns_.dump(-1, ' ', false, Json::error_handler_t::replace).size()) +
        512;  // the rest of the envelope, roughly
    return OkStatus();
  }

  Status Row(const std::vector<engine::Value>& values) override {
    if (seen_++ < offset_) return OkStatus();
    Json row = Json::array();
    for (const auto& value : values) row.push_back(ValueToJson(value));
    const auto size =
        static_cast<int64_t>(row.dump(-1, ' ', false, Json::error_handler_t::replace).size()) + 1;
    // At least one row per page, so that paging always advances.
    if (!rows_.empty() && bytes_ + size > kMaxPageBytes) {
      truncated_ = true;  // this row starts the next page
      done_ = true;
      return OkStatus();
    }
    bytes_ += size;
    rows_.push_back(std::move(row));
    done_ = static_cast<int64_t>(rows_.size()) == limit_;
    return OkStatus();
  }

  bool Done() const override { return done_; }

  bool truncated() const { return truncated_; }
  Json& columns() { return columns_; }
  Json& rows() { return rows_; }
  int64_t row_count() const { return static_cast<int64_t>(rows_.size()); }

 private:
  int64_t offset_;
  int64_t limit_;
  int64_t seen_ = 0;
  int64_t bytes_ = 0;
  bool done_ = false;
  bool truncated_ = false;
  Json columns_ = Json::array();
  Json rows_ = Json::array();
};

Json RecordJson(const ledger::Record& record) {
  const ledger::Entry& e = record.entry;
  return {{"seq", record.seq},
          {"time", e.time},
          {"principal", e.principal},
          {"action", e.action},
          {"subject", Utf8(e.subject)},
          {"input_digest", e.input_digest},
          {"result_digest", e.result_digest},
          {"label", e.label},
          {"decision", Utf8(e.decision)},
          {"ingress", e.ingress},
          {"leaf_hash", record.leaf_hash}};
}

Json PrincipalJson(const policy::PrincipalRecord& p) {
  return {{"id", p.id},
          {"kind", p.kind},
          {"roles", p.roles},
          {"attributes", p.attributes},
          {"disabled", p.disabled},
          {"created_at", p.created}};
}

Json TokenJson(const policy::TokenRecord& t, std::string_view now) {
  return {{"id", t.id},
          {"principal", t.principal},
          {"created_at", t.created},
          {"expires_at", t.expires.empty() ? Json() : Json(t.expires)},
          {"revoked", t.revoked},
          {"state", std::string(policy::TokenState(t, now))},
          {"description", t.description}};
}

Json HitJson(const context::SearchHit& hit) {
  return {{"kind", std::string(context::SearchKindName(hit.kind))},
          {"ref", hit.ref},
          {"source", hit.source},
          {"table", hit.table},
          {"column", hit.column},
          {"detail", hit.detail},
          {"description", hit.description},
          {"score", hit.score}};
}

Status CheckName(const std::string& value, std::string_view field) {
  if (value.empty()) return InvalidArgumentError("{}: must not be empty", field);
  if (value.size() > 1024 || value.find('\0') != std::string::npos || !IsUtf8(value)) {
    return InvalidArgumentError("{}: not a valid name", field);
  }
  return OkStatus();
}

}  // namespace

struct Api::Cache : ContextCache {};

Api::Api(Workspace* workspace) : ws_(workspace), cache_(std::make_unique<Cache>()) {}
Api::~Api() = default;

Result<engine::Principal> Api::Authenticate(std::string_view token) {
  return ws_->Authenticate(token);
}

Result<Json> Api::Sources(const Caller& caller) {
  ASSIGN_OR_RETURN(engine::Session * session, ws_->CachedSession(caller.principal, caller.ingress));
  const bool admin = caller.principal.HasRole("admin");
  Json out = Json::array();
  for (const engine::SourceStatus& s : session->Sources()) {
    Json item = {{"name", s.name}, {"kind", s.kind}, {"ok", s.status.ok()}};
    item["tables"] = s.tables >= 0 ? Json(s.tables) : Json();
    if (admin) item["location"] = Utf8(s.location);
    if (!s.status.ok()) item["error"] = Utf8(s.status.ToString());
    out.push_back(std::move(item));
  }
  RETURN_IF_ERROR(ws_->Record(caller.principal, caller.ingress, "api:sources", "sources"));
  return out;
}

Result<Json> Api::Tables(const Caller& caller, const std::string& source) {
  if (!source.empty()) RETURN_IF_ERROR(CheckName(source, "source"));
  ASSIGN_OR_RETURN(engine::Session * session, ws_->CachedSession(caller.principal, caller.ingress));
  std::vector<std::string> names;
  if (source.empty()) {
    names = ws_->catalog()->SourceNames();
  } else {
    names.push_back(source);
  }
  Json out = Json::array();
  for (const auto& name : names) {
    Result<std::vector<connectors::TableInfo>> listed = session->Tables(name);
    // A restricted principal lists the sources it may see; the others do not exist for it.
    if (source.empty() && session->restricted() &&
        listed.status().code() == StatusCode::kNotFound) {
      continue;
    }
    ASSIGN_OR_RETURN(auto tables, std::move(listed));
    for (const auto& table : tables) {
      out.push_back(
          {{"source", name},
           {"table", table.name},
           {"kind", table.kind},
           {"columns", table.columns.size()},
           {"rows_estimate", table.row_estimate >= 0 ? Json(table.row_estimate) : Json()}});
    }
  }
  RETURN_IF_ERROR(ws_->Record(caller.principal, caller.ingress, "api:tables",
                              source.empty() ? std::string("*") : source));
  return out;
}

Result<Json> Api::Describe(const Caller& caller, const std::string& source,
                           const std::string& table) {
  RETURN_IF_ERROR(CheckName(source, "source"));
  RETURN_IF_ERROR(CheckName(table, "table"));
  ASSIGN_OR_RETURN(engine::Session * session, ws_->CachedSession(caller.principal, caller.ingress));
  ASSIGN_OR_RETURN(ContextCache * cache, OpenStores(ws_, cache_.get()));
  ASSIGN_OR_RETURN(policy::Policy * policy, ws_->Policy(caller.principal, caller.ingress));
  Result<connectors::TableInfo> described = session->Describe(source, table);
  if (!described.ok()) {
    RETURN_IF_ERROR(
        ws_->Record(caller.principal, caller.ingress, "api:describe", source + "." + table,
                    fmt::format("error: {}", StatusCodeName(described.status().code()))));
    return described.status();
  }
  const connectors::TableInfo& info = *described;
  ASSIGN_OR_RETURN(std::vector<context::Description> descriptions,
                   cache->glossary->ListDescriptions(source, info.name));
  std::map<std::string, std::string> stated;
  for (const auto& d : descriptions) stated[d.column] = d.text;
  auto description = [&](const std::string& column) -> Json {
    auto found = stated.find(column);
    return found == stated.end() ? Json() : Json(Utf8(found->second));
  };
  engine::Label table_label = engine::Label::kPublic;
  Json columns = Json::array();
  for (const auto& column : info.columns) {
    const engine::Label label = policy->ColumnLabel(source, info.name, column.name);
    table_label = std::max(table_label, label);
    columns.push_back({{"name", column.name},
                       {"type", column.type},
                       {"source_type", column.source_type},
                       {"not_null", column.not_null},
                       {"primary_key", column.primary_key},
                       {"description", description(column.name)},
                       {"label", std::string(engine::LabelName(label))}});
  }
  Json out = {{"source", source},
              {"table", info.name},
              {"kind", info.kind},
              {"description", description("")},
              {"label", std::string(engine::LabelName(table_label))},
              {"rows_estimate", info.row_estimate >= 0 ? Json(info.row_estimate) : Json()},
              {"columns", std::move(columns)}};
  RETURN_IF_ERROR(
      ws_->Record(caller.principal, caller.ingress, "api:describe", source + "." + info.name));
  return out;
}

Result<Json> Api::Search(const Caller& caller, const std::string& text, int limit) {
  if (text.find_first_not_of(" \t\r\n") == std::string::npos) {
    return InvalidArgumentError("query: must not be empty");
  }
  if (text.size() > 4096 || !IsUtf8(text)) {
    return InvalidArgumentError("query: at most 4096 bytes of UTF-8");
  }
  if (limit < 1 || limit > kMaxSearchHits) {
    return InvalidArgumentError("limit: must be between 1 and {}, got {}", kMaxSearchHits, limit);
  }
  ASSIGN_OR_RETURN(engine::Session * session, ws_->CachedSession(caller.principal, caller.ingress));
  ASSIGN_OR_RETURN(ContextCache * cache, OpenStores(ws_, cache_.get()));
  const auto now = std::chrono::steady_clock::now();
  if (!cache->index_ready || now - cache->index_checked >= kIndexCheckInterval) {
    ASSIGN_OR_RETURN(bool stale, SearchIndexStale(cache->db, *cache->search));
    if (stale) {
      // The index is shared context: built from every source's schema, as the administrator
      // (hits are filtered per principal below), like discovery.
      ASSIGN_OR_RETURN(engine::Principal admin, ws_->LocalAdmin());
      ASSIGN_OR_RETURN(engine::Session * indexer, ws_->CachedSession(admin, caller.ingress));
      RETURN_IF_ERROR(context::Reindex(cache->db, indexer).status());
    }
    cache->index_ready = true;
    cache->index_checked = now;
  }
  ASSIGN_OR_RETURN(std::vector<context::SearchHit> hits,
                   VisibleSearch(*session, *cache->search, *cache->recipes, text, limit));
  Json list = Json::array();
  for (const auto& hit : hits) list.push_back(HitJson(hit));
  RETURN_IF_ERROR(ws_->Record(caller.principal, caller.ingress, "api:search", text));
  return Json{{"query", text}, {"hits", std::move(list)}};
}

Result<Json> Api::Joins(const Caller& caller) {
  ASSIGN_OR_RETURN(engine::Session * session, ws_->CachedSession(caller.principal, caller.ingress));
  ASSIGN_OR_RETURN(ContextCache * cache, OpenStores(ws_, cache_.get()));
  ASSIGN_OR_RETURN(std::shared_ptr<const ContextCache::View> view, JoinView(cache, *session));
  Json list = Json::array();
  for (const auto& join : view->joins) list.push_back(Json(join.ToJson()));
  RETURN_IF_ERROR(ws_->Record(caller.principal, caller.ingress, "api:joins", "joins"));
  return Json{{"joins", std::move(list)}};
}

Result<Json> Api::SetJoinVerdict(const Caller& caller, int64_t id, const std::string& verdict) {
  RETURN_IF_ERROR(ws_->RequireAdmin(caller.principal, caller.ingress, "api:join_verdict"));
  context::JoinKind kind;
  if (!context::JoinKindFromName(verdict, &kind) ||
      (kind != context::JoinKind::kConfirmed && kind != context::JoinKind::kRejected)) {
    return InvalidArgumentError("verdict: expected \"confirmed\" or \"rejected\", got '{}'",
                                Utf8(verdict));
  }
  if (id <= 0) return InvalidArgumentError("id: expected a positive join id, got {}", id);
  ASSIGN_OR_RETURN(ContextCache * cache, OpenStores(ws_, cache_.get()));
  ASSIGN_OR_RETURN(context::Join join, cache->joins->Get(id));
  ASSIGN_OR_RETURN(context::Join updated,
                   cache->joins->SetVerdict(join.from, join.to, kind, caller.principal.id, ""));
  cache->joins_loaded = false;  // changed through this connection: data_version does not move
  RETURN_IF_ERROR(
      ws_->Record(caller.principal, caller.ingress, "join_verdict", JoinVerdictSubject(updated)));
  return Json(updated.ToJson());
}

Result<Json> Api::Path(const Caller& caller, const std::vector<std::string>& tables,
                       const std::vector<std::string>& columns,
                       const std::vector<std::string>& fixed) {
  if (tables.size() < 2) {
    return InvalidArgumentError("tables: a join path needs at least two tables, got {}",
                                tables.size());
  }
  for (const auto& name : tables) RETURN_IF_ERROR(CheckName(name, "tables"));
  ASSIGN_OR_RETURN(engine::Session * session, ws_->CachedSession(caller.principal, caller.ingress));
  ASSIGN_OR_RETURN(ContextCache * cache, OpenStores(ws_, cache_.get()));
  ASSIGN_OR_RETURN(std::shared_ptr<const ContextCache::View> view, JoinView(cache, *session));
  const std::string subject = fmt::format("{}", fmt::join(tables, ","));
  auto fail = [&](const Status& status) -> Status {
    RETURN_IF_ERROR(ws_->Record(caller.principal, caller.ingress, "api:path", subject,
                                fmt::format("error: {}", StatusCodeName(status.code()))));
    return status;
  };
  // The shared graph, unless a table without joins must be added to a copy.
  const context::JoinGraph* graph = &view->graph;
  context::JoinGraph extended;
  std::vector<context::TableRef> refs;
  {
    bool all_known = true;
    for (const auto& name : tables) {
      Result<context::TableRef> ref = view->graph.Resolve(name);
      if (!ref.ok() && ref.status().code() != StatusCode::kNotFound) return fail(ref.status());
      if (!ref.ok()) {
        all_known = false;
        break;
      }
      refs.push_back(*ref);
    }
    if (!all_known) {
      extended = view->graph;
      Result<std::vector<context::TableRef>> resolved =
          ResolveTables(*session, *ws_->catalog(), tables, view->joins, &extended);
      if (!resolved.ok()) return fail(resolved.status());
      refs = std::move(*resolved);
      graph = &extended;
    }
  }
  context::PathOptions options;
  auto named = PathColumns(columns, refs, "columns");
  if (!named.ok()) return fail(named.status());
  options.named_columns = std::move(*named);
  auto fixed_columns = PathColumns(fixed, refs, "fixed");
  if (!fixed_columns.ok()) return fail(fixed_columns.status());
  options.fixed_columns = std::move(*fixed_columns);
  auto reads = RecipeReadsView(cache, *session);
  if (!reads.ok()) return fail(reads.status());
  options.recipe_reads = **reads;
  Result<context::JoinPlan> plan = context::FindJoinPlan(*graph, refs, options);
  if (!plan.ok()) {
    // Every table is a node of the graph now: NotFound means they are not connected.
    if (plan.status().code() == StatusCode::kNotFound) {
      return fail(FailedPreconditionError("{}", plan.status().message()));
    }
    return fail(plan.status());
  }
  RETURN_IF_ERROR(ws_->Record(caller.principal, caller.ingress, "api:path", subject));
  return Json(plan->ToJson());
}

Result<Json> Api::Query(const Caller& caller, const QueryRequest& request) {
  if (request.sql.find_first_not_of(" \t\r\n;") == std::string::npos) {
    return InvalidArgumentError("sql: must not be empty");
  }
  const int64_t limit = request.limit == 0 ? kDefaultPageRows : request.limit;
  if (limit < 1 || limit > kMaxPageRows) {
    return InvalidArgumentError("limit: must be between 1 and {}, got {}", kMaxPageRows,
                                request.limit);
  }
  if (request.offset < 0) {
    return InvalidArgumentError("offset: must not be negative, got {}", request.offset);
  }
  int64_t offset = request.offset;
  if (!request.cursor.empty()) {
    ASSIGN_OR_RETURN(offset, DecodeCursor(request.cursor, request.sql));
  }
  ASSIGN_OR_RETURN(engine::Session * session, ws_->CachedSession(caller.principal, caller.ingress));
  PageSink page(offset, limit);
  engine::QueryStats stats;
  engine::QueryOptions options;
  options.destination = request.to;
  RETURN_IF_ERROR(session->Query(request.sql, &page, &stats, options));
  const int64_t row_count = page.row_count();
  const int64_t next = offset + row_count;
  const bool more = page.truncated() || stats.more;
  Json rules = Json::array();
  for (const auto& rule : stats.rules) rules.push_back(Utf8(rule));
  return Json{{"columns", std::move(page.columns())},
              {"rows", std::move(page.rows())},
              {"offset", offset},
              {"row_count", row_count},
              {"has_more", more},
              {"next_cursor", more ? Json(EncodeCursor(next, request.sql)) : Json()},
              {"truncated", page.truncated()},
              {"label", std::string(engine::LabelName(stats.label))},
              {"rules", std::move(rules)}};
}

Result<Json> Api::Remember(const Caller& caller, const std::string& question,
                           const std::string& sql, const std::string& note) {
  if (question.find_first_not_of(" \t\r\n") == std::string::npos) {
    return InvalidArgumentError("question: must not be empty");
  }
  if (sql.find_first_not_of(" \t\r\n;") == std::string::npos) {
    return InvalidArgumentError("sql: must not be empty");
  }
  if (!IsUtf8(question) || !IsUtf8(sql) || !IsUtf8(note)) {
    return InvalidArgumentError("question, sql and note must be UTF-8");
  }
  ASSIGN_OR_RETURN(engine::Session * session, ws_->CachedSession(caller.principal, caller.ingress));
  ASSIGN_OR_RETURN(ContextCache * cache, OpenStores(ws_, cache_.get()));
  Result<context::Recipe> recipe = cache->recipes->Remember(session, question, sql, note);
  if (!recipe.ok()) {
    RETURN_IF_ERROR(ws_->Record(caller.principal, caller.ingress, "recipe_change",
                                "remember: " + question,
                                fmt::format("error: {}", StatusCodeName(recipe.status().code()))));
    return recipe.status();
  }
  RETURN_IF_ERROR(
      ws_->Record(caller.principal, caller.ingress, "recipe_change", RememberSubject(*recipe)));
  RETURN_IF_ERROR(cache->search->RefreshStated().status());
  return RecipeToJson(*recipe);
}

Result<Json> Api::Recall(const Caller& caller, const std::string& question, int limit) {
  if (question.find_first_not_of(" \t\r\n") == std::string::npos) {
    return InvalidArgumentError("question: must not be empty");
  }
  if (limit < 1 || limit > kMaxSearchHits) {
    return InvalidArgumentError("limit: must be between 1 and {}, got {}", kMaxSearchHits, limit);
  }
  ASSIGN_OR_RETURN(engine::Session * session, ws_->CachedSession(caller.principal, caller.ingress));
  ASSIGN_OR_RETURN(ContextCache * cache, OpenStores(ws_, cache_.get()));
  ASSIGN_OR_RETURN(std::vector<context::RecipeMatch> matches,
                   VisibleRecall(*session, *cache->recipes, question, limit));
  Json list = Json::array();
  for (const auto& match : matches) {
    Json item = RecipeToJson(match.recipe);
    item["score"] = match.score;
    list.push_back(std::move(item));
  }
  RETURN_IF_ERROR(ws_->Record(caller.principal, caller.ingress, "api:recall", question));
  return Json{{"question", question}, {"recipes", std::move(list)}};
}

Result<Json> Api::Recipes(const Caller& caller) {
  ASSIGN_OR_RETURN(engine::Session * session, ws_->CachedSession(caller.principal, caller.ingress));
  ASSIGN_OR_RETURN(ContextCache * cache, OpenStores(ws_, cache_.get()));
  ASSIGN_OR_RETURN(std::vector<context::Recipe> listed, cache->recipes->List());
  Json list = Json::array();
  for (const auto& recipe : listed) {
    if (CanSeeRecipe(*session, recipe)) list.push_back(RecipeToJson(recipe));
  }
  RETURN_IF_ERROR(ws_->Record(caller.principal, caller.ingress, "api:recipes", "recipes"));
  return Json{{"recipes", std::move(list)}};
}

Result<Json> Api::Recipe(const Caller& caller, int64_t id) {
  ASSIGN_OR_RETURN(engine::Session * session, ws_->CachedSession(caller.principal, caller.ingress));
  ASSIGN_OR_RETURN(ContextCache * cache, OpenStores(ws_, cache_.get()));
  Result<context::Recipe> recipe = cache->recipes->Get(id);
  const std::string subject = fmt::format("recipe {}", id);
  // A recipe the principal may not see does not exist for it.
  if (!recipe.ok() || !CanSeeRecipe(*session, *recipe)) {
    if (!recipe.ok() && recipe.status().code() != StatusCode::kNotFound) return recipe.status();
    RETURN_IF_ERROR(
        ws_->Record(caller.principal, caller.ingress, "api:recipe", subject, "error: NotFound"));
    return NotFoundError("no recipe {}", id);
  }
  RETURN_IF_ERROR(ws_->Record(caller.principal, caller.ingress, "api:recipe", subject));
  return RecipeToJson(*recipe);
}

Result<Json> Api::RunRecipe(const Caller& caller, int64_t id, QueryRequest request) {
  ASSIGN_OR_RETURN(engine::Session * session, ws_->CachedSession(caller.principal, caller.ingress));
  ASSIGN_OR_RETURN(ContextCache * cache, OpenStores(ws_, cache_.get()));
  const std::string subject = fmt::format("recipe {}", id);
  // Visibility first, from the stored recipe: a check records its outcome, and a recipe the
  // caller may not see is not the caller's to re-check.
  Result<context::Recipe> stored = cache->recipes->Get(id);
  if (!stored.ok() || !CanSeeRecipe(*session, *stored)) {
    if (!stored.ok() && stored.status().code() != StatusCode::kNotFound) return stored.status();
    RETURN_IF_ERROR(ws_->Record(caller.principal, caller.ingress, "api:run_recipe", subject,
                                "error: NotFound"));
    return NotFoundError("no recipe {}", id);
  }
  ASSIGN_OR_RETURN(context::Recipe recipe, cache->recipes->Check(session, id));
  if (!context::IsServable(recipe.freshness)) {
    RETURN_IF_ERROR(ws_->Record(caller.principal, caller.ingress, "api:run_recipe", subject,
                                "error: FailedPrecondition"));
    return FailedPreconditionError("recipe {} is {}: {}", id,
                                   context::FreshnessName(recipe.freshness), recipe.stale_reason);
  }
  RETURN_IF_ERROR(ws_->Record(caller.principal, caller.ingress, "api:run_recipe", subject));
  const bool first_page = request.cursor.empty() && request.offset == 0;
  request.sql = recipe.sql;
  ASSIGN_OR_RETURN(Json page, Query(caller, request));
  if (first_page) RETURN_IF_ERROR(cache->recipes->CountReuse(id));
  page["recipe_id"] = id;
  return page;
}

Result<Json> Api::Graph(const Caller& caller) {
  ASSIGN_OR_RETURN(engine::Session * session, ws_->CachedSession(caller.principal, caller.ingress));
  ASSIGN_OR_RETURN(ContextCache * cache, OpenStores(ws_, cache_.get()));
  ASSIGN_OR_RETURN(std::shared_ptr<const ContextCache::View> view, JoinView(cache, *session));
  Json tables = Json::array();
  for (const auto& table : view->graph.tables()) {
    tables.push_back({{"source", table.source}, {"table", table.table}});
  }
  Json joins = Json::array();
  for (const auto& join : view->graph.all_joins()) joins.push_back(Json(join.ToJson()));
  RETURN_IF_ERROR(ws_->Record(caller.principal, caller.ingress, "api:graph", "graph"));
  return Json{{"tables", std::move(tables)}, {"joins", std::move(joins)}};
}

// ---- ledger -------------------------------------------------------------------------------

namespace {

// The ledger names every principal's queries and the real reason of every denial: only
// administrators and the policy's ledger readers may read it.
Result<ledger::Ledger*> LedgerFor(Workspace* ws, const Caller& caller, const std::string& action,
                                  const std::string& subject) {
  ASSIGN_OR_RETURN(policy::Policy * policy, ws->Policy(caller.principal, caller.ingress));
  if (!policy->CanReadLedger(caller.principal)) {
    RETURN_IF_ERROR(
        ws->Record(caller.principal, caller.ingress, action, subject, "deny: not a ledger reader"));
    return PermissionDeniedError(
        "'{}' may not read the ledger: only administrators and roles listed under ledger_readers "
        "in {} may",
        caller.principal.id, policy->file_name());
  }
  ASSIGN_OR_RETURN(ledger::Ledger * l, ws->Ledger());
  RETURN_IF_ERROR(ws->Record(caller.principal, caller.ingress, action, subject));
  return l;
}

}  // namespace

Result<Json> Api::LedgerTail(const Caller& caller, int64_t n) {
  if (n < 1 || n > kMaxLedgerTail) {
    return InvalidArgumentError("n: must be between 1 and {}, got {}", kMaxLedgerTail, n);
  }
  ASSIGN_OR_RETURN(ledger::Ledger * l,
                   LedgerFor(ws_, caller, "api:ledger_tail", fmt::format("tail {}", n)));
  ASSIGN_OR_RETURN(std::vector<ledger::Record> records, l->Tail(n));
  Json entries = Json::array();
  for (const auto& record : records) entries.push_back(RecordJson(record));
  return Json{{"entries", std::move(entries)}};
}

Result<Json> Api::LedgerEntry(const Caller& caller, int64_t seq) {
  if (seq < 0) return InvalidArgumentError("seq: must not be negative, got {}", seq);
  ASSIGN_OR_RETURN(ledger::Ledger * l,
                   LedgerFor(ws_, caller, "api:ledger_entry", fmt::format("entry {}", seq)));
  ASSIGN_OR_RETURN(ledger::Record record, l->Get(seq));
  return RecordJson(record);
}

Result<Json> Api::LedgerProof(const Caller& caller, int64_t seq, int64_t tree_size) {
  if (seq < 0) return InvalidArgumentError("seq: must not be negative, got {}", seq);
  if (tree_size < 0) {
    return InvalidArgumentError("tree_size: must not be negative, got {}", tree_size);
  }
  ASSIGN_OR_RETURN(ledger::Ledger * l, LedgerFor(ws_, caller, "api:ledger_proof",
                                                 fmt::format("proof {} in {}", seq, tree_size)));
  ASSIGN_OR_RETURN(uint64_t size, l->Size());
  if (static_cast<uint64_t>(seq) >= size) return NotFoundError("no ledger entry {}", seq);
  const uint64_t tree = tree_size == 0 ? size : static_cast<uint64_t>(tree_size);
  if (tree <= static_cast<uint64_t>(seq) || tree > size) {
    return InvalidArgumentError("tree_size: must be in {}..{} for entry {}, got {}", seq + 1, size,
                                seq, tree_size);
  }
  ASSIGN_OR_RETURN(ledger::InclusionProofData proof, l->Prove(static_cast<uint64_t>(seq), tree));
  ASSIGN_OR_RETURN(ledger::Record record, l->Get(seq));
  return Json{{"seq", seq},
              {"tree_size", proof.tree_size},
              {"leaf_hash", proof.leaf_hash},
              {"root_hash", proof.root_hash},
              {"path", proof.audit_path},
              {"entry", RecordJson(record)}};
}

Result<Json> Api::LedgerVerify(const Caller& caller) {
  ASSIGN_OR_RETURN(ledger::Ledger * l, LedgerFor(ws_, caller, "api:ledger_verify", "verify"));
  Json out = {{"ok", true}, {"entries", 0}, {"signed_heads", 0}};
  Result<ledger::VerifyReport> report = l->Verify(&ws_->ledger_key()->public_key(), {});
  if (report.ok()) {
    out["entries"] = report->entries;
    out["signed_heads"] = report->signed_heads;
  } else if (report.status().code() == StatusCode::kDataLoss) {
    out["ok"] = false;
  } else {
    return report.status();
  }
  ASSIGN_OR_RETURN(uint64_t size, l->Size());
  ASSIGN_OR_RETURN(std::optional<ledger::SignedTreeHead> head, l->LatestSignedTreeHead());
  out["size"] = size;
  out["latest_signed_head"] = head ? Json(ledger::TreeHeadToJson(*head)) : Json();
  if (!report.ok()) out["error"] = Utf8(report.status().ToString());
  return out;
}

// ---- principals and tokens ----------------------------------------------------------------

Result<Json> Api::Principals(const Caller& caller) {
  RETURN_IF_ERROR(ws_->RequireAdmin(caller.principal, caller.ingress, "api:principals"));
  ASSIGN_OR_RETURN(policy::PrincipalStore * store, ws_->Principals());
  ASSIGN_OR_RETURN(std::vector<policy::PrincipalRecord> all, store->List());
  Json list = Json::array();
  for (const auto& p : all) list.push_back(PrincipalJson(p));
  RETURN_IF_ERROR(ws_->Record(caller.principal, caller.ingress, "api:principals", "principals"));
  return Json{{"principals", std::move(list)}};
}

Result<Json> Api::AddPrincipal(const Caller& caller, const Json& principal) {
  RETURN_IF_ERROR(ws_->RequireAdmin(caller.principal, caller.ingress, "api:add_principal"));
  if (!principal.is_object()) return InvalidArgumentError("principal: expected a JSON object");
  policy::PrincipalRecord p;
  if (!principal.contains("id") || !principal["id"].is_string()) {
    return InvalidArgumentError("id: expected a string");
  }
  p.id = principal["id"].get<std::string>();
  if (principal.contains("kind")) {
    if (!principal["kind"].is_string()) return InvalidArgumentError("kind: expected a string");
    p.kind = principal["kind"].get<std::string>();
  }
  if (principal.contains("roles")) {
    if (!principal["roles"].is_array()) return InvalidArgumentError("roles: expected an array");
    for (const auto& role : principal["roles"]) {
      if (!role.is_string()) return InvalidArgumentError("roles: expected strings");
      p.roles.push_back(role.get<std::string>());
    }
  }
  if (principal.contains("attributes")) {
    if (!principal["attributes"].is_object()) {
      return InvalidArgumentError("attributes: expected an object");
    }
    for (const auto& [key, value] : principal["attributes"].items()) {
      if (!value.is_string()) {
        return InvalidArgumentError("attributes.{}: expected a string", Utf8(key));
      }
      p.attributes[key] = value.get<std::string>();
    }
  }
  ASSIGN_OR_RETURN(policy::PrincipalStore * store, ws_->Principals());
  RETURN_IF_ERROR(store->Add(p));
  ASSIGN_OR_RETURN(policy::PrincipalRecord added, store->Get(p.id));
  Status recorded =
      ws_->Record(caller.principal, caller.ingress, "principal_change", PrincipalAddSubject(added));
  if (!recorded.ok()) return recorded.WithContext("done, but not recorded in the ledger");
  return PrincipalJson(added);
}

Result<Json> Api::SetPrincipalDisabled(const Caller& caller, const std::string& id, bool disabled) {
  RETURN_IF_ERROR(
      ws_->RequireAdmin(caller.principal, caller.ingress, "api:set_principal_disabled"));
  RETURN_IF_ERROR(CheckName(id, "id"));
  ASSIGN_OR_RETURN(policy::PrincipalStore * store, ws_->Principals());
  RETURN_IF_ERROR(store->SetDisabled(id, disabled));
  Status recorded = ws_->Record(caller.principal, caller.ingress, "principal_change",
                                PrincipalSetDisabledSubject(id, disabled));
  if (!recorded.ok()) return recorded.WithContext("done, but not recorded in the ledger");
  ASSIGN_OR_RETURN(policy::PrincipalRecord record, store->Get(id));
  return PrincipalJson(record);
}

Result<Json> Api::Tokens(const Caller& caller, const std::string& principal) {
  RETURN_IF_ERROR(ws_->RequireAdmin(caller.principal, caller.ingress, "api:tokens"));
  ASSIGN_OR_RETURN(policy::PrincipalStore * store, ws_->Principals());
  if (!principal.empty()) RETURN_IF_ERROR(store->Get(principal).status());
  ASSIGN_OR_RETURN(std::vector<policy::TokenRecord> tokens, store->Tokens(principal));
  const std::string now = ledger::SystemClock().NowUtc();
  Json list = Json::array();
  for (const auto& t : tokens) list.push_back(TokenJson(t, now));
  RETURN_IF_ERROR(ws_->Record(caller.principal, caller.ingress, "api:tokens",
                              principal.empty() ? std::string("*") : principal));
  return Json{{"tokens", std::move(list)}};
}

Result<Json> Api::IssueToken(const Caller& caller, const std::string& principal,
                             int64_t ttl_seconds) {
  RETURN_IF_ERROR(ws_->RequireAdmin(caller.principal, caller.ingress, "api:issue_token"));
  RETURN_IF_ERROR(CheckName(principal, "principal"));
  if (ttl_seconds < 0) {
    return InvalidArgumentError("ttl_seconds: must not be negative, got {}", ttl_seconds);
  }
  std::optional<std::chrono::seconds> ttl;
  if (ttl_seconds > 0) ttl = std::chrono::seconds(ttl_seconds);
  ASSIGN_OR_RETURN(policy::PrincipalStore * store, ws_->Principals());
  ASSIGN_OR_RETURN(
      policy::IssuedToken issued,
      store->Issue(principal, ttl,
                   fmt::format("issued by {} through {}", caller.principal.id, caller.ingress)));
  const policy::TokenRecord& t = issued.record;
  Status recorded =
      ws_->Record(caller.principal, caller.ingress, "token_change", TokenIssueSubject(t));
  if (!recorded.ok()) {
    // An unrecorded token must not be usable: take it back before reporting the failure.
    Status revoked = store->Revoke(t.id);
    if (!revoked.ok()) return recorded.WithContext("token " + t.id + " could not be revoked");
    return recorded;
  }
  return Json{{"id", t.id},
              {"principal", t.principal},
              {"token", issued.secret},
              {"created_at", t.created},
              {"expires_at", t.expires.empty() ? Json() : Json(t.expires)}};
}

Result<Json> Api::RevokeToken(const Caller& caller, const std::string& token_id) {
  RETURN_IF_ERROR(ws_->RequireAdmin(caller.principal, caller.ingress, "api:revoke_token"));
  RETURN_IF_ERROR(CheckName(token_id, "token_id"));
  ASSIGN_OR_RETURN(policy::PrincipalStore * store, ws_->Principals());
  RETURN_IF_ERROR(store->Revoke(token_id));
  Status recorded =
      ws_->Record(caller.principal, caller.ingress, "token_change", TokenRevokeSubject(token_id));
  if (!recorded.ok()) return recorded.WithContext("done, but not recorded in the ledger");
  ASSIGN_OR_RETURN(std::vector<policy::TokenRecord> tokens, store->Tokens(""));
  const std::string now = ledger::SystemClock().NowUtc();
  for (const auto& t : tokens) {
    if (t.id == token_id) return TokenJson(t, now);
  }
  return Json{{"id", token_id}, {"revoked", true}};
}

}  // namespace cairn::service
