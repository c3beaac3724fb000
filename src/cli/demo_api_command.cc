// `cairn demo serve-api`: a shipping line's delivery-order API over the demo's generated
// lines/delivery_orders.csv, for trying the http connector against the demo port.
//
//   GET /v1/delivery-orders?page=N&per_page=M[&container_no=X]
//     200 {"data": [{"do_number", "bl_number", "container_no", "consignee_name", "issued_at",
//                    "valid_until"}, ...], "page": N, "per_page": M, "total": T}
//     in file order; page in [1, 1000000] (default 1), per_page in [1, 500] (default 100); a page
//     past the end has an empty "data". container_no keeps only that container's orders.
//   anything else: 404; a bad page or per_page: 400 (JSON error bodies).
// Each request is logged to stderr as "demo-api: GET <target> -> <status> (<n> rows)".

#include <iostream>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "cli/commands.h"
#include "connectors/csv/csv_reader.h"
#include "server/http.h"
#include "server/signal_watcher.h"

namespace cairn::cli {
namespace {

using Json = nlohmann::ordered_json;

constexpr int64_t kDefaultPerPage = 100;
constexpr int64_t kMaxPerPage = 500;
constexpr int64_t kMaxPage = 1'000'000;  // so (page - 1) * per_page cannot overflow

// The rows of `path` as JSON objects keyed by the header; an empty field is null.
Result<std::vector<Json>> ReadCsvObjects(const std::filesystem::path& path) {
  ASSIGN_OR_RETURN(auto input, connectors::csv::OpenFileInput(path));
  connectors::csv::CsvReader reader(std::move(input), path.string(), {});
  std::vector<std::string> header;
  std::vector<Json> rows;
  for (;;) {
    ASSIGN_OR_RETURN(bool more, reader.Next());
    if (!more) break;
    if (header.empty()) {
      for (size_t i = 0; i < reader.field_count(); ++i) header.emplace_back(reader.field(i));
      continue;
    }
    if (reader.field_count() != header.size()) {
      return reader.ErrorAt(reader.record_line(), reader.field_count(),
                            fmt::format("expected {} fields", header.size()));
    }
    Json row = Json::object();
    for (size_t i = 0; i < header.size(); ++i) {
      const std::string_view field = reader.field(i);
      row[header[i]] = field.empty() ? Json(nullptr) : Json(std::string(field));
    }
    rows.push_back(std::move(row));
  }
  return rows;
}

// Parses a positive integer query parameter; `fallback` when absent.
bool PositiveParam(const server::HttpRequest& request, std::string_view name, int64_t fallback,
                   int64_t* value) {
  const std::string text = request.Param(name);
  if (text.empty()) {
    *value = fallback;
    return true;
  }
  try {
    size_t used = 0;
    *value = std::stoll(text, &used);
    return used == text.size() && *value >= 1;
  } catch (const std::exception&) {
    return false;
  }
}

server::HttpResponse ServeOrders(const std::vector<Json>& orders,
                                 const server::HttpRequest& request, size_t* rows) {
  *rows = 0;
  if (request.path != "/v1/delivery-orders") {
    return server::HttpResponse::Error(404, "not_found", "no such endpoint: " + request.path);
  }
  if (request.method != "GET") {
    return server::HttpResponse::Error(405, "method_not_allowed", "only GET");
  }
  int64_t page = 1, per_page = kDefaultPerPage;
  if (!PositiveParam(request, "page", 1, &page) || page > kMaxPage ||
      !PositiveParam(request, "per_page", kDefaultPerPage, &per_page) || per_page > kMaxPerPage) {
    return server::HttpResponse::Error(
        400, "invalid_argument",
        fmt::format("page must be in [1, {}] and per_page in [1, {}]", kMaxPage, kMaxPerPage));
  }
  const auto filter = request.query.find("container_no");
  Json data = Json::array();
  const size_t skip = static_cast<size_t>((page - 1) * per_page);
  size_t matched = 0;
  for (const Json& order : orders) {
    if (filter != request.query.end() && order["container_no"] != filter->second) continue;
    if (matched++ >= skip && data.size() < static_cast<size_t>(per_page)) data.push_back(order);
  }
  *rows = data.size();
  server::HttpResponse response;
  response.route = "/v1/delivery-orders";
  response.body =
      Json{{"data", std::move(data)}, {"page", page}, {"per_page", per_page}, {"total", matched}}
          .dump();
  return response;
}

}  // namespace

Status RunDemoApi(const DemoApiFlags& flags) {
  server::SignalWatcher signals;
  const std::filesystem::path csv = std::filesystem::path(flags.dir) / "lines/delivery_orders.csv";
  Result<std::vector<Json>> read = ReadCsvObjects(csv);
  if (read.status().code() == StatusCode::kNotFound) {
    return read.status().WithContext("run 'cairn demo' first, or give its --dir");
  }
  ASSIGN_OR_RETURN(const std::vector<Json> orders, std::move(read));
  if (flags.port < 0 || flags.port > 65535) return InvalidArgumentError("--port: 0 to 65535");

  server::ServerOptions options;
  options.address = flags.address;
  options.port = static_cast<uint16_t>(flags.port);
  options.workers = 2;
  options.rate_per_second = 0;
  std::mutex log_mu;
  server::HttpServer http(options, [&](server::HttpRequest& request) {
    size_t rows = 0;
    server::HttpResponse response = ServeOrders(orders, request, &rows);
    std::lock_guard<std::mutex> lock(log_mu);
    std::cerr << "demo-api: " << request.method << " " << request.target << " -> "
              << response.status << " (" << rows << " rows)" << std::endl;
    return response;
  });
  RETURN_IF_ERROR(http.Listen());
  const std::string host =
      flags.address.find(':') != std::string::npos ? "[" + flags.address + "]" : flags.address;
  std::cerr << "demo-api: " << orders.size() << " delivery orders from " << csv.string()
            << " at /v1/delivery-orders" << std::endl;
  std::cout << "cairn: demo API on http://" << host << ":" << http.port() << std::endl;
  signals.Watch(&http);
  return http.Run();
}

}  // namespace cairn::cli
