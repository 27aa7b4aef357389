#!/usr/bin/env python3
"""An independent RFC 9162 proof verifier, written straight from the RFC's algorithms (§2.1.3.2 and
§2.1.4.2) in another language with another SHA-256, so that carechain's proofs are checked by code that
shares nothing with carechain's own verifier. Reads one JSON object per line on stdin and prints
"ok" or "fail" per line.

  {"kind": "inclusion", "leafHash": hex, "leafIndex": int, "treeSize": int, "path": [hex], "root": hex}
  {"kind": "consistency", "fromSize": int, "toSize": int, "fromRoot": hex, "toRoot": hex, "path": [hex]}
"""
import hashlib
import json
import sys


def node(left: bytes, right: bytes) -> bytes:
    return hashlib.sha256(b"\x01" + left + right).digest()


def climb(fn, sn):
    """The per-path-element step both algorithms share (§2.1.3.2 step 6, §2.1.4.2 step 7): whether the
    next path element goes on the left ("if LSB(fn) is set, or if fn is equal to sn"), and fn, sn for the
    level above, after the RFC's right shifts (until LSB(fn) is set or fn is 0 on the left branch, then
    one more on both branches)."""
    on_left = fn & 1 == 1 or fn == sn
    if on_left and fn & 1 == 0:
        while fn & 1 == 0 and fn != 0:
            fn >>= 1
            sn >>= 1
    return on_left, fn >> 1, sn >> 1


def verify_inclusion(leaf_hash, leaf_index, tree_size, path, root):
    # RFC 9162 §2.1.3.2; every hash is a 32-byte SHA-256 value.
    if any(len(x) != 32 for x in [leaf_hash, root] + path):
        return False
    if leaf_index >= tree_size:
        return False
    fn, sn, r = leaf_index, tree_size - 1, leaf_hash
    for p in path:
        if sn == 0:
            return False
        on_left, fn, sn = climb(fn, sn)
        r = node(p, r) if on_left else node(r, p)
    return sn == 0 and r == root


def verify_consistency(first, second, first_hash, second_hash, path):
    # RFC 9162 §2.1.4.2 (consistency is defined from a non-empty tree only)
    if first == 0:
        return False
    if first == second:
        return len(path) == 0 and first_hash == second_hash
    if any(len(x) != 32 for x in [first_hash, second_hash] + path):
        return False
    if first > second or len(path) == 0:
        return False
    if first & (first - 1) == 0:  # first is an exact power of 2
        path = [first_hash] + path
    fn, sn = first - 1, second - 1
    while fn & 1 == 1:
        fn >>= 1
        sn >>= 1
    fr = sr = path[0]
    for c in path[1:]:
        if sn == 0:
            return False
        on_left, fn, sn = climb(fn, sn)
        if on_left:
            fr = node(c, fr)
            sr = node(c, sr)
        else:
            sr = node(sr, c)
    return sn == 0 and fr == first_hash and sr == second_hash


def main():
    for line in sys.stdin:
        if not line.strip():
            continue
        q = json.loads(line)
        h = bytes.fromhex
        if q["kind"] == "inclusion":
            ok = verify_inclusion(h(q["leafHash"]), q["leafIndex"], q["treeSize"], [h(p) for p in q["path"]], h(q["root"]))
        else:
            ok = verify_consistency(q["fromSize"], q["toSize"], h(q["fromRoot"]), h(q["toRoot"]), [h(p) for p in q["path"]])
        print("ok" if ok else "fail")


if __name__ == "__main__":
    main()
