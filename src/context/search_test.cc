#include "context/search.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <random>
#include <set>
#include <thread>

#include "context/catalog_store.h"
#include "context/glossary.h"
#include "context/recipes.h"
#include "context/state_testing.h"
#include "core/config.h"
#include "engine/catalog.h"

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

class SearchTest : public StateEngineTest {
 protected:
  void SetUp() override {
    StateEngineTest::SetUp();
    if (IsSkipped()) return;
    db_ = OpenState();
    ASSERT_NE(db_, nullptr);
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

TEST_P(SearchTest, FindsColumnsTermsRecipesAndDescriptions) {
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
  // The definition is the description; the detail, where the term is recorded.
  EXPECT_EQ(hits[0].description, "Average revenue per user, monthly");
  EXPECT_EQ(hits[0].detail, "shop.orders");
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

TEST_P(SearchTest, TranslationsOfNamesFindTablesNamedInAnotherLanguage) {
  // As discovery gathers them with a lexicon: German names, the English of their words.
  IndexedTable makers{"werk", "hersteller", "table", {}, {"maker", "manufacturer"}};
  makers.columns.push_back(
      {"hersteller_id", "INTEGER", "identifier", {}, {"maker", "manufacturer"}});
  makers.columns.push_back({"name", "TEXT", "", {}, {}});
  IndexedTable parts{"werk", "teile", "table", {}, {"part"}};
  parts.columns.push_back({"teil_id", "INTEGER", "identifier", {}, {"part"}});
  parts.columns.push_back({"gewicht", "REAL", "", {}, {"weight"}});
  // An English name: it outranks a translation of the same word.
  IndexedTable english{"erp", "manufacturer_codes", "table", {}, {}};
  english.columns.push_back({"code", "TEXT", "", {}, {}});
  ASSERT_TRUE(index_->IndexSchema({makers, parts, english}).ok());

  auto hits = Find("manufacturer");
  std::vector<std::string> refs;
  for (const auto& hit : hits) refs.push_back(hit.ref);
  ASSERT_GE(refs.size(), 3u);
  EXPECT_EQ(refs[0], "erp.manufacturer_codes");
  EXPECT_NE(std::find(refs.begin(), refs.end(), "werk.hersteller"), refs.end());
  EXPECT_NE(std::find(refs.begin(), refs.end(), "werk.hersteller.hersteller_id"), refs.end());
  // A column's own translation, and its table's through the column's context.
  EXPECT_EQ(Find("weight")[0].ref, "werk.teile.gewicht");
  hits = Find("maker name");
  ASSERT_FALSE(hits.empty());
  EXPECT_EQ(hits[0].table, "hersteller");
  // Without translations (no lexicon), the English words find nothing German.
  makers.translations.clear();
  for (auto& column : makers.columns) column.translations.clear();
  ASSERT_TRUE(index_->IndexSchema({makers}).ok());
  EXPECT_TRUE(Find("manufacturer").empty());
  EXPECT_EQ(Find("hersteller")[0].ref, "werk.hersteller");
}

// A session over chinook and northwind (as source names "chinook" and "northwind").
struct Chinook : TestSources {
  Chinook()
      : TestSources("sources:\n  chinook:\n    kind: sqlite\n    path: " + kData +
                        "/chinook.sqlite\n  northwind:\n    kind: sqlite\n    path: " + kData +
                        "/northwind.sqlite\n",
                    "/tmp") {}
};

TEST_P(SearchTest, ReindexesEverySourceAndFindsRecipesByQuestion) {
  Chinook chinook;
  engine::Session* session = chinook.session.get();
  EXPECT_FALSE(*index_->SchemaIndexed());

  auto recipes = RecipeStore::Open(db_.get());
  ASSERT_TRUE(recipes.ok());
  ASSERT_TRUE(recipes
                  ->Remember(session, "Which employees sell the most?",
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

  auto stats = Reindex(db_.get(), session);
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

// Two nodes on one state: what is stated and refreshed through A (as the service does after
// remembering or describing) is found by B's next search, and a reindex through B by A's.
TEST_P(SearchTest, WhatOneNodeStatesAnotherFindsOnItsNextSearch) {
  if (!postgres()) GTEST_SKIP() << "two connections share a database on PostgreSQL only";
  Chinook chinook;
  auto other = OpenState();
  ASSERT_NE(other, nullptr);
  auto index_b = SearchIndex::Open(other.get());
  ASSERT_TRUE(index_b.ok()) << index_b.status().ToString();
  ASSERT_TRUE(Reindex(db_.get(), chinook.session.get()).ok());
  auto before = index_b->Search("employees selling most", 5);
  ASSERT_TRUE(before.ok()) << before.status().ToString();
  EXPECT_TRUE(before->empty() || before->front().kind != SearchKind::kRecipe);
  EXPECT_TRUE(*index_b->SchemaIndexed());

  auto recipes = RecipeStore::Open(db_.get());
  ASSERT_TRUE(recipes.ok());
  auto remembered = recipes->Remember(
      chinook.session.get(), "Which employees sell the most?",
      "SELECT EmployeeId, count(*) FROM chinook.Customer c JOIN chinook.Employee e ON "
      "c.SupportRepId = e.EmployeeId GROUP BY 1",
      "");
  ASSERT_TRUE(remembered.ok()) << remembered.status().ToString();
  auto glossary = Glossary::Open(db_.get());
  ASSERT_TRUE(glossary.ok());
  ASSERT_TRUE(
      glossary->SetDescription("chinook", "Track", "Bytes", "Size of the audio file", "ana").ok());
  ASSERT_TRUE(index_->RefreshStated().ok());

  auto after = index_b->Search("employees selling most", 5);
  ASSERT_TRUE(after.ok());
  ASSERT_FALSE(after->empty());
  EXPECT_EQ(after->front().kind, SearchKind::kRecipe);
  EXPECT_EQ(after->front().ref, std::to_string(remembered->id));
  auto audio = index_b->Search("audio", 5);
  ASSERT_TRUE(audio.ok());
  ASSERT_FALSE(audio->empty());
  EXPECT_EQ(audio->front().ref, "chinook.Track.Bytes");

  // A reindex through B (two nodes reindexing one after the other leave one set of documents).
  ASSERT_TRUE(Reindex(other.get(), chinook.session.get()).ok());
  auto milliseconds = index_->Search("milliseconds", 5);
  ASSERT_TRUE(milliseconds.ok());
  ASSERT_EQ(milliseconds->size(), 1u);
  EXPECT_EQ(milliseconds->front().ref, "chinook.Track.Milliseconds");
}

// Nodes reindexing at the same time (each its own connection) leave one set of documents: the
// writers take turns.
TEST_P(SearchTest, ConcurrentReindexesLeaveOneSetOfDocuments) {
  if (!postgres()) GTEST_SKIP() << "two connections share a database on PostgreSQL only";
  std::vector<IndexedTable> tables;
  for (int t = 0; t < 40; ++t) {
    tables.push_back({"shop", "t" + std::to_string(t), "table", {{"id", "INTEGER", "", {}}}});
  }
  std::vector<std::thread> nodes;
  std::vector<Status> results(3, OkStatus());
  for (int n = 0; n < 3; ++n) {
    nodes.emplace_back([&, n] {
      auto db = pg_->Open();
      if (!db.ok()) {
        results[n] = db.status();
        return;
      }
      auto index = SearchIndex::Open(db->get());
      for (int round = 0; round < 4 && index.ok() && results[n].ok(); ++round) {
        results[n] = index->IndexSchema(tables).status();
      }
      if (!index.ok()) results[n] = index.status();
    });
  }
  for (auto& node : nodes) node.join();
  for (const auto& result : results) EXPECT_TRUE(result.ok()) << result.ToString();
  int64_t documents = 0;
  ASSERT_TRUE(db_->Query("SELECT count(*) FROM search_items", {},
                         [&](const store::Row& row) {
                           documents = row.Int(0);
                           return OkStatus();
                         })
                  .ok());
  EXPECT_EQ(documents, 80);
  std::set<std::string> refs;
  for (const auto& hit : Find("t7", 50)) {
    EXPECT_TRUE(refs.insert(hit.ref).second) << hit.ref << " twice";
  }
  EXPECT_EQ(refs.count("shop.t7"), 1u);
}

// The same content ranks the same (same hits, same order, same scores) on SQLite state and on
// PostgreSQL state, through the postings and through FTS5 ranking.
TEST(SearchEnginesTest, SameContentRanksTheSameOnBothEngines) {
  CAIRN_NEED_TEST_PG();
  store::TestPgDatabase pg;
  auto sqlite = store::StateDb::Open(":memory:");
  auto postgres = pg.Open();
  ASSERT_TRUE(sqlite.ok() && postgres.ok());
  std::mt19937 rng(12);
  const std::vector<std::string> words = {"customer", "order",  "invoice", "vessel",  "berth",
                                          "crane",    "amount", "status",  "created", "email",
                                          "country",  "city",   "name",    "code",    "price"};
  auto word = [&] { return words[rng() % words.size()]; };
  std::vector<IndexedTable> tables;
  for (int t = 0; t < 120; ++t) {
    IndexedTable table{
        "src" + std::to_string(t % 4), word() + "_" + word() + std::to_string(t), "table", {}};
    for (int c = 0; c < 8; ++c) {
      table.columns.push_back(
          {word() + word(), c % 2 ? "TEXT" : "INTEGER", c == 3 ? "email" : "", {word(), word()}});
    }
    tables.push_back(std::move(table));
  }
  const std::vector<std::string> queries = {"customer",      "vessel berth", "cust",
                                            "email country", "price amount", "codes",
                                            "creat status",  "nothing here"};
  std::vector<std::vector<std::vector<SearchHit>>> results(2);
  int engine = 0;
  for (store::StateDb* db : {sqlite->get(), postgres->get()}) {
    auto index = SearchIndex::Open(db);
    ASSERT_TRUE(index.ok()) << index.status().ToString();
    auto glossary = Glossary::Open(db);
    ASSERT_TRUE(glossary.ok());
    ASSERT_TRUE(glossary->AddTerm("Vessel call", "A vessel's visit to a berth", {}, "ana").ok());
    ASSERT_TRUE(
        glossary->SetDescription("src1", tables[1].table, "", "Customer orders", "ana").ok());
    ASSERT_TRUE(index->IndexSchema(tables).ok());
    ASSERT_TRUE(glossary->AddTerm("Order amount", "What a customer pays", {}, "bo").ok());
    ASSERT_TRUE(index->RefreshStated().ok());
    for (const auto& query : queries) {
      auto hits = index->Search(query, 25);
      ASSERT_TRUE(hits.ok()) << hits.status().ToString();
      results[engine].push_back(*hits);
    }
    // FTS5 ranking, as while the postings are out of date.
    ASSERT_TRUE(db->Exec("DELETE FROM search_meta WHERE key = 'impacts_built_at'").ok());
    if (db->sqlite() == nullptr) {
      ASSERT_TRUE(
          db->Exec("UPDATE search_meta SET value = value || '.' WHERE key = 'version'").ok());
    }
    for (const auto& query : queries) {
      auto hits = index->Search(query, 25);
      ASSERT_TRUE(hits.ok()) << hits.status().ToString();
      results[engine].push_back(*hits);
    }
    ++engine;
  }
  ASSERT_EQ(results[0].size(), results[1].size());
  for (size_t q = 0; q < results[0].size(); ++q) {
    const auto& a = results[0][q];
    const auto& b = results[1][q];
    ASSERT_EQ(a.size(), b.size()) << "query " << q;
    if (q % queries.size() != queries.size() - 1) {
      EXPECT_FALSE(a.empty()) << "query " << q;
    }
    for (size_t i = 0; i < a.size(); ++i) {
      EXPECT_EQ(a[i].ref, b[i].ref) << "query " << q << " hit " << i;
      EXPECT_EQ(a[i].kind, b[i].kind);
      EXPECT_EQ(a[i].detail, b[i].detail);
      EXPECT_EQ(a[i].description, b[i].description);
      EXPECT_DOUBLE_EQ(a[i].score, b[i].score) << "query " << q << " hit " << i;
    }
  }
}

// 10,000 tables x 20 columns (more documents than the bounded top-k keeps fresh after a stated
// change): every query fills its page, and the bounded top-k agrees with exact FTS5 ranking.
// Its speed is measured by bench/search_bench.cc, not here.
TEST_P(SearchTest, EnterpriseScaleBoundedTopKAgreesWithExactRanking) {
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

CAIRN_STATE_ENGINES(SearchTest);

}  // namespace
}  // namespace cairn::context
