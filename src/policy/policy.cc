#include "policy/policy.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cctype>
#include <fstream>
#include <set>
#include <sstream>

#include "connectors/source.h"
#include "core/strings.h"
#include "ledger/merkle.h"
#include "policy/declassify.h"

namespace cairn::policy {
namespace {

using engine::Label;

bool SameName(std::string_view a, std::string_view b) { return AsciiLower(a) == AsciiLower(b); }

bool Contains(const std::vector<std::string>& names, std::string_view name) {
  return std::any_of(names.begin(), names.end(),
                     [&](const std::string& n) { return SameName(n, name); });
}

bool AnyRole(const engine::Principal& principal, const std::vector<std::string>& roles) {
  return std::any_of(roles.begin(), roles.end(),
                     [&](const std::string& r) { return principal.HasRole(r); });
}

// Parsing context: the file name for marks, and helpers that locate errors.
class Reader {
 public:
  // `file` names errors; `name` (the file name alone) names rules in the ledger.
  Reader(std::string file, std::string name) : file_(std::move(file)), name_(std::move(name)) {}

  std::string Where(const YAML::Node& node) const {
    const YAML::Mark mark = node.Mark();
    if (mark.line < 0) return file_;
    return fmt::format("{}:{}:{}", file_, mark.line + 1, mark.column + 1);
  }
  Status Error(const YAML::Node& node, const std::string& key, const std::string& message) const {
    return InvalidArgumentError("{}: {}: {}", Where(node), key, message);
  }
  Result<std::string> Scalar(const YAML::Node& node, const std::string& key) const {
    if (!node.IsScalar() || node.Scalar().empty()) return Error(node, key, "expected a value");
    return node.Scalar();
  }
  // A list of names (a single scalar counts as a one-element list).
  Result<std::vector<std::string>> Names(const YAML::Node& node, const std::string& key) const {
    std::vector<std::string> out;
    if (node.IsScalar()) {
      ASSIGN_OR_RETURN(std::string one, Scalar(node, key));
      out.push_back(one);
      return out;
    }
    if (!node.IsSequence() || node.size() == 0) {
      return Error(node, key, "expected a name or a non-empty list of names");
    }
    for (size_t i = 0; i < node.size(); ++i) {
      ASSIGN_OR_RETURN(std::string name, Scalar(node[i], fmt::format("{}[{}]", key, i)));
      out.push_back(name);
    }
    return out;
  }
  // Fails on keys of `node` not in `allowed`.
  Status OnlyKeys(const YAML::Node& node, const std::string& key,
                  std::initializer_list<std::string_view> allowed) const {
    if (!node.IsMap()) return Error(node, key, "expected a mapping");
    for (const auto& entry : node) {
      const std::string name = entry.first.Scalar();
      if (std::find(allowed.begin(), allowed.end(), name) == allowed.end()) {
        std::string list;
        for (std::string_view a : allowed) list += (list.empty() ? "" : ", ") + std::string(a);
        return Error(entry.first, key + "." + name, "unknown key (expected " + list + ")");
      }
    }
    return OkStatus();
  }
  std::string Line(const YAML::Node& node) const {
    const YAML::Mark mark = node.Mark();
    return mark.line < 0 ? name_ : fmt::format("{}:{}", name_, mark.line + 1);
  }

 private:
  std::string file_;
  std::string name_;
};

bool IsName(std::string_view name) {
  if (name.empty() || name.size() > 64) return false;
  if (!std::islower(static_cast<unsigned char>(name[0])) &&
      !std::isdigit(static_cast<unsigned char>(name[0]))) {
    return false;
  }
  return std::all_of(name.begin(), name.end(), [](char c) {
    return std::islower(static_cast<unsigned char>(c)) ||
           std::isdigit(static_cast<unsigned char>(c)) || c == '_' || c == '-' || c == '.';
  });
}

}  // namespace

Result<std::vector<std::string>> CheckPolicySql(const std::string& sql) {
  std::vector<std::string> attributes;
  int depth = 0;
  size_t i = 0;
  const size_t n = sql.size();
  auto skip_quoted = [&](char close) -> Status {
    for (++i; i < n; ++i) {
      if (sql[i] == close) {
        if (close != ']' && i + 1 < n && sql[i + 1] == close) {
          ++i;
          continue;
        }
        ++i;
        return OkStatus();
      }
    }
    return InvalidArgumentError("unterminated {} in '{}'", close == '\'' ? "string" : "identifier",
                                sql);
  };
  if (sql.find('\0') != std::string::npos) {
    return InvalidArgumentError("a NUL byte in '{}'", sql);
  }
  while (i < n) {
    const char c = sql[i];
    if (c == '\'' || c == '"' || c == '`') {
      RETURN_IF_ERROR(skip_quoted(c));
    } else if (c == '[') {
      RETURN_IF_ERROR(skip_quoted(']'));
    } else if (c == '-' && i + 1 < n && sql[i + 1] == '-') {
      size_t end = sql.find('\n', i);
      i = end == std::string::npos ? n : end;
    } else if (c == '/' && i + 1 < n && sql[i + 1] == '*') {
      size_t end = sql.find("*/", i + 2);
      if (end == std::string::npos)
        return InvalidArgumentError("unterminated comment in '{}'", sql);
      i = end + 2;
    } else if (c == '(') {
      ++depth;
      ++i;
    } else if (c == ')') {
      if (--depth < 0) return InvalidArgumentError("unbalanced ')' in '{}'", sql);
      ++i;
    } else if (c == ';') {
      return InvalidArgumentError("';' in '{}': a policy expression is not a statement", sql);
    } else if (c == '?' || c == '@' || c == '$') {
      return InvalidArgumentError(
          "'{}' in '{}': name principal attributes as :name, no other parameters", c, sql);
    } else if (c == ':') {
      size_t end = i + 1;
      while (end < n && (std::isalnum(static_cast<unsigned char>(sql[end])) || sql[end] == '_')) {
        ++end;
      }
      std::string name = sql.substr(i + 1, end - i - 1);
      if (name.empty() || name[0] == '_' || std::isdigit(static_cast<unsigned char>(name[0]))) {
        return InvalidArgumentError(
            "':{}' in '{}': attribute names start with a letter (names starting with '_' are "
            "reserved)",
            name, sql);
      }
      if (std::find(attributes.begin(), attributes.end(), name) == attributes.end()) {
        attributes.push_back(name);
      }
      i = end;
    } else {
      ++i;
    }
  }
  if (depth != 0) return InvalidArgumentError("unbalanced '(' in '{}'", sql);
  return attributes;
}

std::string MaskSql(const Mask& mask) {
  const std::string column = connectors::QuoteIdentifier(mask.column);
  if (mask.kind == "redact") return "'[redacted]'";
  if (mask.kind == "null") return "NULL";
  if (mask.kind == "hash") return "cairn_mask_hash(" + column + ")";
  if (mask.kind == "last") return fmt::format("cairn_mask_last({}, {})", column, mask.keep);
  if (mask.kind == "year") return "cairn_mask_year(" + column + ")";
  return mask.sql;
}

Result<std::unique_ptr<Policy>> Policy::Load(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) {
    if (!std::filesystem::exists(file)) {
      auto empty = std::unique_ptr<Policy>(new Policy());
      empty->file_name_ = file.filename().string();
      return empty;
    }
    return UnavailableError("{}: cannot read", file.string());
  }
  std::stringstream text;
  text << in.rdbuf();
  return Parse(text.str(), file);
}

Result<std::unique_ptr<Policy>> Policy::Parse(const std::string& text,
                                              const std::filesystem::path& file) {
  auto policy = std::unique_ptr<Policy>(new Policy());
  policy->file_name_ = file.filename().string();
  policy->digest_ = ledger::ToHex(ledger::Sha256(text));
  const Reader r(file.string(), file.filename().string());
  YAML::Node root;
  try {
    root = YAML::Load(text);
  } catch (const YAML::Exception& e) {
    return InvalidArgumentError("{}:{}:{}: invalid YAML: {}", file.string(), e.mark.line + 1,
                                e.mark.column + 1, e.msg);
  }
  if (root.IsNull()) return policy;
  try {
    RETURN_IF_ERROR(r.OnlyKeys(root, "(top level)",
                               {"version", "roles", "grants", "row_filters", "masks", "labels",
                                "sinks", "declassifiers", "ledger_readers"}));
    // Roles first: everything else names them.
    if (const YAML::Node roles = root["roles"]; roles) {
      if (!roles.IsMap()) return r.Error(roles, "roles", "expected a mapping of role: description");
      for (const auto& entry : roles) {
        const std::string name = entry.first.Scalar();
        if (!IsName(name)) {
          return r.Error(entry.first, "roles." + name,
                         "role names are lower case letters, digits, '_', '-' and '.'");
        }
        policy->roles_[name] = entry.second.IsScalar() ? entry.second.Scalar() : "";
      }
    }
    auto known_roles = [&](const YAML::Node& node,
                           const std::string& key) -> Result<std::vector<std::string>> {
      ASSIGN_OR_RETURN(std::vector<std::string> names, r.Names(node, key));
      for (size_t i = 0; i < names.size(); ++i) {
        if (names[i] == "admin") continue;
        if (policy->roles_.count(names[i]) == 0) {
          std::string declared;
          for (const auto& [name, _] : policy->roles_)
            declared += (declared.empty() ? "" : ", ") + name;
          return r.Error(node.IsSequence() ? node[i] : node, key,
                         fmt::format("unknown role '{}' (declared under roles: {})", names[i],
                                     declared.empty() ? "none" : declared));
        }
      }
      return names;
    };
    auto sequence = [&](const char* key) -> Result<YAML::Node> {
      YAML::Node node = root[key];
      if (node && !node.IsNull() && !node.IsSequence()) {
        return r.Error(node, key, "expected a list");
      }
      return node;
    };
    auto check_sql = [&](const YAML::Node& node, const std::string& key) -> Result<std::string> {
      ASSIGN_OR_RETURN(std::string sql, r.Scalar(node, key));
      Result<std::vector<std::string>> checked = CheckPolicySql(sql);
      if (!checked.ok()) return r.Error(node, key, checked.status().message());
      return sql;
    };

    ASSIGN_OR_RETURN(YAML::Node grants, sequence("grants"));
    for (size_t i = 0; grants && i < grants.size(); ++i) {
      const YAML::Node g = grants[i];
      const std::string key = fmt::format("grants[{}]", i);
      RETURN_IF_ERROR(r.OnlyKeys(g, key, {"roles", "source", "tables", "columns"}));
      if (!g["roles"] || !g["source"]) return r.Error(g, key, "needs roles and source");
      Grant grant;
      ASSIGN_OR_RETURN(grant.roles, known_roles(g["roles"], key + ".roles"));
      ASSIGN_OR_RETURN(grant.source, r.Scalar(g["source"], key + ".source"));
      if (g["tables"]) {
        ASSIGN_OR_RETURN(grant.tables, r.Names(g["tables"], key + ".tables"));
      }
      if (g["columns"]) {
        ASSIGN_OR_RETURN(grant.columns, r.Names(g["columns"], key + ".columns"));
        if (grant.tables.size() != 1) {
          return r.Error(g["columns"], key + ".columns",
                         "a column grant names exactly one table under tables");
        }
      }
      grant.where = r.Line(g);
      policy->grants_.push_back(std::move(grant));
    }

    ASSIGN_OR_RETURN(YAML::Node filters, sequence("row_filters"));
    for (size_t i = 0; filters && i < filters.size(); ++i) {
      const YAML::Node f = filters[i];
      const std::string key = fmt::format("row_filters[{}]", i);
      RETURN_IF_ERROR(r.OnlyKeys(f, key, {"source", "table", "roles", "where"}));
      if (!f["source"] || !f["table"] || !f["where"]) {
        return r.Error(f, key, "needs source, table and where");
      }
      RowFilter filter;
      ASSIGN_OR_RETURN(filter.source, r.Scalar(f["source"], key + ".source"));
      ASSIGN_OR_RETURN(filter.table, r.Scalar(f["table"], key + ".table"));
      if (f["roles"]) {
        ASSIGN_OR_RETURN(filter.roles, known_roles(f["roles"], key + ".roles"));
      }
      ASSIGN_OR_RETURN(filter.sql, check_sql(f["where"], key + ".where"));
      filter.where = r.Line(f);
      policy->row_filters_.push_back(std::move(filter));
    }

    ASSIGN_OR_RETURN(YAML::Node masks, sequence("masks"));
    std::set<std::string> masked;
    for (size_t i = 0; masks && i < masks.size(); ++i) {
      const YAML::Node m = masks[i];
      const std::string key = fmt::format("masks[{}]", i);
      RETURN_IF_ERROR(r.OnlyKeys(m, key, {"source", "table", "column", "mask", "unless_roles"}));
      if (!m["source"] || !m["table"] || !m["column"] || !m["mask"]) {
        return r.Error(m, key, "needs source, table, column and mask");
      }
      Mask mask;
      ASSIGN_OR_RETURN(mask.source, r.Scalar(m["source"], key + ".source"));
      ASSIGN_OR_RETURN(mask.table, r.Scalar(m["table"], key + ".table"));
      ASSIGN_OR_RETURN(mask.column, r.Scalar(m["column"], key + ".column"));
      if (m["unless_roles"]) {
        ASSIGN_OR_RETURN(mask.unless_roles, known_roles(m["unless_roles"], key + ".unless_roles"));
      }
      const YAML::Node how = m["mask"];
      if (how.IsMap()) {
        RETURN_IF_ERROR(r.OnlyKeys(how, key + ".mask", {"sql"}));
        if (!how["sql"]) return r.Error(how, key + ".mask", "expected {sql: \"expression\"}");
        mask.kind = "sql";
        ASSIGN_OR_RETURN(mask.sql, check_sql(how["sql"], key + ".mask.sql"));
      } else if (how.IsNull()) {
        mask.kind = "null";  // `mask: null` (YAML's null) — the value is withheld
      } else {
        ASSIGN_OR_RETURN(std::string kind, r.Scalar(how, key + ".mask"));
        kind = AsciiLower(kind);
        if (kind == "last4") kind = "last:4";
        if (kind.rfind("last:", 0) == 0) {
          const std::string digits = kind.substr(5);
          int keep = 0;
          bool ok = !digits.empty() && digits.size() <= 2 &&
                    std::all_of(digits.begin(), digits.end(),
                                [](char c) { return std::isdigit(static_cast<unsigned char>(c)); });
          if (ok) keep = std::stoi(digits);
          if (!ok || keep < 1 || keep > 64) {
            return r.Error(how, key + ".mask", "last:N keeps 1 to 64 characters");
          }
          mask.kind = "last";
          mask.keep = keep;
        } else if (kind == "redact" || kind == "null" || kind == "hash" || kind == "year") {
          mask.kind = kind;
        } else {
          return r.Error(how, key + ".mask",
                         fmt::format("unknown mask '{}' (expected redact, null, hash, last4, "
                                     "last:N, year or {{sql: \"expression\"}})",
                                     kind));
        }
      }
      const std::string id = AsciiLower(mask.source + "." + mask.table + "." + mask.column);
      if (!masked.insert(id).second) {
        return r.Error(m, key, fmt::format("a second mask for {} (one mask per column)", id));
      }
      mask.where = r.Line(m);
      policy->masks_.push_back(std::move(mask));
    }

    if (const YAML::Node labels = root["labels"]; labels && !labels.IsNull()) {
      RETURN_IF_ERROR(r.OnlyKeys(labels, "labels", {"default", "columns"}));
      if (labels["default"]) {
        ASSIGN_OR_RETURN(std::string name, r.Scalar(labels["default"], "labels.default"));
        Result<Label> label = engine::ParseLabel(name);
        if (!label.ok())
          return r.Error(labels["default"], "labels.default", label.status().message());
        policy->default_label_ = *label;
      }
      if (const YAML::Node columns = labels["columns"]; columns && !columns.IsNull()) {
        if (!columns.IsMap()) {
          return r.Error(columns, "labels.columns", "expected source.table[.column]: label");
        }
        for (const auto& entry : columns) {
          const std::string name = entry.first.Scalar();
          const std::string key = "labels.columns." + name;
          const auto dots = std::count(name.begin(), name.end(), '.');
          if (dots < 1 || dots > 2) {
            return r.Error(entry.first, key, "expected source.table or source.table.column");
          }
          ASSIGN_OR_RETURN(std::string value, r.Scalar(entry.second, key));
          Result<Label> label = engine::ParseLabel(value);
          if (!label.ok()) return r.Error(entry.second, key, label.status().message());
          policy->labels_[AsciiLower(name)] = *label;
        }
      }
    }

    if (const YAML::Node sinks = root["sinks"]; sinks && !sinks.IsNull()) {
      if (!sinks.IsMap()) return r.Error(sinks, "sinks", "expected a mapping of sink names");
      for (const auto& entry : sinks) {
        Sink sink;
        sink.name = entry.first.Scalar();
        const std::string key = "sinks." + sink.name;
        if (!IsName(sink.name)) {
          return r.Error(entry.first, key, "sink names are lower case letters, digits, '_', '-'");
        }
        RETURN_IF_ERROR(r.OnlyKeys(entry.second, key, {"clearance", "description"}));
        if (!entry.second["clearance"]) return r.Error(entry.second, key, "needs a clearance");
        ASSIGN_OR_RETURN(std::string clearance, r.Scalar(entry.second["clearance"], key));
        Result<Label> label = engine::ParseLabel(clearance);
        if (!label.ok()) {
          return r.Error(entry.second["clearance"], key + ".clearance", label.status().message());
        }
        sink.clearance = *label;
        if (entry.second["description"]) sink.description = entry.second["description"].Scalar();
        sink.where = r.Line(entry.first);
        policy->sinks_.push_back(std::move(sink));
      }
    }

    if (const YAML::Node who = root["declassifiers"]; who && !who.IsNull()) {
      ASSIGN_OR_RETURN(policy->declassifiers_, known_roles(who, "declassifiers"));
    }
    if (const YAML::Node who = root["ledger_readers"]; who && !who.IsNull()) {
      ASSIGN_OR_RETURN(policy->ledger_readers_, known_roles(who, "ledger_readers"));
    }
    if (const YAML::Node version = root["version"];
        version && (!version.IsScalar() || version.Scalar() != "1")) {
      return r.Error(version, "version", "unsupported version (this Cairn reads version 1)");
    }
  } catch (const YAML::Exception& e) {
    return InvalidArgumentError("{}:{}:{}: {}", file.string(), e.mark.line + 1, e.mark.column + 1,
                                e.msg);
  }
  return policy;
}

bool Policy::Unrestricted(const engine::Principal& principal) const {
  return principal.HasRole("admin");
}

std::optional<engine::TableAccess> Policy::Table(const engine::Principal& principal,
                                                 const std::string& source,
                                                 const connectors::TableInfo& table) const {
  engine::TableAccess access;
  bool granted = false;
  bool all_columns = false;
  std::vector<std::string> columns;
  for (const Grant& grant : grants_) {
    if (!SameName(grant.source, source) || !AnyRole(principal, grant.roles)) continue;
    if (!grant.tables.empty() && !Contains(grant.tables, table.name)) continue;
    granted = true;
    access.rules.push_back("grant " + grant.where);
    if (grant.columns.empty()) {
      all_columns = true;
    } else {
      columns.insert(columns.end(), grant.columns.begin(), grant.columns.end());
    }
  }
  if (!granted) return std::nullopt;
  for (const auto& column : table.columns) {
    if (!all_columns && !Contains(columns, column.name)) continue;
    engine::ColumnAccess visible;
    visible.name = column.name;
    for (const Mask& mask : masks_) {
      if (!SameName(mask.source, source) || !SameName(mask.table, table.name) ||
          !SameName(mask.column, column.name) || AnyRole(principal, mask.unless_roles)) {
        continue;
      }
      Mask resolved = mask;
      resolved.column = column.name;  // the source's spelling
      visible.mask = MaskSql(resolved);
      visible.mask_reveals = mask.kind != "redact" && mask.kind != "null";
      visible.rule = "mask " + mask.where;
    }
    access.columns.push_back(std::move(visible));
  }
  for (const RowFilter& filter : row_filters_) {
    if (!SameName(filter.source, source) || !SameName(filter.table, table.name)) continue;
    if (!filter.roles.empty() && !AnyRole(principal, filter.roles)) continue;
    access.row_filter += (access.row_filter.empty() ? "(" : " AND (") + filter.sql + "\n)";
    access.rules.push_back("filter " + filter.where);
  }
  return access;
}

bool Policy::MayGrant(const engine::Principal& principal, const std::string& source,
                      const std::string& table) const {
  // The grants Table() matches, compared the same way (case-insensitively).
  return std::any_of(grants_.begin(), grants_.end(), [&](const Grant& grant) {
    return SameName(grant.source, source) && AnyRole(principal, grant.roles) &&
           (grant.tables.empty() || Contains(grant.tables, table));
  });
}

engine::Label Policy::ColumnLabel(const std::string& source, const std::string& table,
                                  const std::string& column) const {
  const std::string table_key = AsciiLower(source + "." + table);
  const std::string column_key = table_key + "." + AsciiLower(column);
  if (!column.empty()) {
    if (auto it = labels_.find(column_key); it != labels_.end()) return it->second;
  }
  if (auto it = labels_.find(table_key); it != labels_.end()) return it->second;
  if (!column.empty()) {
    if (auto it = confirmed_labels_.find(column_key); it != confirmed_labels_.end()) {
      return it->second;
    }
  }
  return default_label_;
}

const Sink* Policy::FindSink(const std::string& name) const {
  for (const Sink& sink : sinks_) {
    if (sink.name == name) return &sink;
  }
  return nullptr;
}

bool Policy::CanDeclassify(const engine::Principal& principal) const {
  return principal.HasRole("admin") || AnyRole(principal, declassifiers_);
}

bool Policy::CanReadLedger(const engine::Principal& principal) const {
  return principal.HasRole("admin") || AnyRole(principal, ledger_readers_);
}

Status Policy::CheckFlow(const engine::Principal&, engine::Label label, const std::string& sink,
                         const std::string& input_digest) const {
  const Sink* found = FindSink(sink);
  if (found == nullptr) {
    return NotFoundError("no sink '{}' in {} (sinks: {})", sink, file_name_, [&] {
      std::string names;
      for (const Sink& s : sinks_) names += (names.empty() ? "" : ", ") + s.name;
      return names.empty() ? std::string("none") : names;
    }());
  }
  if (label <= found->clearance) return OkStatus();
  if (declassifications_ != nullptr) {
    Result<bool> approved = declassifications_->Approved(input_digest, sink);
    if (!approved.ok()) return approved.status();
    if (*approved) return OkStatus();
  }
  return PermissionDeniedError(
      "the result is labelled {} and sink '{}' is cleared for {} data only; a declassifier "
      "must approve this query for that sink first (cairn declassify)",
      engine::LabelName(label), sink, engine::LabelName(found->clearance));
}

}  // namespace cairn::policy
