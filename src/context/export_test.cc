#include "context/export.h"

#include <gtest/gtest.h>
#include <sqlite3.h>

#include <fstream>
#include <random>
#include <sstream>

#include "context/join_store.h"
#include "context/state_testing.h"

namespace cairn::context {
namespace {

namespace fs = std::filesystem;
const std::string kData = std::string(CAIRN_TEST_DATA);

std::string Read(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

// Every file below `dir`, relative, with its content.
std::map<std::string, std::string> Snapshot(const fs::path& dir) {
  std::map<std::string, std::string> files;
  for (const auto& entry : fs::recursive_directory_iterator(dir)) {
    if (entry.is_regular_file()) {
      files[fs::relative(entry.path(), dir).string()] = Read(entry.path());
    }
  }
  return files;
}

class ExportTest : public StateEngineTest {
 protected:
  void SetUp() override {
    StateEngineTest::SetUp();
    if (IsSkipped()) return;
    std::random_device rd;
    dir_ = fs::temp_directory_path() / ("cairn-export-" + std::to_string(rd()));
    fs::create_directories(dir_);
    // A source whose table names try to escape the export directory.
    sqlite3* raw = nullptr;
    ASSERT_EQ(sqlite3_open((dir_ / "odd.sqlite").c_str(), &raw), SQLITE_OK);
    ASSERT_EQ(sqlite3_exec(raw,
                           "CREATE TABLE \"../x\" (id INTEGER PRIMARY KEY, \"a|b\" TEXT);"
                           "CREATE TABLE \"a/b\" (id INTEGER);"
                           "CREATE TABLE \"..\" (id INTEGER);",
                           nullptr, nullptr, nullptr),
              SQLITE_OK);
    sqlite3_close(raw);
    auto config = ParseConfig("sources:\n  chinook:\n    kind: sqlite\n    path: " + kData +
                                  "/chinook.sqlite\n  odd:\n    kind: sqlite\n    path: " +
                                  (dir_ / "odd.sqlite").string() + "\n",
                              dir_ / "cairn.yaml");
    ASSERT_TRUE(config.ok()) << config.status().ToString();
    catalog_ = std::move(engine::Catalog::Create(*config)).value();
    session_ = std::move(engine::Session::Open(catalog_.get(), engine::Principal::Admin())).value();
    db_ = OpenState();
    ASSERT_NE(db_, nullptr);
  }
  void TearDown() override {
    session_.reset();
    if (!dir_.empty()) fs::remove_all(dir_);
  }

  ExportStats Export(const fs::path& out) {
    auto snapshot = GatherExport(db_.get(), session_.get());
    EXPECT_TRUE(snapshot.ok()) << snapshot.status().ToString();
    auto stats = WriteContextTree(*snapshot, out);
    EXPECT_TRUE(stats.ok()) << stats.status().ToString();
    return stats.ok() ? *stats : ExportStats{};
  }

  fs::path dir_;
  std::unique_ptr<engine::Catalog> catalog_;
  std::unique_ptr<engine::Session> session_;
  std::unique_ptr<store::StateDb> db_;
};

TEST(SafeFileNameTest, NeverLeavesTheDirectory) {
  EXPECT_EQ(SafeFileName("Customer"), "Customer");
  EXPECT_EQ(SafeFileName("order_items.v2"), "order_items.v2");
  EXPECT_EQ(SafeFileName("../x"), "%2E.%2Fx");
  EXPECT_EQ(SafeFileName(".."), "%2E.");
  EXPECT_EQ(SafeFileName("a/b"), "a%2Fb");
  EXPECT_EQ(SafeFileName("Order Details"), "Order%20Details");
  EXPECT_EQ(SafeFileName(""), "%00");
  std::string longer(300, 'x');
  EXPECT_LE(SafeFileName(longer).size(), 120u);
  EXPECT_NE(SafeFileName(longer), SafeFileName(longer + "y"));
}

TEST_P(ExportTest, WritesTheTreeWithDescriptionsJoinsRecipesAndGlossary) {
  auto glossary = Glossary::Open(db_.get());
  ASSERT_TRUE(glossary.ok());
  ASSERT_TRUE(
      glossary->SetDescription("chinook", "Customer", "", "People who buy music", "ana").ok());
  ASSERT_TRUE(
      glossary->SetDescription("chinook", "Customer", "Email", "Login | contact", "ana").ok());
  ASSERT_TRUE(
      glossary->AddTerm("Churn", "Customers who stopped buying", {"chinook.Customer"}, "ana").ok());
  auto joins = JoinStore::Open(db_.get());
  ASSERT_TRUE(joins.ok());
  ASSERT_TRUE(joins
                  ->SetVerdict({"chinook", "Invoice", {"CustomerId"}},
                               {"chinook", "Customer", {"CustomerId"}}, JoinKind::kConfirmed, "ana",
                               "")
                  .ok());
  auto recipes = RecipeStore::Open(db_.get());
  ASSERT_TRUE(recipes.ok());
  auto recipe = recipes->Remember(session_.get(), "Top customers?",
                                  "SELECT c.Email, sum(i.Total) FROM chinook.Customer c JOIN "
                                  "chinook.Invoice i USING (CustomerId) GROUP BY 1",
                                  "");
  ASSERT_TRUE(recipe.ok()) << recipe.status().ToString();

  fs::path out = dir_ / "context";
  ExportStats stats = Export(out);
  EXPECT_EQ(stats.tables, 11 + 3);
  EXPECT_EQ(stats.recipes, 1);
  auto files = Snapshot(out);
  EXPECT_EQ(files.size(), static_cast<size_t>(stats.files));
  for (const auto& name : {"README.md", "glossary.md", "joins.md", "sources/chinook.md",
                           "sources/odd.md", "tables/chinook/Customer.md", "tables/odd/a%2Fb.md",
                           "tables/odd/%2E.%2Fx.md", "tables/odd/%2E..md", ".cairn-context"}) {
    EXPECT_EQ(files.count(name), 1u) << name;
  }
  EXPECT_EQ(files.count("recipes/" + std::to_string(recipe->id) + ".md"), 1u);
  // Nothing was written beside the export.
  EXPECT_FALSE(fs::exists(dir_ / "x.md"));
  EXPECT_FALSE(fs::exists(dir_ / "tables"));

  const std::string& customer = files["tables/chinook/Customer.md"];
  EXPECT_NE(customer.find("# chinook.Customer"), std::string::npos);
  EXPECT_NE(customer.find("> People who buy music"), std::string::npos);
  EXPECT_NE(customer.find("| Email | NVARCHAR(60) |"), std::string::npos) << customer;
  EXPECT_NE(customer.find("Login \\| contact"), std::string::npos);
  EXPECT_NE(customer.find("chinook.Invoice(CustomerId) → chinook.Customer(CustomerId) — "
                          "confirmed"),
            std::string::npos)
      << customer;
  EXPECT_NE(customer.find("[Top customers?](../../recipes/"), std::string::npos);
  EXPECT_NE(files["tables/odd/%2E.%2Fx.md"].find("a\\|b"), std::string::npos);
  EXPECT_NE(files["sources/odd.md"].find("(../tables/odd/a%252Fb.md)"), std::string::npos)
      << files["sources/odd.md"];
  EXPECT_NE(files["glossary.md"].find("## Churn"), std::string::npos);
  EXPECT_NE(files["joins.md"].find("```mermaid"), std::string::npos);
  EXPECT_NE(files["joins.md"].find("n1 -->|\"CustomerId = CustomerId\"| n0"), std::string::npos)
      << files["joins.md"];
  const std::string& readme = files["README.md"];
  EXPECT_NE(readme.find("[chinook](sources/chinook.md)"), std::string::npos);
  EXPECT_NE(readme.find("Top customers?"), std::string::npos);
  EXPECT_NE(files["recipes/" + std::to_string(recipe->id) + ".md"].find("```sql\nSELECT"),
            std::string::npos);
}

TEST_P(ExportTest, ReExportIsIdempotentAndDropsStaleFiles) {
  fs::path out = dir_ / "context";
  Export(out);
  auto first = Snapshot(out);
  Export(out);
  EXPECT_EQ(Snapshot(out), first);

  sqlite3* raw = nullptr;
  ASSERT_EQ(sqlite3_open((dir_ / "odd.sqlite").c_str(), &raw), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(raw, "DROP TABLE \"a/b\"", nullptr, nullptr, nullptr), SQLITE_OK);
  sqlite3_close(raw);
  session_ = std::move(engine::Session::Open(catalog_.get(), engine::Principal::Admin())).value();
  // A fresh catalog sees the dropped table (sources cache their schema per catalog).
  auto config = ParseConfig(
      "sources:\n  odd:\n    kind: sqlite\n    path: " + (dir_ / "odd.sqlite").string() + "\n",
      dir_ / "cairn.yaml");
  ASSERT_TRUE(config.ok());
  session_.reset();
  catalog_ = std::move(engine::Catalog::Create(*config)).value();
  session_ = std::move(engine::Session::Open(catalog_.get(), engine::Principal::Admin())).value();
  Export(out);
  auto second = Snapshot(out);
  EXPECT_EQ(second.count("tables/odd/a%2Fb.md"), 0u);
  EXPECT_EQ(second.count("tables/chinook/Customer.md"), 0u);
  EXPECT_EQ(second.count("tables/odd/%2E.%2Fx.md"), 1u);
  // No staging directories are left behind.
  for (const auto& entry : fs::directory_iterator(dir_)) {
    EXPECT_EQ(entry.path().filename().string().find(".context.cairn-"), std::string::npos);
  }
}

TEST_P(ExportTest, RefusesToReplaceAnUnrelatedDirectory) {
  fs::path mine = dir_ / "mine";
  fs::create_directories(mine);
  std::ofstream(mine / "notes.txt") << "keep me";
  auto snapshot = GatherExport(db_.get(), session_.get());
  ASSERT_TRUE(snapshot.ok());
  EXPECT_EQ(WriteContextTree(*snapshot, mine).status().code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(Read(mine / "notes.txt"), "keep me");
  std::ofstream(dir_ / "file") << "x";
  EXPECT_EQ(WriteContextTree(*snapshot, dir_ / "file").status().code(),
            StatusCode::kFailedPrecondition);
}

CAIRN_STATE_ENGINES(ExportTest);

}  // namespace
}  // namespace cairn::context
