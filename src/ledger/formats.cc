// The ledger's exchange formats: the signed tree head message and its check, and the JSON shapes
// of records, heads and proofs (docs/ledger.md).

#include <fmt/format.h>

#include "ledger/ledger.h"

namespace cairn::ledger {

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

}  // namespace cairn::ledger
