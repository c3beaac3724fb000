// `cairn ledger ...`: read, verify and prove the tamper-evident record of every action.

#include <iostream>
#include <memory>

#include "cli/commands.h"

namespace cairn::cli {
namespace {

using engine::Value;

Status PrintRecords(const std::vector<ledger::Record>& records, Format format) {
  if (format == Format::kJson || format == Format::kJsonl) {
    nlohmann::json array = nlohmann::json::array();
    for (const auto& record : records) {
      if (format == Format::kJsonl) {
        std::cout << ledger::RecordToJson(record).dump() << "\n";
      } else {
        array.push_back(ledger::RecordToJson(record));
      }
    }
    if (format == Format::kJson) std::cout << array.dump(2) << "\n";
    return OkStatus();
  }
  auto printer = MakePrinter(format, &std::cout);
  RETURN_IF_ERROR(printer->Columns(
      {"seq", "time", "principal", "action", "subject", "label", "decision", "ingress", "hash"}));
  for (const auto& record : records) {
    const ledger::Entry& e = record.entry;
    RETURN_IF_ERROR(printer->Row(
        {Value::Integer(record.seq), Value::Text(e.time), Value::Text(e.principal),
         Value::Text(e.action), Value::Text(e.subject), Value::Text(e.label),
         Value::Text(e.decision), Value::Text(e.ingress), Value::Text(record.leaf_hash)}));
  }
  return printer->Finish();
}

// The values of the ledger subcommands' options; shared with their callbacks.
struct LedgerFlags {
  int64_t count = 20;
  int64_t show_seq = 0;
  ledger::SearchFilter filter;
  std::string principal, action, subject, decision, from, to;
  uint64_t prove_seq = 0, prove_size = 0;
  uint64_t old_size = 0, new_size = 0;
};

}  // namespace

// The ledger names every principal's queries and the real reason of every denial (which tables
// exist but are not granted): only administrators and the policy's ledger readers may read it.
Result<ledger::Ledger*> OpenForReading(Environment& env) {
  ASSIGN_OR_RETURN(ledger::Ledger * l, env.OpenLedger());
  ASSIGN_OR_RETURN(engine::Principal principal, env.Principal());
  ASSIGN_OR_RETURN(policy::Policy * policy, env.OpenPolicy());
  if (!policy->CanReadLedger(principal)) {
    RETURN_IF_ERROR(env.Record("ledger_read", "ledger", "deny: not a ledger reader"));
    return PermissionDeniedError(
        "'{}' may not read the ledger: only administrators and roles listed under ledger_readers "
        "in {} may",
        principal.id, policy->file_name());
  }
  return l;
}

void RegisterLedgerCommands(Cli* cli) {
  auto f = std::make_shared<LedgerFlags>();
  auto* ledger = cli->app->add_subcommand(
      "ledger", "The tamper-evident record of every action: tail, show, search, verify, prove");
  ledger->require_subcommand(1);

  auto* tail = ledger->add_subcommand("tail", "The last entries, oldest first");
  tail->add_option("-n,--count", f->count, "How many")->capture_default_str();
  cli->AddFormat(tail);
  tail->callback(cli->Run([cli, f](Format format) -> Status {
    ASSIGN_OR_RETURN(ledger::Ledger * l, OpenForReading(cli->env));
    ASSIGN_OR_RETURN(auto records, l->Tail(f->count));
    return PrintRecords(records, format);
  }));

  auto* show = ledger->add_subcommand("show", "One entry");
  show->add_option("seq", f->show_seq, "Sequence number")->required();
  cli->AddFormat(show);
  show->callback(cli->Run([cli, f](Format format) -> Status {
    ASSIGN_OR_RETURN(ledger::Ledger * l, OpenForReading(cli->env));
    ASSIGN_OR_RETURN(ledger::Record record, l->Get(f->show_seq));
    return PrintRecords({record}, format);
  }));

  auto* search = ledger->add_subcommand("search", "Entries matching every filter given");
  search->add_option("--principal", f->principal, "Exactly this principal");
  search->add_option("--action", f->action, "Exactly this action (query, ...)");
  search->add_option("--subject", f->subject, "Subject contains this text");
  search->add_option("--decision", f->decision, "Exactly this decision");
  search->add_option("--from", f->from, "Time >= this (ISO-8601 UTC)");
  search->add_option("--to", f->to, "Time < this (ISO-8601 UTC)");
  search->add_option("--limit", f->filter.limit, "At most this many (0: all)");
  cli->AddFormat(search);
  search->callback(cli->Run([cli, f](Format format) -> Status {
    auto set = [](const std::string& v, std::optional<std::string>* field) {
      if (!v.empty()) *field = v;
    };
    set(f->principal, &f->filter.principal);
    set(f->action, &f->filter.action);
    set(f->subject, &f->filter.subject);
    set(f->decision, &f->filter.decision);
    set(f->from, &f->filter.from);
    set(f->to, &f->filter.to);
    ASSIGN_OR_RETURN(ledger::Ledger * l, OpenForReading(cli->env));
    ASSIGN_OR_RETURN(auto records, l->Search(f->filter));
    return PrintRecords(records, format);
  }));

  auto* verify = ledger->add_subcommand(
      "verify",
      "Recompute every hash and check the signed tree heads; exit 9 naming the first "
      "bad entry");
  verify->callback(cli->Run([cli, f](Format) -> Status {
    ASSIGN_OR_RETURN(ledger::Ledger * l, OpenForReading(cli->env));
    // Verify before signing: a new head must never cover entries that do not check out.
    ASSIGN_OR_RETURN(ledger::VerifyReport report,
                     l->Verify(&cli->env.ledger_key()->public_key(), {}));
    ASSIGN_OR_RETURN(ledger::SignedTreeHead head, l->SignTreeHead());
    std::cout << "ok: " << report.entries << " entries and " << report.signed_heads
              << " signed tree heads verified; root " << head.root_hash << " at size "
              << head.tree_size << "\n";
    return OkStatus();
  }));

  auto* sign = ledger->add_subcommand("head", "Sign and print the current tree head (JSON)");
  sign->callback(cli->Run([cli, f](Format) -> Status {
    ASSIGN_OR_RETURN(ledger::Ledger * l, OpenForReading(cli->env));
    ASSIGN_OR_RETURN(ledger::SignedTreeHead head, l->SignTreeHead());
    std::cout << ledger::TreeHeadToJson(head).dump(2) << "\n";
    return OkStatus();
  }));

  auto* prove = ledger->add_subcommand(
      "prove", "Inclusion proof of entry SEQ in the tree of SIZE entries (JSON, docs/ledger.md)");
  prove->add_option("seq", f->prove_seq, "Sequence number")->required();
  prove->add_option("--size", f->prove_size, "Tree size (default: the whole ledger)");
  prove->callback(cli->Run([cli, f](Format) -> Status {
    ASSIGN_OR_RETURN(ledger::Ledger * l, OpenForReading(cli->env));
    uint64_t size = f->prove_size;
    if (size == 0) {
      ASSIGN_OR_RETURN(size, l->Size());
    }
    ASSIGN_OR_RETURN(ledger::InclusionProofData proof, l->Prove(f->prove_seq, size));
    ASSIGN_OR_RETURN(ledger::Record record, l->Get(static_cast<int64_t>(f->prove_seq)));
    nlohmann::json out = ledger::InclusionProofToJson(proof);
    out["entry"] = ledger::RecordToJson(record);
    std::cout << out.dump(2) << "\n";
    return OkStatus();
  }));

  auto* consistency = ledger->add_subcommand(
      "consistency", "Consistency proof between the trees of OLD and NEW entries (JSON)");
  consistency->add_option("old", f->old_size, "Older tree size")->required();
  consistency->add_option("new", f->new_size, "Newer tree size")->required();
  consistency->callback(cli->Run([cli, f](Format) -> Status {
    ASSIGN_OR_RETURN(ledger::Ledger * l, OpenForReading(cli->env));
    ASSIGN_OR_RETURN(ledger::ConsistencyProofData proof, l->Consistency(f->old_size, f->new_size));
    std::cout << ledger::ConsistencyProofToJson(proof).dump(2) << "\n";
    return OkStatus();
  }));
}

}  // namespace cairn::cli
