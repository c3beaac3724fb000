#include "connectors/registry.h"

#include <gtest/gtest.h>

namespace cairn::connectors {
namespace {

SourceConfig Parse(const std::string& yaml) {
  Result<Config> config = ParseConfig(yaml, "/srv/cairn.yaml");
  EXPECT_TRUE(config.ok()) << config.status().ToString();
  return config->sources.at(0);
}

TEST(RegistryTest, ListsEveryKindOnce) {
  std::vector<std::string> names;
  for (const KindSpec& kind : Kinds()) names.push_back(kind.name);
  EXPECT_EQ(names, (std::vector<std::string>{"sqlite", "csv", "postgres", "http"}));
  EXPECT_EQ(FindKind("oracle"), nullptr);
  for (const KindSpec& kind : Kinds()) {
    EXPECT_FALSE(kind.summary.empty()) << kind.name;
    EXPECT_TRUE(kind.open) << kind.name;
  }
}

struct Case {
  const char* yaml;
  StatusCode code;
  const char* message;
};

class ValidateTest : public ::testing::TestWithParam<Case> {};

TEST_P(ValidateTest, RejectsWithLocation) {
  Status status = ValidateSourceConfig(Parse(GetParam().yaml));
  EXPECT_EQ(status.code(), GetParam().code) << status.ToString();
  EXPECT_NE(status.message().find(GetParam().message), std::string::npos) << status.message();
}

INSTANTIATE_TEST_SUITE_P(
    Cases, ValidateTest,
    ::testing::Values(
        Case{"sources:\n  x:\n    kind: oracle\n", StatusCode::kInvalidArgument,
             "/srv/cairn.yaml:2:3: sources.x.kind: unknown source kind 'oracle' (known: sqlite, "
             "csv, postgres, http)"},
        Case{"sources:\n  x:\n    kind: sqlite\n    pathh: a\n", StatusCode::kInvalidArgument,
             "/srv/cairn.yaml:4:12: sources.x.pathh: unknown option for kind 'sqlite'"},
        Case{"sources:\n  x:\n    kind: sqlite\n", StatusCode::kInvalidArgument,
             "/srv/cairn.yaml:2:3: sources.x.path: missing required option for kind 'sqlite'"},
        Case{"sources:\n  x:\n    kind: sqlite\n    path: [a, b]\n", StatusCode::kInvalidArgument,
             "sources.x.path: expected a scalar, got a list"},
        Case{"sources:\n  x:\n    kind: sqlite\n    path: {a: b}\n", StatusCode::kInvalidArgument,
             "/srv/cairn.yaml:4:11: sources.x.path: expected a scalar, got a mapping"},
        Case{"sources:\n  x:\n    kind: postgres\n    password: hunter2\n",
             StatusCode::kInvalidArgument,
             "/srv/cairn.yaml:4:15: sources.x.password: secrets must be written as an "
             "${ENV_VAR} reference"},
        Case{"sources:\n  x:\n    kind: postgres\n    password: pre${PW}\n",
             StatusCode::kInvalidArgument, "sources.x.password: secrets must be"}));

TEST(RegistryTest, SecretMessagesNeverEchoTheValue) {
  Status status =
      ValidateSourceConfig(Parse("sources:\n  x:\n    kind: postgres\n    password: hunter2\n"));
  EXPECT_EQ(status.message().find("hunter2"), std::string::npos);
}

TEST(RegistryTest, AcceptsReferencedSecret) {
  EXPECT_TRUE(
      ValidateSourceConfig(Parse("sources:\n  x:\n    kind: postgres\n    host: h\n    dbname: d\n"
                                 "    password: ${PW}\n"))
          .ok());
}

}  // namespace
}  // namespace cairn::connectors
