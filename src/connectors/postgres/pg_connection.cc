#include "connectors/postgres/pg_connection.h"

#include <cstring>

namespace cairn::connectors::postgres {
namespace {

constexpr size_t kMaxPreparedStatements = 512;

// Collapses libpq's multi-line messages ("FATAL:  x\nDETAIL: y\n") into one line.
std::string OneLine(const char* text) {
  std::string out;
  bool space = false;
  for (const char* p = text ? text : ""; *p != '\0'; ++p) {
    if (*p == '\n' || *p == '\r' || *p == '\t' || *p == ' ') {
      space = !out.empty();
      continue;
    }
    if (space) out += ' ';
    space = false;
    out += *p;
  }
  return out;
}

StatusCode CodeForSqlState(const std::string& state) {
  if (state == "57014") return StatusCode::kDeadlineExceeded;  // query_canceled (timeout)
  if (state == "42501") return StatusCode::kPermissionDenied;
  if (state == "42P01" || state == "42703" || state == "3F000") return StatusCode::kNotFound;
  if (state.rfind("28", 0) == 0) return StatusCode::kUnauthenticated;
  if (state.rfind("08", 0) == 0 || state.rfind("57", 0) == 0 || state.rfind("53", 0) == 0) {
    return StatusCode::kUnavailable;
  }
  if (state.rfind("42", 0) == 0 || state.rfind("22", 0) == 0) return StatusCode::kInvalidArgument;
  return StatusCode::kUnavailable;
}

}  // namespace

std::string ArrayLiteral(const std::vector<std::string>& items) {
  std::string out = "{";
  for (size_t i = 0; i < items.size(); ++i) {
    if (i > 0) out += ',';
    out += '"';
    for (char c : items[i]) {
      if (c == '"' || c == '\\') out += '\\';
      out += c;
    }
    out += '"';
  }
  out += '}';
  return out;
}

PgConnection::PgConnection(std::string source_name, ConnectOptions options)
    : source_name_(std::move(source_name)), options_(std::move(options)) {}

PgConnection::~PgConnection() {
  if (conn_ != nullptr) PQfinish(conn_);
}

std::string PgConnection::Endpoint() const { return options_.host + ":" + options_.port; }

Status PgConnection::ConnectionError(const std::string& what) const {
  std::string message = OneLine(conn_ ? PQerrorMessage(conn_) : "out of memory");
  bool auth = message.find("password authentication failed") != std::string::npos ||
              message.find("no password supplied") != std::string::npos ||
              message.find("authentication failed") != std::string::npos ||
              message.find("role \"") != std::string::npos;
  if (auth) {
    return UnauthenticatedError("{}: {} {} as '{}': {}", source_name_, what, Endpoint(),
                                options_.user, message);
  }
  return UnavailableError("{}: {} {}: {}", source_name_, what, Endpoint(), message);
}

Status PgConnection::Connect() {
  ForgetSession();
  if (conn_ != nullptr) {
    PQfinish(conn_);
    conn_ = nullptr;
  }
  const std::string timeout = std::to_string(options_.connect_timeout_s);
  // Session settings travel in the startup packet: no extra round trip, and PQreset keeps them.
  const std::string session_options =
      "-c default_transaction_read_only=on -c statement_timeout=" +
      std::to_string(options_.statement_timeout_ms) +
      " -c cursor_tuple_fraction=1 -c extra_float_digits=1 -c bytea_output=hex"
      " -c DateStyle=ISO -c IntervalStyle=postgres";
  std::vector<const char*> keys = {"host",
                                   "port",
                                   "dbname",
                                   "connect_timeout",
                                   "options",
                                   "client_encoding",
                                   "application_name"};
  std::vector<const char*> values = {options_.host.c_str(),
                                     options_.port.c_str(),
                                     options_.dbname.c_str(),
                                     timeout.c_str(),
                                     session_options.c_str(),
                                     "UTF8",
                                     "cairn"};
  if (!options_.user.empty()) {
    keys.push_back("user");
    values.push_back(options_.user.c_str());
  }
  if (!options_.password.empty()) {
    keys.push_back("password");
    values.push_back(options_.password.c_str());
  }
  if (!options_.sslmode.empty()) {
    keys.push_back("sslmode");
    values.push_back(options_.sslmode.c_str());
  }
  keys.push_back(nullptr);
  values.push_back(nullptr);
  conn_ = PQconnectdbParams(keys.data(), values.data(), /*expand_dbname=*/0);
  if (conn_ == nullptr || PQstatus(conn_) != CONNECTION_OK) {
    return ConnectionError("cannot connect to");
  }
  return OkStatus();
}

void PgConnection::ForgetSession() {
  prepared_.clear();
  prefetch_portal_.clear();
  parked_.clear();
  in_transaction_ = false;
  open_portals_.clear();
}

Status PgConnection::ErrorFrom(const PGresult* result, const std::string& what) const {
  if (result == nullptr) return ConnectionError(what + " on");
  const char* state = PQresultErrorField(result, PG_DIAG_SQLSTATE);
  const char* severity = PQresultErrorField(result, PG_DIAG_SEVERITY);
  const char* primary = PQresultErrorField(result, PG_DIAG_MESSAGE_PRIMARY);
  if (primary == nullptr) {
    // Not a server error: the connection failed mid-way.
    std::string message = OneLine(PQresultErrorMessage(result));
    if (message.empty()) message = OneLine(PQerrorMessage(conn_));
    return UnavailableError("{}: {} on {}: {}", source_name_, what, Endpoint(), message);
  }
  std::string sql_state = state ? state : "";
  return Status(CodeForSqlState(sql_state),
                fmt::format("{}: {}: {} (SQLSTATE {})", source_name_, severity ? severity : "ERROR",
                            OneLine(primary), sql_state));
}

void PgConnection::SettlePrefetch() {
  if (prefetch_portal_.empty()) return;
  Parked parked;
  parked.rows = prefetch_rows_;
  PgResult first;
  for (PGresult* raw; (raw = PQgetResult(conn_)) != nullptr;) {
    if (!first) {
      first.reset(raw);
    } else {
      PQclear(raw);
    }
  }
  ExecStatusType status = first ? PQresultStatus(first.get()) : PGRES_FATAL_ERROR;
  if (status == PGRES_TUPLES_OK) {
    parked.result = std::move(first);
  } else {
    parked.result = ErrorFrom(first.get(), "query failed");
  }
  parked_[prefetch_portal_] = std::move(parked);
  prefetch_portal_.clear();
}

void PgConnection::Prefetch(const std::string& portal, int rows) {
  if (!prefetch_portal_.empty() || !in_transaction_ || conn_ == nullptr) return;
  if (open_portals_.count(portal) == 0 || parked_.count(portal) > 0) return;
  std::string sql = "FETCH " + std::to_string(rows) + " FROM " + portal;
  if (PQsendQueryParams(conn_, sql.c_str(), 0, nullptr, nullptr, nullptr, nullptr, 0) == 1) {
    prefetch_portal_ = portal;
    prefetch_rows_ = rows;
  }
}

Result<PgResult> PgConnection::Run(const std::string& sql, const std::vector<std::string>& params,
                                   bool reuse) {
  SettlePrefetch();
  std::vector<const char*> values;
  values.reserve(params.size());
  for (const auto& p : params) values.push_back(p.c_str());
  const int count = static_cast<int>(values.size());
  PGresult* raw = nullptr;
  Prepared* prepared = nullptr;
  if (reuse) {
    auto it = prepared_.find(sql);
    if (it == prepared_.end() && prepared_.size() < kMaxPreparedStatements) {
      it = prepared_.emplace(sql, Prepared{}).first;
    }
    if (it != prepared_.end()) {
      prepared = &it->second;
      if (++prepared->uses >= 2 && prepared->name.empty()) {
        std::string name = "cairn_s" + std::to_string(next_prepared_++);
        PgResult made(PQprepare(conn_, name.c_str(), sql.c_str(), count, nullptr));
        if (made && PQresultStatus(made.get()) == PGRES_COMMAND_OK) prepared->name = name;
      }
    }
  }
  if (prepared != nullptr && !prepared->name.empty()) {
    raw = PQexecPrepared(conn_, prepared->name.c_str(), count, values.data(), nullptr, nullptr, 0);
  } else {
    raw = PQexecParams(conn_, sql.c_str(), count, nullptr, values.data(), nullptr, nullptr, 0);
  }
  PgResult result(raw);
  ExecStatusType status = result ? PQresultStatus(result.get()) : PGRES_FATAL_ERROR;
  if (status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK) return result;
  return ErrorFrom(result.get(), "query failed");
}

Result<PgResult> PgConnection::Query(const std::string& sql, const std::vector<std::string>& params,
                                     bool reuse) {
  if (conn_ == nullptr || (!in_transaction_ && PQstatus(conn_) != CONNECTION_OK)) {
    RETURN_IF_ERROR(Connect());
  }
  Result<PgResult> result = Run(sql, params, reuse);
  if (!result.ok() && !in_transaction_ && PQstatus(conn_) != CONNECTION_OK) {
    // The server went away between statements (restart, idle timeout): reconnect once.
    RETURN_IF_ERROR(Connect());
    result = Run(sql, params, reuse);
  }
  if (!result.ok() && PQstatus(conn_) != CONNECTION_OK) ForgetSession();
  return result;
}

Result<std::string> PgConnection::OpenPortal(const std::string& sql,
                                             const std::vector<std::string>& params) {
  if (!in_transaction_) {
    ASSIGN_OR_RETURN(PgResult begun, Query("BEGIN READ ONLY", {}));
    in_transaction_ = true;
    open_portals_.clear();
  }
  std::string name = "cairn_c" + std::to_string(next_portal_++);
  Result<PgResult> declared = Query("DECLARE " + name + " NO SCROLL CURSOR FOR " + sql, params);
  if (!declared.ok()) {
    if (open_portals_.empty() && in_transaction_) {
      (void)Run("ROLLBACK", {}, false);
      in_transaction_ = false;
    }
    return declared.status();
  }
  open_portals_.insert(name);
  return name;
}

Result<PgResult> PgConnection::Fetch(const std::string& portal, int rows, int* asked) {
  if (prefetch_portal_ == portal) SettlePrefetch();
  auto parked = parked_.find(portal);
  if (parked != parked_.end()) {
    Parked batch = std::move(parked->second);
    parked_.erase(parked);
    *asked = batch.rows;
    return std::move(batch.result);
  }
  *asked = rows;
  return Query("FETCH " + std::to_string(rows) + " FROM " + portal, {}, /*reuse=*/false);
}

void PgConnection::ClosePortal(const std::string& portal) {
  SettlePrefetch();
  parked_.erase(portal);
  if (!in_transaction_ || open_portals_.erase(portal) == 0) return;
  if (open_portals_.empty()) {
    // COMMIT of a read-only (or failed) transaction ends it and closes every portal.
    (void)Run("COMMIT", {}, false);
    in_transaction_ = false;
  } else {
    (void)Run("CLOSE " + portal, {}, false);
  }
}

}  // namespace cairn::connectors::postgres
