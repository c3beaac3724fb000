#include "store/state_db.h"

namespace cairn::store {

std::string StatementHead(const std::string& sql) {
  std::string head = sql.substr(0, 60);
  for (char& c : head) {
    if (c == '\n' || c == '\t') c = ' ';
  }
  return sql.size() > 60 ? head + "..." : head;
}

std::string PostgresPlaceholders(const std::string& sql) {
  std::string out;
  out.reserve(sql.size() + 16);
  int highest = 0;
  size_t i = 0;
  const size_t n = sql.size();
  while (i < n) {
    const char c = sql[i];
    if (c == '\'' || c == '"') {
      // A quoted string or identifier; a doubled quote stays inside it.
      const size_t start = i++;
      while (i < n) {
        if (sql[i] == c) {
          if (i + 1 < n && sql[i + 1] == c) {
            i += 2;
            continue;
          }
          ++i;
          break;
        }
        ++i;
      }
      out.append(sql, start, i - start);
    } else if (c == '-' && i + 1 < n && sql[i + 1] == '-') {
      const size_t end = sql.find('\n', i);
      const size_t stop = end == std::string::npos ? n : end;
      out.append(sql, i, stop - i);
      i = stop;
    } else if (c == '/' && i + 1 < n && sql[i + 1] == '*') {
      const size_t end = sql.find("*/", i + 2);
      const size_t stop = end == std::string::npos ? n : end + 2;
      out.append(sql, i, stop - i);
      i = stop;
    } else if (c == '?') {
      ++i;
      int number = 0;
      bool explicit_number = false;
      while (i < n && sql[i] >= '0' && sql[i] <= '9') {
        number = number * 10 + (sql[i] - '0');
        explicit_number = true;
        ++i;
      }
      if (!explicit_number) number = highest + 1;
      highest = std::max(highest, number);
      out += '$';
      out += std::to_string(number);
    } else {
      out += c;
      ++i;
    }
  }
  return out;
}

Result<std::unique_ptr<StateDb>> StateDb::OpenConfigured(const Config& config) {
  if (!config.state) return Open(config.state_dir / "state.sqlite");
  std::string password;
  if (!config.state->password.empty()) {
    Result<std::string> expanded = ExpandEnv(config.state->password);
    if (!expanded.ok()) {
      return InvalidArgumentError("{}: state.password: {}", config.state->mark.ToString(),
                                  expanded.status().message());
    }
    password = *expanded;
  }
  return OpenPostgres(config.state->url, password);
}

Result<int> StateDb::Version(const std::string& component) {
  int version = 0;
  RETURN_IF_ERROR(
      Query("SELECT COALESCE(MAX(version), 0) FROM cairn_migrations WHERE component = ?",
            {component}, [&](const Row& r) {
              version = static_cast<int>(r.Int(0));
              return OkStatus();
            }));
  return version;
}

Result<int> StateDb::Migrate(const std::string& component,
                             const std::vector<Migration>& migrations) {
  int previous = 0;
  for (const Migration& migration : migrations) {
    if (migration.version <= previous) {
      return InternalError("migrations of '{}' are not in increasing order at version {}",
                           component, migration.version);
    }
    previous = migration.version;
  }
  ASSIGN_OR_RETURN(int current, Version(component));
  if (migrations.empty() || migrations.back().version <= current) return 0;
  int applied = 0;
  for (const Migration& migration : migrations) {
    if (migration.version <= current) continue;
    bool done_elsewhere = false;
    RETURN_IF_ERROR(Transaction([&]() -> Status {
      // Another node may have applied it while this one waited for the lock.
      RETURN_IF_ERROR(LockForMigration());
      ASSIGN_OR_RETURN(int now, Version(component));
      if (migration.version <= now) {
        done_elsewhere = true;
        return OkStatus();
      }
      const std::string& script = dialect() == Dialect::kPostgres && !migration.postgres.empty()
                                      ? migration.postgres
                                      : migration.sql;
      Status status = ExecScript(script);
      if (!status.ok()) {
        return InternalError("state database {}: migration {} {} ('{}') failed: {}", Describe(),
                             component, migration.version, migration.name, status.message());
      }
      return Exec("INSERT INTO cairn_migrations (component, version, name) VALUES (?, ?, ?)",
                  {component, static_cast<int64_t>(migration.version), migration.name})
          .status();
    }));
    if (!done_elsewhere) ++applied;
  }
  return applied;
}

}  // namespace cairn::store
