#!/usr/bin/env python3
"""An independent checker of C2SP signed-note checkpoints, written from the specs alone
(c2sp.org/signed-note, c2sp.org/tlog-cosignature, c2sp.org/tlog-checkpoint, c2sp.org/tlog-policy) in
another language, with Ed25519 verification from RFC 8032 section 6 in pure Python (no library shared
with carechain). Reads one JSON object on stdin:

  {"note": str, "policy": str}

and prints one JSON object: {"origin", "size", "root", "logSigned": bool, "cosigners": [policy names],
"quorum": bool, "failed": [key names whose signature did not verify]}.
"""
import base64
import hashlib
import json
import sys

# RFC 8032 section 6 (Ed25519 verification), straight from the RFC's reference code.
p = 2**255 - 19
q = 2**252 + 27742317777372353535851937790883648493
d = -121665 * pow(121666, p - 2, p) % p
modp_sqrt_m1 = pow(2, (p - 1) // 4, p)


def point_add(P, Q):
    A, B = (P[1] - P[0]) * (Q[1] - Q[0]) % p, (P[1] + P[0]) * (Q[1] + Q[0]) % p
    C, D = 2 * P[3] * Q[3] * d % p, 2 * P[2] * Q[2] % p
    E, F, G, H = B - A, D - C, D + C, B + A
    return (E * F % p, G * H % p, F * G % p, E * H % p)


def point_mul(s, P):
    Q = (0, 1, 1, 0)
    while s > 0:
        if s & 1:
            Q = point_add(Q, P)
        P = point_add(P, P)
        s >>= 1
    return Q


def point_equal(P, Q):
    return (P[0] * Q[2] - Q[0] * P[2]) % p == 0 and (P[1] * Q[2] - Q[1] * P[2]) % p == 0


def recover_x(y, sign):
    if y >= p:
        return None
    x2 = (y * y - 1) * pow(d * y * y + 1, p - 2, p)
    if x2 == 0:
        return None if sign else 0
    x = pow(x2, (p + 3) // 8, p)
    if (x * x - x2) % p != 0:
        x = x * modp_sqrt_m1 % p
    if (x * x - x2) % p != 0:
        return None
    if (x & 1) != sign:
        x = p - x
    return x


g_y = 4 * pow(5, p - 2, p) % p
g_x = recover_x(g_y, 0)
G = (g_x, g_y, 1, g_x * g_y % p)


def point_decompress(s):
    if len(s) != 32:
        return None
    y = int.from_bytes(s, "little")
    sign = y >> 255
    y &= (1 << 255) - 1
    x = recover_x(y, sign)
    return None if x is None else (x, y, 1, x * y % p)


def ed25519_verify(public, msg, signature):
    if len(public) != 32 or len(signature) != 64:
        return False
    A = point_decompress(public)
    R = point_decompress(signature[:32])
    if A is None or R is None:
        return False
    s = int.from_bytes(signature[32:], "little")
    if s >= q:
        return False
    h = int.from_bytes(hashlib.sha512(signature[:32] + public + msg).digest(), "little") % q
    return point_equal(point_mul(s, G), point_add(R, point_mul(h, A)))


# c2sp.org/signed-note: vkeys, key IDs and signature lines.
def parse_vkey(vkey):
    name, key_id, material = vkey.split("+", 2)
    raw = base64.b64decode(material, validate=True)
    expected = hashlib.sha256(name.encode() + b"\n" + raw).digest()[:4]
    if bytes.fromhex(key_id) != expected:
        raise ValueError("key id mismatch for " + name)
    return {"name": name, "id": expected, "type": raw[0], "key": raw[1:]}


def verify_line(vkey, text, sig):
    if vkey["type"] == 0x01:
        return ed25519_verify(vkey["key"], text.encode(), sig)
    if vkey["type"] == 0x04 and len(sig) == 72:
        t = int.from_bytes(sig[:8], "big")
        message = ("cosignature/v1\ntime %d\n" % t).encode() + text.encode()
        return ed25519_verify(vkey["key"], message, sig[8:])
    return False


def main():
    query = json.loads(sys.stdin.read())
    note = query["note"]
    split = note.rindex("\n\n")
    text, sig_lines = note[: split + 1], note[split + 2 :].rstrip("\n").split("\n")
    origin, size, root = text.split("\n")[:3]

    logs, witnesses, groups, quorum = [], {}, {}, None
    for line in query["policy"].split("\n"):
        words = line.split()
        if not words or words[0].startswith("#"):
            continue
        if words[0] == "log":
            logs.append(parse_vkey(words[1]))
        elif words[0] == "witness":
            witnesses[words[1]] = parse_vkey(words[2])
        elif words[0] == "group":
            members = words[3:]
            k = {"all": len(members), "any": 1}.get(words[2]) or int(words[2])
            groups[words[1]] = (k, members)
        elif words[0] == "quorum":
            quorum = words[1]

    log_signed, verified, failed = False, set(), []
    for line in sig_lines:
        assert line.startswith("\u2014 "), line
        name, b64 = line[2:].split(" ")
        raw = base64.b64decode(b64, validate=True)
        key_id, sig = raw[:4], raw[4:]
        # A log key signs under its own name: the origin for C2SP logs, "sum.golang.org" for Go's.
        for vkey in logs:
            if vkey["name"] == name and vkey["id"] == key_id:
                if verify_line(vkey, text, sig):
                    log_signed = True
                else:
                    failed.append(name)
        for policy_name, vkey in witnesses.items():
            if vkey["name"] == name and vkey["id"] == key_id:
                if verify_line(vkey, text, sig):
                    verified.add(policy_name)
                else:
                    failed.append(name)

    def met(name):
        if name == "none":
            return True
        if name in groups:
            k, members = groups[name]
            return sum(1 for m in members if met(m)) >= k
        return name in verified

    print(json.dumps({
        "origin": origin,
        "size": int(size),
        "root": root,
        "logSigned": log_signed,
        "cosigners": sorted(verified),
        "quorum": quorum is not None and met(quorum),
        "failed": failed,
    }))


main()
