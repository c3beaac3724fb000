#pragma once

// Private to the HTTP server (server/http.cc): the counters behind /metrics and their
// Prometheus text exposition (format 0.0.4). Thread-safe.

#include <array>
#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace cairn::server::internal {

class HttpMetrics {
 public:
  // Upper bounds (seconds) of the latency histogram buckets; +Inf is implied.
  static constexpr std::array<double, 13> kBuckets = {0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1,
                                                      0.25,  0.5,    1,     2.5,  5,     10};
  // Distinct route labels kept; later ones are counted as "other" (bounds cardinality).
  static constexpr size_t kMaxRoutes = 256;

  HttpMetrics();

  // One answered request: `route` is a route template, empty when unknown ("other").
  void Record(std::string_view route, int status, double seconds);
  void RateLimited();
  // A request refused by a limit: "header_too_large", "payload_too_large", "timeout",
  // "overloaded", "request_timeout", "bad_request".
  void Rejected(std::string_view reason);
  void AddInFlight(int delta);
  // `value` is called at each Text(), without any lock of this class held.
  void AddGauge(std::string name, std::string help, std::function<double()> value);

  std::string Text() const;

 private:
  struct Histogram {
    std::array<uint64_t, kBuckets.size()> counts{};  // non-cumulative
    double sum = 0;
    uint64_t count = 0;
  };
  struct Gauge {
    std::string name;
    std::string help;
    std::function<double()> value;
  };

  std::string RouteLabel(std::string_view route);  // requires mu_

  mutable std::mutex mu_;
  std::map<std::pair<std::string, int>, uint64_t> requests_;  // guarded by mu_
  std::map<std::string, Histogram> durations_;                // guarded by mu_
  std::map<std::string, uint64_t> rejected_;                  // guarded by mu_
  std::vector<Gauge> gauges_;                                 // guarded by mu_
  std::atomic<int64_t> in_flight_{0};
  std::atomic<uint64_t> rate_limited_{0};
};

}  // namespace cairn::server::internal
