// cairn_semantic_bench: semantic types against hand-labelled columns.
//
//   cairn_semantic_bench [--labels PATH] [--split dev|held-out|both] [--only PREFIX]
//                        [--show-errors]
//
// The labels (tests/data/semantic_labels.csv, see tests/data/README.md) name a dataset, a
// source, a table, a column, the expected semantic type and a split. Each dataset is opened the
// way a user would open it (chinook and northwind: tests/data/<name>.sqlite as one sqlite
// source "db"; spider/<db>: bench/data/spider-de/database/<db>/<db>.sqlite as "db"; demo: the
// demo port generated with its default seed and size into a temporary directory, its four
// sources as cairn.yaml declares them) and profiled by Discover() (the product's code path,
// join inference off), and the semantic type stored in the catalog is compared with the label.
// Prints, per split, a Markdown table of precision, recall and F1 per type (types that feed
// label proposals marked with *), the accuracy over all columns, and with --show-errors every
// wrong column. Exits non-zero when the labels file is malformed or selects nothing, a dataset
// fails to open or profile, or a labelled column is missing from the catalog.

#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "connectors/csv/csv_reader.h"
#include "context/catalog_store.h"
#include "context/discovery.h"
#include "context/semantic.h"
#include "core/config.h"
#include "demo/demo.h"
#include "engine/catalog.h"
#include "engine/session.h"
#include "store/state_db.h"

namespace {

using cairn::context::SemanticType;

struct Label {
  std::string dataset, source, table, column, split;
  SemanticType expected = SemanticType::kUnknown;
  SemanticType got = SemanticType::kUnknown;
};

// Reads the labels with the CSV connector's reader (RFC 4180, errors naming file:line).
bool ReadLabels(const std::filesystem::path& path, std::vector<Label>* labels, std::string* error) {
  using cairn::connectors::csv::CsvReader;
  auto input = cairn::connectors::csv::OpenFileInput(path);
  if (!input.ok()) {
    *error = input.status().ToString();
    return false;
  }
  CsvReader reader(std::move(input).value(), path.string(), CsvReader::Options());
  auto fields = [&] {
    std::vector<std::string> f;
    for (size_t i = 0; i < reader.field_count(); ++i) f.emplace_back(reader.field(i));
    return f;
  };
  cairn::Result<bool> read = reader.Next();
  if (!read.ok() || !*read ||
      fields() !=
          std::vector<std::string>{"dataset", "source", "table", "column", "type", "split"}) {
    *error = read.ok() ? path.string() +
                             ": expected the header "
                             "dataset,source,table,column,type,split"
                       : read.status().ToString();
    return false;
  }
  while ((read = reader.Next()).ok() && *read) {
    std::vector<std::string> f = fields();
    if (f.size() == 1 && f[0].empty()) continue;  // a blank line
    Label l;
    if (f.size() != 6 || !cairn::context::SemanticTypeFromName(f[4], &l.expected) ||
        (f[5] != "dev" && f[5] != "held-out")) {
      *error = path.string() + ":" + std::to_string(reader.record_line()) +
               ": expected dataset,source,table,column,<a semantic type>,dev|held-out";
      return false;
    }
    l.dataset = f[0];
    l.source = f[1];
    l.table = f[2];
    l.column = f[3];
    l.split = f[5];
    labels->push_back(std::move(l));
  }
  if (!read.ok()) {
    *error = read.status().ToString();
    return false;
  }
  return true;
}

// Profiles one dataset and fills `got` of its labels. Returns an error message or "".
std::string Profile(const std::string& dataset, const std::filesystem::path& work,
                    std::vector<Label*>& labels) {
  using namespace cairn;
  const std::filesystem::path data = CAIRN_TEST_DATA;
  const std::filesystem::path spider =
      std::filesystem::path(CAIRN_BENCH_DATA) / "spider-de" / "database";
  std::string yaml;
  std::filesystem::path config_path = work / "cairn.yaml";
  auto sqlite = [](const std::filesystem::path& p) {
    return "version: 1\nsources:\n  db: {kind: sqlite, path: \"" + p.string() + "\"}\n";
  };
  if (dataset == "chinook" || dataset == "northwind") {
    yaml = sqlite(data / (dataset + ".sqlite"));
  } else if (dataset.rfind("spider/", 0) == 0) {
    std::string db = dataset.substr(7);
    std::filesystem::path p = spider / db / (db + ".sqlite");
    if (!std::filesystem::exists(p)) return "no such file " + p.string();
    yaml = sqlite(p);
  } else if (dataset == "demo") {
    demo::DemoOptions options;
    options.dir = work / "demo";
    options.force = true;
    auto summary = demo::GenerateDemo(options);
    if (!summary.ok()) return summary.status().ToString();
    config_path = options.dir / "cairn.yaml";
    std::ifstream in(config_path);
    std::stringstream text;
    text << in.rdbuf();
    yaml = text.str();
  } else {
    return "unknown dataset";
  }
  Result<Config> config = ParseConfig(yaml, config_path.string());
  if (!config.ok()) return config.status().ToString();
  auto catalog = engine::Catalog::Create(std::move(*config));
  if (!catalog.ok()) return catalog.status().ToString();
  auto session = engine::Session::Open(catalog->get(), engine::Principal::Admin());
  auto state = store::StateDb::Open(":memory:");
  if (!session.ok() || !state.ok()) return "cannot open a session or the state database";
  context::DiscoveryOptions options;
  options.infer_joins = false;
  auto report = context::Discover(session->get(), state->get(), options);
  if (!report.ok()) return report.status().ToString();
  if (Status s = report->status(); !s.ok()) return s.ToString();
  auto store = context::CatalogStore::Open(state->get());
  if (!store.ok()) return store.status().ToString();
  std::map<std::pair<std::string, std::string>, context::TableProfile> tables;
  for (Label* l : labels) {
    auto key = std::make_pair(l->source, l->table);
    if (!tables.count(key)) {
      auto table = store->GetTable(l->source, l->table, context::ColumnDetail::kProfiles);
      if (!table.ok()) return table.status().ToString();
      tables[key] = std::move(*table);
    }
    const context::ColumnProfile* column = tables[key].FindColumn(l->column);
    if (column == nullptr) return "no column " + l->source + "." + l->table + "." + l->column;
    l->got = column->semantic_type;
  }
  return "";
}

// Types whose detection feeds label proposals (policy::ProposeLabel).
bool FeedsLabels(SemanticType t) {
  return t == SemanticType::kEmail || t == SemanticType::kPhone || t == SemanticType::kIban ||
         t == SemanticType::kPersonName || t == SemanticType::kAddress;
}

double Ratio(double a, double b) { return b > 0 ? a / b : 0; }

void PrintSplit(const std::string& split, const std::vector<Label>& labels) {
  std::map<SemanticType, int> labelled, predicted, correct;
  int total = 0, right = 0;
  for (const Label& l : labels) {
    if (l.split != split) continue;
    ++total;
    ++labelled[l.expected];
    ++predicted[l.got];
    if (l.got == l.expected) {
      ++correct[l.expected];
      ++right;
    }
  }
  if (total == 0) return;
  std::printf("### %s split: %d columns, accuracy %.3f\n\n", split.c_str(), total,
              Ratio(right, total));
  std::printf(
      "| type | labelled | predicted | correct | precision | recall | F1 |\n"
      "|---|---:|---:|---:|---:|---:|---:|\n");
  for (int i = 0; i < cairn::context::kSemanticTypeCount; ++i) {
    auto t = static_cast<SemanticType>(i);
    if (labelled[t] == 0 && predicted[t] == 0) continue;
    double p = Ratio(correct[t], predicted[t]), r = Ratio(correct[t], labelled[t]);
    char precision[16] = "-", recall[16] = "-";
    if (predicted[t] > 0) std::snprintf(precision, sizeof precision, "%.3f", p);
    if (labelled[t] > 0) std::snprintf(recall, sizeof recall, "%.3f", r);
    std::printf("| %s%s | %d | %d | %d | %s | %s | %.3f |\n",
                std::string(cairn::context::SemanticTypeName(t)).c_str(), FeedsLabels(t) ? "*" : "",
                labelled[t], predicted[t], correct[t], precision, recall,
                p + r > 0 ? 2 * p * r / (p + r) : 0.0);
  }
  std::printf("\n");
}

}  // namespace

int main(int argc, char** argv) {
  std::filesystem::path labels_path =
      std::filesystem::path(CAIRN_TEST_DATA) / "semantic_labels.csv";
  std::string split = "both", only;
  bool show_errors = false;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg == "--labels" && i + 1 < argc) {
      labels_path = argv[++i];
    } else if (arg == "--split" && i + 1 < argc) {
      split = argv[++i];
    } else if (arg == "--only" && i + 1 < argc) {
      only = argv[++i];
    } else if (arg == "--show-errors") {
      show_errors = true;
    } else {
      std::cerr << "usage: cairn_semantic_bench [--labels PATH] [--split dev|held-out|both] "
                   "[--only PREFIX] [--show-errors]\n";
      return 2;
    }
  }
  if (split != "dev" && split != "held-out" && split != "both") {
    std::cerr << "cairn_semantic_bench: --split is dev, held-out or both\n";
    return 2;
  }
  std::vector<Label> all, labels;
  std::string error;
  if (!ReadLabels(labels_path, &all, &error)) {
    std::cerr << "cairn_semantic_bench: " << error << "\n";
    return 3;
  }
  for (Label& l : all) {
    if ((split == "both" || l.split == split) && l.dataset.rfind(only, 0) == 0) {
      labels.push_back(std::move(l));
    }
  }
  if (labels.empty()) {
    std::cerr << "cairn_semantic_bench: no labelled column selected\n";
    return 3;
  }
  std::map<std::string, std::vector<Label*>> by_dataset;
  for (Label& l : labels) by_dataset[l.dataset].push_back(&l);
  const std::filesystem::path work =
      std::filesystem::temp_directory_path() / ("cairn_semantic_bench." + std::to_string(getpid()));
  std::filesystem::create_directories(work);
  int failed = 0;
  for (auto& [dataset, list] : by_dataset) {
    std::string message = Profile(dataset, work, list);
    if (!message.empty()) {
      std::cerr << "cairn_semantic_bench: " << dataset << ": " << message << "\n";
      ++failed;
    }
  }
  std::error_code ignored;
  std::filesystem::remove_all(work, ignored);
  std::printf(
      "Semantic types against %zu labelled columns of %zu datasets (%s); * feeds label "
      "proposals.\n\n",
      labels.size(), by_dataset.size(), labels_path.filename().c_str());
  for (const char* s : {"dev", "held-out"}) PrintSplit(s, labels);
  if (show_errors) {
    for (const Label& l : labels) {
      if (l.got == l.expected) continue;
      std::printf("%s %s %s.%s.%s: labelled %s, typed %s\n", l.split.c_str(), l.dataset.c_str(),
                  l.source.c_str(), l.table.c_str(), l.column.c_str(),
                  std::string(cairn::context::SemanticTypeName(l.expected)).c_str(),
                  std::string(cairn::context::SemanticTypeName(l.got)).c_str());
    }
  }
  return failed > 0 ? 1 : 0;
}
