#include "context/glossary.h"

#include <gtest/gtest.h>

namespace cairn::context {
namespace {

class GlossaryTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto db = store::StateDb::Open(":memory:");
    ASSERT_TRUE(db.ok());
    db_ = std::move(db).value();
    auto glossary = Glossary::Open(db_.get());
    ASSERT_TRUE(glossary.ok()) << glossary.status().ToString();
    glossary_.emplace(std::move(glossary).value());
  }
  std::unique_ptr<store::StateDb> db_;
  std::optional<Glossary> glossary_;
};

TEST_F(GlossaryTest, DescriptionsCarryProvenanceAndCanBeRestatedOrRemoved) {
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

TEST_F(GlossaryTest, TermsAreStatedListedAndRemoved) {
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

  EXPECT_TRUE(glossary_->RemoveTerm("arpu").ok());
  EXPECT_EQ(glossary_->RemoveTerm("arpu").code(), StatusCode::kNotFound);
  EXPECT_EQ(glossary_->AddTerm("", "x", {}, "a").status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(glossary_->AddTerm("x", " ", {}, "a").status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(glossary_->AddTerm("x", "y", {"nodot"}, "a").status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(glossary_->AddTerm("x", "y", {"a.b.c.d"}, "a").status().code(),
            StatusCode::kInvalidArgument);
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
