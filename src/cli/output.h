#pragma once

// Result printers for `cairn query --format table|csv|json|jsonl`.
//
//   table  aligned columns with a header and a "(N rows)" footer, as psql prints them;
//          buffers the result (bounded by the row cap).
//   csv    RFC 4180 with a header row; NULL is an empty field, text is quoted when needed.
//   json   one array of row objects keyed by column name, streamed.
//   jsonl  one row object per line, streamed.
// In JSON, integers and reals are numbers, NULL is null, text is a string (invalid UTF-8 is
// replaced with U+FFFD), blobs are "\x..." hex strings. A column name that repeats gets a
// suffix (":2", ":3") so that no value is lost.

#include <memory>
#include <ostream>
#include <string>

#include "core/status.h"
#include "engine/session.h"

namespace cairn::cli {

enum class Format { kTable, kCsv, kJson, kJsonl };

// Parses "table", "csv", "json", "jsonl". InvalidArgument otherwise.
Result<Format> ParseFormat(const std::string& name);

// A sink that prints to `out`. Call Finish() after a successful query.
class Printer : public engine::RowSink {
 public:
  virtual Status Finish() = 0;
};

std::unique_ptr<Printer> MakePrinter(Format format, std::ostream* out);

}  // namespace cairn::cli
