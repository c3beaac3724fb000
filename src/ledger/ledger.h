#pragma once

// The ledger: an append-only record of every action, as an RFC 6962 Merkle tree whose heads
// are signed with Ed25519. See docs/ledger.md for the formats an outside verifier relies on.
//
// Entries. Each entry gets a dense 0-based sequence number. Its leaf hash is
// SHA-256(0x00 || CanonicalEntry(seq, entry)), the canonical serialization being version 1:
// the JSON object of all fields plus "seq" and "v": 1, keys sorted, no whitespace, non-ASCII and
// control characters escaped as \uXXXX (pure ASCII bytes). Entry and leaf hash are stored in
// one transaction in the table `ledger_entries` of a store::StateDb (migration component
// "ledger"); signed heads in `ledger_tree_heads`.
//
// Subtree cache. The same transaction stores in `ledger_subtrees` the hash of every complete
// subtree of 16, 32, 64, ... leaves the batch completes (keyed by the end of its leaf range), so
// Head(), Prove() and Consistency() need O(log n) look-ups (milliseconds at 10 million entries)
// instead of reading every leaf hash. Open() fills the cache for entries stored before it
// existed (migration 2; a one-time pass over the leaf hashes). The cache is derived data: a
// missing row is recomputed from the leaf hashes below it, and Verify() compares every cached
// hash with the recomputed tree.
//
// Durability. On SQLite, Open() sets `PRAGMA synchronous = FULL` on the ledger's own connection,
// so a WAL commit is fsynced before Append() returns: an acknowledged entry survives kill -9 and
// power loss (as far as the file system honours fsync). On PostgreSQL every append's transaction
// runs with synchronous_commit = on (PostgreSQL's default, set per transaction so a session or
// server setting cannot weaken it): COMMIT returns once the WAL record is flushed to disk (with
// the server's fsync = on, its default). Group commit: AppendBatch() writes many entries in one
// transaction and one flush; a caller with concurrent producers should queue their entries and
// let one writer thread hand each batch to AppendBatch(), acknowledging every producer of the
// batch once it returns.
//
// Several nodes (PostgreSQL). Any number of processes, each with its own Ledger (or
// GroupCommitter) on its own connection, append to one log: each batch's transaction first takes
// a transaction-scoped advisory lock (the one serialisation point), then reads the size, stores
// its entries and subtree hashes and commits, so sequence numbers are dense and unique across
// nodes. Reads (Size, Head, proofs, Tail, Verify) see committed rows only, so a proof computed on
// one node verifies against a head signed on another. Each node signs with its own key, listed in
// the signer list (Signers()).
//
// Tree heads. SignTreeHead() signs {tree_size, root_hash, timestamp} (the exact bytes are
// TreeHeadMessage()) and stores the signed head; Verify() checks every stored entry, every gap,
// and every signed head (so a truncated tail is detected against the last signed head); its
// memory does not grow with the ledger (the tree is built as the entries stream by). Keep a
// copy of signed heads outside the database too: an attacker who can rewrite the file can also
// delete stored heads, and Verify() accepts externally saved heads for that reason.
//
// Ownership: the Ledger owns its StateDb; `clock` and `key` are borrowed and must outlive it.
// Thread-safety: like StateDb, one thread at a time (use one Ledger per thread or a lock).
// On SQLite, Verify() of more than 16,384 entries reads them on up to four worker threads of its
// own, each with its own read-only connection to the database file; they end before it returns.
// On PostgreSQL it streams the entries on the ledger's connection, one chunk per statement.
//
// Error codes: InvalidArgument for malformed entries or out-of-range sizes/sequence numbers,
// NotFound for a sequence number that is not stored, FailedPrecondition when signing without a
// key, DataLoss when stored state is corrupt (the message names the first bad sequence number),
// Unavailable when the database is busy, Internal otherwise.

#include <cstdint>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "core/status.h"
#include "ledger/clock.h"
#include "ledger/merkle.h"
#include "ledger/signing.h"
#include "store/state_db.h"

namespace cairn::ledger {

struct Entry {
  std::string time;  // ISO-8601 UTC; set by Append() from the Clock (the input value is ignored)
  std::string principal;      // who acted; required
  std::string action;         // "query", "tool_call", "policy_change", ...; required
  std::string subject;        // what it acted on (table, tool, policy name, SQL text)
  std::string input_digest;   // hex SHA-256 of the input, or empty
  std::string result_digest;  // hex SHA-256 of the result, or empty
  std::string label;          // classification of the result ("public", ... ) or empty
  std::string decision;       // "allow", "deny", ... with the deciding rule if any
  std::string ingress;        // "cli", "rest", "mcp", "web", "library"
};

struct Record {
  int64_t seq = 0;
  Entry entry;
  std::string leaf_hash;  // hex
};

struct TreeHead {
  uint64_t tree_size = 0;
  std::string root_hash;  // hex
  std::string timestamp;  // ISO-8601 UTC
};

struct SignedTreeHead {
  uint64_t tree_size = 0;
  std::string root_hash;  // hex
  std::string timestamp;  // ISO-8601 UTC
  std::string signature;  // hex of the 64-byte Ed25519 signature of TreeHeadMessage()
  std::string key_id;     // hex SHA-256 of the public key DER
};

struct InclusionProofData {
  uint64_t leaf_index = 0;
  uint64_t tree_size = 0;
  std::string leaf_hash;                // hex
  std::vector<std::string> audit_path;  // hex, nearest sibling first
  std::string root_hash;                // hex
};

struct ConsistencyProofData {
  uint64_t old_size = 0;
  uint64_t new_size = 0;
  std::string old_root;            // hex
  std::string new_root;            // hex
  std::vector<std::string> proof;  // hex
};

struct SearchFilter {
  std::optional<std::string> principal;  // exact
  std::optional<std::string> action;     // exact
  std::optional<std::string> subject;    // substring (byte-wise, no wildcards)
  std::optional<std::string> decision;   // the verdict: "allow" finds "allow" and "allow: ..."
  std::optional<std::string> from;       // time >= from (ISO-8601 UTC)
  std::optional<std::string> to;         // time < to
  int64_t limit = 0;                     // 0: no limit
};

// Version-1 canonical serialization of entry `seq` (see above). InvalidArgument if a field is
// not valid UTF-8.
Result<std::string> CanonicalEntry(int64_t seq, const Entry& entry);
Result<nlohmann::json> CanonicalEntryJson(int64_t seq, const Entry& entry);

// The bytes a tree head signature covers:
//   "cairn.ledger.tree_head.v1\n" <tree_size decimal> "\n" <root hex> "\n" <timestamp> "\n"
std::string TreeHeadMessage(uint64_t tree_size, const std::string& root_hash,
                            const std::string& timestamp);

// OK if `head` is signed by `key`; DataLoss otherwise (wrong key id or bad signature).
Status VerifyTreeHead(const SignedTreeHead& head, const PublicKey& key);

// JSON shapes (see docs/ledger.md).
// {seq, time, principal, action, subject, label, decision, ingress, input_digest, result_digest,
//  hash}
nlohmann::json RecordToJson(const Record& record);
nlohmann::json TreeHeadToJson(const SignedTreeHead& head);
Result<SignedTreeHead> TreeHeadFromJson(const nlohmann::json& json);
nlohmann::json InclusionProofToJson(const InclusionProofData& proof);
nlohmann::json ConsistencyProofToJson(const ConsistencyProofData& proof);

struct VerifyReport {
  uint64_t entries = 0;       // entries checked
  uint64_t signed_heads = 0;  // signed heads checked
  uint64_t signers = 0;       // distinct keys whose signatures were checked
};

// A key listed in the ledger's signer list (table ledger_signers): every node registers its key
// there the first time it signs a tree head, and Verify() checks each head with the key it names.
struct Signer {
  std::string key_id;      // hex SHA-256 of the public key DER (as in SignedTreeHead)
  std::string public_key;  // SubjectPublicKeyInfo PEM
  std::string first_seen;  // ISO-8601 UTC, when the key was registered
  std::string node;        // the host name of the node that registered it
};

// Where a component that acts appends its ledger entries: a Ledger (one fsync per entry), or a
// GroupCommitter that many threads share (one fsync per batch).
class Recorder {
 public:
  virtual ~Recorder() = default;
  // Appends `entry` durably (on disk when this returns OK); returns its sequence number.
  virtual Result<int64_t> Append(Entry entry) = 0;
};

namespace internal {
class LedgerStore;
}

class Ledger : public Recorder {
 public:
  ~Ledger() override;

  // Takes ownership of `db` (SQLite or PostgreSQL), applies the ledger migrations and sets
  // synchronous = FULL (SQLite). `key` may be null (then SignTreeHead() fails with
  // FailedPrecondition); a key that signed heads before the signer list existed is listed now.
  static Result<std::unique_ptr<Ledger>> Open(std::unique_ptr<store::StateDb> db, Clock* clock,
                                              const KeyPair* key);

  // Appends one entry durably; returns its sequence number. InvalidArgument if principal or
  // action is empty, a digest is not empty or 64 hex digits, or a field is not UTF-8.
  Result<int64_t> Append(Entry entry) override;
  // Appends all `entries` in one transaction (all or none); returns their sequence numbers.
  Result<std::vector<int64_t>> AppendBatch(std::vector<Entry> entries);

  // The size of the ledger: the next sequence number, one more than the largest stored one
  // (equal to the number of stored entries unless rows were deleted, which Verify() reports).
  // O(log n).
  Result<uint64_t> Size();

  // The unsigned head of the tree of the first `tree_size` entries (stored leaf hashes and
  // cached subtree hashes), timestamped now. InvalidArgument if tree_size > Size(); DataLoss if
  // a leaf hash it needs is missing or malformed.
  Result<TreeHead> Head(uint64_t tree_size);
  // Signs the head of the whole ledger, stores it (listing the key in the signer list if it is
  // not yet), and returns it.
  Result<SignedTreeHead> SignTreeHead();
  // The stored signed head with the largest tree size, if any.
  Result<std::optional<SignedTreeHead>> LatestSignedTreeHead();

  // Recomputes every leaf hash from the stored fields, checks that sequence numbers are dense,
  // and checks every stored signed head and every head in `saved_heads` (root, tail length and
  // signature, with the key the head names: a key of the signer list, or `key` if given, which
  // the caller trusts without the list; a head naming another key is refused). DataLoss naming
  // the first bad sequence number otherwise; DataLoss naming the head whose key is not listed or
  // whose signature does not verify, or the signer whose listed public key does not match its
  // key id; after those checks, DataLoss naming the range of a cached subtree hash that differs
  // from the recomputed tree.
  Result<VerifyReport> Verify(const PublicKey* key,
                              const std::vector<SignedTreeHead>& saved_heads = {});

  // The audit path of entry `seq` in the tree of the first `tree_size` entries, from the subtree
  // cache (O(log n) look-ups). InvalidArgument unless seq < tree_size <= Size().
  Result<InclusionProofData> Prove(uint64_t seq, uint64_t tree_size);
  // The consistency proof between the trees of the first `old_size` and `new_size` entries.
  // InvalidArgument unless 0 < old_size <= new_size <= Size().
  Result<ConsistencyProofData> Consistency(uint64_t old_size, uint64_t new_size);

  // The last `n` entries, oldest first.
  Result<std::vector<Record>> Tail(int64_t n);
  // Entry `seq`; NotFound if not stored.
  Result<Record> Get(int64_t seq);
  // Entries matching every set field of `filter`, in sequence order.
  Result<std::vector<Record>> Search(const SearchFilter& filter);

  // The signer list, oldest first.
  Result<std::vector<Signer>> Signers();

  store::StateDb& db() { return *db_; }

 private:
  Ledger(std::unique_ptr<store::StateDb> db, Clock* clock, const KeyPair* key);
  // Lists `key_` in the signer list unless it is there (inside the caller's transaction).
  Status RegisterSigner();
  Result<std::vector<Record>> Select(const std::string& where,
                                     const std::vector<store::Param>& params,
                                     const std::string& suffix);

  std::unique_ptr<store::StateDb> db_;
  std::unique_ptr<internal::LedgerStore> store_;  // the rows of `db_`
  Clock* clock_;
  const KeyPair* key_;
};

}  // namespace cairn::ledger
