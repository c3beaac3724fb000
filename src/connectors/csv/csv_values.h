#pragma once

// How CSV text maps onto SQLite values, shared by type inference and the virtual table.
//
//   INTEGER  "0" or an optional '-' then a digit 1-9 then digits, fitting in 64 bits. No '+', no
//            leading zeros ("007" stays text, so codes keep their spelling), no spaces.
//   REAL     an optional '-', digits with an optional fraction ("1.5", "1.", ".5"), an optional
//            exponent ("1e-3"), at most one leading zero before the point, finite. No "inf"/"nan".
//   TEXT     anything else.
//
// Column types are inferred from a sample: INTEGER if every non-NULL sampled value is an
// integer, REAL if every one is numeric, else TEXT; a column with only NULLs is TEXT.
//
// Thread-safety: pure functions and a plain value type.

#include <cstdint>
#include <string>
#include <string_view>

namespace cairn::connectors::csv {

// Declared column type of an inferred column.
enum class ColumnType : uint8_t { kInteger, kReal, kText };

// "INTEGER", "REAL", "TEXT".
std::string_view ColumnTypeName(ColumnType type);

// True and the value if `text` is an INTEGER as defined above.
bool ParseInteger(std::string_view text, int64_t* value);
// True and the value if `text` is an INTEGER or a REAL as defined above.
bool ParseReal(std::string_view text, double* value);

// Folds sampled values of one column into its inferred type.
class TypeInference {
 public:
  // A NULL field: does not change the type.
  void AddNull() {}
  void Add(std::string_view text);
  ColumnType type() const;

 private:
  enum class Seen : uint8_t { kNothing, kInteger, kReal, kText };
  Seen seen_ = Seen::kNothing;
};

}  // namespace cairn::connectors::csv
