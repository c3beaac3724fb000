#include "demo/demo.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sqlite3.h>
#include <unistd.h>

#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include "core/config.h"
#include "demo/iso6346.h"

namespace cairn::demo {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;

fs::path TempDir(const std::string& name) {
  const fs::path dir =
      fs::temp_directory_path() / ("cairn_demo_test_" + std::to_string(getpid())) / name;
  fs::remove_all(dir);
  return dir;
}

std::string ReadFile(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// RFC 4180 reader, enough for the generated files: quoted fields with "" escapes, embedded
// commas and newlines.
std::vector<std::vector<std::string>> ParseCsv(const std::string& text) {
  std::vector<std::vector<std::string>> rows;
  std::vector<std::string> row;
  std::string field;
  bool quoted = false, in_field = false;
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (quoted) {
      if (c == '"' && i + 1 < text.size() && text[i + 1] == '"') {
        field.push_back('"');
        ++i;
      } else if (c == '"') {
        quoted = false;
      } else {
        field.push_back(c);
      }
    } else if (c == '"') {
      quoted = true;
      in_field = true;
    } else if (c == ',') {
      row.push_back(std::move(field));
      field.clear();
    } else if (c == '\n') {
      row.push_back(std::move(field));
      field.clear();
      rows.push_back(std::move(row));
      row.clear();
      in_field = false;
    } else {
      field.push_back(c);
      in_field = true;
    }
  }
  if (in_field || !row.empty()) {
    row.push_back(field);
    rows.push_back(row);
  }
  return rows;
}

// One connection with tos and finance attached and the CSV directories loaded into
// in-memory schemas `customs` and `lines` (empty fields become NULL), so that the same
// schema-qualified SQL as the engine's runs here.
class Federation {
 public:
  explicit Federation(const fs::path& dir) {
    EXPECT_EQ(sqlite3_open(":memory:", &db_), SQLITE_OK);
    Exec("ATTACH '" + (dir / "tos.sqlite").string() + "' AS tos");
    Exec("ATTACH '" + (dir / "finance.sqlite").string() + "' AS finance");
    for (const char* schema : {"customs", "lines"}) {
      Exec(std::string("ATTACH ':memory:' AS ") + schema);
      for (const auto& entry : fs::directory_iterator(dir / schema)) {
        LoadCsv(schema, entry.path());
      }
    }
  }
  ~Federation() { sqlite3_close(db_); }

  void Exec(const std::string& sql) {
    char* error = nullptr;
    ASSERT_EQ(sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &error), SQLITE_OK)
        << sql << ": " << (error ? error : "");
  }

  // All rows, every value as text ("NULL" for NULL). Fails the test on an SQL error.
  std::vector<std::vector<std::string>> Query(const std::string& sql) {
    std::vector<std::vector<std::string>> rows;
    sqlite3_stmt* stmt = nullptr;
    if (sqlite3_prepare_v2(db_, sql.c_str(), -1, &stmt, nullptr) != SQLITE_OK) {
      ADD_FAILURE() << sqlite3_errmsg(db_) << "\n" << sql;
      return rows;
    }
    while (sqlite3_step(stmt) == SQLITE_ROW) {
      std::vector<std::string> row;
      for (int i = 0; i < sqlite3_column_count(stmt); ++i) {
        const unsigned char* text = sqlite3_column_text(stmt, i);
        row.push_back(text ? reinterpret_cast<const char*>(text) : "NULL");
      }
      rows.push_back(std::move(row));
    }
    sqlite3_finalize(stmt);
    return rows;
  }

  int64_t Count(const std::string& sql) {
    const auto rows = Query(sql);
    if (rows.size() != 1 || rows[0].size() != 1) {
      ADD_FAILURE() << "expected one value from " << sql;
      return -1;
    }
    return std::stoll(rows[0][0]);
  }

 private:
  void LoadCsv(const std::string& schema, const fs::path& file) {
    const auto rows = ParseCsv(ReadFile(file));
    ASSERT_FALSE(rows.empty()) << file;
    const std::string table = schema + "." + file.stem().string();
    std::string create = "CREATE TABLE " + table + " (";
    std::string insert = "INSERT INTO " + table + " VALUES (";
    for (size_t i = 0; i < rows[0].size(); ++i) {
      create += (i ? ", " : "") + rows[0][i];
      insert += i ? ", ?" : "?";
    }
    Exec(create + ")");
    sqlite3_stmt* stmt = nullptr;
    ASSERT_EQ(sqlite3_prepare_v2(db_, (insert + ")").c_str(), -1, &stmt, nullptr), SQLITE_OK);
    for (size_t r = 1; r < rows.size(); ++r) {
      ASSERT_EQ(rows[r].size(), rows[0].size()) << file << " row " << r;
      for (size_t i = 0; i < rows[r].size(); ++i) {
        const std::string& v = rows[r][i];
        if (v.empty()) {
          sqlite3_bind_null(stmt, static_cast<int>(i) + 1);
        } else {
          sqlite3_bind_text(stmt, static_cast<int>(i) + 1, v.c_str(), -1, SQLITE_TRANSIENT);
        }
      }
      ASSERT_EQ(sqlite3_step(stmt), SQLITE_DONE);
      sqlite3_reset(stmt);
    }
    sqlite3_finalize(stmt);
  }

  sqlite3* db_ = nullptr;
};

class DemoTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new fs::path(TempDir("main"));
    DemoOptions options;
    options.dir = *dir_;
    auto result = GenerateDemo(options);
    ASSERT_TRUE(result.ok()) << result.status().ToString();
    summary_ = new DemoSummary(std::move(result).value());
  }
  static void TearDownTestSuite() {
    fs::remove_all(dir_->parent_path());
    delete summary_;
    delete dir_;
  }

  int CountProblems(ProblemKind kind) {
    int n = 0;
    for (const auto& p : summary_->problems) n += p.kind == kind;
    return n;
  }

  static fs::path* dir_;
  static DemoSummary* summary_;
};

fs::path* DemoTest::dir_ = nullptr;
DemoSummary* DemoTest::summary_ = nullptr;

TEST_F(DemoTest, WritesEveryFileAtTheRequestedScale) {
  for (const std::string& file : summary_->files) EXPECT_TRUE(fs::exists(*dir_ / file)) << file;
  EXPECT_EQ(summary_->files.back(), "cairn.yaml");
  EXPECT_EQ(summary_->table_rows.at("tos.containers"), 3000);
  EXPECT_EQ(summary_->table_rows.at("tos.vessels"), 40);
  EXPECT_EQ(summary_->table_rows.at("tos.voyages"), 150);
  EXPECT_GT(summary_->table_rows.at("tos.moves"), 6500);
  EXPECT_LT(summary_->table_rows.at("tos.moves"), 11000);
  EXPECT_EQ(summary_->table_rows.at("finance.customers"), 120);
  EXPECT_GT(summary_->table_rows.at("lines.bills_of_lading"), 2000);
  EXPECT_GT(summary_->import_containers_in_yard, 200);
  EXPECT_GT(summary_->containers_ready_for_release, 100);
  Federation f(*dir_);
  for (const auto& [table, rows] : summary_->table_rows) {
    EXPECT_EQ(f.Count("SELECT COUNT(*) FROM " + table), rows) << table;
  }
}

TEST_F(DemoTest, ConfigDeclaresTheFourSources) {
  auto config = LoadConfig(*dir_ / "cairn.yaml");
  ASSERT_TRUE(config.ok()) << config.status().ToString();
  const std::map<std::string, std::pair<std::string, std::string>> expected = {
      {"tos", {"sqlite", "tos.sqlite"}},
      {"customs", {"csv", "customs"}},
      {"finance", {"sqlite", "finance.sqlite"}},
      {"lines", {"csv", "lines"}}};
  ASSERT_EQ(config->sources.size(), 4u);
  for (const auto& [name, kind_path] : expected) {
    const SourceConfig* source = config->FindSource(name);
    ASSERT_NE(source, nullptr) << name;
    EXPECT_EQ(source->kind, kind_path.first);
    auto path = source->GetPath("path");
    ASSERT_TRUE(path.ok());
    EXPECT_TRUE(fs::exists(*path)) << *path;
    EXPECT_EQ(path->filename(), kind_path.second);
  }
}

TEST_F(DemoTest, EveryContainerNumberIsValidIso6346) {
  Federation f(*dir_);
  const char* columns[] = {
      "tos.containers.container_no",        "tos.moves.container_no",
      "tos.yard_positions.container_no",    "customs.declarations.container_no",
      "customs.holds.container_no",         "customs.releases.container_no",
      "lines.bills_of_lading.container_no", "lines.delivery_orders.container_no"};
  for (std::string column : columns) {
    const size_t dot = column.rfind('.');
    const auto rows =
        f.Query("SELECT DISTINCT " + column.substr(dot + 1) + " FROM " + column.substr(0, dot));
    ASSERT_FALSE(rows.empty()) << column;
    for (const auto& row : rows) EXPECT_TRUE(IsValidIso6346(row[0])) << column << " " << row[0];
  }
  for (const auto& row : f.Query("SELECT imo FROM tos.vessels")) {
    EXPECT_TRUE(IsValidImoNumber(row[0])) << row[0];
  }
}

// ISO 13616: the country's length from the SWIFT IBAN registry, and the check digits (the
// account moved behind the country and check digits, letters as 10..35, is 1 modulo 97).
TEST_F(DemoTest, EveryCustomerHasAValidIbanOfItsCountry) {
  const std::map<std::string, size_t> kLength = {{"AT", 20}, {"CZ", 24}, {"DE", 22}, {"DK", 18},
                                                 {"FR", 27}, {"GB", 22}, {"IT", 27}, {"NL", 18},
                                                 {"PL", 28}, {"SE", 24}};
  Federation f(*dir_);
  const auto rows = f.Query("SELECT country, iban FROM finance.customers");
  ASSERT_EQ(rows.size(), 120u);
  std::set<std::string> distinct;
  for (const auto& row : rows) {
    const std::string& country = row[0];
    const std::string& iban = row[1];
    distinct.insert(iban);
    ASSERT_TRUE(kLength.count(country)) << country;
    EXPECT_EQ(iban.size(), kLength.at(country)) << iban;
    EXPECT_EQ(iban.substr(0, 2), country) << iban;
    int remainder = 0;
    for (char c : iban.substr(4) + iban.substr(0, 4)) {
      ASSERT_TRUE(std::isdigit(static_cast<unsigned char>(c)) || (c >= 'A' && c <= 'Z')) << iban;
      remainder = std::isdigit(static_cast<unsigned char>(c))
                      ? (remainder * 10 + (c - '0')) % 97
                      : (remainder * 100 + (c - 'A' + 10)) % 97;
    }
    EXPECT_EQ(remainder, 1) << iban;
  }
  EXPECT_EQ(distinct.size(), rows.size());
}
TEST_F(DemoTest, CsvFilesAreRectangularUtf8AndExerciseQuoting) {
  bool saw_comma = false, saw_quote = false, saw_non_ascii = false;
  for (const char* file :
       {"customs/declarations.csv", "customs/holds.csv", "customs/releases.csv",
        "lines/bookings.csv", "lines/bills_of_lading.csv", "lines/delivery_orders.csv"}) {
    const std::string text = ReadFile(*dir_ / file);
    ASSERT_FALSE(text.empty());
    EXPECT_EQ(text.back(), '\n');
    EXPECT_EQ(text.find('\r'), std::string::npos) << file;
    const auto rows = ParseCsv(text);
    for (const auto& row : rows) {
      ASSERT_EQ(row.size(), rows[0].size()) << file;
      for (const auto& field : row) {
        saw_comma |= field.find(',') != std::string::npos;
        saw_quote |= field.find('"') != std::string::npos;
        for (char c : field) saw_non_ascii |= (static_cast<unsigned char>(c) & 0x80) != 0;
      }
    }
  }
  EXPECT_TRUE(saw_comma);
  EXPECT_TRUE(saw_quote);
  EXPECT_TRUE(saw_non_ascii);
}

TEST_F(DemoTest, ReferentialIntegrityHolds) {
  Federation f(*dir_);
  const char* orphan_queries[] = {
      // tos
      "SELECT COUNT(*) FROM tos.vessels v LEFT JOIN tos.line_operators l "
      "ON l.code = v.operator_line WHERE l.code IS NULL",
      "SELECT COUNT(*) FROM tos.voyages vo LEFT JOIN tos.vessels v ON v.imo = vo.vessel_imo "
      "WHERE v.imo IS NULL",
      "SELECT COUNT(*) FROM tos.containers c LEFT JOIN tos.voyages vo "
      "ON vo.voyage_id = c.voyage_id WHERE vo.voyage_id IS NULL",
      "SELECT COUNT(*) FROM tos.moves m LEFT JOIN tos.containers c "
      "ON c.container_no = m.container_no WHERE c.container_no IS NULL",
      "SELECT COUNT(*) FROM tos.containers c LEFT JOIN tos.yard_positions y "
      "ON y.container_no = c.container_no WHERE (c.status = 'in_yard') <> (y.block IS NOT NULL)",
      // the last move of a container in the yard ends at its yard position
      "SELECT COUNT(*) FROM tos.yard_positions y JOIN tos.moves m ON m.container_no = "
      "y.container_no AND m.moved_at = (SELECT MAX(moved_at) FROM tos.moves WHERE "
      "container_no = y.container_no) WHERE m.to_location <> printf('%s-%02d-%02d-%d', "
      "y.block, y.bay, y.row, y.tier)",
      // every import came off a vessel that arrived; every gated-out box left through the gate
      "SELECT COUNT(*) FROM tos.containers c WHERE c.direction = 'import' AND NOT EXISTS "
      "(SELECT 1 FROM tos.moves m WHERE m.container_no = c.container_no AND m.move_type = "
      "'discharge' AND m.voyage_id = c.voyage_id)",
      "SELECT COUNT(*) FROM tos.containers c WHERE (c.status = 'gated_out') <> EXISTS "
      "(SELECT 1 FROM tos.moves m WHERE m.container_no = c.container_no AND "
      "m.move_type = 'gate_out')",
      "SELECT COUNT(*) FROM tos.containers c WHERE (c.status = 'loaded') <> EXISTS "
      "(SELECT 1 FROM tos.moves m WHERE m.container_no = c.container_no AND "
      "m.move_type = 'load')",
      // finance
      "SELECT COUNT(*) FROM finance.invoices i LEFT JOIN finance.customers c "
      "ON c.customer_id = i.customer_id WHERE c.customer_id IS NULL",
      "SELECT COUNT(*) FROM finance.payments p LEFT JOIN finance.invoices i "
      "ON i.invoice_id = p.invoice_id WHERE i.invoice_id IS NULL",
      "SELECT COUNT(*) FROM finance.credit_limits l LEFT JOIN finance.customers c "
      "ON c.customer_id = l.customer_id WHERE c.customer_id IS NULL",
      "SELECT COUNT(*) FROM finance.invoices WHERE (bl_number IS NULL) = (container_no IS NULL)",
      "SELECT COUNT(*) FROM finance.invoices i WHERE i.status = 'paid' AND ROUND(i.amount * 100) "
      "<> (SELECT ROUND(SUM(p.amount) * 100) FROM finance.payments p "
      "WHERE p.invoice_id = i.invoice_id)",
      "SELECT COUNT(*) FROM finance.invoices i WHERE i.status <> 'paid' AND "
      "COALESCE((SELECT SUM(p.amount) FROM finance.payments p "
      "WHERE p.invoice_id = i.invoice_id), 0) >= i.amount",
      "SELECT COUNT(*) FROM finance.invoices WHERE status = 'overdue' AND due_on >= '2026-03-02'",
      "SELECT COUNT(*) FROM finance.invoices WHERE status = 'open' AND due_on < '2026-03-02'",
      "SELECT COUNT(*) FROM finance.payments WHERE paid_at >= '2026-03-02'",
      // cross-source keys
      "SELECT COUNT(*) FROM finance.invoices i WHERE i.bl_number IS NOT NULL AND NOT EXISTS "
      "(SELECT 1 FROM lines.bills_of_lading b WHERE b.bl_number = i.bl_number)",
      "SELECT COUNT(*) FROM finance.invoices i WHERE i.container_no IS NOT NULL AND NOT EXISTS "
      "(SELECT 1 FROM tos.containers c WHERE c.container_no = i.container_no)",
      "SELECT COUNT(*) FROM customs.declarations d LEFT JOIN tos.containers c "
      "ON c.container_no = d.container_no WHERE c.container_no IS NULL",
      "SELECT COUNT(*) FROM customs.holds h LEFT JOIN tos.containers c "
      "ON c.container_no = h.container_no WHERE c.container_no IS NULL",
      "SELECT COUNT(*) FROM customs.releases r LEFT JOIN customs.declarations d "
      "ON d.declaration_id = r.declaration_id AND d.container_no = r.container_no "
      "WHERE d.declaration_id IS NULL",
      "SELECT COUNT(*) FROM tos.containers c WHERE c.direction = 'import' AND "
      "(SELECT COUNT(*) FROM customs.declarations d WHERE d.container_no = c.container_no) <> 1",
      "SELECT COUNT(*) FROM tos.containers c WHERE c.direction = 'import' AND NOT EXISTS "
      "(SELECT 1 FROM lines.bills_of_lading b WHERE b.container_no = c.container_no AND "
      "b.bl_number = c.bl_number)",
      "SELECT COUNT(*) FROM lines.bills_of_lading b LEFT JOIN tos.containers c "
      "ON c.container_no = b.container_no WHERE c.container_no IS NULL",
      "SELECT COUNT(*) FROM lines.bills_of_lading b LEFT JOIN lines.bookings k "
      "ON k.booking_no = b.booking_no WHERE k.booking_no IS NULL",
      "SELECT COUNT(*) FROM tos.containers c WHERE c.direction = 'export' AND NOT EXISTS "
      "(SELECT 1 FROM lines.bookings k WHERE k.booking_no = c.booking_no)",
      "SELECT COUNT(*) FROM lines.delivery_orders d LEFT JOIN lines.bills_of_lading b "
      "ON b.bl_number = d.bl_number AND b.container_no = d.container_no "
      "WHERE b.bl_number IS NULL",
      // gated-out containers were released cleanly
      "SELECT COUNT(*) FROM tos.containers c WHERE c.status = 'gated_out' AND ("
      "NOT EXISTS (SELECT 1 FROM customs.releases r WHERE r.container_no = c.container_no) OR "
      "EXISTS (SELECT 1 FROM customs.holds h WHERE h.container_no = c.container_no "
      "AND h.released_at IS NULL) OR "
      "EXISTS (SELECT 1 FROM finance.invoices i WHERE i.bl_number = c.bl_number "
      "AND i.status <> 'paid') OR "
      "NOT EXISTS (SELECT 1 FROM lines.delivery_orders d WHERE d.container_no = c.container_no "
      "AND d.valid_until >= substr((SELECT MAX(moved_at) FROM tos.moves m "
      "WHERE m.container_no = c.container_no), 1, 10)))",
      // releases come after lodging and after any hold was lifted
      "SELECT COUNT(*) FROM customs.releases r JOIN customs.declarations d "
      "ON d.declaration_id = r.declaration_id WHERE r.released_at <= d.lodged_at",
      "SELECT COUNT(*) FROM customs.releases r JOIN customs.holds h "
      "ON h.container_no = r.container_no WHERE r.released_at <= h.released_at",
  };
  for (const char* sql : orphan_queries) EXPECT_EQ(f.Count(sql), 0) << sql;
}

TEST_F(DemoTest, TerminalActivityLiesInTheWindow) {
  Federation f(*dir_);
  const std::pair<const char*, const char*> columns[] = {{"tos.moves", "moved_at"},
                                                         {"tos.voyages", "ata"},
                                                         {"tos.voyages", "atd"},
                                                         {"tos.yard_positions", "since"},
                                                         {"customs.declarations", "lodged_at"},
                                                         {"customs.holds", "placed_at"},
                                                         {"customs.holds", "released_at"},
                                                         {"customs.releases", "released_at"},
                                                         {"finance.invoices", "issued_on"},
                                                         {"finance.payments", "paid_at"},
                                                         {"lines.delivery_orders", "issued_at"}};
  for (const auto& [table, column] : columns) {
    const std::string c = column;
    EXPECT_EQ(f.Count("SELECT COUNT(*) FROM " + std::string(table) + " WHERE " + c +
                      " IS NOT NULL AND (" + c + " < '2026-01-01' OR " + c + " >= '" +
                      std::string(kDemoAsOf) + "')"),
              0)
        << table << "." << column;
  }
  // Vessels not yet in port are scheduled after "now".
  EXPECT_GT(f.Count("SELECT COUNT(*) FROM tos.voyages WHERE ata IS NULL AND eta > '2026-03-02'"),
            0);
  EXPECT_EQ(f.Count("SELECT COUNT(*) FROM tos.voyages WHERE ata IS NULL AND eta <= '2026-03-02'"),
            0);
}

TEST_F(DemoTest, PlantedProblemCountsMatchTheFiles) {
  const PlantedCounts& n = summary_->planted;
  EXPECT_GE(n.open_customs_holds, 1);
  EXPECT_GE(n.unpaid_invoices, 1);
  EXPECT_GE(n.bl_consignee_mismatches, 1);
  EXPECT_GE(n.tos_consignee_mismatches, 1);
  EXPECT_GE(n.missing_delivery_orders, 1);
  EXPECT_GE(n.expired_delivery_orders, 1);
  Federation f(*dir_);
  const int64_t import_boxes =
      f.Count("SELECT COUNT(*) FROM tos.containers WHERE direction = 'import'");
  const int64_t bls = f.Count("SELECT COUNT(DISTINCT bl_number) FROM lines.bills_of_lading");
  // The rates documented in demo.h, rounded.
  EXPECT_EQ(n.open_customs_holds, (import_boxes * 2 + 50) / 100);
  EXPECT_EQ(n.unpaid_invoices, (bls * 4 + 50) / 100);
  EXPECT_EQ(n.bl_consignee_mismatches, (bls * 3 + 50) / 100);
  EXPECT_EQ(n.tos_consignee_mismatches, (bls * 1 + 50) / 100);
  EXPECT_EQ(n.missing_delivery_orders, (import_boxes * 2 + 50) / 100);

  EXPECT_EQ(f.Count("SELECT COUNT(*) FROM customs.holds WHERE released_at IS NULL"),
            n.open_customs_holds);
  EXPECT_EQ(f.Count("SELECT COUNT(*) FROM finance.invoices WHERE status <> 'paid'"),
            n.unpaid_invoices);
  EXPECT_EQ(f.Count("SELECT COUNT(*) FROM finance.invoices WHERE status = 'overdue'"),
            n.overdue_invoices);
  EXPECT_EQ(f.Count("SELECT COUNT(DISTINCT b.bl_number) FROM lines.bills_of_lading b "
                    "JOIN finance.invoices i ON i.bl_number = b.bl_number "
                    "JOIN finance.customers c ON c.customer_id = i.customer_id "
                    "WHERE b.consignee_name <> c.name"),
            n.bl_consignee_mismatches);
  // The terminal disagrees with finance exactly on the TOS mismatches...
  EXPECT_EQ(f.Count("SELECT COUNT(DISTINCT c.bl_number) FROM tos.containers c "
                    "JOIN finance.invoices i ON i.bl_number = c.bl_number "
                    "JOIN finance.customers cu ON cu.customer_id = i.customer_id "
                    "WHERE c.consignee_name <> cu.name"),
            n.tos_consignee_mismatches);
  // ...and with the B/L on both kinds.
  EXPECT_EQ(f.Count("SELECT COUNT(DISTINCT b.bl_number) FROM lines.bills_of_lading b "
                    "JOIN tos.containers c ON c.container_no = b.container_no "
                    "WHERE b.consignee_name <> c.consignee_name"),
            n.tos_consignee_mismatches + n.bl_consignee_mismatches);
  EXPECT_EQ(f.Count("SELECT COUNT(*) FROM lines.bills_of_lading b WHERE NOT EXISTS "
                    "(SELECT 1 FROM lines.delivery_orders d WHERE d.container_no = "
                    "b.container_no)"),
            n.missing_delivery_orders);
  EXPECT_EQ(f.Count("SELECT COUNT(*) FROM lines.delivery_orders d JOIN tos.containers c "
                    "ON c.container_no = d.container_no "
                    "WHERE c.status = 'in_yard' AND d.valid_until < '2026-03-02'"),
            n.expired_delivery_orders);
  // The delivery order always names the consignee as the B/L does.
  EXPECT_EQ(f.Count("SELECT COUNT(*) FROM lines.delivery_orders d JOIN lines.bills_of_lading b "
                    "ON b.container_no = d.container_no WHERE b.consignee_name <> "
                    "d.consignee_name"),
            0);

  EXPECT_EQ(CountProblems(ProblemKind::kOpenCustomsHold), n.open_customs_holds);
  EXPECT_EQ(CountProblems(ProblemKind::kMissingDeliveryOrder), n.missing_delivery_orders);
  EXPECT_EQ(CountProblems(ProblemKind::kExpiredDeliveryOrder), n.expired_delivery_orders);
  EXPECT_EQ(CountProblems(ProblemKind::kUnpaidInvoice),
            f.Count("SELECT COUNT(*) FROM tos.containers c JOIN finance.invoices i "
                    "ON i.bl_number = c.bl_number WHERE i.status <> 'paid'"));

  // Every planted problem sits on an import container still in the yard.
  std::set<std::string> blocked;
  for (const auto& p : summary_->problems) {
    blocked.insert(p.container_no);
    EXPECT_EQ(
        f.Count("SELECT COUNT(*) FROM tos.containers WHERE container_no = '" + p.container_no +
                "' AND status = 'in_yard' AND bl_number = '" + p.bl_number + "'"),
        1)
        << ProblemKindName(p.kind) << " " << p.container_no;
  }
  EXPECT_EQ(summary_->import_containers_in_yard,
            f.Count("SELECT COUNT(*) FROM tos.containers WHERE direction = 'import' AND "
                    "status = 'in_yard'"));
  EXPECT_EQ(summary_->containers_ready_for_release,
            summary_->import_containers_in_yard - static_cast<int>(blocked.size()));
}

TEST_F(DemoTest, SummaryJsonCarriesCounts) {
  const std::string json = summary_->ToJson();
  EXPECT_THAT(json, HasSubstr("\"open_customs_holds\": " +
                              std::to_string(summary_->planted.open_customs_holds)));
  EXPECT_THAT(json, HasSubstr("\"kind\": \"missing_delivery_order\""));
  EXPECT_THAT(json, HasSubstr("\"tos.containers\": 3000"));
}

TEST_F(DemoTest, ShowcaseQueriesRunAcrossTheSources) {
  const auto& queries = ShowcaseQueries();
  ASSERT_GE(queries.size(), 3u);
  ASSERT_LE(queries.size(), 5u);
  Federation f(*dir_);
  for (const auto& q : queries) {
    EXPECT_FALSE(q.title.empty());
    int sources = 0;
    for (const char* schema : {"tos.", "customs.", "finance.", "lines."}) {
      sources += q.sql.find(schema) != std::string::npos;
    }
    EXPECT_GE(sources, 2) << "not a cross-source query: " << q.title;
    const auto rows = f.Query(q.sql);
    EXPECT_FALSE(rows.empty()) << q.title;
  }
  // Hold + unpaid overlap was planted on purpose.
  EXPECT_GE(f.Query(queries[0].sql).size(), 1u);
  // Name mismatches: one row per container on a mismatching B/L.
  EXPECT_EQ(static_cast<int>(f.Query(queries[1].sql).size()),
            CountProblems(ProblemKind::kBlConsigneeMismatch) +
                CountProblems(ProblemKind::kTosConsigneeMismatch));
  // Release readiness: one row per import container in the yard; 'ready' ignores names.
  const auto readiness = f.Query(queries[2].sql);
  EXPECT_EQ(static_cast<int>(readiness.size()), summary_->import_containers_in_yard);
  std::set<std::string> blocked;
  for (const auto& p : summary_->problems) {
    if (p.kind != ProblemKind::kBlConsigneeMismatch &&
        p.kind != ProblemKind::kTosConsigneeMismatch) {
      blocked.insert(p.container_no);
    }
  }
  std::map<std::string, int> states;
  for (const auto& row : readiness) ++states[row.back()];
  EXPECT_EQ(states["ready"],
            summary_->import_containers_in_yard - static_cast<int>(blocked.size()));
  EXPECT_GT(states["missing delivery order"], 0);
  EXPECT_EQ(states["no customs release"], 0);
  EXPECT_EQ(static_cast<int>(f.Query(queries[3].sql).size()), summary_->planted.overdue_invoices);
}

TEST_F(DemoTest, EveryGlossaryTermNamesTablesAndColumnsOfThePort) {
  const auto& glossary = PortGlossary();
  ASSERT_GE(glossary.size(), 20u);
  Federation f(*dir_);
  std::set<std::string> terms;
  for (const auto& entry : glossary) {
    EXPECT_TRUE(terms.insert(entry.term).second) << "stated twice: " << entry.term;
    EXPECT_FALSE(entry.definition.empty()) << entry.term;
    EXPECT_FALSE(entry.synonyms.empty()) << entry.term;
    ASSERT_FALSE(entry.see.empty()) << entry.term;
    for (const auto& ref : entry.see) {
      size_t first = ref.find('.');
      size_t second = ref.find('.', first + 1);
      ASSERT_NE(first, std::string::npos) << ref;
      std::string table = ref.substr(0, second);
      std::string column = second == std::string::npos ? "*" : ref.substr(second + 1);
      // Fails the test on an SQL error: an unknown table or column.
      f.Query("SELECT " + column + " FROM " + table + " LIMIT 1");
    }
  }
}

TEST(DemoDeterminismTest, SameSeedSameBytesOtherSeedOtherBytes) {
  const fs::path a = TempDir("det_a"), b = TempDir("det_b"), c = TempDir("det_c");
  DemoOptions options;
  options.containers = 600;
  options.dir = a;
  ASSERT_TRUE(GenerateDemo(options).ok());
  options.dir = b;
  auto second = GenerateDemo(options);
  ASSERT_TRUE(second.ok());
  options.dir = c;
  options.seed = 6347;
  ASSERT_TRUE(GenerateDemo(options).ok());
  for (const std::string& file : second->files) {
    const std::string bytes = ReadFile(a / file);
    EXPECT_FALSE(bytes.empty()) << file;
    EXPECT_EQ(bytes, ReadFile(b / file)) << file;
    // The workflow definition is the same port's procedure whatever the seed.
    if (file == kReleaseWorkflowFile) continue;
    EXPECT_NE(bytes, ReadFile(c / file)) << file;
  }
  fs::remove_all(a.parent_path());
}

TEST(DemoOverwriteTest, RefusesAnExistingDemoUnlessForced) {
  const fs::path dir = TempDir("overwrite");
  DemoOptions options;
  options.dir = dir;
  options.containers = 100;
  ASSERT_TRUE(GenerateDemo(options).ok());
  const std::string before = ReadFile(dir / "tos.sqlite");

  auto again = GenerateDemo(options);
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_THAT(again.status().message(), HasSubstr((dir / "cairn.yaml").string()));

  options.force = true;
  auto forced = GenerateDemo(options);
  ASSERT_TRUE(forced.ok()) << forced.status().ToString();
  EXPECT_EQ(ReadFile(dir / "tos.sqlite"), before);
  for (const auto& entry : fs::recursive_directory_iterator(dir)) {
    EXPECT_NE(entry.path().extension(), ".tmp") << entry.path();
  }
  fs::remove_all(dir.parent_path());
}

TEST(DemoOverwriteTest, RefusesAStrayOutputFileToo) {
  const fs::path dir = TempDir("stray");
  fs::create_directories(dir);
  std::ofstream(dir / "finance.sqlite") << "not mine";
  DemoOptions options;
  options.dir = dir;
  auto result = GenerateDemo(options);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_THAT(result.status().message(), HasSubstr("finance.sqlite"));
  EXPECT_EQ(ReadFile(dir / "finance.sqlite"), "not mine");
  fs::remove_all(dir.parent_path());
}

TEST(DemoOverwriteTest, RefusesAFileWhereTheDirectoryShouldBe) {
  const fs::path dir = TempDir("file");
  fs::create_directories(dir.parent_path());
  std::ofstream(dir) << "x";
  DemoOptions options;
  options.dir = dir;
  options.force = true;
  auto result = GenerateDemo(options);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_THAT(result.status().message(), HasSubstr("not a directory"));
  fs::remove_all(dir.parent_path());
}

TEST(DemoOptionsTest, RejectsBadArguments) {
  DemoOptions options;
  options.dir = TempDir("bad");
  options.containers = 10;
  auto result = GenerateDemo(options);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.status().code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(result.status().message(), HasSubstr("containers"));
  options.dir.clear();
  options.containers = 100;
  EXPECT_EQ(GenerateDemo(options).status().code(), StatusCode::kInvalidArgument);
}

TEST(DemoScaleTest, SmallDemoStillPlantsEveryProblem) {
  const fs::path dir = TempDir("small");
  DemoOptions options;
  options.dir = dir;
  options.containers = 50;
  auto result = GenerateDemo(options);
  ASSERT_TRUE(result.ok()) << result.status().ToString();
  EXPECT_EQ(result->table_rows.at("tos.containers"), 50);
  EXPECT_GE(result->planted.open_customs_holds, 1);
  EXPECT_GE(result->planted.missing_delivery_orders, 1);
  fs::remove_all(dir.parent_path());
}

}  // namespace
}  // namespace cairn::demo
