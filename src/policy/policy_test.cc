#include "policy/policy.h"

#include <gtest/gtest.h>

#include <cctype>

#include "ledger/merkle.h"
#include "policy/declassify.h"
#include "store/pg_testing.h"

namespace cairn::policy {
namespace {

using engine::Label;
using engine::Principal;

const char* kPolicy = R"(version: 1
roles:
  operator: Terminal staff
  clerk: Finance clerks
  auditor: Auditors
grants:
  - roles: [operator]
    source: tos
    tables: [containers]
    columns: [id, terminal, owner_email]
  - roles: [operator, clerk]
    source: tos
    tables: [containers]
    columns: [status]
  - roles: clerk
    source: finance
row_filters:
  - source: tos
    table: containers
    roles: [operator]
    where: "terminal = :terminal"
  - source: tos
    table: containers
    where: "status <> 'scrapped'"
masks:
  - source: tos
    table: containers
    column: owner_email
    mask: hash
  - source: finance
    table: invoices
    column: iban
    mask: last4
    unless_roles: [auditor]
labels:
  default: internal
  columns:
    tos.containers.owner_email: confidential
    finance.invoices: confidential
    finance.invoices.iban: restricted
sinks:
  public_channel: {clearance: public, description: chat}
  partner: {clearance: confidential}
declassifiers: [auditor]
)";

connectors::TableInfo Containers() {
  connectors::TableInfo t;
  t.name = "containers";
  for (const char* c : {"id", "terminal", "owner_email", "status", "secret"}) {
    connectors::ColumnInfo column;
    column.name = c;
    t.columns.push_back(column);
  }
  return t;
}

connectors::TableInfo Invoices() {
  connectors::TableInfo t;
  t.name = "invoices";
  for (const char* c : {"id", "iban", "amount"}) {
    connectors::ColumnInfo column;
    column.name = c;
    t.columns.push_back(column);
  }
  return t;
}

std::unique_ptr<Policy> Parsed(const std::string& text = kPolicy) {
  auto policy = Policy::Parse(text, "policy.yaml");
  EXPECT_TRUE(policy.ok()) << policy.status().ToString();
  return policy.ok() ? std::move(policy).value() : nullptr;
}

std::string ErrorOf(const std::string& text) {
  auto policy = Policy::Parse(text, "policy.yaml");
  EXPECT_FALSE(policy.ok()) << text;
  return policy.ok() ? "" : policy.status().message();
}

TEST(PolicyTest, GrantsAddUpAcrossRolesAndDefaultIsDeny) {
  auto policy = Parsed();
  Principal op{"op", {"operator"}, {{"terminal", "T2"}}};
  auto access = policy->Table(op, "tos", Containers());
  ASSERT_TRUE(access);
  std::vector<std::string> names;
  for (const auto& c : access->columns) names.push_back(c.name);
  EXPECT_EQ(names, (std::vector<std::string>{"id", "terminal", "owner_email", "status"}));
  EXPECT_EQ(access->rules.size(), 4u);  // two grants, two filters
  EXPECT_FALSE(policy->Table(op, "finance", Invoices()));
  Principal nobody{"x", {}, {}};
  EXPECT_FALSE(policy->Table(nobody, "tos", Containers()));
  EXPECT_TRUE(policy->Unrestricted(Principal::Admin()));
  EXPECT_FALSE(policy->Unrestricted(op));
}

TEST(PolicyTest, MayGrantRefusesByNameExactlyWhatTableRefuses) {
  auto policy = Parsed();
  Principal op{"op", {"operator"}, {{"terminal", "T2"}}};
  Principal nobody{"x", {}, {}};
  for (const Principal& p : {op, nobody}) {
    for (const auto& table : {Containers(), Invoices()}) {
      for (const char* source : {"tos", "TOS", "finance", "elsewhere"}) {
        const bool granted = policy->Table(p, source, table).has_value();
        EXPECT_EQ(policy->MayGrant(p, source, table.name), granted)
            << p.id << " " << source << "." << table.name;
        // Names compare case-insensitively, as in Table().
        std::string upper = table.name;
        for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
        EXPECT_EQ(policy->MayGrant(p, source, upper), granted) << upper;
      }
    }
  }
  EXPECT_FALSE(policy->MayGrant(op, "tos", "no_such_table_granted"));
}

TEST(PolicyTest, FiltersThatApplyAreAllAnded) {
  auto policy = Parsed();
  Principal op{"op", {"operator"}, {}};
  auto access = policy->Table(op, "tos", Containers());
  EXPECT_EQ(access->row_filter, "(terminal = :terminal\n) AND (status <> 'scrapped'\n)");
  Principal clerk{"c", {"clerk"}, {}};
  EXPECT_EQ(policy->Table(clerk, "tos", Containers())->row_filter, "(status <> 'scrapped'\n)");
}

TEST(PolicyTest, MasksApplyUnlessTheRoleSeesClearValues) {
  auto policy = Parsed();
  Principal clerk{"c", {"clerk"}, {}};
  auto invoices = policy->Table(clerk, "finance", Invoices());
  ASSERT_TRUE(invoices);
  EXPECT_EQ(invoices->columns[1].mask, "cairn_mask_last(\"iban\", 4)");
  EXPECT_TRUE(invoices->columns[1].mask_reveals);
  Principal auditor_clerk{"a", {"clerk", "auditor"}, {}};
  EXPECT_EQ(policy->Table(auditor_clerk, "finance", Invoices())->columns[1].mask, "");
  Principal op{"op", {"operator"}, {}};
  EXPECT_EQ(policy->Table(op, "tos", Containers())->columns[2].mask,
            "cairn_mask_hash(\"owner_email\")");
}

TEST(PolicyTest, LabelsFromColumnThenTableThenConfirmedThenDefault) {
  auto policy = Parsed();
  EXPECT_EQ(policy->ColumnLabel("finance", "invoices", "iban"), Label::kRestricted);
  EXPECT_EQ(policy->ColumnLabel("finance", "invoices", "amount"), Label::kConfidential);
  EXPECT_EQ(policy->ColumnLabel("tos", "containers", "owner_email"), Label::kConfidential);
  EXPECT_EQ(policy->ColumnLabel("tos", "containers", "id"), Label::kInternal);
  policy->set_confirmed_labels({{"tos.containers.id", Label::kPublic}});
  EXPECT_EQ(policy->ColumnLabel("tos", "containers", "id"), Label::kPublic);
  EXPECT_EQ(policy->ColumnLabel("TOS", "Containers", "ID"), Label::kPublic);
}

// The tests that keep declassifications and label proposals in the state database run on
// both engines.
class PolicyStateTest : public ::testing::TestWithParam<store::Dialect> {
 protected:
  void SetUp() override {
    if (GetParam() == store::Dialect::kPostgres) CAIRN_NEED_TEST_PG();
    auto db = store::OpenTestState(GetParam(), &pg_);
    ASSERT_TRUE(db.ok()) << db.status().ToString();
    db_ = std::move(*db);
  }
  std::unique_ptr<store::TestPgDatabase> pg_;
  std::unique_ptr<store::StateDb> db_;
};

INSTANTIATE_TEST_SUITE_P(Engines, PolicyStateTest,
                         ::testing::Values(store::Dialect::kSqlite, store::Dialect::kPostgres),
                         store::EngineName);

TEST_P(PolicyStateTest, FlowNeedsClearanceOrAnApprovedDeclassification) {
  auto policy = Parsed();
  Principal op{"op", {"operator"}, {}};
  const std::string digest = ledger::ToHex(ledger::Sha256("SELECT 1"));
  EXPECT_TRUE(policy->CheckFlow(op, Label::kPublic, "public_channel", digest).ok());
  Status denied = policy->CheckFlow(op, Label::kConfidential, "public_channel", digest);
  EXPECT_EQ(denied.code(), StatusCode::kPermissionDenied);
  EXPECT_NE(denied.message().find("confidential"), std::string::npos);
  EXPECT_NE(denied.message().find("public_channel"), std::string::npos);
  EXPECT_EQ(policy->CheckFlow(op, Label::kPublic, "nowhere", digest).code(), StatusCode::kNotFound);

  auto store = std::move(Declassifications::Open(db_.get())).value();
  policy->set_declassifications(store.get());
  EXPECT_FALSE(policy->CheckFlow(op, Label::kConfidential, "public_channel", digest).ok());
  ASSERT_TRUE(store->Approve({digest, "public_channel", "aud", "press release", ""}).ok());
  EXPECT_TRUE(policy->CheckFlow(op, Label::kConfidential, "public_channel", digest).ok());
  // The approval covers that query and that sink only.
  EXPECT_FALSE(policy
                   ->CheckFlow(op, Label::kConfidential, "public_channel",
                               ledger::ToHex(ledger::Sha256("SELECT 2")))
                   .ok());
  EXPECT_FALSE(store->Approve({"nothex", "public_channel", "aud", "x", ""}).ok());
  EXPECT_FALSE(store->Approve({digest, "public_channel", "aud", "", ""}).ok());
  EXPECT_TRUE(policy->CanDeclassify(Principal{"a", {"auditor"}, {}}));
  EXPECT_FALSE(policy->CanDeclassify(op));
}

TEST(PolicyTest, ErrorsNameFileLineColumnAndKey) {
  EXPECT_EQ(ErrorOf("roles: {a: x}\ngrants:\n  - roles: [b]\n    source: s\n"),
            "policy.yaml:3:13: grants[0].roles: unknown role 'b' (declared under roles: a)");
  EXPECT_EQ(ErrorOf("grant: []\n"),
            "policy.yaml:1:1: (top level).grant: unknown key (expected version, roles, grants, "
            "row_filters, masks, labels, sinks, declassifiers, ledger_readers)");
  EXPECT_NE(ErrorOf("masks:\n  - {source: s, table: t, column: c, mask: scramble}\n")
                .find("policy.yaml:2:44: masks[0].mask: unknown mask 'scramble'"),
            std::string::npos);
  EXPECT_NE(ErrorOf("masks:\n  - {source: s, table: t, column: c, mask: last:0}\n")
                .find("last:N keeps 1 to 64"),
            std::string::npos);
  EXPECT_NE(ErrorOf("masks:\n  - {source: s, table: t, column: c, mask: null}\n"
                    "  - {source: s, table: t, column: C, mask: hash}\n")
                .find("a second mask for s.t.c"),
            std::string::npos);
  EXPECT_NE(ErrorOf("row_filters:\n  - {source: s, table: t, where: \"a = 1) OR (1\"}\n")
                .find("unbalanced"),
            std::string::npos);
  EXPECT_NE(ErrorOf("row_filters:\n  - {source: s, table: t, where: \"a = ?\"}\n").find("'?'"),
            std::string::npos);
  EXPECT_NE(
      ErrorOf("row_filters:\n  - {source: s, table: t, where: \"a = 1; DROP x\"}\n").find("';'"),
      std::string::npos);
  EXPECT_NE(
      ErrorOf("row_filters:\n  - {source: s, table: t, where: \"a = :_1\"}\n").find("reserved"),
      std::string::npos);
  EXPECT_NE(ErrorOf("labels: {default: secret}\n").find("unknown classification 'secret'"),
            std::string::npos);
  EXPECT_NE(ErrorOf("sinks: {x: {clearance: public, color: red}}\n").find("unknown key"),
            std::string::npos);
  EXPECT_NE(ErrorOf("roles: {a: x}\ngrants:\n  - roles: a\n    source: s\n    columns: [c]\n")
                .find("exactly one table"),
            std::string::npos);
  EXPECT_NE(ErrorOf("grants: [\n").find("policy.yaml:"), std::string::npos);
  EXPECT_NE(ErrorOf("version: 2\n").find("unsupported version"), std::string::npos);
}

TEST(PolicyTest, CheckPolicySqlFindsAttributesOutsideStringsAndComments) {
  auto attributes = CheckPolicySql("a = :region AND b = ':nope' AND c = \":x\" -- :y\n OR d = :b2");
  ASSERT_TRUE(attributes.ok()) << attributes.status().ToString();
  EXPECT_EQ(*attributes, (std::vector<std::string>{"region", "b2"}));
  EXPECT_FALSE(CheckPolicySql("a = 'unterminated").ok());
  EXPECT_FALSE(CheckPolicySql("a = 1 /* open").ok());
  EXPECT_FALSE(CheckPolicySql("a = @x").ok());
  EXPECT_FALSE(CheckPolicySql(std::string("a = 1\0", 6)).ok());
}

TEST(PolicyTest, MissingFileIsTheEmptyPolicy) {
  auto policy = Policy::Load("/nonexistent/policy.yaml");
  ASSERT_TRUE(policy.ok());
  EXPECT_FALSE((*policy)->Table(Principal{"x", {"operator"}, {}}, "tos", Containers()));
  EXPECT_EQ((*policy)->ColumnLabel("a", "b", "c"), Label::kInternal);
}

TEST_P(PolicyStateTest, LabelProposalsAreConfirmedByAnAdministrator) {
  auto store = std::move(Declassifications::Open(db_.get())).value();
  LabelProposal p;
  p.source = "tos";
  p.table = "containers";
  p.column = "owner_email";
  p.label = Label::kConfidential;
  p.semantic_type = "email";
  EXPECT_EQ(*store->Propose({p}), 1);
  EXPECT_EQ(*store->Propose({p}), 0);
  EXPECT_TRUE(store->Confirmed()->empty());
  ASSERT_TRUE(store->Decide("tos", "containers", "owner_email", true, "admin").ok());
  EXPECT_EQ(store->Confirmed()->at("tos.containers.owner_email"), Label::kConfidential);
  // A decided proposal keeps its label when discovery proposes again.
  p.label = Label::kPublic;
  EXPECT_EQ(*store->Propose({p}), 0);
  EXPECT_EQ(store->Confirmed()->at("tos.containers.owner_email"), Label::kConfidential);
  EXPECT_EQ(store->Decide("tos", "x", "y", true, "admin").code(), StatusCode::kNotFound);

  EXPECT_EQ(ProposeLabel("iban", "acct"), Label::kRestricted);
  EXPECT_EQ(ProposeLabel("email", "contact"), Label::kConfidential);
  EXPECT_EQ(ProposeLabel("text", "FirstName"), Label::kConfidential);
  EXPECT_EQ(ProposeLabel("category", "status"), std::nullopt);
  // The person-name and address types label columns whatever their names.
  EXPECT_EQ(ProposeLabel("person_name", "gouverneur"), Label::kConfidential);
  EXPECT_EQ(ProposeLabel("address", "zeile_1"), Label::kConfidential);
  EXPECT_EQ(ProposeLabel("phone", "kundentelefon"), Label::kConfidential);
  // The name heuristics still apply to other types, and raise money above internal.
  EXPECT_EQ(ProposeLabel("text", "ShipAddress"), Label::kConfidential);
  EXPECT_EQ(ProposeLabel("money", "salary"), Label::kConfidential);
  EXPECT_EQ(ProposeLabel("money", "amount"), Label::kInternal);
  EXPECT_EQ(ProposeLabel("iban", "contact_name"), Label::kRestricted);
  // A category or day count is not labelled because of its type.
  EXPECT_EQ(ProposeLabel("category", "hs_code"), std::nullopt);
  EXPECT_EQ(ProposeLabel("integer", "payment_terms_days"), std::nullopt);
}

TEST_P(PolicyStateTest, DeclassificationsListInOrderAndVersionsAreNotedOnce) {
  auto store = std::move(Declassifications::Open(db_.get())).value();
  const std::string a = ledger::ToHex(ledger::Sha256("SELECT 1"));
  const std::string b = ledger::ToHex(ledger::Sha256("SELECT 2"));
  ASSERT_TRUE(store->Approve({b, "mail", "aud", "first", ""}).ok());
  ASSERT_TRUE(store->Approve({a, "mail", "aud", "second", ""}).ok());
  auto listed = store->List();
  ASSERT_TRUE(listed.ok()) << listed.status().ToString();
  ASSERT_EQ(listed->size(), 2u);
  EXPECT_EQ((*listed)[0].reason, "first");
  EXPECT_EQ((*listed)[1].reason, "second");
  EXPECT_EQ((*listed)[0].time.size(), 24u) << (*listed)[0].time;  // ISO-8601 with milliseconds
  EXPECT_TRUE(*store->NoteVersion(a));
  EXPECT_FALSE(*store->NoteVersion(a));
}

}  // namespace
}  // namespace cairn::policy
