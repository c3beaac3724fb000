// Data-driven SQL tests through the library session: every tests/sql/**/*.test file is one test
// case, found at start-up (no CMake edit needed to add one). The format is in sql_file.h; the
// same files run through the cairn binary in e2e/policy_cli_test.cc.

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>

#include "core/config.h"
#include "engine/catalog.h"
#include "engine/session.h"
#include "policy/policy.h"
#include "sql_file.h"

namespace cairn {
namespace {

namespace fs = std::filesystem;
using sqltest::Step;

std::string Render(const engine::Value& value) {
  return value.type == engine::Value::Type::kNull ? "NULL" : engine::ValueToText(value);
}

class SqlFileTest : public ::testing::TestWithParam<std::string> {};

TEST_P(SqlFileTest, Passes) {
  sqltest::SqlFile file;
  std::string error;
  ASSERT_TRUE(sqltest::LoadTestFile(GetParam(), &file, &error)) << error;
  bool must = false;
  const std::string missing = sqltest::MissingRequirement(file, &must);
  if (!missing.empty()) {
    if (must) FAIL() << file.path << ": " << missing;
    GTEST_SKIP() << missing;
  }
  for (const auto& [name, value] : file.env) setenv(name.c_str(), value.c_str(), 1);

  Result<Config> config =
      ParseConfig(file.config_yaml, sqltest::SourceDir() / "tests" / "sql" / "cairn.yaml");
  ASSERT_TRUE(config.ok()) << file.path << ": " << config.status().ToString();
  auto catalog = engine::Catalog::Create(*config);
  ASSERT_TRUE(catalog.ok()) << file.path << ": " << catalog.status().ToString();
  std::unique_ptr<policy::Policy> policy;
  if (!file.policy_file.empty()) {
    auto loaded = policy::Policy::Load(file.policy_file);
    ASSERT_TRUE(loaded.ok()) << loaded.status().ToString();
    ASSERT_TRUE(fs::exists(file.policy_file)) << file.policy_file;
    policy = std::move(loaded).value();
  }
  auto open = [&](const sqltest::PrincipalSpec& spec) {
    engine::Principal principal{spec.id, spec.roles, spec.attributes};
    auto session = engine::Session::Open(catalog->get(), principal);
    EXPECT_TRUE(session.ok()) << session.status().ToString();
    if (session.ok() && policy) (*session)->set_policy(policy.get());
    return session.ok() ? std::move(session).value() : nullptr;
  };
  std::unique_ptr<engine::Session> session = open(sqltest::PrincipalSpec{});
  ASSERT_NE(session, nullptr);

  for (const Step& step : file.steps) {
    if (step.kind == Step::Kind::kAs) {
      session = open(step.principal);
      ASSERT_NE(session, nullptr);
      continue;
    }
    Result<engine::QueryResult> result = session->QueryAll(step.sql);
    switch (step.kind) {
      case Step::Kind::kStatementOk:
        EXPECT_TRUE(result.ok()) << step.where << ": " << result.status().ToString();
        break;
      case Step::Kind::kStatementError: {
        StatusCode expected;
        ASSERT_TRUE(StatusCodeFromName(step.code, &expected)) << step.where << ": unknown code";
        if (result.ok()) {
          ADD_FAILURE() << step.where << ": expected " << step.code << ", the statement succeeded";
          break;
        }
        EXPECT_EQ(StatusCodeName(result.status().code()), step.code)
            << step.where << ": " << result.status().ToString();
        if (!step.text.empty()) {
          EXPECT_NE(result.status().message().find(step.text), std::string::npos)
              << step.where << ": message '" << result.status().message() << "' lacks '"
              << step.text << "'";
        }
        break;
      }
      case Step::Kind::kQuery: {
        if (!result.ok()) {
          ADD_FAILURE() << step.where << ": " << result.status().ToString();
          break;
        }
        std::vector<std::string> actual;
        for (const auto& row : result->rows) {
          std::string line;
          for (size_t c = 0; c < row.size(); ++c) line += (c ? "|" : "") + Render(row[c]);
          actual.push_back(line);
        }
        const auto [actual_text, expected_text] = sqltest::RowTexts(step, std::move(actual));
        EXPECT_EQ(actual_text, expected_text) << step.where << ": " << step.sql;
        break;
      }
      case Step::Kind::kAs:
        break;
    }
  }
}

std::string TestName(const ::testing::TestParamInfo<std::string>& info) {
  std::string name;
  for (char c : info.param) name += std::isalnum(static_cast<unsigned char>(c)) ? c : '_';
  return name;
}

INSTANTIATE_TEST_SUITE_P(Sql, SqlFileTest, ::testing::ValuesIn(sqltest::TestFiles()), TestName);
GTEST_ALLOW_UNINSTANTIATED_PARAMETERIZED_TEST(SqlFileTest);

}  // namespace
}  // namespace cairn
