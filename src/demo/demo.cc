#include "demo/demo.h"

#include <fmt/format.h>

#include <algorithm>
#include <nlohmann/json.hpp>
#include <system_error>

#include "demo/internal/csv_writer.h"
#include "demo/internal/port_model.h"
#include "demo/internal/sqlite_writer.h"

namespace cairn::demo {
namespace {

namespace fs = std::filesystem;

constexpr int kMinContainers = 50;
constexpr int kMaxContainers = 50000;

// Every file the demo writes, relative to the directory; cairn.yaml first because it is the
// one whose presence means "a demo lives here".
const std::vector<std::string>& OutputFiles() {
  static const std::vector<std::string> kFiles = {
      "cairn.yaml",
      "policy.yaml",
      "tos.sqlite",
      "finance.sqlite",
      "customs/declarations.csv",
      "customs/holds.csv",
      "customs/releases.csv",
      "lines/bookings.csv",
      "lines/bills_of_lading.csv",
      "lines/delivery_orders.csv",
      "workflows/container_release.yaml",
  };
  return kFiles;
}

SqlValue Instant(int64_t t) { return SqlValue::TextOrNull(FormatInstant(t)); }
SqlValue Day(int64_t t) { return SqlValue::TextOrNull(FormatDate(t)); }
SqlValue Money(int64_t cents) { return SqlValue(static_cast<double>(cents) / 100.0); }

Status WriteTos(const PortModel& m, const fs::path& path, DemoSummary* summary) {
  ASSIGN_OR_RETURN(auto db, SqliteWriter::Create(path));
  RETURN_IF_ERROR(db->Exec(R"sql(
CREATE TABLE line_operators (
  code TEXT PRIMARY KEY,
  name TEXT NOT NULL
);
CREATE TABLE vessels (
  imo INTEGER PRIMARY KEY,             -- IMO number, 7 digits with check digit
  name TEXT NOT NULL,
  flag TEXT NOT NULL,                  -- ISO 3166 alpha-2
  operator_line TEXT NOT NULL REFERENCES line_operators(code),
  teu_capacity INTEGER NOT NULL,
  built_year INTEGER NOT NULL
);
CREATE TABLE voyages (
  voyage_id INTEGER PRIMARY KEY,
  vessel_imo INTEGER NOT NULL REFERENCES vessels(imo),
  voyage_no TEXT NOT NULL UNIQUE,
  eta TEXT NOT NULL,
  ata TEXT,                            -- NULL: not arrived yet
  etd TEXT NOT NULL,
  atd TEXT,                            -- NULL: not departed yet
  berth TEXT NOT NULL
);
CREATE TABLE containers (
  container_no TEXT PRIMARY KEY,       -- ISO 6346
  iso_type TEXT NOT NULL,              -- ISO size/type code, e.g. 22G1, 45R1
  gross_weight_kg INTEGER NOT NULL,
  direction TEXT NOT NULL,             -- import | export
  status TEXT NOT NULL,                -- in_yard | gated_out | loaded
  voyage_id INTEGER NOT NULL REFERENCES voyages(voyage_id),  -- discharged from / loaded onto
  line_code TEXT NOT NULL REFERENCES line_operators(code),
  bl_number TEXT,                      -- imports
  booking_no TEXT,                     -- exports
  consignee_name TEXT                  -- imports, as the terminal knows it
);
CREATE TABLE moves (
  move_id INTEGER PRIMARY KEY,
  container_no TEXT NOT NULL REFERENCES containers(container_no),
  move_type TEXT NOT NULL,             -- discharge | load | gate_in | gate_out | yard_shift
  moved_at TEXT NOT NULL,
  equipment TEXT NOT NULL,
  from_location TEXT NOT NULL,
  to_location TEXT NOT NULL,
  voyage_id INTEGER REFERENCES voyages(voyage_id)
);
CREATE TABLE yard_positions (
  container_no TEXT PRIMARY KEY REFERENCES containers(container_no),
  block TEXT NOT NULL,
  bay INTEGER NOT NULL,
  row INTEGER NOT NULL,
  tier INTEGER NOT NULL,
  since TEXT NOT NULL,
  UNIQUE (block, bay, row, tier)
);
)sql"));
  {
    ASSIGN_OR_RETURN(auto ins, db->PrepareInsert("line_operators", 2));
    for (const auto& l : m.lines) RETURN_IF_ERROR(ins->Row({l.code, l.name}));
    summary->table_rows["tos.line_operators"] = ins->rows();
  }
  {
    ASSIGN_OR_RETURN(auto ins, db->PrepareInsert("vessels", 6));
    for (const auto& v : m.vessels) {
      RETURN_IF_ERROR(ins->Row({v.imo, v.name, v.flag, m.lines[v.line].code, v.teu, v.built}));
    }
    summary->table_rows["tos.vessels"] = ins->rows();
  }
  {
    ASSIGN_OR_RETURN(auto ins, db->PrepareInsert("voyages", 8));
    for (const auto& v : m.voyages) {
      RETURN_IF_ERROR(ins->Row({v.id, m.vessels[v.vessel].imo, v.voyage_no, Instant(v.eta),
                                Instant(v.ata), Instant(v.etd), Instant(v.atd), v.berth}));
    }
    summary->table_rows["tos.voyages"] = ins->rows();
  }
  {
    ASSIGN_OR_RETURN(auto ins, db->PrepareInsert("containers", 10));
    for (const auto& c : m.containers) {
      const bool import = c.direction == Direction::kImport;
      RETURN_IF_ERROR(
          ins->Row({c.number, c.iso_type, c.gross_weight_kg, import ? "import" : "export", c.status,
                    m.voyages[c.voyage].id, m.lines[c.line].code,
                    import ? SqlValue(m.bills[c.bl].bl_number) : SqlValue(nullptr),
                    import ? SqlValue(nullptr) : SqlValue(m.bookings[c.booking].booking_no),
                    SqlValue::TextOrNull(c.tos_consignee)}));
    }
    summary->table_rows["tos.containers"] = ins->rows();
  }
  {
    ASSIGN_OR_RETURN(auto ins, db->PrepareInsert("moves", 8));
    for (const auto& mv : m.moves) {
      RETURN_IF_ERROR(ins->Row({mv.id, m.containers[mv.container].number, mv.type, Instant(mv.at),
                                mv.equipment, mv.from, mv.to,
                                mv.voyage_id == 0 ? SqlValue(nullptr) : SqlValue(mv.voyage_id)}));
    }
    summary->table_rows["tos.moves"] = ins->rows();
  }
  {
    ASSIGN_OR_RETURN(auto ins, db->PrepareInsert("yard_positions", 6));
    for (const auto& p : m.yard) {
      RETURN_IF_ERROR(ins->Row(
          {m.containers[p.container].number, p.block, p.bay, p.row, p.tier, Instant(p.since)}));
    }
    summary->table_rows["tos.yard_positions"] = ins->rows();
  }
  RETURN_IF_ERROR(
      db->Exec("CREATE INDEX containers_bl ON containers(bl_number);"
               "CREATE INDEX containers_voyage ON containers(voyage_id);"
               "CREATE INDEX moves_container ON moves(container_no, moved_at);"
               "CREATE INDEX voyages_vessel ON voyages(vessel_imo);"));
  return db->Commit();
}

Status WriteFinance(const PortModel& m, const fs::path& path, DemoSummary* summary) {
  ASSIGN_OR_RETURN(auto db, SqliteWriter::Create(path));
  RETURN_IF_ERROR(db->Exec(R"sql(
CREATE TABLE customers (
  customer_id INTEGER PRIMARY KEY,
  name TEXT NOT NULL,
  country TEXT NOT NULL,               -- ISO 3166 alpha-2
  vat_number TEXT NOT NULL,
  email TEXT NOT NULL,
  currency TEXT NOT NULL,
  payment_terms_days INTEGER NOT NULL,
  iban TEXT NOT NULL                   -- refunds and SEPA direct debits
);
CREATE TABLE invoices (
  invoice_id TEXT PRIMARY KEY,
  customer_id INTEGER NOT NULL REFERENCES customers(customer_id),
  bl_number TEXT,                      -- handling invoices: the bill of lading billed
  container_no TEXT,                   -- per-container invoices (reefer power, export handling)
  description TEXT NOT NULL,
  amount REAL NOT NULL,
  currency TEXT NOT NULL,
  issued_on TEXT NOT NULL,
  due_on TEXT NOT NULL,
  status TEXT NOT NULL                 -- paid | open | overdue
);
CREATE TABLE payments (
  payment_id INTEGER PRIMARY KEY,
  invoice_id TEXT NOT NULL REFERENCES invoices(invoice_id),
  amount REAL NOT NULL,
  paid_at TEXT NOT NULL,
  method TEXT NOT NULL
);
CREATE TABLE credit_limits (
  customer_id INTEGER NOT NULL REFERENCES customers(customer_id),
  credit_limit REAL NOT NULL,
  currency TEXT NOT NULL,
  valid_from TEXT NOT NULL,
  PRIMARY KEY (customer_id, valid_from)
);
)sql"));
  {
    ASSIGN_OR_RETURN(auto ins, db->PrepareInsert("customers", 8));
    for (const auto& c : m.customers) {
      RETURN_IF_ERROR(ins->Row({c.id, c.name, c.country, c.vat_number, c.email, c.currency,
                                c.payment_terms_days, c.iban}));
    }
    summary->table_rows["finance.customers"] = ins->rows();
  }
  {
    std::vector<const Invoice*> sorted;
    for (const auto& inv : m.invoices) sorted.push_back(&inv);
    std::sort(sorted.begin(), sorted.end(),
              [](const Invoice* a, const Invoice* b) { return a->id < b->id; });
    ASSIGN_OR_RETURN(auto ins, db->PrepareInsert("invoices", 10));
    for (const Invoice* inv : sorted) {
      RETURN_IF_ERROR(ins->Row(
          {inv->id, m.customers[inv->customer].id, SqlValue::TextOrNull(inv->bl_number),
           SqlValue::TextOrNull(inv->container_no), inv->description, Money(inv->amount_cents),
           inv->currency, Day(inv->issued_on), Day(inv->due_on), inv->status}));
    }
    summary->table_rows["finance.invoices"] = ins->rows();
  }
  {
    ASSIGN_OR_RETURN(auto ins, db->PrepareInsert("payments", 5));
    for (const auto& p : m.payments) {
      RETURN_IF_ERROR(ins->Row(
          {p.id, m.invoices[p.invoice].id, Money(p.amount_cents), Instant(p.paid_at), p.method}));
    }
    summary->table_rows["finance.payments"] = ins->rows();
  }
  {
    ASSIGN_OR_RETURN(auto ins, db->PrepareInsert("credit_limits", 4));
    for (const auto& l : m.credit_limits) {
      RETURN_IF_ERROR(ins->Row(
          {m.customers[l.customer].id, Money(l.limit_cents), l.currency, Day(l.valid_from)}));
    }
    summary->table_rows["finance.credit_limits"] = ins->rows();
  }
  RETURN_IF_ERROR(
      db->Exec("CREATE INDEX invoices_customer ON invoices(customer_id);"
               "CREATE INDEX invoices_bl ON invoices(bl_number);"
               "CREATE INDEX invoices_container ON invoices(container_no);"
               "CREATE INDEX payments_invoice ON payments(invoice_id);"));
  return db->Commit();
}

Status WriteCsv(const fs::path& dir, std::string_view file, const CsvWriter& csv,
                std::string_view table, DemoSummary* summary) {
  RETURN_IF_ERROR(WriteFileAtomically(dir / file, csv.text()));
  summary->table_rows[std::string(table)] = static_cast<int64_t>(csv.rows());
  return OkStatus();
}

Status WriteCustoms(const PortModel& m, const fs::path& dir, DemoSummary* summary) {
  const auto& goods = GoodsCatalogue();
  CsvWriter declarations({"declaration_id", "container_no", "declarant", "hs_code",
                          "goods_description", "declared_value", "currency", "status",
                          "lodged_at"});
  for (const auto& d : m.declarations) {
    const Container& c = m.containers[d.container];
    declarations.Row({d.id, c.number, d.declarant, goods[c.goods].hs_code,
                      goods[c.goods].description, FormatCents(c.declared_value_cents),
                      c.value_currency, d.status, FormatInstant(d.lodged_at)});
  }
  CsvWriter holds({"hold_id", "container_no", "reason", "authority", "placed_at", "released_at"});
  for (const auto& h : m.holds) {
    holds.Row({h.id, m.containers[h.container].number, h.reason, h.authority,
               FormatInstant(h.placed_at), FormatInstant(h.released_at)});
  }
  CsvWriter releases({"release_id", "container_no", "declaration_id", "released_at"});
  for (const auto& r : m.releases) {
    releases.Row({r.id, m.containers[r.container].number, m.declarations[r.declaration].id,
                  FormatInstant(r.released_at)});
  }
  RETURN_IF_ERROR(WriteCsv(dir, "declarations.csv", declarations, "customs.declarations", summary));
  RETURN_IF_ERROR(WriteCsv(dir, "holds.csv", holds, "customs.holds", summary));
  return WriteCsv(dir, "releases.csv", releases, "customs.releases", summary);
}

Status WriteLines(const PortModel& m, const fs::path& dir, DemoSummary* summary) {
  CsvWriter bookings({"booking_no", "line_code", "shipper_name", "port_of_loading",
                      "port_of_discharge", "vessel_name", "voyage_no", "containers", "booked_at"});
  for (const auto& b : m.bookings) {
    const Voyage& v = m.voyages[b.voyage];
    bookings.Row({b.booking_no, m.lines[b.line].code, b.shipper, b.port_of_loading,
                  b.port_of_discharge, m.vessels[v.vessel].name, v.voyage_no,
                  fmt::format("{}", b.containers), FormatInstant(b.booked_at)});
  }
  CsvWriter bills({"bl_number", "booking_no", "line_code", "shipper_name", "consignee_name",
                   "notify_party", "container_no", "issued_at"});
  CsvWriter orders(
      {"do_number", "bl_number", "container_no", "consignee_name", "issued_at", "valid_until"});
  for (const auto& bl : m.bills) {
    for (size_t ci : bl.containers) {
      const Container& c = m.containers[ci];
      bills.Row({bl.bl_number, m.bookings[bl.booking].booking_no, m.lines[bl.line].code, bl.shipper,
                 bl.consignee_name, bl.notify_party, c.number, FormatInstant(bl.issued_at)});
      if (!c.missing_do) {
        orders.Row({bl.do_number, bl.bl_number, c.number, bl.consignee_name,
                    FormatInstant(bl.do_issued_at), FormatDate(bl.do_valid_until)});
      }
    }
  }
  RETURN_IF_ERROR(WriteCsv(dir, "bookings.csv", bookings, "lines.bookings", summary));
  RETURN_IF_ERROR(WriteCsv(dir, "bills_of_lading.csv", bills, "lines.bills_of_lading", summary));
  return WriteCsv(dir, "delivery_orders.csv", orders, "lines.delivery_orders", summary);
}

std::string ConfigText(uint64_t seed) {
  return fmt::format(R"yaml(# Cairn demo: Cairnhaven Container Terminal, generated with seed {}.
# Four systems of one small container port; paths are relative to this file.
# Data describes the port as of {}.
version: 1
sources:
  # Terminal operating system: line_operators, vessels, voyages, containers, moves,
  # yard_positions.
  tos:
    kind: sqlite
    path: tos.sqlite
  # Customs export, one CSV file per table: declarations, holds, releases.
  customs:
    kind: csv
    path: customs
  # Finance ledger: customers, invoices, payments, credit_limits.
  finance:
    kind: sqlite
    path: finance.sqlite
  # Shipping-line documents, one CSV file per table: bookings, bills_of_lading,
  # delivery_orders.
  lines:
    kind: csv
    path: lines
  # The shipping line's delivery-order API: start `cairn demo serve-api` in this directory,
  # then delete the '#' in front of the next nine lines to query it as api.delivery_orders.
  #api:
  #  kind: http
  #  url: http://127.0.0.1:8471
  #  tables:
  #    delivery_orders:
  #      path: /v1/delivery-orders
  #      rows_at: data
  #      paginate: {{style: page, size_param: per_page, size: 500}}
  #      filters: {{container_no: container_no}}
)yaml",
                     seed, kDemoAsOf);
}

Status CheckOutputs(const DemoOptions& options) {
  std::error_code ec;
  if (fs::exists(options.dir, ec) && !fs::is_directory(options.dir, ec)) {
    return FailedPreconditionError("{} exists and is not a directory", options.dir.string());
  }
  if (options.force) return OkStatus();
  for (const std::string& file : OutputFiles()) {
    const fs::path path = options.dir / file;
    if (fs::exists(path, ec)) {
      return FailedPreconditionError("{} already exists; set force to overwrite the demo",
                                     path.string());
    }
  }
  return OkStatus();
}

Status MakeDir(const fs::path& dir) {
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) return UnavailableError("cannot create directory {}: {}", dir.string(), ec.message());
  return OkStatus();
}

}  // namespace

std::string_view ProblemKindName(ProblemKind kind) {
  switch (kind) {
    case ProblemKind::kOpenCustomsHold:
      return "open_customs_hold";
    case ProblemKind::kUnpaidInvoice:
      return "unpaid_invoice";
    case ProblemKind::kBlConsigneeMismatch:
      return "bl_consignee_mismatch";
    case ProblemKind::kTosConsigneeMismatch:
      return "tos_consignee_mismatch";
    case ProblemKind::kMissingDeliveryOrder:
      return "missing_delivery_order";
    case ProblemKind::kExpiredDeliveryOrder:
      return "expired_delivery_order";
  }
  return "unknown";
}

std::string DemoSummary::ToJson() const {
  nlohmann::ordered_json j;
  j["dir"] = dir.string();
  j["seed"] = seed;
  j["as_of"] = as_of;
  j["files"] = files;
  j["table_rows"] = table_rows;
  j["planted"] = {
      {"open_customs_holds", planted.open_customs_holds},
      {"unpaid_invoices", planted.unpaid_invoices},
      {"overdue_invoices", planted.overdue_invoices},
      {"bl_consignee_mismatches", planted.bl_consignee_mismatches},
      {"tos_consignee_mismatches", planted.tos_consignee_mismatches},
      {"missing_delivery_orders", planted.missing_delivery_orders},
      {"expired_delivery_orders", planted.expired_delivery_orders},
  };
  j["import_containers_in_yard"] = import_containers_in_yard;
  j["containers_ready_for_release"] = containers_ready_for_release;
  nlohmann::ordered_json problems_json = nlohmann::ordered_json::array();
  for (const auto& p : problems) {
    problems_json.push_back({{"kind", ProblemKindName(p.kind)},
                             {"container_no", p.container_no},
                             {"bl_number", p.bl_number},
                             {"detail", p.detail}});
  }
  j["problems"] = std::move(problems_json);
  return j.dump(2);
}

Result<DemoSummary> GenerateDemo(const DemoOptions& options) {
  if (options.dir.empty()) return InvalidArgumentError("demo directory is empty");
  if (options.containers < kMinContainers || options.containers > kMaxContainers) {
    return InvalidArgumentError("containers must be in [{}, {}], got {}", kMinContainers,
                                kMaxContainers, options.containers);
  }
  RETURN_IF_ERROR(CheckOutputs(options));
  RETURN_IF_ERROR(MakeDir(options.dir / "customs"));
  RETURN_IF_ERROR(MakeDir(options.dir / "lines"));
  RETURN_IF_ERROR(MakeDir(options.dir / "workflows"));

  const PortModel model = GeneratePortModel(options.seed, options.containers);
  DemoSummary summary;
  summary.dir = options.dir;
  summary.seed = options.seed;
  summary.as_of = std::string(kDemoAsOf);
  RETURN_IF_ERROR(WriteTos(model, options.dir / "tos.sqlite", &summary));
  RETURN_IF_ERROR(WriteFinance(model, options.dir / "finance.sqlite", &summary));
  RETURN_IF_ERROR(WriteCustoms(model, options.dir / "customs", &summary));
  RETURN_IF_ERROR(WriteLines(model, options.dir / "lines", &summary));
  RETURN_IF_ERROR(WriteFileAtomically(options.dir / "policy.yaml", PolicyText(options.seed)));
  RETURN_IF_ERROR(
      WriteFileAtomically(options.dir / std::string(kReleaseWorkflowFile), ReleaseWorkflowText()));
  RETURN_IF_ERROR(WriteFileAtomically(options.dir / "cairn.yaml", ConfigText(options.seed)));
  for (size_t i = 1; i < OutputFiles().size(); ++i) summary.files.push_back(OutputFiles()[i]);
  summary.files.push_back(OutputFiles()[0]);
  summary.planted = model.planted;
  summary.problems = model.problems;
  summary.import_containers_in_yard = model.import_containers_in_yard;
  summary.containers_ready_for_release = model.containers_ready_for_release;
  return summary;
}

const std::vector<ShowcaseQuery>& ShowcaseQueries() {
  static const std::vector<ShowcaseQuery> kQueries = [] {
    const std::string as_of_date(kDemoAsOf.substr(0, 10));
    return std::vector<ShowcaseQuery>{
        {"Containers in the yard with an open customs hold and an unpaid invoice "
         "(tos x customs x finance)",
         R"sql(SELECT c.container_no, c.bl_number, h.authority, h.reason, h.placed_at,
       i.invoice_id, i.status AS invoice_status, i.amount, i.currency, cu.name AS customer
FROM tos.containers AS c
JOIN customs.holds AS h
  ON h.container_no = c.container_no AND COALESCE(h.released_at, '') = ''
JOIN finance.invoices AS i ON i.bl_number = c.bl_number AND i.status <> 'paid'
JOIN finance.customers AS cu ON cu.customer_id = i.customer_id
WHERE c.status = 'in_yard'
ORDER BY h.placed_at, c.container_no)sql"},
        {"Consignee names that disagree between the bill of lading, the finance customer and "
         "the terminal (lines x finance x tos)",
         R"sql(SELECT b.bl_number, b.container_no, b.consignee_name AS bl_consignee,
       cu.name AS finance_customer, c.consignee_name AS tos_consignee
FROM lines.bills_of_lading AS b
JOIN tos.containers AS c ON c.container_no = b.container_no
JOIN finance.invoices AS i ON i.bl_number = b.bl_number
JOIN finance.customers AS cu ON cu.customer_id = i.customer_id
WHERE b.consignee_name <> cu.name OR c.consignee_name <> b.consignee_name
ORDER BY b.bl_number, b.container_no)sql"},
        {"Release readiness of import containers in the yard: first blocking reason, or ready "
         "(tos x customs x finance x lines)",
         fmt::format(R"sql(SELECT c.container_no, c.bl_number, c.consignee_name,
       CASE
         WHEN EXISTS (SELECT 1 FROM customs.holds AS h
                      WHERE h.container_no = c.container_no
                        AND COALESCE(h.released_at, '') = '') THEN 'customs hold'
         WHEN NOT EXISTS (SELECT 1 FROM customs.releases AS r
                          WHERE r.container_no = c.container_no) THEN 'no customs release'
         WHEN EXISTS (SELECT 1 FROM finance.invoices AS i
                      WHERE (i.bl_number = c.bl_number OR i.container_no = c.container_no)
                        AND i.status <> 'paid') THEN 'unpaid invoice'
         WHEN d.do_number IS NULL THEN 'missing delivery order'
         WHEN d.valid_until < '{}' THEN 'delivery order expired'
         ELSE 'ready'
       END AS release_state
FROM tos.containers AS c
LEFT JOIN lines.delivery_orders AS d ON d.container_no = c.container_no
WHERE c.direction = 'import' AND c.status = 'in_yard'
ORDER BY release_state, c.container_no)sql",
                     as_of_date)},
        {"Overdue handling invoices with the containers they keep in the yard (finance x tos)",
         R"sql(SELECT cu.name AS customer, cu.country, i.invoice_id, i.bl_number, i.due_on,
       i.currency,
       ROUND(i.amount - COALESCE((SELECT SUM(p.amount) FROM finance.payments AS p
                                  WHERE p.invoice_id = i.invoice_id), 0), 2) AS outstanding,
       (SELECT COUNT(*) FROM tos.containers AS c
        WHERE c.bl_number = i.bl_number AND c.status = 'in_yard') AS containers_in_yard
FROM finance.invoices AS i
JOIN finance.customers AS cu ON cu.customer_id = i.customer_id
WHERE i.status = 'overdue'
ORDER BY outstanding DESC, i.invoice_id)sql"},
        {"Open holds by authority and vessel call (customs x tos)",
         R"sql(SELECT h.authority, v.name AS vessel, vo.voyage_no, COUNT(*) AS open_holds,
       MIN(h.placed_at) AS oldest_hold
FROM customs.holds AS h
JOIN tos.containers AS c ON c.container_no = h.container_no
JOIN tos.voyages AS vo ON vo.voyage_id = c.voyage_id
JOIN tos.vessels AS v ON v.imo = vo.vessel_imo
WHERE COALESCE(h.released_at, '') = ''
GROUP BY h.authority, v.name, vo.voyage_no
ORDER BY open_holds DESC, oldest_hold, vo.voyage_no)sql"},
    };
  }();
  return kQueries;
}

}  // namespace cairn::demo
