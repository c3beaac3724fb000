#include "ledger/ledger.h"

#include <fmt/format.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

#include <algorithm>
#include <bit>
#include <charconv>
#include <condition_variable>
#include <cstring>
#include <map>
#include <mutex>
#include <span>
#include <string_view>
#include <thread>

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
    // The hash of every complete subtree of 2^height >= 16 leaves, keyed by the end of its leaf
    // range, so that proofs and heads need O(log n) look-ups. Filled for existing entries by
    // Ledger::Open (CatchUpSubtrees).
    {2, "cached subtree hashes",
     "CREATE TABLE ledger_subtrees ("
     "  leaf_end INTEGER NOT NULL, height INTEGER NOT NULL, hash BLOB NOT NULL,"
     "  PRIMARY KEY (leaf_end, height)) WITHOUT ROWID;"},
};

// Subtrees of 2^kMinCachedHeight leaves and more are stored in ledger_subtrees; smaller ones are
// computed from the stored leaf hashes (at most 8 of them).
constexpr int kMinCachedHeight = 4;
// Leaves read at a time when filling the cache for existing entries.
constexpr uint64_t kCatchUpChunk = 1 << 16;

constexpr char kColumns[] =
    "seq, time, principal, action, subject, input_digest, result_digest, label, decision, "
    "ingress, leaf_hash";

using Statement = std::unique_ptr<sqlite3_stmt, int (*)(sqlite3_stmt*)>;

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

// Parses 64 lowercase or uppercase hex digits into `out`; false otherwise. (HashFromHex without
// the Status, for the verification loop.)
bool ParseHash(std::string_view hex, Hash* out) {
  if (hex.size() != 64) return false;
  for (size_t i = 0; i < out->size(); ++i) {
    int value = 0;
    for (int k = 0; k < 2; ++k) {
      const char c = hex[2 * i + k];
      int nibble;
      if (c >= '0' && c <= '9') {
        nibble = c - '0';
      } else if (c >= 'a' && c <= 'f') {
        nibble = c - 'a' + 10;
      } else if (c >= 'A' && c <= 'F') {
        nibble = c - 'A' + 10;
      } else {
        return false;
      }
      value = value << 4 | nibble;
    }
    (*out)[i] = static_cast<uint8_t>(value);
  }
  return true;
}

// Writes the lowercase hex of `hash` into `out` (64 characters).
void HexInto(const Hash& hash, char* out) {
  static constexpr char kDigits[] = "0123456789abcdef";
  for (size_t i = 0; i < hash.size(); ++i) {
    out[2 * i] = kDigits[hash[i] >> 4];
    out[2 * i + 1] = kDigits[hash[i] & 0xf];
  }
}

// A leaf hash alone cannot tell which field changed, so this names the entry and both hashes.
Status LeafMismatch(int64_t seq, const std::string& stored, const std::string& computed) {
  return DataLossError(
      "ledger entry {}: the stored leaf hash {} differs from the hash of the stored fields {} "
      "(a field or the hash of entry {} was altered)",
      seq, stored, computed, seq);
}

// Writes the \uXXXX escape of `code_unit` at `out`; returns the end.
char* WriteEscape(uint32_t code_unit, char* out) {
  static constexpr char kDigits[] = "0123456789abcdef";
  out[0] = '\\';
  out[1] = 'u';
  out[2] = kDigits[(code_unit >> 12) & 0xf];
  out[3] = kDigits[(code_unit >> 8) & 0xf];
  out[4] = kDigits[(code_unit >> 4) & 0xf];
  out[5] = kDigits[code_unit & 0xf];
  return out + 6;
}

// Bytes copied unchanged into a canonical JSON string: printable ASCII except '"' and '\'.
constexpr bool IsPlain(uint8_t b) { return b >= 0x20 && b < 0x7f && b != '"' && b != '\\'; }

// True if all 8 bytes of `w` are plain (bit tricks on a word: a byte below 0x20, at or above
// 0x7f, or equal to '"' or '\' sets its high bit in one of the terms).
constexpr bool IsPlainWord(uint64_t w) {
  constexpr uint64_t kOnes = 0x0101010101010101ULL;
  constexpr uint64_t kHigh = 0x8080808080808080ULL;
  auto has_less = [](uint64_t x, uint64_t n) { return (x - kOnes * n) & ~x & kHigh; };
  const uint64_t control = has_less(w, 0x20);
  const uint64_t high = ((w + kOnes * (0x7f - 0x7e)) | w) & kHigh;  // a byte >= 0x7f
  const uint64_t quote = has_less(w ^ (kOnes * '"'), 1);
  const uint64_t backslash = has_less(w ^ (kOnes * '\\'), 1);
  return (control | high | quote | backslash) == 0;
}

// The most bytes WriteJsonString() writes for `n` input bytes: quotes, and six per byte (a
// control character becomes \u00XX; a 4-byte sequence becomes a 12-byte surrogate pair).
constexpr size_t MaxJsonStringSize(size_t n) { return 2 + 6 * n; }

// Writes `in` at `out` as a JSON string in the version-1 canonical form (ASCII only, \uXXXX
// escapes), which needs MaxJsonStringSize(in.size()) bytes of room; returns the end, or nullptr
// if `in` is not valid UTF-8 (overlong forms, surrogates and code points above U+10FFFF are
// invalid).
char* WriteJsonString(std::string_view in, char* out) {
  *out++ = '"';
  const char* p = in.data();
  const char* const end = p + in.size();
  while (p < end) {
    // Plain bytes are copied 16 or 8 at a time where possible.
#ifdef __SSE2__
    for (; end - p >= 16; p += 16, out += 16) {
      const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
      // Signed bytes: below 0x20 or from 0x80 up are both less than 0x20.
      const __m128i special = _mm_or_si128(_mm_or_si128(_mm_cmplt_epi8(v, _mm_set1_epi8(0x20)),
                                                        _mm_cmpeq_epi8(v, _mm_set1_epi8(0x7f))),
                                           _mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8('"')),
                                                        _mm_cmpeq_epi8(v, _mm_set1_epi8('\\'))));
      if (_mm_movemask_epi8(special) != 0) break;
      _mm_storeu_si128(reinterpret_cast<__m128i*>(out), v);
    }
#endif
    for (uint64_t word; end - p >= 8; p += 8, out += 8) {
      std::memcpy(&word, p, 8);
      if (!IsPlainWord(word)) break;
      std::memcpy(out, &word, 8);
    }
    while (p < end && IsPlain(static_cast<uint8_t>(*p))) *out++ = *p++;
    if (p == end) break;
    const auto b = static_cast<uint8_t>(*p);
    if (b < 0x80) {
      char short_form = 0;
      switch (b) {
        case '"':
          short_form = '"';
          break;
        case '\\':
          short_form = '\\';
          break;
        case '\b':
          short_form = 'b';
          break;
        case '\f':
          short_form = 'f';
          break;
        case '\n':
          short_form = 'n';
          break;
        case '\r':
          short_form = 'r';
          break;
        case '\t':
          short_form = 't';
          break;
        default:  // other control characters and DEL
          break;
      }
      if (short_form != 0) {
        *out++ = '\\';
        *out++ = short_form;
      } else {
        out = WriteEscape(b, out);
      }
      ++p;
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
      return nullptr;
    }
    if (end - p < length) return nullptr;
    for (int k = 1; k < length; ++k) {
      const auto c = static_cast<uint8_t>(p[k]);
      if (c < (k == 1 ? low : 0x80) || c > (k == 1 ? high : 0xbf)) return nullptr;
      code_point = code_point << 6 | (c & 0x3f);
    }
    if (code_point >= 0x10000) {
      code_point -= 0x10000;
      out = WriteEscape(0xd800 + (code_point >> 10), out);
      out = WriteEscape(0xdc00 + (code_point & 0x3ff), out);
    } else {
      out = WriteEscape(code_point, out);
    }
    p += length;
  }
  *out++ = '"';
  return out;
}

// The fields of an entry without owning them (a row of a statement, or an Entry).
struct EntryView {
  std::string_view time, principal, action, subject, input_digest, result_digest, label, decision,
      ingress;
};

EntryView ViewOf(const Entry& e) {
  return {e.time,          e.principal, e.action,   e.subject, e.input_digest,
          e.result_digest, e.label,     e.decision, e.ingress};
}

// A byte buffer whose memory is reused across entries and never zero-filled (std::string::resize
// would fill the room reserved for the worst case of escaping each time).
class ByteBuffer {
 public:
  void clear() { size_ = 0; }
  // Room for `n` more bytes: where they go. Pointers from earlier calls are invalidated.
  char* Room(size_t n) {
    if (size_ + n > capacity_) {
      const size_t capacity = std::max(2 * capacity_, size_ + n);
      auto data = std::make_unique_for_overwrite<char[]>(capacity);
      if (size_ > 0) std::memcpy(data.get(), data_.get(), size_);
      data_ = std::move(data);
      capacity_ = capacity;
    }
    return data_.get() + size_;
  }
  // Marks the bytes up to `end` (within the last Room()) as written.
  void SetEnd(const char* end) { size_ = static_cast<size_t>(end - data_.get()); }
  void push_back(char c) {
    *Room(1) = c;
    ++size_;
  }
  std::string_view view() const { return std::string_view(data_.get(), size_); }

 private:
  std::unique_ptr<char[]> data_;
  size_t size_ = 0;
  size_t capacity_ = 0;
};

// Appends the version-1 canonical serialization of entry `seq` to `out`. Returns the name of the
// first field that is not valid UTF-8 (a null-terminated string), or nullptr. Keys in sorted
// order.
const char* AppendCanonical(int64_t seq, const EntryView& e, ByteBuffer* out) {
  struct Field {
    std::string_view key;  // the JSON up to the value
    std::string_view value;
  };
  const Field fields[] = {{"{\"action\":", e.action},
                          {",\"decision\":", e.decision},
                          {",\"ingress\":", e.ingress},
                          {",\"input_digest\":", e.input_digest},
                          {",\"label\":", e.label},
                          {",\"principal\":", e.principal},
                          {",\"result_digest\":", e.result_digest},
                          {",\"seq\":", {}},
                          {",\"subject\":", e.subject},
                          {",\"time\":", e.time}};
  constexpr std::string_view kEnd = ",\"v\":1}";
  constexpr size_t kSeq = 7;  // index of "seq" in `fields`
  size_t room = kEnd.size() + 24;
  for (const Field& f : fields) room += f.key.size() + MaxJsonStringSize(f.value.size());
  char* p = out->Room(room);
  for (size_t i = 0; i < std::size(fields); ++i) {
    const Field& f = fields[i];
    std::memcpy(p, f.key.data(), f.key.size());
    p += f.key.size();
    if (i == kSeq) {
      p = std::to_chars(p, p + 24, seq).ptr;
      continue;
    }
    p = WriteJsonString(f.value, p);
    if (p == nullptr) return f.key.data() + f.key.find('"') + 1;
  }
  std::memcpy(p, kEnd.data(), kEnd.size());
  out->SetEnd(p + kEnd.size());
  return nullptr;
}

// The leaf hash of entry `seq`, serialized into `buffer` (SHA-256 of 0x00 and the canonical
// bytes, hashed in one piece); nullptr, or the name of a field that is not valid UTF-8.
const char* CanonicalLeafHash(int64_t seq, const EntryView& e, ByteBuffer* buffer, Hash* out) {
  buffer->clear();
  buffer->push_back('\0');
  if (const char* bad = AppendCanonical(seq, e, buffer)) return bad;
  *out = Sha256(buffer->view());
  return nullptr;
}

// The field name from AppendCanonical's key fragment (",\"label\":" -> "label").
std::string_view FieldName(const char* key) {
  return std::string_view(key, std::string_view(key).find('"'));
}

// Maps the last error of `db` like StateDb does; `what` says what the ledger was doing.
Status SqliteError(sqlite3* db, std::string_view what) {
  const int rc = sqlite3_extended_errcode(db);
  const std::string message = fmt::format("ledger: {}: {}", what, sqlite3_errmsg(db));
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

Result<Statement> Prepare(sqlite3* db, const char* sql) {
  sqlite3_stmt* raw = nullptr;
  if (sqlite3_prepare_v2(db, sql, -1, &raw, nullptr) != SQLITE_OK) {
    return SqliteError(db, fmt::format("preparing '{}'", sql));
  }
  return Statement(raw, sqlite3_finalize);
}

// Column `column` of the current row as bytes, without a copy: sqlite3_column_blob() returns
// text in place, where sqlite3_column_text() would copy it to add a terminator. Valid until the
// next step.
std::string_view ColumnText(sqlite3_stmt* stmt, int column) {
  const void* bytes = sqlite3_column_blob(stmt, column);
  if (bytes == nullptr) return {};
  return std::string_view(static_cast<const char*>(bytes),
                          static_cast<size_t>(sqlite3_column_bytes(stmt, column)));
}

// The largest power of two strictly below n (n >= 2).
uint64_t SplitPoint(uint64_t n) { return std::bit_floor(n - 1); }

// The Merkle tree of the stored entries, read through the cached subtree hashes
// (ledger_subtrees) and, below kMinCachedHeight or where a cached hash is missing, through the
// stored leaf hashes. Used for one operation inside the caller's transaction or snapshot;
// borrows `db`.
class StoredTree {
 public:
  // Cached hashes of subtrees ending after `trusted_end` leaves are ignored: they are either
  // not written yet or left over beyond the end of a truncated ledger.
  StoredTree(sqlite3* db, uint64_t trusted_end) : db_(db), trusted_end_(trusted_end) {}

  // Leaves [first, first + leaves.size()) come from `leaves` instead of the table (the batch
  // being appended, or a chunk read ahead); `leaves` must outlive the calls that follow.
  void SetPending(uint64_t first, std::span<const Hash> leaves) {
    pending_first_ = first;
    pending_ = leaves;
  }

  // MTH of the leaves [begin, end), a range of RFC 6962's recursion (a complete
  // subtree, or the right edge of one). DataLoss when a needed leaf hash is missing or malformed.
  Result<Hash> Root(uint64_t begin, uint64_t end) {
    const uint64_t n = end - begin;
    if (n == 0) return Sha256("");
    if (std::has_single_bit(n)) return Node(std::countr_zero(n), end);
    const uint64_t k = SplitPoint(n);
    ASSIGN_OR_RETURN(Hash left, Root(begin, begin + k));
    ASSIGN_OR_RETURN(Hash right, Root(begin + k, end));
    return NodeHash(left, right);
  }

  // The stored leaf hashes of entries [begin, end), appended to `out`.
  Status ReadLeaves(uint64_t begin, uint64_t end, std::vector<Hash>* out) {
    const uint64_t stored_end = std::min(end, pending_first_);
    if (begin < stored_end) {
      if (leaves_ == nullptr) {
        ASSIGN_OR_RETURN(leaves_, Prepare(db_,
                                          "SELECT seq, leaf_hash FROM ledger_entries "
                                          "WHERE seq >= ? AND seq < ? ORDER BY seq"));
      }
      sqlite3_stmt* stmt = leaves_.get();
      sqlite3_reset(stmt);
      sqlite3_bind_int64(stmt, 1, static_cast<int64_t>(begin));
      sqlite3_bind_int64(stmt, 2, static_cast<int64_t>(stored_end));
      uint64_t expected = begin;
      int rc;
      while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
        const int64_t seq = sqlite3_column_int64(stmt, 0);
        if (seq != static_cast<int64_t>(expected)) {
          return DataLossError("ledger entry {} is missing (the next stored entry is {})", expected,
                               seq);
        }
        Hash hash;
        if (!ParseHash(ColumnText(stmt, 1), &hash)) {
          return DataLossError("ledger entry {}: malformed leaf hash '{}'", seq,
                               ColumnText(stmt, 1));
        }
        out->push_back(hash);
        ++expected;
      }
      if (rc != SQLITE_DONE) return SqliteError(db_, "reading leaf hashes");
      if (expected != stored_end) return DataLossError("ledger entry {} is missing", expected);
    }
    for (uint64_t i = std::max(begin, pending_first_); i < end; ++i) {
      out->push_back(pending_[i - pending_first_]);
    }
    return OkStatus();
  }

  // Computes and stores (INSERT OR REPLACE) the hash of every cached-height subtree completed
  // by the leaves (from, to]; the leaves after `from` must be pending.
  Status StoreCompleted(uint64_t from, uint64_t to) {
    if (insert_ == nullptr) {
      ASSIGN_OR_RETURN(insert_, Prepare(db_,
                                        "INSERT OR REPLACE INTO ledger_subtrees "
                                        "(leaf_end, height, hash) VALUES (?, ?, ?)"));
    }
    constexpr uint64_t kStep = uint64_t{1} << kMinCachedHeight;
    for (uint64_t end = (from / kStep + 1) * kStep; end <= to; end += kStep) {
      for (int height = kMinCachedHeight; end % (uint64_t{1} << height) == 0; ++height) {
        ASSIGN_OR_RETURN(Hash hash, Node(height, end));
        memo_[{end, height}] = hash;
        sqlite3_stmt* stmt = insert_.get();
        sqlite3_reset(stmt);
        sqlite3_bind_int64(stmt, 1, static_cast<int64_t>(end));
        sqlite3_bind_int(stmt, 2, height);
        sqlite3_bind_blob(stmt, 3, hash.data(), static_cast<int>(hash.size()), SQLITE_STATIC);
        if (sqlite3_step(stmt) != SQLITE_DONE) return SqliteError(db_, "storing a subtree hash");
      }
    }
    return OkStatus();
  }

 private:
  // The root of the complete subtree of 2^height leaves ending before leaf `end`.
  Result<Hash> Node(int height, uint64_t end) {
    if (height < kMinCachedHeight) {
      std::vector<Hash> leaves;
      RETURN_IF_ERROR(ReadLeaves(end - (uint64_t{1} << height), end, &leaves));
      return RootHash(leaves);
    }
    if (auto it = memo_.find({end, height}); it != memo_.end()) return it->second;
    if (end <= trusted_end_) {
      ASSIGN_OR_RETURN(std::optional<Hash> cached, Cached(height, end));
      if (cached) return *cached;
    }
    // Not cached (a hole, or a subtree completed in this batch): from the two halves.
    const uint64_t half = uint64_t{1} << (height - 1);
    ASSIGN_OR_RETURN(Hash left, Node(height - 1, end - half));
    ASSIGN_OR_RETURN(Hash right, Node(height - 1, end));
    return NodeHash(left, right);
  }

  Result<std::optional<Hash>> Cached(int height, uint64_t end) {
    if (cached_ == nullptr) {
      ASSIGN_OR_RETURN(cached_, Prepare(db_,
                                        "SELECT hash FROM ledger_subtrees "
                                        "WHERE leaf_end = ? AND height = ?"));
    }
    sqlite3_stmt* stmt = cached_.get();
    sqlite3_reset(stmt);
    sqlite3_bind_int64(stmt, 1, static_cast<int64_t>(end));
    sqlite3_bind_int(stmt, 2, height);
    const int rc = sqlite3_step(stmt);
    if (rc == SQLITE_DONE) return std::optional<Hash>();
    if (rc != SQLITE_ROW) return SqliteError(db_, "reading a subtree hash");
    Hash hash;
    // A malformed row is treated as missing (Verify reports it).
    if (sqlite3_column_bytes(stmt, 0) != static_cast<int>(hash.size())) {
      return std::optional<Hash>();
    }
    std::memcpy(hash.data(), sqlite3_column_blob(stmt, 0), hash.size());
    return std::optional<Hash>(hash);
  }

  sqlite3* db_;
  uint64_t trusted_end_;
  uint64_t pending_first_ = UINT64_MAX;
  std::span<const Hash> pending_;
  Statement leaves_{nullptr, sqlite3_finalize};
  Statement cached_{nullptr, sqlite3_finalize};
  Statement insert_{nullptr, sqlite3_finalize};
  std::map<std::pair<uint64_t, int>, Hash> memo_;  // subtrees computed by StoreCompleted
};

// The end of the last cached subtree of the lowest cached height within the first `size`
// entries: the cache is filled up to there.
Result<uint64_t> CachedEnd(sqlite3* db, uint64_t size) {
  ASSIGN_OR_RETURN(Statement last, Prepare(db,
                                           "SELECT leaf_end FROM ledger_subtrees WHERE height = ? "
                                           "AND leaf_end <= ? ORDER BY leaf_end DESC LIMIT 1"));
  sqlite3_bind_int(last.get(), 1, kMinCachedHeight);
  sqlite3_bind_int64(last.get(), 2, static_cast<int64_t>(size));
  const int rc = sqlite3_step(last.get());
  if (rc == SQLITE_ROW) return static_cast<uint64_t>(sqlite3_column_int64(last.get(), 0));
  if (rc != SQLITE_DONE) return SqliteError(db, "reading the subtree cache");
  return uint64_t{0};
}

bool CacheBehind(uint64_t cached_end, uint64_t size) {
  return cached_end + (uint64_t{1} << kMinCachedHeight) <= size;
}

// Fills ledger_subtrees for the entries after CachedEnd() up to `size` (ledgers from before
// migration 2). Call inside a write transaction. The cache is derived data, so a missing or
// malformed leaf hash (which Verify reports) only stops the filling, without an error; proofs
// over that range are then computed from the leaf hashes, and fail there.
Status CatchUpSubtrees(sqlite3* db, uint64_t size) {
  ASSIGN_OR_RETURN(uint64_t done, CachedEnd(db, size));
  while (CacheBehind(done, size)) {
    const uint64_t end = std::min(done + kCatchUpChunk, size);
    std::vector<Hash> leaves;
    leaves.reserve(end - done);
    StoredTree reader(db, done);
    // On DataLoss, `leaves` holds those before the damage: their subtrees are still cached.
    const Status read = reader.ReadLeaves(done, end, &leaves);
    if (!read.ok() && read.code() != StatusCode::kDataLoss) return read;
    StoredTree tree(db, done);
    tree.SetPending(done, leaves);
    const Status stored = tree.StoreCompleted(done, done + leaves.size());
    if (!stored.ok() && stored.code() != StatusCode::kDataLoss) return stored;
    if (!read.ok() || !stored.ok()) return OkStatus();
    done = end;
  }
  return OkStatus();
}

// The next sequence number: one more than the largest stored one.
Result<uint64_t> NextSeq(sqlite3* db) {
  ASSIGN_OR_RETURN(Statement stmt,
                   Prepare(db, "SELECT COALESCE(MAX(seq) + 1, 0) FROM ledger_entries"));
  if (sqlite3_step(stmt.get()) != SQLITE_ROW) return SqliteError(db, "reading the ledger size");
  return static_cast<uint64_t>(sqlite3_column_int64(stmt.get(), 0));
}

// --- Verify's scan ---------------------------------------------------------------------------

// Entries per unit of work of the verification scan.
constexpr uint64_t kVerifyChunk = 1 << 14;
constexpr char kChunkQuery[] =
    "SELECT seq, time, principal, action, subject, input_digest, result_digest, label, decision, "
    "ingress, leaf_hash FROM ledger_entries WHERE seq >= ? AND seq < ? ORDER BY seq";

// What the scan of entries [begin, end) found: the leaf hashes recomputed from the fields of the
// dense run of entries from `begin`, the entries whose stored leaf hash differs, and why the run
// stopped short of `end`, if it did.
struct ChunkScan {
  struct Difference {
    uint64_t seq;
    bool stored_ok;          // the stored leaf hash is well-formed hex
    Hash stored;             // the stored leaf hash, if well-formed
    std::string stored_hex;  // as stored
  };
  uint64_t begin = 0;
  std::vector<Hash> computed;
  std::vector<Difference> differences;
  bool gap = false;                 // entry begin + computed.size() is missing
  std::optional<int64_t> gap_next;  // the next stored entry, if seen in the chunk
  Status error;                     // a field that is not UTF-8, or an SQLite error
};

// Scans entries [begin, end) with `stmt` (kChunkQuery) on its own connection `db`.
void ScanChunk(sqlite3* db, sqlite3_stmt* stmt, uint64_t begin, uint64_t end, ChunkScan* out) {
  out->begin = begin;
  out->computed.reserve(end - begin);
  sqlite3_reset(stmt);
  sqlite3_bind_int64(stmt, 1, static_cast<int64_t>(begin));
  sqlite3_bind_int64(stmt, 2, static_cast<int64_t>(end));
  ByteBuffer buffer;
  int rc;
  while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
    const int64_t seq = sqlite3_column_int64(stmt, 0);
    if (seq != static_cast<int64_t>(begin + out->computed.size())) {
      out->gap = true;
      out->gap_next = seq;
      break;
    }
    const EntryView entry{ColumnText(stmt, 1), ColumnText(stmt, 2), ColumnText(stmt, 3),
                          ColumnText(stmt, 4), ColumnText(stmt, 5), ColumnText(stmt, 6),
                          ColumnText(stmt, 7), ColumnText(stmt, 8), ColumnText(stmt, 9)};
    Hash computed;
    if (const char* bad = CanonicalLeafHash(seq, entry, &buffer, &computed)) {
      out->error = DataLossError("ledger entry {}: its {} is not valid UTF-8", seq, FieldName(bad));
      break;
    }
    out->computed.push_back(computed);
    // Hashes are stored in lowercase hex: compare as text first, parse only on a difference.
    const std::string_view stored_hex = ColumnText(stmt, 10);
    char computed_hex[64];
    HexInto(computed, computed_hex);
    if (stored_hex == std::string_view(computed_hex, sizeof(computed_hex))) continue;
    ChunkScan::Difference difference{
        static_cast<uint64_t>(seq), false, {}, std::string(stored_hex)};
    difference.stored_ok = ParseHash(stored_hex, &difference.stored);
    if (!difference.stored_ok || difference.stored != computed) {
      out->differences.push_back(std::move(difference));
    }
  }
  if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
    out->error = SqliteError(db, "reading the entries");
  } else if (rc == SQLITE_DONE && begin + out->computed.size() < end) {
    out->gap = true;
  }
  sqlite3_reset(stmt);  // ends the statement's read transaction
}

// Runs ScanChunk over the chunks of [0, size) on worker threads, each with its own read-only
// connection to `path`, and hands the results out in order. Workers stay at most a few chunks
// ahead of the consumer, so memory is bounded. The destructor stops and joins the workers.
class ParallelScan {
 public:
  // False if a worker connection cannot be opened (the caller then scans on its own).
  bool Start(const std::filesystem::path& path, uint64_t size, int threads) {
    size_ = size;
    chunks_ = (size + kVerifyChunk - 1) / kVerifyChunk;
    threads_ = threads;
    for (int i = 0; i < threads; ++i) {
      sqlite3* db = nullptr;
      if (sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX, nullptr) !=
          SQLITE_OK) {
        sqlite3_close(db);
        return false;
      }
      connections_.emplace_back(db, sqlite3_close);
      sqlite3_busy_timeout(db, 5000);
      sqlite3_stmt* stmt = nullptr;
      if (sqlite3_prepare_v2(db, kChunkQuery, -1, &stmt, nullptr) != SQLITE_OK) return false;
      statements_.emplace_back(stmt, sqlite3_finalize);
    }
    for (int i = 0; i < threads; ++i) workers_.emplace_back([this, i] { Work(i); });
    return true;
  }

  ~ParallelScan() {
    {
      std::lock_guard lock(mu_);
      stop_ = true;
    }
    changed_.notify_all();
    for (std::thread& t : workers_) t.join();
  }

  // The scan of chunk `index` (0, 1, 2, ... in order).
  ChunkScan Take(uint64_t index) {
    std::unique_lock lock(mu_);
    changed_.wait(lock, [&] { return done_.count(index) > 0; });
    ChunkScan scan = std::move(done_[index]);
    done_.erase(index);
    consumed_ = index + 1;
    changed_.notify_all();
    return scan;
  }

 private:
  void Work(int worker) {
    for (;;) {
      uint64_t index;
      {
        std::unique_lock lock(mu_);
        changed_.wait(
            lock, [&] { return stop_ || next_ >= chunks_ || next_ < consumed_ + 2 * threads_; });
        if (stop_ || next_ >= chunks_) return;
        index = next_++;
      }
      ChunkScan scan;
      const uint64_t begin = index * kVerifyChunk;
      ScanChunk(connections_[worker].get(), statements_[worker].get(), begin,
                std::min(begin + kVerifyChunk, size_), &scan);
      {
        std::lock_guard lock(mu_);
        done_[index] = std::move(scan);
      }
      changed_.notify_all();
    }
  }

  uint64_t size_ = 0;
  uint64_t chunks_ = 0;
  uint64_t threads_ = 0;
  std::vector<std::unique_ptr<sqlite3, int (*)(sqlite3*)>> connections_;
  std::vector<Statement> statements_;  // one per connection, used by its worker only
  std::vector<std::thread> workers_;
  std::mutex mu_;  // guards the members below
  std::condition_variable changed_;
  bool stop_ = false;
  uint64_t next_ = 0;      // the next chunk to claim
  uint64_t consumed_ = 0;  // chunks taken by the consumer
  std::map<uint64_t, ChunkScan> done_;
};

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
  // Hand-written for speed; equal to the dump() of CanonicalEntryJson() (checked by a
  // differential test).
  ByteBuffer out;
  if (const char* bad = AppendCanonical(seq, ViewOf(e), &out)) {
    return InvalidArgumentError("ledger entry {}: {} is not valid UTF-8", seq, FieldName(bad));
  }
  return std::string(out.view());
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
          {"ingress", r.entry.ingress},
          {"input_digest", r.entry.input_digest},
          {"result_digest", r.entry.result_digest},
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

  // One pass in sequence order; the tree is built incrementally (TreeBuilder), so memory does
  // not grow with the ledger. `recomputed` holds the leaves hashed from the fields; `stored`,
  // created at the first mismatch, the leaves as stored. The roots of both are taken at every
  // head's size as the scan passes it.
  TreeBuilder recomputed;
  std::optional<TreeBuilder> stored;
  std::vector<std::optional<Hash>> recomputed_roots(heads.size());
  std::vector<std::optional<Hash>> stored_roots(heads.size());
  size_t next_head = 0;
  auto take_roots = [&]() {
    for (; next_head < heads.size() && heads[next_head].tree_size <= recomputed.size();
         ++next_head) {
      if (heads[next_head].tree_size < recomputed.size()) continue;
      recomputed_roots[next_head] = recomputed.Root();
      stored_roots[next_head] = stored ? stored->Root() : *recomputed_roots[next_head];
    }
  };
  take_roots();

  // The cached subtree hashes are compared with the recomputed tree as it completes each
  // subtree; both streams are ordered by (leaf_end, height).
  sqlite3* db = db_->sqlite()->handle();
  ASSIGN_OR_RETURN(Statement cache, Prepare(db,
                                            "SELECT leaf_end, height, hash FROM ledger_subtrees "
                                            "ORDER BY leaf_end, height"));
  int cache_rc = sqlite3_step(cache.get());
  Status cache_error;
  auto check_cached = [&](int height, uint64_t end, const Hash& hash) {
    if (height < kMinCachedHeight || !cache_error.ok()) return;
    const std::pair<uint64_t, int> want(end, height);
    while (cache_rc == SQLITE_ROW &&
           std::pair<uint64_t, int>(sqlite3_column_int64(cache.get(), 0),
                                    sqlite3_column_int(cache.get(), 1)) < want) {
      cache_rc = sqlite3_step(cache.get());  // rows that are no complete subtree are never read
    }
    if (cache_rc != SQLITE_ROW) return;  // a missing row only costs speed
    if (static_cast<uint64_t>(sqlite3_column_int64(cache.get(), 0)) != end ||
        sqlite3_column_int(cache.get(), 1) != height) {
      return;
    }
    if (sqlite3_column_bytes(cache.get(), 2) != static_cast<int>(hash.size()) ||
        std::memcmp(sqlite3_column_blob(cache.get(), 2), hash.data(), hash.size()) != 0) {
      cache_error = DataLossError(
          "the ledger's cached hash of entries {}..{} (subtree of height {}) differs from the "
          "hash recomputed from the entries: proofs and heads served from it are wrong (the "
          "table ledger_subtrees was altered)",
          end - (uint64_t{1} << height), end - 1, height);
    }
  };

  // Entries below 0 or above the largest sequence number are never part of the tree; a stored
  // negative one comes first in sequence order, so entry 0 is reported missing.
  int64_t min_seq = 0;
  int64_t max_seq = -1;
  RETURN_IF_ERROR(
      db_->Query("SELECT MIN(seq), MAX(seq) FROM ledger_entries", {}, [&](const store::Row& r) {
        if (!r.IsNull(0)) min_seq = r.Int(0);
        if (!r.IsNull(1)) max_seq = r.Int(1);
        return OkStatus();
      }));
  if (min_seq < 0) {
    return DataLossError("ledger entry 0 is missing (the next stored entry is {})", min_seq);
  }
  const uint64_t size = static_cast<uint64_t>(max_seq + 1);
  const uint64_t chunks = (size + kVerifyChunk - 1) / kVerifyChunk;

  // Chunks are scanned on worker threads when there are several (each worker has its own
  // connection; rows below `size` are only ever appended, so their snapshots agree), else here.
  std::optional<ParallelScan> parallel;
  if (chunks >= 2 && db_->sqlite()->path() != ":memory:") {
    const int threads = static_cast<int>(std::clamp(std::thread::hardware_concurrency(), 1u, 4u));
    parallel.emplace();
    if (!parallel->Start(db_->sqlite()->path(), size, threads)) parallel.reset();
  }
  Statement local{nullptr, sqlite3_finalize};
  if (!parallel) {
    ASSIGN_OR_RETURN(local, Prepare(db, kChunkQuery));
  }

  std::optional<int64_t> mismatch;  // the first entry whose fields do not hash to its leaf hash
  std::string mismatch_stored;      // its stored leaf hash
  std::string mismatch_computed;    // the hash of its fields
  Status gap;
  for (uint64_t index = 0; index < chunks && gap.ok(); ++index) {
    ChunkScan scan;
    if (parallel) {
      scan = parallel->Take(index);
    } else {
      const uint64_t begin = index * kVerifyChunk;
      ScanChunk(db, local.get(), begin, std::min(begin + kVerifyChunk, size), &scan);
    }
    auto difference = scan.differences.begin();
    for (size_t i = 0; i < scan.computed.size(); ++i) {
      const uint64_t seq = scan.begin + i;
      const Hash& computed = scan.computed[i];
      Hash stored_leaf = computed;
      if (difference != scan.differences.end() && difference->seq == seq) {
        if (!mismatch) {
          mismatch = static_cast<int64_t>(seq);
          mismatch_stored = difference->stored_hex;
          mismatch_computed = ToHex(computed);
          stored = recomputed;
        }
        if (difference->stored_ok) stored_leaf = difference->stored;
        ++difference;
      }
      recomputed.Push(computed, check_cached);
      if (stored) stored->Push(stored_leaf);
      take_roots();
    }
    if (!scan.error.ok()) return scan.error;
    if (scan.gap) {
      const uint64_t missing = scan.begin + scan.computed.size();
      int64_t next = scan.gap_next.value_or(-1);
      if (!scan.gap_next) {
        RETURN_IF_ERROR(db_->Query("SELECT MIN(seq) FROM ledger_entries WHERE seq > ?",
                                   {static_cast<int64_t>(missing)}, [&](const store::Row& r) {
                                     next = r.Int(0);
                                     return OkStatus();
                                   }));
      }
      gap =
          DataLossError("ledger entry {} is missing (the next stored entry is {})", missing, next);
    }
  }
  parallel.reset();
  // A gap after a mismatched entry is reported as the mismatch: it comes first.
  if (!gap.ok() && !mismatch) return gap;
  if (cache_rc != SQLITE_ROW && cache_rc != SQLITE_DONE) {
    return SqliteError(db, "reading the subtree cache");
  }

  if (mismatch) {
    const int64_t seq = *mismatch;
    const std::string& computed = mismatch_computed;
    // A signed head covering the entry tells which of fields and leaf hash is the original.
    for (size_t i = 0; i < heads.size(); ++i) {
      const SignedTreeHead& head = heads[i];
      if (head.tree_size <= static_cast<uint64_t>(seq) || !recomputed_roots[i]) continue;
      if (ToHex(*stored_roots[i]) == head.root_hash) {
        return DataLossError(
            "ledger entry {}: its fields were altered (they hash to {}, but the signed tree head "
            "at size {} covers the stored leaf hash {})",
            seq, computed, head.tree_size, mismatch_stored);
      }
      if (ToHex(*recomputed_roots[i]) == head.root_hash) {
        return DataLossError(
            "ledger entry {}: its stored leaf hash {} was altered (the fields hash to {}, which "
            "the signed tree head at size {} covers)",
            seq, mismatch_stored, computed, head.tree_size);
      }
      break;
    }
    return LeafMismatch(seq, mismatch_stored, computed);
  }

  const uint64_t entries = recomputed.size();
  // A truncated tail is reported first: it names the earliest missing entry.
  if (!heads.empty() && heads.back().tree_size > entries) {
    return DataLossError(
        "ledger entry {} is missing: the ledger ends after {} entries but a signed tree head "
        "covers {} (the tail was truncated)",
        entries, entries, heads.back().tree_size);
  }
  uint64_t previous = 0;
  for (size_t i = 0; i < heads.size(); ++i) {
    const SignedTreeHead& head = heads[i];
    if (key != nullptr) {
      Status status = VerifyTreeHead(head, *key);
      if (!status.ok()) return status;
    }
    const std::string root = ToHex(*recomputed_roots[i]);
    if (root != head.root_hash) {
      return DataLossError(
          "ledger entries {}..{} do not match the signed tree head at size {} (root {}, "
          "recomputed {}): an entry in that range was rewritten together with its hash",
          previous, head.tree_size - 1, head.tree_size, head.root_hash, root);
    }
    previous = head.tree_size;
  }
  if (!cache_error.ok()) return cache_error;
  return VerifyReport{entries, heads.size()};
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
