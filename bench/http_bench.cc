// An http source's scan against fetching the same pages without Cairn, in one process: a local
// server (net/test_http_server.h, one connection per request, as the connector uses) serves
// --rows delivery orders in pages of --page rows; Cairn scans them through the engine Session
// (JSON parsed, six columns typed, SQLite aggregating), the baselines fetch the same page URLs
// with the same client (net::HttpGet) and either only receive them or also parse the JSON, and
// `curl` (when installed) fetches them in one process. Rounds alternate; medians are reported
// as rows per second.
//
//   ninja -C build cairn_http_bench && build/bench/cairn_http_bench [--rows N] [--page N]
//       [--rounds R]

#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "core/config.h"
#include "count_sink.h"
#include "engine/catalog.h"
#include "engine/session.h"
#include "net/http_client.h"
#include "net/test_http_server.h"

namespace cairn {
namespace {

using SteadyClock = std::chrono::steady_clock;
using bench::CountSink;
using bench::Median;

double Seconds(SteadyClock::time_point start) {
  return std::chrono::duration<double>(SteadyClock::now() - start).count();
}

int Main(int argc, char** argv) {
  int rows = 100'000;
  int page = 1'000;
  int rounds = 5;
  for (int i = 1; i + 1 < argc; ++i) {
    if (std::string(argv[i]) == "--rows") rows = std::atoi(argv[i + 1]);
    if (std::string(argv[i]) == "--page") page = std::atoi(argv[i + 1]);
    if (std::string(argv[i]) == "--rounds") rounds = std::atoi(argv[i + 1]);
  }
  // Page bodies, built once: {"data": {"items": [...]}}; the page after the last is empty.
  std::vector<std::string> bodies;
  for (int from = 0; from <= rows; from += page) {
    nlohmann::json items = nlohmann::json::array();
    for (int i = from; i < std::min(rows, from + page); ++i) {
      items.push_back({{"do_number", "DO-" + std::to_string(i)},
                       {"container", {{"number", "MSCU" + std::to_string(1000000 + i % 9000)}}},
                       {"consignee", "Consignee " + std::to_string(i % 500)},
                       {"weight_kg", 1000.25 + i % 20000},
                       {"pieces", i % 40},
                       {"released", i % 3 == 0}});
    }
    bodies.push_back(nlohmann::json{{"data", {{"items", items}}}}.dump());
  }
  net::testing::TestHttpServer server([&](const net::testing::RecordedRequest& request) {
    const size_t eq = request.target.rfind("page=");
    const size_t n = eq == std::string::npos ? 1 : std::stoul(request.target.substr(eq + 5));
    return net::testing::Reply{200, n - 1 < bodies.size() ? bodies[n - 1] : "{\"data\":{}}"};
  });
  std::vector<std::string> urls;
  for (size_t n = 1; n <= bodies.size(); ++n) {
    urls.push_back(server.Url(fmt::format("/orders?limit={}&page={}", page, n)));
  }

  const std::string yaml = fmt::format(
      "sources:\n  line:\n    kind: http\n    url: {}\n    rate_limit: 0\n"
      "    max_pages: 100000\n    tables:\n      orders:\n        path: /orders\n"
      "        rows_at: data.items\n"
      "        paginate: {{style: page, size_param: limit, size: {}}}\n"
      "        columns:\n          do_number: text\n"
      "          container_no: {{at: container.number, type: text}}\n"
      "          consignee: text\n          weight_kg: real\n          pieces: integer\n"
      "          released: boolean\n",
      server.Url(""), page);
  Result<Config> config = ParseConfig(yaml, "/tmp/cairn-http-bench/cairn.yaml");
  if (!config.ok()) {
    std::fprintf(stderr, "%s\n", config.status().ToString().c_str());
    return 1;
  }
  Result<std::unique_ptr<engine::Catalog>> catalog = engine::Catalog::Create(*config);
  Result<std::unique_ptr<engine::Session>> session =
      engine::Session::Open(catalog->get(), engine::Principal::Admin());
  if (!session.ok()) {
    std::fprintf(stderr, "%s\n", session.status().ToString().c_str());
    return 1;
  }
  const std::string sql =
      "SELECT do_number, container_no, consignee, weight_kg, pieces, released FROM line.orders";
  const bool have_curl = std::system("command -v curl >/dev/null 2>&1") == 0;
  std::string curl_command = "curl -s";
  for (const std::string& url : urls) curl_command += " -o /dev/null '" + url + "'";

  std::vector<double> cairn_rps, fetch_rps, parse_rps, curl_rps;
  for (int round = 0; round < rounds; ++round) {
    auto start = SteadyClock::now();
    CountSink sink;
    Status status = (*session)->Query(sql, &sink);
    if (!status.ok() || sink.rows != rows) {
      std::fprintf(stderr, "cairn scan: %s, %lld rows\n", status.ToString().c_str(),
                   static_cast<long long>(sink.rows));
      return 1;
    }
    cairn_rps.push_back(rows / Seconds(start));

    start = SteadyClock::now();
    for (const std::string& url : urls) {
      Result<net::HttpResponse> response = net::HttpGet(url, {}, 30'000, 64 << 20);
      if (!response.ok() || response->status != 200) return 1;
    }
    fetch_rps.push_back(rows / Seconds(start));

    start = SteadyClock::now();
    size_t parsed = 0;
    for (const std::string& url : urls) {
      Result<net::HttpResponse> response = net::HttpGet(url, {}, 30'000, 64 << 20);
      if (!response.ok()) return 1;
      parsed += nlohmann::json::parse(response->body)["data"]
                    .value("items", nlohmann::json::array())
                    .size();
    }
    if (parsed != static_cast<size_t>(rows)) return 1;
    parse_rps.push_back(rows / Seconds(start));

    if (have_curl) {
      start = SteadyClock::now();
      if (std::system(curl_command.c_str()) != 0) return 1;
      curl_rps.push_back(rows / Seconds(start));
    }
  }
  std::printf("%d rows in pages of %d (%zu requests), medians of %d rounds\n\n", rows, page,
              urls.size(), rounds);
  std::printf("| case | rows/s |\n|---|---|\n");
  std::printf("| Cairn: SELECT of 6 typed columns through the engine Session | %.0f |\n",
              Median(cairn_rps));
  std::printf("| baseline: the same pages fetched with net::HttpGet (Beast), not parsed | %.0f |\n",
              Median(fetch_rps));
  std::printf("| baseline: fetched with net::HttpGet and parsed with nlohmann::json | %.0f |\n",
              Median(parse_rps));
  if (have_curl) {
    std::printf("| baseline: curl, one process fetching every page URL | %.0f |\n",
                Median(curl_rps));
  }
  std::printf("\nCairn / Beast fetch: %.2f; Cairn / fetch+parse: %.2f\n",
              Median(cairn_rps) / Median(fetch_rps), Median(cairn_rps) / Median(parse_rps));
  return 0;
}

}  // namespace
}  // namespace cairn

int main(int argc, char** argv) { return cairn::Main(argc, argv); }
