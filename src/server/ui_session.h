#pragma once

// The sign-in sessions of the reviewer web UI (server/ui.h), kept in the state database (table
// `ui_sessions`, migration component "ui_sessions"), so that on a PostgreSQL state a browser
// signed in through one `cairn serve` node is signed in on every node behind the same load
// balancer, and sign-out through one ends the session on all. The table belongs to this door
// (the web UI), not to the policy module: a session is how a browser carries a token between
// requests, and the token itself is checked by the policy module on every request.
//
// A session is opened with a bearer token (POST /ui/login) and keeps only what later requests
// need: the principal's id and kind, the token's public id and expiry (the secret is not kept;
// every request re-checks the token by its id, so a revoked or expired token, or a disabled
// principal, ends the session at once, and roles are read afresh), this session's CSRF token,
// its times, and one flash message. The session id is 256 random bits (OpenSSL RAND_bytes),
// sent once in the cookie; the table keys sessions by the id's SHA-256, so neither the database
// nor its backups hold a usable cookie.
//
// A session ends at the first of: `idle` without a request, `lifetime` after sign-in, the
// token's expiry, or sign-out. A session found ended is deleted; every sign-in deletes every
// ended session. At most `max_sessions` are held (a soft bound across nodes signing in at the
// same instant): sign-in is refused (ResourceExhausted) when that many live sessions remain.
// Times are milliseconds since the epoch from `now`, compared in SQL, so nodes must keep their
// clocks in step (NTP) as they must for token expiry.
//
// Each call is given the state database connection to use (the request's worker's); every
// connection given to one store must reach the same database. The store applies its migration
// on first use.
//
// Thread-safety: every method may be called from any thread, each with its own connection.

#include <atomic>
#include <chrono>
#include <cstddef>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "store/state_db.h"

namespace cairn::server::ui {

using SystemClock = std::chrono::system_clock;

struct SessionOptions {
  std::chrono::seconds idle{30 * 60};
  std::chrono::seconds lifetime{12 * 60 * 60};
  size_t max_sessions = 10000;
  // Now; tests move time.
  std::function<SystemClock::time_point()> now = [] { return SystemClock::now(); };
};

// What a request learns from its session cookie.
struct SessionView {
  std::string key;  // the store's key (SHA-256 hex of the id), for Flash() and End()
  std::string principal;
  std::string kind;
  std::string token_id;
  std::string csrf;
  std::string flash;  // taken: the next view has none
};

// A new session: the cookie value and how long the cookie may live.
struct NewSession {
  std::string id;
  std::string csrf;
  std::chrono::seconds max_age{0};
};

class SessionStore {
 public:
  explicit SessionStore(SessionOptions options = {});

  // Opens a session for `principal` (of `kind`) signed in with the token `token_id` expiring
  // at `token_expires` (ISO-8601 UTC as the principal store writes it; empty: never).
  // InvalidArgument for an unreadable expiry; FailedPrecondition if it has passed;
  // ResourceExhausted when the store is full; Internal if no random bytes could be drawn; the
  // state database's errors.
  Result<NewSession> Open(store::StateDb* db, const std::string& principal, const std::string& kind,
                          const std::string& token_id, const std::string& token_expires);
  // The live session of cookie value `id`, its idle time restarted and its flash message
  // taken; nullopt for an unknown or ended one (an ended one is deleted).
  Result<std::optional<SessionView>> Find(store::StateDb* db, std::string_view id);
  // Sets the message shown once by the next page of session `key`.
  Status Flash(store::StateDb* db, const std::string& key, const std::string& message);
  // Ends session `key` (sign-out, or its token refused): deletes it.
  Status End(store::StateDb* db, const std::string& key);
  // Live sessions in the state database (of every node).
  Result<size_t> Count(store::StateDb* db);
  // Live sessions as counted by the last sign-in through this store (a gauge for /metrics,
  // which has no connection of its own).
  size_t size() const { return counted_; }

 private:
  Status Migrate(store::StateDb* db);
  int64_t NowMs() const;
  int64_t IdleMs() const;
  // Whether a session seen at `last_seen` ending at `ends` (ms) is live at `now` (ms): SQL.
  static constexpr const char* kLive = "ends > ? AND last_seen > ?";

  SessionOptions options_;
  std::mutex migrate_mu_;
  std::atomic<bool> migrated_{false};
  std::atomic<size_t> counted_{0};
};

// Whether two secrets are equal, in time independent of where they differ.
bool SameSecret(std::string_view a, std::string_view b);

// The values of cookie `name` in a Cookie header ("a=1; name=2"), in order.
std::vector<std::string> CookieValues(std::string_view header, std::string_view name);

// Parses "2026-11-29T04:15:26.123Z" or "2026-11-29T04:15:26Z". InvalidArgument otherwise.
Result<SystemClock::time_point> ParseUtc(std::string_view text);

}  // namespace cairn::server::ui
