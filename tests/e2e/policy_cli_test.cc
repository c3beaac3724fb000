// The adversarial policy suite (every tests/sql/**/*.test file with a `policy` directive) through
// the real `cairn` binary: the same files sql_test_runner.cc runs through the library session,
// here as principals added with `cairn principal add`, authenticated by tokens from `cairn token
// issue`, each statement one `cairn query - --format csv` process. The assertions mirror the
// library runner's, so a case that passes on one ingress and fails on the other is an ingress
// difference.

#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <map>
#include <random>
#include <string>
#include <vector>

#include "../sql_file.h"
#include "cli_harness.h"
#include "core/status.h"

namespace cairn {
namespace {

namespace fs = std::filesystem;
using sqltest::PrincipalSpec;
using sqltest::Step;

// The exit code `cairn` gives a status code (src/cli/main.cc, README "Exit codes").
int ExitCodeFor(StatusCode code) {
  switch (code) {
    case StatusCode::kOk:
      return 0;
    case StatusCode::kInvalidArgument:
      return 3;
    case StatusCode::kNotFound:
      return 4;
    case StatusCode::kPermissionDenied:
    case StatusCode::kUnauthenticated:
      return 5;
    case StatusCode::kUnavailable:
      return 6;
    case StatusCode::kResourceExhausted:
    case StatusCode::kDeadlineExceeded:
      return 7;
    case StatusCode::kAlreadyExists:
    case StatusCode::kFailedPrecondition:
      return 8;
    case StatusCode::kDataLoss:
      return 9;
    default:
      return 1;
  }
}

// Parses `cairn query --format csv` output (RFC 4180, CRLF records, header first) into rows
// rendered as the library runner renders them: values joined by "|", NULL (an unquoted empty
// field) as NULL. Returns false on malformed output.
bool CsvToRows(const std::string& csv, std::vector<std::string>* rows) {
  std::vector<std::string> record;
  std::string line;
  size_t i = 0;
  bool header = true;
  while (i < csv.size()) {
    std::string field;
    bool quoted = false;
    if (csv[i] == '"') {
      quoted = true;
      ++i;
      for (;;) {
        if (i >= csv.size()) return false;
        if (csv[i] == '"') {
          if (i + 1 < csv.size() && csv[i + 1] == '"') {
            field += '"';
            i += 2;
            continue;
          }
          ++i;
          break;
        }
        field += csv[i++];
      }
    } else {
      while (i < csv.size() && csv[i] != ',' && csv[i] != '\r' && csv[i] != '\n') {
        field += csv[i++];
      }
    }
    record.push_back(!quoted && field.empty() ? "NULL" : field);
    if (i < csv.size() && csv[i] == ',') {
      ++i;
      continue;
    }
    if (csv.compare(i, 2, "\r\n") != 0) return false;
    i += 2;
    if (!header) {
      line.clear();
      for (size_t c = 0; c < record.size(); ++c) line += (c ? "|" : "") + record[c];
      rows->push_back(line);
    }
    header = false;
    record.clear();
  }
  return record.empty();
}

bool SameSpec(const PrincipalSpec& a, const PrincipalSpec& b) {
  return a.id == b.id && a.roles == b.roles && a.attributes == b.attributes;
}

std::string SpecText(const PrincipalSpec& spec) {
  std::string text = spec.id + " roles=";
  for (size_t i = 0; i < spec.roles.size(); ++i) text += (i ? "," : "") + spec.roles[i];
  for (const auto& [key, value] : spec.attributes) text += " " + key + "=" + value;
  return text;
}

// One installation: a directory with cairn.yaml, policy.yaml and .cairn/. A principal id can
// be added only once per installation, so a file that uses one id with different roles or
// attributes (`as nobody roles=...` several times) gets one installation per variant.
struct Installation {
  fs::path dir;
  std::map<std::string, std::pair<PrincipalSpec, std::string>> principals;  // id -> spec, token
};

class PolicyCliTest : public ::testing::TestWithParam<std::string> {
 protected:
  void TearDown() override {
    if (!root_.empty()) fs::remove_all(root_);
  }

  // Runs cairn in `dir` with `args`, `stdin_text` on stdin, as the principal of `token` (the
  // local administrator when empty).
  e2e::Outcome Cairn(const fs::path& dir, const std::vector<std::string>& args,
                     const std::string& stdin_text = "", const std::string& token = "") {
    std::string command = "cd " + e2e::ShellQuote(dir.string()) + " && unset CAIRN_TOKEN && ";
    if (!token.empty()) command += "CAIRN_TOKEN=" + e2e::ShellQuote(token) + " ";
    command += e2e::ShellQuote(CAIRN_BINARY);
    for (const auto& arg : args) command += " " + e2e::ShellQuote(arg);
    const fs::path in = dir / ".stdin", out = dir / ".stdout", err = dir / ".stderr";
    e2e::WriteFile(in, stdin_text);
    command += " <" + e2e::ShellQuote(in.string()) + " >" + e2e::ShellQuote(out.string()) + " 2>" +
               e2e::ShellQuote(err.string());
    const int status = std::system(command.c_str());
    e2e::Outcome outcome;
    outcome.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    outcome.out = e2e::ReadFile(out);
    outcome.err = e2e::ReadFile(err);
    return outcome;
  }

  // A fresh installation with the file's configuration and policy.
  void NewInstallation(const sqltest::SqlFile& file) {
    Installation installation;
    installation.dir = root_ / std::to_string(installations_.size());
    fs::create_directories(installation.dir);
    e2e::Outcome init = Cairn(installation.dir, {"init"});
    ASSERT_EQ(init.exit_code, 0) << init.err;
    // `cairn init` wrote an example cairn.yaml: replace it with the file's.
    e2e::WriteFile(installation.dir / "cairn.yaml", file.config_yaml);
    fs::copy_file(file.policy_file, installation.dir / "policy.yaml",
                  fs::copy_options::overwrite_existing);
    installations_.push_back(std::move(installation));
  }

  // The installation and token to run as `spec`, adding the principal and issuing its token on
  // first use. The administrator runs in the first installation, without a token.
  void Prepare(const sqltest::SqlFile& file, const PrincipalSpec& spec, size_t* index,
               std::string* token) {
    if (spec.id == "admin") {
      ASSERT_TRUE(SameSpec(spec, PrincipalSpec{}))
          << "the CLI's admin is the local administrator; cannot run as " << SpecText(spec);
      *index = 0;
      token->clear();
      return;
    }
    for (size_t i = 0; i < installations_.size(); ++i) {
      auto it = installations_[i].principals.find(spec.id);
      if (it != installations_[i].principals.end() && SameSpec(it->second.first, spec)) {
        *index = i;
        *token = it->second.second;
        return;
      }
    }
    size_t i = 0;
    while (i < installations_.size() && installations_[i].principals.count(spec.id)) ++i;
    if (i == installations_.size()) {
      NewInstallation(file);
      if (HasFatalFailure()) return;
    }
    Installation& installation = installations_[i];
    std::vector<std::string> add = {"principal", "add", spec.id};
    for (const auto& role : spec.roles) add.insert(add.end(), {"--role", role});
    for (const auto& [key, value] : spec.attributes) {
      add.insert(add.end(), {"--attr", key + "=" + value});
    }
    e2e::Outcome added = Cairn(installation.dir, add);
    ASSERT_EQ(added.exit_code, 0) << SpecText(spec) << ": " << added.err;
    e2e::Outcome issued = Cairn(installation.dir, {"token", "issue", spec.id});
    ASSERT_EQ(issued.exit_code, 0) << SpecText(spec) << ": " << issued.err;
    const std::string secret = issued.out.substr(0, issued.out.find('\n'));
    ASSERT_FALSE(secret.empty()) << issued.out;
    installation.principals[spec.id] = {spec, secret};
    *index = i;
    *token = secret;
  }

  fs::path root_;
  std::vector<Installation> installations_;
};

TEST_P(PolicyCliTest, Passes) {
  sqltest::SqlFile file;
  std::string error;
  ASSERT_TRUE(sqltest::LoadTestFile(GetParam(), &file, &error)) << error;
  bool must = false;
  const std::string missing = sqltest::MissingRequirement(file, &must);
  if (!missing.empty()) {
    if (must) FAIL() << file.path << ": " << missing;
    GTEST_SKIP() << missing;
  }
  ASSERT_TRUE(fs::exists(file.policy_file)) << file.policy_file;
  for (const auto& [name, value] : file.env) setenv(name.c_str(), value.c_str(), 1);

  std::random_device rd;
  root_ = fs::temp_directory_path() / ("cairn-policy-cli-" + std::to_string(rd()));
  fs::create_directories(root_);
  NewInstallation(file);
  if (HasFatalFailure()) return;

  size_t index = 0;
  std::string token;
  for (const Step& step : file.steps) {
    if (step.kind == Step::Kind::kAs) {
      Prepare(file, step.principal, &index, &token);
      if (HasFatalFailure()) return;
      continue;
    }
    e2e::Outcome result =
        Cairn(installations_[index].dir, {"query", "-", "--format", "csv"}, step.sql, token);
    switch (step.kind) {
      case Step::Kind::kStatementOk:
        EXPECT_EQ(result.exit_code, 0) << step.where << ": " << result.err;
        break;
      case Step::Kind::kStatementError: {
        StatusCode expected;
        ASSERT_TRUE(StatusCodeFromName(step.code, &expected)) << step.where << ": unknown code";
        if (result.exit_code == 0) {
          ADD_FAILURE() << step.where << ": expected " << step.code << ", the statement succeeded";
          break;
        }
        EXPECT_EQ(result.exit_code, ExitCodeFor(expected)) << step.where << ": " << result.err;
        const std::string prefix = "cairn: " + step.code + ": ";
        const size_t at = result.err.find(prefix);
        EXPECT_NE(at, std::string::npos) << step.where << ": " << result.err;
        if (!step.text.empty() && at != std::string::npos) {
          EXPECT_NE(result.err.find(step.text, at + prefix.size()), std::string::npos)
              << step.where << ": message '" << result.err << "' lacks '" << step.text << "'";
        }
        break;
      }
      case Step::Kind::kQuery: {
        if (result.exit_code != 0) {
          ADD_FAILURE() << step.where << ": exit " << result.exit_code << ": " << result.err;
          break;
        }
        std::vector<std::string> actual;
        ASSERT_TRUE(CsvToRows(result.out, &actual)) << step.where << ": bad CSV: " << result.out;
        const auto [actual_text, expected_text] = sqltest::RowTexts(step, std::move(actual));
        EXPECT_EQ(actual_text, expected_text) << step.where << ": " << step.sql;
        break;
      }
      case Step::Kind::kAs:
        break;
    }
  }
}

// The files with a policy (and any file that does not parse, so that it fails here too).
std::vector<std::string> PolicyFiles() {
  std::vector<std::string> files;
  for (const std::string& name : sqltest::TestFiles()) {
    sqltest::SqlFile file;
    std::string error;
    if (!sqltest::ParseSqlFile(sqltest::SourceDir() / "tests" / "sql" / name, &file, &error) ||
        !file.policy_file.empty()) {
      files.push_back(name);
    }
  }
  return files;
}

std::string TestName(const ::testing::TestParamInfo<std::string>& info) {
  std::string name;
  for (char c : info.param) name += std::isalnum(static_cast<unsigned char>(c)) ? c : '_';
  return name;
}

INSTANTIATE_TEST_SUITE_P(Sql, PolicyCliTest, ::testing::ValuesIn(PolicyFiles()), TestName);
GTEST_ALLOW_UNINSTANTIATED_PARAMETERIZED_TEST(PolicyCliTest);

}  // namespace
}  // namespace cairn
