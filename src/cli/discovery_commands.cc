// `cairn discover` and `cairn joins` (list, confirm, reject).

#include <unistd.h>

#include <cstdio>
#include <iostream>
#include <nlohmann/json.hpp>

#include "cli/commands.h"
#include "context/discovery.h"
#include "context/join_store.h"
#include "context/lexicon.h"
#include "service/context_ops.h"

namespace cairn::cli {
namespace {

struct DiscoverFlags {
  std::vector<std::string> sources;
  bool json = false;
  bool full = false;
  int64_t sample_rows = 100'000;
};

// Draws "[#####.....] 12/40 source.table" on stderr, overwriting the line.
void DrawProgress(const context::DiscoveryProgress& p) {
  constexpr int kWidth = 30;
  int filled = p.total > 0 ? kWidth * p.done / p.total : 0;
  std::string bar(static_cast<size_t>(filled), '#');
  bar.append(static_cast<size_t>(kWidth - filled), '.');
  std::string current = p.current.size() > 40 ? p.current.substr(0, 37) + "..." : p.current;
  std::fprintf(stderr, "\r[%s] %d/%d %-40s", bar.c_str(), p.done, p.total, current.c_str());
  std::fflush(stderr);
}

Status RunDiscover(Environment& env, const DiscoverFlags& flags) {
  ASSIGN_OR_RETURN(auto session, env.OpenSession());
  ASSIGN_OR_RETURN(store::StateDb * db, env.OpenStateDb());
  // Discovery writes the shared context (profiles, top values, joins) that every principal's
  // metadata is filtered from: it reads as the administrator.
  RETURN_IF_ERROR(env.RequireAdmin("discover"));
  context::DiscoveryOptions options;
  ASSIGN_OR_RETURN(options.inference.lexicon,
                   context::LoadConfiguredLexicon(env.catalog()->config().context));
  options.sources = flags.sources;
  options.full = flags.full;
  options.sample_rows = flags.sample_rows;
  const bool terminal = isatty(STDERR_FILENO) != 0;
  if (terminal) options.progress = DrawProgress;
  Result<context::DiscoveryReport> report = context::Discover(session.get(), db, options);
  if (terminal) std::fprintf(stderr, "\r%80s\r", "");
  if (!report.ok()) return report.status();
  const std::string outcome =
      report->status().ok() ? "allow"
                            : "error: " + std::string(StatusCodeName(report->status().code()));
  const std::string what = flags.sources.empty() ? std::string("all sources")
                                                 : fmt::format("{}", fmt::join(flags.sources, ","));
  RETURN_IF_ERROR(env.Record(
      "discovery",
      fmt::format("discover {}: profiled {}, skipped {}, failed {}; joins {} declared, {} inferred",
                  what, report->profiled, report->skipped, report->failed, report->declared_joins,
                  report->inferred_joins),
      outcome));
  // Whether names were read through a lexicon, so that an operator sees the setting took.
  const size_t lexicon_pairs = options.inference.lexicon ? options.inference.lexicon->pairs() : 0;
  if (flags.json) {
    nlohmann::json json = report->ToJson();
    if (lexicon_pairs > 0) {
      json["lexicon_pairs"] = lexicon_pairs;
      json["translated_words"] = report->translated_words;
    }
    std::cout << json.dump(2) << "\n";
  } else {
    std::cout << "profiled " << report->profiled << " tables, skipped " << report->skipped
              << " unchanged, " << report->failed << " failed in "
              << fmt::format("{:.2f}", report->seconds) << " s; joins: " << report->declared_joins
              << " declared, " << report->inferred_joins << " inferred\n";
    if (lexicon_pairs > 0) {
      std::cout << "names matched across languages through a lexicon of " << lexicon_pairs
                << " translations (context.lexicon); " << report->translated_words
                << " words of names translated for search\n";
    }
    for (const auto& d : report->drift) {
      std::cout << "drift: " << d.source << "." << d.table << ": " << d.change;
      if (!d.column.empty()) std::cout << " " << d.column;
      if (!d.old_type.empty() || !d.new_type.empty())
        std::cout << " (" << d.old_type << " -> " << d.new_type << ")";
      std::cout << "\n";
    }
    for (const auto& e : report->source_errors) std::cout << "error: " << e.ToString() << "\n";
    for (const auto& t : report->tables) {
      if (t.state == context::TableOutcome::State::kFailed)
        std::cout << "error: " << t.error.ToString() << "\n";
    }
  }
  return report->status();
}

// Parses "source.table(col1, col2)".
Result<context::JoinSide> ParseSide(const std::string& spec) {
  size_t dot = spec.find('.');
  size_t open = spec.rfind('(');
  if (dot == std::string::npos || dot == 0 || open == std::string::npos || open <= dot + 1 ||
      spec.back() != ')') {
    return InvalidArgumentError("expected source.table(column, ...), got '{}'", spec);
  }
  context::JoinSide side;
  side.source = spec.substr(0, dot);
  side.table = spec.substr(dot + 1, open - dot - 1);
  std::string inner = spec.substr(open + 1, spec.size() - open - 2);
  size_t start = 0;
  while (start <= inner.size()) {
    size_t comma = inner.find(',', start);
    if (comma == std::string::npos) comma = inner.size();
    std::string column = inner.substr(start, comma - start);
    size_t b = column.find_first_not_of(' '), e = column.find_last_not_of(' ');
    if (b == std::string::npos) {
      return InvalidArgumentError("empty column name in '{}'", spec);
    }
    side.columns.push_back(column.substr(b, e - b + 1));
    start = comma + 1;
  }
  return side;
}

Status RunJoinsList(Environment& env, Format format) {
  ASSIGN_OR_RETURN(auto session, env.OpenSession());
  ASSIGN_OR_RETURN(store::StateDb * db, env.OpenStateDb());
  ASSIGN_OR_RETURN(context::JoinStore store, context::JoinStore::Open(db));
  ASSIGN_OR_RETURN(std::vector<context::Join> listed, store.List());
  std::vector<context::Join> joins = service::VisibleJoins(*session, std::move(listed));
  if (format == Format::kJson) {
    nlohmann::json out = nlohmann::json::array();
    for (const auto& j : joins) out.push_back(j.ToJson());
    std::cout << out.dump(2) << "\n";
    return OkStatus();
  }
  if (format == Format::kJsonl) {
    for (const auto& j : joins) std::cout << j.ToJson().dump() << "\n";
    return OkStatus();
  }
  auto side = [](const context::JoinSide& s) {
    std::string out = s.source + "." + s.table + "(";
    for (size_t i = 0; i < s.columns.size(); ++i) out += (i ? ", " : "") + s.columns[i];
    return out + ")";
  };
  auto printer = MakePrinter(format, &std::cout);
  RETURN_IF_ERROR(printer->Columns({"id", "kind", "from", "to", "score", "evidence"}));
  for (const auto& j : joins) {
    using V = engine::Value;
    RETURN_IF_ERROR(printer->Row({V::Integer(j.id), V::Text(std::string(JoinKindName(j.kind))),
                                  V::Text(side(j.from)), V::Text(side(j.to)), V::Real(j.score),
                                  V::Text(j.evidence.dump())}));
  }
  return printer->Finish();
}

Status RunVerdict(Environment& env, const std::vector<std::string>& args, context::JoinKind verdict,
                  const std::string& note) {
  ASSIGN_OR_RETURN(store::StateDb * db, env.OpenStateDb());
  ASSIGN_OR_RETURN(context::JoinStore store, context::JoinStore::Open(db));
  context::JoinSide from, to;
  if (args.size() == 1) {
    int64_t id = 0;
    try {
      size_t used = 0;
      id = std::stoll(args[0], &used);
      if (used != args[0].size()) throw std::invalid_argument("trailing characters");
    } catch (const std::exception&) {
      return InvalidArgumentError("expected a join id or FROM TO specs, got '{}'", args[0]);
    }
    ASSIGN_OR_RETURN(context::Join join, store.Get(id));
    from = join.from;
    to = join.to;
  } else if (args.size() == 2) {
    ASSIGN_OR_RETURN(from, ParseSide(args[0]));
    ASSIGN_OR_RETURN(to, ParseSide(args[1]));
    if (from.columns.size() != to.columns.size()) {
      return InvalidArgumentError("both sides need the same number of columns");
    }
  } else {
    return InvalidArgumentError("expected a join id, or FROM and TO as source.table(columns)");
  }
  RETURN_IF_ERROR(env.RequireAdmin("joins confirm/reject"));
  ASSIGN_OR_RETURN(engine::Principal principal, env.Principal());
  ASSIGN_OR_RETURN(context::Join join, store.SetVerdict(from, to, verdict, principal.id, note));
  RETURN_IF_ERROR(env.Record("join_verdict", service::JoinVerdictSubject(join)));
  std::cout << JoinKindName(join.kind) << " join " << join.id << ": " << join.from.source << "."
            << join.from.table << " -> " << join.to.source << "." << join.to.table << "\n";
  return OkStatus();
}

}  // namespace

void RegisterDiscoveryCommands(Cli* cli) {
  auto* discover = cli->app->add_subcommand(
      "discover", "Profile tables and columns, import declared keys, infer joins");
  auto flags = std::make_shared<DiscoverFlags>();
  discover->add_option("source", flags->sources, "Only these sources (default: all)");
  discover->add_flag("--json", flags->json, "Print a machine-readable summary");
  discover->add_flag("--full", flags->full, "Re-profile unchanged tables too");
  discover->add_option("--sample-rows", flags->sample_rows, "Rows profiled per table at most")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  discover->callback(cli->Run([cli, flags](Format) { return RunDiscover(cli->env, *flags); }));

  auto* joins = cli->app->add_subcommand("joins",
                                         "List joins (declared, inferred, confirmed, "
                                         "rejected); confirm or reject one");
  cli->AddFormat(joins);
  auto* confirm =
      joins->add_subcommand("confirm", "Confirm a join: ID, or FROM TO as source.table(col, ...)");
  auto* reject =
      joins->add_subcommand("reject", "Reject a join: ID, or FROM TO as source.table(col, ...)");
  auto confirm_args = std::make_shared<std::vector<std::string>>();
  auto reject_args = std::make_shared<std::vector<std::string>>();
  auto note = std::make_shared<std::string>();
  confirm->add_option("join", *confirm_args, "ID, or FROM TO")->required()->expected(1, 2);
  reject->add_option("join", *reject_args, "ID, or FROM TO")->required()->expected(1, 2);
  confirm->add_option("--note", *note, "Why");
  reject->add_option("--note", *note, "Why");
  confirm->callback(cli->Run([cli, confirm_args, note](Format) {
    return RunVerdict(cli->env, *confirm_args, context::JoinKind::kConfirmed, *note);
  }));
  reject->callback(cli->Run([cli, reject_args, note](Format) {
    return RunVerdict(cli->env, *reject_args, context::JoinKind::kRejected, *note);
  }));
  auto list = cli->Run([cli](Format format) { return RunJoinsList(cli->env, format); });
  joins->callback([confirm, reject, list] {
    if (!confirm->parsed() && !reject->parsed()) list();
  });
}

}  // namespace cairn::cli
