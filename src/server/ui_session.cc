#include "server/ui_session.h"

#include <openssl/crypto.h>
#include <openssl/rand.h>

#include <algorithm>
#include <array>
#include <cstdio>
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

Result<NewSession> SessionStore::Open(const std::string& principal, const std::string& kind,
                                      const std::string& token_id,
                                      const std::string& token_expires) {
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

  std::lock_guard<std::mutex> lock(mu_);
  if (sessions_.size() >= options_.max_sessions) Sweep(now);
  if (sessions_.size() >= options_.max_sessions) {
    return ResourceExhaustedError("too many open sessions ({}); try again later", sessions_.size());
  }
  sessions_[KeyOf(session.id)] = Entry{principal, kind, token_id, session.csrf, "", now, ends};
  return session;
}

std::optional<SessionView> SessionStore::Find(std::string_view id) {
  // A cookie that is not 64 hex digits was never issued: no need to hash and look.
  if (id.size() != 64) return std::nullopt;
  const std::string key = KeyOf(id);
  const SystemClock::time_point now = options_.now();
  std::lock_guard<std::mutex> lock(mu_);
  auto it = sessions_.find(key);
  if (it == sessions_.end()) return std::nullopt;
  Entry& entry = it->second;
  if (now >= entry.ends || now - entry.last_seen >= options_.idle) {
    sessions_.erase(it);
    return std::nullopt;
  }
  entry.last_seen = now;
  SessionView view{key, entry.principal, entry.kind, entry.token_id, entry.csrf, ""};
  view.flash.swap(entry.flash);
  return view;
}

void SessionStore::Flash(const std::string& key, std::string message) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = sessions_.find(key);
  if (it != sessions_.end()) it->second.flash = std::move(message);
}

void SessionStore::End(const std::string& key) {
  std::lock_guard<std::mutex> lock(mu_);
  sessions_.erase(key);
}

size_t SessionStore::size() const {
  std::lock_guard<std::mutex> lock(mu_);
  return sessions_.size();
}

void SessionStore::Sweep(SystemClock::time_point now) {
  for (auto it = sessions_.begin(); it != sessions_.end();) {
    const Entry& entry = it->second;
    if (now >= entry.ends || now - entry.last_seen >= options_.idle) {
      it = sessions_.erase(it);
    } else {
      ++it;
    }
  }
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
