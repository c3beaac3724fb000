#include "workflow/definition.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <unistd.h>

#include <fstream>

namespace cairn::workflow {
namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;

const std::filesystem::path kFile = "/srv/cairn/workflows/release.yaml";

// The example of definition.h.
constexpr char kRelease[] = R"(name: container_release
description: Release an import container from the terminal
principal: release-bot            # whose session gathers the evidence (grants, masks apply)
inputs:
  container_no: {pattern: "[A-Z]{4}[0-9]{7}", description: ISO 6346 container number}
steps:
  - id: holds
    kind: query
    title: Customs holds
    sql: SELECT hold_id, reason, released_at FROM customs.holds WHERE container_no = :container_no
  - id: hold_released
    kind: check
    title: Customs hold released
    uses: [holds]
    sql: |
      SELECT count(*) = 0 AS pass,
             count(*) || ' open hold(s)' AS reason
      FROM holds WHERE released_at IS NULL
  - id: advice
    kind: llm                      # optional; skipped when cairn.yaml has no llm endpoint
    uses: [holds]
    prompt: Should this container be released?
  - id: review
    kind: decide
    role: customs_agent            # who decides a case that waits for a human
  - id: release
    kind: action
    when: approve                  # approve (default) or reject
    sink: {outbox: releases.sqlite}            # or {webhook: "http://127.0.0.1:9000/x"}
recommend:
  approve_when: [hold_released]    # the checks that must pass; default: every check
ladder:                            # promotion criteria; defaults shown in LadderCriteria
  min_cases: 50
)";

std::string Sha256Hex(const std::string& data) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  EXPECT_EQ(EVP_Digest(data.data(), data.size(), digest, &length, EVP_sha256(), nullptr), 1);
  std::string out;
  for (unsigned int i = 0; i < length; ++i) out += fmt::format("{:02x}", digest[i]);
  return out;
}

Definition MustParse(const std::string& text, const std::filesystem::path& file = kFile) {
  Result<Definition> definition = ParseDefinition(text, file);
  EXPECT_TRUE(definition.ok()) << definition.status().ToString();
  return definition.ok() ? *definition : Definition();
}

std::string Version(const std::string& text) { return MustParse(text).version; }

TEST(DefinitionTest, ParsesTheContainerReleaseExample) {
  Definition d = MustParse(kRelease);
  EXPECT_EQ(d.name, "container_release");
  EXPECT_EQ(d.description, "Release an import container from the terminal");
  EXPECT_EQ(d.principal, "release-bot");
  EXPECT_EQ(d.file, kFile.string());
  EXPECT_EQ(d.text, kRelease);

  ASSERT_EQ(d.inputs.size(), 1u);
  EXPECT_EQ(d.inputs[0].name, "container_no");
  EXPECT_EQ(d.inputs[0].pattern, "[A-Z]{4}[0-9]{7}");
  EXPECT_EQ(d.inputs[0].description, "ISO 6346 container number");
  EXPECT_TRUE(d.inputs[0].required);
  EXPECT_EQ(d.inputs[0].mark.ToString(), kFile.string() + ":5:3");

  ASSERT_EQ(d.steps.size(), 5u);
  const Step& holds = d.steps[0];
  EXPECT_EQ(holds.id, "holds");
  EXPECT_EQ(holds.kind, StepKind::kQuery);
  EXPECT_EQ(holds.title, "Customs holds");
  EXPECT_EQ(holds.mark.ToString(), kFile.string() + ":7:5");
  EXPECT_TRUE(holds.needs.empty());
  EXPECT_EQ(holds.sql,
            "SELECT hold_id, reason, released_at FROM customs.holds WHERE container_no = "
            ":container_no");

  const Step& check = d.steps[1];
  EXPECT_EQ(check.kind, StepKind::kCheck);
  EXPECT_EQ(check.uses, std::vector<std::string>{"holds"});
  EXPECT_EQ(check.needs, std::vector<std::string>{"holds"});
  EXPECT_EQ(check.sql,
            "SELECT count(*) = 0 AS pass,\n       count(*) || ' open hold(s)' AS reason\nFROM "
            "holds WHERE released_at IS NULL");  // the block's final newline trimmed

  const Step& advice = d.steps[2];
  EXPECT_EQ(advice.kind, StepKind::kLlm);
  EXPECT_EQ(advice.title, "advice");  // the id by default
  EXPECT_EQ(advice.prompt, "Should this container be released?");
  EXPECT_EQ(advice.needs, std::vector<std::string>{"holds"});

  const Step& review = d.steps[3];
  EXPECT_EQ(review.kind, StepKind::kDecide);
  EXPECT_EQ(review.role, "customs_agent");
  EXPECT_TRUE(review.needs.empty());

  const Step& release = d.steps[4];
  EXPECT_EQ(release.kind, StepKind::kAction);
  EXPECT_EQ(release.when, "approve");
  EXPECT_EQ(release.needs, std::vector<std::string>{"review"});  // added by the parser
  EXPECT_EQ(release.sink.kind, ActionSink::Kind::kOutbox);
  EXPECT_EQ(release.sink.target, "/srv/cairn/workflows/releases.sqlite");

  EXPECT_EQ(d.order,
            (std::vector<std::string>{"holds", "hold_released", "advice", "review", "release"}));
  EXPECT_EQ(d.approve_when, std::vector<std::string>{"hold_released"});
  EXPECT_EQ(d.ladder.min_cases, 50);
  EXPECT_DOUBLE_EQ(d.ladder.min_agreement, 0.98);
  EXPECT_TRUE(d.ladder.forbid_rejected_disagreement);
  EXPECT_DOUBLE_EQ(d.ladder.review_sample_rate, 0.1);
  EXPECT_EQ(d.ladder.review_window, 20);
  EXPECT_DOUBLE_EQ(d.ladder.max_review_disagreement, 0.1);

  EXPECT_EQ(d.FindStep("advice"), &d.steps[2]);
  EXPECT_EQ(d.FindStep("nope"), nullptr);
  EXPECT_EQ(d.DecideStep(), &d.steps[3]);

  EXPECT_EQ(d.version.size(), 64u);
  EXPECT_EQ(d.version, Sha256Hex(d.ToJson().dump()));
}

TEST(DefinitionTest, CanonicalJsonHasFixedKeysAndOnlyTheKindsFields) {
  Definition d = MustParse(R"(
name: w
principal: bot
inputs:
  a: the a
  b:
  c: {required: false, pattern: "x+"}
steps:
  - {kind: decide, id: d, role: clerk}
  - {id: q, kind: query, sql: "SELECT :a, :b, :c, :now, :today"}
  - {id: c, kind: check, sql: SELECT 1 AS pass, uses: q, title: "  The check  "}
  - {id: l, kind: llm, uses: [q, c], prompt: "Why?"}
  - id: hook
    kind: action
    when: reject
    needs: [c]
    sink: {webhook: "https://example.com/hook", timeout_ms: 250}
ladder: {min_cases: 3, min_agreement: 0.5, forbid_rejected_disagreement: false,
         review_sample_rate: 0, review_window: 7, max_review_disagreement: 1}
)");
  EXPECT_EQ(
      d.ToJson().dump(),
      R"({"name":"w","description":"","principal":"bot","inputs":[)"
      R"({"name":"a","description":"the a","pattern":"","required":true},)"
      R"({"name":"b","description":"","pattern":"","required":true},)"
      R"({"name":"c","description":"","pattern":"x+","required":false}],"steps":[)"
      R"({"id":"d","kind":"decide","title":"d","needs":[],"role":"clerk"},)"
      R"({"id":"q","kind":"query","title":"q","needs":[],"sql":"SELECT :a, :b, :c, :now, :today"},)"
      R"({"id":"c","kind":"check","title":"The check","needs":["q"],"sql":"SELECT 1 AS pass",)"
      R"("uses":["q"]},)"
      R"({"id":"l","kind":"llm","title":"l","needs":["q","c"],"uses":["q","c"],"prompt":"Why?"},)"
      R"({"id":"hook","kind":"action","title":"hook","needs":["c","d"],"when":"reject",)"
      R"("sink":{"kind":"webhook","target":"https://example.com/hook","timeout_ms":250}}],)"
      R"("order":["d","q","c","l","hook"],"approve_when":["c"],)"
      R"("ladder":{"min_cases":3,"min_agreement":0.5,"forbid_rejected_disagreement":false,)"
      R"("review_sample_rate":0.0,"review_window":7,"max_review_disagreement":1.0}})");
  EXPECT_EQ(d.version, Sha256Hex(d.ToJson().dump()));
}

TEST(DefinitionTest, OrderFollowsNeedsWithTiesInFileOrder) {
  Definition d = MustParse(R"(name: w
principal: bot
steps:
  - {id: x, kind: query, sql: SELECT 1, needs: [y]}
  - {id: y, kind: query, sql: SELECT 2}
  - {id: z, kind: query, sql: SELECT 3}
  - {id: w, kind: check, sql: SELECT 1 AS pass, uses: [z, x]}
)");
  EXPECT_EQ(d.order, (std::vector<std::string>{"y", "x", "z", "w"}));
  EXPECT_EQ(d.steps[0].needs, std::vector<std::string>{"y"});
  EXPECT_EQ(d.steps[3].needs, (std::vector<std::string>{"z", "x"}));
}

TEST(DefinitionTest, ApproveWhenDefaultsToEveryCheckInFileOrder) {
  Definition d = MustParse(R"(name: w
principal: bot
steps:
  - {id: q, kind: query, sql: SELECT 1}
  - {id: second, kind: check, sql: SELECT 1 AS pass, uses: [q], needs: [first]}
  - {id: first, kind: check, sql: SELECT 1 AS pass, uses: [q]}
)");
  EXPECT_EQ(d.approve_when, (std::vector<std::string>{"second", "first"}));
  EXPECT_EQ(d.order, (std::vector<std::string>{"q", "first", "second"}));
  EXPECT_EQ(d.DecideStep(), nullptr);
}

TEST(DefinitionTest, OutboxPathsResolveAgainstTheFilesDirectory) {
  const std::string text = R"(name: w
principal: bot
steps:
  - {id: d, kind: decide, role: clerk}
  - {id: a, kind: action, sink: {outbox: ../out/./releases.sqlite}}
  - {id: b, kind: action, sink: {outbox: /var/lib/x.sqlite}}
)";
  Definition d = MustParse(text);
  EXPECT_EQ(d.steps[1].sink.target, "/srv/cairn/out/releases.sqlite");
  EXPECT_EQ(d.steps[2].sink.target, "/var/lib/x.sqlite");
  EXPECT_EQ(d.steps[2].sink.timeout_ms, 5000);
  // Without a file, as given.
  Definition bare = MustParse(text, "");
  EXPECT_EQ(bare.steps[1].sink.target, "../out/./releases.sqlite");
  EXPECT_EQ(bare.file, "");
  // A relative file name resolves against the working directory.
  Definition relative = MustParse(text, "release.yaml");
  EXPECT_EQ(relative.steps[1].sink.target,
            (std::filesystem::current_path().parent_path() / "out/releases.sqlite").string());
}

TEST(DefinitionTest, VersionIgnoresCommentsAndLayout) {
  const std::string base = Version(kRelease);
  // Same meaning: comments gone, flow style, keys reordered, plain vs block scalars.
  const std::string relaid = R"(
# A different layout of the same workflow.
ladder: {min_cases: 50}
recommend: {approve_when: hold_released}
name: "container_release"
principal: 'release-bot'
description: >-
  Release an import container
  from the terminal
inputs:
  container_no:
    description: ISO 6346 container number
    pattern: '[A-Z]{4}[0-9]{7}'
    required: yes
steps:
- kind: query
  id: holds
  title: Customs holds
  sql: >-
    SELECT hold_id, reason, released_at FROM customs.holds
    WHERE container_no = :container_no
- {id: hold_released, kind: check, title: Customs hold released, uses: holds,
   sql: "SELECT count(*) = 0 AS pass,\n       count(*) || ' open hold(s)' AS reason\nFROM holds WHERE released_at IS NULL\n"}
- id: advice
  kind: llm
  title: advice
  uses: [holds]
  needs: [holds]
  prompt: |
    Should this container be released?
- {id: review, kind: decide, role: customs_agent}
- id: release
  kind: action
  needs: [review]
  sink:
    outbox: ./releases.sqlite
)";
  EXPECT_EQ(Version(relaid), base);
  // Trailing comments and blank lines.
  EXPECT_EQ(Version(std::string(kRelease) + "\n\n# the end\n"), base);
}

TEST(DefinitionTest, VersionChangesWithAnyMeaning) {
  const std::string text = kRelease;
  const std::string base = Version(text);
  const auto changed = [&](const std::string& from, const std::string& to) {
    std::string copy = text;
    const size_t at = copy.find(from);
    EXPECT_NE(at, std::string::npos) << from;
    copy.replace(at, from.size(), to);
    return Version(copy);
  };
  EXPECT_NE(changed("released_at IS NULL", "released_at IS NOT NULL"), base);
  EXPECT_NE(changed("title: Customs holds", "title: Holds"), base);
  EXPECT_NE(changed("min_cases: 50", "min_cases: 51"), base);
  EXPECT_NE(changed("when: approve", "when: reject"), base);
  EXPECT_NE(changed("release-bot", "other-bot"), base);
  EXPECT_NE(changed("[A-Z]{4}[0-9]{7}", "[A-Z]{4}[0-9]{6}"), base);
  EXPECT_NE(changed("role: customs_agent", "role: supervisor"), base);
  EXPECT_NE(changed("releases.sqlite", "other.sqlite"), base);
  // The same text in another directory writes another outbox.
  Result<Definition> moved = ParseDefinition(text, "/elsewhere/release.yaml");
  ASSERT_TRUE(moved.ok());
  EXPECT_NE(moved->version, base);
}

TEST(DefinitionTest, ParametersSkipLiteralsIdentifiersCommentsAndCasts) {
  Definition d = MustParse(R"(name: w
principal: bot
inputs: {container_no: ~}
steps:
  - id: q
    kind: query
    sql: |
      SELECT ':x' AS a, 'it''s :y' AS b, ":z" AS c, [:w] AS d, `:v` AS e,
             x::text, '2024-01-01T10:00:00' AS t -- :comment
      /* :block */ FROM t WHERE c = :container_no AND d < :now AND e = :today
)");
  EXPECT_EQ(d.inputs[0].description, "");
}

TEST(DefinitionTest, InputDefaults) {
  Definition d = MustParse(R"(name: w
principal: bot
inputs:
  a:
  b: The b
  c: {}
  d: {required: false}
steps:
  - {id: q, kind: query, sql: SELECT :a}
)");
  ASSERT_EQ(d.inputs.size(), 4u);
  EXPECT_EQ(d.inputs[0].name, "a");
  EXPECT_EQ(d.inputs[1].description, "The b");
  EXPECT_TRUE(d.inputs[2].required);
  EXPECT_EQ(d.inputs[2].pattern, "");
  EXPECT_FALSE(d.inputs[3].required);
}

struct BadCase {
  const char* name;
  const char* text;
  const char* where;  // "line:column: dotted.key: " after the file name
  const char* why;    // a substring of the rest
};

class BadDefinitionTest : public ::testing::TestWithParam<BadCase> {};

TEST_P(BadDefinitionTest, NamesFileLineColumnAndKey) {
  Result<Definition> definition = ParseDefinition(GetParam().text, kFile);
  ASSERT_FALSE(definition.ok());
  EXPECT_EQ(definition.status().code(), StatusCode::kInvalidArgument);
  const std::string& message = definition.status().message();
  EXPECT_THAT(message, StartsWith(kFile.string() + ":" + GetParam().where)) << message;
  EXPECT_THAT(message, HasSubstr(GetParam().why)) << message;
}

#define STEPS_Q "steps:\n  - {id: q, kind: query, sql: SELECT 1}\n"

INSTANTIATE_TEST_SUITE_P(
    Cases, BadDefinitionTest,
    ::testing::Values(
        BadCase{"InvalidYaml", "name: w\nprincipal: bot\nsteps: [a\n",
                "4:1: invalid YAML: ", "end of sequence flow not found"},
        BadCase{"InvalidUtf8", "name: w\nprincipal: b\xff\n",
                "2:13: invalid YAML: ", "not valid UTF-8"},
        BadCase{"TopLevelList", "- a\n- b\n",
                "1:1: (top level): ", "expected a mapping, got a list"},
        BadCase{"EmptyFile", "", "1:1: name: ", "missing required key 'name'"},
        BadCase{"UnknownTopLevelKey", "name: w\nprincipal: bot\ncolour: blue\n" STEPS_Q,
                "3:1: colour: ", "unknown key (expected name, description, principal"},
        BadCase{"TopLevelKeyTwice", "name: w\nprincipal: bot\nname: v\n" STEPS_Q,
                "3:1: name: ", "written twice"},
        BadCase{"UnknownStepKey",
                "name: w\nprincipal: bot\nsteps:\n  - id: q\n    kind: query\n    sql: SELECT "
                "1\n    colour: red\n",
                "7:5: steps[0].colour: ", "unknown key (expected id, kind, title, needs, sql"},
        BadCase{"KeyOfAnotherKind",
                "name: w\nprincipal: bot\nsteps:\n  - id: q\n    kind: query\n    sql: SELECT "
                "1\n    role: clerk\n",
                "7:5: steps[0].role: ", "a query step takes no 'role'"},
        BadCase{"MissingName", "principal: bot\n" STEPS_Q,
                "1:1: name: ", "missing required key 'name'"},
        BadCase{"BadName", "name: Release\nprincipal: bot\n" STEPS_Q,
                "1:7: name: ", "'Release' is not a valid name"},
        BadCase{"MissingPrincipal", "name: w\n" STEPS_Q,
                "1:1: principal: ", "missing required key 'principal'"},
        BadCase{"EmptyPrincipal", "name: w\nprincipal:\n" STEPS_Q,
                "2:1: principal: ", "expected text, got null"},
        BadCase{"MissingSteps", "name: w\nprincipal: bot\n",
                "1:1: steps: ", "missing required key 'steps'"},
        BadCase{"EmptySteps", "name: w\nprincipal: bot\nsteps: []\n",
                "3:8: steps: ", "expected a non-empty list of steps, got an empty list"},
        BadCase{"BadStepId",
                "name: w\nprincipal: bot\nsteps:\n  - id: Holds\n    kind: query\n    sql: x\n",
                "4:9: steps[0].id: ", "'Holds' is not a valid step id"},
        BadCase{"ReservedStepId",
                "name: w\nprincipal: bot\nsteps:\n  - {id: sqlite_x, kind: query, sql: x}\n",
                "4:10: steps[0].id: ", "reserved"},
        BadCase{"MissingStepId", "name: w\nprincipal: bot\nsteps:\n  - {kind: query, sql: x}\n",
                "4:5: steps[0].id: ", "missing required key 'id'"},
        BadCase{"DuplicateStepId",
                "name: w\nprincipal: bot\nsteps:\n  - {id: q, kind: query, sql: x}\n"
                "  - {id: q, kind: query, sql: y}\n",
                "5:10: steps[1].id: ", "duplicate step id 'q' (also steps[0])"},
        BadCase{"UnknownKind", "name: w\nprincipal: bot\nsteps:\n  - {id: q, kind: fetch}\n",
                "4:19: steps[0].kind: ", "unknown kind 'fetch'"},
        BadCase{"MissingKind", "name: w\nprincipal: bot\nsteps:\n  - {id: q, sql: x}\n",
                "4:5: steps[0].kind: ", "missing required key 'kind'"},
        BadCase{"QueryWithoutSql", "name: w\nprincipal: bot\nsteps:\n  - {id: q, kind: query}\n",
                "4:5: steps[0].sql: ", "a query step needs sql"},
        BadCase{"CheckWithoutUses",
                "name: w\nprincipal: bot\n" STEPS_Q
                "  - id: c\n    kind: check\n    sql: SELECT 1 AS pass\n",
                "5:5: steps[1].uses: ", "a check step needs uses"},
        BadCase{"CheckWithEmptyUses",
                "name: w\nprincipal: bot\n" STEPS_Q
                "  - {id: c, kind: check, sql: SELECT 1 AS pass, uses: []}\n",
                "5:55: steps[1].uses: ", "a check step uses at least one step"},
        BadCase{"LlmWithoutPrompt",
                "name: w\nprincipal: bot\n" STEPS_Q "  - {id: l, kind: llm, uses: [q]}\n",
                "5:5: steps[1].prompt: ", "an llm step needs prompt"},
        BadCase{"DecideWithoutRole",
                "name: w\nprincipal: bot\n" STEPS_Q "  - {id: d, kind: decide}\n",
                "5:5: steps[1].role: ", "a decide step needs role"},
        BadCase{"UsesAMissingStep",
                "name: w\nprincipal: bot\nsteps:\n"
                "  - {id: holds, kind: query, sql: x}\n"
                "  - id: c\n    kind: check\n    sql: SELECT 1 AS pass\n    uses: [holds, hold]\n",
                "8:19: steps[1].uses[1]: ", "unknown step 'hold'"},
        BadCase{"NeedsAMissingStep",
                "name: w\nprincipal: bot\nsteps:\n  - {id: q, kind: query, sql: x, needs: p}\n",
                "4:41: steps[0].needs: ", "unknown step 'p'"},
        BadCase{"UsesListedTwice",
                "name: w\nprincipal: bot\n" STEPS_Q
                "  - {id: c, kind: check, sql: SELECT 1 AS pass, uses: [q, q]}\n",
                "5:59: steps[1].uses[1]: ", "'q' is listed twice"},
        BadCase{"CheckUsesADecideStep",
                "name: w\nprincipal: bot\n" STEPS_Q "  - {id: d, kind: decide, role: clerk}\n"
                "  - {id: c, kind: check, sql: SELECT 1 AS pass, uses: [q, d]}\n",
                "6:59: steps[2].uses[1]: ", "'d' is a decide step; a check step uses query"},
        BadCase{"CheckUsesACheck",
                "name: w\nprincipal: bot\n" STEPS_Q
                "  - {id: c, kind: check, sql: SELECT 1 AS pass, uses: [q]}\n"
                "  - {id: e, kind: check, sql: SELECT 1 AS pass, uses: [c]}\n",
                "6:56: steps[2].uses[0]: ", "'c' is a check step"},
        BadCase{"Cycle",
                "name: w\nprincipal: bot\nsteps:\n"
                "  - {id: z, kind: query, sql: x}\n"
                "  - id: a\n    kind: query\n    sql: x\n    needs: [b]\n"
                "  - id: b\n    kind: query\n    sql: x\n    needs: [z, a]\n",
                "8:12: steps[1].needs: ", "cycle: a -> b -> a"},
        BadCase{"CycleThroughUses",
                "name: w\nprincipal: bot\nsteps:\n"
                "  - {id: c, kind: check, sql: SELECT 1 AS pass, uses: [l]}\n"
                "  - {id: l, kind: llm, prompt: p, uses: [c]}\n",
                "4:55: steps[0].uses: ", "cycle: c -> l -> c"},
        BadCase{"SelfCycle",
                "name: w\nprincipal: bot\nsteps:\n  - {id: a, kind: query, sql: x, needs: [a]}\n",
                "4:41: steps[0].needs: ", "cycle: a -> a"},
        BadCase{"DecideNeedsAnAction",
                "name: w\nprincipal: bot\nsteps:\n"
                "  - {id: act, kind: action, sink: {outbox: o.sqlite}}\n"
                "  - {id: d, kind: decide, role: clerk, needs: [act]}\n",
                "5:48: steps[1].needs[0]: ", "'act' is an action step"},
        BadCase{"TwoDecideSteps",
                "name: w\nprincipal: bot\nsteps:\n  - {id: d1, kind: decide, role: a}\n"
                "  - {id: d2, kind: decide, role: b}\n",
                "5:20: steps[1].kind: ", "a second decide step (steps[0] 'd1' decides"},
        BadCase{"ActionWithoutDecide",
                "name: w\nprincipal: bot\n" STEPS_Q
                "  - id: act\n    kind: action\n    sink: {outbox: o.sqlite}\n",
                "5:5: steps[1]: ", "an action needs a decide step"},
        BadCase{"ActionWithoutSink",
                "name: w\nprincipal: bot\nsteps:\n  - {id: d, kind: decide, role: r}\n"
                "  - {id: act, kind: action}\n",
                "5:5: steps[1].sink: ", "an action step needs sink"},
        BadCase{"BadWhen",
                "name: w\nprincipal: bot\nsteps:\n  - {id: d, kind: decide, role: r}\n"
                "  - {id: act, kind: action, when: always, sink: {outbox: o}}\n",
                "5:35: steps[1].when: ", "expected approve or reject, got 'always'"},
        BadCase{"SinkWithOutboxAndWebhook",
                "name: w\nprincipal: bot\nsteps:\n  - {id: d, kind: decide, role: r}\n"
                "  - id: act\n    kind: action\n    sink:\n      outbox: o.sqlite\n"
                "      webhook: http://h/x\n",
                "8:7: steps[1].sink: ", "exactly one of outbox or webhook"},
        BadCase{"SinkWithNeither",
                "name: w\nprincipal: bot\nsteps:\n  - {id: d, kind: decide, role: r}\n"
                "  - {id: act, kind: action, sink: {timeout_ms: 5}}\n",
                "5:35: steps[1].sink: ", "expected {outbox: file.sqlite} or {webhook: url}"},
        BadCase{"SinkUnknownKey",
                "name: w\nprincipal: bot\nsteps:\n  - {id: d, kind: decide, role: r}\n"
                "  - {id: act, kind: action, sink: {outbox: o, mode: x}}\n",
                "5:47: steps[1].sink.mode: ", "unknown key (expected outbox, webhook or "},
        BadCase{"WebhookNotHttp",
                "name: w\nprincipal: bot\nsteps:\n  - {id: d, kind: decide, role: r}\n"
                "  - {id: act, kind: action, sink: {webhook: \"ftp://h/x\"}}\n",
                "5:45: steps[1].sink.webhook: ",
                "expected an http:// or https:// URL, got 'ftp://h/x'"},
        BadCase{"WebhookWithoutHost",
                "name: w\nprincipal: bot\nsteps:\n  - {id: d, kind: decide, role: r}\n"
                "  - {id: act, kind: action, sink: {webhook: \"http://\"}}\n",
                "5:45: steps[1].sink.webhook: ", "expected an http:// or https:// URL"},
        BadCase{"WebhookTimeout",
                "name: w\nprincipal: bot\nsteps:\n  - {id: d, kind: decide, role: r}\n"
                "  - {id: act, kind: action, sink: {webhook: \"http://h\", timeout_ms: 0}}\n",
                "5:69: steps[1].sink.timeout_ms: ", "must be at least 1, got 0"},
        BadCase{"OutboxTimeout",
                "name: w\nprincipal: bot\nsteps:\n  - {id: d, kind: decide, role: r}\n"
                "  - {id: act, kind: action, sink: {outbox: o, timeout_ms: 10}}\n",
                "5:59: steps[1].sink.timeout_ms: ", "only a webhook takes a timeout"},
        BadCase{"StepNeedsAnAction",
                "name: w\nprincipal: bot\nsteps:\n  - {id: d, kind: decide, role: r}\n"
                "  - {id: act, kind: action, sink: {outbox: o}}\n"
                "  - {id: q, kind: query, sql: x, needs: [act]}\n",
                "6:42: steps[2].needs[0]: ", "'act' is an action step"},
        BadCase{"UnknownParameter",
                "name: w\nprincipal: bot\ninputs:\n  container_no: {}\nsteps:\n"
                "  - id: q\n    kind: query\n"
                "    sql: SELECT * FROM t WHERE c = ':x' AND d = :containr_no\n",
                "8:10: steps[0].sql: ",
                "unknown parameter ':containr_no' (inputs: container_no; :now and :today"},
        BadCase{"UnknownParameterInACheck",
                "name: w\nprincipal: bot\n" STEPS_Q
                "  - {id: c, kind: check, uses: q, sql: 'SELECT :x AS pass'}\n",
                "5:40: steps[1].sql: ", "unknown parameter ':x' (inputs: none;"},
        BadCase{
            "PositionalParameter",
            "name: w\nprincipal: bot\nsteps:\n  - id: q\n    kind: query\n    sql: SELECT ? + 1\n",
            "6:10: steps[0].sql: ", "parameter '?': name parameters as :name"},
        BadCase{"NamedParameterWithAt",
                "name: w\nprincipal: bot\nsteps:\n  - {id: q, kind: query, sql: SELECT @x}\n",
                "4:31: steps[0].sql: ", "parameter '@x': name parameters as :name"},
        BadCase{"NullUses",
                "name: w\nprincipal: bot\n" STEPS_Q
                "  - id: c\n    kind: check\n    sql: SELECT 1 AS pass\n    uses:\n",
                "8:5: steps[1].uses: ", "a check step uses at least one step"},
        BadCase{"RecursiveAlias", "name: w\nprincipal: bot\nsteps: &s [*s]\n",
                "3:8: steps[0]: ", "expected a mapping with id and kind, got a list"},
        BadCase{"UnterminatedLiteral",
                "name: w\nprincipal: bot\nsteps:\n  - {id: q, kind: query, sql: \"SELECT 'x\"}\n",
                "4:31: steps[0].sql: ", "unterminated string literal"},
        BadCase{
            "BadPattern",
            "name: w\nprincipal: bot\ninputs:\n  container_no:\n    pattern: \"[A-Z\"\n" STEPS_Q,
            "5:14: inputs.container_no.pattern: ", "invalid regular expression '[A-Z'"},
        BadCase{"InputUnknownKey", "name: w\nprincipal: bot\ninputs:\n  c: {format: x}\n" STEPS_Q,
                "4:7: inputs.c.format: ",
                "unknown key (expected description, pattern or "
                "required)"},
        BadCase{"InputRequiredNotBool",
                "name: w\nprincipal: bot\ninputs:\n  c: {required: maybe}\n" STEPS_Q,
                "4:17: inputs.c.required: ", "expected true or false, got 'maybe'"},
        BadCase{"InputNamedNow", "name: w\nprincipal: bot\ninputs:\n  now: {}\n" STEPS_Q,
                "4:3: inputs.now: ", "'now' is bound by the runner"},
        BadCase{"InputNamedToday", "name: w\nprincipal: bot\ninputs:\n  today:\n" STEPS_Q,
                "4:3: inputs.today: ", "'today' is bound by the runner"},
        BadCase{"BadInputName", "name: w\nprincipal: bot\ninputs:\n  Container: {}\n" STEPS_Q,
                "4:3: inputs.Container: ", "not a valid input name"},
        BadCase{"DuplicateInput", "name: w\nprincipal: bot\ninputs:\n  a: {}\n  a: {}\n" STEPS_Q,
                "5:3: inputs.a: ", "written twice"},
        BadCase{"LadderMinCases", "name: w\nprincipal: bot\n" STEPS_Q "ladder:\n  min_cases: 0\n",
                "6:14: ladder.min_cases: ", "must be at least 1, got 0"},
        BadCase{"LadderAgreement",
                "name: w\nprincipal: bot\n" STEPS_Q "ladder:\n  min_agreement: 1.5\n",
                "6:18: ladder.min_agreement: ", "must be between 0 and 1, got 1.5"},
        BadCase{"LadderSampleRate",
                "name: w\nprincipal: bot\n" STEPS_Q "ladder: {review_sample_rate: -0.1}\n",
                "5:30: ladder.review_sample_rate: ", "must be between 0 and 1, got -0.1"},
        BadCase{"LadderNaN",
                "name: w\nprincipal: bot\n" STEPS_Q "ladder: {max_review_disagreement: nan}\n",
                "5:35: ladder.max_review_disagreement: ", "must be between 0 and 1"},
        BadCase{"LadderWindow", "name: w\nprincipal: bot\n" STEPS_Q "ladder: {review_window: 0}\n",
                "5:25: ladder.review_window: ", "must be at least 1, got 0"},
        BadCase{"LadderNotAnInteger",
                "name: w\nprincipal: bot\n" STEPS_Q "ladder: {min_cases: 2.5}\n",
                "5:21: ladder.min_cases: ", "expected an integer, got '2.5'"},
        BadCase{"LadderUnknownKey", "name: w\nprincipal: bot\n" STEPS_Q "ladder: {cases: 3}\n",
                "5:10: ladder.cases: ", "unknown key (expected min_cases"},
        BadCase{"ApproveWhenNamesAQuery",
                "name: w\nprincipal: bot\n" STEPS_Q "recommend:\n  approve_when: [q]\n",
                "6:18: recommend.approve_when[0]: ", "'q' is a query step, not a check"},
        BadCase{"ApproveWhenNamesNothing",
                "name: w\nprincipal: bot\n" STEPS_Q "recommend:\n  approve_when: [nope]\n",
                "6:18: recommend.approve_when[0]: ", "unknown step 'nope'"},
        BadCase{"ApproveWhenEmpty",
                "name: w\nprincipal: bot\n" STEPS_Q "recommend:\n  approve_when: []\n",
                "6:17: recommend.approve_when: ", "expected a non-empty list"},
        BadCase{"RecommendUnknownKey",
                "name: w\nprincipal: bot\n" STEPS_Q "recommend:\n  reject_when: [q]\n",
                "6:3: recommend.reject_when: ", "unknown key (expected approve_when)"}),
    [](const ::testing::TestParamInfo<BadCase>& info) { return std::string(info.param.name); });

TEST(DefinitionTest, LoadDefinitionReadsAFile) {
  const std::filesystem::path dir =
      std::filesystem::temp_directory_path() / fmt::format("cairn_definition_test_{}", getpid());
  std::filesystem::create_directories(dir);
  const std::filesystem::path file = dir / "release.yaml";
  {
    std::ofstream out(file, std::ios::binary);
    out << kRelease;
  }
  Result<Definition> loaded = LoadDefinition(file);
  ASSERT_TRUE(loaded.ok()) << loaded.status().ToString();
  EXPECT_EQ(loaded->file, file.string());
  EXPECT_EQ(loaded->steps[4].sink.target, (dir / "releases.sqlite").string());
  EXPECT_EQ(loaded->text, kRelease);

  Result<Definition> missing = LoadDefinition(dir / "nope.yaml");
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.status().code(), StatusCode::kNotFound);
  EXPECT_EQ(missing.status().message(),
            fmt::format("no workflow file '{}'", (dir / "nope.yaml").string()));

  Result<Definition> directory = LoadDefinition(dir);
  ASSERT_FALSE(directory.ok());
  EXPECT_EQ(directory.status().code(), StatusCode::kUnavailable);

  {
    std::ofstream out(file, std::ios::binary | std::ios::trunc);
    out << "name: w\nprincipal: bot\nsteps: {}\n";
  }
  Result<Definition> bad = LoadDefinition(file);
  ASSERT_FALSE(bad.ok());
  EXPECT_THAT(bad.status().message(), StartsWith(file.string() + ":3:8: steps: "));
  std::filesystem::remove_all(dir);
}

TEST(DefinitionTest, KindAndLevelNames) {
  EXPECT_EQ(StepKindName(StepKind::kQuery), "query");
  EXPECT_EQ(StepKindName(StepKind::kCheck), "check");
  EXPECT_EQ(StepKindName(StepKind::kLlm), "llm");
  EXPECT_EQ(StepKindName(StepKind::kDecide), "decide");
  EXPECT_EQ(StepKindName(StepKind::kAction), "action");
  for (Level level :
       {Level::kObserve, Level::kSuggest, Level::kAutoWithExceptions, Level::kAutonomous}) {
    Result<Level> parsed = ParseLevel(LevelName(level));
    ASSERT_TRUE(parsed.ok());
    EXPECT_EQ(*parsed, level);
  }
  EXPECT_EQ(LevelName(Level::kAutoWithExceptions), "auto_with_exceptions");
  Result<Level> bad = ParseLevel("auto");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(bad.status().message(),
            "unknown level 'auto' (expected observe, suggest, auto_with_exceptions or autonomous)");
}

}  // namespace
}  // namespace cairn::workflow
