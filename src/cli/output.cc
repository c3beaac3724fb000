#include "cli/output.h"

#include <algorithm>
#include <nlohmann/json.hpp>

namespace cairn::cli {
namespace {

using engine::Value;
using Json = nlohmann::ordered_json;

Json ToJson(const Value& value) {
  switch (value.type) {
    case Value::Type::kNull:
      return nullptr;
    case Value::Type::kInteger:
      return value.integer;
    case Value::Type::kReal:
      return value.real;
    case Value::Type::kText:
      return value.bytes;
    case Value::Type::kBlob:
      return engine::ValueToText(value);
  }
  return nullptr;
}

std::string Dump(const Json& json) {
  return json.dump(-1, ' ', false, Json::error_handler_t::replace);
}

std::vector<std::string> UniqueNames(const std::vector<std::string>& names) {
  std::vector<std::string> out;
  for (const auto& name : names) {
    std::string candidate = name;
    for (int n = 2; std::find(out.begin(), out.end(), candidate) != out.end(); ++n) {
      candidate = name + ":" + std::to_string(n);
    }
    out.push_back(candidate);
  }
  return out;
}

// Display width of UTF-8 text in code points (good enough for aligned columns).
size_t Width(const std::string& text) {
  size_t width = 0;
  for (unsigned char c : text) width += (c & 0xC0) != 0x80;
  return width;
}

class JsonPrinter : public Printer {
 public:
  JsonPrinter(std::ostream* out, bool lines) : out_(out), lines_(lines) {}
  Status Columns(const std::vector<std::string>& names) override {
    names_ = UniqueNames(names);
    if (!lines_) *out_ << "[";
    return OkStatus();
  }
  Status Row(const std::vector<Value>& values) override {
    Json row = Json::object();
    for (size_t i = 0; i < values.size(); ++i) row[names_[i]] = ToJson(values[i]);
    if (lines_) {
      *out_ << Dump(row) << "\n";
    } else {
      *out_ << (first_ ? "\n" : ",\n") << Dump(row);
    }
    first_ = false;
    return out_->good() ? OkStatus() : UnavailableError("cannot write the output");
  }
  Status Finish() override {
    if (!lines_) *out_ << (first_ ? "]\n" : "\n]\n");
    out_->flush();
    return OkStatus();
  }

 private:
  std::ostream* out_;
  bool lines_;
  bool first_ = true;
  std::vector<std::string> names_;
};

class CsvPrinter : public Printer {
 public:
  explicit CsvPrinter(std::ostream* out) : out_(out) {}
  Status Columns(const std::vector<std::string>& names) override {
    for (size_t i = 0; i < names.size(); ++i) {
      *out_ << (i ? "," : "") << Quote(names[i]);
    }
    *out_ << "\r\n";
    return OkStatus();
  }
  Status Row(const std::vector<Value>& values) override {
    for (size_t i = 0; i < values.size(); ++i) {
      if (i) *out_ << ',';
      if (values[i].type != Value::Type::kNull) *out_ << Quote(engine::ValueToText(values[i]));
    }
    *out_ << "\r\n";
    return out_->good() ? OkStatus() : UnavailableError("cannot write the output");
  }
  Status Finish() override {
    out_->flush();
    return OkStatus();
  }

 private:
  static std::string Quote(const std::string& text) {
    if (text.find_first_of(",\"\r\n") == std::string::npos && !text.empty()) return text;
    if (text.empty()) return "\"\"";
    std::string out = "\"";
    for (char c : text) {
      if (c == '"') out += '"';
      out += c;
    }
    return out + "\"";
  }
  std::ostream* out_;
};

class TablePrinter : public Printer {
 public:
  explicit TablePrinter(std::ostream* out) : out_(out) {}
  Status Columns(const std::vector<std::string>& names) override {
    names_ = names;
    widths_.clear();
    for (const auto& name : names) widths_.push_back(Width(name));
    return OkStatus();
  }
  Status Row(const std::vector<Value>& values) override {
    std::vector<std::string> row;
    for (size_t i = 0; i < values.size(); ++i) {
      std::string text =
          values[i].type == Value::Type::kNull ? "NULL" : engine::ValueToText(values[i]);
      for (char& c : text) {
        if (c == '\n' || c == '\r' || c == '\t') c = ' ';
      }
      widths_[i] = std::max(widths_[i], Width(text));
      numeric_.resize(values.size(), true);
      if (values[i].type == Value::Type::kText || values[i].type == Value::Type::kBlob) {
        numeric_[i] = false;
      }
      row.push_back(std::move(text));
    }
    rows_.push_back(std::move(row));
    return OkStatus();
  }
  Status Finish() override {
    numeric_.resize(names_.size(), true);
    auto cell = [&](const std::string& text, size_t i, bool right) {
      std::string pad(widths_[i] - Width(text), ' ');
      return right ? pad + text : text + pad;
    };
    std::string line;
    for (size_t i = 0; i < names_.size(); ++i) {
      line += (i ? " | " : " ") + cell(names_[i], i, false);
    }
    *out_ << line << "\n";
    line.clear();
    for (size_t i = 0; i < names_.size(); ++i) {
      line += (i ? "-+-" : "-") + std::string(widths_[i], '-');
    }
    *out_ << line << "-\n";
    for (const auto& row : rows_) {
      line.clear();
      for (size_t i = 0; i < row.size(); ++i) {
        line += (i ? " | " : " ") + cell(row[i], i, numeric_[i]);
      }
      *out_ << line << "\n";
    }
    *out_ << "(" << rows_.size() << (rows_.size() == 1 ? " row)\n" : " rows)\n");
    out_->flush();
    return OkStatus();
  }

 private:
  std::ostream* out_;
  std::vector<std::string> names_;
  std::vector<size_t> widths_;
  std::vector<bool> numeric_;
  std::vector<std::vector<std::string>> rows_;
};

}  // namespace

Result<Format> ParseFormat(const std::string& name) {
  if (name == "table") return Format::kTable;
  if (name == "csv") return Format::kCsv;
  if (name == "json") return Format::kJson;
  if (name == "jsonl") return Format::kJsonl;
  return InvalidArgumentError("unknown format '{}' (expected table, csv, json or jsonl)", name);
}

std::unique_ptr<Printer> MakePrinter(Format format, std::ostream* out) {
  switch (format) {
    case Format::kCsv:
      return std::make_unique<CsvPrinter>(out);
    case Format::kJson:
      return std::make_unique<JsonPrinter>(out, false);
    case Format::kJsonl:
      return std::make_unique<JsonPrinter>(out, true);
    case Format::kTable:
      break;
  }
  return std::make_unique<TablePrinter>(out);
}

}  // namespace cairn::cli
