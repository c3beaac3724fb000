#include "ledger/merkle.h"

#include <openssl/evp.h>

#include <cstdlib>
#include <cstring>
#include <memory>

namespace cairn::ledger {
namespace {

// SHA-256 of the concatenation of `parts`. The fetched digest and the context are reused per
// thread (OpenSSL 3's implicit fetch and context allocation dominate small hashes); both live
// until exit.
Hash Digest(std::initializer_list<std::string_view> parts) {
  static EVP_MD* const sha256 = EVP_MD_fetch(nullptr, "SHA256", nullptr);
  thread_local std::unique_ptr<EVP_MD_CTX, void (*)(EVP_MD_CTX*)> ctx(EVP_MD_CTX_new(),
                                                                      EVP_MD_CTX_free);
  if (sha256 == nullptr || ctx == nullptr || EVP_DigestInit_ex(ctx.get(), sha256, nullptr) != 1) {
    std::abort();
  }
  for (std::string_view part : parts) {
    if (EVP_DigestUpdate(ctx.get(), part.data(), part.size()) != 1) std::abort();
  }
  Hash out;
  unsigned int size = 0;
  if (EVP_DigestFinal_ex(ctx.get(), out.data(), &size) != 1 || size != out.size()) std::abort();
  return out;
}

std::string_view View(const Hash& hash) {
  return std::string_view(reinterpret_cast<const char*>(hash.data()), hash.size());
}

// The largest power of two strictly below n (n >= 2).
uint64_t SplitPoint(uint64_t n) {
  uint64_t k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

// RFC 6962 §2.1.1 PATH(m, D[n]).
void Path(uint64_t m, std::span<const Hash> leaves, std::vector<Hash>* out) {
  const uint64_t n = leaves.size();
  if (n <= 1) return;
  const uint64_t k = SplitPoint(n);
  if (m < k) {
    Path(m, leaves.subspan(0, k), out);
    out->push_back(RootHash(leaves.subspan(k)));
  } else {
    Path(m - k, leaves.subspan(k), out);
    out->push_back(RootHash(leaves.subspan(0, k)));
  }
}

// RFC 6962 §2.1.2 SUBPROOF(m, D[n], b).
void Subproof(uint64_t m, std::span<const Hash> leaves, bool complete, std::vector<Hash>* out) {
  const uint64_t n = leaves.size();
  if (m == n) {
    if (!complete) out->push_back(RootHash(leaves));
    return;
  }
  const uint64_t k = SplitPoint(n);
  if (m <= k) {
    Subproof(m, leaves.subspan(0, k), complete, out);
    out->push_back(RootHash(leaves.subspan(k)));
  } else {
    Subproof(m - k, leaves.subspan(k), false, out);
    out->push_back(RootHash(leaves.subspan(0, k)));
  }
}

// RFC 6962 §2.1.1 PATH(m, D[begin:end]) with subtree roots from `root`.
Status RangePath(uint64_t m, uint64_t begin, uint64_t end, const SubtreeRootFn& root,
                 std::vector<Hash>* out) {
  const uint64_t n = end - begin;
  if (n <= 1) return OkStatus();
  const uint64_t k = SplitPoint(n);
  if (m < k) {
    RETURN_IF_ERROR(RangePath(m, begin, begin + k, root, out));
    ASSIGN_OR_RETURN(Hash sibling, root(begin + k, end));
    out->push_back(sibling);
  } else {
    RETURN_IF_ERROR(RangePath(m - k, begin + k, end, root, out));
    ASSIGN_OR_RETURN(Hash sibling, root(begin, begin + k));
    out->push_back(sibling);
  }
  return OkStatus();
}

// RFC 6962 §2.1.2 SUBPROOF(m, D[begin:end], b) with subtree roots from `root`.
Status RangeSubproof(uint64_t m, uint64_t begin, uint64_t end, bool complete,
                     const SubtreeRootFn& root, std::vector<Hash>* out) {
  const uint64_t n = end - begin;
  if (m == n) {
    if (!complete) {
      ASSIGN_OR_RETURN(Hash node, root(begin, end));
      out->push_back(node);
    }
    return OkStatus();
  }
  const uint64_t k = SplitPoint(n);
  if (m <= k) {
    RETURN_IF_ERROR(RangeSubproof(m, begin, begin + k, complete, root, out));
    ASSIGN_OR_RETURN(Hash sibling, root(begin + k, end));
    out->push_back(sibling);
  } else {
    RETURN_IF_ERROR(RangeSubproof(m - k, begin + k, end, false, root, out));
    ASSIGN_OR_RETURN(Hash sibling, root(begin, begin + k));
    out->push_back(sibling);
  }
  return OkStatus();
}

}  // namespace

Hash Sha256(std::string_view data) { return Digest({data}); }

Hash LeafHash(std::string_view data) { return Digest({std::string_view("\x00", 1), data}); }

Hash NodeHash(const Hash& left, const Hash& right) {
  // One contiguous input: a single update call per node (this is the hot path of tree hashing).
  std::array<char, 1 + 2 * sizeof(Hash)> input;
  input[0] = '\x01';
  std::memcpy(input.data() + 1, left.data(), left.size());
  std::memcpy(input.data() + 1 + left.size(), right.data(), right.size());
  return Digest({std::string_view(input.data(), input.size())});
}

std::string ToHex(std::string_view bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  out.reserve(bytes.size() * 2);
  for (char c : bytes) {
    const auto b = static_cast<uint8_t>(c);
    out.push_back(kDigits[b >> 4]);
    out.push_back(kDigits[b & 0xf]);
  }
  return out;
}

std::string ToHex(const Hash& hash) { return ToHex(View(hash)); }

Result<Hash> HashFromHex(std::string_view hex) {
  if (hex.size() != 64) {
    return InvalidArgumentError("a hash must be 64 hex digits, got {} characters", hex.size());
  }
  auto nibble = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  Hash out;
  for (size_t i = 0; i < out.size(); ++i) {
    const int hi = nibble(hex[2 * i]);
    const int lo = nibble(hex[2 * i + 1]);
    if (hi < 0 || lo < 0) return InvalidArgumentError("'{}' is not a hex hash", hex);
    out[i] = static_cast<uint8_t>(hi << 4 | lo);
  }
  return out;
}

Hash RootHash(std::span<const Hash> leaves) {
  const uint64_t n = leaves.size();
  if (n == 0) return Sha256("");
  if (n == 1) return leaves[0];
  const uint64_t k = SplitPoint(n);
  return NodeHash(RootHash(leaves.subspan(0, k)), RootHash(leaves.subspan(k)));
}

Result<std::vector<Hash>> InclusionProof(std::span<const Hash> leaves, uint64_t index) {
  if (index >= leaves.size()) {
    return InvalidArgumentError("leaf {} is not in a tree of {} leaves", index, leaves.size());
  }
  std::vector<Hash> path;
  Path(index, leaves, &path);
  return path;
}

Result<std::vector<Hash>> ConsistencyProof(std::span<const Hash> leaves, uint64_t old_size) {
  if (old_size == 0 || old_size > leaves.size()) {
    return InvalidArgumentError("no consistency proof from size {} to size {}", old_size,
                                leaves.size());
  }
  std::vector<Hash> proof;
  if (old_size < leaves.size()) Subproof(old_size, leaves, true, &proof);
  return proof;
}

Result<std::vector<Hash>> InclusionProofFromRoots(uint64_t tree_size, uint64_t index,
                                                  const SubtreeRootFn& root) {
  if (index >= tree_size) {
    return InvalidArgumentError("leaf {} is not in a tree of {} leaves", index, tree_size);
  }
  std::vector<Hash> path;
  RETURN_IF_ERROR(RangePath(index, 0, tree_size, root, &path));
  return path;
}

Result<std::vector<Hash>> ConsistencyProofFromRoots(uint64_t new_size, uint64_t old_size,
                                                    const SubtreeRootFn& root) {
  if (old_size == 0 || old_size > new_size) {
    return InvalidArgumentError("no consistency proof from size {} to size {}", old_size, new_size);
  }
  std::vector<Hash> proof;
  if (old_size < new_size)
    RETURN_IF_ERROR(RangeSubproof(old_size, 0, new_size, true, root, &proof));
  return proof;
}

Hash TreeBuilder::Root() const {
  if (stack_.empty()) return Sha256("");
  Hash root = stack_.back();
  for (size_t i = stack_.size() - 1; i-- > 0;) root = NodeHash(stack_[i], root);
  return root;
}

bool VerifyInclusion(const Hash& leaf_hash, uint64_t index, uint64_t tree_size,
                     std::span<const Hash> path, const Hash& root) {
  if (index >= tree_size) return false;
  uint64_t fn = index;
  uint64_t sn = tree_size - 1;
  Hash r = leaf_hash;
  for (const Hash& p : path) {
    if (sn == 0) return false;
    if ((fn & 1) == 1 || fn == sn) {
      r = NodeHash(p, r);
      if ((fn & 1) == 0) {
        while ((fn & 1) == 0 && fn != 0) {
          fn >>= 1;
          sn >>= 1;
        }
      }
    } else {
      r = NodeHash(r, p);
    }
    fn >>= 1;
    sn >>= 1;
  }
  return sn == 0 && r == root;
}

bool VerifyConsistency(uint64_t old_size, uint64_t new_size, const Hash& old_root,
                       const Hash& new_root, std::span<const Hash> proof) {
  if (old_size == 0 || old_size > new_size) return false;
  if (old_size == new_size) return proof.empty() && old_root == new_root;
  if (proof.empty()) return false;
  std::vector<Hash> path;
  // An old tree of exactly 2^k leaves is itself a node of the new tree: start from its root.
  if ((old_size & (old_size - 1)) == 0) path.push_back(old_root);
  path.insert(path.end(), proof.begin(), proof.end());
  uint64_t fn = old_size - 1;
  uint64_t sn = new_size - 1;
  while ((fn & 1) == 1) {
    fn >>= 1;
    sn >>= 1;
  }
  Hash fr = path[0];
  Hash sr = path[0];
  for (size_t i = 1; i < path.size(); ++i) {
    const Hash& c = path[i];
    if (sn == 0) return false;
    if ((fn & 1) == 1 || fn == sn) {
      fr = NodeHash(c, fr);
      sr = NodeHash(c, sr);
      while ((fn & 1) == 0 && fn != 0) {
        fn >>= 1;
        sn >>= 1;
      }
    } else {
      sr = NodeHash(sr, c);
    }
    fn >>= 1;
    sn >>= 1;
  }
  return fr == old_root && sr == new_root && sn == 0;
}

}  // namespace cairn::ledger
