// The `cairn` command. Every subcommand that reads data goes through one engine::Session.
//
// Exit codes (stable, for scripts):
//   0 success                     5 permission denied / unauthenticated
//   1 internal error              6 a source is unavailable
//   2 bad command line            7 a limit was hit (rows, time, memory)
//   3 invalid input (SQL, config, CSV data)   8 state conflict (exists, precondition)
//   4 not found (source, table, file)   9 stored state is corrupt (e.g. ledger verify)
// Errors go to stderr as "cairn: <Code>: <message>".

#include <spdlog/spdlog.h>

#include <CLI/CLI.hpp>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <sstream>

#include "cli/commands.h"
#include "cli/output.h"
#include "connectors/registry.h"
#include "context/glossary.h"
#include "context/search.h"
#include "core/config.h"
#include "core/config_edit.h"
#include "engine/catalog.h"
#include "engine/session.h"
#include "policy/principals.h"

namespace cairn::cli {
namespace {

int ExitCodeFor(StatusCode code) {
  switch (code) {
    case StatusCode::kOk:
      return 0;
    case StatusCode::kInvalidArgument:
      return 3;
    case StatusCode::kNotFound:
      return 4;
    case StatusCode::kPermissionDenied:
    case StatusCode::kUnauthenticated:
      return 5;
    case StatusCode::kUnavailable:
      return 6;
    case StatusCode::kResourceExhausted:
    case StatusCode::kDeadlineExceeded:
      return 7;
    case StatusCode::kAlreadyExists:
    case StatusCode::kFailedPrecondition:
      return 8;
    case StatusCode::kDataLoss:
      return 9;
    default:
      return 1;
  }
}

int Fail(const Status& status) {
  std::cerr << "cairn: " << status.ToString() << std::endl;
  return ExitCodeFor(status.code());
}

// Splits "source.table" (the table part may itself contain dots).
Result<std::pair<std::string, std::string>> SplitQualified(const std::string& name) {
  size_t dot = name.find('.');
  if (dot == std::string::npos || dot == 0 || dot + 1 == name.size()) {
    return InvalidArgumentError("expected source.table, got '{}'", name);
  }
  return std::make_pair(name.substr(0, dot), name.substr(dot + 1));
}

}  // namespace

void Cli::AddFormat(CLI::App* command) {
  command->add_option("--format,-f", format_name, "Output format: table, csv, json, jsonl")
      ->capture_default_str()
      ->check(CLI::IsMember({"table", "csv", "json", "jsonl"}));
}

std::function<void()> Cli::Run(std::function<Status(Format)> body) {
  return [this, body = std::move(body)]() {
    if (verbose) spdlog::set_level(spdlog::level::debug);
    env.config_path = config_path;
    // Every workspace this process opens (the server's workers, its resume loop) reads it.
    if (!state.empty()) ::setenv("CAIRN_STATE", state.c_str(), 1);
    if (!token.empty()) {
      env.token = token;
    } else if (const char* from_env = std::getenv("CAIRN_TOKEN"); from_env != nullptr) {
      env.token = from_env;
    }
    Result<Format> format = ParseFormat(format_name);
    status = format.ok() ? body(*format) : format.status();
  };
}

Result<service::Workspace*> Environment::OpenWorkspace() {
  if (ws_ == nullptr) {
    ASSIGN_OR_RETURN(ws_, service::Workspace::Open(config_path));
  }
  return ws_.get();
}

Result<store::StateDb*> Environment::OpenStateDb() {
  ASSIGN_OR_RETURN(service::Workspace * ws, OpenWorkspace());
  return ws->StateDb();
}

Result<ledger::Ledger*> Environment::OpenLedger() {
  ASSIGN_OR_RETURN(service::Workspace * ws, OpenWorkspace());
  return ws->Ledger();
}

Result<engine::Principal> Environment::Principal() {
  if (principal_) return *principal_;
  ASSIGN_OR_RETURN(service::Workspace * ws, OpenWorkspace());
  if (token.empty()) {
    ASSIGN_OR_RETURN(engine::Principal admin, ws->LocalAdmin());
    principal_ = std::move(admin);
  } else {
    ASSIGN_OR_RETURN(engine::Principal principal, ws->Authenticate(token));
    principal_ = std::move(principal);
  }
  return *principal_;
}

Status Environment::RequireAdmin(std::string_view what) {
  ASSIGN_OR_RETURN(engine::Principal principal, Principal());
  return ws_->RequireAdmin(principal, "cli", what);
}

Result<policy::Declassifications*> Environment::OpenDeclassifications() {
  ASSIGN_OR_RETURN(service::Workspace * ws, OpenWorkspace());
  return ws->Declassifications();
}

Result<policy::Policy*> Environment::OpenPolicy() {
  ASSIGN_OR_RETURN(service::Workspace * ws, OpenWorkspace());
  // Before any principal is resolved the policy change is attributed to the administrator.
  return ws->Policy(principal_ ? *principal_ : engine::Principal::Admin(), "cli");
}

Status Environment::SignIfAppended() {
  if (ws_ == nullptr) return OkStatus();
  return ws_->SignIfAppended();
}

Status Environment::Record(const std::string& action, const std::string& subject,
                           const std::string& decision) {
  ASSIGN_OR_RETURN(service::Workspace * ws, OpenWorkspace());
  return ws->Record(principal_ ? *principal_ : engine::Principal::Admin(), "cli", action, subject,
                    decision);
}

Result<std::unique_ptr<engine::Session>> Environment::OpenSession() {
  ASSIGN_OR_RETURN(engine::Principal principal, Principal());
  return ws_->OpenSession(principal, "cli");
}

Status RunInit(const Environment& env, bool force) {
  std::filesystem::path file = env.config_path;
  if (std::filesystem::exists(file) && !force) {
    return AlreadyExistsError("{} already exists (use --force to overwrite it)", file.string());
  }
  RETURN_IF_ERROR(WriteFileAtomically(file, ExampleConfigText()));
  std::error_code ec;
  std::filesystem::path state = std::filesystem::absolute(file).parent_path() / ".cairn";
  std::filesystem::create_directories(state, ec);
  if (ec) return UnavailableError("{}: cannot create: {}", state.string(), ec.message());
  // The key that signs the ledger's tree heads (kept if it exists: it vouches for old heads).
  RETURN_IF_ERROR(ledger::KeyPair::LoadOrCreate(state / "ledger.key").status());
  // The local administrator, who acts when no token is given.
  ASSIGN_OR_RETURN(auto db, store::StateDb::Open(state / "state.sqlite"));
  ASSIGN_OR_RETURN(auto principals, policy::PrincipalStore::Open(db.get()));
  RETURN_IF_ERROR(principals->EnsureLocalAdmin());
  // The policy in force now is the baseline; later edits of the file are ledgered as changes.
  ASSIGN_OR_RETURN(auto policy, policy::Policy::Load(state.parent_path() / "policy.yaml"));
  ASSIGN_OR_RETURN(auto versions, policy::Declassifications::Open(db.get()));
  RETURN_IF_ERROR(
      versions->NoteVersion(policy->digest().empty() ? "none" : policy->digest()).status());
  std::cout << "wrote " << file.string() << ", " << state.string() << "/ and the ledger key "
            << (state / "ledger.key").string() << " (+ .pub)\n"
            << "next: cairn sources add NAME --kind sqlite|csv|postgres --option key=value\n";
  return OkStatus();
}

Status RunSourcesList(Environment& env, Format format) {
  ASSIGN_OR_RETURN(auto session, env.OpenSession());
  std::vector<engine::SourceStatus> sources = session->Sources();
  if (format == Format::kJson || format == Format::kJsonl) {
    nlohmann::ordered_json out = nlohmann::ordered_json::array();
    for (const auto& s : sources) {
      nlohmann::ordered_json item = {{"name", s.name},
                                     {"kind", s.kind},
                                     {"location", s.location},
                                     {"ok", s.status.ok()},
                                     {"tables", s.tables}};
      if (!s.status.ok()) item["error"] = s.status.ToString();
      out.push_back(item);
    }
    std::cout << out.dump(2) << "\n";
  } else {
    auto printer = MakePrinter(format, &std::cout);
    RETURN_IF_ERROR(printer->Columns({"source", "kind", "status", "tables", "location"}));
    for (const auto& s : sources) {
      using V = engine::Value;
      RETURN_IF_ERROR(printer->Row(
          {V::Text(s.name), V::Text(s.kind), V::Text(s.status.ok() ? "ok" : s.status.ToString()),
           s.tables >= 0 ? V::Integer(s.tables) : V::Null(), V::Text(s.location)}));
    }
    RETURN_IF_ERROR(printer->Finish());
  }
  for (const auto& s : sources) {
    if (!s.status.ok()) {
      return Status(s.status.code(), fmt::format("source '{}' is not usable", s.name));
    }
  }
  return OkStatus();
}

Status RunSourcesAdd(Environment& env, const NewSource& source) {
  std::ifstream in(env.config_path, std::ios::binary);
  if (!in) {
    return NotFoundError("{}: no such configuration file (run 'cairn init' first)",
                         env.config_path.string());
  }
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  std::filesystem::path absolute = std::filesystem::absolute(env.config_path).lexically_normal();
  ASSIGN_OR_RETURN(std::string updated, AddSourceToConfigText(text, absolute, source));
  ASSIGN_OR_RETURN(Config config, ParseConfig(updated, absolute));
  RETURN_IF_ERROR(connectors::ValidateSourceConfig(*config.FindSource(source.name)));
  RETURN_IF_ERROR(WriteFileAtomically(env.config_path, updated));
  std::cout << "added source '" << source.name << "' (" << source.kind << ") to "
            << env.config_path.string() << "\n";
  return OkStatus();
}

Status RunTables(Environment& env, const std::string& only, Format format) {
  ASSIGN_OR_RETURN(auto session, env.OpenSession());
  std::vector<std::string> names;
  if (only.empty()) {
    names = env.catalog()->SourceNames();
  } else {
    names.push_back(only);
  }
  auto printer = MakePrinter(format, &std::cout);
  RETURN_IF_ERROR(printer->Columns({"source", "table", "kind", "columns", "rows_estimate"}));
  for (const auto& name : names) {
    Result<std::vector<connectors::TableInfo>> listed = session->Tables(name);
    // A restricted principal lists the sources it may see; the others do not exist for it.
    if (only.empty() && session->restricted() && listed.status().code() == StatusCode::kNotFound) {
      continue;
    }
    ASSIGN_OR_RETURN(auto tables, std::move(listed));
    for (const auto& table : tables) {
      using V = engine::Value;
      RETURN_IF_ERROR(
          printer->Row({V::Text(name), V::Text(table.name), V::Text(table.kind),
                        V::Integer(static_cast<int64_t>(table.columns.size())),
                        table.row_estimate >= 0 ? V::Integer(table.row_estimate) : V::Null()}));
    }
  }
  return printer->Finish();
}

struct DescribeFlags {
  std::string name;
  std::string column;
  std::optional<std::string> set;
};

// Shows a table's columns with their stated descriptions, or, with --set, states the
// description of the table or of one column (an empty text removes it).
Status RunDescribe(Environment& env, const DescribeFlags& flags, Format format) {
  ASSIGN_OR_RETURN(auto parts, SplitQualified(flags.name));
  ASSIGN_OR_RETURN(auto session, env.OpenSession());
  ASSIGN_OR_RETURN(connectors::TableInfo table, session->Describe(parts.first, parts.second));
  if (!flags.column.empty()) {
    bool found = false;
    for (const auto& column : table.columns) found = found || column.name == flags.column;
    if (!found) {
      return NotFoundError("no column '{}' in {}.{}", flags.column, parts.first, parts.second);
    }
  }
  ASSIGN_OR_RETURN(store::StateDb * db, env.OpenStateDb());
  ASSIGN_OR_RETURN(context::Glossary glossary, context::Glossary::Open(db));
  if (flags.set) {
    RETURN_IF_ERROR(glossary.SetDescription(parts.first, table.name, flags.column, *flags.set,
                                            session->principal().id));
    RETURN_IF_ERROR(env.Record(
        "description_change",
        fmt::format("{} {}.{}{}", flags.set->empty() ? "description remove" : "describe",
                    parts.first, table.name, flags.column.empty() ? "" : "." + flags.column)));
    ASSIGN_OR_RETURN(context::SearchIndex index, context::SearchIndex::Open(db));
    RETURN_IF_ERROR(index.RefreshStated().status());
    std::cout << (flags.set->empty() ? "removed the description of " : "described ") << parts.first
              << "." << table.name << (flags.column.empty() ? "" : "." + flags.column) << "\n";
    return OkStatus();
  } else if (!flags.column.empty()) {
    return InvalidArgumentError("--column needs --set");
  }
  ASSIGN_OR_RETURN(std::vector<context::Description> descriptions,
                   glossary.ListDescriptions(parts.first, table.name));
  std::map<std::string, std::string> described;
  for (const auto& d : descriptions) described[d.column] = d.text;
  if (format == Format::kTable && described.count("") != 0) {
    std::cout << parts.first << "." << table.name << ": " << described[""] << "\n\n";
  }
  auto printer = MakePrinter(format, &std::cout);
  RETURN_IF_ERROR(printer->Columns(
      {"column", "type", "source_type", "not_null", "primary_key", "description"}));
  for (const auto& column : table.columns) {
    using V = engine::Value;
    auto d = described.find(column.name);
    RETURN_IF_ERROR(
        printer->Row({V::Text(column.name), V::Text(column.type), V::Text(column.source_type),
                      V::Integer(column.not_null), V::Integer(column.primary_key),
                      d == described.end() ? V::Null() : V::Text(d->second)}));
  }
  return printer->Finish();
}

Status RunQuery(Environment& env, std::string sql, Format format, int64_t max_rows,
                int64_t timeout_ms, const std::string& to) {
  if (sql == "-") {
    sql.assign(std::istreambuf_iterator<char>(std::cin), std::istreambuf_iterator<char>());
  }
  ASSIGN_OR_RETURN(auto session, env.OpenSession());
  Limits limits = session->limits();
  if (max_rows > 0) limits.max_rows = max_rows;
  if (timeout_ms > 0) limits.timeout_ms = timeout_ms;
  session->set_limits(limits);
  auto printer = MakePrinter(format, &std::cout);
  engine::QueryOptions options;
  options.destination = to;
  engine::QueryStats stats;
  RETURN_IF_ERROR(session->Query(sql, printer.get(), &stats, options));
  RETURN_IF_ERROR(printer->Finish());
  if (format == Format::kTable) {
    std::cerr << "(" << stats.rows << (stats.rows == 1 ? " row" : " rows")
              << ", label: " << engine::LabelName(stats.label) << ")\n";
  }
  return OkStatus();
}

int Main(int argc, char** argv) {
  spdlog::set_level(spdlog::level::warn);
  CLI::App app{
      "Cairn: a context engine and trust layer for enterprise AI agents.\n"
      "Answers read-only SQL across SQLite, CSV and PostgreSQL sources."};
  app.set_version_flag("--version", std::string("cairn ") + CAIRN_VERSION);
  app.require_subcommand(1);
  Cli cli;
  cli.app = &app;
  Environment& env = cli.env;
  app.add_option("--config", cli.config_path,
                 "Configuration file (state goes to .cairn/ beside it)")
      ->capture_default_str();
  app.add_flag("-v,--verbose", cli.verbose, "Log diagnostics to stderr");
  app.add_option("--state", cli.state,
                 "Keep the state in this PostgreSQL database (postgres://user@host:port/db; "
                 "password from PGPASSWORD or ~/.pgpass) instead of cairn.yaml's state: or "
                 ".cairn/state.sqlite (default: $CAIRN_STATE)");
  app.add_option("--token", cli.token,
                 "Act as the principal of this token (default: $CAIRN_TOKEN, else the local "
                 "administrator)");
  auto add_format = [&](CLI::App* command) { cli.AddFormat(command); };
  auto run = [&](std::function<Status(Format)> body) { return cli.Run(std::move(body)); };
  Status& status = cli.status;

  auto* init = app.add_subcommand("init", "Write a commented example cairn.yaml and .cairn/");
  bool force = false;
  init->add_flag("--force", force, "Overwrite an existing configuration file");
  init->callback(run([&](Format) { return RunInit(env, force); }));

  auto* sources = app.add_subcommand("sources", "List the sources and test that each is reachable");
  add_format(sources);
  auto* add = sources->add_subcommand("add", "Add a source to cairn.yaml (comments are kept)");
  // CLI11 runs a parent's callback after its subcommand's: list only when no `add` was given.
  auto list_sources = run([&](Format format) { return RunSourcesList(env, format); });
  sources->callback([&, list_sources] {
    if (!add->parsed()) list_sources();
  });
  NewSource new_source;
  std::vector<std::string> option_pairs;
  std::string path_option, password_env;
  std::vector<std::string> schemas;
  add->add_option("name", new_source.name, "Source name (becomes its SQL schema)")->required();
  std::string kinds_help = "Source kind:";
  std::vector<std::string> kind_names;
  for (const auto& kind : connectors::Kinds()) {
    kinds_help += " " + kind.name;
    kind_names.push_back(kind.name);
  }
  add->add_option("--kind", new_source.kind, kinds_help)
      ->required()
      ->check(CLI::IsMember(kind_names));
  add->add_option("--path", path_option, "File or directory (sqlite, csv)");
  add->add_option("--password-env", password_env,
                  "Environment variable holding the password (written as ${VAR})");
  add->add_option("--schemas", schemas, "Schemas to expose (postgres)")->delimiter(',');
  add->add_option("-o,--option", option_pairs, "Any other option as key=value (repeatable)");
  add->callback(run([&](Format) -> Status {
    if (!path_option.empty()) new_source.options.emplace_back("path", path_option);
    for (const auto& pair : option_pairs) {
      size_t eq = pair.find('=');
      if (eq == std::string::npos || eq == 0) {
        return InvalidArgumentError("--option expects key=value, got '{}'", pair);
      }
      new_source.options.emplace_back(pair.substr(0, eq), pair.substr(eq + 1));
    }
    if (!password_env.empty())
      new_source.options.emplace_back("password", "${" + password_env + "}");
    if (!schemas.empty()) new_source.lists.emplace_back("schemas", schemas);
    return RunSourcesAdd(env, new_source);
  }));

  auto* tables = app.add_subcommand("tables", "List the tables of every source, or of one");
  std::string tables_source;
  tables->add_option("source", tables_source, "Only this source");
  add_format(tables);
  tables->callback(run([&](Format format) { return RunTables(env, tables_source, format); }));

  auto* describe = app.add_subcommand(
      "describe", "Show the columns of source.table, or state a description with --set");
  DescribeFlags describe_flags;
  describe->add_option("table", describe_flags.name, "source.table")->required();
  describe->add_option("--set", describe_flags.set,
                       "State the description of the table (or of --column); \"\" removes it");
  describe->add_option("--column,-c", describe_flags.column, "The column --set describes");
  add_format(describe);
  describe->callback(run([&](Format format) { return RunDescribe(env, describe_flags, format); }));

  auto* query = app.add_subcommand("query", "Run one read-only SQL statement across the sources");
  std::string sql;
  int64_t max_rows = 0, timeout_ms = 0;
  std::string query_to;
  query->add_option("sql", sql, "The SQL statement, or - to read it from stdin")->required();
  query->add_option("--to", query_to,
                    "The sink the result is for (policy sinks); refused when the result's label "
                    "exceeds the sink's clearance");
  query->add_option("--max-rows", max_rows, "Row cap for this query (default: limits.max_rows)");
  query->add_option("--timeout-ms", timeout_ms,
                    "Time cap for this query (default: limits.timeout_ms)");
  add_format(query);
  query->callback(run(
      [&](Format format) { return RunQuery(env, sql, format, max_rows, timeout_ms, query_to); }));

  auto* demo = app.add_subcommand("demo", "Generate the demo container port and query across it");
  DemoFlags demo_flags;
  demo->add_option("--dir", demo_flags.dir, "Where to write it")->capture_default_str();
  demo->add_option("--seed", demo_flags.seed, "Random seed")->capture_default_str();
  demo->add_option("--containers", demo_flags.containers, "Containers in the port (50 to 50000)")
      ->capture_default_str();
  demo->add_flag("--force", demo_flags.force, "Overwrite an existing demo in --dir");
  add_format(demo);
  auto* serve_api = demo->add_subcommand(
      "serve-api", "Serve the demo's delivery orders as a shipping line's paginated JSON API");
  DemoApiFlags api_flags;
  serve_api->add_option("--dir", api_flags.dir, "Where 'cairn demo' wrote the port")
      ->capture_default_str();
  serve_api->add_option("--port", api_flags.port, "Port to listen on (0: any free port)")
      ->capture_default_str();
  serve_api->add_option("--address", api_flags.address, "Address to listen on")
      ->capture_default_str();
  serve_api->callback(run([&](Format) { return RunDemoApi(api_flags); }));
  const auto run_demo = run([&](Format format) { return RunDemo(demo_flags, format); });
  demo->callback([serve_api, run_demo] {
    if (!serve_api->parsed()) run_demo();
  });

  RegisterDiscoveryCommands(&cli);
  RegisterPathCommands(&cli);
  RegisterMemoryCommands(&cli);
  RegisterPrincipalCommands(&cli);
  RegisterPolicyCommands(&cli);
  RegisterLedgerCommands(&cli);
  RegisterStateCommands(&cli);
  RegisterServeCommands(&cli);
  RegisterWorkflowCommands(&cli);

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int code = app.exit(e);
    return code == 0 ? 0 : 2;
  }
  // Sign a tree head over what this command appended, so a later truncation or rewrite of the
  // ledger is detectable against it.
  if (Status signed_head = env.SignIfAppended(); !signed_head.ok() && status.ok()) {
    status = signed_head;
  }
  return status.ok() ? 0 : Fail(status);
}

}  // namespace cairn::cli

int main(int argc, char** argv) { return cairn::cli::Main(argc, argv); }
