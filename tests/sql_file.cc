#include "sql_file.h"

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <sstream>

namespace cairn::sqltest {
namespace {

namespace fs = std::filesystem;

std::string Trim(const std::string& s) {
  size_t b = s.find_first_not_of(" \t\r");
  if (b == std::string::npos) return "";
  size_t e = s.find_last_not_of(" \t\r");
  return s.substr(b, e - b + 1);
}

std::vector<std::string> Words(const std::string& line) {
  std::istringstream in(line);
  std::vector<std::string> words;
  std::string word;
  while (in >> word) words.push_back(word);
  return words;
}

std::vector<std::string> Split(const std::string& text, char sep) {
  std::vector<std::string> out;
  std::string item;
  std::istringstream in(text);
  while (std::getline(in, item, sep)) {
    if (!item.empty()) out.push_back(item);
  }
  return out;
}

}  // namespace

fs::path SourceDir() {
  const char* env = std::getenv("CAIRN_SOURCE_DIR");
  return env ? fs::path(env) : fs::path(CAIRN_SOURCE_DIR);
}

std::vector<std::string> TestFiles() {
  std::vector<std::string> files;
  fs::path root = SourceDir() / "tests" / "sql";
  std::error_code ec;
  for (auto it = fs::recursive_directory_iterator(root, ec); !ec && it != fs::end(it);
       it.increment(ec)) {
    if (it->is_regular_file() && it->path().extension() == ".test") {
      files.push_back(fs::relative(it->path(), root).string());
    }
  }
  std::sort(files.begin(), files.end());
  return files;
}

bool ParseSqlFile(const fs::path& path, SqlFile* out, std::string* error) {
  std::ifstream in(path);
  if (!in) {
    *error = "cannot read " + path.string();
    return false;
  }
  std::vector<std::string> lines;
  for (std::string line; std::getline(in, line);) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    lines.push_back(line);
  }
  out->path = path;
  auto fail = [&](size_t line, const std::string& why) {
    *error = path.string() + ":" + std::to_string(line + 1) + ": " + why;
    return false;
  };
  std::string limits;
  std::string sources = "sources:\n";
  size_t i = 0;
  for (; i < lines.size(); ++i) {
    std::vector<std::string> words = Words(lines[i]);
    if (words.empty() || words[0][0] == '#') continue;
    if (words[0] == "require") {
      if (words.size() != 2) return fail(i, "require WHAT");
      out->requires_.push_back(words[1]);
    } else if (words[0] == "source") {
      if (words.size() < 3) return fail(i, "source NAME KIND key=value...");
      sources += "  " + words[1] + ":\n    kind: " + words[2] + "\n";
      for (size_t w = 3; w < words.size(); ++w) {
        size_t eq = words[w].find('=');
        if (eq == std::string::npos) return fail(i, "expected key=value");
        sources += "    " + words[w].substr(0, eq) + ": \"" + words[w].substr(eq + 1) + "\"\n";
      }
    } else if (words[0] == "env") {
      if (words.size() != 3) return fail(i, "env NAME VALUE");
      out->env.emplace_back(words[1], words[2]);
    } else if (words[0] == "limit") {
      if (words.size() != 3) return fail(i, "limit NAME N");
      limits += "  " + words[1] + ": " + words[2] + "\n";
    } else if (words[0] == "policy") {
      if (words.size() != 2) return fail(i, "policy FILE");
      out->policy_file = path.parent_path() / words[1];
    } else {
      break;
    }
  }
  out->config_yaml = "version: 1\n" + (limits.empty() ? "" : "limits:\n" + limits) + sources;

  while (i < lines.size()) {
    std::vector<std::string> words = Words(lines[i]);
    if (words.empty() || words[0][0] == '#') {
      ++i;
      continue;
    }
    const size_t header = i;
    Step step;
    step.where = path.string() + ":" + std::to_string(header + 1);
    ++i;
    if (words[0] == "as") {
      if (words.size() < 2) return fail(header, "as ID [roles=a,b] [key=value ...]");
      step.kind = Step::Kind::kAs;
      step.principal.id = words[1];
      step.principal.roles =
          words[1] == "admin" ? std::vector<std::string>{"admin"} : std::vector<std::string>{};
      for (size_t w = 2; w < words.size(); ++w) {
        size_t eq = words[w].find('=');
        if (eq == std::string::npos) return fail(header, "expected key=value");
        const std::string key = words[w].substr(0, eq);
        const std::string value = words[w].substr(eq + 1);
        if (key == "roles") {
          step.principal.roles = Split(value, ',');
        } else {
          step.principal.attributes[key] = value;
        }
      }
      out->steps.push_back(std::move(step));
      continue;
    }
    while (i < lines.size() && !Trim(lines[i]).empty() && Trim(lines[i]) != "----") {
      step.sql += lines[i] + "\n";
      ++i;
    }
    if (step.sql.empty()) return fail(header, "no SQL after the directive");
    if (words[0] == "statement") {
      if (words.size() < 2) return fail(header, "statement ok | statement error CODE [text]");
      if (words[1] == "ok") {
        step.kind = Step::Kind::kStatementOk;
      } else if (words[1] == "error") {
        if (words.size() < 3) return fail(header, "statement error CODE [text]");
        step.kind = Step::Kind::kStatementError;
        step.code = words[2];
        const std::string line = Trim(lines[header]);
        step.text = Trim(line.substr(line.find(words[2]) + words[2].size()));
      } else {
        return fail(header, "expected 'statement ok' or 'statement error CODE'");
      }
    } else if (words[0] == "query") {
      step.kind = Step::Kind::kQuery;
      step.rowsort = words.size() > 1 && words[1] == "rowsort";
      if (i >= lines.size() || Trim(lines[i]) != "----") return fail(header, "missing ----");
      ++i;
      while (i < lines.size() && !Trim(lines[i]).empty()) step.expected.push_back(lines[i++]);
    } else {
      return fail(header, "unknown directive '" + words[0] + "'");
    }
    out->steps.push_back(std::move(step));
  }
  return true;
}

bool LoadTestFile(const std::string& name, SqlFile* out, std::string* error) {
  setenv("CAIRN_TEST_DATA", (SourceDir() / "tests" / "data").c_str(), 0);
  setenv("CAIRN_SOURCE_DIR", SourceDir().c_str(), 0);
  return ParseSqlFile(SourceDir() / "tests" / "sql" / name, out, error);
}

std::pair<std::string, std::string> RowTexts(const Step& step, std::vector<std::string> actual) {
  std::vector<std::string> expected = step.expected;
  if (step.rowsort) {
    std::sort(actual.begin(), actual.end());
    std::sort(expected.begin(), expected.end());
  }
  std::pair<std::string, std::string> out;
  for (const auto& l : actual) out.first += l + "\n";
  for (const auto& l : expected) out.second += l + "\n";
  return out;
}

std::string MissingRequirement(const SqlFile& file, bool* fail) {
  *fail = std::getenv("CAIRN_REQUIRE_PG") != nullptr;
  for (const std::string& what : file.requires_) {
    if (what == "postgres" && std::getenv("CAIRN_TEST_PG_HOST") == nullptr) {
      return "no test PostgreSQL (run scripts/pg.sh start)";
    }
    if (what == "chinook_csv" && std::getenv("CAIRN_TEST_CHINOOK_CSV") == nullptr) {
      return "CAIRN_TEST_CHINOOK_CSV is not set (scripts/test.sh exports it)";
    }
    if (what != "postgres" && what != "chinook_csv") {
      *fail = true;
      return "unknown requirement '" + what + "'";
    }
  }
  return "";
}

}  // namespace cairn::sqltest
