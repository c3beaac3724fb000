#include "demo/internal/csv_writer.h"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <system_error>

namespace cairn::demo {

void AppendCsvField(std::string_view field, std::string* out) {
  const bool quote = field.find_first_of(",\"\r\n") != std::string_view::npos ||
                     (!field.empty() && (field.front() == ' ' || field.back() == ' '));
  if (!quote) {
    out->append(field);
    return;
  }
  out->push_back('"');
  for (char c : field) {
    if (c == '"') out->push_back('"');
    out->push_back(c);
  }
  out->push_back('"');
}

CsvWriter::CsvWriter(std::initializer_list<std::string_view> columns) : columns_(columns.size()) {
  Row(columns);
  rows_ = 0;
}

void CsvWriter::Row(std::initializer_list<std::string_view> fields) {
  bool first = true;
  for (std::string_view field : fields) {
    if (!first) text_.push_back(',');
    first = false;
    AppendCsvField(field, &text_);
  }
  text_.push_back('\n');
  ++rows_;
}

Status WriteFileAtomically(const std::filesystem::path& path, std::string_view contents) {
  std::filesystem::path tmp = path;
  tmp += ".tmp";
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    if (!out) {
      return UnavailableError("cannot create {}: {}", tmp.string(), std::strerror(errno));
    }
    out.write(contents.data(), static_cast<std::streamsize>(contents.size()));
    out.flush();
    if (!out) return UnavailableError("cannot write {}: {}", tmp.string(), std::strerror(errno));
  }
  std::error_code ec;
  std::filesystem::rename(tmp, path, ec);
  if (ec) {
    const std::string reason = ec.message();
    std::filesystem::remove(tmp, ec);
    return UnavailableError("cannot rename {} to {}: {}", tmp.string(), path.string(), reason);
  }
  return OkStatus();
}

}  // namespace cairn::demo
