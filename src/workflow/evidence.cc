#include "workflow/evidence.h"

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <openssl/evp.h>
#include <sqlite3.h>

#include <algorithm>
#include <chrono>
#include <climits>
#include <cmath>
#include <exception>
#include <limits>
#include <optional>
#include <set>
#include <string_view>
#include <utility>

namespace cairn::workflow {
namespace {

using Json = nlohmann::json;
using OrderedJson = nlohmann::ordered_json;

// A check's time cap (checked by the progress handler every kProgressOps VM instructions).
constexpr auto kCheckTimeLimit = std::chrono::seconds(2);
constexpr int kProgressOps = 1000;
// The longest text, blob or row a check may make beyond the evidence it was given.
constexpr int64_t kMaxCheckLength = int64_t{16} << 20;
// A check's reason is cut to this many bytes (at a UTF-8 boundary): it is shown and stored
// with every case.
constexpr size_t kMaxReasonBytes = 4096;

// ---- text ---------------------------------------------------------------------------------

// Decodes the well-formed UTF-8 sequence at text[i] (no overlongs, surrogates or code points
// above U+10FFFF) into *cp and its length *len; false when the bytes there are not one.
bool DecodeUtf8(std::string_view text, size_t i, char32_t* cp, size_t* len) {
  const auto c = static_cast<uint8_t>(text[i]);
  size_t n = 0;
  char32_t value = 0;
  if (c < 0x80) {
    *cp = c;
    *len = 1;
    return true;
  } else if ((c & 0xE0) == 0xC0) {
    n = 1;
    value = c & 0x1F;
  } else if ((c & 0xF0) == 0xE0) {
    n = 2;
    value = c & 0x0F;
  } else if ((c & 0xF8) == 0xF0) {
    n = 3;
    value = c & 0x07;
  } else {
    return false;
  }
  if (i + n >= text.size()) return false;
  for (size_t k = 1; k <= n; ++k) {
    const auto d = static_cast<uint8_t>(text[i + k]);
    if ((d & 0xC0) != 0x80) return false;
    value = (value << 6) | (d & 0x3F);
  }
  if ((n == 1 && value < 0x80) || (n == 2 && value < 0x800) || (n == 3 && value < 0x10000) ||
      value > 0x10FFFF || (value >= 0xD800 && value <= 0xDFFF)) {
    return false;
  }
  *cp = value;
  *len = n + 1;
  return true;
}

// Text as JSON can carry it: every byte that is not part of well-formed UTF-8 becomes U+FFFD
// (as the REST door shows text). Valid text is returned unchanged.
std::string ValidUtf8(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size();) {
    char32_t cp = 0;
    size_t len = 0;
    if (DecodeUtf8(text, i, &cp, &len)) {
      out.append(text.substr(i, len));
      i += len;
    } else {
      out += "\xEF\xBF\xBD";
      ++i;
    }
  }
  return out;
}

// Cuts valid UTF-8 `text` to at most `max` bytes plus an ellipsis, at a character boundary.
std::string Truncate(std::string text, size_t max) {
  if (text.size() <= max) return text;
  size_t end = max;
  while (end > 0 && (static_cast<uint8_t>(text[end]) & 0xC0) == 0x80) --end;
  text.resize(end);
  text += "\xE2\x80\xA6";
  return text;
}

std::string AsciiLower(std::string_view text) {
  std::string out(text);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  return a.size() == b.size() && AsciiLower(a) == AsciiLower(b);
}

std::string Hex(std::string_view bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  out.reserve(bytes.size() * 2);
  for (const char c : bytes) {
    const auto b = static_cast<uint8_t>(c);
    out += kDigits[b >> 4];
    out += kDigits[b & 0x0F];
  }
  return out;
}

int HexDigit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Decodes hex digits (either case); false when `hex` is not an even number of them.
bool Unhex(std::string_view hex, std::string* out) {
  if (hex.size() % 2 != 0) return false;
  out->clear();
  out->reserve(hex.size() / 2);
  for (size_t i = 0; i < hex.size(); i += 2) {
    const int hi = HexDigit(hex[i]);
    const int lo = HexDigit(hex[i + 1]);
    if (hi < 0 || lo < 0) return false;
    *out += static_cast<char>((hi << 4) | lo);
  }
  return true;
}

// ---- values as JSON -----------------------------------------------------------------------

OrderedJson ValueToJson(const engine::Value& value) {
  switch (value.type) {
    case engine::Value::Type::kNull:
      return nullptr;
    case engine::Value::Type::kInteger:
      return value.integer;
    case engine::Value::Type::kReal:
      // JSON has no infinities or NaN (a writer would print null, which reads back as NULL).
      if (!std::isfinite(value.real)) {
        return OrderedJson{{"real", std::isnan(value.real) ? "nan"
                                    : value.real > 0       ? "inf"
                                                           : "-inf"}};
      }
      // nlohmann writes a double that has no fraction as "1.0", so it reads back as a real.
      return value.real;
    case engine::Value::Type::kText:
      return ValidUtf8(value.bytes);
    case engine::Value::Type::kBlob:
      return OrderedJson{{"blob", Hex(value.bytes)}};
  }
  return nullptr;
}

Result<engine::Value> ValueFromJson(const Json& json, std::string_view what,
                                    std::string_view field) {
  if (json.is_null()) return engine::Value::Null();
  if (json.is_number_unsigned()) {
    const auto n = json.get<uint64_t>();
    if (n > static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) {
      return InvalidArgumentError("{}: '{}': integer {} is out of the 64-bit range", what, field,
                                  n);
    }
    return engine::Value::Integer(static_cast<int64_t>(n));
  }
  if (json.is_number_integer()) return engine::Value::Integer(json.get<int64_t>());
  if (json.is_number_float()) return engine::Value::Real(json.get<double>());
  if (json.is_string()) return engine::Value::Text(json.get<std::string>());
  if (json.is_object() && json.size() == 1) {
    if (auto it = json.find("blob"); it != json.end() && it->is_string()) {
      std::string bytes;
      if (!Unhex(it->get_ref<const std::string&>(), &bytes)) {
        return InvalidArgumentError("{}: '{}': a blob must be hex digits", what, field);
      }
      return engine::Value::Blob(std::move(bytes));
    }
    if (auto it = json.find("real"); it != json.end() && it->is_string()) {
      const auto& name = it->get_ref<const std::string&>();
      if (name == "inf") return engine::Value::Real(std::numeric_limits<double>::infinity());
      if (name == "-inf") return engine::Value::Real(-std::numeric_limits<double>::infinity());
      if (name == "nan") return engine::Value::Real(std::numeric_limits<double>::quiet_NaN());
      return InvalidArgumentError("{}: '{}': a real must be \"inf\", \"-inf\" or \"nan\"", what,
                                  field);
    }
  }
  return InvalidArgumentError(
      "{}: '{}' must be null, a number, a string, {{\"blob\": hex}} or {{\"real\": "
      "\"inf\"|\"-inf\"|\"nan\"}}",
      what, field);
}

// ---- reading JSON objects -----------------------------------------------------------------

Status RequireObject(const Json& json, std::string_view what) {
  if (!json.is_object()) return InvalidArgumentError("{}: expected a JSON object", what);
  return OkStatus();
}

// Reads json[key] as a string into *out; a missing key is an error only when `required`.
Status ReadString(const Json& json, std::string_view what, const char* key, bool required,
                  std::string* out) {
  const auto it = json.find(key);
  if (it == json.end()) {
    if (required) return InvalidArgumentError("{}: missing '{}'", what, key);
    return OkStatus();
  }
  if (!it->is_string()) return InvalidArgumentError("{}: '{}' must be a string", what, key);
  *out = it->get<std::string>();
  return OkStatus();
}

// Reads json[key] as an array of strings into *out.
Status ReadStrings(const Json& json, std::string_view what, const char* key, bool required,
                   std::vector<std::string>* out) {
  const auto it = json.find(key);
  if (it == json.end()) {
    if (required) return InvalidArgumentError("{}: missing '{}'", what, key);
    return OkStatus();
  }
  if (!it->is_array()) return InvalidArgumentError("{}: '{}' must be an array", what, key);
  out->clear();
  for (size_t i = 0; i < it->size(); ++i) {
    const Json& item = (*it)[i];
    if (!item.is_string()) {
      return InvalidArgumentError("{}: '{}[{}]' must be a string", what, key, i);
    }
    out->push_back(item.get<std::string>());
  }
  return OkStatus();
}

OrderedJson StringsToJson(const std::vector<std::string>& strings) {
  OrderedJson out = OrderedJson::array();
  for (const auto& s : strings) out.push_back(ValidUtf8(s));
  return out;
}

OrderedJson RowsToJson(const std::vector<std::vector<engine::Value>>& rows) {
  OrderedJson out = OrderedJson::array();
  for (const auto& row : rows) {
    OrderedJson values = OrderedJson::array();
    for (const auto& value : row) values.push_back(ValueToJson(value));
    out.push_back(std::move(values));
  }
  return out;
}

Result<Evidence> EvidenceFromJson(const Json& json) {
  constexpr std::string_view kWhat = "evidence";
  RETURN_IF_ERROR(RequireObject(json, kWhat));
  Evidence evidence;
  RETURN_IF_ERROR(ReadString(json, kWhat, "step", true, &evidence.step));
  RETURN_IF_ERROR(ReadString(json, kWhat, "sql", false, &evidence.sql));
  RETURN_IF_ERROR(ReadStrings(json, kWhat, "columns", true, &evidence.columns));
  const auto rows = json.find("rows");
  if (rows == json.end()) return InvalidArgumentError("{}: missing 'rows'", kWhat);
  if (!rows->is_array()) return InvalidArgumentError("{}: 'rows' must be an array", kWhat);
  for (size_t r = 0; r < rows->size(); ++r) {
    const Json& row = (*rows)[r];
    if (!row.is_array()) return InvalidArgumentError("{}: 'rows[{}]' must be an array", kWhat, r);
    if (row.size() != evidence.columns.size()) {
      return InvalidArgumentError("{}: 'rows[{}]' has {} values for {} columns", kWhat, r,
                                  row.size(), evidence.columns.size());
    }
    std::vector<engine::Value> values;
    values.reserve(row.size());
    for (size_t c = 0; c < row.size(); ++c) {
      ASSIGN_OR_RETURN(engine::Value value,
                       ValueFromJson(row[c], kWhat, fmt::format("rows[{}][{}]", r, c)));
      values.push_back(std::move(value));
    }
    evidence.rows.push_back(std::move(values));
  }
  RETURN_IF_ERROR(ReadString(json, kWhat, "label", false, &evidence.label));
  RETURN_IF_ERROR(ReadStrings(json, kWhat, "reads", false, &evidence.reads));
  if (const auto seq = json.find("ledger_seq"); seq != json.end() && !seq->is_null()) {
    if (seq->is_number_unsigned() &&
        seq->get<uint64_t>() <= static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) {
      evidence.ledger_seq = static_cast<int64_t>(seq->get<uint64_t>());
    } else if (seq->is_number_integer() && !seq->is_number_unsigned()) {
      evidence.ledger_seq = seq->get<int64_t>();
    } else {
      return InvalidArgumentError("{}: 'ledger_seq' must be an integer", kWhat);
    }
  }
  return evidence;
}

Result<CheckResult> CheckResultFromJson(const Json& json) {
  constexpr std::string_view kWhat = "check result";
  RETURN_IF_ERROR(RequireObject(json, kWhat));
  CheckResult result;
  RETURN_IF_ERROR(ReadString(json, kWhat, "step", true, &result.step));
  std::string outcome;
  RETURN_IF_ERROR(ReadString(json, kWhat, "outcome", true, &outcome));
  Result<Outcome> parsed = ParseOutcome(outcome);
  if (!parsed.ok()) return parsed.status().WithContext(fmt::format("{}: 'outcome'", kWhat));
  result.outcome = *parsed;
  RETURN_IF_ERROR(ReadString(json, kWhat, "reason", false, &result.reason));
  RETURN_IF_ERROR(ReadStrings(json, kWhat, "uses", false, &result.uses));
  return result;
}

// ---- the evidence database ----------------------------------------------------------------

struct DbCloser {
  void operator()(sqlite3* db) const { sqlite3_close_v2(db); }
};
struct StmtFinalizer {
  void operator()(sqlite3_stmt* stmt) const { sqlite3_finalize(stmt); }
};
using Db = std::unique_ptr<sqlite3, DbCloser>;
using Stmt = std::unique_ptr<sqlite3_stmt, StmtFinalizer>;

std::string QuoteIdentifier(std::string_view name) {
  std::string out = "\"";
  for (const char c : name) {
    if (c == '"') out += '"';
    out += c;
  }
  out += '"';
  return out;
}

// The table's column names: empty names become "column", and a name already taken (SQLite
// compares identifiers ASCII case-insensitively) gets the first free suffix "_2", "_3", ...
std::vector<std::string> UniqueColumnNames(const std::vector<std::string>& columns) {
  std::vector<std::string> names;
  std::set<std::string> taken;  // lower case
  for (const auto& column : columns) {
    const std::string base = column.empty() ? "column" : column;
    std::string name = base;
    for (int suffix = 2; taken.contains(AsciiLower(name)); ++suffix) {
      name = fmt::format("{}_{}", base, suffix);
    }
    taken.insert(AsciiLower(name));
    names.push_back(std::move(name));
  }
  // SQL has no table without columns; a stand-in keeps row counts meaningful.
  if (names.empty()) names.push_back("_");
  return names;
}

Status SqliteError(sqlite3* db) { return InvalidArgumentError("{}", sqlite3_errmsg(db)); }

Status Exec(sqlite3* db, const char* sql) {
  if (sqlite3_exec(db, sql, nullptr, nullptr, nullptr) != SQLITE_OK) return SqliteError(db);
  return OkStatus();
}

Status Prepare(sqlite3* db, std::string_view sql, Stmt* stmt) {
  sqlite3_stmt* raw = nullptr;
  const int rc = sqlite3_prepare_v3(db, sql.data(), static_cast<int>(sql.size()), 0, &raw, nullptr);
  stmt->reset(raw);
  if (rc != SQLITE_OK) return SqliteError(db);
  return OkStatus();
}

int BindValue(sqlite3_stmt* stmt, int index, const engine::Value& value) {
  switch (value.type) {
    case engine::Value::Type::kNull:
      return sqlite3_bind_null(stmt, index);
    case engine::Value::Type::kInteger:
      return sqlite3_bind_int64(stmt, index, value.integer);
    case engine::Value::Type::kReal:
      return sqlite3_bind_double(stmt, index, value.real);
    case engine::Value::Type::kText:
      return sqlite3_bind_text64(stmt, index, value.bytes.data(), value.bytes.size(), SQLITE_STATIC,
                                 SQLITE_UTF8);
    case engine::Value::Type::kBlob:
      return sqlite3_bind_blob64(stmt, index, value.bytes.data(), value.bytes.size(),
                                 SQLITE_STATIC);
  }
  return SQLITE_MISUSE;
}

// Creates the table `table` holding `evidence` (untyped columns, the values as typed).
Status LoadEvidence(sqlite3* db, const std::string& table, const Evidence& evidence) {
  const std::vector<std::string> names = UniqueColumnNames(evidence.columns);
  std::vector<std::string> quoted;
  for (const auto& name : names) quoted.push_back(QuoteIdentifier(name));
  RETURN_IF_ERROR(
      Exec(db, fmt::format("CREATE TABLE {} ({})", QuoteIdentifier(table), fmt::join(quoted, ", "))
                   .c_str()));
  std::vector<std::string> marks(names.size(), "?");
  Stmt insert;
  RETURN_IF_ERROR(Prepare(
      db, fmt::format("INSERT INTO {} VALUES ({})", QuoteIdentifier(table), fmt::join(marks, ", ")),
      &insert));
  for (size_t r = 0; r < evidence.rows.size(); ++r) {
    const auto& row = evidence.rows[r];
    if (row.size() != evidence.columns.size()) {
      return InvalidArgumentError("row {} has {} values for {} columns", r + 1, row.size(),
                                  evidence.columns.size());
    }
    sqlite3_reset(insert.get());
    sqlite3_clear_bindings(insert.get());
    for (size_t c = 0; c < row.size(); ++c) {
      if (BindValue(insert.get(), static_cast<int>(c) + 1, row[c]) != SQLITE_OK) {
        return SqliteError(db);
      }
    }
    if (sqlite3_step(insert.get()) != SQLITE_DONE) return SqliteError(db);
  }
  return OkStatus();
}

// Bytes of evidence loaded (a bound on what the check may need to read back as one value).
int64_t EvidenceBytes(const Evidence& evidence) {
  int64_t bytes = 0;
  for (const auto& row : evidence.rows) {
    for (const auto& value : row) bytes += static_cast<int64_t>(value.bytes.size()) + 9;
  }
  return bytes;
}

// Reads only: the check's statement may select, read columns, call functions (not
// load_extension) and recurse; anything else (writes, DDL, ATTACH, PRAGMA, transactions)
// fails at prepare time with "not authorized".
int Authorize(void*, int action, const char*, const char* arg2, const char*, const char*) {
  switch (action) {
    case SQLITE_SELECT:
    case SQLITE_READ:
    case SQLITE_RECURSIVE:
      return SQLITE_OK;
    case SQLITE_FUNCTION:
      return arg2 != nullptr && sqlite3_stricmp(arg2, "load_extension") == 0 ? SQLITE_DENY
                                                                             : SQLITE_OK;
    default:
      return SQLITE_DENY;
  }
}

struct Deadline {
  std::chrono::steady_clock::time_point at;
  bool expired = false;
};

int OnProgress(void* arg) {
  auto* deadline = static_cast<Deadline*>(arg);
  if (std::chrono::steady_clock::now() < deadline->at) return 0;
  deadline->expired = true;
  return 1;
}

std::string_view ValueText(sqlite3_value* value) {
  const auto* text = reinterpret_cast<const char*>(sqlite3_value_text(value));
  if (text == nullptr) return {};
  return std::string_view(text, static_cast<size_t>(sqlite3_value_bytes(value)));
}

// similarity(a, b): NameSimilarity of the two texts; NULL if either is NULL.
void SimilarityFunction(sqlite3_context* context, int, sqlite3_value** argv) {
  if (sqlite3_value_type(argv[0]) == SQLITE_NULL || sqlite3_value_type(argv[1]) == SQLITE_NULL) {
    sqlite3_result_null(context);
    return;
  }
  try {
    const std::string a(ValueText(argv[0]));
    const std::string b(ValueText(argv[1]));
    sqlite3_result_double(context, NameSimilarity(a, b));
  } catch (const std::exception&) {
    sqlite3_result_error_nomem(context);
  }
}

// normalize_name(a): NormalizeName of the text; NULL if it is NULL.
void NormalizeNameFunction(sqlite3_context* context, int, sqlite3_value** argv) {
  if (sqlite3_value_type(argv[0]) == SQLITE_NULL) {
    sqlite3_result_null(context);
    return;
  }
  try {
    const std::string normal = NormalizeName(ValueText(argv[0]));
    sqlite3_result_text64(context, normal.data(), normal.size(), SQLITE_TRANSIENT, SQLITE_UTF8);
  } catch (const std::exception&) {
    sqlite3_result_error_nomem(context);
  }
}

// Whether `sql` (what follows the check's statement) holds only white space, comments and
// empty statements.
bool OnlyEmptyStatements(sqlite3* db, std::string_view sql) {
  while (!sql.empty()) {
    sqlite3_stmt* raw = nullptr;
    const char* tail = nullptr;
    const int rc = sqlite3_prepare_v3(db, sql.data(), static_cast<int>(sql.size()), 0, &raw, &tail);
    Stmt stmt(raw);
    if (rc != SQLITE_OK || stmt != nullptr || tail == nullptr || tail == sql.data()) return false;
    sql.remove_prefix(static_cast<size_t>(tail - sql.data()));
  }
  return true;
}

// Sets *value to the text bound to parameter `name` (":x", "@x" or "$x"); false when unknown.
bool LookUpParameter(const CaseParams& params, std::string_view name, std::string* value) {
  const std::string key(name.substr(1));
  if (key == "now") {
    *value = params.now;
    return true;
  }
  if (key == "today") {
    *value = params.today();
    return true;
  }
  const auto it = params.inputs.find(key);
  if (it == params.inputs.end()) return false;
  *value = it->second;
  return true;
}

// The outcome of the first row's `pass` value and the default reason for it.
std::pair<Outcome, std::string> DecidePass(sqlite3_stmt* stmt, int column) {
  switch (sqlite3_column_type(stmt, column)) {
    case SQLITE_INTEGER:
      return sqlite3_column_int64(stmt, column) != 0 ? std::pair{Outcome::kPass, "passed"}
                                                     : std::pair{Outcome::kFail, "failed"};
    case SQLITE_FLOAT:
      return sqlite3_column_double(stmt, column) != 0 ? std::pair{Outcome::kPass, "passed"}
                                                      : std::pair{Outcome::kFail, "failed"};
    case SQLITE_NULL:
      return {Outcome::kUnknown, "unknown: pass was NULL"};
    case SQLITE_TEXT: {
      const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(stmt, column));
      const std::string value(text == nullptr ? "" : text,
                              static_cast<size_t>(sqlite3_column_bytes(stmt, column)));
      if (EqualsIgnoreCase(value, "true")) return {Outcome::kPass, "passed"};
      if (EqualsIgnoreCase(value, "false")) return {Outcome::kFail, "failed"};
      return {Outcome::kUnknown, Truncate(fmt::format("unknown: pass was the text '{}', not a "
                                                      "boolean",
                                                      ValidUtf8(value)),
                                          kMaxReasonBytes)};
    }
    default:
      return {Outcome::kUnknown, "unknown: pass was a blob, not a boolean"};
  }
}

// Runs the check; a non-OK status is the error that makes the outcome unknown.
Status RunCheck(const Step& check, const std::map<std::string, Evidence>& evidence,
                const CaseParams& params, CheckResult* result) {
  sqlite3* raw_db = nullptr;
  const int open_rc =
      sqlite3_open_v2(":memory:", &raw_db,
                      SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_MEMORY |
                          SQLITE_OPEN_PRIVATECACHE | SQLITE_OPEN_NOMUTEX,
                      nullptr);
  Db db(raw_db);
  if (open_rc != SQLITE_OK) {
    return InternalError("cannot open the evidence database: {}",
                         raw_db != nullptr ? sqlite3_errmsg(raw_db) : sqlite3_errstr(open_rc));
  }
  sqlite3_db_config(db.get(), SQLITE_DBCONFIG_DEFENSIVE, 1, nullptr);
  sqlite3_db_config(db.get(), SQLITE_DBCONFIG_ENABLE_LOAD_EXTENSION, 0, nullptr);
  sqlite3_db_config(db.get(), SQLITE_DBCONFIG_TRUSTED_SCHEMA, 0, nullptr);
  sqlite3_db_config(db.get(), SQLITE_DBCONFIG_ENABLE_TRIGGER, 0, nullptr);
  sqlite3_db_config(db.get(), SQLITE_DBCONFIG_ENABLE_VIEW, 0, nullptr);
  // A double-quoted name that is no column is an error, not a string: a misspelt column in a
  // check must not silently compare against its own name.
  sqlite3_db_config(db.get(), SQLITE_DBCONFIG_DQS_DML, 0, nullptr);
  sqlite3_db_config(db.get(), SQLITE_DBCONFIG_DQS_DDL, 0, nullptr);
  sqlite3_limit(db.get(), SQLITE_LIMIT_ATTACHED, 0);

  constexpr int kFlags = SQLITE_UTF8 | SQLITE_DETERMINISTIC | SQLITE_INNOCUOUS;
  if (sqlite3_create_function_v2(db.get(), "similarity", 2, kFlags, nullptr, &SimilarityFunction,
                                 nullptr, nullptr, nullptr) != SQLITE_OK ||
      sqlite3_create_function_v2(db.get(), "normalize_name", 1, kFlags, nullptr,
                                 &NormalizeNameFunction, nullptr, nullptr, nullptr) != SQLITE_OK) {
    return SqliteError(db.get());
  }

  // One table per step the check uses.
  int64_t evidence_bytes = 0;
  RETURN_IF_ERROR(Exec(db.get(), "BEGIN"));
  std::set<std::string> loaded;
  for (const auto& id : check.uses) {
    if (!loaded.insert(id).second) continue;
    const Evidence& rows = evidence.at(id);
    const Status status = LoadEvidence(db.get(), id, rows);
    if (!status.ok()) return status.WithContext(fmt::format("evidence from step '{}'", id));
    evidence_bytes += EvidenceBytes(rows);
  }
  RETURN_IF_ERROR(Exec(db.get(), "COMMIT"));

  // From here on the database is read-only to the check, and the check is capped.
  const int64_t length = std::min<int64_t>(INT_MAX, kMaxCheckLength + 2 * evidence_bytes);
  sqlite3_limit(db.get(), SQLITE_LIMIT_LENGTH, static_cast<int>(length));
  sqlite3_set_authorizer(db.get(), &Authorize, nullptr);
  Deadline deadline{std::chrono::steady_clock::now() + kCheckTimeLimit};
  sqlite3_progress_handler(db.get(), kProgressOps, &OnProgress, &deadline);

  sqlite3_stmt* raw_stmt = nullptr;
  const char* tail = nullptr;
  const int prepare_rc = sqlite3_prepare_v3(
      db.get(), check.sql.data(), static_cast<int>(check.sql.size()), 0, &raw_stmt, &tail);
  Stmt stmt(raw_stmt);
  if (prepare_rc != SQLITE_OK) return SqliteError(db.get());
  if (stmt == nullptr) return InvalidArgumentError("the check has no SQL statement");
  const auto consumed = static_cast<size_t>(tail - check.sql.data());
  if (!OnlyEmptyStatements(db.get(), std::string_view(check.sql).substr(consumed))) {
    return InvalidArgumentError("the check must be a single SQL statement");
  }
  if (!sqlite3_stmt_readonly(stmt.get())) {
    return InvalidArgumentError("the check must be a read-only SELECT");
  }

  int pass_column = -1;
  int reason_column = -1;
  for (int i = 0; i < sqlite3_column_count(stmt.get()); ++i) {
    const char* name = sqlite3_column_name(stmt.get(), i);
    if (name == nullptr) continue;
    if (pass_column < 0 && EqualsIgnoreCase(name, "pass")) pass_column = i;
    if (reason_column < 0 && EqualsIgnoreCase(name, "reason")) reason_column = i;
  }
  if (pass_column < 0) return InvalidArgumentError("the check returns no column named 'pass'");

  for (int i = 1; i <= sqlite3_bind_parameter_count(stmt.get()); ++i) {
    const char* name = sqlite3_bind_parameter_name(stmt.get(), i);
    if (name == nullptr || name[0] == '?') {
      return InvalidArgumentError("parameter {} has no name (write :input, :now or :today)", i);
    }
    std::string value;
    if (!LookUpParameter(params, name, &value)) {
      return InvalidArgumentError("unknown parameter {}", name);
    }
    if (sqlite3_bind_text64(stmt.get(), i, value.data(), value.size(), SQLITE_TRANSIENT,
                            SQLITE_UTF8) != SQLITE_OK) {
      return SqliteError(db.get());
    }
  }

  const int step_rc = sqlite3_step(stmt.get());
  if (step_rc == SQLITE_DONE) {
    result->outcome = Outcome::kUnknown;
    result->reason = "the check returned no row";
    return OkStatus();
  }
  if (step_rc != SQLITE_ROW) {
    if (deadline.expired) {
      return DeadlineExceededError(
          "the check ran longer than {} s",
          std::chrono::duration_cast<std::chrono::seconds>(kCheckTimeLimit).count());
    }
    return SqliteError(db.get());
  }
  auto [outcome, reason] = DecidePass(stmt.get(), pass_column);
  result->outcome = outcome;
  result->reason = std::move(reason);
  if (reason_column >= 0 && sqlite3_column_type(stmt.get(), reason_column) != SQLITE_NULL) {
    const auto* text =
        reinterpret_cast<const char*>(sqlite3_column_text(stmt.get(), reason_column));
    if (text != nullptr) {
      result->reason.assign(text,
                            static_cast<size_t>(sqlite3_column_bytes(stmt.get(), reason_column)));
    }
  }
  return OkStatus();
}

// ---- names --------------------------------------------------------------------------------

// Latin-1 letters U+00C0..U+00FF in ASCII; "" for × and ÷ (separators).
constexpr const char* kLatin1Letters[64] = {
    "a", "a", "a", "a", "ae", "a", "ae", "c", "e", "e", "e", "e", "i",  "i", "i",  "i",
    "d", "n", "o", "o", "o",  "o", "oe", "",  "o", "u", "u", "u", "ue", "y", "th", "ss",
    "a", "a", "a", "a", "ae", "a", "ae", "c", "e", "e", "e", "e", "i",  "i", "i",  "i",
    "d", "n", "o", "o", "o",  "o", "oe", "",  "o", "u", "u", "u", "ue", "y", "th", "y",
};

// Latin Extended-A (U+0100..U+017F), upper and lower case alike, as ranges.
struct LetterRange {
  char32_t first;
  char32_t last;
  const char* ascii;
};
constexpr LetterRange kLatinExtendedA[] = {
    {0x0100, 0x0105, "a"}, {0x0106, 0x010D, "c"},  {0x010E, 0x0111, "d"}, {0x0112, 0x011B, "e"},
    {0x011C, 0x0123, "g"}, {0x0124, 0x0127, "h"},  {0x0128, 0x0131, "i"}, {0x0132, 0x0133, "ij"},
    {0x0134, 0x0135, "j"}, {0x0136, 0x0138, "k"},  {0x0139, 0x0142, "l"}, {0x0143, 0x014B, "n"},
    {0x014C, 0x0151, "o"}, {0x0152, 0x0153, "oe"}, {0x0154, 0x0159, "r"}, {0x015A, 0x0161, "s"},
    {0x0162, 0x0167, "t"}, {0x0168, 0x0173, "u"},  {0x0174, 0x0175, "w"}, {0x0176, 0x0178, "y"},
    {0x0179, 0x017E, "z"}, {0x017F, 0x017F, "s"},
};

// How NormalizeName spells code point `cp`: ASCII letters, "" for a separator (punctuation and
// spaces of Latin-1 and General Punctuation), nullopt to keep its bytes as they are.
std::optional<std::string_view> Transliterate(char32_t cp) {
  if (cp >= 0x80 && cp < 0xC0) return "";
  if (cp >= 0xC0 && cp <= 0xFF) return kLatin1Letters[cp - 0xC0];
  for (const auto& range : kLatinExtendedA) {
    if (cp >= range.first && cp <= range.last) return range.ascii;
  }
  if ((cp >= 0x2000 && cp <= 0x206F) || cp == 0x3000 || cp == 0xFEFF) return "";
  return std::nullopt;
}

// The code points of `text`; a byte that is not well-formed UTF-8 stands for itself above the
// Unicode range, so it equals only the same byte.
std::u32string CodePoints(std::string_view text) {
  std::u32string out;
  for (size_t i = 0; i < text.size();) {
    char32_t cp = 0;
    size_t len = 0;
    if (DecodeUtf8(text, i, &cp, &len)) {
      out += cp;
      i += len;
    } else {
      out += static_cast<char32_t>(0x110000 + static_cast<uint8_t>(text[i]));
      ++i;
    }
  }
  return out;
}

double JaroWinkler(const std::u32string& a, const std::u32string& b) {
  if (a.empty() && b.empty()) return 1.0;
  if (a.empty() || b.empty()) return 0.0;
  if (a == b) return 1.0;
  const size_t longer = std::max(a.size(), b.size());
  const size_t window = longer / 2 > 0 ? longer / 2 - 1 : 0;
  std::vector<char> a_matched(a.size(), 0);
  std::vector<char> b_matched(b.size(), 0);
  size_t matches = 0;
  for (size_t i = 0; i < a.size(); ++i) {
    const size_t lo = i > window ? i - window : 0;
    const size_t hi = std::min(b.size(), i + window + 1);
    for (size_t j = lo; j < hi; ++j) {
      if (b_matched[j] || a[i] != b[j]) continue;
      a_matched[i] = b_matched[j] = 1;
      ++matches;
      break;
    }
  }
  if (matches == 0) return 0.0;
  size_t half_transpositions = 0;  // counted twice: once per out-of-order character
  for (size_t i = 0, k = 0; i < a.size(); ++i) {
    if (!a_matched[i]) continue;
    while (!b_matched[k]) ++k;
    if (a[i] != b[k]) ++half_transpositions;
    ++k;
  }
  const double m = static_cast<double>(matches);
  const double jaro = (m / static_cast<double>(a.size()) + m / static_cast<double>(b.size()) +
                       (m - static_cast<double>(half_transpositions) / 2.0) / m) /
                      3.0;
  constexpr size_t kMaxPrefix = 4;
  constexpr double kPrefixScale = 0.1;
  size_t prefix = 0;
  while (prefix < kMaxPrefix && prefix < a.size() && prefix < b.size() && a[prefix] == b[prefix]) {
    ++prefix;
  }
  return std::clamp(jaro + static_cast<double>(prefix) * kPrefixScale * (1.0 - jaro), 0.0, 1.0);
}

}  // namespace

// ---- JSON ---------------------------------------------------------------------------------

nlohmann::ordered_json Evidence::ToJson() const {
  OrderedJson json = OrderedJson::object();
  json["step"] = ValidUtf8(step);
  json["sql"] = ValidUtf8(sql);
  json["columns"] = StringsToJson(columns);
  json["rows"] = RowsToJson(rows);
  json["label"] = ValidUtf8(label);
  json["reads"] = StringsToJson(reads);
  json["ledger_seq"] = ledger_seq;
  return json;
}

Result<Evidence> Evidence::FromJson(const nlohmann::json& json) {
  try {
    return EvidenceFromJson(json);
  } catch (const nlohmann::json::exception& e) {
    return InvalidArgumentError("evidence: {}", e.what());
  }
}

std::string_view OutcomeName(Outcome outcome) {
  switch (outcome) {
    case Outcome::kPass:
      return "pass";
    case Outcome::kFail:
      return "fail";
    case Outcome::kUnknown:
      return "unknown";
  }
  return "unknown";
}

Result<Outcome> ParseOutcome(std::string_view name) {
  for (const Outcome outcome : {Outcome::kPass, Outcome::kFail, Outcome::kUnknown}) {
    if (OutcomeName(outcome) == name) return outcome;
  }
  return InvalidArgumentError("unknown outcome '{}' (expected pass, fail or unknown)", name);
}

nlohmann::ordered_json CheckResult::ToJson() const {
  OrderedJson json = OrderedJson::object();
  json["step"] = ValidUtf8(step);
  json["outcome"] = OutcomeName(outcome);
  json["reason"] = ValidUtf8(reason);
  json["uses"] = StringsToJson(uses);
  return json;
}

Result<CheckResult> CheckResult::FromJson(const nlohmann::json& json) {
  try {
    return CheckResultFromJson(json);
  } catch (const nlohmann::json::exception& e) {
    return InvalidArgumentError("check result: {}", e.what());
  }
}

std::string_view VerdictName(Verdict verdict) {
  switch (verdict) {
    case Verdict::kApprove:
      return "approve";
    case Verdict::kReject:
      return "reject";
    case Verdict::kNone:
      return "none";
  }
  return "none";
}

Result<Verdict> ParseVerdict(std::string_view name) {
  for (const Verdict verdict : {Verdict::kApprove, Verdict::kReject, Verdict::kNone}) {
    if (VerdictName(verdict) == name) return verdict;
  }
  return InvalidArgumentError("unknown verdict '{}' (expected approve, reject or none)", name);
}

nlohmann::ordered_json Recommendation::ToJson() const {
  OrderedJson json = OrderedJson::object();
  json["verdict"] = VerdictName(verdict);
  json["reason"] = ValidUtf8(reason);
  return json;
}

// ---- checks -------------------------------------------------------------------------------

CheckResult EvaluateCheck(const Step& check, const std::map<std::string, Evidence>& evidence,
                          const CaseParams& params) {
  CheckResult result;
  result.step = check.id;
  result.uses = check.uses;
  result.outcome = Outcome::kUnknown;
  try {
    if (check.kind != StepKind::kCheck) {
      result.reason = fmt::format("step '{}' is not a check", check.id);
      return result;
    }
    for (const auto& id : check.uses) {
      if (!evidence.contains(id)) {
        result.reason = fmt::format("no evidence from step '{}'", id);
        return result;
      }
    }
    const Status status = RunCheck(check, evidence, params, &result);
    if (!status.ok()) {
      result.outcome = Outcome::kUnknown;
      result.reason = "check error: " + status.message();
    }
  } catch (const std::exception& e) {
    result.outcome = Outcome::kUnknown;
    result.reason = fmt::format("check error: {}", e.what());
  }
  result.reason = Truncate(ValidUtf8(result.reason), kMaxReasonBytes);
  return result;
}

Recommendation Recommend(const Definition& definition,
                         const std::map<std::string, CheckResult>& checks) {
  std::vector<std::string> required;
  for (const auto& id : definition.approve_when) {
    if (std::find(required.begin(), required.end(), id) == required.end()) required.push_back(id);
  }
  // Approving on no evidence at all is not a recommendation.
  if (required.empty()) return Recommendation{Verdict::kNone, "no check is required"};
  std::vector<std::string> failed;
  std::vector<std::string> unknown;
  std::vector<std::string> missing;
  for (const auto& id : required) {
    const auto it = checks.find(id);
    if (it == checks.end()) {
      missing.push_back(id);
    } else if (it->second.outcome == Outcome::kFail) {
      failed.push_back(id);
    } else if (it->second.outcome == Outcome::kUnknown) {
      unknown.push_back(id);
    }
  }
  std::vector<std::string> parts;
  if (!failed.empty()) parts.push_back(fmt::format("failed: {}", fmt::join(failed, ", ")));
  if (!unknown.empty()) parts.push_back(fmt::format("unknown: {}", fmt::join(unknown, ", ")));
  if (!missing.empty()) parts.push_back(fmt::format("not run: {}", fmt::join(missing, ", ")));
  Recommendation recommendation;
  if (!failed.empty()) {
    recommendation.verdict = Verdict::kReject;
  } else if (!parts.empty()) {
    recommendation.verdict = Verdict::kNone;
  } else {
    recommendation.verdict = Verdict::kApprove;
    recommendation.reason = fmt::format("every required check passed ({})", required.size());
    return recommendation;
  }
  recommendation.reason = fmt::format("{}", fmt::join(parts, "; "));
  return recommendation;
}

std::string EvidenceDigest(const Definition& definition,
                           const std::map<std::string, Evidence>& evidence) {
  OrderedJson canonical = OrderedJson::array();
  for (const auto& id : definition.order) {
    const auto it = evidence.find(id);
    if (it == evidence.end()) continue;
    OrderedJson step = OrderedJson::object();
    step["step"] = ValidUtf8(id);
    step["columns"] = StringsToJson(it->second.columns);
    step["rows"] = RowsToJson(it->second.rows);
    canonical.push_back(std::move(step));
  }
  // Every string is valid UTF-8 by now; `replace` only keeps dump() from ever throwing.
  const std::string text = canonical.dump(-1, ' ', false, OrderedJson::error_handler_t::replace);
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  if (EVP_Digest(text.data(), text.size(), digest, &length, EVP_sha256(), nullptr) != 1) {
    return "";
  }
  return Hex(std::string_view(reinterpret_cast<const char*>(digest), length));
}

// ---- names --------------------------------------------------------------------------------

std::string NormalizeName(std::string_view text) {
  std::vector<std::string> words;
  std::string word;
  const auto flush = [&] {
    if (!word.empty()) words.push_back(std::move(word));
    word.clear();
  };
  for (size_t i = 0; i < text.size();) {
    const auto c = static_cast<uint8_t>(text[i]);
    if (c < 0x80) {
      if ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z')) {
        word += static_cast<char>(c);
      } else if (c >= 'A' && c <= 'Z') {
        word += static_cast<char>(c - 'A' + 'a');
      } else {
        flush();
      }
      ++i;
      continue;
    }
    char32_t cp = 0;
    size_t len = 0;
    if (!DecodeUtf8(text, i, &cp, &len)) {
      word += static_cast<char>(c);  // not UTF-8: the byte stays as it is
      ++i;
      continue;
    }
    const std::optional<std::string_view> ascii = Transliterate(cp);
    if (!ascii.has_value()) {
      word.append(text.substr(i, len));
    } else if (ascii->empty()) {
      flush();
    } else {
      word.append(*ascii);
    }
    i += len;
  }
  flush();
  std::sort(words.begin(), words.end());
  return fmt::format("{}", fmt::join(words, " "));
}

double NameSimilarity(std::string_view a, std::string_view b) {
  return JaroWinkler(CodePoints(NormalizeName(a)), CodePoints(NormalizeName(b)));
}

}  // namespace cairn::workflow
