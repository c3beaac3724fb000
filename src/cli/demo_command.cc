#include <iostream>

#include "cli/commands.h"
#include "cli/output.h"
#include "demo/demo.h"

namespace cairn::cli {
namespace {

constexpr size_t kShownRows = 8;

}  // namespace

Status RunDemo(const DemoFlags& flags) {
  demo::DemoOptions options;
  options.dir = flags.dir;
  options.seed = flags.seed;
  options.force = flags.force;
  Result<demo::DemoSummary> generated = demo::GenerateDemo(options);
  if (generated.status().code() == StatusCode::kFailedPrecondition) {
    return generated.status().WithContext("use 'cairn demo --force' to overwrite");
  }
  ASSIGN_OR_RETURN(demo::DemoSummary summary, std::move(generated));

  std::cout << "Cairn demo: a container port spread over four systems, written to "
            << std::filesystem::absolute(summary.dir).lexically_normal().string() << "\n"
            << "  tos      terminal operating system (SQLite: tos.sqlite)\n"
            << "  customs  customs exports (CSV: customs/)\n"
            << "  finance  customers, invoices, payments (SQLite: finance.sqlite)\n"
            << "  lines    shipping-line documents (CSV: lines/)\n"
            << "Seed " << summary.seed << ", data as of " << summary.as_of << ": "
            << summary.import_containers_in_yard << " import containers in the yard, "
            << summary.containers_ready_for_release
            << " ready for release. Planted problems: " << summary.planted.open_customs_holds
            << " open customs holds, " << summary.planted.unpaid_invoices << " unpaid invoices ("
            << summary.planted.overdue_invoices << " overdue), "
            << summary.planted.bl_consignee_mismatches + summary.planted.tos_consignee_mismatches
            << " consignee name mismatches, " << summary.planted.missing_delivery_orders
            << " missing and " << summary.planted.expired_delivery_orders
            << " expired delivery orders.\n";

  Environment env;
  env.config_path = summary.dir / "cairn.yaml";
  ASSIGN_OR_RETURN(auto session, env.OpenSession());
  for (const demo::ShowcaseQuery& query : demo::ShowcaseQueries()) {
    std::cout << "\n== " << query.title << "\n" << query.sql << "\n\n";
    ASSIGN_OR_RETURN(engine::QueryResult result, session->QueryAll(query.sql));
    auto printer = MakePrinter(Format::kTable, &std::cout);
    RETURN_IF_ERROR(printer->Columns(result.columns));
    for (size_t i = 0; i < result.rows.size() && i < kShownRows; ++i) {
      RETURN_IF_ERROR(printer->Row(result.rows[i]));
    }
    RETURN_IF_ERROR(printer->Finish());
    if (result.rows.size() > kShownRows) {
      std::cout << "(" << result.rows.size() - kShownRows << " more rows not shown)\n";
    }
  }
  std::cout << "\nTry it yourself:\n  cd " << flags.dir
            << " && cairn tables && cairn query \"SELECT * FROM customs.holds LIMIT 5\"\n";
  return OkStatus();
}

}  // namespace cairn::cli
