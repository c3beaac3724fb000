#include "ledger/ledger.h"

#include <fmt/format.h>

#include <algorithm>
#include <span>
#include <string_view>

namespace cairn::ledger {
namespace {

const std::vector<store::Migration> kMigrations = {
    {1, "ledger entries and signed tree heads",
     "CREATE TABLE ledger_entries ("
     "  seq INTEGER PRIMARY KEY, time TEXT NOT NULL, principal TEXT NOT NULL,"
     "  action TEXT NOT NULL, subject TEXT NOT NULL, input_digest TEXT NOT NULL,"
     "  result_digest TEXT NOT NULL, label TEXT NOT NULL, decision TEXT NOT NULL,"
     "  ingress TEXT NOT NULL, leaf_hash TEXT NOT NULL);"
     "CREATE INDEX ledger_entries_principal ON ledger_entries (principal, seq);"
     "CREATE INDEX ledger_entries_time ON ledger_entries (time);"
     "CREATE TABLE ledger_tree_heads ("
     "  tree_size INTEGER PRIMARY KEY, root_hash TEXT NOT NULL, timestamp TEXT NOT NULL,"
     "  signature TEXT NOT NULL, key_id TEXT NOT NULL);"},
};

constexpr char kColumns[] =
    "seq, time, principal, action, subject, input_digest, result_digest, label, decision, "
    "ingress, leaf_hash";

bool IsDigest(const std::string& digest) {
  if (digest.empty()) return true;
  if (digest.size() != 64) return false;
  for (char c : digest) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

Status CheckEntry(const Entry& entry) {
  if (entry.principal.empty()) return InvalidArgumentError("a ledger entry needs a principal");
  if (entry.action.empty()) return InvalidArgumentError("a ledger entry needs an action");
  if (!IsDigest(entry.input_digest)) {
    return InvalidArgumentError("input_digest '{}' is not 64 lowercase hex digits",
                                entry.input_digest);
  }
  if (!IsDigest(entry.result_digest)) {
    return InvalidArgumentError("result_digest '{}' is not 64 lowercase hex digits",
                                entry.result_digest);
  }
  return OkStatus();
}

Record RecordFromRow(const store::Row& row) {
  Record r;
  r.seq = row.Int(0);
  r.entry.time = row.Text(1);
  r.entry.principal = row.Text(2);
  r.entry.action = row.Text(3);
  r.entry.subject = row.Text(4);
  r.entry.input_digest = row.Text(5);
  r.entry.result_digest = row.Text(6);
  r.entry.label = row.Text(7);
  r.entry.decision = row.Text(8);
  r.entry.ingress = row.Text(9);
  r.leaf_hash = row.Text(10);
  return r;
}

std::vector<std::string> ToHexList(const std::vector<Hash>& hashes) {
  std::vector<std::string> out;
  out.reserve(hashes.size());
  for (const Hash& h : hashes) out.push_back(ToHex(h));
  return out;
}

// A leaf hash alone cannot tell which field changed, so this names the entry and both hashes.
Status LeafMismatch(int64_t seq, const std::string& stored, const std::string& computed) {
  return DataLossError(
      "ledger entry {}: the stored leaf hash {} differs from the hash of the stored fields {} "
      "(a field or the hash of entry {} was altered)",
      seq, stored, computed, seq);
}

void AppendEscape(uint32_t code_unit, std::string* out) {
  static constexpr char kDigits[] = "0123456789abcdef";
  out->append("\\u");
  for (int shift = 12; shift >= 0; shift -= 4) out->push_back(kDigits[(code_unit >> shift) & 0xf]);
}

// Appends `in` as a JSON string in the version-1 canonical form (ASCII only, \uXXXX escapes);
// false if `in` is not valid UTF-8 (overlong forms, surrogates and code points above U+10FFFF
// are invalid).
bool AppendJsonString(std::string_view in, std::string* out) {
  out->push_back('"');
  size_t i = 0;
  while (i < in.size()) {
    const auto b = static_cast<uint8_t>(in[i]);
    if (b < 0x80) {
      switch (b) {
        case '"':
          out->append("\\\"");
          break;
        case '\\':
          out->append("\\\\");
          break;
        case '\b':
          out->append("\\b");
          break;
        case '\f':
          out->append("\\f");
          break;
        case '\n':
          out->append("\\n");
          break;
        case '\r':
          out->append("\\r");
          break;
        case '\t':
          out->append("\\t");
          break;
        default:
          if (b < 0x20 || b == 0x7f) {
            AppendEscape(b, out);
          } else {
            out->push_back(static_cast<char>(b));
          }
      }
      ++i;
      continue;
    }
    int length = 0;
    uint32_t code_point = 0;
    uint8_t low = 0x80;
    uint8_t high = 0xbf;
    if (b >= 0xc2 && b <= 0xdf) {
      length = 2;
      code_point = b & 0x1f;
    } else if (b >= 0xe0 && b <= 0xef) {
      length = 3;
      code_point = b & 0x0f;
      if (b == 0xe0) low = 0xa0;
      if (b == 0xed) high = 0x9f;
    } else if (b >= 0xf0 && b <= 0xf4) {
      length = 4;
      code_point = b & 0x07;
      if (b == 0xf0) low = 0x90;
      if (b == 0xf4) high = 0x8f;
    } else {
      return false;
    }
    if (i + length > in.size()) return false;
    for (int k = 1; k < length; ++k) {
      const auto c = static_cast<uint8_t>(in[i + k]);
      if (c < (k == 1 ? low : 0x80) || c > (k == 1 ? high : 0xbf)) return false;
      code_point = code_point << 6 | (c & 0x3f);
    }
    if (code_point >= 0x10000) {
      code_point -= 0x10000;
      AppendEscape(0xd800 + (code_point >> 10), out);
      AppendEscape(0xdc00 + (code_point & 0x3ff), out);
    } else {
      AppendEscape(code_point, out);
    }
    i += length;
  }
  out->push_back('"');
  return true;
}

// Maps the last error of `db` like StateDb does.
Status SqliteError(sqlite3* db, const char* what) {
  const int rc = sqlite3_extended_errcode(db);
  const std::string message =
      fmt::format("ledger {} into the state database: {}", what, sqlite3_errmsg(db));
  switch (rc & 0xff) {
    case SQLITE_CONSTRAINT:
      return Status(StatusCode::kAlreadyExists, message);
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      return Status(StatusCode::kUnavailable, message);
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB:
      return Status(StatusCode::kDataLoss, message);
    default:
      return Status(StatusCode::kInternal, message);
  }
}

}  // namespace

Result<nlohmann::json> CanonicalEntryJson(int64_t seq, const Entry& e) {
  nlohmann::json j = nlohmann::json::object();
  j["v"] = 1;
  j["seq"] = seq;
  j["time"] = e.time;
  j["principal"] = e.principal;
  j["action"] = e.action;
  j["subject"] = e.subject;
  j["input_digest"] = e.input_digest;
  j["result_digest"] = e.result_digest;
  j["label"] = e.label;
  j["decision"] = e.decision;
  j["ingress"] = e.ingress;
  return j;
}

Result<std::string> CanonicalEntry(int64_t seq, const Entry& e) {
  // Hand-written for speed; keys in sorted order. Equal to the dump() of CanonicalEntryJson()
  // (checked by a differential test).
  std::string out;
  out.reserve(256 + e.subject.size());
  const std::pair<const char*, const std::string*> before_seq[] = {
      {"action", &e.action},
      {"decision", &e.decision},
      {"ingress", &e.ingress},
      {"input_digest", &e.input_digest},
      {"label", &e.label},
      {"principal", &e.principal},
      {"result_digest", &e.result_digest}};
  const std::pair<const char*, const std::string*> after_seq[] = {{"subject", &e.subject},
                                                                  {"time", &e.time}};
  out.push_back('{');
  for (const auto& [key, value] : before_seq) {
    out += fmt::format("\"{}\":", key);
    if (!AppendJsonString(*value, &out)) {
      return InvalidArgumentError("ledger entry {}: {} is not valid UTF-8", seq, key);
    }
    out.push_back(',');
  }
  out += fmt::format("\"seq\":{}", seq);
  for (const auto& [key, value] : after_seq) {
    out += fmt::format(",\"{}\":", key);
    if (!AppendJsonString(*value, &out)) {
      return InvalidArgumentError("ledger entry {}: {} is not valid UTF-8", seq, key);
    }
  }
  out += ",\"v\":1}";
  return out;
}

std::string TreeHeadMessage(uint64_t tree_size, const std::string& root_hash,
                            const std::string& timestamp) {
  return fmt::format("cairn.ledger.tree_head.v1\n{}\n{}\n{}\n", tree_size, root_hash, timestamp);
}

Status VerifyTreeHead(const SignedTreeHead& head, const PublicKey& key) {
  if (head.key_id != key.key_id()) {
    return DataLossError("the tree head at size {} is signed by key {}, not by key {}",
                         head.tree_size, head.key_id, key.key_id());
  }
  std::string signature;
  if (head.signature.size() != 128) {
    return DataLossError("the tree head at size {} has a malformed signature", head.tree_size);
  }
  for (size_t i = 0; i < head.signature.size(); i += 64) {
    Result<Hash> half = HashFromHex(std::string_view(head.signature).substr(i, 64));
    if (!half.ok()) {
      return DataLossError("the tree head at size {} has a malformed signature", head.tree_size);
    }
    signature.append(reinterpret_cast<const char*>(half->data()), half->size());
  }
  Status status =
      key.Verify(TreeHeadMessage(head.tree_size, head.root_hash, head.timestamp), signature);
  if (!status.ok()) {
    return DataLossError("the signature of the tree head at size {} does not verify with key {}",
                         head.tree_size, key.key_id());
  }
  return OkStatus();
}

nlohmann::json RecordToJson(const Record& r) {
  return {{"seq", r.seq},
          {"time", r.entry.time},
          {"principal", r.entry.principal},
          {"action", r.entry.action},
          {"subject", r.entry.subject},
          {"label", r.entry.label},
          {"decision", r.entry.decision},
          {"hash", r.leaf_hash}};
}

nlohmann::json TreeHeadToJson(const SignedTreeHead& h) {
  return {{"tree_size", h.tree_size},
          {"root_hash", h.root_hash},
          {"timestamp", h.timestamp},
          {"signature", h.signature},
          {"key_id", h.key_id}};
}

Result<SignedTreeHead> TreeHeadFromJson(const nlohmann::json& j) {
  try {
    SignedTreeHead h;
    h.tree_size = j.at("tree_size").get<uint64_t>();
    h.root_hash = j.at("root_hash").get<std::string>();
    h.timestamp = j.at("timestamp").get<std::string>();
    h.signature = j.at("signature").get<std::string>();
    h.key_id = j.at("key_id").get<std::string>();
    return h;
  } catch (const nlohmann::json::exception& e) {
    return InvalidArgumentError("not a signed tree head: {}", e.what());
  }
}

nlohmann::json InclusionProofToJson(const InclusionProofData& p) {
  return {{"format", "cairn.ledger.inclusion.v1"},
          {"leaf_index", p.leaf_index},
          {"tree_size", p.tree_size},
          {"leaf_hash", p.leaf_hash},
          {"audit_path", p.audit_path},
          {"root_hash", p.root_hash}};
}

nlohmann::json ConsistencyProofToJson(const ConsistencyProofData& p) {
  return {{"format", "cairn.ledger.consistency.v1"},
          {"old_size", p.old_size},
          {"new_size", p.new_size},
          {"old_root", p.old_root},
          {"new_root", p.new_root},
          {"proof", p.proof}};
}

Result<std::unique_ptr<Ledger>> Ledger::Open(std::unique_ptr<store::StateDb> db, Clock* clock,
                                             const KeyPair* key) {
  if (db == nullptr || clock == nullptr)
    return InvalidArgumentError("Ledger::Open needs a db and a clock");
  RETURN_IF_ERROR(
      db->Query("PRAGMA synchronous = FULL", {}, [](const store::Row&) { return OkStatus(); }));
  RETURN_IF_ERROR(db->Migrate("ledger", kMigrations).status());
  return std::unique_ptr<Ledger>(new Ledger(std::move(db), clock, key));
}

Result<int64_t> Ledger::Append(Entry entry) {
  std::vector<Entry> one;
  one.push_back(std::move(entry));
  ASSIGN_OR_RETURN(std::vector<int64_t> seqs, AppendBatch(std::move(one)));
  return seqs[0];
}

Result<std::vector<int64_t>> Ledger::AppendBatch(std::vector<Entry> entries) {
  for (const Entry& e : entries) RETURN_IF_ERROR(CheckEntry(e));
  std::vector<int64_t> seqs;
  RETURN_IF_ERROR(db_->Transaction([&]() -> Status {
    seqs.clear();
    int64_t next = 0;
    RETURN_IF_ERROR(db_->Query("SELECT COALESCE(MAX(seq) + 1, 0) FROM ledger_entries", {},
                               [&](const store::Row& row) {
                                 next = row.Int(0);
                                 return OkStatus();
                               }));
    // One prepared statement for the whole batch (StateDb::Exec would prepare per row).
    const std::string sql = fmt::format(
        "INSERT INTO ledger_entries ({}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", kColumns);
    sqlite3_stmt* raw = nullptr;
    if (sqlite3_prepare_v2(db_->handle(), sql.c_str(), -1, &raw, nullptr) != SQLITE_OK) {
      return SqliteError(db_->handle(), "prepare");
    }
    std::unique_ptr<sqlite3_stmt, int (*)(sqlite3_stmt*)> insert(raw, sqlite3_finalize);
    const std::string time = clock_->NowUtc();
    for (Entry& e : entries) {
      e.time = time;
      ASSIGN_OR_RETURN(std::string canonical, CanonicalEntry(next, e));
      const std::string leaf = ToHex(LeafHash(canonical));
      sqlite3_reset(insert.get());
      sqlite3_bind_int64(insert.get(), 1, next);
      int index = 2;
      for (const std::string* field : std::initializer_list<const std::string*>{
               &e.time, &e.principal, &e.action, &e.subject, &e.input_digest, &e.result_digest,
               &e.label, &e.decision, &e.ingress, &leaf}) {
        sqlite3_bind_text(insert.get(), index++, field->data(), static_cast<int>(field->size()),
                          SQLITE_STATIC);
      }
      if (sqlite3_step(insert.get()) != SQLITE_DONE) return SqliteError(db_->handle(), "insert");
      seqs.push_back(next++);
    }
    return OkStatus();
  }));
  return seqs;
}

Result<uint64_t> Ledger::Size() {
  int64_t count = 0;
  RETURN_IF_ERROR(db_->Query("SELECT count(*) FROM ledger_entries", {}, [&](const store::Row& r) {
    count = r.Int(0);
    return OkStatus();
  }));
  return static_cast<uint64_t>(count);
}

Result<std::vector<Hash>> Ledger::LeafHashes(uint64_t tree_size) {
  std::vector<Hash> leaves;
  leaves.reserve(tree_size);
  RETURN_IF_ERROR(db_->Query(
      "SELECT seq, leaf_hash FROM ledger_entries WHERE seq < ? ORDER BY seq",
      {static_cast<int64_t>(tree_size)}, [&](const store::Row& r) -> Status {
        const int64_t expected = static_cast<int64_t>(leaves.size());
        if (r.Int(0) != expected) {
          return DataLossError("ledger entry {} is missing (the next stored entry is {})", expected,
                               r.Int(0));
        }
        Result<Hash> hash = HashFromHex(r.Text(1));
        if (!hash.ok()) {
          return DataLossError("ledger entry {}: malformed leaf hash '{}'", expected, r.Text(1));
        }
        leaves.push_back(*hash);
        return OkStatus();
      }));
  if (leaves.size() != tree_size) {
    return DataLossError("ledger entry {} is missing (the tree has {} entries)", leaves.size(),
                         tree_size);
  }
  return leaves;
}

Result<TreeHead> Ledger::Head(uint64_t tree_size) {
  ASSIGN_OR_RETURN(uint64_t size, Size());
  if (tree_size > size) {
    return InvalidArgumentError("the ledger has {} entries, not {}", size, tree_size);
  }
  ASSIGN_OR_RETURN(std::vector<Hash> leaves, LeafHashes(tree_size));
  return TreeHead{tree_size, ToHex(RootHash(leaves)), clock_->NowUtc()};
}

Result<SignedTreeHead> Ledger::SignTreeHead() {
  if (key_ == nullptr) return FailedPreconditionError("the ledger has no signing key");
  SignedTreeHead signed_head;
  RETURN_IF_ERROR(db_->Transaction([&]() -> Status {
    ASSIGN_OR_RETURN(uint64_t size, Size());
    ASSIGN_OR_RETURN(TreeHead head, Head(size));
    ASSIGN_OR_RETURN(std::string signature,
                     key_->Sign(TreeHeadMessage(head.tree_size, head.root_hash, head.timestamp)));
    signed_head = SignedTreeHead{head.tree_size, head.root_hash, head.timestamp, ToHex(signature),
                                 key_->public_key().key_id()};
    return db_
        ->Exec(
            "INSERT OR REPLACE INTO ledger_tree_heads (tree_size, root_hash, timestamp, "
            "signature, key_id) VALUES (?, ?, ?, ?, ?)",
            {static_cast<int64_t>(signed_head.tree_size), signed_head.root_hash,
             signed_head.timestamp, signed_head.signature, signed_head.key_id})
        .status();
  }));
  return signed_head;
}

Result<std::optional<SignedTreeHead>> Ledger::LatestSignedTreeHead() {
  std::optional<SignedTreeHead> head;
  RETURN_IF_ERROR(
      db_->Query("SELECT tree_size, root_hash, timestamp, signature, key_id FROM ledger_tree_heads "
                 "ORDER BY tree_size DESC LIMIT 1",
                 {}, [&](const store::Row& r) {
                   head = SignedTreeHead{static_cast<uint64_t>(r.Int(0)), r.Text(1), r.Text(2),
                                         r.Text(3), r.Text(4)};
                   return OkStatus();
                 }));
  return head;
}

Result<VerifyReport> Ledger::Verify(const PublicKey* key,
                                    const std::vector<SignedTreeHead>& saved_heads) {
  std::vector<SignedTreeHead> heads;
  RETURN_IF_ERROR(
      db_->Query("SELECT tree_size, root_hash, timestamp, signature, key_id FROM ledger_tree_heads",
                 {}, [&](const store::Row& r) {
                   heads.push_back(SignedTreeHead{static_cast<uint64_t>(r.Int(0)), r.Text(1),
                                                  r.Text(2), r.Text(3), r.Text(4)});
                   return OkStatus();
                 }));
  heads.insert(heads.end(), saved_heads.begin(), saved_heads.end());
  std::sort(heads.begin(), heads.end(), [](const SignedTreeHead& a, const SignedTreeHead& b) {
    return a.tree_size < b.tree_size;
  });

  // The leaves as recomputed from the fields and as stored; they differ only after a mismatch.
  std::vector<Hash> leaves;
  std::vector<Hash> stored_leaves;
  std::optional<Record> mismatch;  // the first entry whose fields do not hash to its leaf hash
  Status gap;
  Status scan = db_->Query(
      fmt::format("SELECT {} FROM ledger_entries ORDER BY seq", kColumns), {},
      [&](const store::Row& row) -> Status {
        const Record r = RecordFromRow(row);
        const int64_t expected = static_cast<int64_t>(leaves.size());
        if (r.seq != expected) {
          gap = DataLossError("ledger entry {} is missing (the next stored entry is {})", expected,
                              r.seq);
          return gap;
        }
        Result<std::string> canonical = CanonicalEntry(r.seq, r.entry);
        if (!canonical.ok()) {
          return DataLossError("ledger entry {}: {}", r.seq, canonical.status().message());
        }
        const Hash computed = LeafHash(*canonical);
        Result<Hash> stored = HashFromHex(r.leaf_hash);
        if (!stored.ok() || *stored != computed) {
          if (!mismatch) mismatch = r;
        }
        leaves.push_back(computed);
        stored_leaves.push_back(stored.ok() ? *stored : computed);
        return OkStatus();
      });
  if (!scan.ok()) {
    // A gap after a mismatched entry is reported as the mismatch: it comes first.
    const bool is_gap = !gap.ok() && scan.message() == gap.message();
    if (!is_gap || !mismatch) return scan;
  }
  if (mismatch) {
    const int64_t seq = mismatch->seq;
    const Hash computed = leaves[seq];
    // A signed head covering the entry tells which of fields and leaf hash is the original.
    for (const SignedTreeHead& head : heads) {
      if (head.tree_size <= static_cast<uint64_t>(seq) || head.tree_size > leaves.size()) continue;
      const std::span<const Hash> original(stored_leaves.data(), head.tree_size);
      const std::span<const Hash> recomputed(leaves.data(), head.tree_size);
      if (ToHex(RootHash(original)) == head.root_hash) {
        return DataLossError(
            "ledger entry {}: its fields were altered (they hash to {}, but the signed tree head "
            "at size {} covers the stored leaf hash {})",
            seq, ToHex(computed), head.tree_size, mismatch->leaf_hash);
      }
      if (ToHex(RootHash(recomputed)) == head.root_hash) {
        return DataLossError(
            "ledger entry {}: its stored leaf hash {} was altered (the fields hash to {}, which "
            "the signed tree head at size {} covers)",
            seq, mismatch->leaf_hash, ToHex(computed), head.tree_size);
      }
      break;
    }
    return LeafMismatch(seq, mismatch->leaf_hash, ToHex(computed));
  }

  // A truncated tail is reported first: it names the earliest missing entry.
  if (!heads.empty() && heads.back().tree_size > leaves.size()) {
    return DataLossError(
        "ledger entry {} is missing: the ledger ends after {} entries but a signed tree head "
        "covers {} (the tail was truncated)",
        leaves.size(), leaves.size(), heads.back().tree_size);
  }
  uint64_t previous = 0;
  for (const SignedTreeHead& head : heads) {
    if (key != nullptr) {
      Status status = VerifyTreeHead(head, *key);
      if (!status.ok()) return status;
    }
    const std::span<const Hash> prefix(leaves.data(), head.tree_size);
    if (ToHex(RootHash(prefix)) != head.root_hash) {
      return DataLossError(
          "ledger entries {}..{} do not match the signed tree head at size {} (root {}, "
          "recomputed {}): an entry in that range was rewritten together with its hash",
          previous, head.tree_size - 1, head.tree_size, head.root_hash, ToHex(RootHash(prefix)));
    }
    previous = head.tree_size;
  }
  return VerifyReport{leaves.size(), heads.size()};
}

Result<InclusionProofData> Ledger::Prove(uint64_t seq, uint64_t tree_size) {
  ASSIGN_OR_RETURN(uint64_t size, Size());
  if (seq >= tree_size || tree_size > size) {
    return InvalidArgumentError("no proof of entry {} in a tree of {} (the ledger has {})", seq,
                                tree_size, size);
  }
  ASSIGN_OR_RETURN(std::vector<Hash> leaves, LeafHashes(tree_size));
  ASSIGN_OR_RETURN(std::vector<Hash> path, InclusionProof(leaves, seq));
  return InclusionProofData{seq, tree_size, ToHex(leaves[seq]), ToHexList(path),
                            ToHex(RootHash(leaves))};
}

Result<ConsistencyProofData> Ledger::Consistency(uint64_t old_size, uint64_t new_size) {
  ASSIGN_OR_RETURN(uint64_t size, Size());
  if (old_size == 0 || old_size > new_size || new_size > size) {
    return InvalidArgumentError("no consistency proof from {} to {} (the ledger has {})", old_size,
                                new_size, size);
  }
  ASSIGN_OR_RETURN(std::vector<Hash> leaves, LeafHashes(new_size));
  ASSIGN_OR_RETURN(std::vector<Hash> proof, ConsistencyProof(leaves, old_size));
  return ConsistencyProofData{old_size, new_size,
                              ToHex(RootHash(std::span<const Hash>(leaves.data(), old_size))),
                              ToHex(RootHash(leaves)), ToHexList(proof)};
}

Result<std::vector<Record>> Ledger::Select(const std::string& where,
                                           const std::vector<store::Param>& params,
                                           const std::string& suffix) {
  std::vector<Record> out;
  RETURN_IF_ERROR(
      db_->Query(fmt::format("SELECT {} FROM ledger_entries {} {}", kColumns, where, suffix),
                 params, [&](const store::Row& row) {
                   out.push_back(RecordFromRow(row));
                   return OkStatus();
                 }));
  return out;
}

Result<std::vector<Record>> Ledger::Tail(int64_t n) {
  if (n < 0) return InvalidArgumentError("tail needs a count >= 0, got {}", n);
  ASSIGN_OR_RETURN(std::vector<Record> rows,
                   Select("WHERE seq IN (SELECT seq FROM ledger_entries ORDER BY seq DESC LIMIT ?)",
                          {n}, "ORDER BY seq"));
  return rows;
}

Result<Record> Ledger::Get(int64_t seq) {
  ASSIGN_OR_RETURN(std::vector<Record> rows, Select("WHERE seq = ?", {seq}, ""));
  if (rows.empty()) return NotFoundError("no ledger entry {}", seq);
  return rows[0];
}

Result<std::vector<Record>> Ledger::Search(const SearchFilter& f) {
  std::string where = "WHERE 1";
  std::vector<store::Param> params;
  auto add = [&](const std::optional<std::string>& value, const char* condition) {
    if (!value) return;
    where += " AND ";
    where += condition;
    params.push_back(*value);
  };
  add(f.principal, "principal = ?");
  add(f.action, "action = ?");
  add(f.subject, "instr(subject, ?) > 0");
  add(f.decision, "decision = ?");
  add(f.from, "time >= ?");
  add(f.to, "time < ?");
  std::string suffix = "ORDER BY seq";
  if (f.limit > 0) {
    suffix += " LIMIT ?";
    params.push_back(f.limit);
  }
  return Select(where, params, suffix);
}

}  // namespace cairn::ledger
