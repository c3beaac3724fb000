#include "ledger/ledger.h"

#include <fmt/format.h>

#include <algorithm>
#include <string_view>

#include "ledger/canonical.h"
#include "ledger/stored_tree.h"

namespace cairn::ledger {
namespace {

using namespace internal;  // NOLINT: the module's own helpers

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
    // The hash of every complete subtree of 2^height >= 16 leaves, keyed by the end of its leaf
    // range, so that proofs and heads need O(log n) look-ups. Filled for existing entries by
    // Ledger::Open (CatchUpSubtrees).
    {2, "cached subtree hashes",
     "CREATE TABLE ledger_subtrees ("
     "  leaf_end INTEGER NOT NULL, height INTEGER NOT NULL, hash BLOB NOT NULL,"
     "  PRIMARY KEY (leaf_end, height)) WITHOUT ROWID;"},
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

}  // namespace

Result<std::unique_ptr<Ledger>> Ledger::Open(std::unique_ptr<store::StateDb> db, Clock* clock,
                                             const KeyPair* key) {
  if (db == nullptr || clock == nullptr)
    return InvalidArgumentError("Ledger::Open needs a db and a clock");
  if (db->sqlite() == nullptr) {
    return UnimplementedError("the ledger is not yet stored in {}", db->Describe());
  }
  RETURN_IF_ERROR(
      db->Query("PRAGMA synchronous = FULL", {}, [](const store::Row&) { return OkStatus(); }));
  RETURN_IF_ERROR(db->Migrate("ledger", kMigrations).status());
  // Fill the subtree cache if entries were stored without it (one pass, once).
  sqlite3* handle = db->sqlite()->handle();
  ASSIGN_OR_RETURN(const uint64_t size, NextSeq(handle));
  ASSIGN_OR_RETURN(const uint64_t cached_end, CachedEnd(handle, size));
  if (CacheBehind(cached_end, size)) {
    RETURN_IF_ERROR(db->Transaction([&]() -> Status {
      ASSIGN_OR_RETURN(uint64_t now, NextSeq(handle));
      return CatchUpSubtrees(handle, now);
    }));
  }
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
  sqlite3* db = db_->sqlite()->handle();
  RETURN_IF_ERROR(db_->Transaction([&]() -> Status {
    seqs.clear();
    ASSIGN_OR_RETURN(const uint64_t first, NextSeq(db));
    RETURN_IF_ERROR(CatchUpSubtrees(db, first));
    // One prepared statement for the whole batch (StateDb::Exec would prepare per row).
    const std::string sql = fmt::format(
        "INSERT INTO ledger_entries ({}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", kColumns);
    ASSIGN_OR_RETURN(Statement insert, Prepare(db, sql.c_str()));
    const std::string time = clock_->NowUtc();
    std::vector<Hash> leaves;
    leaves.reserve(entries.size());
    ByteBuffer buffer;
    char leaf_hex[64];
    int64_t seq = static_cast<int64_t>(first);
    for (Entry& e : entries) {
      e.time = time;
      Hash leaf;
      if (const char* bad = CanonicalLeafHash(seq, ViewOf(e), &buffer, &leaf)) {
        return InvalidArgumentError("ledger entry {}: {} is not valid UTF-8", seq, FieldName(bad));
      }
      leaves.push_back(leaf);
      HexInto(leaves.back(), leaf_hex);
      sqlite3_stmt* stmt = insert.get();
      sqlite3_reset(stmt);
      sqlite3_bind_int64(stmt, 1, seq);
      int index = 2;
      for (const std::string* field :
           {&e.time, &e.principal, &e.action, &e.subject, &e.input_digest, &e.result_digest,
            &e.label, &e.decision, &e.ingress}) {
        sqlite3_bind_text(stmt, index++, field->data(), static_cast<int>(field->size()),
                          SQLITE_STATIC);
      }
      sqlite3_bind_text(stmt, index, leaf_hex, sizeof(leaf_hex), SQLITE_TRANSIENT);
      if (sqlite3_step(stmt) != SQLITE_DONE) return SqliteError(db, "inserting an entry");
      seqs.push_back(seq++);
    }
    StoredTree tree(db, first);
    tree.SetPending(first, leaves);
    // A subtree that needs a missing or malformed earlier leaf hash is left out of the cache
    // (Verify reports the damage; the append itself is fine).
    Status cached = tree.StoreCompleted(first, first + leaves.size());
    return cached.code() == StatusCode::kDataLoss ? OkStatus() : cached;
  }));
  return seqs;
}

Result<uint64_t> Ledger::Size() { return NextSeq(db_->sqlite()->handle()); }

Result<TreeHead> Ledger::Head(uint64_t tree_size) {
  ASSIGN_OR_RETURN(uint64_t size, Size());
  if (tree_size > size) {
    return InvalidArgumentError("the ledger has {} entries, not {}", size, tree_size);
  }
  Hash root = Sha256("");
  if (tree_size > 0) {
    StoredTree tree(db_->sqlite()->handle(), tree_size);
    ASSIGN_OR_RETURN(root, tree.Root(0, tree_size));
  }
  return TreeHead{tree_size, ToHex(root), clock_->NowUtc()};
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

Result<InclusionProofData> Ledger::Prove(uint64_t seq, uint64_t tree_size) {
  ASSIGN_OR_RETURN(uint64_t size, Size());
  if (seq >= tree_size || tree_size > size) {
    return InvalidArgumentError("no proof of entry {} in a tree of {} (the ledger has {})", seq,
                                tree_size, size);
  }
  StoredTree tree(db_->sqlite()->handle(), tree_size);
  std::vector<Hash> leaf;
  RETURN_IF_ERROR(tree.ReadLeaves(seq, seq + 1, &leaf));
  ASSIGN_OR_RETURN(std::vector<Hash> path,
                   InclusionProofFromRoots(tree_size, seq, [&](uint64_t begin, uint64_t end) {
                     return tree.Root(begin, end);
                   }));
  ASSIGN_OR_RETURN(Hash root, tree.Root(0, tree_size));
  return InclusionProofData{seq, tree_size, ToHex(leaf[0]), ToHexList(path), ToHex(root)};
}

Result<ConsistencyProofData> Ledger::Consistency(uint64_t old_size, uint64_t new_size) {
  ASSIGN_OR_RETURN(uint64_t size, Size());
  if (old_size == 0 || old_size > new_size || new_size > size) {
    return InvalidArgumentError("no consistency proof from {} to {} (the ledger has {})", old_size,
                                new_size, size);
  }
  StoredTree tree(db_->sqlite()->handle(), new_size);
  ASSIGN_OR_RETURN(std::vector<Hash> proof,
                   ConsistencyProofFromRoots(new_size, old_size, [&](uint64_t begin, uint64_t end) {
                     return tree.Root(begin, end);
                   }));
  ASSIGN_OR_RETURN(Hash old_root, tree.Root(0, old_size));
  ASSIGN_OR_RETURN(Hash new_root, tree.Root(0, new_size));
  return ConsistencyProofData{old_size, new_size, ToHex(old_root), ToHex(new_root),
                              ToHexList(proof)};
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
  // A decision is a verdict, optionally followed by ": " and why ("allow: grant policy.yaml:12");
  // searching for the verdict finds both forms.
  if (f.decision) {
    where += " AND (decision = ? OR substr(decision, 1, length(?) + 2) = ? || ': ')";
    params.insert(params.end(), {*f.decision, *f.decision, *f.decision});
  }
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
