// `cairn ledger ...`: read, verify and prove the tamper-evident record of every action.

#include <iostream>

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

}  // namespace

void RegisterLedgerCommands(Cli* cli) {
  auto* ledger = cli->app->add_subcommand(
      "ledger", "The tamper-evident record of every action: tail, show, search, verify, prove");
  ledger->require_subcommand(1);

  auto* tail = ledger->add_subcommand("tail", "The last entries, oldest first");
  static int64_t count = 20;
  tail->add_option("-n,--count", count, "How many")->capture_default_str();
  cli->AddFormat(tail);
  tail->callback(cli->Run([cli](Format format) -> Status {
    ASSIGN_OR_RETURN(ledger::Ledger * l, cli->env.OpenLedger());
    ASSIGN_OR_RETURN(auto records, l->Tail(count));
    return PrintRecords(records, format);
  }));

  auto* show = ledger->add_subcommand("show", "One entry");
  static int64_t show_seq = 0;
  show->add_option("seq", show_seq, "Sequence number")->required();
  cli->AddFormat(show);
  show->callback(cli->Run([cli](Format format) -> Status {
    ASSIGN_OR_RETURN(ledger::Ledger * l, cli->env.OpenLedger());
    ASSIGN_OR_RETURN(ledger::Record record, l->Get(show_seq));
    return PrintRecords({record}, format);
  }));

  auto* search = ledger->add_subcommand("search", "Entries matching every filter given");
  static ledger::SearchFilter filter;
  static std::string principal, action, subject, decision, from, to;
  search->add_option("--principal", principal, "Exactly this principal");
  search->add_option("--action", action, "Exactly this action (query, ...)");
  search->add_option("--subject", subject, "Subject contains this text");
  search->add_option("--decision", decision, "Exactly this decision");
  search->add_option("--from", from, "Time >= this (ISO-8601 UTC)");
  search->add_option("--to", to, "Time < this (ISO-8601 UTC)");
  search->add_option("--limit", filter.limit, "At most this many (0: all)");
  cli->AddFormat(search);
  search->callback(cli->Run([cli](Format format) -> Status {
    auto set = [](const std::string& v, std::optional<std::string>* field) {
      if (!v.empty()) *field = v;
    };
    set(principal, &filter.principal);
    set(action, &filter.action);
    set(subject, &filter.subject);
    set(decision, &filter.decision);
    set(from, &filter.from);
    set(to, &filter.to);
    ASSIGN_OR_RETURN(ledger::Ledger * l, cli->env.OpenLedger());
    ASSIGN_OR_RETURN(auto records, l->Search(filter));
    return PrintRecords(records, format);
  }));

  auto* verify = ledger->add_subcommand(
      "verify",
      "Recompute every hash and check the signed tree heads; exit 9 naming the first "
      "bad entry");
  verify->callback(cli->Run([cli](Format) -> Status {
    ASSIGN_OR_RETURN(ledger::Ledger * l, cli->env.OpenLedger());
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
  sign->callback(cli->Run([cli](Format) -> Status {
    ASSIGN_OR_RETURN(ledger::Ledger * l, cli->env.OpenLedger());
    ASSIGN_OR_RETURN(ledger::SignedTreeHead head, l->SignTreeHead());
    std::cout << ledger::TreeHeadToJson(head).dump(2) << "\n";
    return OkStatus();
  }));

  auto* prove = ledger->add_subcommand(
      "prove", "Inclusion proof of entry SEQ in the tree of SIZE entries (JSON, docs/ledger.md)");
  static uint64_t prove_seq = 0, prove_size = 0;
  prove->add_option("seq", prove_seq, "Sequence number")->required();
  prove->add_option("--size", prove_size, "Tree size (default: the whole ledger)");
  prove->callback(cli->Run([cli](Format) -> Status {
    ASSIGN_OR_RETURN(ledger::Ledger * l, cli->env.OpenLedger());
    uint64_t size = prove_size;
    if (size == 0) {
      ASSIGN_OR_RETURN(size, l->Size());
    }
    ASSIGN_OR_RETURN(ledger::InclusionProofData proof, l->Prove(prove_seq, size));
    ASSIGN_OR_RETURN(ledger::Record record, l->Get(static_cast<int64_t>(prove_seq)));
    nlohmann::json out = ledger::InclusionProofToJson(proof);
    out["entry"] = ledger::RecordToJson(record);
    std::cout << out.dump(2) << "\n";
    return OkStatus();
  }));

  auto* consistency = ledger->add_subcommand(
      "consistency", "Consistency proof between the trees of OLD and NEW entries (JSON)");
  static uint64_t old_size = 0, new_size = 0;
  consistency->add_option("old", old_size, "Older tree size")->required();
  consistency->add_option("new", new_size, "Newer tree size")->required();
  consistency->callback(cli->Run([cli](Format) -> Status {
    ASSIGN_OR_RETURN(ledger::Ledger * l, cli->env.OpenLedger());
    ASSIGN_OR_RETURN(ledger::ConsistencyProofData proof, l->Consistency(old_size, new_size));
    std::cout << ledger::ConsistencyProofToJson(proof).dump(2) << "\n";
    return OkStatus();
  }));
}

}  // namespace cairn::cli
