// The guard through a Session, with a small fixed AccessPolicy written for the test: Chinook's
// Customer table visible without Phone/Fax, Email masked, rows filtered by Country = :country;
// Invoice visible with its rows filtered the same way through BillingCountry; every other
// table hidden.

#include "engine/guard.h"

#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "engine/session.h"

namespace cairn::engine {
namespace {

const std::string kData = std::string(CAIRN_TEST_DATA);

struct CollectingSinkForTest : RowSink {
  Status Columns(const std::vector<std::string>&) override { return OkStatus(); }
  Status Row(const std::vector<Value>& values) override {
    rows.push_back(values);
    return OkStatus();
  }
  std::vector<std::vector<Value>> rows;
};

class TestPolicy : public AccessPolicy {
 public:
  bool Unrestricted(const Principal& p) const override { return p.HasRole("admin"); }
  std::optional<TableAccess> Table(const Principal&, const std::string& source,
                                   const connectors::TableInfo& table) const override {
    if (source != "c") return std::nullopt;
    TableAccess access;
    if (table.name == "Customer") {
      for (const auto& column : table.columns) {
        if (column.name == "Phone" || column.name == "Fax") continue;
        ColumnAccess c;
        c.name = column.name;
        if (column.name == "Email") {
          c.mask = email_mask;
          c.mask_reveals = email_reveals;
          c.rule = "mask Email";
        }
        access.columns.push_back(c);
      }
      access.row_filter = "Country = :country";
      access.rules = {"grant Customer", "filter Customer"};
      return access;
    }
    if (table.name == "Invoice") {
      for (const auto& column : table.columns) {
        ColumnAccess c;
        c.name = column.name;
        access.columns.push_back(c);
      }
      access.row_filter = invoice_filter;
      access.rules = {"grant Invoice"};
      return access;
    }
    return std::nullopt;
  }
  Label ColumnLabel(const std::string&, const std::string&,
                    const std::string& column) const override {
    if (column == "Email") return Label::kConfidential;
    if (column == "Total") return Label::kInternal;
    return Label::kPublic;
  }
  Status CheckFlow(const Principal&, Label label, const std::string& sink,
                   const std::string&) const override {
    if (sink != "public") return NotFoundError("no sink '{}'", sink);
    if (label > Label::kPublic) {
      return PermissionDeniedError("a {} result cannot go to sink 'public' (clearance public)",
                                   LabelName(label));
    }
    return OkStatus();
  }
  std::string email_mask = "cairn_mask_last(Email, 4)";
  bool email_reveals = true;
  std::string invoice_filter = "BillingCountry = :country";
};

class GuardTest : public ::testing::Test {
 protected:
  void SetUp() override {
    Result<Config> config =
        ParseConfig("sources:\n  c:\n    kind: sqlite\n    path: " + kData + "/chinook.sqlite\n",
                    "/tmp/cairn.yaml");
    ASSERT_TRUE(config.ok()) << config.status().ToString();
    catalog_ = std::move(Catalog::Create(*config)).value();
    Principal clerk{"clerk", {"clerk"}, {{"country", "Brazil"}}};
    session_ = std::move(Session::Open(catalog_.get(), clerk)).value();
    session_->set_policy(&policy_);
    admin_ = std::move(Session::Open(catalog_.get(), Principal::Admin())).value();
    admin_->set_policy(&policy_);
  }
  std::vector<std::vector<Value>> Rows(const std::string& sql) {
    Result<QueryResult> result = session_->QueryAll(sql);
    EXPECT_TRUE(result.ok()) << sql << ": " << result.status().ToString();
    return result.ok() ? result->rows : std::vector<std::vector<Value>>{};
  }
  int64_t Count(const std::string& sql) {
    auto rows = Rows(sql);
    return rows.empty() ? -1 : rows[0][0].integer;
  }

  TestPolicy policy_;
  std::unique_ptr<Catalog> catalog_;
  std::unique_ptr<Session> session_;
  std::unique_ptr<Session> admin_;
};

TEST_F(GuardTest, RowFilterBindsThePrincipalsAttribute) {
  EXPECT_EQ(Count("SELECT count(*) FROM c.Customer"), 5);  // Brazilian customers
  EXPECT_EQ(Count("SELECT count(*) FROM c.Customer WHERE Country <> 'Brazil'"), 0);
  Result<QueryResult> all = admin_->QueryAll("SELECT count(*) FROM c.Customer");
  ASSERT_TRUE(all.ok());
  EXPECT_EQ(all->rows[0][0].integer, 59);
}

TEST_F(GuardTest, AMissingAttributeSelectsNothing) {
  Principal stranger{"stranger", {"clerk"}, {}};
  auto session = std::move(Session::Open(catalog_.get(), stranger)).value();
  session->set_policy(&policy_);
  Result<QueryResult> result = session->QueryAll("SELECT count(*) FROM c.Customer");
  ASSERT_TRUE(result.ok()) << result.status().ToString();
  EXPECT_EQ(result->rows[0][0].integer, 0);
}

TEST_F(GuardTest, MaskedColumnIsMaskedEverywhere) {
  auto rows = Rows("SELECT Email FROM c.Customer WHERE CustomerId = 1");
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0][0].bytes, "****************m.br");  // luisg@embraer.com.br
  // Predicates compare with the masked value, so guessing the clear value finds nothing.
  EXPECT_EQ(Count("SELECT count(*) FROM c.Customer WHERE Email LIKE 'luisg%'"), 0);
  EXPECT_EQ(Count("SELECT count(*) FROM c.Customer WHERE Email = 'luisg@embraer.com.br'"), 0);
  EXPECT_EQ(Count("SELECT count(*) FROM c.Customer WHERE substr(Email, 1, 1) = 'l'"), 0);
  auto max = Rows("SELECT max(Email), min(Email) FROM c.Customer");
  EXPECT_EQ(max[0][0].bytes.find('@'), std::string::npos);
  auto json = Rows("SELECT j.value FROM c.Customer, json_each(json_array(Email)) j");
  for (const auto& row : json) EXPECT_EQ(row[0].bytes.find('@'), std::string::npos);
}

TEST_F(GuardTest, HiddenColumnsAndTablesDoNotExist) {
  Result<QueryResult> phone = session_->QueryAll("SELECT Phone FROM c.Customer");
  EXPECT_EQ(phone.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(phone.status().message().find("no such column"), std::string::npos);
  Result<QueryResult> hidden = session_->QueryAll("SELECT * FROM c.Employee");
  Result<QueryResult> missing = session_->QueryAll("SELECT * FROM c.NoSuchTable");
  EXPECT_EQ(hidden.status().code(), StatusCode::kNotFound);
  EXPECT_EQ(missing.status().code(), StatusCode::kNotFound);
  EXPECT_EQ(hidden.status().message(), "no such table: c.Employee");
  // The raw tables and the schema tables are out of reach.
  EXPECT_FALSE(session_->QueryAll("SELECT * FROM main.\"cairn/c/Employee\"").ok());
  EXPECT_FALSE(session_->QueryAll("SELECT * FROM \"cairn/c/Customer\"").ok());
  EXPECT_FALSE(session_->QueryAll("SELECT name FROM sqlite_master").ok());
  EXPECT_FALSE(session_->QueryAll("SELECT name FROM c.sqlite_master").ok());
  EXPECT_FALSE(session_->QueryAll("SELECT * FROM pragma_table_list").ok());
  EXPECT_FALSE(session_->QueryAll("SELECT * FROM pragma_table_info('cairn/c/Employee')").ok());
  auto info = Rows("SELECT name FROM pragma_table_info('Customer', 'c')");
  EXPECT_EQ(info.size(), 11u);  // 13 columns less Phone and Fax
  for (const auto& row : info) EXPECT_NE(row[0].bytes, "Phone");
}

TEST_F(GuardTest, ErrorsOnHiddenRowsCannotLeak) {
  // abs() raises an error on this value; if the user's predicate ran on a filtered row whose
  // Country is 'USA' the query would fail and reveal that such a row exists.
  EXPECT_EQ(Count("SELECT count(*) FROM c.Customer WHERE CASE WHEN Country = 'USA' THEN "
                  "abs(-9223372036854775807 - 1) ELSE 1 END"),
            5);
  EXPECT_EQ(Count("SELECT count(*) FROM c.Customer c1 JOIN c.Invoice i ON i.CustomerId = "
                  "c1.CustomerId WHERE CASE WHEN i.BillingCountry = 'USA' THEN json('x') ELSE 1 "
                  "END"),
            35);
}

TEST_F(GuardTest, PushdownStillWorksThroughTheGuard) {
  EXPECT_EQ(Count("SELECT count(*) FROM c.Customer WHERE CustomerId = 1"), 1);
  EXPECT_EQ(Count("SELECT count(*) FROM c.Customer WHERE CustomerId = 2"), 0);  // German
  EXPECT_EQ(Count("SELECT count(*) FROM c.Customer WHERE CustomerId IN (1, 10, 11, 12, 13)"), 5);
  auto ordered = Rows("SELECT CustomerId FROM c.Customer ORDER BY CustomerId DESC LIMIT 2");
  ASSERT_EQ(ordered.size(), 2u);
  EXPECT_EQ(ordered[0][0].integer, 13);
  EXPECT_EQ(ordered[1][0].integer, 12);
  // OR branches may be scanned separately and de-duplicated by key: no row may be lost.
  EXPECT_EQ(Count("SELECT count(*) FROM c.Customer WHERE CustomerId = 1 OR FirstName = 'Eduardo'"),
            2);
  Result<QueryResult> either =
      admin_->QueryAll("SELECT count(*) FROM c.Invoice WHERE InvoiceId = 25 OR CustomerId = 1");
  ASSERT_TRUE(either.ok());
  EXPECT_EQ(either->rows[0][0].integer, 8);
  // A self-join uses two cursors at once.
  EXPECT_EQ(Count("SELECT count(*) FROM c.Customer a JOIN c.Customer b ON a.SupportRepId = "
                  "b.SupportRepId"),
            9);
}

TEST_F(GuardTest, ResultsCarryTheHighestLabelTheyRead) {
  QueryStats stats;
  CollectingSinkForTest sink;
  ASSERT_TRUE(session_->Query("SELECT FirstName FROM c.Customer", &sink, &stats).ok());
  EXPECT_EQ(stats.label, Label::kPublic);
  ASSERT_TRUE(session_->Query("SELECT Email FROM c.Customer", &sink, &stats).ok());
  EXPECT_EQ(stats.label, Label::kConfidential);
  ASSERT_TRUE(session_->Query("SELECT sum(Total) FROM c.Invoice", &sink, &stats).ok());
  EXPECT_EQ(stats.label, Label::kInternal);
  // A mask that reveals nothing carries no label.
  policy_.email_mask = "NULL";
  policy_.email_reveals = false;
  auto redacted = std::move(Session::Open(catalog_.get(), session_->principal())).value();
  redacted->set_policy(&policy_);
  ASSERT_TRUE(redacted->Query("SELECT Email FROM c.Customer", &sink, &stats).ok());
  EXPECT_EQ(stats.label, Label::kPublic);
  EXPECT_EQ(stats.rules,
            (std::vector<std::string>{"grant Customer", "filter Customer", "mask Email"}));
}

TEST_F(GuardTest, FlowToALowerSinkIsRefusedBeforeRunning) {
  CollectingSinkForTest sink;
  QueryOptions to_public;
  to_public.destination = "public";
  Status status = session_->Query("SELECT Email FROM c.Customer", &sink, nullptr, to_public);
  EXPECT_EQ(status.code(), StatusCode::kPermissionDenied);
  EXPECT_NE(status.message().find("confidential"), std::string::npos);
  EXPECT_TRUE(sink.rows.empty());
  EXPECT_TRUE(session_->Query("SELECT FirstName FROM c.Customer", &sink, nullptr, to_public).ok());
  QueryOptions nowhere;
  nowhere.destination = "nowhere";
  EXPECT_EQ(session_->Query("SELECT 1", &sink, nullptr, nowhere).code(), StatusCode::kNotFound);
}

TEST_F(GuardTest, MetadataShowsOnlyWhatIsGranted) {
  Result<std::vector<connectors::TableInfo>> tables = session_->Tables("c");
  ASSERT_TRUE(tables.ok());
  ASSERT_EQ(tables->size(), 2u);
  EXPECT_EQ((*tables)[0].name, "Customer");
  EXPECT_EQ((*tables)[0].columns.size(), 11u);
  EXPECT_EQ(session_->Describe("c", "Employee").status().code(), StatusCode::kNotFound);
  EXPECT_EQ(session_->Describe("c", "Employee").status().message(),
            "source 'c' has no table 'Employee'");
  EXPECT_EQ(session_->Describe("c", "Nothing").status().message(),
            "source 'c' has no table 'Nothing'");
  EXPECT_TRUE(session_->CanSee("c", "Customer", "Email"));
  EXPECT_FALSE(session_->CanSee("c", "Customer", "Phone"));
  EXPECT_FALSE(session_->CanSee("c", "Employee"));
}

TEST_F(GuardTest, APolicyThatDoesNotCompileFailsClosed) {
  policy_.email_mask = "no_such_function(Email)";
  Principal clerk{"clerk2", {"clerk"}, {{"country", "Brazil"}}};
  auto session = std::move(Session::Open(catalog_.get(), clerk)).value();
  session->set_policy(&policy_);
  Result<QueryResult> result = session->QueryAll("SELECT FirstName FROM c.Customer");
  EXPECT_EQ(result.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(result.status().message().find("Customer"), std::string::npos);
}

TEST_F(GuardTest, APolicyReadingAnotherTableIsRefused) {
  policy_.invoice_filter = "BillingCountry IN (SELECT Country FROM c.Customer)";
  Principal clerk{"clerk3", {"clerk"}, {{"country", "Brazil"}}};
  auto session = std::move(Session::Open(catalog_.get(), clerk)).value();
  session->set_policy(&policy_);
  Result<QueryResult> result = session->QueryAll("SELECT count(*) FROM c.Invoice");
  EXPECT_EQ(result.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(result.status().message().find("only that table"), std::string::npos)
      << result.status().ToString();
}

TEST_F(GuardTest, NoPolicyMeansDefaultDenyForEveryoneButTheAdministrator) {
  Principal clerk{"clerk4", {"clerk"}, {}};
  auto session = std::move(Session::Open(catalog_.get(), clerk)).value();
  EXPECT_EQ(session->QueryAll("SELECT * FROM c.Customer").status().code(), StatusCode::kNotFound);
  EXPECT_EQ(session->Tables("c").status().code(), StatusCode::kNotFound);
  auto admin = std::move(Session::Open(catalog_.get(), Principal::Admin())).value();
  EXPECT_TRUE(admin->QueryAll("SELECT count(*) FROM c.Employee").ok());
}

// The first 8 bytes of HMAC-SHA-256(key, message), big-endian, by OpenSSL's one-shot HMAC().
uint64_t ReferenceFirst64(const std::string& key, const std::string& message) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
       reinterpret_cast<const unsigned char*>(message.data()), message.size(), digest, &length);
  uint64_t value = 0;
  for (int i = 0; i < 8; ++i) value = (value << 8) | digest[i];
  return value;
}

// The mask helpers on a plain connection.
class MaskFunctionsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_EQ(sqlite3_open(":memory:", &db_), SQLITE_OK);
    ASSERT_EQ(RegisterMaskFunctions(db_, key_), SQLITE_OK);
  }
  void TearDown() override { sqlite3_close(db_); }

  // The first column of the one row `sql` returns, as text ("NULL" for NULL).
  std::string One(const std::string& sql) {
    sqlite3_stmt* stmt = nullptr;
    EXPECT_EQ(sqlite3_prepare_v2(db_, sql.c_str(), -1, &stmt, nullptr), SQLITE_OK) << sql;
    EXPECT_EQ(sqlite3_step(stmt), SQLITE_ROW) << sql;
    std::string out = sqlite3_column_type(stmt, 0) == SQLITE_NULL
                          ? "NULL"
                          : reinterpret_cast<const char*>(sqlite3_column_text(stmt, 0));
    sqlite3_finalize(stmt);
    return out;
  }

  static std::string Reference(const std::string& key, const std::string& message) {
    return fmt::format("{:016x}", ReferenceFirst64(key, message));
  }

  std::string key_ = "an installation key";
  sqlite3* db_ = nullptr;
};

TEST_F(MaskFunctionsTest, LastKeepsTheLastCharactersOfUtf8Text) {
  EXPECT_EQ(One("SELECT cairn_mask_last('DE89370400440532013000', 4)"), "******************3000");
  // 8 characters, 10 bytes: the stars replace characters, not bytes.
  EXPECT_EQ(One("SELECT cairn_mask_last('Zoë Ünal', 3)"), "*****nal");
  EXPECT_EQ(One("SELECT cairn_mask_last('Zoë Ünal', 6)"), "**ë Ünal");
  EXPECT_EQ(One("SELECT cairn_mask_last('Zoë', 0)"), "***");
  EXPECT_EQ(One("SELECT cairn_mask_last('Zoë', -2)"), "***");
  EXPECT_EQ(One("SELECT cairn_mask_last('Zoë', 10)"), "Zoë");
  EXPECT_EQ(One("SELECT cairn_mask_last('', 4)"), "");
  EXPECT_EQ(One("SELECT cairn_mask_last(1234567, 2)"), "*****67");
  EXPECT_EQ(One("SELECT cairn_mask_last(NULL, 4)"), "NULL");
}

TEST_F(MaskFunctionsTest, HashIsHmacSha256OfTheTypeTagAndTheBytes) {
  // SQLite's type codes tag the value: 1 integer, 2 real, 3 text, 4 blob.
  EXPECT_EQ(One("SELECT cairn_mask_hash('alice@example.com')"),
            Reference(key_, "3alice@example.com"));
  EXPECT_EQ(One("SELECT cairn_mask_hash(42)"), Reference(key_, "142"));
  EXPECT_EQ(One("SELECT cairn_mask_hash('42')"), Reference(key_, "342"));
  EXPECT_EQ(One("SELECT cairn_mask_hash('')"), Reference(key_, "3"));
  EXPECT_EQ(One("SELECT cairn_mask_hash(NULL)"), "NULL");
  // A value longer than SHA-256's block, and the same value twice (the context is reused).
  const std::string long_value(300, 'x');
  EXPECT_EQ(One("SELECT cairn_mask_hash('" + long_value + "')"), Reference(key_, "3" + long_value));
  EXPECT_EQ(One("SELECT cairn_mask_hash('" + long_value + "')"), Reference(key_, "3" + long_value));
}

TEST(KeyedHashTest, KeysLongerThanABlockAreHashedFirst) {
  const std::string key(100, 'k');
  KeyedHash hash(key);
  const std::string message = "a message";
  const uint64_t expected = ReferenceFirst64(key, message);
  EXPECT_EQ(hash.First64(message.data(), message.size()), expected);
  EXPECT_EQ(hash.First64(message.data(), message.size()), expected);
}

}  // namespace
}  // namespace cairn::engine
