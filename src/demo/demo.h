#pragma once

// The demo enterprise: a small container terminal whose data is spread over four systems,
// generated deterministically from a seed into a directory that Cairn can open directly.
//
//   <dir>/cairn.yaml        declares the four sources below
//   <dir>/policy.yaml       who may see what: five roles, grants, row filters, masks, labels,
//                           sinks (PolicyText())
//   <dir>/tos.sqlite        terminal operating system: line_operators, vessels, voyages,
//                           containers, moves, yard_positions
//   <dir>/customs/          declarations.csv, holds.csv, releases.csv
//   <dir>/finance.sqlite    customers, invoices, payments, credit_limits
//   <dir>/lines/            bookings.csv, bills_of_lading.csv, delivery_orders.csv
//
// Guarantees:
//   * Same seed and container count -> byte-identical files (own PRNG and distributions; no
//     wall clock). The SQLite files are identical for the same SQLite library version, whose
//     number the file header records.
//   * Terminal activity (arrivals, moves, customs events, invoices, payments) lies in the 60
//     days before kDemoAsOf; upstream documents (bookings, B/Ls, credit limits) start earlier
//     and scheduled arrivals of vessels not yet in port lie after it.
//   * Every container number is a valid ISO 6346 number, every vessel a valid IMO number.
//   * Referential integrity holds across sources, except for the planted problems, which are
//     listed one by one in DemoSummary::problems and counted in DemoSummary::planted. Planted
//     problems affect only import containers still in the yard; every gated-out container
//     was released cleanly.
//   * Files are written through temporary names and renamed into place; cairn.yaml is written
//     last, so a directory without it holds no complete demo.
//   * CSV files are RFC 4180, UTF-8, header row, '\n' line endings; some names contain commas,
//     quotes or non-ASCII letters on purpose. Dates are ISO 8601 text: "2026-01-14" for days,
//     "2026-01-14T08:30:00Z" for instants. An empty CSV field means "no value".
//
// Thread-safety: GenerateDemo may run concurrently for different directories.

#include <cstdint>
#include <filesystem>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"

namespace cairn::demo {

// The instant the demo data describes ("now" for the terminal): invoices due before it and not
// paid are overdue; delivery orders valid until before it are expired.
inline constexpr std::string_view kDemoAsOf = "2026-03-02T00:00:00Z";

struct DemoOptions {
  std::filesystem::path dir;  // created if missing
  uint64_t seed = 6346;
  int containers = 3000;  // total containers; must be in [50, 50000]
  // Overwrite an existing demo (or any of the files the demo writes) in `dir`.
  bool force = false;
};

// Kinds of problems planted for the container-release workflow to catch.
enum class ProblemKind {
  kOpenCustomsHold,       // customs.holds row with empty released_at; no customs release
  kUnpaidInvoice,         // finance.invoices status 'open' (not yet due) or 'overdue'
  kBlConsigneeMismatch,   // lines B/L consignee name differs from the finance customer's name
  kTosConsigneeMismatch,  // tos.containers consignee name differs from the B/L's (B/L matches
                          // finance)
  kMissingDeliveryOrder,  // no lines.delivery_orders row for the container
  kExpiredDeliveryOrder,  // delivery order valid_until is before kDemoAsOf
};

// "open_customs_hold", "unpaid_invoice", ... (snake_case, stable; used in JSON and tests).
std::string_view ProblemKindName(ProblemKind kind);

// One planted problem, as ground truth for evaluations.
struct PlantedProblem {
  ProblemKind kind;
  std::string container_no;  // one entry per affected container
  std::string bl_number;
  // The offending record: hold id, invoice id, the two differing names ("a" vs "b"), or the
  // delivery order number; empty for a missing delivery order.
  std::string detail;
};

// Counts of planted problems. B/L-level kinds count bills of lading; container-level kinds
// count containers. Rates (of import B/Ls or import containers) are fixed: open holds 2% of
// containers, unpaid invoices 4% of B/Ls, B/L consignee mismatches 3% of B/Ls, TOS consignee
// mismatches 1% of B/Ls, missing delivery orders 2% of containers, expired delivery orders
// 1% of B/Ls (counted in containers); each rounded, and at least 1 at every supported size.
// Kinds may meet on one container (a quarter of the open holds are placed on containers whose
// handling invoice is unpaid, so the tos x customs x finance query has rows), except that B/L
// and TOS mismatches never share a B/L and a container never has both a missing and an
// expired delivery order.
struct PlantedCounts {
  int open_customs_holds = 0;        // containers (one open hold each)
  int unpaid_invoices = 0;           // invoices (B/L handling invoices), of which:
  int overdue_invoices = 0;          //   due before kDemoAsOf
  int bl_consignee_mismatches = 0;   // B/Ls
  int tos_consignee_mismatches = 0;  // B/Ls
  int missing_delivery_orders = 0;   // containers
  int expired_delivery_orders = 0;   // containers
};

struct DemoSummary {
  std::filesystem::path dir;
  uint64_t seed = 0;
  std::string as_of;  // kDemoAsOf
  // Rows per table, keyed "source.table", e.g. "tos.containers", "customs.holds".
  std::map<std::string, int64_t> table_rows;
  // Files written, relative to dir, in writing order (cairn.yaml last).
  std::vector<std::string> files;
  PlantedCounts planted;
  std::vector<PlantedProblem> problems;
  int import_containers_in_yard = 0;
  // Import containers in the yard with none of the planted problems: customs released,
  // handling invoice paid, valid delivery order, consistent consignee names.
  int containers_ready_for_release = 0;

  // The summary as a JSON object (counts, files and problems), pretty-printed.
  std::string ToJson() const;
};

// Generates the demo into options.dir.
// Errors: InvalidArgument for a bad container count or empty dir; FailedPrecondition naming
// the file when dir already holds cairn.yaml or another demo output file and !options.force;
// Unavailable when a file cannot be written; Internal on an SQLite failure.
Result<DemoSummary> GenerateDemo(const DemoOptions& options);

// Cross-source queries that show the federation, written against the sources as cairn.yaml
// names them (tos.*, customs.*, finance.*, lines.*). CSV columns are expected to come back
// typed by inference; empty CSV fields may arrive as NULL or '' and the queries accept both.
struct ShowcaseQuery {
  std::string title;
  std::string sql;
};
const std::vector<ShowcaseQuery>& ShowcaseQueries();

// The demo's policy.yaml: roles port_operator, customs_agent, finance_clerk, release_agent (the
// AI release assistant) and auditor, with grants, row filters, masks, labels and sinks.
std::string PolicyText(uint64_t seed);

// The demo's container-release workflow definition (workflows/container_release.yaml): its
// evidence is gathered as principal release-desk (role release_workflow), a release_officer
// decides, and an approved release is written to outbox/release_orders.sqlite.
std::string ReleaseWorkflowText();
inline constexpr std::string_view kReleaseWorkflowFile = "workflows/container_release.yaml";

// The demo's principals: {id, kind, roles, attributes}, one per role.
struct DemoPrincipal {
  std::string id;
  std::string kind;
  std::vector<std::string> roles;
  std::map<std::string, std::string> attributes;
};
const std::vector<DemoPrincipal>& DemoPrincipals();

// The port's business glossary, stated by `cairn demo`: {term, definition, see (source.table or
// source.table.column), synonyms}. Every reference names a table or column of the demo.
struct GlossaryEntry {
  std::string term;
  std::string definition;
  std::vector<std::string> see;
  std::vector<std::string> synonyms;
};
const std::vector<GlossaryEntry>& PortGlossary();

}  // namespace cairn::demo
