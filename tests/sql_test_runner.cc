// Data-driven SQL tests: every tests/sql/**/*.test file is one test case, found at start-up
// (no CMake edit needed to add one). A file reads, line by line:
//
//   # a comment
//   require postgres            skip the file unless CAIRN_TEST_PG_HOST is set (fails instead
//                               when CAIRN_REQUIRE_PG=1); also: require chinook_csv
//   source NAME KIND key=value ...   a source in the generated cairn.yaml; values may use
//                               ${ENV} references (CAIRN_SHARED_DATA, CAIRN_SOURCE_DIR and the
//                               CAIRN_TEST_PG_* variables are set)
//   limit max_rows|timeout_ms|max_memory_mb N
//   env NAME VALUE              set an environment variable (e.g. a wrong password)
//
//   statement ok                then the SQL on the following lines, up to a blank line
//   statement error CODE [text] the statement must fail with that StatusCode name, and its
//                               message must contain `text` when given
//   query [rowsort]             SQL lines, then "----", then the expected rows up to a blank
//                               line: values joined by "|", NULL written as NULL
//
// The statements run in one engine::Session over the declared sources.

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "core/config.h"
#include "engine/catalog.h"
#include "engine/session.h"

namespace cairn {
namespace {

namespace fs = std::filesystem;

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

std::string Render(const engine::Value& value) {
  return value.type == engine::Value::Type::kNull ? "NULL" : engine::ValueToText(value);
}

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

class SqlFileTest : public ::testing::TestWithParam<std::string> {};

TEST_P(SqlFileTest, Passes) {
  const fs::path file = SourceDir() / "tests" / "sql" / GetParam();
  std::ifstream in(file);
  ASSERT_TRUE(in) << "cannot read " << file;
  std::vector<std::string> lines;
  for (std::string line; std::getline(in, line);) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    lines.push_back(line);
  }
  setenv("CAIRN_SHARED_DATA", (SourceDir() / ".." / "shared" / "data").c_str(), 0);
  setenv("CAIRN_SOURCE_DIR", SourceDir().c_str(), 0);

  std::string yaml = "version: 1\nlimits:\n";
  std::string sources_yaml = "sources:\n";
  std::vector<std::string> limit_lines;
  size_t i = 0;
  // Header: require/source/limit lines until the first statement or query.
  for (; i < lines.size(); ++i) {
    std::vector<std::string> words = Words(lines[i]);
    if (words.empty() || words[0][0] == '#') continue;
    if (words[0] == "require") {
      ASSERT_EQ(words.size(), 2u) << file << ":" << i + 1;
      if (words[1] == "postgres" && std::getenv("CAIRN_TEST_PG_HOST") == nullptr) {
        if (std::getenv("CAIRN_REQUIRE_PG")) FAIL() << "CAIRN_REQUIRE_PG=1 but no PostgreSQL";
        GTEST_SKIP() << "no test PostgreSQL (run scripts/pg.sh start)";
      }
      if (words[1] == "chinook_csv" && std::getenv("CAIRN_TEST_CHINOOK_CSV") == nullptr) {
        if (std::getenv("CAIRN_REQUIRE_PG")) FAIL() << "CAIRN_TEST_CHINOOK_CSV is not set";
        GTEST_SKIP() << "CAIRN_TEST_CHINOOK_CSV is not set (scripts/test.sh exports it)";
      }
    } else if (words[0] == "source") {
      ASSERT_GE(words.size(), 3u) << file << ":" << i + 1 << ": source NAME KIND key=value...";
      sources_yaml += "  " + words[1] + ":\n    kind: " + words[2] + "\n";
      for (size_t w = 3; w < words.size(); ++w) {
        size_t eq = words[w].find('=');
        ASSERT_NE(eq, std::string::npos) << file << ":" << i + 1;
        sources_yaml += "    " + words[w].substr(0, eq) + ": \"" + words[w].substr(eq + 1) + "\"\n";
      }
    } else if (words[0] == "env") {
      ASSERT_EQ(words.size(), 3u) << file << ":" << i + 1 << ": env NAME VALUE";
      setenv(words[1].c_str(), words[2].c_str(), 1);
    } else if (words[0] == "limit") {
      ASSERT_EQ(words.size(), 3u) << file << ":" << i + 1;
      limit_lines.push_back("  " + words[1] + ": " + words[2] + "\n");
    } else {
      break;
    }
  }
  if (limit_lines.empty()) {
    yaml = "version: 1\n";
  } else {
    for (const auto& l : limit_lines) yaml += l;
  }
  yaml += sources_yaml;

  Result<Config> config = ParseConfig(yaml, SourceDir() / "tests" / "sql" / "cairn.yaml");
  ASSERT_TRUE(config.ok()) << file << ": " << config.status().ToString() << "\n" << yaml;
  auto catalog = engine::Catalog::Create(*config);
  ASSERT_TRUE(catalog.ok()) << file << ": " << catalog.status().ToString();
  auto session = engine::Session::Open(catalog->get(), engine::Principal::Admin());
  ASSERT_TRUE(session.ok()) << session.status().ToString();

  while (i < lines.size()) {
    std::vector<std::string> words = Words(lines[i]);
    if (words.empty() || words[0][0] == '#') {
      ++i;
      continue;
    }
    const size_t header_line = i + 1;
    const std::string where = file.string() + ":" + std::to_string(header_line);
    ++i;
    std::string sql;
    while (i < lines.size() && !Trim(lines[i]).empty() && Trim(lines[i]) != "----") {
      sql += lines[i] + "\n";
      ++i;
    }
    if (words[0] == "statement") {
      ASSERT_GE(words.size(), 2u) << where;
      Result<engine::QueryResult> result = (*session)->QueryAll(sql);
      if (words[1] == "ok") {
        EXPECT_TRUE(result.ok()) << where << ": " << result.status().ToString();
      } else if (words[1] == "error") {
        ASSERT_GE(words.size(), 3u) << where << ": statement error CODE [text]";
        StatusCode expected;
        ASSERT_TRUE(StatusCodeFromName(words[2], &expected)) << where << ": unknown code";
        if (result.ok()) {
          ADD_FAILURE() << where << ": expected " << words[2] << ", the statement succeeded";
        } else {
          EXPECT_EQ(StatusCodeName(result.status().code()), words[2])
              << where << ": " << result.status().ToString();
          std::string header = Trim(lines[header_line - 1]);
          size_t pos = header.find(words[2]) + words[2].size();
          std::string text = Trim(header.substr(pos));
          if (!text.empty()) {
            EXPECT_NE(result.status().message().find(text), std::string::npos)
                << where << ": message '" << result.status().message() << "' lacks '" << text
                << "'";
          }
        }
      } else {
        FAIL() << where << ": expected 'statement ok' or 'statement error CODE'";
      }
    } else if (words[0] == "query") {
      const bool rowsort = words.size() > 1 && words[1] == "rowsort";
      ASSERT_TRUE(i < lines.size() && Trim(lines[i]) == "----") << where << ": missing ----";
      ++i;
      std::vector<std::string> expected;
      while (i < lines.size() && !Trim(lines[i]).empty()) expected.push_back(lines[i++]);
      Result<engine::QueryResult> result = (*session)->QueryAll(sql);
      if (!result.ok()) {
        ADD_FAILURE() << where << ": " << result.status().ToString();
        continue;
      }
      std::vector<std::string> actual;
      for (const auto& row : result->rows) {
        std::string line;
        for (size_t c = 0; c < row.size(); ++c) line += (c ? "|" : "") + Render(row[c]);
        actual.push_back(line);
      }
      if (rowsort) {
        std::sort(actual.begin(), actual.end());
        std::sort(expected.begin(), expected.end());
      }
      std::string actual_text, expected_text;
      for (const auto& l : actual) actual_text += l + "\n";
      for (const auto& l : expected) expected_text += l + "\n";
      EXPECT_EQ(actual_text, expected_text) << where << ": " << sql;
    } else {
      FAIL() << where << ": unknown directive '" << words[0] << "'";
    }
  }
}

std::string TestName(const ::testing::TestParamInfo<std::string>& info) {
  std::string name;
  for (char c : info.param) name += std::isalnum(static_cast<unsigned char>(c)) ? c : '_';
  return name;
}

INSTANTIATE_TEST_SUITE_P(Sql, SqlFileTest, ::testing::ValuesIn(TestFiles()), TestName);
GTEST_ALLOW_UNINSTANTIATED_PARAMETERIZED_TEST(SqlFileTest);

}  // namespace
}  // namespace cairn
