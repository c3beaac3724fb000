#pragma once

// Internal to the ledger module: the version-1 canonical serialization of an entry and its leaf
// hash, written by hand for speed (see ledger.h for the format), and the hex helpers the append
// and verification loops share.

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <memory>
#include <string_view>

#include "ledger/ledger.h"
#include "ledger/merkle.h"

namespace cairn::ledger::internal {

// The fields of an entry without owning them (a row of a statement, or an Entry).
struct EntryView {
  std::string_view time, principal, action, subject, input_digest, result_digest, label, decision,
      ingress;
};

inline EntryView ViewOf(const Entry& e) {
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
const char* AppendCanonical(int64_t seq, const EntryView& e, ByteBuffer* out);

// The leaf hash of entry `seq`, serialized into `buffer` (SHA-256 of 0x00 and the canonical
// bytes, hashed in one piece); nullptr, or the name of a field that is not valid UTF-8.
const char* CanonicalLeafHash(int64_t seq, const EntryView& e, ByteBuffer* buffer, Hash* out);

// The field name from AppendCanonical's key fragment (",\"label\":" -> "label").
std::string_view FieldName(const char* key);

// Parses 64 lowercase or uppercase hex digits into `out`; false otherwise. (HashFromHex without
// the Status, for the verification loop.)
bool ParseHash(std::string_view hex, Hash* out);

// Writes the lowercase hex of `hash` into `out` (64 characters).
void HexInto(const Hash& hash, char* out);

}  // namespace cairn::ledger::internal
