#pragma once

// For the ledger's tests only: helpers the SQLite and the PostgreSQL tests share.

#include <gtest/gtest.h>

#include <algorithm>
#include <functional>
#include <vector>

#include "ledger/ledger.h"

namespace cairn::ledger {

// Appends `n` entries made by `make(i)` (i counting on from the ledger's size) in batches of
// varying sizes, so that batches straddle subtree boundaries.
inline void AppendInBatches(Ledger& ledger, int n, int max_batch,
                            const std::function<Entry(int)>& make) {
  const int first = static_cast<int>(*ledger.Size());
  for (int i = 0, size = 1; i < n; i += size, size = size % max_batch + 4) {
    std::vector<Entry> batch;
    for (int k = i; k < std::min(n, i + size); ++k) batch.push_back(make(first + k));
    auto seqs = ledger.AppendBatch(std::move(batch));
    ASSERT_TRUE(seqs.ok()) << seqs.status().ToString();
  }
}

// The stored leaf hashes, in sequence order.
inline std::vector<Hash> StoredLeaves(Ledger& ledger) {
  std::vector<Hash> leaves;
  EXPECT_TRUE(ledger.db()
                  .Query("SELECT leaf_hash FROM ledger_entries ORDER BY seq", {},
                         [&](const store::Row& r) {
                           leaves.push_back(*HashFromHex(r.Text(0)));
                           return OkStatus();
                         })
                  .ok());
  return leaves;
}

// The number of cached subtree hashes.
inline int64_t CachedSubtrees(Ledger& ledger) {
  int64_t count = -1;
  EXPECT_TRUE(ledger.db()
                  .Query("SELECT count(*) FROM ledger_subtrees", {},
                         [&](const store::Row& r) {
                           count = r.Int(0);
                           return OkStatus();
                         })
                  .ok());
  return count;
}

}  // namespace cairn::ledger
