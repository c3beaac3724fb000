#pragma once

// The format of tests/sql/**/*.test, parsed once for every ingress that runs it (the library
// session in sql_test_runner.cc, the cairn binary in e2e/policy_cli_test.cc). A file reads,
// line by line:
//
//   # a comment
//   require postgres            skip the file unless CAIRN_TEST_PG_HOST is set (fails instead
//                               when CAIRN_REQUIRE_PG=1); also: require chinook_csv
//   source NAME KIND key=value ...   a source in the generated cairn.yaml; values may use
//                               ${ENV} references (CAIRN_TEST_DATA, CAIRN_SOURCE_DIR and the
//                               CAIRN_TEST_PG_* variables are set)
//   limit max_rows|timeout_ms|max_memory_mb N
//   env NAME VALUE              set an environment variable (e.g. a wrong password)
//   policy FILE                 the policy (policy.yaml format), relative to the .test file
//
//   as ID [roles=a,b] [key=value ...]   from here on, statements run as this principal (with
//                               these roles and attributes); `as admin` is the administrator,
//                               the default
//   statement ok                then the SQL on the following lines, up to a blank line
//   statement error CODE [text] the statement must fail with that StatusCode name, and its
//                               message must contain `text` when given
//   query [rowsort]             SQL lines, then "----", then the expected rows up to a blank
//                               line: values joined by "|", NULL written as NULL

#include <filesystem>
#include <map>
#include <string>
#include <utility>
#include <vector>

namespace cairn::sqltest {

struct PrincipalSpec {
  std::string id = "admin";
  std::vector<std::string> roles = {"admin"};
  std::map<std::string, std::string> attributes;
};

struct Step {
  enum class Kind { kAs, kStatementOk, kStatementError, kQuery };
  Kind kind = Kind::kStatementOk;
  std::string where;  // file:line of the directive
  std::string sql;
  std::string code;  // kStatementError
  std::string text;  // kStatementError: expected message fragment, may be empty
  bool rowsort = false;
  std::vector<std::string> expected;  // kQuery
  PrincipalSpec principal;            // kAs
};

struct SqlFile {
  std::filesystem::path path;
  std::vector<std::string> requires_;
  std::vector<std::pair<std::string, std::string>> env;
  std::string config_yaml;            // the generated cairn.yaml
  std::filesystem::path policy_file;  // empty when none
  std::vector<Step> steps;
};

// The source tree (CAIRN_SOURCE_DIR or the compiled-in default) and every .test file under
// tests/sql, relative to it, sorted.
std::filesystem::path SourceDir();
std::vector<std::string> TestFiles();

// Parses `path`. Returns false and sets *error (file:line: why) on a malformed file.
bool ParseSqlFile(const std::filesystem::path& path, SqlFile* out, std::string* error);

// What every runner does first: sets CAIRN_TEST_DATA and CAIRN_SOURCE_DIR (unless set) for the
// ${...} references of `source` lines, then parses tests/sql/<name>.
bool LoadTestFile(const std::string& name, SqlFile* out, std::string* error);

// The rows of a query step as one text each (one line a row), actual first then expected, both
// sorted when the step says rowsort: what every runner compares.
std::pair<std::string, std::string> RowTexts(const Step& step, std::vector<std::string> actual);

// Why the file cannot run here (a missing requirement), or "" when it can. Sets *fail when the
// environment demands the requirement (CAIRN_REQUIRE_PG=1).
std::string MissingRequirement(const SqlFile& file, bool* fail);

}  // namespace cairn::sqltest
