#pragma once

// Principals (people and agents with roles and attributes) and the bearer tokens that stand for
// them, kept in the state database (migration component "principals").
//
// Tokens. A secret is "cairn_" + 43 base64url characters (32 bytes from OpenSSL RAND_bytes, 256
// bits, no padding) + 6 base64url characters of checksum (the first 36 bits of SHA-256 of
// everything before them), 55 bytes in all. The checksum lets Authenticate() reject a mistyped
// or truncated token without touching the database. Only SHA-256 hex of the whole secret is
// stored; the secret itself is returned once by Issue() and never again. Every token has a
// short public id (12 hex digits, random) by which it is listed and revoked.
//
// Several nodes. The store keeps nothing of its own between calls: every Authenticate() and
// AuthenticateTokenId() reads the token's row (and its principal's) from the state database,
// so on a PostgreSQL state shared by several `cairn serve` nodes a token issued through one
// node authenticates through every other at once, and a token revoked (or a principal
// disabled) through one node is refused by every other on its next request. There is no cache
// to bound.
//
// Time. Creation and expiry times are ISO-8601 UTC with milliseconds ("2026-11-29T04:15:26.123Z")
// taken from the injected ledger::Clock, so tests can move time.
//
// Names. Principal ids and roles match [a-z0-9][a-z0-9._-]{0,63}; attribute keys match
// [a-z_][a-z0-9_]{0,63}; attribute values are valid UTF-8 of at most 1 KiB; a token
// description is valid UTF-8 of at most 1 KiB.
//
// Ownership and thread-safety: a PrincipalStore borrows its StateDb (and clock, if given), which
// must outlive it; like StateDb, it is used by one thread at a time.
//
// Error codes: InvalidArgument for malformed names, kinds, values or durations; NotFound for an
// unknown principal or token id; AlreadyExists for a principal id that is taken;
// FailedPrecondition when issuing a token to a disabled principal; Unauthenticated from
// Authenticate() (see there); the StateDb's codes (Unavailable, DataLoss, Internal) otherwise.

#include <chrono>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "engine/access.h"
#include "ledger/clock.h"
#include "store/state_db.h"

namespace cairn::policy {

struct PrincipalRecord {
  std::string id;
  std::string kind = "person";  // "person" | "agent"
  std::vector<std::string> roles;
  std::map<std::string, std::string> attributes;
  bool disabled = false;
  std::string created;  // ISO-8601 UTC; set by Add() (the input value is ignored)
};

struct TokenRecord {
  std::string id;  // public: 12 hex digits
  std::string principal;
  std::string created;  // ISO-8601 UTC
  std::string expires;  // ISO-8601 UTC, or empty: never
  bool revoked = false;
  std::string description;
};

struct IssuedToken {
  TokenRecord record;
  std::string secret;  // the bearer token; not stored, shown once
};

// Parses a token lifetime: a positive whole number followed by s, m, h or d ("90m", "12h",
// "30d"), at most 3650 days. InvalidArgument otherwise.
Result<std::chrono::seconds> ParseTtl(std::string_view text);

// "revoked", "expired" (expires <= now_utc) or "active"; `now_utc` as the Clock writes it.
std::string_view TokenState(const TokenRecord& token, std::string_view now_utc);

class PrincipalStore {
 public:
  // Borrows `db` and `clock` (null: the system clock), applies the "principals" migrations.
  static Result<std::unique_ptr<PrincipalStore>> Open(store::StateDb* db,
                                                      ledger::Clock* clock = nullptr);

  // Adds a principal with its roles (duplicates dropped, order kept) and attributes.
  // InvalidArgument for a bad id, kind, role, attribute key or value; AlreadyExists if the id is
  // taken.
  Status Add(const PrincipalRecord& p);
  // Every principal, ordered by id.
  Result<std::vector<PrincipalRecord>> List();
  // NotFound if there is no principal `id`.
  Result<PrincipalRecord> Get(const std::string& id);
  // Disables (tokens stop authenticating; they are not revoked) or re-enables. NotFound.
  Status SetDisabled(const std::string& id, bool disabled);
  // Creates principal "admin" (kind person, role "admin") unless a principal "admin" exists
  // (which is then left as it is, disabled or not).
  Status EnsureLocalAdmin();

  // Issues a token for `principal`, expiring `ttl` from now (nullopt: never). NotFound for an
  // unknown principal, FailedPrecondition for a disabled one, InvalidArgument for a ttl <= 0 or
  // a description that is not UTF-8 or longer than 1 KiB.
  Result<IssuedToken> Issue(const std::string& principal, std::optional<std::chrono::seconds> ttl,
                            const std::string& description);
  // The tokens of `principal` (empty: of everyone), oldest first, revoked and expired included.
  Result<std::vector<TokenRecord>> Tokens(const std::string& principal);
  // Revokes token `token_id` for good; revoking a revoked token is OK. NotFound.
  Status Revoke(const std::string& token_id);

  // The principal `token` stands for. Unauthenticated for a malformed token (refused before
  // any database access: wrong prefix or length, a character outside base64url, a bad
  // checksum, longer than 200 bytes), an unknown, expired or revoked token, or a disabled
  // principal. The message says which, naming the token's public id when it is known, and never
  // contains the token. When `record` is given it receives the token's record (public id,
  // expiry): what a session bound to the token keeps instead of its secret.
  Result<engine::Principal> Authenticate(std::string_view token, TokenRecord* record = nullptr);
  // The principal of the token whose public id is `token_id`, refused as Authenticate() refuses
  // a secret (Unauthenticated: unknown, revoked or expired token, disabled principal), with its
  // roles and attributes as stored now. For re-checking, on every request, a server-side session
  // that was opened with the secret; never for a caller who presents an id (ids are public).
  Result<engine::Principal> AuthenticateTokenId(std::string_view token_id);

 private:
  PrincipalStore(store::StateDb* db, ledger::Clock* clock);
  // The principal of the one token row where `column` ("hash" or "id") equals `key`, after
  // the checks of Authenticate(); `key` is compared again in constant time.
  Result<engine::Principal> TokenPrincipal(const char* column, const std::string& key,
                                           TokenRecord* record);

  store::StateDb* db_;
  std::unique_ptr<ledger::Clock> own_clock_;  // set when no clock was given
  ledger::Clock* clock_;
};

}  // namespace cairn::policy
