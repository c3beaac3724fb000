#include "demo/demo.h"

namespace cairn::demo {

// The container-release workflow of the demo port (workflows/container_release.yaml): each of
// the planted problems (open holds, unpaid invoices, consignee name variants, missing or
// expired delivery orders) fails a check, or leaves it unknown for a person to look at.
std::string ReleaseWorkflowText() {
  return R"yaml(# Release of an import container from the terminal: evidence from the terminal (tos), customs,
# finance and the shipping line's documents (lines); a release officer decides; an approved
# release becomes a gate release order in the outbox the terminal reads.
name: container_release
description: Release an import container to the consignee's haulier
principal: release-desk
inputs:
  container_no: {pattern: "[A-Z]{4}[0-9]{7}", description: ISO 6346 container number}
steps:
  - id: container
    kind: query
    title: Container in the terminal
    sql: |
      SELECT container_no, direction, status, line_code, bl_number, consignee_name
      FROM tos.containers WHERE container_no = :container_no
  - id: holds
    kind: query
    title: Customs holds
    sql: |
      SELECT hold_id, authority, reason, placed_at, released_at
      FROM customs.holds WHERE container_no = :container_no
  - id: bill_of_lading
    kind: query
    title: Bill of lading
    sql: |
      SELECT bl_number, consignee_name, notify_party, issued_at
      FROM lines.bills_of_lading WHERE container_no = :container_no
  - id: delivery_order
    kind: query
    title: Delivery order
    sql: |
      SELECT do_number, bl_number, consignee_name, issued_at, valid_until
      FROM lines.delivery_orders WHERE container_no = :container_no
  - id: invoices
    kind: query
    title: Invoices of the bill of lading
    sql: |
      -- Per-container invoices, and the invoices of the container's bill of lading. CROSS JOIN
      -- fixes the join order (from the one container outwards): the planner does not know how
      -- large each system's tables are, and an OR over both keys would scan every invoice.
      SELECT i.invoice_id, i.status, i.due_on, c.name AS customer_name
      FROM finance.invoices i CROSS JOIN finance.customers c
      WHERE i.container_no = :container_no AND c.customer_id = i.customer_id
      UNION
      SELECT i.invoice_id, i.status, i.due_on, c.name
      FROM lines.bills_of_lading b CROSS JOIN finance.invoices i CROSS JOIN finance.customers c
      WHERE b.container_no = :container_no AND i.bl_number = b.bl_number
        AND c.customer_id = i.customer_id
  - id: in_yard
    kind: check
    title: Import container in the yard
    uses: [container]
    sql: |
      SELECT count(*) = 1 AND max(direction) = 'import' AND max(status) = 'in_yard' AS pass,
             CASE WHEN count(*) = 0 THEN 'the terminal does not know the container'
                  ELSE max(direction) || ' container, ' || max(status) END AS reason
      FROM container
  - id: hold_released
    kind: check
    title: Customs holds released
    uses: [holds]
    sql: |
      SELECT count(*) = 0 AS pass,
             CASE WHEN count(*) = 0 THEN 'no open customs hold'
                  ELSE count(*) || ' open hold(s): ' || group_concat(authority || ' (' || hold_id || ', since ' || placed_at || ')', '; ')
             END AS reason
      FROM holds WHERE coalesce(released_at, '') = ''
  - id: invoices_paid
    kind: check
    title: Invoices paid
    uses: [invoices]
    sql: |
      SELECT CASE WHEN count(*) = 0 THEN NULL ELSE sum(status <> 'paid') = 0 END AS pass,
             CASE WHEN count(*) = 0 THEN 'no invoice found for the bill of lading'
                  WHEN sum(status <> 'paid') = 0 THEN count(*) || ' invoice(s), all paid'
                  ELSE group_concat(CASE WHEN status <> 'paid' THEN invoice_id || ' ' || status || ' (due ' || due_on || ')' END, '; ')
             END AS reason
      FROM invoices
  - id: delivery_order_valid
    kind: check
    title: Delivery order present and not expired
    uses: [delivery_order]
    sql: |
      SELECT CASE WHEN count(*) = 0 THEN 0 ELSE max(valid_until) >= :today END AS pass,
             CASE WHEN count(*) = 0 THEN 'no delivery order from the shipping line'
                  WHEN max(valid_until) >= :today THEN 'valid until ' || max(valid_until)
                  ELSE 'expired on ' || max(valid_until) || ' (as of ' || :today || ')' END AS reason
      FROM delivery_order
  - id: consignee_matches
    kind: check
    title: Consignee on the bill of lading matches the terminal, the delivery order and the invoices
    uses: [bill_of_lading, container, delivery_order, invoices]
    sql: |
      WITH bl AS (SELECT consignee_name AS name FROM bill_of_lading LIMIT 1),
      other AS (
        SELECT 'terminal' AS doc, consignee_name AS name FROM container
        UNION ALL SELECT 'delivery order', consignee_name FROM delivery_order
        UNION ALL SELECT DISTINCT 'invoice', customer_name FROM invoices),
      scored AS (SELECT doc, other.name, other.name = bl.name AS same,
                        similarity(bl.name, other.name) AS score
                 FROM other, bl WHERE other.name IS NOT NULL)
      SELECT CASE WHEN (SELECT count(*) FROM bl) = 0 THEN NULL
                  WHEN min(same) = 1 THEN 1
                  WHEN min(score) >= 0.85 THEN NULL
                  ELSE 0 END AS pass,
             CASE WHEN (SELECT count(*) FROM bl) = 0 THEN 'no bill of lading'
                  WHEN min(same) = 1 THEN 'the same name everywhere'
                  ELSE 'B/L says "' || (SELECT name FROM bl) || '"; ' ||
                       group_concat(CASE WHEN NOT same THEN doc || ' says "' || name || '" (similarity ' || printf('%.2f', score) || ')' END, '; ')
             END AS reason
      FROM scored
  - id: review
    kind: decide
    title: Release officer decides
    role: release_officer
  - id: release_order
    kind: action
    title: Gate release order
    when: approve
    sink: {outbox: ../outbox/release_orders.sqlite}
recommend:
  approve_when: [in_yard, hold_released, invoices_paid, delivery_order_valid, consignee_matches]
)yaml";
}

}  // namespace cairn::demo
