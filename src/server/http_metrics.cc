#include "server/http_metrics.h"

#include <fmt/format.h>

#include <cmath>

namespace cairn::server::internal {
namespace {

std::string EscapeLabel(std::string_view value) {
  std::string out;
  out.reserve(value.size());
  for (char c : value) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '"') {
      out += "\\\"";
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out += c;
    }
  }
  return out;
}

std::string EscapeHelp(std::string_view value) {
  std::string out;
  for (char c : value) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out += c;
    }
  }
  return out;
}

std::string FormatValue(double value) {
  if (std::isnan(value)) return "NaN";
  if (std::isinf(value)) return value > 0 ? "+Inf" : "-Inf";
  return fmt::format("{}", value);
}

void Header(std::string& out, std::string_view name, std::string_view help, std::string_view type) {
  out += fmt::format("# HELP {} {}\n# TYPE {} {}\n", name, EscapeHelp(help), name, type);
}

}  // namespace

HttpMetrics::HttpMetrics() {
  for (const char* reason : {"header_too_large", "payload_too_large", "timeout", "overloaded",
                             "request_timeout", "bad_request"}) {
    rejected_[reason] = 0;
  }
}

std::string HttpMetrics::RouteLabel(std::string_view route) {
  std::string label = route.empty() ? "other" : std::string(route);
  if (durations_.count(label) == 0 && durations_.size() >= kMaxRoutes) label = "other";
  return label;
}

void HttpMetrics::Record(std::string_view route, int status, double seconds) {
  std::lock_guard lock(mu_);
  std::string label = RouteLabel(route);
  ++requests_[{label, status}];
  Histogram& histogram = durations_[label];
  for (size_t i = 0; i < kBuckets.size(); ++i) {
    if (seconds <= kBuckets[i]) {
      ++histogram.counts[i];
      break;
    }
  }
  histogram.sum += seconds;
  ++histogram.count;
}

void HttpMetrics::RateLimited() { ++rate_limited_; }

void HttpMetrics::Rejected(std::string_view reason) {
  std::lock_guard lock(mu_);
  ++rejected_[std::string(reason)];
}

void HttpMetrics::AddInFlight(int delta) { in_flight_ += delta; }

void HttpMetrics::AddGauge(std::string name, std::string help, std::function<double()> value) {
  std::lock_guard lock(mu_);
  Gauge gauge;
  gauge.name = std::move(name);
  gauge.help = std::move(help);
  gauge.value = std::move(value);
  gauges_.push_back(std::move(gauge));
}

std::string HttpMetrics::Text() const {
  std::string out;
  std::vector<Gauge> gauges;
  {
    std::lock_guard lock(mu_);
    gauges = gauges_;
    Header(out, "cairn_http_requests_total",
           "HTTP requests answered, by route template and status code.", "counter");
    for (const auto& [key, count] : requests_) {
      out += fmt::format("cairn_http_requests_total{{route=\"{}\",code=\"{}\"}} {}\n",
                         EscapeLabel(key.first), key.second, count);
    }
    Header(out, "cairn_http_request_duration_seconds",
           "Time from the first byte of a request to its response, by route template.",
           "histogram");
    for (const auto& [route, histogram] : durations_) {
      std::string label = EscapeLabel(route);
      uint64_t cumulative = 0;
      for (size_t i = 0; i < kBuckets.size(); ++i) {
        cumulative += histogram.counts[i];
        out +=
            fmt::format("cairn_http_request_duration_seconds_bucket{{route=\"{}\",le=\"{}\"}} {}\n",
                        label, FormatValue(kBuckets[i]), cumulative);
      }
      out +=
          fmt::format("cairn_http_request_duration_seconds_bucket{{route=\"{}\",le=\"+Inf\"}} {}\n",
                      label, histogram.count);
      out += fmt::format("cairn_http_request_duration_seconds_sum{{route=\"{}\"}} {}\n", label,
                         FormatValue(histogram.sum));
      out += fmt::format("cairn_http_request_duration_seconds_count{{route=\"{}\"}} {}\n", label,
                         histogram.count);
    }
    Header(out, "cairn_http_rejected_total", "Requests refused by a server limit, by reason.",
           "counter");
    for (const auto& [reason, count] : rejected_) {
      out += fmt::format("cairn_http_rejected_total{{reason=\"{}\"}} {}\n", EscapeLabel(reason),
                         count);
    }
  }
  Header(out, "cairn_http_in_flight", "Requests being handled now.", "gauge");
  out += fmt::format("cairn_http_in_flight {}\n", in_flight_.load());
  Header(out, "cairn_http_rate_limited_total", "Requests refused by the per-caller rate limit.",
         "counter");
  out += fmt::format("cairn_http_rate_limited_total {}\n", rate_limited_.load());
  for (const Gauge& gauge : gauges) {
    double value = 0;
    try {
      value = gauge.value ? gauge.value() : 0;
    } catch (...) {
      value = std::nan("");
    }
    Header(out, gauge.name, gauge.help, "gauge");
    out += fmt::format("{} {}\n", gauge.name, FormatValue(value));
  }
  return out;
}

}  // namespace cairn::server::internal
