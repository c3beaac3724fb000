#include "connectors/csv/csv_values.h"

#include <charconv>
#include <cmath>

namespace cairn::connectors::csv {
namespace {

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

// Checks the REAL grammar of csv_values.h (which includes the INTEGER one).
bool LooksNumeric(std::string_view s) {
  size_t i = 0;
  const size_t n = s.size();
  if (i < n && s[i] == '-') ++i;
  size_t int_begin = i;
  while (i < n && IsDigit(s[i])) ++i;
  size_t int_digits = i - int_begin;
  if (int_digits > 1 && s[int_begin] == '0') return false;
  size_t frac_digits = 0;
  if (i < n && s[i] == '.') {
    ++i;
    size_t frac_begin = i;
    while (i < n && IsDigit(s[i])) ++i;
    frac_digits = i - frac_begin;
  }
  if (int_digits + frac_digits == 0) return false;
  if (i < n && (s[i] == 'e' || s[i] == 'E')) {
    ++i;
    if (i < n && (s[i] == '+' || s[i] == '-')) ++i;
    size_t exp_begin = i;
    while (i < n && IsDigit(s[i])) ++i;
    if (i == exp_begin) return false;
  }
  return i == n;
}

}  // namespace

std::string_view ColumnTypeName(ColumnType type) {
  switch (type) {
    case ColumnType::kInteger:
      return "INTEGER";
    case ColumnType::kReal:
      return "REAL";
    case ColumnType::kText:
      return "TEXT";
  }
  return "TEXT";
}

bool ParseInteger(std::string_view text, int64_t* value) {
  const char* p = text.data();
  const char* end = p + text.size();
  if (p == end) return false;
  const char* digits = *p == '-' ? p + 1 : p;
  if (digits == end || !IsDigit(*digits)) return false;
  if (*digits == '0' && (end - digits != 1 || digits != p)) return false;  // "007", "-0"
  auto [ptr, ec] = std::from_chars(p, end, *value);
  return ec == std::errc() && ptr == end;
}

bool ParseReal(std::string_view text, double* value) {
  if (!LooksNumeric(text)) return false;
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), *value);
  return ec == std::errc() && ptr == text.data() + text.size() && std::isfinite(*value);
}

void TypeInference::Add(std::string_view text) {
  if (seen_ == Seen::kText) return;
  if (seen_ != Seen::kReal) {
    int64_t i;
    if (ParseInteger(text, &i)) {
      seen_ = Seen::kInteger;
      return;
    }
  }
  double d;
  seen_ = ParseReal(text, &d) ? Seen::kReal : Seen::kText;
}

ColumnType TypeInference::type() const {
  switch (seen_) {
    case Seen::kInteger:
      return ColumnType::kInteger;
    case Seen::kReal:
      return ColumnType::kReal;
    case Seen::kNothing:
    case Seen::kText:
      return ColumnType::kText;
  }
  return ColumnType::kText;
}

}  // namespace cairn::connectors::csv
