// Session::Query(): a statement run through Run() and recorded in the ledger with its decision,
// the rules that shaped it, its label and the digests of its input and of its result rows.

#include <openssl/evp.h>

#include <memory>
#include <string>

#include "engine/session.h"
#include "ledger/merkle.h"

namespace cairn::engine {
namespace {

// Streams rows into a SHA-256 over an unambiguous serialization (type tag, length, bytes).
class DigestSink : public RowSink {
 public:
  DigestSink() : ctx_(EVP_MD_CTX_new(), EVP_MD_CTX_free) {
    EVP_DigestInit_ex(ctx_.get(), EVP_sha256(), nullptr);
  }
  Status Columns(const std::vector<std::string>& names) override {
    for (const auto& name : names) Add('c', name);
    return OkStatus();
  }
  Status Row(const std::vector<Value>& values) override {
    Add('r', "");
    for (const Value& value : values) {
      switch (value.type) {
        case Value::Type::kNull:
          Add('n', "");
          break;
        case Value::Type::kInteger:
          Add('i', std::to_string(value.integer));
          break;
        case Value::Type::kReal:
          Add('f', fmt::format("{}", value.real));
          break;
        case Value::Type::kText:
          Add('t', value.bytes);
          break;
        case Value::Type::kBlob:
          Add('b', value.bytes);
          break;
      }
    }
    return OkStatus();
  }
  std::string Hex() {
    ledger::Hash hash{};
    unsigned int size = 0;
    EVP_DigestFinal_ex(ctx_.get(), hash.data(), &size);
    return ledger::ToHex(hash);
  }

 private:
  void Add(char tag, std::string_view bytes) {
    const std::string header = fmt::format("{}{}:", tag, bytes.size());
    EVP_DigestUpdate(ctx_.get(), header.data(), header.size());
    EVP_DigestUpdate(ctx_.get(), bytes.data(), bytes.size());
  }
  std::unique_ptr<EVP_MD_CTX, void (*)(EVP_MD_CTX*)> ctx_;
};

// Passes rows to `sink` and to `digest`.
class TeeSink : public RowSink {
 public:
  TeeSink(RowSink* sink, RowSink* digest) : sink_(sink), digest_(digest) {}
  Status Columns(const std::vector<std::string>& names) override {
    RETURN_IF_ERROR(digest_->Columns(names));
    return sink_->Columns(names);
  }
  Status Row(const std::vector<Value>& values) override {
    RETURN_IF_ERROR(digest_->Row(values));
    return sink_->Row(values);
  }
  bool Done() const override { return sink_->Done(); }

 private:
  RowSink* sink_;
  RowSink* digest_;
};

}  // namespace

Status Session::Query(std::string_view sql, RowSink* sink, QueryStats* stats,
                      const QueryOptions& options) {
  QueryStats local;
  if (stats == nullptr) stats = &local;
  if (ledger_ == nullptr) return Run(sql, sink, stats, options);
  DigestSink digest;
  TeeSink tee(sink, &digest);
  Status status = Run(sql, &tee, stats, options);
  ledger::Entry entry;
  entry.principal = principal_.id;
  entry.action = "query";
  entry.subject = std::string(sql);
  for (const auto& [name, value] : options.params) {
    entry.subject += fmt::format("\n-- :{} = {}", name, SqlLiteral(value));
  }
  entry.input_digest = ledger::ToHex(ledger::Sha256(entry.subject));
  entry.ingress = ingress_;
  if (!reads_.empty() || status.ok()) entry.label = std::string(LabelName(stats->label));
  std::string why;
  if (!restricted_) {
    why = "administrator";
  } else {
    why = fmt::format("{}", fmt::join(stats->rules, "; "));
  }
  if (!options.destination.empty())
    why += (why.empty() ? "" : "; ") + ("to " + options.destination);
  if (status.ok()) {
    entry.result_digest = digest.Hex();
    entry.decision = why.empty() ? "allow" : "allow: " + why;
  } else if (status.code() == StatusCode::kPermissionDenied) {
    entry.decision = "deny: " + status.message();
  } else if (!policy_denial_.empty()) {
    entry.decision = "deny: " + policy_denial_ + " (default deny; reported as " +
                     std::string(StatusCodeName(status.code())) + ")";
  } else {
    entry.decision = fmt::format("error: {}", StatusCodeName(status.code()));
  }
  Result<int64_t> appended = ledger_->Append(std::move(entry));
  if (!appended.ok()) return appended.status().WithContext("cannot record the query in the ledger");
  stats->ledger_seq = *appended;
  return status;
}

}  // namespace cairn::engine
