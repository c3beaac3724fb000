#pragma once

// The sign-in sessions of the reviewer web UI (server/ui.h), held in memory by the server.
//
// A session is opened with a bearer token (POST /ui/login) and keeps only what later requests
// need: the principal's id and kind, the token's public id and expiry (the secret is not kept;
// every request re-checks the token by its id, so a revoked or expired token, or a disabled
// principal, ends the session at once, and roles are read afresh), this session's CSRF token,
// its times, and one flash message. The session id is 256 random bits (OpenSSL RAND_bytes),
// sent once in the cookie; the store keys sessions by the id's SHA-256, so the table in memory
// does not hold a usable cookie either.
//
// A session ends at the first of: `idle` without a request, `lifetime` after sign-in, the
// token's expiry, or sign-out. At most `max_sessions` are held: expired ones are dropped to
// make room, and sign-in is refused (ResourceExhausted) when none can be.
//
// Thread-safety: every method may be called from any thread (one mutex).

#include <chrono>
#include <cstddef>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"

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
  // ResourceExhausted when the store is full; Internal if no random bytes could be drawn.
  Result<NewSession> Open(const std::string& principal, const std::string& kind,
                          const std::string& token_id, const std::string& token_expires);
  // The live session of cookie value `id`, its idle time restarted and its flash message
  // taken; nullopt for an unknown or ended one (an ended one is dropped).
  std::optional<SessionView> Find(std::string_view id);
  // Sets the message shown once by the next page of session `key`.
  void Flash(const std::string& key, std::string message);
  // Ends session `key` (sign-out, or its token refused).
  void End(const std::string& key);
  size_t size() const;

 private:
  struct Entry {
    std::string principal, kind, token_id, csrf, flash;
    SystemClock::time_point last_seen, ends;  // ends: lifetime and token expiry
  };
  // Drops ended sessions. Caller holds mu_.
  void Sweep(SystemClock::time_point now);

  SessionOptions options_;
  mutable std::mutex mu_;
  std::map<std::string, Entry> sessions_;
};

// Whether two secrets are equal, in time independent of where they differ.
bool SameSecret(std::string_view a, std::string_view b);

// The values of cookie `name` in a Cookie header ("a=1; name=2"), in order.
std::vector<std::string> CookieValues(std::string_view header, std::string_view name);

// Parses "2026-11-29T04:15:26.123Z" or "2026-11-29T04:15:26Z". InvalidArgument otherwise.
Result<SystemClock::time_point> ParseUtc(std::string_view text);

}  // namespace cairn::server::ui
