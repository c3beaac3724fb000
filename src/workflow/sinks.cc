#include "workflow/sinks.h"

#include <fmt/format.h>
#include <sqlite3.h>

#include <algorithm>
#include <memory>
#include <string_view>
#include <system_error>
#include <utility>

#include "net/http_client.h"
#include "store/sqlite_errors.h"

namespace cairn::workflow {
namespace {

constexpr int kBusyTimeoutMs = 5000;
constexpr int64_t kWebhookMaxResponseBytes = 1 << 20;

struct CloseDb {
  void operator()(sqlite3* db) const { sqlite3_close_v2(db); }
};
using Db = std::unique_ptr<sqlite3, CloseDb>;

struct FinalizeStmt {
  void operator()(sqlite3_stmt* stmt) const { sqlite3_finalize(stmt); }
};
using Stmt = std::unique_ptr<sqlite3_stmt, FinalizeStmt>;

Status SqliteError(const std::filesystem::path& path, sqlite3* db, int rc, std::string_view doing) {
  std::string message = fmt::format("outbox {}: {}: {}", path.string(), doing,
                                    db != nullptr ? sqlite3_errmsg(db) : sqlite3_errstr(rc));
  return Status(store::SqliteStatusCode(rc), message);
}

Status Exec(const std::filesystem::path& path, sqlite3* db, const char* sql) {
  int rc = sqlite3_exec(db, sql, nullptr, nullptr, nullptr);
  if (rc != SQLITE_OK) return SqliteError(path, db, sqlite3_extended_errcode(db), sql);
  return OkStatus();
}

enum class Mode { kWrite, kRead };

Result<Db> OpenOutbox(const std::filesystem::path& path, Mode mode) {
  if (path.empty()) return InvalidArgumentError("outbox: empty path");
  std::error_code ec;
  if (mode == Mode::kRead && !std::filesystem::exists(path, ec)) {
    return NotFoundError("outbox {}: no such file", path.string());
  }
  if (mode == Mode::kWrite && path.has_parent_path()) {
    std::filesystem::create_directories(path.parent_path(), ec);
    if (ec) {
      return UnavailableError("outbox {}: cannot create its directory: {}", path.string(),
                              ec.message());
    }
  }
  sqlite3* raw = nullptr;
  const int flags =
      (mode == Mode::kWrite ? SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE : SQLITE_OPEN_READONLY) |
      SQLITE_OPEN_NOMUTEX;
  int rc = sqlite3_open_v2(path.c_str(), &raw, flags, nullptr);
  Db db(raw);
  if (rc != SQLITE_OK) return SqliteError(path, db.get(), rc, "cannot open");
  sqlite3_busy_timeout(db.get(), kBusyTimeoutMs);
  sqlite3_db_config(db.get(), SQLITE_DBCONFIG_ENABLE_LOAD_EXTENSION, 0, nullptr);
  if (mode == Mode::kWrite) {
    RETURN_IF_ERROR(Exec(path, db.get(), "PRAGMA journal_mode = WAL"));
    RETURN_IF_ERROR(Exec(path, db.get(), "PRAGMA synchronous = FULL"));
    RETURN_IF_ERROR(Exec(path, db.get(),
                         "CREATE TABLE IF NOT EXISTS outbox (idempotency_key TEXT PRIMARY KEY, "
                         "created_at TEXT, payload TEXT)"));
  }
  return db;
}

Result<Stmt> Prepare(const std::filesystem::path& path, sqlite3* db, const char* sql) {
  sqlite3_stmt* raw = nullptr;
  int rc = sqlite3_prepare_v2(db, sql, -1, &raw, nullptr);
  Stmt stmt(raw);
  if (rc != SQLITE_OK) {
    if (std::string_view(sqlite3_errmsg(db)).find("no such table") != std::string_view::npos) {
      return NotFoundError("outbox {}: the file has no outbox table", path.string());
    }
    return SqliteError(path, db, sqlite3_extended_errcode(db), "cannot prepare a statement");
  }
  return stmt;
}

Result<std::string> PayloadText(const nlohmann::json& payload) {
  try {
    return payload.dump();
  } catch (const nlohmann::json::exception& e) {
    return InvalidArgumentError("the action payload cannot be written as JSON: {}", e.what());
  }
}

Status DeliverToOutbox(const std::filesystem::path& path, const std::string& key,
                       const std::string& payload) {
  ASSIGN_OR_RETURN(Db db, OpenOutbox(path, Mode::kWrite));
  ASSIGN_OR_RETURN(Stmt stmt,
                   Prepare(path, db.get(),
                           "INSERT OR IGNORE INTO outbox (idempotency_key, created_at, payload) "
                           "VALUES (?1, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'), ?2)"));
  sqlite3_bind_text(stmt.get(), 1, key.data(), static_cast<int>(key.size()), SQLITE_STATIC);
  sqlite3_bind_text(stmt.get(), 2, payload.data(), static_cast<int>(payload.size()), SQLITE_STATIC);
  int rc = sqlite3_step(stmt.get());
  if (rc != SQLITE_DONE) {
    return SqliteError(path, db.get(), sqlite3_extended_errcode(db.get()), "cannot record");
  }
  return OkStatus();
}

Status DeliverToWebhook(const ActionSink& sink, const std::string& key,
                        const std::string& payload) {
  Result<net::HttpResponse> response = net::HttpPost(
      sink.target, payload, {{"Content-Type", "application/json"}, {"Idempotency-Key", key}},
      sink.timeout_ms, kWebhookMaxResponseBytes);
  if (!response.ok()) {
    if (response.status().code() == StatusCode::kInvalidArgument) {
      return response.status().WithContext("webhook");
    }
    // Network failures, timeouts and oversized answers: the action may or may not have
    // happened; a retry with the same key settles it.
    return UnavailableError("webhook {}: {}", sink.target, response.status().message());
  }
  const int status = response->status;
  if ((status >= 200 && status < 300) || status == 409) return OkStatus();
  const std::string snippet = net::BodySnippet(response->body);
  if (status >= 500 || status == 408 || status == 429) {
    return UnavailableError("webhook {}: HTTP {}: {}", sink.target, status, snippet);
  }
  return FailedPreconditionError("webhook {} refused the action: HTTP {}: {}", sink.target, status,
                                 snippet);
}

}  // namespace

Status Deliver(const ActionSink& sink, const std::string& idempotency_key,
               const nlohmann::json& payload) {
  if (idempotency_key.empty()) return InvalidArgumentError("deliver: empty idempotency key");
  ASSIGN_OR_RETURN(std::string text, PayloadText(payload));
  switch (sink.kind) {
    case ActionSink::Kind::kOutbox:
      return DeliverToOutbox(sink.target, idempotency_key, text);
    case ActionSink::Kind::kWebhook:
      return DeliverToWebhook(sink, idempotency_key, text);
  }
  return InternalError("deliver: unknown sink kind {}", static_cast<int>(sink.kind));
}

Result<int64_t> CountOutbox(const std::filesystem::path& path) {
  ASSIGN_OR_RETURN(Db db, OpenOutbox(path, Mode::kRead));
  ASSIGN_OR_RETURN(Stmt stmt, Prepare(path, db.get(), "SELECT count(*) FROM outbox"));
  int rc = sqlite3_step(stmt.get());
  if (rc != SQLITE_ROW) {
    return SqliteError(path, db.get(), sqlite3_extended_errcode(db.get()), "cannot count");
  }
  return static_cast<int64_t>(sqlite3_column_int64(stmt.get(), 0));
}

Result<std::vector<nlohmann::json>> ReadOutbox(const std::filesystem::path& path) {
  ASSIGN_OR_RETURN(Db db, OpenOutbox(path, Mode::kRead));
  ASSIGN_OR_RETURN(Stmt stmt, Prepare(path, db.get(),
                                      "SELECT idempotency_key, created_at, payload FROM outbox "
                                      "ORDER BY rowid"));
  auto text = [&](int column) {
    const unsigned char* value = sqlite3_column_text(stmt.get(), column);
    if (value == nullptr) return std::string();
    return std::string(reinterpret_cast<const char*>(value),
                       static_cast<size_t>(sqlite3_column_bytes(stmt.get(), column)));
  };
  std::vector<nlohmann::json> rows;
  int rc;
  while ((rc = sqlite3_step(stmt.get())) == SQLITE_ROW) {
    std::string key = text(0);
    nlohmann::json payload = nlohmann::json::parse(text(2), nullptr, /*allow_exceptions=*/false);
    if (payload.is_discarded()) {
      return DataLossError("outbox {}: the payload of '{}' is not JSON", path.string(), key);
    }
    rows.push_back(
        {{"idempotency_key", std::move(key)}, {"created_at", text(1)}, {"payload", payload}});
  }
  if (rc != SQLITE_DONE) {
    return SqliteError(path, db.get(), sqlite3_extended_errcode(db.get()), "cannot read");
  }
  return rows;
}

int64_t BackoffMs(int attempts) {
  if (attempts < 1) attempts = 1;
  if (attempts > 20) return kMaxBackoffMs;
  return std::min<int64_t>(int64_t{1000} << (attempts - 1), kMaxBackoffMs);
}

}  // namespace cairn::workflow
