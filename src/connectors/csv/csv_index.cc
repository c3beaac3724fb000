#include "connectors/csv/csv_index.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <new>

namespace cairn::connectors::csv {
namespace {

// Bytes of a hash-map node (key string, head, next pointer, cached hash) plus its bucket.
constexpr int64_t kKeyOverheadBytes = 72;
// Longest key a std::string holds without a heap allocation (libstdc++ and libc++ hold 15+).
constexpr size_t kInlineKeyBytes = 15;

std::string IntKey(int64_t value) {
  std::string key(1 + sizeof value, 'i');
  std::memcpy(key.data() + 1, &value, sizeof value);
  return key;
}

// Numbers are keyed by value: an integral double in range is the integer's key.
void AddNumberKey(double value, std::vector<std::string>* keys) {
  if (std::isnan(value)) return;
  if (value == std::trunc(value) && value >= -0x1p63 && value < 0x1p63) {
    keys->push_back(IntKey(static_cast<int64_t>(value)));
    return;
  }
  std::string key(1 + sizeof value, 'r');
  std::memcpy(key.data() + 1, &value, sizeof value);
  keys->push_back(std::move(key));
}

// A real and its neighbouring doubles: parsers may round a decimal text one ulp apart.
void AddNearNumberKeys(double value, std::vector<std::string>* keys) {
  AddNumberKey(value, keys);
  AddNumberKey(std::nextafter(value, -HUGE_VAL), keys);
  AddNumberKey(std::nextafter(value, HUGE_VAL), keys);
}

void AddTextKey(std::string_view text, std::vector<std::string>* keys) {
  std::string key;
  key.reserve(1 + text.size());
  key.push_back('t');
  key.append(text);
  keys->push_back(std::move(key));
}

bool IsSqliteSpace(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r';
}

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

// A number as SQLite's NUMERIC affinity reads text, loosely: surrounding spaces, a sign, digits
// with an optional fraction and exponent. Accepts at least what SQLite converts (more is harmless:
// keys only widen a superset).
struct LooseNumber {
  bool is_integer = false;
  int64_t integer = 0;
  double real = 0;
};

bool ParseLooseNumber(std::string_view text, LooseNumber* out) {
  size_t begin = 0, end = text.size();
  while (begin < end && IsSqliteSpace(text[begin])) ++begin;
  while (end > begin && IsSqliteSpace(text[end - 1])) --end;
  std::string s;  // sign, mantissa and exponent, without a '+' (from_chars rejects one)
  size_t i = begin;
  if (i < end && (text[i] == '+' || text[i] == '-')) {
    if (text[i] == '-') s.push_back('-');
    ++i;
  }
  size_t digits = 0;
  bool integral = true;
  auto take_digits = [&](std::string* into) {
    size_t count = 0;
    for (; i < end && IsDigit(text[i]); ++i, ++count) into->push_back(text[i]);
    return count;
  };
  digits += take_digits(&s);
  if (i < end && text[i] == '.') {
    integral = false;
    s.push_back(text[i++]);
    digits += take_digits(&s);
  }
  if (digits == 0) return false;
  if (i < end && (text[i] == 'e' || text[i] == 'E')) {
    std::string exponent = "e";
    ++i;
    if (i < end && (text[i] == '+' || text[i] == '-')) exponent.push_back(text[i++]);
    if (take_digits(&exponent) > 0) {
      integral = false;
      s += exponent;
    }
  }
  if (i != end) return false;
  const char* first = s.data();
  const char* last = s.data() + s.size();
  if (integral) {
    auto [ptr, ec] = std::from_chars(first, last, out->integer);
    if (ec == std::errc() && ptr == last) {
      out->is_integer = true;
      return true;
    }
  }
  out->is_integer = false;
  auto [ptr, ec] = std::from_chars(first, last, out->real);
  if (ec == std::errc::result_out_of_range) {
    out->real = std::strtod(s.c_str(), nullptr);  // overflow to +-HUGE_VAL, underflow to 0
    return true;
  }
  return ec == std::errc() && ptr == last;
}

void AddLooseNumberKeys(const LooseNumber& number, std::vector<std::string>* keys) {
  if (number.is_integer) {
    keys->push_back(IntKey(number.integer));
    AddNearNumberKeys(static_cast<double>(number.integer), keys);
  } else {
    AddNearNumberKeys(number.real, keys);
  }
}

}  // namespace

void AddFieldKeys(ColumnType type, std::string_view text, std::vector<std::string>* keys) {
  switch (type) {
    case ColumnType::kInteger: {
      int64_t value;
      if (ParseInteger(text, &value)) {
        keys->push_back(IntKey(value));
        return;
      }
      break;
    }
    case ColumnType::kReal: {
      double value;
      if (ParseReal(text, &value)) {
        AddNumberKey(value, keys);
        return;
      }
      break;
    }
    case ColumnType::kText:
      break;
  }
  // Returned as text: compared as text, or as a number when affinity converts it.
  AddTextKey(text, keys);
  LooseNumber number;
  if (ParseLooseNumber(text, &number)) {
    if (number.is_integer) {
      keys->push_back(IntKey(number.integer));
    } else {
      AddNumberKey(number.real, keys);
    }
  }
}

void AddProbeKeys(sqlite3_value* value, std::vector<std::string>* keys) {
  const int type = sqlite3_value_type(value);
  if (type == SQLITE_NULL || type == SQLITE_BLOB) return;
  if (type == SQLITE_TEXT) {
    std::string_view text(reinterpret_cast<const char*>(sqlite3_value_text(value)),
                          static_cast<size_t>(sqlite3_value_bytes(value)));
    AddTextKey(text, keys);
    LooseNumber number;
    if (ParseLooseNumber(text, &number)) AddLooseNumberKeys(number, keys);
    return;
  }
  if (type == SQLITE_INTEGER) {
    LooseNumber number;
    number.is_integer = true;
    number.integer = sqlite3_value_int64(value);
    AddLooseNumberKeys(number, keys);
  } else {
    AddNearNumberKeys(sqlite3_value_double(value), keys);
  }
  // Against a TEXT column SQLite compares the number's text rendering; convert a copy.
  sqlite3_value* copy = sqlite3_value_dup(value);
  if (copy == nullptr) throw std::bad_alloc();
  const auto* text = reinterpret_cast<const char*>(sqlite3_value_text(copy));
  if (text == nullptr) {
    sqlite3_value_free(copy);
    throw std::bad_alloc();
  }
  AddTextKey(std::string_view(text, static_cast<size_t>(sqlite3_value_bytes(copy))), keys);
  sqlite3_value_free(copy);
}

Status CheckFieldCount(const CsvReader& reader, size_t expected) {
  const size_t found = reader.field_count();
  if (found == expected) return OkStatus();
  return reader.ErrorAt(reader.record_line(), found > expected ? expected + 1 : found + 1,
                        fmt::format("expected {} fields, found {}", expected, found));
}

Result<std::unique_ptr<ColumnIndex>> ColumnIndex::Build(const ReadSpec& spec, size_t column,
                                                        int64_t max_bytes) {
  ASSIGN_OR_RETURN(std::shared_ptr<const FileHandle> file, FileHandle::Open(spec.path));
  CsvReader::Options options;
  options.delimiter = spec.delimiter;
  CsvReader reader(MakeFileRangeInput(file, 0), spec.file_name, options);
  if (spec.header) {
    ASSIGN_OR_RETURN(bool has_header, reader.Next());
    (void)has_header;
  }
  std::unique_ptr<ColumnIndex> index(new ColumnIndex(std::move(file)));
  const ColumnType type = spec.types[column];
  std::vector<std::string> keys;
  for (;;) {
    ASSIGN_OR_RETURN(bool more, reader.Next());
    if (!more) break;
    RETURN_IF_ERROR(CheckFieldCount(reader, spec.types.size()));
    if (index->records_.size() >= kEnd) {
      return ResourceExhaustedError("{}: too many records to index", spec.file_name);
    }
    const auto record = static_cast<uint32_t>(index->records_.size());
    index->records_.push_back(RecordRef{reader.record_offset(), reader.record_line()});
    index->bytes_ += static_cast<int64_t>(sizeof(RecordRef));
    std::string_view text = reader.field(column);
    if (IsNullField(text, reader.quoted(column), spec.null_text)) continue;
    keys.clear();
    AddFieldKeys(type, text, &keys);
    for (std::string& key : keys) index->Add(std::move(key), record);
    if (index->bytes_ > max_bytes) {
      return ResourceExhaustedError(
          "{}: the index of column {} would take more than {} bytes (index_max_mb)", spec.file_name,
          column + 1, max_bytes);
    }
  }
  index->records_.shrink_to_fit();
  index->postings_.shrink_to_fit();
  return index;
}

void ColumnIndex::Add(std::string key, uint32_t record) {
  const auto posting = static_cast<uint32_t>(postings_.size());
  bytes_ += static_cast<int64_t>(sizeof(Posting));
  auto [it, inserted] = heads_.try_emplace(std::move(key), posting);
  if (inserted) {
    bytes_ += kKeyOverheadBytes;
    if (it->first.size() > kInlineKeyBytes) bytes_ += static_cast<int64_t>(it->first.size() + 1);
    postings_.push_back(Posting{record, kEnd});
  } else {
    postings_.push_back(Posting{record, it->second});
    it->second = posting;
  }
}

std::vector<RecordRef> ColumnIndex::Lookup(const std::vector<std::string>& keys) const {
  std::vector<uint32_t> ids;
  for (const std::string& key : keys) {
    auto it = heads_.find(key);
    if (it == heads_.end()) continue;
    for (uint32_t p = it->second; p != kEnd; p = postings_[p].next) {
      ids.push_back(postings_[p].record);
    }
  }
  std::sort(ids.begin(), ids.end());
  ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
  std::vector<RecordRef> out;
  out.reserve(ids.size());
  for (uint32_t id : ids) out.push_back(records_[id]);
  return out;
}

double ColumnIndex::RowsPerKey() const {
  if (heads_.empty()) return 1.0;
  return std::max(1.0, static_cast<double>(postings_.size()) / static_cast<double>(heads_.size()));
}

Result<std::unique_ptr<CsvReader>> ReadRecordAt(const ReadSpec& spec,
                                                std::shared_ptr<const FileHandle> file,
                                                RecordRef ref) {
  CsvReader::Options options;
  options.delimiter = spec.delimiter;
  options.buffer_bytes = 1 << 10;
  options.start_offset = ref.offset;
  options.start_line = ref.line;
  auto reader = std::make_unique<CsvReader>(MakeFileRangeInput(std::move(file), ref.offset),
                                            spec.file_name, options);
  ASSIGN_OR_RETURN(bool found, reader->Next());
  if (!found || reader->record_line() != ref.line) {
    return UnavailableError("{}:{}: no record starts here any more (the file changed); retry",
                            spec.file_name, ref.line);
  }
  RETURN_IF_ERROR(CheckFieldCount(*reader, spec.types.size()));
  return reader;
}

}  // namespace cairn::connectors::csv
