// The PostgreSQL engine of the state database (see state_db.h).
//
// One libpq connection per StateDb. Statements are sent with PQexecParams in text format, after
// PostgresPlaceholders() has renumbered their placeholders; queries stream their rows in single-row
// mode, so reading a long table (the ledger's verify) holds one row at a time. A connection found
// broken outside a transaction is reset and the statement retried once: after a PostgreSQL restart
// a node answers again without being restarted itself. Inside a transaction a lost connection fails
// the transaction (kUnavailable).

#include <libpq-fe.h>

#include <cmath>
#include <cstdlib>
#include <unordered_map>

#include "store/state_db.h"

namespace cairn::store {
namespace {

struct ResultDeleter {
  void operator()(PGresult* result) const { PQclear(result); }
};
using PgResult = std::unique_ptr<PGresult, ResultDeleter>;

// The bootstrap every component's migrations rely on: the migrations table and the strftime()
// that lets statements say "now" the same way on both engines.
constexpr const char* kBootstrap = R"sql(
CREATE TABLE IF NOT EXISTS cairn_migrations (
  component TEXT NOT NULL, version INTEGER NOT NULL, name TEXT NOT NULL,
  applied_at TEXT NOT NULL
    DEFAULT to_char(clock_timestamp() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
  PRIMARY KEY (component, version));
CREATE OR REPLACE FUNCTION strftime(format text, at text DEFAULT 'now') RETURNS text
LANGUAGE plpgsql VOLATILE AS $fn$
BEGIN
  IF format IS DISTINCT FROM '%Y-%m-%dT%H:%M:%fZ' OR at IS DISTINCT FROM 'now' THEN
    RAISE EXCEPTION 'strftime(%, %): Cairn''s state provides only strftime(''%%Y-%%m-%%dT%%H:%%M:%%fZ'', ''now'')', format, at;
  END IF;
  RETURN to_char(clock_timestamp() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"');
END
$fn$;
)sql";

// Advisory lock keys (pg_advisory_xact_lock's bigint space is shared with other applications of
// the database; these are Cairn's).
constexpr int64_t kMigrationLock = 0x43414952'4e000001;  // "CAIRN" 1

class PgRow final : public Row {
 public:
  PgRow(const PGresult* result, int row) : result_(result), row_(row) {}
  int64_t Int(int column) const override {
    if (IsNull(column)) return 0;
    const char* v = PQgetvalue(result_, row_, column);
    if (v[0] == 't' && v[1] == '\0') return 1;
    if (v[0] == 'f' && v[1] == '\0') return 0;
    return std::strtoll(v, nullptr, 10);
  }
  double Real(int column) const override {
    if (IsNull(column)) return 0;
    return std::strtod(PQgetvalue(result_, row_, column), nullptr);
  }
  std::string Text(int column) const override {
    if (IsNull(column)) return std::string();
    return std::string(PQgetvalue(result_, row_, column), PQgetlength(result_, row_, column));
  }
  bool IsNull(int column) const override { return PQgetisnull(result_, row_, column) != 0; }
  int size() const override { return PQnfields(result_); }

 private:
  const PGresult* result_;
  int row_;
};

class PostgresStateDb final : public StateDb {
 public:
  PostgresStateDb(std::string url, std::string password)
      : url_(std::move(url)), password_(std::move(password)) {}
  ~PostgresStateDb() override {
    if (conn_ != nullptr) PQfinish(conn_);
  }

  Status Connect() {
    if (conn_ != nullptr) PQfinish(conn_);
    std::vector<const char*> keys = {"connect_timeout", "application_name", "dbname"};
    std::vector<const char*> values = {"10", "cairn", url_.c_str()};
    if (!password_.empty()) {
      keys.push_back("password");
      values.push_back(password_.c_str());
    }
    keys.push_back(nullptr);
    values.push_back(nullptr);
    conn_ = PQconnectdbParams(keys.data(), values.data(), /*expand_dbname=*/1);
    if (conn_ == nullptr) return UnavailableError("state database: out of memory");
    if (PQstatus(conn_) != CONNECTION_OK) {
      std::string message = PQerrorMessage(conn_);
      while (!message.empty() && (message.back() == '\n' || message.back() == ' ')) {
        message.pop_back();
      }
      const bool auth = message.find("password authentication failed") != std::string::npos ||
                        message.find("no password supplied") != std::string::npos;
      Status status(auth ? StatusCode::kUnauthenticated : StatusCode::kUnavailable,
                    fmt::format("state database {}: cannot connect: {}", Describe(), message));
      PQfinish(conn_);
      conn_ = nullptr;
      return status;
    }
    // Warnings (NOTICE) would go to stderr by default; the state's statements have none worth
    // showing (CREATE ... IF NOT EXISTS notices).
    PQsetNoticeProcessor(
        conn_, [](void*, const char*) {}, nullptr);
    return OkStatus();
  }

  Status Bootstrap() {
    bool ready = false;
    RETURN_IF_ERROR(
        Query("SELECT to_regclass('cairn_migrations') IS NOT NULL AND "
              "to_regprocedure('strftime(text,text)') IS NOT NULL",
              {}, [&](const Row& row) {
                ready = row.Int(0) != 0;
                return OkStatus();
              }));
    if (ready) return OkStatus();
    return Transaction([&]() -> Status {
      RETURN_IF_ERROR(LockForMigration());
      return ExecScript(kBootstrap);
    });
  }

  Dialect dialect() const override { return Dialect::kPostgres; }

  std::string Describe() const override {
    if (conn_ == nullptr) {
      // The URL without its query string (which may name options, never a password).
      return "postgres " + url_.substr(0, url_.find('?'));
    }
    return fmt::format("postgres {}:{}/{}", PQhost(conn_), PQport(conn_), PQdb(conn_));
  }

  Result<int64_t> Exec(const std::string& sql, const std::vector<Param>& params) override {
    ASSIGN_OR_RETURN(PgResult result, Run(sql, params));
    const char* tuples = PQcmdTuples(result.get());
    return tuples[0] == '\0' ? int64_t{0} : std::strtoll(tuples, nullptr, 10);
  }

  Status Query(const std::string& sql, const std::vector<Param>& params,
               const std::function<Status(const Row&)>& row) override {
    for (int attempt = 0;; ++attempt) {
      RETURN_IF_ERROR(EnsureConnected());
      const std::string& text = Translate(sql);
      Bound bound(params);
      if (PQsendQueryParams(conn_, text.c_str(), static_cast<int>(bound.values.size()), nullptr,
                            bound.values.data(), bound.lengths.data(), bound.formats.data(),
                            0) == 0) {
        if (PQstatus(conn_) != CONNECTION_OK && !in_transaction_ && attempt == 0) continue;
        return ConnectionError(sql);
      }
      PQsetSingleRowMode(conn_);
      Status status = OkStatus();
      bool delivered = false;
      while (PGresult* raw = PQgetResult(conn_)) {
        PgResult result(raw);
        if (!status.ok()) continue;  // drain what the server still sends
        const ExecStatusType kind = PQresultStatus(raw);
        if (kind == PGRES_SINGLE_TUPLE) {
          delivered = true;
          status = row(PgRow(raw, 0));
        } else if (kind != PGRES_TUPLES_OK && kind != PGRES_COMMAND_OK) {
          status = ErrorFrom(raw, sql);
        }
      }
      const bool lost = PQstatus(conn_) != CONNECTION_OK;
      // A connection lost before any row was seen (a server restart since the last statement):
      // reconnect and run the statement again, once.
      if (lost && !delivered && !in_transaction_ && attempt == 0) continue;
      if (lost && status.ok()) return ConnectionError(sql);
      return status;
    }
  }

  Status Transaction(const std::function<Status()>& body) override {
    RETURN_IF_ERROR(Exec("BEGIN", {}).status());
    in_transaction_ = true;
    Status status = body();
    if (status.ok()) {
      Result<int64_t> commit = Exec("COMMIT", {});
      in_transaction_ = false;
      if (commit.ok()) return OkStatus();
      status = commit.status();
    }
    in_transaction_ = false;
    if (conn_ != nullptr && PQstatus(conn_) == CONNECTION_OK) (void)Exec("ROLLBACK", {});
    return status;
  }

  Status Ping() override {
    return Query("SELECT 1", {}, [](const Row&) { return OkStatus(); });
  }

  Result<std::unique_ptr<StateDb>> OpenAnother() override {
    auto other = std::make_unique<PostgresStateDb>(url_, password_);
    RETURN_IF_ERROR(other->Connect());
    return std::unique_ptr<StateDb>(std::move(other));
  }

 protected:
  Status ExecScript(const std::string& sql) override {
    RETURN_IF_ERROR(EnsureConnected());
    PgResult result(PQexec(conn_, sql.c_str()));
    if (!result) return ConnectionError(sql);
    const ExecStatusType kind = PQresultStatus(result.get());
    if (kind != PGRES_COMMAND_OK && kind != PGRES_TUPLES_OK) return ErrorFrom(result.get(), sql);
    return OkStatus();
  }

  Status LockForMigration() override {
    return Exec("SELECT pg_advisory_xact_lock(?)", {kMigrationLock}).status();
  }

 private:
  // Parameters in libpq's form (text).
  struct Bound {
    explicit Bound(const std::vector<Param>& params) {
      storage.reserve(params.size());
      for (const Param& p : params) {
        if (std::holds_alternative<std::nullptr_t>(p)) {
          storage.emplace_back();
          values.push_back(nullptr);
          lengths.push_back(0);
          formats.push_back(0);
          continue;
        }
        if (const auto* v = std::get_if<int64_t>(&p)) {
          storage.push_back(std::to_string(*v));
        } else if (const auto* d = std::get_if<double>(&p)) {
          if (std::isnan(*d)) {
            storage.push_back("NaN");
          } else if (std::isinf(*d)) {
            storage.push_back(*d > 0 ? "Infinity" : "-Infinity");
          } else {
            storage.push_back(fmt::format("{:.17g}", *d));
          }
        } else {
          storage.push_back(std::get<std::string>(p));
        }
        values.push_back(nullptr);  // pointers are taken once storage stops growing
        lengths.push_back(static_cast<int>(storage.back().size()));
        formats.push_back(0);
      }
      for (size_t i = 0; i < params.size(); ++i) {
        if (!std::holds_alternative<std::nullptr_t>(params[i])) values[i] = storage[i].data();
      }
    }
    std::vector<std::string> storage;
    std::vector<const char*> values;
    std::vector<int> lengths;
    std::vector<int> formats;
  };

  const std::string& Translate(const std::string& sql) {
    auto it = translated_.find(sql);
    if (it != translated_.end()) return it->second;
    if (translated_.size() > 4096) translated_.clear();
    return translated_.emplace(sql, PostgresPlaceholders(sql)).first->second;
  }

  // Outside a transaction, a connection that was lost (a PostgreSQL restart, a network cut) is
  // opened again; inside one, the transaction is lost with it.
  Status EnsureConnected() {
    if (conn_ != nullptr && PQstatus(conn_) == CONNECTION_OK) return OkStatus();
    if (in_transaction_) {
      return UnavailableError("state database {}: the connection was lost inside a transaction",
                              Describe());
    }
    return Connect();
  }

  Result<PgResult> Run(const std::string& sql, const std::vector<Param>& params) {
    for (int attempt = 0;; ++attempt) {
      RETURN_IF_ERROR(EnsureConnected());
      const std::string& text = Translate(sql);
      Bound bound(params);
      PgResult result(PQexecParams(conn_, text.c_str(), static_cast<int>(bound.values.size()),
                                   nullptr, bound.values.data(), bound.lengths.data(),
                                   bound.formats.data(), 0));
      const bool lost = PQstatus(conn_) != CONNECTION_OK;
      if (lost && !in_transaction_ && attempt == 0) continue;  // reconnect and retry once
      if (!result) return ConnectionError(sql);
      const ExecStatusType kind = PQresultStatus(result.get());
      if (kind == PGRES_COMMAND_OK || kind == PGRES_TUPLES_OK) return result;
      if (lost) return ConnectionError(sql);
      return ErrorFrom(result.get(), sql);
    }
  }

  Status ConnectionError(const std::string& sql) const {
    std::string message = conn_ ? PQerrorMessage(conn_) : "not connected";
    while (!message.empty() && (message.back() == '\n' || message.back() == ' ')) {
      message.pop_back();
    }
    return UnavailableError("state database {}: {} (in: {})", Describe(), message,
                            StatementHead(sql));
  }

  Status ErrorFrom(const PGresult* result, const std::string& sql) const {
    const char* state = PQresultErrorField(result, PG_DIAG_SQLSTATE);
    const std::string sqlstate = state ? state : "";
    const char* primary = PQresultErrorField(result, PG_DIAG_MESSAGE_PRIMARY);
    std::string message =
        fmt::format("state database {}: {} (SQLSTATE {}) (in: {})", Describe(),
                    primary ? primary : PQresultErrorMessage(result), sqlstate, StatementHead(sql));
    StatusCode code = StatusCode::kInternal;
    if (sqlstate == "23505") {
      code = StatusCode::kAlreadyExists;
    } else if (sqlstate.rfind("23", 0) == 0) {
      code = StatusCode::kInvalidArgument;
    } else if (sqlstate == "40001" || sqlstate == "40P01" || sqlstate.rfind("08", 0) == 0 ||
               sqlstate.rfind("57P", 0) == 0 || sqlstate == "53300") {
      code = StatusCode::kUnavailable;
    } else if (sqlstate == "XX001" || sqlstate == "XX002") {
      code = StatusCode::kDataLoss;
    }
    return Status(code, message);
  }

  std::string url_;
  std::string password_;
  PGconn* conn_ = nullptr;
  bool in_transaction_ = false;
  std::unordered_map<std::string, std::string> translated_;
};

}  // namespace

Result<std::unique_ptr<StateDb>> StateDb::OpenPostgres(const std::string& url,
                                                       const std::string& password) {
  RETURN_IF_ERROR(CheckStateUrl(url));
  auto db = std::make_unique<PostgresStateDb>(url, password);
  RETURN_IF_ERROR(db->Connect());
  RETURN_IF_ERROR(db->Bootstrap());
  return std::unique_ptr<StateDb>(std::move(db));
}

}  // namespace cairn::store
