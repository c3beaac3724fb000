#pragma once

// What the engine benches share: a row sink that only counts, and the median of a sample.

#include <algorithm>
#include <cstdint>
#include <string>
#include <vector>

#include "engine/session.h"

namespace cairn::bench {

class CountSink : public engine::RowSink {
 public:
  Status Columns(const std::vector<std::string>&) override { return OkStatus(); }
  Status Row(const std::vector<engine::Value>&) override {
    ++rows;
    return OkStatus();
  }
  int64_t rows = 0;
};

inline double Median(std::vector<double> values) {
  std::sort(values.begin(), values.end());
  return values[values.size() / 2];
}

}  // namespace cairn::bench
