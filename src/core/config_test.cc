#include "core/config.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <vector>

#include "core/config_edit.h"

namespace cairn {
namespace {

const std::filesystem::path kFile = "/etc/cairn/cairn.yaml";

TEST(ConfigTest, ParsesSourcesAndLimits) {
  Result<Config> config = ParseConfig(R"(version: 1
limits:
  max_rows: 10
  timeout_ms: 20
  max_memory_mb: 3
sources:
  tos:
    kind: sqlite
    path: data/tos.sqlite
  erp:
    kind: postgres
    schemas: [public, sales]
)",
                                      kFile);
  ASSERT_TRUE(config.ok()) << config.status().ToString();
  EXPECT_EQ(config->limits.max_rows, 10);
  EXPECT_EQ(config->limits.timeout_ms, 20);
  EXPECT_EQ(config->limits.max_memory_bytes, 3 << 20);
  EXPECT_EQ(config->state_dir, "/etc/cairn/.cairn");
  ASSERT_EQ(config->sources.size(), 2u);
  const SourceConfig& tos = config->sources[0];
  EXPECT_EQ(tos.name, "tos");
  EXPECT_EQ(tos.kind, "sqlite");
  EXPECT_EQ(tos.mark.ToString(), "/etc/cairn/cairn.yaml:7:3");
  EXPECT_EQ(*tos.GetPath("path"), "/etc/cairn/data/tos.sqlite");
  auto schemas = config->sources[1].GetList("schemas", {});
  ASSERT_TRUE(schemas.ok());
  EXPECT_EQ(*schemas, (std::vector<std::string>{"public", "sales"}));
}

TEST(ConfigTest, EmptyFileHasNoSources) {
  Result<Config> config = ParseConfig("", kFile);
  ASSERT_TRUE(config.ok());
  EXPECT_TRUE(config->sources.empty());
}

struct BadConfig {
  const char* text;
  const char* expected;  // substring of the message
};

class BadConfigTest : public ::testing::TestWithParam<BadConfig> {};

TEST_P(BadConfigTest, NamesFileLineColumnAndKey) {
  Result<Config> config = ParseConfig(GetParam().text, kFile);
  ASSERT_FALSE(config.ok());
  EXPECT_EQ(config.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(config.status().message().find(GetParam().expected), std::string::npos)
      << config.status().message();
}

INSTANTIATE_TEST_SUITE_P(
    Cases, BadConfigTest,
    ::testing::Values(
        BadConfig{"sources:\n  tos: [unclosed\n", "cairn.yaml:3:1: invalid YAML"},
        BadConfig{"version: 2\n", "cairn.yaml:1:1: version: unsupported version"},
        BadConfig{"colour: blue\n", "cairn.yaml:1:1: colour: unknown key"},
        BadConfig{"- a\n- b\n", "(top level): expected a mapping, got a list"},
        BadConfig{"sources: [a, b]\n", "cairn.yaml:1:1: sources: expected a mapping"},
        BadConfig{"sources:\n  tos:\n    path: x\n", "cairn.yaml:2:3: sources.tos.kind: missing"},
        BadConfig{"sources:\n  tos: sqlite\n", "cairn.yaml:2:3: sources.tos: expected a mapping"},
        BadConfig{"sources:\n  main:\n    kind: sqlite\n", "sources.main: a source name"},
        BadConfig{"sources:\n  bad-name:\n    kind: sqlite\n", "sources.bad-name"},
        BadConfig{"sources:\n  a:\n    kind: csv\n  a:\n    kind: csv\n",
                  "cairn.yaml:4:3: sources.a: duplicate source name"},
        BadConfig{"sources:\n  a:\n    kind: csv\n    path: [{x: 1}]\n",
                  "cairn.yaml:4:12: sources.a.path: list items must be scalars"},
        BadConfig{
            "sources:\n  a:\n    kind: csv\n    t: {x: 1, y: {z: 2, z: 3}}\n",
            "cairn.yaml:4:25: sources.a.t.y.z: duplicate key (also at /etc/cairn/cairn.yaml:4:19)"},
        BadConfig{"limits:\n  max_rows: many\n",
                  "cairn.yaml:2:3: limits.max_rows: expected an integer, got 'many'"},
        BadConfig{"limits:\n  max_rows: -1\n", "limits.max_rows: must be positive"},
        BadConfig{"sources:\n  a:\n    kind: csv\n    null: NA\n",
                  "cairn.yaml:4:5: sources.a: option names must be text"},
        BadConfig{"limits:\n  rows: 1\n", "cairn.yaml:2:3: limits.rows: unknown key"},
        BadConfig{"context: [lexicon]\n", "cairn.yaml:1:10: context: expected a mapping"},
        BadConfig{"context:\n  glossary: x\n", "cairn.yaml:2:3: context.glossary: unknown key"},
        BadConfig{"context:\n  lexicon: /usr/share/dictd/freedict-deu-eng\n",
                  "cairn.yaml:2:3: context.lexicon: expected a mapping with forward and backward"},
        BadConfig{"context:\n  lexicon: {forward: a}\n",
                  "cairn.yaml:2:3: context.lexicon.backward: missing required key 'backward'"},
        BadConfig{"context:\n  lexicon: {forward: a, backward: ''}\n",
                  "cairn.yaml:2:25: context.lexicon.backward: expected the path of a dictd"},
        BadConfig{"context:\n  lexicon: {forward: a, back: b}\n",
                  "cairn.yaml:2:25: context.lexicon.back: unknown key (expected forward or "
                  "backward)"}));

TEST(ConfigTest, ParsesTheContextSectionsLexicon) {
  Result<Config> none = ParseConfig("version: 1\n", kFile);
  ASSERT_TRUE(none.ok()) << none.status().ToString();
  EXPECT_TRUE(none->context.lexicon_forward.empty());
  Result<Config> config = ParseConfig(R"(version: 1
context:
  lexicon:
    forward: /usr/share/dictd/freedict-deu-eng
    backward: dict/eng-deu
)",
                                      kFile);
  ASSERT_TRUE(config.ok()) << config.status().ToString();
  EXPECT_EQ(config->context.lexicon_forward, "/usr/share/dictd/freedict-deu-eng");
  EXPECT_EQ(config->context.lexicon_backward, "/etc/cairn/dict/eng-deu");  // beside the file
  EXPECT_EQ(config->context.lexicon_mark.ToString(), "/etc/cairn/cairn.yaml:3:3");
}

TEST(ConfigTest, KeepsMappingOptionsWithTheirMarks) {
  Result<Config> config = ParseConfig(
      "sources:\n  api:\n    kind: http\n    tables:\n      orders:\n        path: /o\n"
      "        columns: [a, b]\n",
      kFile);
  ASSERT_TRUE(config.ok()) << config.status().ToString();
  const OptionValue& tables = config->sources[0].options.at("tables");
  ASSERT_TRUE(tables.is_map);
  ASSERT_EQ(tables.fields.size(), 1u);
  const OptionField& orders = tables.fields[0];
  EXPECT_EQ(orders.key, "orders");
  EXPECT_EQ(orders.key_mark.ToString(), "/etc/cairn/cairn.yaml:5:7");
  ASSERT_TRUE(orders.value.is_map);
  ASSERT_EQ(orders.value.fields.size(), 2u);
  EXPECT_EQ(orders.value.fields[0].value.scalar, "/o");
  EXPECT_EQ(orders.value.fields[1].value.list, (std::vector<std::string>{"a", "b"}));
  Result<std::string> scalar = config->sources[0].Get("tables");
  EXPECT_EQ(scalar.status().code(), StatusCode::kInvalidArgument);
}

TEST(ConfigTest, ExpandsEnvironmentReferencesOnlyOnGet) {
  setenv("CAIRN_TEST_SECRET", "s3cret", 1);
  unsetenv("CAIRN_TEST_UNSET");
  Result<Config> config = ParseConfig(
      "sources:\n  erp:\n    kind: postgres\n    password: ${CAIRN_TEST_SECRET}\n"
      "    user: ${CAIRN_TEST_UNSET}\n    host: h${CAIRN_TEST_SECRET\n",
      kFile);
  ASSERT_TRUE(config.ok());
  const SourceConfig& erp = config->sources[0];
  EXPECT_EQ(erp.options.at("password").scalar, "${CAIRN_TEST_SECRET}");
  EXPECT_EQ(*erp.Get("password"), "s3cret");
  Result<std::string> user = erp.Get("user");
  ASSERT_FALSE(user.ok());
  EXPECT_EQ(user.status().message(),
            "/etc/cairn/cairn.yaml:5:11: sources.erp.user: environment variable "
            "CAIRN_TEST_UNSET is not set");
  EXPECT_NE(erp.Get("host").status().message().find("unterminated"), std::string::npos);
  EXPECT_EQ(erp.Get("dbname").status().code(), StatusCode::kNotFound);
  EXPECT_EQ(*erp.GetOr("dbname", "postgres"), "postgres");
  EXPECT_EQ(*erp.GetInt("port", 5432), 5432);
}

TEST(ConfigTest, ParsesTheStateSectionAndRefusesSecretsInIt) {
  Result<Config> config = ParseConfig(R"(state:
  url: postgres://cairn@db.internal:5432/cairn
  password: "${CAIRN_STATE_PASSWORD}"
)",
                                      kFile);
  ASSERT_TRUE(config.ok()) << config.status().ToString();
  ASSERT_TRUE(config->state.has_value());
  EXPECT_EQ(config->state->url, "postgres://cairn@db.internal:5432/cairn");
  EXPECT_EQ(config->state->password, "${CAIRN_STATE_PASSWORD}") << "kept as written";
  config = ParseConfig("state:\n", kFile);
  ASSERT_TRUE(config.ok()) << config.status().ToString();
  EXPECT_FALSE(config->state.has_value()) << "an empty section keeps the embedded state";

  struct Bad {
    const char* text;
    const char* where;
    const char* why;
  };
  const std::vector<Bad> bad_inputs = {
      {"state:\n  url: postgres://cairn:secret@db/cairn\n", ":2:3: state.url",
       "must not carry a password"},
      {"state:\n  url: postgres://db/cairn?password=secret\n", ":2:3: state.url",
       "must not carry a password"},
      {"state:\n  url: mysql://db/cairn\n", ":2:3: state.url", "expected a postgres://"},
      {"state:\n  url: postgres://db/c\n  password: secret\n", ":3:3: state.password",
       "${ENV_VAR} reference"},
      {"state:\n  password: \"${X}\"\n", ":1:1: state.url", "missing required key 'url'"},
      {"state:\n  host: db\n", ":2:3: state.host", "unknown key"},
      {"state: postgres://db/c\n", ":1:1: state", "expected a mapping"}};
  for (const Bad& bad : bad_inputs) {
    Result<Config> refused = ParseConfig(bad.text, kFile);
    ASSERT_FALSE(refused.ok()) << bad.text;
    const std::string message(refused.status().message());
    EXPECT_NE(message.find(bad.where), std::string::npos) << message;
    EXPECT_NE(message.find(bad.why), std::string::npos) << message;
    EXPECT_EQ(message.find("secret@"), std::string::npos) << message;
  }
}

TEST(ConfigTest, ParsesTheLlmSection) {
  Result<Config> config = ParseConfig(R"(version: 1
llm:
  url: http://127.0.0.1:8080/v1
  model: qwen2.5-7b-instruct
  api_key: "${CAIRN_TEST_LLM_KEY}"
  timeout_ms: 1500
)",
                                      kFile);
  ASSERT_TRUE(config.ok()) << config.status().ToString();
  ASSERT_TRUE(config->llm.has_value());
  EXPECT_EQ(config->llm->url, "http://127.0.0.1:8080/v1");
  EXPECT_EQ(config->llm->model, "qwen2.5-7b-instruct");
  EXPECT_EQ(config->llm->api_key, "${CAIRN_TEST_LLM_KEY}") << "kept as written";
  EXPECT_EQ(config->llm->timeout_ms, 1500);
  EXPECT_EQ(config->llm->mark.ToString(), "/etc/cairn/cairn.yaml:2:1");

  config = ParseConfig("llm:\n  url: https://llm.example/v1\n  model: m\n", kFile);
  ASSERT_TRUE(config.ok()) << config.status().ToString();
  ASSERT_TRUE(config->llm.has_value());
  EXPECT_EQ(config->llm->api_key, "");
  EXPECT_EQ(config->llm->timeout_ms, 30000);

  config = ParseConfig("version: 1\n", kFile);
  ASSERT_TRUE(config.ok());
  EXPECT_FALSE(config->llm.has_value());
  config = ParseConfig("llm:\n", kFile);
  ASSERT_TRUE(config.ok()) << config.status().ToString();
  EXPECT_FALSE(config->llm.has_value()) << "an empty section configures no endpoint";
}

INSTANTIATE_TEST_SUITE_P(
    Llm, BadConfigTest,
    ::testing::Values(
        BadConfig{"llm:\n  url: http://h/v1\n  model: m\n  temperature: 0\n",
                  "cairn.yaml:4:3: llm.temperature: unknown key (expected url, model, api_key or "
                  "timeout_ms)"},
        BadConfig{"llm:\n  url: http://h/v1\n  model: m\n  api_key: sk-live-123\n",
                  "cairn.yaml:4:3: llm.api_key: secrets must be written as an ${ENV_VAR} "
                  "reference"},
        BadConfig{"llm:\n  url: http://h/v1\n  model: m\n  api_key: x${KEY}\n",
                  "cairn.yaml:4:3: llm.api_key: secrets must be written"},
        BadConfig{"llm:\n  url: ftp://h/v1\n  model: m\n",
                  "cairn.yaml:2:3: llm.url: expected an http:// or https:// URL, got 'ftp://h/v1'"},
        BadConfig{"llm:\n  url: http://\n  model: m\n", "cairn.yaml:2:3: llm.url: expected an"},
        BadConfig{"llm:\n  model: m\n", "cairn.yaml:1:1: llm.url: missing required key 'url'"},
        BadConfig{"llm:\n  url: http://h/v1\n", "cairn.yaml:1:1: llm.model: missing required"},
        BadConfig{"llm:\n  url: http://h/v1\n  model: m\n  timeout_ms: 0\n",
                  "cairn.yaml:4:3: llm.timeout_ms: must be positive"},
        BadConfig{"llm:\n  url: http://h/v1\n  model: m\n  timeout_ms: soon\n",
                  "cairn.yaml:4:3: llm.timeout_ms: expected an integer, got 'soon'"},
        BadConfig{"llm:\n  url: [http://h]\n  model: m\n",
                  "cairn.yaml:2:3: llm.url: expected a scalar, got a list"},
        BadConfig{"llm: http://h/v1\n", "cairn.yaml:1:1: llm: expected a mapping"}));

TEST(ConfigTest, LlmSecretIsNeverEchoed) {
  Result<Config> config =
      ParseConfig("llm:\n  url: http://h/v1\n  model: m\n  api_key: sk-live-123\n", kFile);
  ASSERT_FALSE(config.ok());
  EXPECT_EQ(config.status().message().find("sk-live-123"), std::string::npos)
      << config.status().message();
}

TEST(ConfigTest, GetIntRejectsText) {
  Result<Config> config =
      ParseConfig("sources:\n  erp:\n    kind: postgres\n    port: 54x\n", kFile);
  ASSERT_TRUE(config.ok());
  Result<int64_t> port = config->sources[0].GetInt("port", 0);
  ASSERT_FALSE(port.ok());
  EXPECT_NE(port.status().message().find("cairn.yaml:4:11: sources.erp.port: expected an integer"),
            std::string::npos)
      << port.status().message();
}

TEST(ConfigTest, LoadMissingFileIsNotFound) {
  Result<Config> config = LoadConfig("/nonexistent/cairn.yaml");
  EXPECT_EQ(config.status().code(), StatusCode::kNotFound);
}

TEST(ConfigEditTest, AddsSourceKeepingComments) {
  std::string text = ExampleConfigText();
  NewSource source{"tos", "sqlite", {{"path", "data/tos db.sqlite"}}, {}};
  Result<std::string> updated = AddSourceToConfigText(text, kFile, source);
  ASSERT_TRUE(updated.ok()) << updated.status().ToString();
  EXPECT_EQ(updated->substr(0, text.size()), text) << "the original text stays as it was";
  Result<Config> config = ParseConfig(*updated, kFile);
  ASSERT_TRUE(config.ok());
  ASSERT_EQ(config->sources.size(), 1u);
  EXPECT_EQ(config->sources[0].options.at("path").scalar, "data/tos db.sqlite");

  NewSource second{
      "erp", "postgres", {{"host", "h"}, {"password", "${PW}"}}, {{"schemas", {"a", "b"}}}};
  updated = AddSourceToConfigText(*updated, kFile, second);
  ASSERT_TRUE(updated.ok()) << updated.status().ToString();
  config = ParseConfig(*updated, kFile);
  ASSERT_EQ(config->sources.size(), 2u);
  EXPECT_EQ(config->sources[1].options.at("password").scalar, "${PW}");
  EXPECT_EQ(config->sources[1].options.at("schemas").list, (std::vector<std::string>{"a", "b"}));
}

TEST(ConfigEditTest, InsertsBeforeTheNextTopLevelKey) {
  std::string text =
      "sources:\n  a:\n    kind: csv\n    path: x\n\n# the limits\nlimits:\n  max_rows: 5\n";
  Result<std::string> updated =
      AddSourceToConfigText(text, kFile, {"b", "csv", {{"path", "y"}}, {}});
  ASSERT_TRUE(updated.ok()) << updated.status().ToString();
  EXPECT_EQ(*updated,
            "sources:\n  a:\n    kind: csv\n    path: x\n  b:\n    kind: csv\n    path: y\n\n"
            "# the limits\nlimits:\n  max_rows: 5\n");
}

TEST(ConfigEditTest, RefusesDuplicatesBadNamesAndFlowStyle) {
  std::string text = "sources:\n  a:\n    kind: csv\n";
  EXPECT_EQ(AddSourceToConfigText(text, kFile, {"a", "csv", {}, {}}).status().code(),
            StatusCode::kAlreadyExists);
  EXPECT_EQ(AddSourceToConfigText(text, kFile, {"1a", "csv", {}, {}}).status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(AddSourceToConfigText("sources: {a: {kind: csv}}\n", kFile, {"b", "csv", {}, {}})
                .status()
                .code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(AddSourceToConfigText("sources: [\n", kFile, {"b", "csv", {}, {}}).status().code(),
            StatusCode::kInvalidArgument);
}

TEST(StatusTest, NamesRoundTrip) {
  for (StatusCode code :
       {StatusCode::kInvalidArgument, StatusCode::kDeadlineExceeded, StatusCode::kInternal}) {
    StatusCode parsed;
    ASSERT_TRUE(StatusCodeFromName(StatusCodeName(code), &parsed));
    EXPECT_EQ(parsed, code);
  }
  StatusCode parsed;
  EXPECT_FALSE(StatusCodeFromName("Bogus", &parsed));
  EXPECT_EQ(NotFoundError("no {}", "x").ToString(), "NotFound: no x");
  Result<int> r = InternalError("boom");
  EXPECT_FALSE(r.ok());
  EXPECT_EQ(r.status().WithContext("ctx").message(), "ctx: boom");
}

}  // namespace
}  // namespace cairn
