// Ledger throughput and proof cost (issue 4), each figure against a baseline measured in the same
// process on the same data, medians of --runs rounds with baseline and Cairn alternating:
//
//   a. durable appends with group commit: --producers threads queue entries, one writer thread
//      hands up to --batch of them to Ledger::AppendBatch (synchronous = FULL, a real file);
//      baseline: raw SQLite inserts of the same rows into a table of the same shape, one
//      transaction per --batch rows, same WAL and synchronous setting.
//   b. Ledger::Verify over --verify-entries entries; baseline: a raw SELECT of every column of
//      the same table; for context, SHA-256 of the same canonical bytes from memory.
//   c. inclusion and consistency proofs at --proof-entries entries (built with AppendBatch in
//      batches of 100,000); baseline: the reference provers of merkle.h over all leaf hashes read
//      from the table (what Prove did before the subtree cache). Also checks the proofs agree.
//
//   ninja -C build cairn_ledger_bench && build/bench/cairn_ledger_bench [--dir /tmp/x]
//       [--runs 5] [--append-entries 100000] [--batch 512] [--producers 4]
//       [--verify-entries 1000000] [--proof-entries 10000000] [--reference-runs 2] [--only abc]
//
// Prints a Markdown table for RESULTS.md. Files go to --dir, where the Verify and proof ledgers
// are kept and reused by the next run with the same sizes (default: a new directory under the
// system temp directory, removed at the end).

#include <sqlite3.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <deque>
#include <filesystem>
#include <fstream>
#include <functional>
#include <mutex>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "ledger/ledger.h"

namespace cairn::ledger {
namespace {

using Steady = std::chrono::steady_clock;

double Seconds(Steady::time_point since) {
  return std::chrono::duration<double>(Steady::now() - since).count();
}

// CPU seconds used by the whole process (all threads) so far.
double CpuSeconds() {
  timespec ts{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return ts.tv_sec + ts.tv_nsec / 1e9;
}

double Median(std::vector<double> values) {
  std::sort(values.begin(), values.end());
  const size_t n = values.size();
  return n % 2 == 1 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2;
}

double Percentile(std::vector<double> values, double p) {
  std::sort(values.begin(), values.end());
  return values[std::min(values.size() - 1, static_cast<size_t>(p * values.size()))];
}

[[noreturn]] void Die(const std::string& what, const Status& status) {
  std::fprintf(stderr, "%s: %s\n", what.c_str(), status.ToString().c_str());
  std::exit(1);
}

template <typename T>
T Check(Result<T> result, const std::string& what) {
  if (!result.ok()) Die(what, result.status());
  return std::move(result).value();
}

void Check(const Status& status, const std::string& what) {
  if (!status.ok()) Die(what, status);
}

// A realistic entry: a query by a person or an agent, with input and result digests.
Entry MakeEntry(uint64_t i) {
  static const char* const kPrincipals[] = {"alice", "bob", "agent-7", "etl-nightly", "zoë.müller"};
  static const char* const kTables[] = {"containers", "vessels", "customs.declarations",
                                        "finance.invoices", "berths"};
  Entry e;
  e.principal = kPrincipals[i % 5];
  e.action = i % 7 == 0 ? "tool_call" : "query";
  e.subject = "SELECT id, status, updated_at FROM " + std::string(kTables[i % 5]) +
              " WHERE id = " + std::to_string(i * 7919 % 1000003);
  e.input_digest = ToHex(Sha256(e.subject));
  e.result_digest = i % 3 == 0 ? "" : ToHex(Sha256("result " + std::to_string(i)));
  e.label = i % 4 == 0 ? "confidential" : "internal";
  e.decision = i % 11 == 0 ? "deny (rule pii-export)" : "allow";
  e.ingress = i % 2 == 0 ? "mcp" : "cli";
  return e;
}

std::unique_ptr<Ledger> OpenLedger(const std::filesystem::path& path, Clock* clock) {
  auto db = Check(store::StateDb::Open(path), "open " + path.string());
  return Check(Ledger::Open(std::move(db), clock, nullptr), "open ledger " + path.string());
}

void RemoveDb(const std::filesystem::path& path) {
  std::error_code ec;
  for (const char* suffix : {"", "-wal", "-shm"}) {
    std::filesystem::remove(path.string() + suffix, ec);
  }
}

struct Options {
  std::filesystem::path dir;
  int runs = 5;
  uint64_t append_entries = 100'000;
  size_t batch = 512;
  int producers = 4;
  uint64_t verify_entries = 1'000'000;
  uint64_t proof_entries = 10'000'000;
  int reference_runs = 2;
  std::string only = "abc";
  bool keep = false;  // with --dir: keep the Verify and proof ledgers and reuse them next time
};

struct Row {
  std::string name, baseline, cairn, ratio, goal;
};

// --- a. group commit -------------------------------------------------------------------------

struct AppendRun {
  double entries_per_s;
  double mean_batch;
};

// `producers` threads queue entries (at most 2 * batch waiting); one writer appends up to `batch`
// at a time and acknowledges them. The clock stops when the last entry is acknowledged.
AppendRun LedgerAppends(const Options& o, const std::filesystem::path& path,
                        const std::vector<Entry>& rows) {
  RemoveDb(path);
  SystemClock clock;
  std::unique_ptr<Ledger> ledger = OpenLedger(path, &clock);
  std::mutex mu;
  std::condition_variable not_empty, not_full;
  std::deque<Entry> queue;
  const uint64_t per_producer = o.append_entries / o.producers;
  const uint64_t total = per_producer * o.producers;
  std::atomic<uint64_t> acknowledged{0};
  uint64_t batches = 0;
  const auto start = Steady::now();
  std::vector<std::thread> producers;
  for (int p = 0; p < o.producers; ++p) {
    producers.emplace_back([&, p] {
      for (uint64_t i = 0; i < per_producer; ++i) {
        Entry e = rows[p * per_producer + i];
        std::unique_lock lock(mu);
        not_full.wait(lock, [&] { return queue.size() < 2 * o.batch; });
        queue.push_back(std::move(e));
        not_empty.notify_one();
      }
    });
  }
  std::thread writer([&] {
    while (acknowledged.load() < total) {
      std::vector<Entry> batch;
      {
        std::unique_lock lock(mu);
        not_empty.wait(lock, [&] { return !queue.empty(); });
        while (!queue.empty() && batch.size() < o.batch) {
          batch.push_back(std::move(queue.front()));
          queue.pop_front();
        }
        not_full.notify_all();
      }
      const size_t n = batch.size();
      Check(ledger->AppendBatch(std::move(batch)), "AppendBatch");
      ++batches;
      acknowledged += n;  // every producer of the batch is acknowledged here
    }
  });
  for (auto& t : producers) t.join();
  writer.join();
  const double seconds = Seconds(start);
  if (Check(ledger->Size(), "size") != total) Die("append", InternalError("lost entries"));
  ledger.reset();
  RemoveDb(path);
  return {total / seconds, static_cast<double>(total) / batches};
}

// The same rows (fields and leaf hash computed beforehand) inserted into a table of the same
// shape, `batch` rows per transaction, by one thread.
double RawSqliteInserts(const Options& o, const std::filesystem::path& path,
                        const std::vector<Entry>& rows) {
  RemoveDb(path);
  const uint64_t total = rows.size();
  std::vector<std::string> leaves;
  for (uint64_t i = 0; i < total; ++i) {
    leaves.push_back(ToHex(LeafHash(Check(CanonicalEntry(i, rows[i]), "canonical"))));
  }
  sqlite3* db = nullptr;
  if (sqlite3_open(path.c_str(), &db) != SQLITE_OK) Die("open", InternalError("sqlite3_open"));
  auto exec = [&](const char* sql) {
    char* error = nullptr;
    if (sqlite3_exec(db, sql, nullptr, nullptr, &error) != SQLITE_OK) {
      Die(sql, InternalError("{}", error ? error : "?"));
    }
  };
  exec("PRAGMA journal_mode = WAL");
  exec("PRAGMA synchronous = FULL");
  exec(
      "CREATE TABLE entries (seq INTEGER PRIMARY KEY, time TEXT NOT NULL, principal TEXT NOT NULL,"
      " action TEXT NOT NULL, subject TEXT NOT NULL, input_digest TEXT NOT NULL,"
      " result_digest TEXT NOT NULL, label TEXT NOT NULL, decision TEXT NOT NULL,"
      " ingress TEXT NOT NULL, leaf_hash TEXT NOT NULL);"
      "CREATE INDEX entries_principal ON entries (principal, seq);"
      "CREATE INDEX entries_time ON entries (time);");
  sqlite3_stmt* insert = nullptr;
  sqlite3_prepare_v2(db, "INSERT INTO entries VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", -1,
                     &insert, nullptr);
  const auto start = Steady::now();
  for (uint64_t i = 0; i < total; ++i) {
    if (i % o.batch == 0) exec("BEGIN");
    const Entry& e = rows[i];
    const std::string& leaf = leaves[i];
    sqlite3_reset(insert);
    sqlite3_bind_int64(insert, 1, static_cast<int64_t>(i));
    int index = 2;
    for (const std::string* field : {&e.time, &e.principal, &e.action, &e.subject, &e.input_digest,
                                     &e.result_digest, &e.label, &e.decision, &e.ingress, &leaf}) {
      sqlite3_bind_text(insert, index++, field->data(), static_cast<int>(field->size()),
                        SQLITE_STATIC);
    }
    if (sqlite3_step(insert) != SQLITE_DONE) Die("insert", InternalError("{}", sqlite3_errmsg(db)));
    if (i % o.batch == o.batch - 1 || i + 1 == total) exec("COMMIT");
  }
  const double seconds = Seconds(start);
  sqlite3_finalize(insert);
  sqlite3_close(db);
  RemoveDb(path);
  return total / seconds;
}

Row BenchAppends(const Options& o) {
  // The same rows for both, made beforehand (producers only hand them over).
  std::vector<Entry> rows;
  for (uint64_t i = 0; i < o.append_entries / o.producers * o.producers; ++i) {
    rows.push_back(MakeEntry(i));
    rows.back().time = "2026-11-29T04:00:00.000Z";
  }
  std::vector<double> raw, cairn, batches;
  for (int run = 0; run < o.runs; ++run) {
    raw.push_back(RawSqliteInserts(o, o.dir / "raw-append.sqlite", rows));
    const AppendRun r = LedgerAppends(o, o.dir / "ledger-append.sqlite", rows);
    cairn.push_back(r.entries_per_s);
    batches.push_back(r.mean_batch);
    std::fprintf(stderr, "  appends run %d: raw %.0f/s, ledger %.0f/s (mean batch %.1f)\n", run,
                 raw.back(), cairn.back(), batches.back());
  }
  const double b = Median(raw), c = Median(cairn);
  return {fmt::format("a. durable appends, group commit ({} producers → 1 writer, batches of up "
                      "to {}, mean {:.0f}; {} entries, synchronous=FULL, WAL)",
                      o.producers, o.batch, Median(batches), o.append_entries),
          fmt::format("{:.0f} entries/s (raw SQLite, {} rows per transaction)", b, o.batch),
          fmt::format("{:.0f} entries/s", c), fmt::format("{:.2f}× the throughput", c / b),
          "≥ 50,000 entries/s"};
}

// --- shared: a ledger of n entries built with AppendBatch ---------------------------------------

void Build(Ledger* ledger, uint64_t n, FixedClock* clock) {
  const auto start = Steady::now();
  const uint64_t kBatch = 100'000;
  for (uint64_t done = Check(ledger->Size(), "size"); done < n;) {
    std::vector<Entry> batch;
    const uint64_t count = std::min(kBatch, n - done);
    batch.reserve(count);
    for (uint64_t i = 0; i < count; ++i) batch.push_back(MakeEntry(done + i));
    clock->Set(
        fmt::format("2026-11-29T{:02d}:{:02d}:00.000Z", done / 3'600'000 % 24, done / 60'000 % 60));
    Check(ledger->AppendBatch(std::move(batch)), "AppendBatch");
    done += count;
    if (done % 1'000'000 == 0) {
      std::fprintf(stderr, "  built %llu entries (%.0f s)\n", static_cast<unsigned long long>(done),
                   Seconds(start));
    }
  }
}

// --- b. verify ----------------------------------------------------------------------------------

double RawScan(sqlite3* db, uint64_t expected) {
  const auto start = Steady::now();
  sqlite3_stmt* stmt = nullptr;
  sqlite3_prepare_v2(db,
                     "SELECT seq, time, principal, action, subject, input_digest, result_digest, "
                     "label, decision, ingress, leaf_hash FROM ledger_entries ORDER BY seq",
                     -1, &stmt, nullptr);
  uint64_t rows = 0, bytes = 0;
  while (sqlite3_step(stmt) == SQLITE_ROW) {
    ++rows;
    for (int c = 1; c < 11; ++c) {  // column_blob: text in place, no copy (as Verify reads it)
      const void* text = sqlite3_column_blob(stmt, c);
      bytes += static_cast<uint64_t>(sqlite3_column_bytes(stmt, c)) + (text != nullptr ? 0 : 1);
    }
  }
  sqlite3_finalize(stmt);
  if (rows != expected || bytes == 0) Die("scan", InternalError("scanned {} rows", rows));
  return Seconds(start);
}

Row BenchVerify(const Options& o, std::vector<Row>* context) {
  const auto path = o.dir / "ledger-verify.sqlite";
  if (!o.keep) RemoveDb(path);
  FixedClock clock("2026-11-29T04:00:00.000Z");
  std::unique_ptr<Ledger> ledger = OpenLedger(path, &clock);
  const auto build_start = Steady::now();
  Build(ledger.get(), o.verify_entries, &clock);
  std::fprintf(stderr, "  verify ledger built: %llu entries in %.1f s\n",
               static_cast<unsigned long long>(o.verify_entries), Seconds(build_start));
  sqlite3* raw = nullptr;
  sqlite3_open_v2(path.c_str(), &raw, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX, nullptr);

  // Context: SHA-256 of the canonical bytes from memory, a block of entries hashed repeatedly.
  std::vector<std::string> block;
  for (uint64_t i = 0; i < 65'536; ++i) {
    Entry e = MakeEntry(i);
    e.time = "2026-11-29T04:00:00.000Z";
    block.push_back(Check(CanonicalEntry(static_cast<int64_t>(i), e), "canonical"));
  }
  uint64_t block_bytes = 0;
  for (const auto& s : block) block_bytes += s.size();

  std::vector<double> scan, verify, sha, cpu;
  for (int run = 0; run < o.runs; ++run) {
    scan.push_back(o.verify_entries / RawScan(raw, o.verify_entries));
    auto start = Steady::now();
    const double cpu_start = CpuSeconds();
    VerifyReport report = Check(ledger->Verify(nullptr), "Verify");
    verify.push_back(o.verify_entries / Seconds(start));
    const double cpu_us = (CpuSeconds() - cpu_start) * 1e6 / o.verify_entries;
    cpu.push_back(cpu_us);
    if (report.entries != o.verify_entries) Die("verify", InternalError("wrong count"));
    start = Steady::now();
    uint8_t sink = 0;
    for (uint64_t i = 0; i < o.verify_entries; ++i) sink ^= LeafHash(block[i % block.size()])[0];
    sha.push_back(o.verify_entries / Seconds(start) + (sink & 0) * 1.0);
    std::fprintf(stderr,
                 "  verify run %d: raw scan %.0f/s, Verify %.0f/s (%.2f µs CPU per entry), "
                 "SHA-256 %.0f/s\n",
                 run, scan.back(), verify.back(), cpu_us, sha.back());
  }
  sqlite3_close(raw);
  ledger.reset();
  if (!o.keep) RemoveDb(path);
  const double b = Median(scan), c = Median(verify), s = Median(sha);
  context->push_back({"… leaf hashing alone (context)",
                      fmt::format("{:.0f} entries/s (SHA-256 of the same canonical bytes, {:.0f} "
                                  "bytes each, from memory)",
                                  s, static_cast<double>(block_bytes) / block.size()),
                      fmt::format("{:.0f} entries/s", c), fmt::format("{:.2f}× the time", s / c),
                      "(context)"});
  return {fmt::format("b. Verify of {} entries (read, canonicalize, hash, Merkle root)",
                      o.verify_entries),
          fmt::format("{:.0f} entries/s (raw SELECT of every column)", b),
          fmt::format("{:.0f} entries/s ({:.2f} µs CPU per entry, scan on {} threads)", c,
                      Median(cpu), std::clamp(std::thread::hardware_concurrency(), 1u, 4u)),
          fmt::format("{:.2f}× the time", b / c), "≥ 1,000,000 entries/s"};
}

// --- c. proofs at 10M ---------------------------------------------------------------------------

void BenchProofs(const Options& o, std::vector<Row>* rows) {
  const auto path = o.dir / "ledger-proofs.sqlite";
  FixedClock clock("2026-11-29T04:00:00.000Z");
  std::unique_ptr<Ledger> ledger = OpenLedger(path, &clock);
  const auto build_start = Steady::now();
  Build(ledger.get(), o.proof_entries, &clock);
  const uint64_t n = o.proof_entries;
  std::fprintf(stderr, "  proof ledger: %llu entries (built in %.0f s), %.2f GB\n",
               static_cast<unsigned long long>(n), Seconds(build_start),
               std::filesystem::file_size(path) / 1e9);

  std::mt19937_64 random(4);
  std::vector<double> prove_ms, consistency_ms, head_ms;
  size_t proof_hashes = 0, proof_json = 0, consistency_hashes = 0;
  std::vector<uint64_t> seqs;
  for (int run = 0; run < o.runs; ++run) {
    for (int i = 0; i < 200; ++i) {
      const uint64_t seq = random() % n;
      seqs.push_back(seq);
      auto start = Steady::now();
      InclusionProofData proof = Check(ledger->Prove(seq, n), "Prove");
      prove_ms.push_back(Seconds(start) * 1e3);
      proof_hashes = std::max(proof_hashes, proof.audit_path.size());
      proof_json = std::max(proof_json, InclusionProofToJson(proof).dump().size());
      const uint64_t old_size = 1 + random() % (n - 1);
      start = Steady::now();
      ConsistencyProofData consistency = Check(ledger->Consistency(old_size, n), "Consistency");
      consistency_ms.push_back(Seconds(start) * 1e3);
      consistency_hashes = std::max(consistency_hashes, consistency.proof.size());
    }
    auto start = Steady::now();
    Check(ledger->Head(n), "Head");
    head_ms.push_back(Seconds(start) * 1e3);
  }

  // Baseline: every leaf hash read from the table, then the reference prover.
  std::vector<double> reference_ms;
  for (int run = 0; run < o.reference_runs; ++run) {
    const uint64_t seq = seqs[run];
    auto start = Steady::now();
    std::vector<Hash> leaves;
    leaves.reserve(n);
    Check(ledger->db().Query("SELECT leaf_hash FROM ledger_entries WHERE seq < ? ORDER BY seq",
                             {static_cast<int64_t>(n)},
                             [&](const store::Row& r) -> Status {
                               ASSIGN_OR_RETURN(Hash h, HashFromHex(r.Text(0)));
                               leaves.push_back(h);
                               return OkStatus();
                             }),
          "reading leaves");
    std::vector<Hash> path_hashes = Check(InclusionProof(leaves, seq), "InclusionProof");
    const Hash root = RootHash(leaves);
    reference_ms.push_back(Seconds(start) * 1e3);
    InclusionProofData fast = Check(ledger->Prove(seq, n), "Prove");
    std::vector<std::string> hex;
    for (const Hash& h : path_hashes) hex.push_back(ToHex(h));
    if (hex != fast.audit_path || ToHex(root) != fast.root_hash) {
      Die("proofs", InternalError("the cached proof of {} differs from the reference", seq));
    }
    const uint64_t old_size = seqs[run] + 1;
    std::vector<Hash> reference_consistency =
        Check(ConsistencyProof(leaves, old_size), "ConsistencyProof");
    ConsistencyProofData fast_consistency = Check(ledger->Consistency(old_size, n), "Consistency");
    hex.clear();
    for (const Hash& h : reference_consistency) hex.push_back(ToHex(h));
    if (hex != fast_consistency.proof) {
      Die("proofs", InternalError("the cached consistency proof from {} differs", old_size));
    }
    std::fprintf(stderr, "  reference proof run %d: %.0f ms (agrees with the cached proof)\n", run,
                 reference_ms.back());
  }
  const double ref = Median(reference_ms), fast = Median(prove_ms);
  rows->push_back({fmt::format("c. inclusion proof at {} entries (median of {}; p99 {:.2f} ms)", n,
                               prove_ms.size(), Percentile(prove_ms, 0.99)),
                   fmt::format("{:.0f} ms (read all leaf hashes + reference prover, {} runs)", ref,
                               o.reference_runs),
                   fmt::format("{:.2f} ms; {} hashes = {} bytes ({} bytes as JSON)", fast,
                               proof_hashes, proof_hashes * 32, proof_json),
                   fmt::format("{:.0f}× faster", ref / fast), "milliseconds"});
  rows->push_back(
      {fmt::format("… consistency proof at {} entries, random old size (median of {})", n,
                   consistency_ms.size()),
       "(as above)",
       fmt::format("{:.2f} ms; up to {} hashes", Median(consistency_ms), consistency_hashes), "",
       "(report)"});
  rows->push_back({fmt::format("… tree head (root) at {} entries", n), "(as above)",
                   fmt::format("{:.2f} ms", Median(head_ms)), "", "(report)"});
  ledger.reset();
  if (!o.keep) RemoveDb(path);
}

// The 1-minute load average: the machine is shared, so every figure depends on it.
std::string LoadAverage() {
  std::ifstream in("/proc/loadavg");
  std::string load;
  in >> load;
  return load.empty() ? "?" : load;
}

int Main(int argc, char** argv) {
  Options o;
  bool own_dir = true;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string flag = argv[i];
    const char* value = argv[i + 1];
    if (flag == "--dir") {
      o.dir = value;
      own_dir = false;
      o.keep = true;
    } else if (flag == "--runs") {
      o.runs = std::max(1, std::atoi(value));
    } else if (flag == "--append-entries") {
      o.append_entries = std::strtoull(value, nullptr, 10);
    } else if (flag == "--batch") {
      o.batch = std::max<size_t>(1, std::strtoull(value, nullptr, 10));
    } else if (flag == "--producers") {
      o.producers = std::max(1, std::atoi(value));
    } else if (flag == "--verify-entries") {
      o.verify_entries = std::strtoull(value, nullptr, 10);
    } else if (flag == "--proof-entries") {
      o.proof_entries = std::max<uint64_t>(2, std::strtoull(value, nullptr, 10));
    } else if (flag == "--reference-runs") {
      o.reference_runs = std::max(1, std::atoi(value));
    } else if (flag == "--only") {
      o.only = value;
    } else {
      std::fprintf(stderr, "unknown flag %s\n", flag.c_str());
      return 2;
    }
  }
  if (own_dir) {
    o.dir = std::filesystem::temp_directory_path() /
            ("cairn-ledger-bench-" + std::to_string(std::random_device()()));
  }
  std::filesystem::create_directories(o.dir);

  const std::string load_before = LoadAverage();
  std::vector<Row> rows;
  if (o.only.find('a') != std::string::npos) rows.push_back(BenchAppends(o));
  if (o.only.find('b') != std::string::npos) {
    std::vector<Row> context;
    rows.push_back(BenchVerify(o, &context));
    rows.insert(rows.end(), context.begin(), context.end());
  }
  if (o.only.find('c') != std::string::npos) BenchProofs(o, &rows);

  std::printf("%u hardware threads; load average %s before, %s after; medians of %d runs.\n\n",
              std::thread::hardware_concurrency(), load_before.c_str(), LoadAverage().c_str(),
              o.runs);
  std::printf("| case | baseline | Cairn | ratio | goal |\n|---|---|---|---|---|\n");
  for (const Row& r : rows) {
    std::printf("| %s | %s | %s | %s | %s |\n", r.name.c_str(), r.baseline.c_str(), r.cairn.c_str(),
                r.ratio.c_str(), r.goal.c_str());
  }
  if (own_dir) std::filesystem::remove_all(o.dir);
  return 0;
}

}  // namespace
}  // namespace cairn::ledger

int main(int argc, char** argv) { return cairn::ledger::Main(argc, argv); }
