#include "policy/principals.h"

#include <openssl/crypto.h>
#include <openssl/rand.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <nlohmann/json.hpp>

#include "ledger/merkle.h"

namespace cairn::policy {
namespace {

const std::vector<store::Migration> kMigrations = {
    {1, "principals and tokens",
     "CREATE TABLE principals ("
     "  id TEXT PRIMARY KEY,"
     "  kind TEXT NOT NULL CHECK (kind IN ('person', 'agent')),"
     "  roles TEXT NOT NULL DEFAULT '[]',"       // JSON array of strings
     "  attributes TEXT NOT NULL DEFAULT '{}',"  // JSON object of strings
     "  disabled INTEGER NOT NULL DEFAULT 0,"
     "  created TEXT NOT NULL);"
     "CREATE TABLE principal_tokens ("
     "  id TEXT PRIMARY KEY,"
     "  principal TEXT NOT NULL REFERENCES principals (id),"
     "  hash TEXT NOT NULL UNIQUE,"  // lowercase hex SHA-256 of the secret; never the secret
     "  created TEXT NOT NULL,"
     "  expires TEXT,"  // NULL: never
     "  revoked INTEGER NOT NULL DEFAULT 0,"
     "  revoked_at TEXT,"
     "  description TEXT NOT NULL DEFAULT '');"
     "CREATE INDEX principal_tokens_by_principal ON principal_tokens (principal, created);",
     // PostgreSQL: the same tables, and the insertion order SQLite keeps as the implicit rowid
     // as an explicit column of that name, so that "ORDER BY created, rowid" reads alike.
     "CREATE TABLE principals ("
     "  id TEXT PRIMARY KEY,"
     "  kind TEXT NOT NULL CHECK (kind IN ('person', 'agent')),"
     "  roles TEXT NOT NULL DEFAULT '[]',"
     "  attributes TEXT NOT NULL DEFAULT '{}',"
     "  disabled INTEGER NOT NULL DEFAULT 0,"
     "  created TEXT NOT NULL);"
     "CREATE TABLE principal_tokens ("
     "  rowid BIGINT GENERATED ALWAYS AS IDENTITY UNIQUE,"
     "  id TEXT PRIMARY KEY,"
     "  principal TEXT NOT NULL REFERENCES principals (id),"
     "  hash TEXT NOT NULL UNIQUE,"
     "  created TEXT NOT NULL,"
     "  expires TEXT,"
     "  revoked INTEGER NOT NULL DEFAULT 0,"
     "  revoked_at TEXT,"
     "  description TEXT NOT NULL DEFAULT '');"
     "CREATE INDEX principal_tokens_by_principal ON principal_tokens (principal, created);"},
};

constexpr std::string_view kTokenPrefix = "cairn_";
constexpr size_t kRandomBytes = 32;
constexpr size_t kBodyChars = 43;  // base64url of 32 bytes, no padding
constexpr size_t kChecksumChars = 6;
constexpr size_t kTokenLength = kTokenPrefix.size() + kBodyChars + kChecksumChars;  // 55
// Anything longer is refused before it is even scanned.
constexpr size_t kMaxPresentedToken = 200;
constexpr size_t kMaxValueBytes = 1024;
constexpr int64_t kMaxTtlSeconds = 3650LL * 24 * 3600;

constexpr std::string_view kBase64Url =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

std::string Base64UrlNoPad(const uint8_t* data, size_t size) {
  std::string out;
  out.reserve((size * 4 + 2) / 3);
  uint32_t buffer = 0;
  int bits = 0;
  for (size_t i = 0; i < size; ++i) {
    buffer = (buffer << 8) | data[i];
    bits += 8;
    while (bits >= 6) {
      bits -= 6;
      out += kBase64Url[(buffer >> bits) & 0x3f];
    }
  }
  if (bits > 0) out += kBase64Url[(buffer << (6 - bits)) & 0x3f];
  return out;
}

bool IsBase64Url(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
         c == '_';
}

// The 6-character checksum of "cairn_" + body: the first 36 bits of its SHA-256.
std::string Checksum(std::string_view prefix_and_body) {
  const ledger::Hash hash = ledger::Sha256(prefix_and_body);
  return Base64UrlNoPad(hash.data(), 6).substr(0, kChecksumChars);
}

Status RandomBytes(uint8_t* out, size_t size) {
  if (RAND_bytes(out, static_cast<int>(size)) != 1) {
    return InternalError("RAND_bytes failed: no secure randomness available");
  }
  return OkStatus();
}

// Refuses anything that cannot be a token this store issued, looking only at the bytes.
Status CheckTokenShape(std::string_view token) {
  if (token.size() > kMaxPresentedToken) {
    return UnauthenticatedError("malformed token: longer than {} bytes", kMaxPresentedToken);
  }
  if (token.substr(0, kTokenPrefix.size()) != kTokenPrefix) {
    return UnauthenticatedError("malformed token: it does not start with '{}'", kTokenPrefix);
  }
  if (token.size() != kTokenLength) {
    return UnauthenticatedError("malformed token: {} bytes, expected {}", token.size(),
                                kTokenLength);
  }
  for (char c : token.substr(kTokenPrefix.size())) {
    if (!IsBase64Url(c)) {
      return UnauthenticatedError("malformed token: a character outside base64url");
    }
  }
  const std::string_view head = token.substr(0, kTokenLength - kChecksumChars);
  const std::string expected = Checksum(head);
  if (CRYPTO_memcmp(expected.data(), token.data() + head.size(), kChecksumChars) != 0) {
    return UnauthenticatedError("malformed token: bad checksum (mistyped or truncated?)");
  }
  return OkStatus();
}

// Strict UTF-8: no overlong forms, no surrogates, nothing above U+10FFFF.
bool IsUtf8(std::string_view s) {
  size_t i = 0;
  while (i < s.size()) {
    const auto c = static_cast<unsigned char>(s[i]);
    size_t extra;
    uint32_t cp;
    if (c < 0x80) {
      ++i;
      continue;
    } else if (c >= 0xC2 && c <= 0xDF) {
      extra = 1;
      cp = c & 0x1f;
    } else if (c >= 0xE0 && c <= 0xEF) {
      extra = 2;
      cp = c & 0x0f;
    } else if (c >= 0xF0 && c <= 0xF4) {
      extra = 3;
      cp = c & 0x07;
    } else {
      return false;
    }
    if (i + extra >= s.size()) return false;
    for (size_t k = 1; k <= extra; ++k) {
      const auto cc = static_cast<unsigned char>(s[i + k]);
      if ((cc & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (cc & 0x3f);
    }
    if ((extra == 2 && cp < 0x800) || (extra == 3 && cp < 0x10000) || cp > 0x10FFFF ||
        (cp >= 0xD800 && cp <= 0xDFFF)) {
      return false;
    }
    i += extra + 1;
  }
  return true;
}

// [a-z0-9][a-z0-9._-]{0,63}
bool IsName(std::string_view s) {
  if (s.empty() || s.size() > 64) return false;
  for (size_t i = 0; i < s.size(); ++i) {
    const char c = s[i];
    const bool alnum = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
    if (!alnum && (i == 0 || (c != '.' && c != '_' && c != '-'))) return false;
  }
  return true;
}

// [a-z_][a-z0-9_]{0,63}
bool IsAttributeKey(std::string_view s) {
  if (s.empty() || s.size() > 64) return false;
  for (size_t i = 0; i < s.size(); ++i) {
    const char c = s[i];
    const bool ok = (c >= 'a' && c <= 'z') || c == '_' || (i > 0 && c >= '0' && c <= '9');
    if (!ok) return false;
  }
  return true;
}

// Names and values are quoted in messages through JSON so that control bytes stay harmless.
std::string Quote(std::string_view s) {
  return nlohmann::json(std::string(s))
      .dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

// Milliseconds since the epoch of "YYYY-MM-DDTHH:MM:SS[.mmm]Z"; nullopt if malformed.
std::optional<int64_t> ParseUtcMillis(std::string_view s) {
  if (s.size() != 20 && s.size() != 24) return std::nullopt;
  auto number = [&](size_t pos, size_t len, int* out) {
    int v = 0;
    for (size_t i = pos; i < pos + len; ++i) {
      if (s[i] < '0' || s[i] > '9') return false;
      v = v * 10 + (s[i] - '0');
    }
    *out = v;
    return true;
  };
  int y, mo, d, h, mi, sec, ms = 0;
  if (!number(0, 4, &y) || s[4] != '-' || !number(5, 2, &mo) || s[7] != '-' || !number(8, 2, &d) ||
      s[10] != 'T' || !number(11, 2, &h) || s[13] != ':' || !number(14, 2, &mi) || s[16] != ':' ||
      !number(17, 2, &sec) || s.back() != 'Z') {
    return std::nullopt;
  }
  if (s.size() == 24 && (s[19] != '.' || !number(20, 3, &ms))) return std::nullopt;
  const std::chrono::year_month_day date{std::chrono::year{y},
                                         std::chrono::month{static_cast<unsigned>(mo)},
                                         std::chrono::day{static_cast<unsigned>(d)}};
  if (!date.ok() || h > 23 || mi > 59 || sec > 59) return std::nullopt;
  const auto days = std::chrono::sys_days{date}.time_since_epoch();
  return std::chrono::duration_cast<std::chrono::milliseconds>(days).count() +
         ((h * 60LL + mi) * 60 + sec) * 1000 + ms;
}

std::string FormatUtcMillis(int64_t millis) {
  using namespace std::chrono;
  const sys_time<milliseconds> time{milliseconds{millis}};
  const sys_days day = floor<days>(time);
  const year_month_day date{day};
  const hh_mm_ss<milliseconds> clock{time - day};
  return fmt::format("{:04d}-{:02d}-{:02d}T{:02d}:{:02d}:{:02d}.{:03d}Z",
                     static_cast<int>(date.year()), static_cast<unsigned>(date.month()),
                     static_cast<unsigned>(date.day()), clock.hours().count(),
                     clock.minutes().count(), clock.seconds().count(), clock.subseconds().count());
}

// Fails closed: an expiry or a current time that cannot be read counts as expired.
bool Expired(const std::string& expires, std::string_view now) {
  if (expires.empty()) return false;
  const auto end = ParseUtcMillis(expires);
  const auto current = ParseUtcMillis(now);
  return !end || !current || *current >= *end;
}

Result<std::vector<std::string>> RolesFromJson(const std::string& text, const std::string& id) {
  const nlohmann::json json = nlohmann::json::parse(text, nullptr, false);
  if (!json.is_array()) return DataLossError("principal {}: stored roles are corrupt", Quote(id));
  std::vector<std::string> roles;
  for (const auto& role : json) {
    if (!role.is_string()) {
      return DataLossError("principal {}: stored roles are corrupt", Quote(id));
    }
    roles.push_back(role.get<std::string>());
  }
  return roles;
}

Result<std::map<std::string, std::string>> AttributesFromJson(const std::string& text,
                                                              const std::string& id) {
  const nlohmann::json json = nlohmann::json::parse(text, nullptr, false);
  if (!json.is_object()) {
    return DataLossError("principal {}: stored attributes are corrupt", Quote(id));
  }
  std::map<std::string, std::string> attributes;
  for (const auto& [key, value] : json.items()) {
    if (!value.is_string()) {
      return DataLossError("principal {}: stored attributes are corrupt", Quote(id));
    }
    attributes[key] = value.get<std::string>();
  }
  return attributes;
}

const char* kSelectPrincipal =
    "SELECT id, kind, roles, attributes, disabled, created FROM principals ";

Result<PrincipalRecord> ReadPrincipal(const store::Row& row) {
  PrincipalRecord p;
  p.id = row.Text(0);
  p.kind = row.Text(1);
  ASSIGN_OR_RETURN(p.roles, RolesFromJson(row.Text(2), p.id));
  ASSIGN_OR_RETURN(p.attributes, AttributesFromJson(row.Text(3), p.id));
  p.disabled = row.Int(4) != 0;
  p.created = row.Text(5);
  return p;
}

const char* kSelectToken =
    "SELECT id, principal, created, COALESCE(expires, ''), revoked, description "
    "FROM principal_tokens ";

TokenRecord ReadToken(const store::Row& row) {
  TokenRecord t;
  t.id = row.Text(0);
  t.principal = row.Text(1);
  t.created = row.Text(2);
  t.expires = row.Text(3);
  t.revoked = row.Int(4) != 0;
  t.description = row.Text(5);
  return t;
}

}  // namespace

Result<std::chrono::seconds> ParseTtl(std::string_view text) {
  const auto bad = [&]() {
    return InvalidArgumentError("bad lifetime {}: expected a number and s, m, h or d (90m, 30d)",
                                Quote(text));
  };
  if (text.size() < 2) return bad();
  int64_t unit;
  switch (text.back()) {
    case 's':
      unit = 1;
      break;
    case 'm':
      unit = 60;
      break;
    case 'h':
      unit = 3600;
      break;
    case 'd':
      unit = 86400;
      break;
    default:
      return bad();
  }
  int64_t n = 0;
  for (char c : text.substr(0, text.size() - 1)) {
    if (c < '0' || c > '9') return bad();
    n = n * 10 + (c - '0');
    if (n * unit > kMaxTtlSeconds) {
      return InvalidArgumentError("lifetime {} is longer than 3650 days", Quote(text));
    }
  }
  if (n == 0) return InvalidArgumentError("lifetime {} is not positive", Quote(text));
  return std::chrono::seconds(n * unit);
}

std::string_view TokenState(const TokenRecord& token, std::string_view now_utc) {
  if (token.revoked) return "revoked";
  return Expired(token.expires, now_utc) ? "expired" : "active";
}

PrincipalStore::PrincipalStore(store::StateDb* db, ledger::Clock* clock) : db_(db), clock_(clock) {
  if (clock_ == nullptr) {
    own_clock_ = std::make_unique<ledger::SystemClock>();
    clock_ = own_clock_.get();
  }
}

Result<std::unique_ptr<PrincipalStore>> PrincipalStore::Open(store::StateDb* db,
                                                             ledger::Clock* clock) {
  RETURN_IF_ERROR(db->Migrate("principals", kMigrations).status());
  return std::unique_ptr<PrincipalStore>(new PrincipalStore(db, clock));
}

Status PrincipalStore::Add(const PrincipalRecord& p) {
  if (!IsName(p.id)) {
    return InvalidArgumentError("bad principal id {}: expected [a-z0-9][a-z0-9._-]{{0,63}}",
                                Quote(p.id));
  }
  if (p.kind != "person" && p.kind != "agent") {
    return InvalidArgumentError("bad kind {} for principal '{}': expected person or agent",
                                Quote(p.kind), p.id);
  }
  nlohmann::json roles = nlohmann::json::array();
  for (const auto& role : p.roles) {
    if (!IsName(role)) {
      return InvalidArgumentError("bad role {}: expected [a-z0-9][a-z0-9._-]{{0,63}}", Quote(role));
    }
    if (std::find(roles.begin(), roles.end(), role) == roles.end()) roles.push_back(role);
  }
  nlohmann::json attributes = nlohmann::json::object();
  for (const auto& [key, value] : p.attributes) {
    if (!IsAttributeKey(key)) {
      return InvalidArgumentError("bad attribute name {}: expected [a-z_][a-z0-9_]{{0,63}}",
                                  Quote(key));
    }
    if (value.size() > kMaxValueBytes || !IsUtf8(value)) {
      return InvalidArgumentError("attribute '{}': the value must be UTF-8 of at most {} bytes",
                                  key, kMaxValueBytes);
    }
    attributes[key] = value;
  }
  Result<int64_t> inserted = db_->Exec(
      "INSERT INTO principals (id, kind, roles, attributes, disabled, created) "
      "VALUES (?, ?, ?, ?, ?, ?)",
      {p.id, p.kind, roles.dump(), attributes.dump(), int64_t{p.disabled ? 1 : 0},
       clock_->NowUtc()});
  if (inserted.status().code() == StatusCode::kAlreadyExists) {
    return AlreadyExistsError("principal '{}' already exists", p.id);
  }
  return inserted.status();
}

Result<std::vector<PrincipalRecord>> PrincipalStore::List() {
  std::vector<PrincipalRecord> out;
  RETURN_IF_ERROR(db_->Query(std::string(kSelectPrincipal) + "ORDER BY id", {},
                             [&](const store::Row& row) -> Status {
                               ASSIGN_OR_RETURN(PrincipalRecord p, ReadPrincipal(row));
                               out.push_back(std::move(p));
                               return OkStatus();
                             }));
  return out;
}

Result<PrincipalRecord> PrincipalStore::Get(const std::string& id) {
  std::optional<PrincipalRecord> found;
  RETURN_IF_ERROR(db_->Query(std::string(kSelectPrincipal) + "WHERE id = ?", {id},
                             [&](const store::Row& row) -> Status {
                               ASSIGN_OR_RETURN(found, ReadPrincipal(row));
                               return OkStatus();
                             }));
  if (!found) return NotFoundError("no principal {}", Quote(id));
  return *std::move(found);
}

Status PrincipalStore::SetDisabled(const std::string& id, bool disabled) {
  ASSIGN_OR_RETURN(int64_t changed, db_->Exec("UPDATE principals SET disabled = ? WHERE id = ?",
                                              {int64_t{disabled ? 1 : 0}, id}));
  if (changed == 0) return NotFoundError("no principal {}", Quote(id));
  return OkStatus();
}

Status PrincipalStore::EnsureLocalAdmin() {
  return db_
      ->Exec(
          "INSERT INTO principals (id, kind, roles, attributes, disabled, created) "
          "VALUES ('admin', 'person', '[\"admin\"]', '{}', 0, ?) ON CONFLICT (id) DO NOTHING",
          {clock_->NowUtc()})
      .status();
}

Result<IssuedToken> PrincipalStore::Issue(const std::string& principal,
                                          std::optional<std::chrono::seconds> ttl,
                                          const std::string& description) {
  ASSIGN_OR_RETURN(PrincipalRecord owner, Get(principal));
  if (owner.disabled) {
    return FailedPreconditionError("principal '{}' is disabled; enable it first", owner.id);
  }
  if (ttl && ttl->count() <= 0) return InvalidArgumentError("token lifetime must be positive");
  if (ttl && ttl->count() > kMaxTtlSeconds) {
    return InvalidArgumentError("token lifetime is longer than 3650 days");
  }
  if (description.size() > kMaxValueBytes || !IsUtf8(description)) {
    return InvalidArgumentError("token description must be UTF-8 of at most {} bytes",
                                kMaxValueBytes);
  }
  IssuedToken issued;
  TokenRecord& record = issued.record;
  record.principal = owner.id;
  record.created = clock_->NowUtc();
  record.description = description;
  if (ttl) {
    const auto now = ParseUtcMillis(record.created);
    if (!now) return InternalError("the clock returned {}, not ISO-8601 UTC", record.created);
    record.expires = FormatUtcMillis(*now + ttl->count() * 1000);
  }

  std::array<uint8_t, kRandomBytes> random{};
  RETURN_IF_ERROR(RandomBytes(random.data(), random.size()));
  std::string secret = std::string(kTokenPrefix) + Base64UrlNoPad(random.data(), random.size());
  OPENSSL_cleanse(random.data(), random.size());
  secret += Checksum(secret);
  // A plain SHA-256 suffices: the secret carries 256 random bits, so no dictionary or brute
  // force attack on a stolen hash is feasible and a slow password KDF would only cost latency.
  const std::string hash = ledger::ToHex(ledger::Sha256(secret));

  // The public id is random too; on the (2^-48) chance of a collision, draw again. The
  // collision is skipped rather than raised: on PostgreSQL an error would end the caller's
  // transaction.
  for (int attempt = 0;; ++attempt) {
    std::array<uint8_t, 6> id_bytes{};
    RETURN_IF_ERROR(RandomBytes(id_bytes.data(), id_bytes.size()));
    record.id = ledger::ToHex(
        std::string_view(reinterpret_cast<const char*>(id_bytes.data()), id_bytes.size()));
    ASSIGN_OR_RETURN(
        int64_t inserted,
        db_->Exec(
            "INSERT INTO principal_tokens (id, principal, hash, created, expires, description) "
            "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING",
            {record.id, record.principal, hash, record.created,
             record.expires.empty() ? store::Param(nullptr) : store::Param(record.expires),
             record.description}));
    if (inserted == 1) break;
    if (attempt == 3) return InternalError("could not draw a free token id");
  }
  issued.secret = std::move(secret);
  return issued;
}

Result<std::vector<TokenRecord>> PrincipalStore::Tokens(const std::string& principal) {
  std::vector<TokenRecord> out;
  auto collect = [&](const store::Row& row) -> Status {
    out.push_back(ReadToken(row));
    return OkStatus();
  };
  if (principal.empty()) {
    RETURN_IF_ERROR(db_->Query(std::string(kSelectToken) + "ORDER BY created, rowid", {}, collect));
  } else {
    RETURN_IF_ERROR(Get(principal).status());
    RETURN_IF_ERROR(db_->Query(std::string(kSelectToken) + "WHERE principal = ? ORDER BY "
                                                           "created, rowid",
                               {principal}, collect));
  }
  return out;
}

Status PrincipalStore::Revoke(const std::string& token_id) {
  ASSIGN_OR_RETURN(int64_t changed, db_->Exec("UPDATE principal_tokens SET revoked = 1, "
                                              "revoked_at = COALESCE(revoked_at, ?) WHERE id = ?",
                                              {clock_->NowUtc(), token_id}));
  if (changed == 0) return NotFoundError("no token {}", Quote(token_id));
  return OkStatus();
}

Result<engine::Principal> PrincipalStore::Authenticate(std::string_view token,
                                                       TokenRecord* record) {
  RETURN_IF_ERROR(CheckTokenShape(token));
  return TokenPrincipal("hash", ledger::ToHex(ledger::Sha256(token)), record);
}

Result<engine::Principal> PrincipalStore::AuthenticateTokenId(std::string_view token_id) {
  if (token_id.empty()) return UnauthenticatedError("unknown token");
  return TokenPrincipal("id", std::string(token_id), nullptr);
}

Result<engine::Principal> PrincipalStore::TokenPrincipal(const char* column, const std::string& key,
                                                         TokenRecord* record) {
  struct Match {
    std::string token_id, stored_key, expires, principal, roles, attributes, created;
    bool revoked = false, disabled = false;
  };
  std::optional<Match> match;
  // The index lookup by hash is not constant-time, but what it could leak is a prefix of the
  // SHA-256 of a 256-bit secret, which does not help to forge one. The stored key is compared
  // again in constant time below.
  const bool by_id = std::string_view(column) == "id";
  RETURN_IF_ERROR(db_->Query(
      by_id ? "SELECT t.id, t.id, COALESCE(t.expires, ''), t.revoked, p.id, p.roles, "
              "p.attributes, p.disabled, t.created FROM principal_tokens t "
              "JOIN principals p ON p.id = t.principal WHERE t.id = ?"
            : "SELECT t.id, t.hash, COALESCE(t.expires, ''), t.revoked, p.id, p.roles, "
              "p.attributes, p.disabled, t.created FROM principal_tokens t "
              "JOIN principals p ON p.id = t.principal WHERE t.hash = ?",
      {key}, [&](const store::Row& row) -> Status {
        match = Match{row.Text(0), row.Text(1), row.Text(2),     row.Text(4),    row.Text(5),
                      row.Text(6), row.Text(8), row.Int(3) != 0, row.Int(7) != 0};
        return OkStatus();
      }));
  if (!match || match->stored_key.size() != key.size() ||
      CRYPTO_memcmp(match->stored_key.data(), key.data(), key.size()) != 0) {
    return UnauthenticatedError("unknown token");
  }
  if (match->revoked) return UnauthenticatedError("token {} was revoked", match->token_id);
  if (Expired(match->expires, clock_->NowUtc())) {
    return UnauthenticatedError("token {} expired at {}", match->token_id, match->expires);
  }
  if (match->disabled) {
    return UnauthenticatedError("token {}: principal '{}' is disabled", match->token_id,
                                match->principal);
  }
  engine::Principal principal;
  principal.id = match->principal;
  ASSIGN_OR_RETURN(principal.roles, RolesFromJson(match->roles, match->principal));
  ASSIGN_OR_RETURN(principal.attributes, AttributesFromJson(match->attributes, match->principal));
  if (record != nullptr) {
    *record =
        TokenRecord{match->token_id, match->principal, match->created, match->expires, false, ""};
  }
  return principal;
}

}  // namespace cairn::policy
