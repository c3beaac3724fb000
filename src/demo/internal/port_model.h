#pragma once

// The demo port as plain records, before it is written to any file. GeneratePortModel is the
// only place that draws random numbers; the writers in demo.cc only format what is here, so
// the model alone decides the bytes of every file.
//
// Times are seconds since the Unix epoch (UTC); kNoTime marks "no value". Money is in integer
// cents. Cross-references between records are vector indices.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "demo/demo.h"
#include "demo/internal/random.h"

namespace cairn::demo {

inline constexpr int64_t kNoTime = INT64_MIN;
inline constexpr int64_t kHour = 3600;
inline constexpr int64_t kDay = 24 * kHour;
inline constexpr int64_t kWindowStart = 1767225600;             // 2026-01-01T00:00:00Z
inline constexpr int64_t kAsOfTime = kWindowStart + 60 * kDay;  // kDemoAsOf

// "2026-01-14T08:30:00Z" / "2026-01-14"; empty for kNoTime.
std::string FormatInstant(int64_t t);
std::string FormatDate(int64_t t);
// "1234.50" for 123450 cents.
std::string FormatCents(int64_t cents);

struct LineOperator {
  std::string code;        // "NSL"
  std::string name;        // "Nordic Star Line"
  std::string owner_code;  // ISO 6346 owner code of its own boxes, "NSL"
  uint64_t weight = 1;     // market share
};

struct Vessel {
  int64_t imo = 0;
  std::string name;
  std::string flag;  // ISO 3166 alpha-2
  size_t line = 0;
  int teu = 0;
  int built = 0;
};

struct Voyage {
  int64_t id = 0;
  size_t vessel = 0;
  std::string voyage_no;
  int64_t eta = kNoTime, ata = kNoTime, etd = kNoTime, atd = kNoTime;
  std::string berth;
};

struct Customer {
  int64_t id = 0;
  std::string name;
  std::string country;
  std::string vat_number;
  std::string email;
  std::string currency;
  int payment_terms_days = 30;
  std::string iban;  // the account for refunds and SEPA direct debits (ISO 13616)
};

struct Booking {
  std::string booking_no;
  size_t line = 0;
  std::string shipper;
  std::string port_of_loading, port_of_discharge;
  size_t voyage = 0;
  int containers = 0;
  int64_t booked_at = kNoTime;
};

struct BillOfLading {
  std::string bl_number;
  size_t booking = 0;
  size_t line = 0;
  std::string shipper;
  size_t customer = 0;         // the consignee, as finance knows it
  std::string consignee_name;  // as written on the B/L
  std::string notify_party;
  int64_t issued_at = kNoTime;
  size_t voyage = 0;
  std::vector<size_t> containers;
  // Delivery order (one per B/L, one row per container).
  std::string do_number;
  int64_t do_issued_at = kNoTime;
  int64_t do_valid_until = kNoTime;  // a day; compared by date
  // Planted problems.
  bool unpaid = false;
  bool bl_mismatch = false;
  bool tos_mismatch = false;
  bool do_expired = false;
};

enum class Direction { kImport, kExport };

struct Container {
  std::string number;
  std::string iso_type;
  int gross_weight_kg = 0;
  Direction direction = Direction::kImport;
  std::string status;  // in_yard, gated_out, loaded
  size_t voyage = 0;
  size_t line = 0;
  size_t bl = SIZE_MAX;        // imports
  size_t booking = SIZE_MAX;   // exports (imports reach theirs through the B/L)
  size_t customer = SIZE_MAX;  // consignee (imports) or shipper (exports)
  std::string tos_consignee;   // imports only
  size_t goods = 0;            // index into the goods table
  int64_t declared_value_cents = 0;
  std::string value_currency;
  // Planted problems.
  bool open_hold = false;
  bool missing_do = false;
};

struct Move {
  int64_t id = 0;
  size_t container = 0;
  std::string type;  // discharge, load, gate_in, gate_out, yard_shift
  int64_t at = kNoTime;
  std::string equipment;
  std::string from, to;
  int64_t voyage_id = 0;  // 0: none
};

struct YardPosition {
  size_t container = 0;
  std::string block;
  int bay = 0, row = 0, tier = 0;
  int64_t since = kNoTime;
};

struct Declaration {
  std::string id;
  size_t container = 0;
  std::string declarant;
  std::string status;  // cleared, held
  int64_t lodged_at = kNoTime;
};

struct Hold {
  std::string id;
  size_t container = 0;
  std::string reason, authority;
  int64_t placed_at = kNoTime, released_at = kNoTime;
};

struct Release {
  std::string id;
  size_t container = 0;
  size_t declaration = 0;
  int64_t released_at = kNoTime;
};

struct Invoice {
  std::string id;
  size_t customer = 0;
  std::string bl_number;     // set for B/L handling invoices
  std::string container_no;  // set for per-container invoices
  std::string description;
  int64_t amount_cents = 0;
  std::string currency;
  int64_t issued_on = kNoTime, due_on = kNoTime;  // days
  std::string status;                             // paid, open, overdue
};

struct Payment {
  int64_t id = 0;
  size_t invoice = 0;
  int64_t amount_cents = 0;
  int64_t paid_at = kNoTime;
  std::string method;
};

struct CreditLimit {
  size_t customer = 0;
  int64_t limit_cents = 0;
  std::string currency;
  int64_t valid_from = kNoTime;  // day
};

struct Goods {
  std::string_view hs_code;
  std::string_view description;
  bool reefer;
};

struct PortModel {
  std::vector<LineOperator> lines;
  std::vector<Vessel> vessels;
  std::vector<Voyage> voyages;
  std::vector<Customer> customers;
  std::vector<Booking> bookings;
  std::vector<BillOfLading> bills;
  std::vector<Container> containers;
  std::vector<Move> moves;
  std::vector<YardPosition> yard;
  std::vector<Declaration> declarations;
  std::vector<Hold> holds;
  std::vector<Release> releases;
  std::vector<Invoice> invoices;
  std::vector<Payment> payments;
  std::vector<CreditLimit> credit_limits;

  PlantedCounts planted;
  std::vector<PlantedProblem> problems;
  int import_containers_in_yard = 0;
  int containers_ready_for_release = 0;
};

// The goods catalogue (HS code, description, needs a reefer).
const std::vector<Goods>& GoodsCatalogue();

// Builds the whole port from `seed`. Precondition: containers >= 50.
PortModel GeneratePortModel(uint64_t seed, int containers);

// A DNS label for a company name: transliterated to ASCII, lower case, words joined by '-',
// legal form and city dropped, at most 30 characters ("Müller Logistik GmbH, Hamburg" ->
// "mueller-logistik").
std::string CompanySlug(std::string_view name);

// A deliberately different spelling of a company name as another system might hold it
// (abbreviation, upper case, transliteration, dropped legal form or city, or a typo).
// Always differs from `name`.
std::string ConsigneeVariant(std::string_view name, Rng& rng);

}  // namespace cairn::demo
