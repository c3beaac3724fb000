#include "context/glossary.h"

#include <gtest/gtest.h>

#include "context/state_testing.h"

namespace cairn::context {
namespace {

class GlossaryTest : public StateEngineTest {
 protected:
  void SetUp() override {
    StateEngineTest::SetUp();
    if (IsSkipped()) return;
    db_ = OpenState();
    ASSERT_NE(db_, nullptr);
    auto glossary = Glossary::Open(db_.get());
    ASSERT_TRUE(glossary.ok()) << glossary.status().ToString();
    glossary_.emplace(std::move(glossary).value());
  }
  std::unique_ptr<store::StateDb> db_;
  std::optional<Glossary> glossary_;
};

TEST_P(GlossaryTest, DescriptionsCarryProvenanceAndCanBeRestatedOrRemoved) {
  ASSERT_TRUE(
      glossary_->SetDescription("chinook", "Customer", "", "  People who buy music ", "ana").ok());
  ASSERT_TRUE(
      glossary_->SetDescription("chinook", "Customer", "Email", "Contact address", "ana").ok());
  auto table = glossary_->GetDescription("chinook", "Customer", "");
  ASSERT_TRUE(table.ok()) << table.status().ToString();
  EXPECT_EQ(table->text, "People who buy music");
  EXPECT_EQ(table->provenance, Provenance::kStated);
  EXPECT_EQ(table->stated_by, "ana");
  EXPECT_FALSE(table->stated_at.empty());

  ASSERT_TRUE(
      glossary_->SetDescription("chinook", "Customer", "Email", "Primary e-mail", "bo").ok());
  auto column = glossary_->GetDescription("chinook", "Customer", "Email");
  ASSERT_TRUE(column.ok());
  EXPECT_EQ(column->text, "Primary e-mail");
  EXPECT_EQ(column->stated_by, "bo");

  auto all = glossary_->ListDescriptions("chinook", "Customer");
  ASSERT_TRUE(all.ok());
  ASSERT_EQ(all->size(), 2u);
  EXPECT_EQ((*all)[0].column, "");  // the table's own first
  EXPECT_EQ((*all)[1].column, "Email");

  ASSERT_TRUE(glossary_->SetDescription("chinook", "Customer", "Email", "", "bo").ok());
  EXPECT_EQ(glossary_->GetDescription("chinook", "Customer", "Email").status().code(),
            StatusCode::kNotFound);
  EXPECT_EQ(glossary_->SetDescription("", "Customer", "", "x", "bo").code(),
            StatusCode::kInvalidArgument);
}

TEST_P(GlossaryTest, TermsAreStatedListedAndRemoved) {
  auto term = glossary_->AddTerm(
      "Churned customer", "A customer without an invoice in a year",
      {"chinook.Invoice", "chinook.Customer.CustomerId", "chinook.Invoice"}, "ana");
  ASSERT_TRUE(term.ok()) << term.status().ToString();
  EXPECT_EQ(term->see,
            (std::vector<std::string>{"chinook.Customer.CustomerId", "chinook.Invoice"}));
  EXPECT_FALSE(term->stated_at.empty());
  ASSERT_TRUE(glossary_->AddTerm("ARPU", "Average revenue per user", {}, "bo").ok());
  // Restating (any case) replaces it.
  ASSERT_TRUE(glossary_->AddTerm("churned CUSTOMER", "No purchase in 12 months", {}, "bo").ok());

  auto terms = glossary_->ListTerms();
  ASSERT_TRUE(terms.ok());
  ASSERT_EQ(terms->size(), 2u);
  EXPECT_EQ((*terms)[0].term, "ARPU");
  EXPECT_EQ((*terms)[1].term, "churned CUSTOMER");
  EXPECT_EQ((*terms)[1].definition, "No purchase in 12 months");
  EXPECT_EQ((*terms)[1].stated_by, "bo");
  EXPECT_EQ((*terms)[1].provenance, Provenance::kStated);

  // Every statement and removal is counted, for caches of the terms; a refused one is not.
  EXPECT_EQ(*glossary_->TermChanges(), 3);
  EXPECT_TRUE(glossary_->RemoveTerm("arpu").ok());
  EXPECT_EQ(*glossary_->TermChanges(), 4);
  EXPECT_EQ(glossary_->RemoveTerm("arpu").code(), StatusCode::kNotFound);
  EXPECT_EQ(glossary_->AddTerm("", "x", {}, "a").status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(glossary_->AddTerm("x", " ", {}, "a").status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(glossary_->AddTerm("x", "y", {"nodot"}, "a").status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(glossary_->AddTerm("x", "y", {"a.b.c.d"}, "a").status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(*glossary_->TermChanges(), 4);
}

TEST_P(GlossaryTest, TermsAreUniqueIgnoringAsciiCaseOnly) {
  ASSERT_TRUE(glossary_->AddTerm("Net Revenue", "Revenue after refunds", {}, "ana").ok());
  ASSERT_TRUE(glossary_->AddTerm("NET REVENUE", "After refunds and fees", {}, "bo").ok());
  // NOCASE folds A-Z only, on both engines: these are two terms.
  ASSERT_TRUE(glossary_->AddTerm("Éclair", "A pastry", {}, "ana").ok());
  ASSERT_TRUE(glossary_->AddTerm("éclair", "The same pastry, lower case", {}, "ana").ok());
  ASSERT_TRUE(glossary_->AddTerm("beta", "b", {}, "ana").ok());
  ASSERT_TRUE(glossary_->AddTerm("Alpha", "a", {}, "ana").ok());
  auto terms = glossary_->ListTerms();
  ASSERT_TRUE(terms.ok()) << terms.status().ToString();
  std::vector<std::string> names;
  for (const auto& term : *terms) names.push_back(term.term);
  EXPECT_EQ(names, (std::vector<std::string>{"Alpha", "beta", "NET REVENUE", "Éclair", "éclair"}));
  EXPECT_TRUE(glossary_->RemoveTerm("net revenue").ok());
  EXPECT_TRUE(glossary_->RemoveTerm("ÉCLAIR").ok());  // "Éclair": only C-L-A-I-R fold
  terms = glossary_->ListTerms();
  ASSERT_TRUE(terms.ok());
  ASSERT_EQ(terms->size(), 3u);
  EXPECT_EQ((*terms)[2].term, "éclair");
}

TEST_P(GlossaryTest, TwoConnectionsShareTermsAndDescriptions) {
  if (!postgres()) GTEST_SKIP() << "two connections share a database on PostgreSQL only";
  auto other = OpenState();
  ASSERT_NE(other, nullptr);
  auto second = Glossary::Open(other.get());
  ASSERT_TRUE(second.ok());
  ASSERT_TRUE(glossary_->AddTerm("ARPU", "Average revenue per user", {}, "ana").ok());
  ASSERT_TRUE(second->AddTerm("arpu", "Average revenue per paying user", {}, "bo").ok());
  ASSERT_TRUE(second->SetDescription("crm", "customers", "", "People", "bo").ok());
  auto terms = glossary_->ListTerms();
  ASSERT_TRUE(terms.ok());
  ASSERT_EQ(terms->size(), 1u);
  EXPECT_EQ((*terms)[0].definition, "Average revenue per paying user");
  EXPECT_EQ(glossary_->GetDescription("crm", "customers", "")->text, "People");
}

TEST_P(GlossaryTest, SynonymsAreStoredSortedWithoutTheTermOrRepeatsAndRestatedWithIt) {
  auto term = glossary_->AddTerm("Container", "A box", {}, "ana",
                                 {" unit ", "box", "CONTAINER", "Box", "can"});
  ASSERT_TRUE(term.ok()) << term.status().ToString();
  EXPECT_EQ(term->synonyms, (std::vector<std::string>{"box", "can", "unit"}));
  auto terms = glossary_->ListTerms();
  ASSERT_TRUE(terms.ok());
  ASSERT_EQ(terms->size(), 1u);
  EXPECT_EQ((*terms)[0].synonyms, (std::vector<std::string>{"box", "can", "unit"}));

  auto empty = glossary_->AddTerm("container", "A box", {}, "ana", {"box", " - "});
  EXPECT_EQ(empty.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(empty.status().message(), "glossary term 'container': synonym ' - ' has no word in it");

  // Restating replaces the synonyms with the new ones (here none).
  ASSERT_TRUE(glossary_->AddTerm("container", "A steel box", {}, "bo").ok());
  terms = glossary_->ListTerms();
  ASSERT_TRUE(terms.ok());
  ASSERT_EQ(terms->size(), 1u);
  EXPECT_TRUE((*terms)[0].synonyms.empty());
}

CAIRN_STATE_ENGINES(GlossaryTest);

TEST(TermWordsTest, LowerCasesAndMakesEnglishPluralsSingular) {
  EXPECT_EQ(
      TermWords("Boxes, VESSELS and entries: status/class B/L"),
      (std::vector<std::string>{"box", "vessel", "and", "entry", "status", "class", "b", "l"}));
  EXPECT_EQ(TermWords("Bus lanes, the DOs"),
            (std::vector<std::string>{"bus", "lane", "the", "do"}));
  EXPECT_TRUE(TermWords(" - ").empty());
}

TEST(TermMatcherTest, ATextNamesATermByItselfOrBySynonymAndAbbreviationsOnlyInCapitals) {
  std::vector<GlossaryTerm> terms(3);
  terms[0].term = "container";
  terms[0].synonyms = {"box", "intermodal unit"};
  terms[1].term = "delivery order";
  terms[1].synonyms = {"DO", "D/O"};
  terms[2].term = "vessel";
  // Moved after it was built: the mentions still point into its terms.
  TermMatcher built(std::move(terms));
  TermMatcher matcher = std::move(built);
  auto names = [&](std::string_view text) {
    std::vector<std::string> out;
    for (const auto& mention : matcher.Mentioned(text)) {
      out.push_back(mention.term->term + ":" + mention.name);
    }
    return out;
  };
  EXPECT_EQ(names("How many boxes do we hold?"), (std::vector<std::string>{"container:box"}));
  EXPECT_EQ(names("Boxes without a DO, by vessel"),
            (std::vector<std::string>{"container:box", "delivery order:DO", "vessel:vessel"}));
  EXPECT_EQ(names("Expired D/Os and delivery orders"),
            (std::vector<std::string>{"delivery order:delivery order", "delivery order:D/O"}));
  // Every word of a name, in a row; each name once, however often the text says it.
  EXPECT_TRUE(names("an intermodal transport unit").empty());
  EXPECT_EQ(names("Intermodal units"), (std::vector<std::string>{"container:intermodal unit"}));
  EXPECT_EQ(names("box after box, vessel by vessel"),
            (std::vector<std::string>{"container:box", "vessel:vessel"}));
  // At the very end of the text, and a name longer than what is left of it.
  EXPECT_EQ(names("an intermodal"), std::vector<std::string>());
  EXPECT_EQ(names("vessel"), (std::vector<std::string>{"vessel:vessel"}));
  EXPECT_TRUE(TermMatcher(std::vector<GlossaryTerm>{}).Mentioned("any box").empty());
}

TEST(ObjectRefTest, Parses) {
  auto ref = ParseObjectRef("crm.customers.status");
  ASSERT_TRUE(ref.ok());
  EXPECT_EQ(ref->source, "crm");
  EXPECT_EQ(ref->table, "customers");
  EXPECT_EQ(ref->column, "status");
  EXPECT_EQ(ParseObjectRef("crm.customers")->column, "");
  EXPECT_FALSE(ParseObjectRef(".x").ok());
  EXPECT_FALSE(ParseObjectRef("crm.").ok());
  EXPECT_FALSE(ParseObjectRef("crm.t.").ok());
}

}  // namespace
}  // namespace cairn::context
