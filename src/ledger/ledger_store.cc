#include "ledger/ledger_store.h"

namespace cairn::ledger::internal {

std::unique_ptr<LedgerStore> LedgerStore::For(store::StateDb* db) {
  if (store::SqliteStateDb* sqlite = db->sqlite()) return MakeSqliteLedgerStore(sqlite);
  return MakePostgresLedgerStore(db);
}

void BeginChunk(uint64_t begin, uint64_t end, ChunkScan* out) {
  out->begin = begin;
  out->end = end;
  out->computed.reserve(end - begin);
}

bool ScanRow(int64_t seq, const EntryView& entry, std::string_view stored_hex, ByteBuffer* buffer,
             ChunkScan* out) {
  if (seq != static_cast<int64_t>(out->begin + out->computed.size())) {
    out->gap = true;
    out->gap_next = seq;
    return false;
  }
  Hash computed;
  if (const char* bad = CanonicalLeafHash(seq, entry, buffer, &computed)) {
    out->error = DataLossError("ledger entry {}: its {} is not valid UTF-8", seq, FieldName(bad));
    return false;
  }
  out->computed.push_back(computed);
  // Hashes are stored in lowercase hex: compare as text first, parse only on a difference.
  char computed_hex[64];
  HexInto(computed, computed_hex);
  if (stored_hex == std::string_view(computed_hex, sizeof(computed_hex))) return true;
  ChunkScan::Difference difference{static_cast<uint64_t>(seq), false, {}, std::string(stored_hex)};
  difference.stored_ok = ParseHash(stored_hex, &difference.stored);
  if (!difference.stored_ok || difference.stored != computed) {
    out->differences.push_back(std::move(difference));
  }
  return true;
}

void EndChunk(ChunkScan* out) {
  if (!out->gap && out->error.ok() && out->begin + out->computed.size() < out->end) {
    out->gap = true;
  }
}

}  // namespace cairn::ledger::internal
