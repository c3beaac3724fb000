#include "context/search.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <random>

#include "context/catalog_store.h"
#include "context/glossary.h"
#include "context/recipes.h"

namespace cairn::context {
namespace {

const std::string kData = std::string(CAIRN_TEST_DATA);

TEST(SplitIdentifierTest, SnakeCamelAcronymsAndDigits) {
  EXPECT_EQ(SplitIdentifier("customer_id"), "customer id");
  EXPECT_EQ(SplitIdentifier("CustomerId"), "customer id");
  EXPECT_EQ(SplitIdentifier("CustomerID"), "customer id");
  EXPECT_EQ(SplitIdentifier("HTTPServerURL"), "http server url");
  EXPECT_EQ(SplitIdentifier("Order Details"), "order details");
  EXPECT_EQ(SplitIdentifier("invoice2024_total"), "invoice 2024 total");
  EXPECT_EQ(SplitIdentifier("__x__"), "x");
  EXPECT_EQ(SplitIdentifier(""), "");
}

TEST(MatchQueryTest, QuotesWordsAndDropsStopWords) {
  EXPECT_EQ(MatchQuery("the top Customers"), "\"top\"* OR \"customers\"*");
  EXPECT_EQ(MatchQuery("\"customer\" AND ( NEAR *"), "\"customer\"* OR \"near\"*");
  EXPECT_EQ(MatchQuery("of the"), "");
}

class SearchTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto db = store::StateDb::Open(":memory:");
    ASSERT_TRUE(db.ok());
    db_ = std::move(db).value();
    auto index = SearchIndex::Open(db_.get());
    ASSERT_TRUE(index.ok()) << index.status().ToString();
    index_.emplace(std::move(index).value());
  }

  std::vector<SearchHit> Find(const std::string& text, int limit = 10) {
    auto hits = index_->Search(text, limit);
    EXPECT_TRUE(hits.ok()) << hits.status().ToString();
    return hits.ok() ? *hits : std::vector<SearchHit>{};
  }

  std::unique_ptr<store::StateDb> db_;
  std::optional<SearchIndex> index_;
};

TEST_F(SearchTest, FindsColumnsTermsRecipesAndDescriptions) {
  std::vector<IndexedTable> tables = {
      {"shop",
       "orders",
       "table",
       {{"id", "INTEGER", "identifier", {}},
        {"customer_id", "INTEGER", "identifier", {}},
        {"shipped_at", "TEXT", "datetime", {}},
        {"status", "TEXT", "", {"OPEN", "SHIPPED"}}}},
      {"shop", "products", "table", {{"sku", "TEXT", "", {}}, {"price", "REAL", "money", {}}}},
  };
  ASSERT_TRUE(index_->IndexSchema(tables).ok());
  auto hits = Find("customer");
  ASSERT_FALSE(hits.empty());
  EXPECT_EQ(hits[0].kind, SearchKind::kColumn);
  EXPECT_EQ(hits[0].ref, "shop.orders.customer_id");
  EXPECT_EQ(hits[0].detail, "INTEGER, identifier");
  EXPECT_EQ(Find("cust")[0].ref, "shop.orders.customer_id");       // a partial word completes
  EXPECT_EQ(Find("customers")[0].ref, "shop.orders.customer_id");  // stemmed
  // Semantic types and frequent values are searchable.
  hits = Find("money");
  ASSERT_FALSE(hits.empty());
  EXPECT_EQ(hits[0].ref, "shop.products.price");
  hits = Find("shipped");
  ASSERT_EQ(hits.size(), 2u);
  EXPECT_EQ(hits[0].ref, "shop.orders.shipped_at");  // the name outranks a frequent value
  EXPECT_EQ(hits[1].ref, "shop.orders.status");

  auto glossary = Glossary::Open(db_.get());
  ASSERT_TRUE(glossary.ok());
  ASSERT_TRUE(
      glossary->AddTerm("ARPU", "Average revenue per user, monthly", {"shop.orders"}, "ana").ok());
  ASSERT_TRUE(glossary
                  ->SetDescription("shop", "products", "sku",
                                   "Stock keeping unit from the "
                                   "warehouse system",
                                   "ana")
                  .ok());
  EXPECT_TRUE(Find("revenue").empty());  // not refreshed yet
  auto stats = index_->RefreshStated();
  ASSERT_TRUE(stats.ok());
  EXPECT_EQ(stats->terms, 1);
  hits = Find("revenue");
  ASSERT_EQ(hits.size(), 1u);
  EXPECT_EQ(hits[0].kind, SearchKind::kTerm);
  EXPECT_EQ(hits[0].ref, "ARPU");
  EXPECT_EQ(hits[0].detail, "Average revenue per user, monthly");
  hits = Find("warehouse");
  ASSERT_EQ(hits.size(), 1u);
  EXPECT_EQ(hits[0].ref, "shop.products.sku");
  EXPECT_EQ(hits[0].description, "Stock keeping unit from the warehouse system");

  // A changed description replaces the old words.
  ASSERT_TRUE(glossary->SetDescription("shop", "products", "sku", "Article code", "ana").ok());
  ASSERT_TRUE(index_->RefreshStated().ok());
  EXPECT_TRUE(Find("warehouse").empty());
  EXPECT_EQ(Find("article")[0].ref, "shop.products.sku");
  // Re-indexing the schema keeps the stated documents.
  ASSERT_TRUE(index_->IndexSchema(tables).ok());
  EXPECT_EQ(Find("article")[0].ref, "shop.products.sku");
  EXPECT_EQ(Find("revenue")[0].ref, "ARPU");
}

TEST_F(SearchTest, ReindexesEverySourceAndFindsRecipesByQuestion) {
  auto config =
      ParseConfig("sources:\n  chinook:\n    kind: sqlite\n    path: " + kData +
                      "/chinook.sqlite\n  northwind:\n    kind: sqlite\n    path: " + kData +
                      "/northwind.sqlite\n",
                  "/tmp/cairn.yaml");
  ASSERT_TRUE(config.ok());
  auto catalog = engine::Catalog::Create(*config);
  ASSERT_TRUE(catalog.ok());
  auto session = engine::Session::Open(catalog->get(), engine::Principal::Admin());
  ASSERT_TRUE(session.ok());
  EXPECT_FALSE(*index_->SchemaIndexed());

  auto recipes = RecipeStore::Open(db_.get());
  ASSERT_TRUE(recipes.ok());
  ASSERT_TRUE(recipes
                  ->Remember(session->get(), "Which employees sell the most?",
                             "SELECT EmployeeId, count(*) FROM chinook.Customer c JOIN "
                             "chinook.Employee e ON c.SupportRepId = e.EmployeeId GROUP BY 1",
                             "")
                  .ok());
  // What discovery stored is indexed too: semantic types and frequent values.
  auto catalog_store = CatalogStore::Open(db_.get());
  ASSERT_TRUE(catalog_store.ok());
  TableProfile profile;
  profile.source = "chinook";
  profile.table = "Customer";
  ColumnProfile email;
  email.name = "Email";
  email.declared_type = "TEXT";
  email.semantic_type = SemanticType::kEmail;
  email.top_values = {{"luisg@embraer.com.br", 1}};
  profile.columns.push_back(email);
  ASSERT_TRUE(catalog_store->PutTable(profile).ok());

  auto stats = Reindex(db_.get(), session->get());
  ASSERT_TRUE(stats.ok()) << stats.status().ToString();
  EXPECT_TRUE(*index_->SchemaIndexed());
  EXPECT_EQ(stats->tables, 11 + 30);
  EXPECT_GT(stats->columns, 200);
  EXPECT_EQ(stats->recipes, 1);
  EXPECT_TRUE(stats->skipped_sources.empty());

  auto hits = Find("customer", 50);
  auto has = [&](const std::string& ref) {
    return std::any_of(hits.begin(), hits.end(), [&](const auto& h) { return h.ref == ref; });
  };
  EXPECT_TRUE(has("chinook.Invoice.CustomerId"));
  EXPECT_TRUE(has("northwind.Orders.CustomerID"));
  EXPECT_TRUE(has("chinook.Customer"));
  hits = Find("employees selling most");
  ASSERT_FALSE(hits.empty());
  EXPECT_EQ(hits[0].kind, SearchKind::kRecipe);
  EXPECT_EQ(hits[0].detail, "Which employees sell the most?");
  EXPECT_EQ(Find("milliseconds")[0].ref, "chinook.Track.Milliseconds");
  hits = Find("embraer");
  ASSERT_EQ(hits.size(), 1u);
  EXPECT_EQ(hits[0].ref, "chinook.Customer.Email");
  EXPECT_EQ(hits[0].detail, "TEXT, email");
}

// 10,000 tables x 20 columns (more documents than the bounded top-k keeps fresh after a stated
// change): every query fills its page, and the bounded top-k agrees with exact FTS5 ranking.
// Its speed is measured by bench/search_bench.cc, not here.
TEST_F(SearchTest, EnterpriseScaleBoundedTopKAgreesWithExactRanking) {
  const std::vector<std::string> words = {
      "customer", "order",     "invoice",  "payment",  "account",  "ledger",  "container",
      "vessel",   "berth",     "crane",    "gate",     "truck",    "customs", "hold",
      "release",  "booking",   "carrier",  "port",     "terminal", "yard",    "slot",
      "product",  "supplier",  "price",    "amount",   "currency", "country", "city",
      "address",  "email",     "phone",    "status",   "created",  "updated", "shipped",
      "due",      "paid",      "tax",      "discount", "quantity", "weight",  "length",
      "height",   "seal",      "voyage",   "manifest", "cargo",    "hazard",  "employee",
      "region",   "territory", "category", "note",     "code",     "name",    "type"};
  std::mt19937 rng(6346);
  auto word = [&] { return words[rng() % words.size()]; };
  std::vector<IndexedTable> tables;
  for (int t = 0; t < 10'000; ++t) {
    IndexedTable table{
        "src" + std::to_string(t % 25), word() + "_" + word() + std::to_string(t), "table", {}};
    for (int c = 0; c < 20; ++c) {
      table.columns.push_back({word() + "_" + word(), c % 3 == 0 ? "INTEGER" : "TEXT", "", {}});
    }
    tables.push_back(std::move(table));
  }
  auto stats = index_->IndexSchema(tables);
  ASSERT_TRUE(stats.ok()) << stats.status().ToString();
  EXPECT_EQ(stats->columns, 200'000);
  for (int q = 0; q < 20; ++q) {
    std::string text = q % 2 == 0 ? word() : word() + " " + word();
    auto hits = index_->Search(text, 20);
    ASSERT_TRUE(hits.ok());
    EXPECT_EQ(hits->size(), 20u);
  }

  // The bounded top-k agrees with exact FTS5 ranking, which takes over while the postings are
  // out of date (a stated change on an index this large).
  auto fast = index_->Search("vessel", 5);
  ASSERT_TRUE(fast.ok());
  ASSERT_TRUE(index_->RefreshStated().ok());
  auto exact = index_->Search("vessel", 5);
  ASSERT_TRUE(exact.ok());
  ASSERT_EQ(exact->size(), 5u);
  EXPECT_EQ((*fast)[0].ref, (*exact)[0].ref);
  EXPECT_NEAR((*fast)[0].score, (*exact)[0].score, 1e-6 * (*exact)[0].score);
}

}  // namespace
}  // namespace cairn::context
