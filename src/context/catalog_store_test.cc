#include "context/catalog_store.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <limits>

#include "context/state_testing.h"

namespace cairn::context {
namespace {

using ::testing::HasSubstr;

class CatalogStoreTest : public StateEngineTest {};

TableProfile Orders() {
  TableProfile table;
  table.source = "shop";
  table.table = "orders";
  table.kind = "table";
  table.fingerprint = "00ff00ff00ff00ff";
  table.row_count = 3'000'000'000;  // beyond 32 bits
  table.row_estimate = 3'000'000'000;
  table.sample_size = 10'000;
  table.sampling = "bernoulli";
  table.profiled_at = "2024-05-01T10:00:00.000Z";
  ColumnProfile id;
  id.name = "id";
  id.declared_type = "INTEGER";
  id.source_type = "bigint";
  id.not_null = id.primary_key = true;
  id.semantic_type = SemanticType::kIdentifier;
  id.values = 10'000;
  id.distinct_count = 10'000;
  id.distinct_exact = true;
  id.min = "1";
  id.max = "10000";
  id.uniqueness = 1;
  id.integer_fraction = 1;
  // Sketches whose bytes hold NUL and 0xff (little-endian uint64s).
  id.minhash = {0, 1, 0x0100000000000000ull, std::numeric_limits<uint64_t>::max(), 42};
  id.value_hashes = {0, 256, 0xdeadbeef00000000ull};
  id.hashes_exact = true;
  table.columns.push_back(id);
  ColumnProfile note;
  note.name = "note";
  note.ordinal = 1;
  note.declared_type = "TEXT";
  note.values = 10'000;
  note.null_count = 2'500;
  note.null_fraction = 0.25;
  note.min = "caf\xc3\xa9";  // valid UTF-8 stays as it is
  note.max = "zz";
  note.top_values = {{"OPEN", 7'000}, {"caf\xc3\xa9", 500}};
  note.avg_length = 4.5;
  table.columns.push_back(note);
  table.keys.push_back({DeclaredKey::Type::kPrimary, {"id"}, "", {}});
  table.keys.push_back({DeclaredKey::Type::kForeign, {"customer_id"}, "customers", {"id"}});
  return table;
}

TEST_P(CatalogStoreTest, TablesColumnsSketchesAndKeysRoundTrip) {
  auto db = OpenState();
  ASSERT_NE(db, nullptr);
  auto catalog = CatalogStore::Open(db.get());
  ASSERT_TRUE(catalog.ok()) << catalog.status().ToString();
  const TableProfile orders = Orders();
  ASSERT_TRUE(catalog->PutTable(orders).ok());
  ASSERT_TRUE(catalog->PutTable(orders).ok());  // replacing is idempotent
  auto read = catalog->GetTable("shop", "orders");
  ASSERT_TRUE(read.ok()) << read.status().ToString();
  EXPECT_EQ(read->row_count, 3'000'000'000);
  EXPECT_EQ(read->sampling, "bernoulli");
  ASSERT_EQ(read->columns.size(), 2u);
  EXPECT_EQ(read->columns[0].minhash, orders.columns[0].minhash);
  EXPECT_EQ(read->columns[0].value_hashes, orders.columns[0].value_hashes);
  EXPECT_TRUE(read->columns[0].hashes_exact);
  EXPECT_TRUE(read->columns[0].primary_key);
  EXPECT_EQ(read->columns[0].semantic_type, SemanticType::kIdentifier);
  EXPECT_TRUE(read->columns[1].minhash.empty());
  EXPECT_DOUBLE_EQ(read->columns[1].null_fraction, 0.25);
  EXPECT_EQ(read->columns[1].min, "caf\xc3\xa9");
  EXPECT_EQ(read->columns[1].top_values, orders.columns[1].top_values);
  EXPECT_EQ(read->columns[1].profiled_at, orders.profiled_at);
  ASSERT_EQ(read->keys.size(), 2u);
  EXPECT_EQ(read->keys[1].ref_table, "customers");
  EXPECT_EQ(read->keys[1].ref_columns, (std::vector<std::string>{"id"}));

  auto profiles = catalog->ListTables(std::nullopt, ColumnDetail::kProfiles);
  ASSERT_TRUE(profiles.ok());
  ASSERT_EQ(profiles->size(), 1u);
  EXPECT_TRUE((*profiles)[0].columns[0].minhash.empty());  // without sketches

  ASSERT_TRUE(catalog
                  ->AddDrift({{0, "shop", "orders", "column_added", "note", "", "TEXT", ""},
                              {0, "shop", "orders", "table_added", "", "", "", "x"}})
                  .ok());
  auto drift = catalog->ListDrift("shop");
  ASSERT_TRUE(drift.ok());
  ASSERT_EQ(drift->size(), 2u);
  EXPECT_EQ((*drift)[0].change, "table_added");  // newest first
  EXPECT_EQ((*drift)[0].detected_at, "x");
  EXPECT_EQ((*drift)[1].detected_at.size(), 24u);  // now, as ISO-8601 with milliseconds

  ASSERT_TRUE(catalog->RemoveTable("shop", "orders").ok());
  EXPECT_EQ(catalog->GetTable("shop", "orders").status().code(), StatusCode::kNotFound);
  ASSERT_TRUE(catalog->RemoveTable("shop", "orders").ok());
}

// Sampled text that PostgreSQL text cannot hold (NUL, invalid UTF-8) is stored with U+FFFD in
// its place there; SQLite keeps the bytes.
TEST_P(CatalogStoreTest, MinAndMaxWithBytesTextCannotHold) {
  auto db = OpenState();
  ASSERT_NE(db, nullptr);
  auto catalog = CatalogStore::Open(db.get());
  ASSERT_TRUE(catalog.ok());
  TableProfile table = Orders();
  table.columns[1].min = std::string("a\0b", 3);
  table.columns[1].max = "z\xff\xc3";
  ASSERT_TRUE(catalog->PutTable(table).ok());
  auto read = catalog->GetTable("shop", "orders");
  ASSERT_TRUE(read.ok()) << read.status().ToString();
  if (postgres()) {
    EXPECT_EQ(read->columns[1].min,
              "a\xef\xbf\xbd"
              "b");
    EXPECT_EQ(read->columns[1].max, "z\xef\xbf\xbd\xef\xbf\xbd");
  } else {
    EXPECT_EQ(read->columns[1].min, table.columns[1].min);
    EXPECT_EQ(read->columns[1].max, table.columns[1].max);
  }
}

TEST_P(CatalogStoreTest, NameTranslationsAreReplacedAndDatedOnlyWhenTheyChange) {
  auto db = OpenState();
  ASSERT_NE(db, nullptr);
  auto catalog = CatalogStore::Open(db.get());
  ASSERT_TRUE(catalog.ok()) << catalog.status().ToString();
  auto never = catalog->NameTranslationsChangedAt();
  ASSERT_TRUE(never.ok()) << never.status().ToString();
  EXPECT_EQ(*never, "");
  ASSERT_TRUE(catalog->PutNameTranslations({}).ok());  // none stored, none given: no change
  EXPECT_EQ(*catalog->NameTranslationsChangedAt(), "");

  const NameTranslations first = {{"hersteller", {"maker", "manufacturer"}},
                                  {"über", {"about", "over"}}};
  ASSERT_TRUE(catalog->PutNameTranslations(first).ok());
  auto read = catalog->GetNameTranslations();
  ASSERT_TRUE(read.ok()) << read.status().ToString();
  EXPECT_EQ(*read, first);
  const std::string changed = *catalog->NameTranslationsChangedAt();
  EXPECT_FALSE(changed.empty());

  ASSERT_TRUE(catalog->PutNameTranslations(first).ok());  // the same: not dated again
  EXPECT_EQ(*catalog->NameTranslationsChangedAt(), changed);

  const NameTranslations second = {{"lehrer", {"instructor", "teacher"}}};
  ASSERT_TRUE(catalog->PutNameTranslations(second).ok());
  EXPECT_EQ(*catalog->GetNameTranslations(), second);  // replaced, not merged
  EXPECT_GE(*catalog->NameTranslationsChangedAt(), changed);

  ASSERT_TRUE(catalog->PutNameTranslations({}).ok());  // a lexicon taken out of cairn.yaml
  EXPECT_TRUE(catalog->GetNameTranslations()->empty());
}

TEST_P(CatalogStoreTest, UnreadableTranslationsAreAnErrorNamingTheWordAndAreRewritten) {
  auto db = OpenState();
  ASSERT_NE(db, nullptr);
  auto catalog = CatalogStore::Open(db.get());
  ASSERT_TRUE(catalog.ok()) << catalog.status().ToString();
  for (const char* bad : {"{\"maker\": 1}", "[\"maker\", 7]", "not json"}) {
    SCOPED_TRACE(bad);
    ASSERT_TRUE(db->Exec("DELETE FROM catalog_name_translations").ok());
    ASSERT_TRUE(db->Exec("INSERT INTO catalog_name_translations (word, translations) VALUES "
                         "('hersteller', ?)",
                         {std::string(bad)})
                    .ok());
    auto read = catalog->GetNameTranslations();
    ASSERT_FALSE(read.ok());  // never read as fewer words than were stored
    EXPECT_EQ(read.status().code(), StatusCode::kInternal);
    EXPECT_THAT(read.status().message(), HasSubstr("'hersteller'"));

    const NameTranslations fresh = {{"hersteller", {"maker"}}};
    ASSERT_TRUE(catalog->PutNameTranslations(fresh).ok());  // the next discovery rewrites them
    EXPECT_EQ(*catalog->GetNameTranslations(), fresh);
  }
}

CAIRN_STATE_ENGINES(CatalogStoreTest);

}  // namespace
}  // namespace cairn::context
