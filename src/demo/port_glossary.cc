// The demo port's business glossary: terms, what they mean, where they are recorded, and the
// other words people use for them. Written blind, as a data steward would write it from the
// port's tables and a few sample rows alone, by a session that saw neither the recipes'
// questions nor the benchmarks' rewordings of them (bench/RESULTS.md, issue 14, item 4); kept
// as written.

#include "demo/demo.h"

namespace cairn::demo {

const std::vector<GlossaryEntry>& PortGlossary() {
  static const std::vector<GlossaryEntry> kGlossary = {
      {"container",
       "A standard intermodal steel box handled by the terminal, identified by its container "
       "number and tracked in the terminal operating system with its type, weight, direction, "
       "status, vessel call, line, bill of lading or booking and consignee (tos.containers).",
       {"tos.containers", "tos.containers.container_no"},
       {"box", "unit", "can", "cntr", "equipment", "shipping container", "intermodal container"}},
      {"container number",
       "The ISO 6346 identifier of a container (owner prefix ending in U, six digits and a check "
       "digit, e.g. HCXU7361930); it is the key that links the container across TOS moves and yard "
       "positions, customs declarations, holds and releases, invoices, bills of lading and "
       "delivery orders.",
       {"tos.containers.container_no", "tos.moves.container_no",
        "customs.declarations.container_no", "lines.bills_of_lading.container_no"},
       {"box number", "unit number", "container ID", "cntr no.", "BIC code", "equipment number",
        "ISO 6346 number"}},
      {"container type",
       "The ISO size-type code of a container (e.g. 22G1 = 20ft general purpose, 45R1 = 40ft "
       "high-cube reefer), recorded in tos.containers.iso_type.",
       {"tos.containers.iso_type"},
       {"ISO type", "ISO code", "size-type code", "size/type", "equipment type", "box type"}},
      {"reefer container",
       "A refrigerated container that needs power and temperature monitoring while at the "
       "terminal; identified by an R in its ISO type code (e.g. 45R1) in tos.containers.iso_type.",
       {"tos.containers.iso_type"},
       {"reefer", "refrigerated container", "reefer box", "reefer unit",
        "temperature-controlled container", "RF"}},
      {"import container",
       "A container arriving by sea that is discharged at this port and leaves the terminal "
       "through the gate to the consignee; flagged with direction = 'import' in tos.containers.",
       {"tos.containers.direction"},
       {"import", "inbound container", "import box", "import unit", "landed container",
        "inbound unit"}},
      {"export container",
       "A container delivered to the terminal by land for loading onto a vessel, shipped under a "
       "booking; flagged with direction = 'export' in tos.containers.",
       {"tos.containers.direction", "tos.containers.booking_no"},
       {"export", "outbound container", "export box", "export unit", "outbound unit"}},
      {"container status",
       "The current life-cycle state of a container at the terminal (e.g. in yard, gated_out), "
       "held in tos.containers.status.",
       {"tos.containers.status"},
       {"box status", "unit status", "container state", "lifecycle status", "status code"}},
      {"container move",
       "A single physical handling of a container by a piece of terminal equipment from one "
       "location to another at a given time (gate-in, discharge, load, yard shift, gate-out), "
       "recorded as one row in tos.moves.",
       {"tos.moves", "tos.moves.move_type", "tos.moves.moved_at", "tos.moves.equipment"},
       {"move", "movement", "handling", "lift", "container event", "transaction"}},
      {"discharge",
       "The move that lifts an import container off a vessel (from location 'VSL:<voyage>') by "
       "quay crane into the yard; recorded in tos.moves with move_type = 'discharge' and the "
       "voyage_id of the vessel call.",
       {"tos.moves.move_type", "tos.moves.from_location", "tos.moves.voyage_id"},
       {"unloading", "unload", "offload", "discharging", "landing", "disch"}},
      {"loading",
       "The move that places an export container from the yard onto a vessel for a given vessel "
       "call; recorded in tos.moves as a load move with the voyage_id of the call.",
       {"tos.moves.move_type", "tos.moves.to_location", "tos.moves.voyage_id"},
       {"load", "lading", "load-on", "loading on board", "vessel loading"}},
      {"gate-in",
       "The arrival of a container at the terminal through the land-side gate (by truck or rail), "
       "after which it is placed in the yard; recorded in tos.moves with move_type = 'gate_in' "
       "from location GATE.",
       {"tos.moves.move_type", "tos.moves.from_location"},
       {"in-gate", "ingate", "gated in", "gate receipt", "receival", "truck in"}},
      {"gate-out",
       "The departure of a container from the terminal through the land-side gate to the consignee "
       "or haulier, the final step for an import; recorded as a gate_out move in tos.moves and as "
       "status 'gated_out' in tos.containers.",
       {"tos.containers.status", "tos.moves.move_type"},
       {"out-gate", "outgate", "gated out", "gate delivery", "pick-up", "truck out"}},
      {"yard position",
       "The current stacking location of a container in the container yard, given as block, bay, "
       "row and tier, with the time it was placed there; recorded in tos.yard_positions (and as "
       "codes like E-10-04-2 in move locations).",
       {"tos.yard_positions", "tos.yard_positions.block", "tos.yard_positions.tier",
        "tos.moves.to_location"},
       {"yard location", "yard slot", "slot", "stack position", "ground slot", "block-bay-row-tier",
        "position"}},
      {"vessel",
       "A container ship calling at the port, identified by its IMO number, with name, flag state, "
       "operating line, TEU capacity and year built; recorded in tos.vessels.",
       {"tos.vessels", "tos.vessels.name", "lines.bookings.vessel_name"},
       {"ship", "container ship", "boat", "vsl", "mother vessel", "containership"}},
      {"IMO number",
       "The permanent seven-digit International Maritime Organization number that uniquely "
       "identifies a vessel regardless of name or flag changes; the key of tos.vessels and "
       "referenced by each vessel call.",
       {"tos.vessels.imo", "tos.voyages.vessel_imo"},
       {"IMO", "IMO no.", "ship ID", "vessel ID", "Lloyd's number", "LR number"}},
      {"vessel call",
       "One visit of a vessel to the port on a given voyage (e.g. NSL407W), with its berth and "
       "estimated and actual arrival and departure times; recorded in tos.voyages and referenced "
       "by containers and moves via voyage_id.",
       {"tos.voyages", "tos.voyages.voyage_no", "tos.containers.voyage_id",
        "lines.bookings.voyage_no"},
       {"port call", "call", "vessel visit", "ship visit", "voyage"}},
      {"berth",
       "The quayside berthing place (e.g. B1, B2, B3) where a vessel lies alongside to be worked "
       "during its call; recorded in tos.voyages.berth.",
       {"tos.voyages.berth"},
       {"quay", "berthing position", "wharf", "dock", "pier", "quay wall"}},
      {"ETA",
       "Estimated time of arrival of a vessel for a call, as planned by the line and terminal, "
       "recorded in tos.voyages.eta; the actual arrival (ATA) is recorded separately in "
       "tos.voyages.ata.",
       {"tos.voyages.eta"},
       {"estimated time of arrival", "estimated arrival", "expected arrival", "scheduled arrival",
        "planned arrival"}},
      {"shipping line",
       "The ocean carrier that operates vessels and owns or leases the containers and issues "
       "bookings, bills of lading and delivery orders (e.g. HCL = Hanseatic Container Line); "
       "listed in tos.line_operators and referenced by a short line code.",
       {"tos.line_operators", "tos.containers.line_code", "tos.vessels.operator_line",
        "lines.bills_of_lading.line_code"},
       {"line", "carrier", "ocean carrier", "line operator", "liner", "steamship line",
        "container line", "VOCC"}},
      {"customs declaration",
       "The formal statement lodged with customs for the goods in a container, giving declarant, "
       "HS code, goods description, declared value and currency, with its processing status (e.g. "
       "cleared); recorded in customs.declarations.",
       {"customs.declarations", "customs.declarations.declaration_id",
        "customs.declarations.status", "customs.declarations.lodged_at"},
       {"declaration", "customs entry", "entry", "import declaration", "customs filing", "SAD",
        "customs lodgement"}},
      {"HS code",
       "The Harmonized System tariff classification of the declared goods (e.g. 8528.72.40 for "
       "television sets), recorded with the goods description on the customs declaration.",
       {"customs.declarations.hs_code", "customs.declarations.goods_description"},
       {"tariff code", "commodity code", "harmonized system code", "HTS code", "tariff number",
        "CN code"}},
      {"declarant",
       "The party, usually a customs broker or forwarder, that lodges the customs declaration on "
       "behalf of the cargo owner; recorded in customs.declarations.declarant.",
       {"customs.declarations.declarant"},
       {"customs broker", "customs agent", "clearing agent", "customs representative", "broker",
        "filer"}},
      {"customs hold",
       "A block placed on a container by customs or another border authority (e.g. veterinary "
       "check, X-ray scan, valuation query) that prevents its delivery until lifted; recorded in "
       "customs.holds with reason, authority, placed_at and released_at.",
       {"customs.holds", "customs.holds.reason", "customs.holds.authority",
        "customs.holds.released_at"},
       {"hold", "customs stop", "customs block", "stop", "block", "inspection hold", "flag"}},
      {"customs release",
       "The customs authorisation that the goods in a container, under a given declaration, may "
       "leave the port; recorded in customs.releases with the time of release.",
       {"customs.releases", "customs.releases.released_at", "customs.declarations.status"},
       {"customs clearance", "clearance", "release", "release note", "customs OK", "green light"}},
      {"customer",
       "A company billed by the terminal for its services, with country, VAT number, billing "
       "email, invoicing currency, payment terms and bank account; recorded in finance.customers "
       "and identified by customer_id.",
       {"finance.customers", "finance.customers.customer_id", "finance.invoices.customer_id"},
       {"client", "account", "debtor", "payer", "bill-to party", "account holder"}},
      {"credit limit",
       "The maximum open amount a customer may owe the terminal, in a given currency, valid from a "
       "given date (a new row supersedes the previous one); recorded in finance.credit_limits.",
       {"finance.credit_limits", "finance.credit_limits.credit_limit",
        "finance.credit_limits.valid_from"},
       {"credit line", "credit ceiling", "exposure limit", "credit facility", "credit cap",
        "maximum exposure"}},
      {"invoice",
       "A bill issued by the terminal to a customer for services such as terminal or export "
       "handling, referencing a bill of lading or a container, with amount, currency, issue date, "
       "due date and status (e.g. paid); recorded in finance.invoices.",
       {"finance.invoices", "finance.invoices.invoice_id", "finance.invoices.due_on",
        "finance.invoices.status"},
       {"bill", "inv", "tax invoice", "debit note", "charge note"}},
      {"payment",
       "Money received from a customer against an invoice, with amount, date and method (e.g. bank "
       "transfer, direct debit); recorded in finance.payments.",
       {"finance.payments", "finance.payments.amount", "finance.payments.paid_at",
        "finance.payments.method"},
       {"remittance", "receipt", "settlement", "cash receipt", "pay-in"}},
      {"bill of lading",
       "The transport document issued by the shipping line for a shipment, naming shipper, "
       "consignee and notify party and covering one or more containers; recorded in "
       "lines.bills_of_lading and referenced by bl_number in the TOS and finance.",
       {"lines.bills_of_lading", "lines.bills_of_lading.bl_number", "tos.containers.bl_number",
        "finance.invoices.bl_number"},
       {"B/L", "BL", "BoL", "bill", "ocean bill of lading", "master bill", "MBL"}},
      {"booking",
       "A shipper's reservation of space with a shipping line for a number of containers on a "
       "vessel and voyage between a port of loading and a port of discharge; recorded in "
       "lines.bookings and referenced by booking_no on containers and bills of lading.",
       {"lines.bookings", "lines.bookings.booking_no", "tos.containers.booking_no",
        "lines.bills_of_lading.booking_no"},
       {"booking reference", "booking number", "reservation", "space booking",
        "booking confirmation", "BKG"}},
      {"delivery order",
       "The document issued by the shipping line authorising the terminal to hand an import "
       "container over to the consignee (or its haulier), valid until a given date; recorded in "
       "lines.delivery_orders.",
       {"lines.delivery_orders", "lines.delivery_orders.do_number",
        "lines.delivery_orders.valid_until"},
       {"D/O", "DO", "release order", "pickup order", "container release order",
        "carrier release"}},
      {"consignee",
       "The party to whom the cargo is shipped and who takes delivery of the import container, "
       "named on the bill of lading, the delivery order and the TOS container record.",
       {"tos.containers.consignee_name", "lines.bills_of_lading.consignee_name",
        "lines.delivery_orders.consignee_name"},
       {"receiver", "importer", "cargo receiver", "buyer", "cnee", "consignee party"}},
      {"shipper",
       "The party that books the shipment with the line and hands over the cargo for carriage, "
       "named on the booking and the bill of lading.",
       {"lines.bookings.shipper_name", "lines.bills_of_lading.shipper_name"},
       {"consignor", "exporter", "sender", "seller", "shipping party"}},
      {"port of loading",
       "The port where the cargo is loaded onto the vessel, as a UN/LOCODE (e.g. THLCH), recorded "
       "on the booking.",
       {"lines.bookings.port_of_loading"},
       {"POL", "load port", "loading port", "port of shipment", "origin port"}},
      {"port of discharge",
       "The port where the cargo is unloaded from the vessel, as a UN/LOCODE, recorded on the "
       "booking (ZZCRN in the sample rows, i.e. this port for imports).",
       {"lines.bookings.port_of_discharge"},
       {"POD", "discharge port", "port of unloading", "destination port", "unloading port"}},
  };
  return kGlossary;
}

}  // namespace cairn::demo
