#pragma once

// Builds RFC 4180 CSV text in memory.
//
// Output contract: fields are separated by ',', records end with '\n' (not CRLF; RFC 4180
// permits either for our reader), and a field is enclosed in double quotes exactly when it
// contains a comma, a double quote, '\r' or '\n', or begins or ends with a space; quotes inside
// are doubled. Bytes are copied unchanged, so UTF-8 stays UTF-8. The caller writes the header
// as the first row.
//
// Thread-safety: none.

#include <filesystem>
#include <initializer_list>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"

namespace cairn::demo {

// Appends `field` to `out`, quoted if needed.
void AppendCsvField(std::string_view field, std::string* out);

class CsvWriter {
 public:
  // `columns` is written as the header row.
  explicit CsvWriter(std::initializer_list<std::string_view> columns);

  // Appends one record. Precondition: fields.size() equals the number of columns.
  void Row(std::initializer_list<std::string_view> fields);

  size_t rows() const { return rows_; }
  const std::string& text() const { return text_; }

 private:
  std::string text_;
  size_t columns_ = 0;
  size_t rows_ = 0;
};

// Writes `contents` to `path` through a temporary file in the same directory that is renamed
// into place, so a reader never sees a partial file. Unavailable naming the path on an I/O
// error.
Status WriteFileAtomically(const std::filesystem::path& path, std::string_view contents);

}  // namespace cairn::demo
