#pragma once

// The 56 business words the synthetic 10,000-table catalogs of search_bench and serve_bench
// build their table and column names from (drawn with a fixed seed), so both measure the same
// catalog.

#include <string>
#include <vector>

namespace cairn::bench {

inline const std::vector<std::string>& CatalogWords() {
  static const std::vector<std::string> words = {
      "customer", "order",     "invoice",  "payment",  "account",  "ledger",  "container",
      "vessel",   "berth",     "crane",    "gate",     "truck",    "customs", "hold",
      "release",  "booking",   "carrier",  "port",     "terminal", "yard",    "slot",
      "product",  "supplier",  "price",    "amount",   "currency", "country", "city",
      "address",  "email",     "phone",    "status",   "created",  "updated", "shipped",
      "due",      "paid",      "tax",      "discount", "quantity", "weight",  "length",
      "height",   "seal",      "voyage",   "manifest", "cargo",    "hazard",  "employee",
      "region",   "territory", "category", "note",     "code",     "name",    "type"};
  return words;
}

}  // namespace cairn::bench
