// Workflow throughput on the demo port at 10x its size (30,000 containers): cases of the
// container-release workflow started by the release agent, each with its five evidence queries
// through the engine session, five checks, the recommendation and every ledger entry, against
// a baseline run in the same process: the same five queries, with the same parameters, through
// the same principal's session (ledgered too) and nothing else — what any client gathering
// the evidence itself would pay. Then the evaluation gate: `--decided` cases decided by a
// person (the release officer), replayed through the current version and a candidate,
// against starting the same number of cases afresh.
//
// Cases per second per core: the process is single-threaded, so cases per CPU-second (user +
// system, getrusage) is the per-core figure; wall-clock rates are printed beside it. Rounds
// alternate baseline and workflow over fresh containers; medians are reported.
//
//   ninja -C build cairn_workflow_bench
//   build/bench/cairn_workflow_bench [--containers 30000] [--cases 200] [--rounds 5]
//                                    [--decided 1000]

#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include "count_sink.h"
#include "demo/demo.h"
#include "engine/session.h"
#include "policy/principals.h"
#include "service/workspace.h"
#include "workflow/definition.h"
#include "workflow/workflows.h"

namespace cairn {
namespace {

namespace fs = std::filesystem;
using SteadyClock = std::chrono::steady_clock;

using bench::CountSink;
using bench::Median;

double CpuSeconds() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return usage.ru_utime.tv_sec + usage.ru_utime.tv_usec / 1e6 + usage.ru_stime.tv_sec +
         usage.ru_stime.tv_usec / 1e6;
}

struct Timing {
  double wall = 0;  // seconds
  double cpu = 0;   // seconds
};

template <typename F>
Timing Time(F&& f) {
  const double cpu = CpuSeconds();
  const auto start = SteadyClock::now();
  f();
  return {std::chrono::duration<double>(SteadyClock::now() - start).count(), CpuSeconds() - cpu};
}

[[noreturn]] void Die(const Status& status, const char* what) {
  std::fprintf(stderr, "workflow_bench: %s: %s\n", what, status.ToString().c_str());
  std::exit(1);
}

template <typename T>
T Check(Result<T> result, const char* what) {
  if (!result.ok()) Die(result.status(), what);
  return std::move(*result);
}

void Check(const Status& status, const char* what) {
  if (!status.ok()) Die(status, what);
}

engine::Principal PrincipalNamed(service::Workspace* ws, const std::string& id) {
  policy::PrincipalStore* principals = Check(ws->Principals(), "principals");
  policy::PrincipalRecord record = Check(principals->Get(id), "principal");
  return engine::Principal{record.id, record.roles, record.attributes};
}

int Main(int argc, char** argv) {
  int containers = 30'000;
  int cases = 200;
  int rounds = 5;
  int decided = 1'000;
  for (int i = 1; i + 1 < argc; ++i) {
    const std::string flag = argv[i];
    if (flag == "--containers") containers = std::atoi(argv[i + 1]);
    if (flag == "--cases") cases = std::atoi(argv[i + 1]);
    if (flag == "--rounds") rounds = std::atoi(argv[i + 1]);
    if (flag == "--decided") decided = std::atoi(argv[i + 1]);
  }
  const fs::path dir =
      fs::temp_directory_path() / ("cairn-workflow-bench-" + std::to_string(getpid()));
  demo::DemoOptions options;
  options.dir = dir;
  options.containers = containers;
  std::printf("generating the demo port with %d containers in %s\n", containers,
              dir.string().c_str());
  Check(demo::GenerateDemo(options).status(), "demo");

  auto ws = Check(service::Workspace::Open(dir / "cairn.yaml"), "workspace");
  const engine::Principal admin = Check(ws->LocalAdmin(), "admin");
  // The demo's principals, as `cairn demo` creates them.
  policy::PrincipalStore* principals = Check(ws->Principals(), "principals");
  for (const demo::DemoPrincipal& p : demo::DemoPrincipals()) {
    policy::PrincipalRecord record;
    record.id = p.id;
    record.kind = p.kind;
    record.roles = p.roles;
    record.attributes = p.attributes;
    Check(principals->Add(record), "principal");
  }
  workflow::Workflows* workflows = Check(ws->Workflows(), "workflows");
  const workflow::Definition definition =
      Check(workflow::LoadDefinition(dir / std::string(demo::kReleaseWorkflowFile)), "definition");
  Check(workflows->AddVersion({admin, "bench"}, definition).status(), "add workflow");
  const workflow::Actor agent{PrincipalNamed(ws.get(), "release-bot"), "bench"};
  const workflow::Actor officer{PrincipalNamed(ws.get(), "rita"), "bench"};
  const engine::Principal desk = PrincipalNamed(ws.get(), definition.principal);
  auto desk_session = Check(ws->OpenSession(desk, "bench"), "session");

  // Import containers in the yard (what a release desk is asked about), each used once across the
  // whole run (a case per container).
  auto admin_session = Check(ws->OpenSession(admin, "bench"), "session");
  const engine::QueryResult boxes =
      Check(admin_session->QueryAll(
                "SELECT container_no FROM tos.containers WHERE direction = 'import' AND status = "
                "'in_yard' ORDER BY random()"),
            "containers");
  const size_t needed = static_cast<size_t>(rounds) * cases * 2 + decided;
  if (boxes.rows.size() < needed) {
    std::fprintf(stderr, "workflow_bench: %zu import containers, %zu needed\n", boxes.rows.size(),
                 needed);
    return 1;
  }
  size_t next = 0;
  auto take = [&] { return boxes.rows[next++][0].bytes; };

  std::vector<const workflow::Step*> queries;
  for (const workflow::Step& step : definition.steps) {
    if (step.kind == workflow::StepKind::kQuery) queries.push_back(&step);
  }

  std::vector<double> base_wall, base_cpu, flow_wall, flow_cpu;
  std::vector<double> per_query(queries.size());  // seconds, summed over every round
  int64_t rows = 0;
  for (int round = 0; round < rounds; ++round) {
    const Timing base = Time([&] {
      for (int i = 0; i < cases; ++i) {
        engine::QueryOptions query_options;
        query_options.params = {{"container_no", engine::Value::Text(take())}};
        for (size_t q = 0; q < queries.size(); ++q) {
          CountSink sink;
          const auto start = SteadyClock::now();
          Check(desk_session->Query(queries[q]->sql, &sink, nullptr, query_options),
                "baseline query");
          per_query[q] += std::chrono::duration<double>(SteadyClock::now() - start).count();
          rows += sink.rows;
        }
      }
    });
    const Timing flow = Time([&] {
      for (int i = 0; i < cases; ++i) {
        Check(workflows
                  ->Start(agent, definition.name, {{"container_no", take()}},
                          std::string(demo::kDemoAsOf))
                  .status(),
              "start");
      }
    });
    base_wall.push_back(base.wall / cases);
    base_cpu.push_back(base.cpu / cases);
    flow_wall.push_back(flow.wall / cases);
    flow_cpu.push_back(flow.cpu / cases);
    std::printf("round %d: baseline %.2f ms/case (cpu %.2f), workflow %.2f ms/case (cpu %.2f)\n",
                round + 1, 1e3 * base.wall / cases, 1e3 * base.cpu / cases, 1e3 * flow.wall / cases,
                1e3 * flow.cpu / cases);
  }

  // The evaluation gate: `decided` cases started, then decided by the release officer as a
  // careful person would (approve only when every check passed), then replayed.
  std::vector<int64_t> ids;
  const Timing start_decided = Time([&] {
    for (int i = 0; i < decided; ++i) {
      workflow::Json c = Check(workflows->Start(agent, definition.name, {{"container_no", take()}},
                                                std::string(demo::kDemoAsOf)),
                               "start");
      ids.push_back(c["id"].get<int64_t>());
    }
  });
  int approved = 0;
  const Timing decide = Time([&] {
    for (int64_t id : ids) {
      workflow::Json c = Check(workflows->Get({admin, "bench"}, id), "get");
      bool all_pass = true;
      for (const auto& step : c["steps"]) {
        if (step.contains("check") && step["check"]["outcome"] != "pass") all_pass = false;
      }
      approved += all_pass;
      Check(workflows
                ->Decide(officer, id,
                         all_pass ? workflow::Verdict::kApprove : workflow::Verdict::kReject,
                         all_pass ? "every check passed" : "a check did not pass")
                .status(),
            "decide");
    }
  });
  // A candidate with a looser consignee threshold: a real change to one check.
  std::string text = definition.text;
  const std::string from = "WHEN min(score) >= 0.85 THEN NULL";
  if (text.find(from) == std::string::npos) {
    std::fprintf(stderr, "workflow_bench: the demo's consignee check changed; update the bench\n");
    return 1;
  }
  text.replace(text.find(from), from.size(), "WHEN min(score) >= 0.75 THEN NULL");
  const workflow::Definition candidate =
      Check(workflow::ParseDefinition(text, dir / "candidate.yaml"), "candidate");
  workflow::Json report;
  const Timing eval = Time([&] {
    report = Check(workflows->Evaluate({admin, "bench"}, definition.name, candidate), "eval");
  });

  const double base_case = Median(base_wall), flow_case = Median(flow_wall);
  const double base_cpu_case = Median(base_cpu), flow_cpu_case = Median(flow_cpu);
  std::printf(
      "\n%d containers, %d cases x %d rounds (medians), %lld evidence rows in the baseline\n\n",
      containers, cases, rounds, static_cast<long long>(rows));
  std::printf("| measure | baseline: the 5 queries alone | workflow case | ratio |\n");
  std::printf("|---|---|---|---|\n");
  std::printf("| wall per case | %.2f ms | %.2f ms | %.2fx |\n", 1e3 * base_case, 1e3 * flow_case,
              flow_case / base_case);
  std::printf("| CPU per case | %.2f ms | %.2f ms | %.2fx |\n", 1e3 * base_cpu_case,
              1e3 * flow_cpu_case, flow_cpu_case / base_cpu_case);
  std::printf("| cases per second (wall) | %.0f | %.0f | |\n", 1 / base_case, 1 / flow_case);
  std::printf("| cases per CPU-second (per core) | %.0f | %.0f | |\n\n", 1 / base_cpu_case,
              1 / flow_cpu_case);
  std::printf("Where the baseline's time goes (mean wall per query, ledger append included):\n");
  for (size_t q = 0; q < queries.size(); ++q) {
    std::printf("  %-16s %.2f ms\n", queries[q]->id.c_str(),
                1e3 * per_query[q] / (static_cast<double>(rounds) * cases));
  }
  std::printf("\n");
  std::printf("| evaluation of %d decided cases (%d approved) | seconds |\n", decided, approved);
  std::printf("|---|---|\n");
  std::printf("| start the %d cases (gathering, checks, ledger) | %.2f |\n", decided,
              start_decided.wall);
  std::printf("| decide them (the officer, one by one) | %.2f |\n", decide.wall);
  std::printf("| replay through current + candidate (eval) | %.2f (%.1fx faster than starting) |\n",
              eval.wall, start_decided.wall / eval.wall);
  std::printf("\neval: %s\n", report.dump().substr(0, 400).c_str());
  ws.reset();
  if (std::getenv("CAIRN_BENCH_KEEP") == nullptr) fs::remove_all(dir);
  return 0;
}

}  // namespace
}  // namespace cairn

int main(int argc, char** argv) { return cairn::Main(argc, argv); }
