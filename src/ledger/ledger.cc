#include "ledger/ledger.h"

#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <string_view>

#include "ledger/canonical.h"
#include "ledger/ledger_store.h"
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
     "  signature TEXT NOT NULL, key_id TEXT NOT NULL);",
     "CREATE TABLE ledger_entries ("
     "  seq BIGINT PRIMARY KEY, time TEXT NOT NULL, principal TEXT NOT NULL,"
     "  action TEXT NOT NULL, subject TEXT NOT NULL, input_digest TEXT NOT NULL,"
     "  result_digest TEXT NOT NULL, label TEXT NOT NULL, decision TEXT NOT NULL,"
     "  ingress TEXT NOT NULL, leaf_hash TEXT NOT NULL);"
     "CREATE INDEX ledger_entries_principal ON ledger_entries (principal, seq);"
     "CREATE INDEX ledger_entries_time ON ledger_entries (time);"
     "CREATE TABLE ledger_tree_heads ("
     "  tree_size BIGINT PRIMARY KEY, root_hash TEXT NOT NULL, timestamp TEXT NOT NULL,"
     "  signature TEXT NOT NULL, key_id TEXT NOT NULL);"},
    // The hash of every complete subtree of 2^height >= 16 leaves, keyed by the end of its leaf
    // range, so that proofs and heads need O(log n) look-ups. Filled for existing entries by
    // Ledger::Open (CatchUpSubtrees). SQLite stores the 32 bytes, PostgreSQL their hex.
    {2, "cached subtree hashes",
     "CREATE TABLE ledger_subtrees ("
     "  leaf_end INTEGER NOT NULL, height INTEGER NOT NULL, hash BLOB NOT NULL,"
     "  PRIMARY KEY (leaf_end, height)) WITHOUT ROWID;",
     "CREATE TABLE ledger_subtrees ("
     "  leaf_end BIGINT NOT NULL, height INTEGER NOT NULL, hash TEXT NOT NULL,"
     "  PRIMARY KEY (leaf_end, height));"},
    // The keys that sign tree heads (one per node), each registered the first time it signs.
    {3, "signer list",
     "CREATE TABLE ledger_signers ("
     "  key_id TEXT PRIMARY KEY, public_key TEXT NOT NULL, first_seen TEXT NOT NULL,"
     "  node TEXT NOT NULL);"},
};

// This machine's host name, naming the node that registered a signing key.
std::string HostName() {
  char name[256] = {};
  if (::gethostname(name, sizeof(name) - 1) != 0) return "unknown";
  return name;
}

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

Ledger::Ledger(std::unique_ptr<store::StateDb> db, Clock* clock, const KeyPair* key)
    : db_(std::move(db)), store_(LedgerStore::For(db_.get())), clock_(clock), key_(key) {}

Ledger::~Ledger() = default;

Result<std::unique_ptr<Ledger>> Ledger::Open(std::unique_ptr<store::StateDb> db, Clock* clock,
                                             const KeyPair* key) {
  if (db == nullptr || clock == nullptr)
    return InvalidArgumentError("Ledger::Open needs a db and a clock");
  std::unique_ptr<Ledger> ledger(new Ledger(std::move(db), clock, key));
  store::StateDb& state = *ledger->db_;
  LedgerStore& rows = *ledger->store_;
  RETURN_IF_ERROR(rows.Setup());
  RETURN_IF_ERROR(state.Migrate("ledger", kMigrations).status());
  // Fill the subtree cache if entries were stored without it (one pass, once).
  ASSIGN_OR_RETURN(const uint64_t size, rows.NextSeq());
  ASSIGN_OR_RETURN(const uint64_t cached_end, rows.CachedEnd(size));
  if (CacheBehind(cached_end, size)) {
    RETURN_IF_ERROR(state.Transaction([&]() -> Status {
      RETURN_IF_ERROR(rows.LockForAppend());
      ASSIGN_OR_RETURN(uint64_t now, rows.NextSeq());
      return CatchUpSubtrees(&rows, now);
    }));
  }
  // Heads signed before the signer list existed name this node's key: list it.
  if (key != nullptr) {
    bool unlisted = false;
    RETURN_IF_ERROR(state.Query(
        "SELECT EXISTS (SELECT 1 FROM ledger_tree_heads WHERE key_id = ?1) AND NOT EXISTS "
        "(SELECT 1 FROM ledger_signers WHERE key_id = ?1)",
        {key->public_key().key_id()}, [&](const store::Row& row) {
          unlisted = row.Int(0) != 0;
          return OkStatus();
        }));
    if (unlisted) RETURN_IF_ERROR(ledger->RegisterSigner());
  }
  return ledger;
}

Status Ledger::RegisterSigner() {
  const PublicKey& pub = key_->public_key();
  return db_
      ->Exec(
          "INSERT INTO ledger_signers (key_id, public_key, first_seen, node) VALUES (?, ?, ?, ?) "
          "ON CONFLICT (key_id) DO NOTHING",
          {pub.key_id(), pub.pem(), clock_->NowUtc(), HostName()})
      .status();
}

Result<std::vector<Signer>> Ledger::Signers() {
  std::vector<Signer> out;
  RETURN_IF_ERROR(db_->Query(
      "SELECT key_id, public_key, first_seen, node FROM ledger_signers ORDER BY first_seen, key_id",
      {}, [&](const store::Row& r) {
        out.push_back(Signer{r.Text(0), r.Text(1), r.Text(2), r.Text(3)});
        return OkStatus();
      }));
  return out;
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
    // The serialisation point of appenders on other connections (nodes): the size is read after
    // the lock, so each batch starts where the last committed one ended.
    RETURN_IF_ERROR(store_->LockForAppend());
    ASSIGN_OR_RETURN(const uint64_t first, store_->NextSeq());
    RETURN_IF_ERROR(CatchUpSubtrees(store_.get(), first));
    const std::string time = clock_->NowUtc();
    std::vector<Hash> leaves;
    leaves.reserve(entries.size());
    ByteBuffer buffer;
    int64_t seq = static_cast<int64_t>(first);
    for (Entry& e : entries) {
      e.time = time;
      Hash leaf;
      if (const char* bad = CanonicalLeafHash(seq, ViewOf(e), &buffer, &leaf)) {
        return InvalidArgumentError("ledger entry {}: {} is not valid UTF-8", seq, FieldName(bad));
      }
      leaves.push_back(leaf);
      seqs.push_back(seq++);
    }
    RETURN_IF_ERROR(store_->InsertEntries(first, entries, leaves));
    StoredTree tree(store_.get(), first);
    tree.SetPending(first, leaves);
    // A subtree that needs a missing or malformed earlier leaf hash is left out of the cache
    // (Verify reports the damage; the append itself is fine).
    Status cached = tree.StoreCompleted(first, first + leaves.size());
    return cached.code() == StatusCode::kDataLoss ? OkStatus() : cached;
  }));
  return seqs;
}

Result<uint64_t> Ledger::Size() { return store_->NextSeq(); }

Result<TreeHead> Ledger::Head(uint64_t tree_size) {
  ASSIGN_OR_RETURN(uint64_t size, Size());
  if (tree_size > size) {
    return InvalidArgumentError("the ledger has {} entries, not {}", size, tree_size);
  }
  Hash root = Sha256("");
  if (tree_size > 0) {
    StoredTree tree(store_.get(), tree_size);
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
    RETURN_IF_ERROR(RegisterSigner());
    return db_
        ->Exec(
            "INSERT INTO ledger_tree_heads (tree_size, root_hash, timestamp, signature, key_id) "
            "VALUES (?, ?, ?, ?, ?) ON CONFLICT (tree_size) DO UPDATE SET "
            "root_hash = excluded.root_hash, timestamp = excluded.timestamp, "
            "signature = excluded.signature, key_id = excluded.key_id",
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
  StoredTree tree(store_.get(), tree_size);
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
  StoredTree tree(store_.get(), new_size);
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
  const bool postgres = db_->dialect() == store::Dialect::kPostgres;
  std::string where = "WHERE 1 = 1";
  std::vector<store::Param> params;
  auto add = [&](const std::optional<std::string>& value, const char* condition) {
    if (!value) return;
    where += " AND ";
    where += condition;
    params.push_back(*value);
  };
  add(f.principal, "principal = ?");
  add(f.action, "action = ?");
  add(f.subject, postgres ? "strpos(subject, ?) > 0" : "instr(subject, ?) > 0");
  // A decision is a verdict, optionally followed by ": " and why ("allow: grant policy.yaml:12");
  // searching for the verdict finds both forms.
  if (f.decision) {
    where +=
        " AND (decision = ? OR substr(decision, 1, length(CAST(? AS TEXT)) + 2) = "
        "CAST(? AS TEXT) || ': ')";
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
