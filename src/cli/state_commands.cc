// `cairn state show|migrate`: where the state lives, and moving an embedded state into
// PostgreSQL.

#include <fstream>
#include <iostream>
#include <iterator>

#include "cli/commands.h"
#include "service/state_copy.h"

namespace cairn::cli {
namespace {

using engine::Value;

struct StateFlags {
  std::string to;
  std::string password_env;
};

Status RunShow(Environment& env, Format format) {
  ASSIGN_OR_RETURN(store::StateDb * db, env.OpenStateDb());
  RETURN_IF_ERROR(env.RequireAdmin("state show"));
  std::vector<std::pair<std::string, int64_t>> components;
  RETURN_IF_ERROR(db->Query(
      "SELECT component, MAX(version) FROM cairn_migrations GROUP BY component ORDER BY component",
      {}, [&](const store::Row& row) {
        components.emplace_back(row.Text(0), row.Int(1));
        return OkStatus();
      }));
  const std::string engine = db->dialect() == store::Dialect::kPostgres ? "postgres" : "sqlite";
  if (format == Format::kJson || format == Format::kJsonl) {
    nlohmann::json versions = nlohmann::json::object();
    for (const auto& [component, version] : components) versions[component] = version;
    std::cout << nlohmann::json{{"engine", engine},
                                {"database", db->Describe()},
                                {"components", versions}}
                     .dump(format == Format::kJson ? 2 : -1)
              << "\n";
    return OkStatus();
  }
  std::cout << "state: " << engine << " " << db->Describe() << "\n";
  auto printer = MakePrinter(format, &std::cout);
  RETURN_IF_ERROR(printer->Columns({"component", "version"}));
  for (const auto& [component, version] : components) {
    RETURN_IF_ERROR(printer->Row({Value::Text(component), Value::Integer(version)}));
  }
  return printer->Finish();
}

// The ledger of `db` verified with `key`: entries, signed heads and the root over all entries.
struct LedgerCheck {
  uint64_t entries = 0;
  uint64_t heads = 0;
  std::string root;
};

Result<LedgerCheck> CheckLedger(std::unique_ptr<store::StateDb> db, const ledger::PublicKey* key) {
  ledger::SystemClock clock;
  ASSIGN_OR_RETURN(std::unique_ptr<ledger::Ledger> l,
                   ledger::Ledger::Open(std::move(db), &clock, nullptr));
  ASSIGN_OR_RETURN(ledger::VerifyReport report, l->Verify(key, {}));
  LedgerCheck check;
  check.entries = report.entries;
  check.heads = report.signed_heads;
  if (report.entries > 0) {
    ASSIGN_OR_RETURN(ledger::TreeHead head, l->Head(report.entries));
    check.root = head.root_hash;
  }
  return check;
}

Status RunMigrate(Environment& env, const StateFlags& flags, Format format) {
  ASSIGN_OR_RETURN(service::Workspace * ws, env.OpenWorkspace());
  ASSIGN_OR_RETURN(store::StateDb * db, ws->StateDb());
  RETURN_IF_ERROR(env.RequireAdmin("state migrate"));
  store::SqliteStateDb* from = db->sqlite();
  if (from == nullptr) {
    return FailedPreconditionError(
        "the state is already in {}: `cairn state migrate` moves the embedded state (run it "
        "without state: in cairn.yaml and without --state / CAIRN_STATE)",
        db->Describe());
  }
  std::string password;
  if (!flags.password_env.empty()) {
    const char* value = std::getenv(flags.password_env.c_str());
    if (value == nullptr) {
      return InvalidArgumentError("--password-env: the environment variable {} is not set",
                                  flags.password_env);
    }
    password = value;
  }
  ASSIGN_OR_RETURN(std::unique_ptr<store::StateDb> to,
                   store::StateDb::OpenPostgres(flags.to, password));

  // A target that already holds a state is refused before the move is recorded.
  RETURN_IF_ERROR(service::CheckEmptyTarget(to.get()));
  // The move is itself an action: recorded before the copy, so both ledgers hold it.
  RETURN_IF_ERROR(env.Record("state_migrate", to->Describe()));
  RETURN_IF_ERROR(env.SignIfAppended());
  ASSIGN_OR_RETURN(ledger::Ledger * source_ledger, env.OpenLedger());
  (void)source_ledger;
  const ledger::PublicKey* key = &env.ledger_key()->public_key();
  ASSIGN_OR_RETURN(std::unique_ptr<store::StateDb> source_again, from->OpenAnother());
  ASSIGN_OR_RETURN(LedgerCheck before, CheckLedger(std::move(source_again), key));

  std::string mask_key;
  const std::filesystem::path mask_file = ws->config().state_dir / "mask.key";
  if (std::ifstream in(mask_file, std::ios::binary); in) {
    mask_key.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  }
  ASSIGN_OR_RETURN(service::CopyReport report, service::CopyState(from, to.get(), mask_key));

  ASSIGN_OR_RETURN(std::unique_ptr<store::StateDb> target_again, to->OpenAnother());
  ASSIGN_OR_RETURN(LedgerCheck after, CheckLedger(std::move(target_again), key));
  if (after.entries != before.entries || after.root != before.root) {
    return DataLossError(
        "the ledger does not verify the same after the copy: {} entries, root {} before; {} "
        "entries, root {} after",
        before.entries, before.root, after.entries, after.root);
  }

  if (format == Format::kJson || format == Format::kJsonl) {
    nlohmann::json tables = nlohmann::json::array();
    for (const auto& t : report.tables) tables.push_back({{"table", t.table}, {"rows", t.rows}});
    std::cout << nlohmann::json{{"to", to->Describe()},
                                {"rows", report.rows},
                                {"tables", tables},
                                {"rebuilt", report.rebuilt},
                                {"ledger",
                                 {{"entries", after.entries},
                                  {"signed_heads", after.heads},
                                  {"root", after.root}}}}
                     .dump(format == Format::kJson ? 2 : -1)
              << "\n";
    return OkStatus();
  }
  auto printer = MakePrinter(format, &std::cout);
  RETURN_IF_ERROR(printer->Columns({"table", "rows"}));
  for (const auto& t : report.tables) {
    RETURN_IF_ERROR(printer->Row({Value::Text(t.table), Value::Integer(t.rows)}));
  }
  RETURN_IF_ERROR(printer->Finish());
  std::cout << "copied " << report.rows << " rows into " << to->Describe() << "\n";
  if (!report.rebuilt.empty()) {
    std::cout << "rebuilt on first use there:";
    for (const auto& name : report.rebuilt) std::cout << " " << name;
    std::cout << "\n";
  }
  std::cout << "ledger: " << after.entries << " entries and " << after.heads
            << " signed tree heads verify in both; root " << after.root << "\n"
            << "next: put `state: {url: " << flags.to
            << ", password: \"${YOUR_ENV_VAR}\"}` in cairn.yaml (or run with --state)\n";
  return OkStatus();
}

}  // namespace

void RegisterStateCommands(Cli* cli) {
  auto* state = cli->app->add_subcommand(
      "state", "Where Cairn keeps what it remembers: show it, or move it into PostgreSQL");
  state->require_subcommand(1);
  auto* show = state->add_subcommand("show", "The state's engine, database and schema versions");
  cli->AddFormat(show);
  show->callback(cli->Run([cli](Format format) { return RunShow(cli->env, format); }));

  auto flags = std::make_shared<StateFlags>();
  auto* migrate = state->add_subcommand(
      "migrate",
      "Copy the embedded state (.cairn/state.sqlite) into an empty PostgreSQL database, and "
      "check that the ledger verifies the same there");
  migrate->add_option("--to", flags->to, "postgres://user@host:port/db (no password in it)")
      ->required();
  migrate->add_option("--password-env", flags->password_env,
                      "Environment variable holding the password (default: PGPASSWORD / "
                      "~/.pgpass)");
  cli->AddFormat(migrate);
  migrate->callback(
      cli->Run([cli, flags](Format format) { return RunMigrate(cli->env, *flags, format); }));
}

}  // namespace cairn::cli
