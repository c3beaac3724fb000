#!/usr/bin/env python3
"""Independent verifier for Cairn ledger proofs (see docs/ledger.md).

Uses only the Python standard library for hashing and the `openssl` command line tool for
Ed25519 signature checks. It shares no code with the C++ implementation.

  verify_ledger.py inclusion PROOF.json [--pubkey ledger.key.pub]
  verify_ledger.py consistency PROOF.json [--pubkey ledger.key.pub]

Exit status 0 and "OK: ..." when everything in the file verifies; 1 and "FAIL: ..." otherwise;
2 for usage errors.
"""

import argparse
import base64
import hashlib
import json
import os
import subprocess
import sys
import tempfile


class Failure(Exception):
    pass


def sha256(data):
    return hashlib.sha256(data).digest()


def leaf_hash(data):
    return sha256(b"\x00" + data)


def node_hash(left, right):
    return sha256(b"\x01" + left + right)


def unhex(value, what):
    try:
        raw = bytes.fromhex(value)
    except (TypeError, ValueError):
        raise Failure(f"{what} is not hex: {value!r}")
    if len(raw) != 32:
        raise Failure(f"{what} is not a 32-byte hash")
    return raw


def canonical_entry(entry):
    """Version-1 canonical serialization: sorted keys, no whitespace, ASCII with \\uXXXX."""
    if entry.get("v") != 1:
        raise Failure(f"unsupported entry version {entry.get('v')!r}")
    text = json.dumps(entry, sort_keys=True, separators=(",", ":"), ensure_ascii=True)
    # The C++ side also escapes DEL (0x7f); Python leaves it as is.
    return text.replace("\x7f", "\\u007f").encode("ascii")


def verify_inclusion(leaf, index, size, path, root):
    """RFC 9162 section 2.1.3.2."""
    if index >= size:
        return False
    fn, sn, r = index, size - 1, leaf
    for p in path:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            r = node_hash(p, r)
            while not fn & 1 and fn != 0:
                fn >>= 1
                sn >>= 1
        else:
            r = node_hash(r, p)
        fn >>= 1
        sn >>= 1
    return sn == 0 and r == root


def verify_consistency(old_size, new_size, old_root, new_root, proof):
    """RFC 9162 section 2.1.4.2."""
    if old_size == 0 or old_size > new_size:
        return False
    if old_size == new_size:
        return not proof and old_root == new_root
    if not proof:
        return False
    path = list(proof)
    if old_size & (old_size - 1) == 0:
        path.insert(0, old_root)
    fn, sn = old_size - 1, new_size - 1
    while fn & 1:
        fn >>= 1
        sn >>= 1
    fr = sr = path[0]
    for c in path[1:]:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            fr = node_hash(c, fr)
            sr = node_hash(c, sr)
            while not fn & 1 and fn != 0:
                fn >>= 1
                sn >>= 1
        else:
            sr = node_hash(sr, c)
        fn >>= 1
        sn >>= 1
    return fr == old_root and sr == new_root and sn == 0


def key_id(pubkey_path):
    with open(pubkey_path) as f:
        lines = [l.strip() for l in f if l.strip() and not l.startswith("-----")]
    return hashlib.sha256(base64.b64decode("".join(lines))).hexdigest()


def check_tree_head(head, size, root_hex, pubkey, what):
    if head["tree_size"] != size:
        raise Failure(f"{what}: tree head size {head['tree_size']} != proof size {size}")
    if head["root_hash"] != root_hex:
        raise Failure(f"{what}: tree head root {head['root_hash']} != proof root {root_hex}")
    if pubkey is None:
        return "unchecked signature"
    expected_id = key_id(pubkey)
    if head["key_id"] != expected_id:
        raise Failure(f"{what}: signed by key {head['key_id']}, not by {expected_id}")
    message = "cairn.ledger.tree_head.v1\n{}\n{}\n{}\n".format(
        head["tree_size"], head["root_hash"], head["timestamp"]).encode("utf-8")
    try:
        signature = bytes.fromhex(head["signature"])
    except ValueError:
        raise Failure(f"{what}: the signature is not hex")
    with tempfile.TemporaryDirectory() as tmp:
        msg_path = os.path.join(tmp, "msg")
        sig_path = os.path.join(tmp, "sig")
        with open(msg_path, "wb") as f:
            f.write(message)
        with open(sig_path, "wb") as f:
            f.write(signature)
        result = subprocess.run(
            ["openssl", "pkeyutl", "-verify", "-pubin", "-inkey", pubkey, "-rawin",
             "-in", msg_path, "-sigfile", sig_path],
            capture_output=True, text=True)
    if result.returncode != 0:
        raise Failure(f"{what}: the signature does not verify with {pubkey}")
    return "signature verified"


def inclusion(doc, pubkey):
    if doc.get("format") != "cairn.ledger.inclusion.v1":
        raise Failure(f"not an inclusion proof: format {doc.get('format')!r}")
    index, size = doc["leaf_index"], doc["tree_size"]
    leaf = unhex(doc["leaf_hash"], "leaf_hash")
    root = unhex(doc["root_hash"], "root_hash")
    path = [unhex(h, "audit_path entry") for h in doc["audit_path"]]
    notes = []
    if "entry" in doc:
        entry = doc["entry"]
        if entry.get("seq") != index:
            raise Failure(f"the entry has seq {entry.get('seq')}, the proof is for {index}")
        if leaf_hash(canonical_entry(entry)) != leaf:
            raise Failure(f"the entry does not hash to leaf_hash {doc['leaf_hash']}")
        notes.append("entry hashes to the leaf")
    if not verify_inclusion(leaf, index, size, path, root):
        raise Failure(f"the audit path does not prove leaf {index} in the tree of {size}")
    if "tree_head" in doc:
        notes.append(check_tree_head(doc["tree_head"], size, doc["root_hash"], pubkey,
                                     "tree_head"))
    return f"entry {index} is in the tree of {size} entries with root {doc['root_hash']}" + (
        " (" + ", ".join(notes) + ")" if notes else "")


def consistency(doc, pubkey):
    if doc.get("format") != "cairn.ledger.consistency.v1":
        raise Failure(f"not a consistency proof: format {doc.get('format')!r}")
    old_size, new_size = doc["old_size"], doc["new_size"]
    old_root = unhex(doc["old_root"], "old_root")
    new_root = unhex(doc["new_root"], "new_root")
    proof = [unhex(h, "proof entry") for h in doc["proof"]]
    if not verify_consistency(old_size, new_size, old_root, new_root, proof):
        raise Failure(f"the proof does not show that tree {old_size} is a prefix of tree "
                      f"{new_size}")
    notes = []
    if "old_tree_head" in doc:
        notes.append(check_tree_head(doc["old_tree_head"], old_size, doc["old_root"], pubkey,
                                     "old_tree_head"))
    if "new_tree_head" in doc:
        notes.append(check_tree_head(doc["new_tree_head"], new_size, doc["new_root"], pubkey,
                                     "new_tree_head"))
    return f"the tree of {old_size} entries is a prefix of the tree of {new_size}" + (
        " (" + ", ".join(notes) + ")" if notes else "")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("kind", choices=["inclusion", "consistency"])
    parser.add_argument("proof", help="proof JSON file written by Cairn")
    parser.add_argument("--pubkey", help="the ledger's Ed25519 public key (PEM)")
    args = parser.parse_args()
    try:
        with open(args.proof) as f:
            doc = json.load(f)
        message = (inclusion if args.kind == "inclusion" else consistency)(doc, args.pubkey)
    except Failure as e:
        print(f"FAIL: {e}")
        return 1
    except (OSError, ValueError, KeyError, TypeError) as e:
        print(f"FAIL: malformed proof file: {e!r}")
        return 1
    print(f"OK: {message}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
