#include "demo/demo.h"

namespace cairn::demo {

// The demo's access policy: seven roles of a container port, default deny for everything else.
// Kept in sync with the generator's schema by demo_test.cc (`cairn policy check` compiles it).
std::string PolicyText(uint64_t seed) {
  return "# Cairn demo policy, written with the demo generated from seed " + std::to_string(seed) +
         ".\n" +
         R"yaml(# Who may see what at Cairnhaven Container Terminal (cairn policy check validates it).
# Default deny: a principal sees only what a grant below gives one of its roles; the role
# `admin` (the local administrator) sees everything. Every query is labelled with the highest
# classification it read and recorded in the ledger with the rules that decided.
version: 1
roles:
  port_operator: Terminal staff; work the yard of their block (attribute yard_block)
  customs_agent: Customs brokers and officers; declarations, holds and the containers concerned
  finance_clerk: Accounts receivable; customers of their country (attribute country)
  release_agent: The AI release assistant; only what deciding a release needs, no money, no names
  auditor: Internal audit; reads everything with personal data hashed; approves declassification
  release_officer: The release desk; decides container releases on the evidence (no amounts)
  release_workflow: The container-release workflow gathering evidence; what its checks need, names in clear for the consignee match

grants:
  - roles: [port_operator]
    source: tos
  - roles: [port_operator]
    source: lines
    tables: [delivery_orders]
  - roles: [customs_agent]
    source: customs
  - roles: [customs_agent]
    source: tos
    tables: [containers, vessels, voyages]
  - roles: [customs_agent]
    source: lines
    tables: [bills_of_lading]
  - roles: [finance_clerk]
    source: finance
  - roles: [release_agent]
    source: tos
    tables: [containers]
    columns: [container_no, iso_type, direction, status, voyage_id, line_code, bl_number]
  - roles: [release_agent]
    source: tos
    tables: [yard_positions, vessels, voyages]
  - roles: [release_agent]
    source: customs
    tables: [holds]
    columns: [hold_id, container_no, authority, placed_at, released_at]
  - roles: [release_agent]
    source: customs
    tables: [releases]
  - roles: [release_agent]
    source: lines
    tables: [delivery_orders]
    columns: [do_number, bl_number, container_no, issued_at, valid_until]
  - roles: [release_agent]
    source: finance
    tables: [invoices]
    columns: [invoice_id, bl_number, container_no, due_on, status]
  - roles: [release_officer, release_workflow]
    source: tos
    tables: [containers]
    columns: [container_no, iso_type, direction, status, voyage_id, line_code, bl_number, consignee_name]
  - roles: [release_officer, release_workflow]
    source: customs
    tables: [holds, releases]
  - roles: [release_officer, release_workflow]
    source: lines
    tables: [bills_of_lading]
    columns: [bl_number, container_no, consignee_name, notify_party, issued_at]
  - roles: [release_officer, release_workflow]
    source: lines
    tables: [delivery_orders]
  - roles: [release_officer, release_workflow]
    source: finance
    tables: [invoices]
    columns: [invoice_id, customer_id, bl_number, container_no, due_on, status]
  - roles: [release_officer, release_workflow]
    source: finance
    tables: [customers]
    columns: [customer_id, name]
  - roles: [auditor]
    source: tos
  - roles: [auditor]
    source: customs
  - roles: [auditor]
    source: finance
  - roles: [auditor]
    source: lines

row_filters:
  - source: tos
    table: yard_positions
    roles: [port_operator]
    where: "block = :yard_block"
  - source: finance
    table: customers
    roles: [finance_clerk]
    where: "country = :country"
  # The release assistant sees only import containers (the ones it may propose to release).
  - source: tos
    table: containers
    roles: [release_agent]
    where: "direction = 'import'"

masks:
  - {source: finance, table: customers, column: email, mask: hash, unless_roles: [finance_clerk]}
  - {source: finance, table: customers, column: vat_number, mask: last4}
  - {source: finance, table: customers, column: iban, mask: last4, unless_roles: [finance_clerk]}
  - {source: tos, table: containers, column: consignee_name, mask: hash, unless_roles: [port_operator, release_officer, release_workflow]}
  - {source: lines, table: bills_of_lading, column: shipper_name, mask: redact, unless_roles: [customs_agent]}
  - {source: lines, table: bills_of_lading, column: consignee_name, mask: hash, unless_roles: [customs_agent, release_officer, release_workflow]}
  - {source: lines, table: bills_of_lading, column: notify_party, mask: redact, unless_roles: [customs_agent]}
  - {source: lines, table: delivery_orders, column: consignee_name, mask: hash, unless_roles: [release_officer, release_workflow]}
  - {source: customs, table: declarations, column: declared_value, mask: redact, unless_roles: [customs_agent]}

labels:
  default: internal
  columns:
    tos.vessels: public
    tos.voyages: public
    tos.containers.container_no: public
    tos.containers.status: public
    tos.containers.consignee_name: confidential
    finance.customers: confidential
    finance.customers.vat_number: restricted
    finance.customers.iban: restricted
    finance.invoices.amount: confidential
    finance.payments: confidential
    finance.credit_limits: confidential
    customs.declarations.declared_value: confidential
    customs.holds.reason: confidential
    lines.bills_of_lading.shipper_name: confidential
    lines.bills_of_lading.consignee_name: confidential
    lines.delivery_orders.consignee_name: confidential

sinks:
  status_board: {clearance: public, description: "the public container status board at the gate"}
  partner_portal: {clearance: internal, description: "portal shared with shipping lines and hauliers"}
  regulator: {clearance: restricted, description: "reports to the customs authority"}

declassifiers: [auditor]
# Release officers check the ledger entries and inclusion proofs behind the cases they decide
# (the reviewer UI links every step to its entry).
ledger_readers: [auditor, release_officer]
)yaml";
}

}  // namespace cairn::demo

namespace cairn::demo {

const std::vector<DemoPrincipal>& DemoPrincipals() {
  static const std::vector<DemoPrincipal> kPrincipals = {
      {"olga", "person", {"port_operator"}, {{"yard_block", "A"}}},
      {"carlos", "person", {"customs_agent"}, {}},
      {"frieda", "person", {"finance_clerk"}, {{"country", "DE"}}},
      {"release-bot", "agent", {"release_agent"}, {}},
      {"ada", "person", {"auditor"}, {}},
      {"rita", "person", {"release_officer"}, {}},
      {"release-desk", "agent", {"release_workflow"}, {}},
  };
  return kPrincipals;
}

}  // namespace cairn::demo
