#include "server/ui_session.h"

#include <openssl/crypto.h>
#include <openssl/rand.h>

#include <algorithm>
#include <array>
#include <cstdio>
#include <string>
#include <vector>

#include "ledger/merkle.h"

namespace cairn::server::ui {
namespace {

// 256 random bits as 64 hex digits.
Result<std::string> RandomSecret() {
  std::array<unsigned char, 32> bytes{};
  if (RAND_bytes(bytes.data(), static_cast<int>(bytes.size())) != 1) {
    return InternalError("could not draw random bytes for a session");
  }
  return ledger::ToHex(std::string_view(reinterpret_cast<const char*>(bytes.data()), bytes.size()));
}

std::string KeyOf(std::string_view id) { return ledger::ToHex(ledger::Sha256(id)); }

std::string_view Trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  return text;
}

}  // namespace

SessionStore::SessionStore(SessionOptions options) : options_(std::move(options)) {}

namespace {

// The same text serves both engines (BIGINT is an integer column in SQLite too).
const std::vector<store::Migration> kMigrations = {
    {1, "web UI sign-in sessions",
     "CREATE TABLE ui_sessions ("
     "  id_hash TEXT PRIMARY KEY,"  // lowercase hex SHA-256 of the cookie's id; never the id
     "  principal TEXT NOT NULL,"
     "  kind TEXT NOT NULL,"
     "  token_id TEXT NOT NULL,"  // the token's public id, re-checked on every request
     "  csrf TEXT NOT NULL,"
     "  flash TEXT NOT NULL DEFAULT '',"
     "  last_seen BIGINT NOT NULL,"  // milliseconds since the epoch
     "  ends BIGINT NOT NULL);"      // the first of the lifetime's end and the token's expiry
     "CREATE INDEX ui_sessions_by_end ON ui_sessions (ends);"},
};

int64_t Millis(SystemClock::time_point t) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count();
}

}  // namespace

int64_t SessionStore::NowMs() const { return Millis(options_.now()); }

int64_t SessionStore::IdleMs() const {
  return std::chrono::duration_cast<std::chrono::milliseconds>(options_.idle).count();
}

Status SessionStore::Migrate(store::StateDb* db) {
  if (migrated_) return OkStatus();
  std::lock_guard<std::mutex> lock(migrate_mu_);
  if (migrated_) return OkStatus();
  RETURN_IF_ERROR(db->Migrate("ui_sessions", kMigrations).status());
  migrated_ = true;
  return OkStatus();
}

Result<NewSession> SessionStore::Open(store::StateDb* db, const std::string& principal,
                                      const std::string& kind, const std::string& token_id,
                                      const std::string& token_expires) {
  RETURN_IF_ERROR(Migrate(db));
  const SystemClock::time_point now = options_.now();
  SystemClock::time_point ends = now + options_.lifetime;
  if (!token_expires.empty()) {
    ASSIGN_OR_RETURN(SystemClock::time_point expires, ParseUtc(token_expires));
    if (expires <= now) return FailedPreconditionError("token {} has expired", token_id);
    ends = std::min(ends, expires);
  }
  NewSession session;
  ASSIGN_OR_RETURN(session.id, RandomSecret());
  ASSIGN_OR_RETURN(session.csrf, RandomSecret());
  session.max_age = std::chrono::duration_cast<std::chrono::seconds>(ends - now);

  const int64_t now_ms = Millis(now);
  const int64_t idle_ms = IdleMs();
  // Ended sessions are deleted here, so the table holds live ones and those ended since the
  // last sign-in (each also deleted when its cookie comes back).
  RETURN_IF_ERROR(db->Exec("DELETE FROM ui_sessions WHERE NOT (" + std::string(kLive) + ")",
                           {now_ms, now_ms - idle_ms})
                      .status());
  ASSIGN_OR_RETURN(size_t live, Count(db));
  if (live >= options_.max_sessions) {
    return ResourceExhaustedError("too many open sessions ({}); try again later", live);
  }
  RETURN_IF_ERROR(
      db->Exec("INSERT INTO ui_sessions (id_hash, principal, kind, token_id, csrf, "
               "last_seen, ends) VALUES (?, ?, ?, ?, ?, ?, ?)",
               {KeyOf(session.id), principal, kind, token_id, session.csrf, now_ms, Millis(ends)})
          .status());
  counted_ = live + 1;
  return session;
}

Result<std::optional<SessionView>> SessionStore::Find(store::StateDb* db, std::string_view id) {
  // A cookie that is not 64 hex digits was never issued: no need to hash and look.
  if (id.size() != 64) return std::optional<SessionView>();
  RETURN_IF_ERROR(Migrate(db));
  const std::string key = KeyOf(id);
  const int64_t now_ms = NowMs();
  const int64_t idle_ms = IdleMs();
  std::optional<SessionView> view;
  bool live = false;
  RETURN_IF_ERROR(db->Query(
      "SELECT principal, kind, token_id, csrf, flash, CASE WHEN " + std::string(kLive) +
          " THEN 1 ELSE 0 END FROM ui_sessions WHERE id_hash = ?",
      {now_ms, now_ms - idle_ms, key}, [&](const store::Row& row) {
        view = SessionView{key, row.Text(0), row.Text(1), row.Text(2), row.Text(3), row.Text(4)};
        live = row.Int(5) != 0;
        return OkStatus();
      }));
  if (!view) return std::optional<SessionView>();
  if (!live) {
    RETURN_IF_ERROR(End(db, key));
    return std::optional<SessionView>();
  }
  // The idle time restarts, and the flash message is taken (shown by this request only).
  RETURN_IF_ERROR(
      db->Exec("UPDATE ui_sessions SET last_seen = ?, flash = '' WHERE id_hash = ?", {now_ms, key})
          .status());
  return view;
}

Status SessionStore::Flash(store::StateDb* db, const std::string& key, const std::string& message) {
  RETURN_IF_ERROR(Migrate(db));
  return db->Exec("UPDATE ui_sessions SET flash = ? WHERE id_hash = ?", {message, key}).status();
}

Status SessionStore::End(store::StateDb* db, const std::string& key) {
  RETURN_IF_ERROR(Migrate(db));
  return db->Exec("DELETE FROM ui_sessions WHERE id_hash = ?", {key}).status();
}

Result<size_t> SessionStore::Count(store::StateDb* db) {
  RETURN_IF_ERROR(Migrate(db));
  const int64_t now_ms = NowMs();
  const int64_t idle_ms = IdleMs();
  int64_t count = 0;
  RETURN_IF_ERROR(db->Query("SELECT count(*) FROM ui_sessions WHERE " + std::string(kLive),
                            {now_ms, now_ms - idle_ms}, [&](const store::Row& row) {
                              count = row.Int(0);
                              return OkStatus();
                            }));
  return static_cast<size_t>(count);
}

bool SameSecret(std::string_view a, std::string_view b) {
  // The length of a session's secret is public (64); only the content must not leak.
  if (a.size() != b.size() || a.empty()) return false;
  return CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

std::vector<std::string> CookieValues(std::string_view header, std::string_view name) {
  std::vector<std::string> values;
  while (!header.empty()) {
    const size_t semicolon = header.find(';');
    const std::string_view pair = Trim(header.substr(0, semicolon));
    header =
        semicolon == std::string_view::npos ? std::string_view() : header.substr(semicolon + 1);
    const size_t eq = pair.find('=');
    if (eq == std::string_view::npos || Trim(pair.substr(0, eq)) != name) continue;
    std::string_view value = Trim(pair.substr(eq + 1));
    if (value.size() >= 2 && value.front() == '"' && value.back() == '"') {
      value = value.substr(1, value.size() - 2);
    }
    values.emplace_back(value);
  }
  return values;
}

Result<SystemClock::time_point> ParseUtc(std::string_view text) {
  int year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0, millis = 0;
  const std::string copy(text);
  char tail[8] = {};
  const int fields = std::sscanf(copy.c_str(), "%4d-%2d-%2dT%2d:%2d:%2d.%3d%7s", &year, &month,
                                 &day, &hour, &minute, &second, &millis, tail);
  const bool with_millis = fields == 8 && std::string_view(tail) == "Z";
  const bool without = !with_millis &&
                       std::sscanf(copy.c_str(), "%4d-%2d-%2dT%2d:%2d:%2d%7s", &year, &month, &day,
                                   &hour, &minute, &second, tail) == 7 &&
                       std::string_view(tail) == "Z";
  if (!with_millis) millis = 0;
  using namespace std::chrono;
  const year_month_day date{std::chrono::year(year),
                            std::chrono::month(static_cast<unsigned>(month)),
                            std::chrono::day(static_cast<unsigned>(day))};
  if ((!with_millis && !without) || !date.ok() || hour > 23 || minute > 59 || second > 60 ||
      hour < 0 || minute < 0 || second < 0 || millis < 0) {
    return InvalidArgumentError("not an ISO-8601 UTC time: '{}'", text);
  }
  return SystemClock::time_point(sys_days(date)) + hours(hour) + minutes(minute) + seconds(second) +
         milliseconds(millis);
}

}  // namespace cairn::server::ui
