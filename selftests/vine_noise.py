#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""The cryptography of ViNe's sessions, written again from the
specifications and apart from the module: X25519 (RFC 7748),
ChaCha20-Poly1305 (RFC 8439) and XChaCha20-Poly1305, BLAKE2s as HASH,
MAC, HMAC and KDF, and the Noise_IKpsk2 handshake that WireGuard made
(its whitepaper, section 5.4), in slow, plain Python.

    vine_noise.py selftest
        the primitives against their published vectors, and a handshake
        between two instances of this file
    vine_noise.py vector [--identifier TEXT]
        one handshake from fixed keys and time, as C arrays: what the
        module's own unit test (kmod/selftest/noise.c) must reproduce
    vine_noise.py wg-ping --to ADDR:PORT --key PRIV --peer PUB
                         --src A.B.C.D --dst A.B.C.D
        a WireGuard handshake with a real WireGuard device, then an ICMP
        echo request through it: prints the reply's round trip. The
        device's peer must be our public key with SRC in its allowed-ips.
        It checks this file's Noise against WireGuard's own, so that
        what the module's handshake is checked against is right itself.

Keys are 32 bytes, given in base64 as wg(8) prints them.
"""
import argparse
import base64
import hashlib
import hmac
import os
import socket
import struct
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from vine_pkt import (CHACHA_CONST, chacha20_block,  # noqa: E402
                      chacha20_rounds, csum, icmp_echo, ipv4, poly1305)

# ------------------------------------------------------------- X25519

P25519 = 2 ** 255 - 19


def x25519(k, u):
    """RFC 7748 section 5: the Montgomery ladder on Curve25519."""
    k = bytearray(k)
    k[0] &= 248
    k[31] &= 127
    k[31] |= 64
    k = int.from_bytes(k, "little")
    x1 = int.from_bytes(u, "little") & ((1 << 255) - 1)
    x2, z2, x3, z3, swap = 1, 0, x1, 1, 0
    p = P25519
    for t in reversed(range(255)):
        kt = (k >> t) & 1
        swap ^= kt
        if swap:
            x2, x3, z2, z3 = x3, x2, z3, z2
        swap = kt
        a, b = (x2 + z2) % p, (x2 - z2) % p
        aa, bb = a * a % p, b * b % p
        e = (aa - bb) % p
        c, d = (x3 + z3) % p, (x3 - z3) % p
        da, cb = d * a % p, c * b % p
        x3 = (da + cb) ** 2 % p
        z3 = x1 * (da - cb) ** 2 % p
        x2 = aa * bb % p
        z2 = e * (aa + 121665 * e) % p
    if swap:
        x2, z2 = x3, z3
    return (x2 * pow(z2, p - 2, p) % p).to_bytes(32, "little")


def x25519_base(k):
    return x25519(k, (9).to_bytes(32, "little"))


def clamp(k):
    """A private key as wg genkey makes it."""
    k = bytearray(k)
    k[0] &= 248
    k[31] = (k[31] & 127) | 64
    return bytes(k)

# ------------------------------------------------- ChaCha20-Poly1305


def _pad16(b):
    return bytes(-len(b) % 16)


def chacha20_xor(key, counter, nonce, data):
    out = bytearray()
    for i in range(0, len(data), 64):
        ks = chacha20_block(key, counter + i // 64, nonce)
        out += bytes(a ^ b for a, b in zip(data[i:i + 64], ks))
    return bytes(out)


def _tag(key, nonce, aad, ct):
    otk = chacha20_block(key, 0, nonce)[:32]
    return poly1305(otk, aad + _pad16(aad) + ct + _pad16(ct) +
                    struct.pack("<QQ", len(aad), len(ct)))


def aead_seal(key, nonce, plain, aad=b""):
    """RFC 8439 section 2.8, 12-byte nonce: ciphertext then tag."""
    ct = chacha20_xor(key, 1, nonce, plain)
    return ct + _tag(key, nonce, aad, ct)


def aead_open(key, nonce, sealed, aad=b""):
    """The plaintext, or None if the tag is wrong."""
    if len(sealed) < 16:
        return None
    ct, tag = sealed[:-16], sealed[-16:]
    if not hmac.compare_digest(_tag(key, nonce, aad, ct), tag):
        return None
    return chacha20_xor(key, 1, nonce, ct)


def nonce64(counter):
    """Noise's ChaChaPoly nonce: 32 zero bits, then the counter (LE)."""
    return bytes(4) + struct.pack("<Q", counter)


def hchacha20(key, nonce16):
    """The XChaCha20 draft, section 2.2: ChaCha20's rounds without the
    final addition; words 0 to 3 and 12 to 15."""
    x = chacha20_rounds(CHACHA_CONST + list(struct.unpack("<8I", key)) +
                        list(struct.unpack("<4I", nonce16)))
    return struct.pack("<8I", *(x[0:4] + x[12:16]))


def xaead_seal(key, nonce24, plain, aad=b""):
    return aead_seal(hchacha20(key, nonce24[:16]), bytes(4) + nonce24[16:],
                     plain, aad)


def xaead_open(key, nonce24, sealed, aad=b""):
    return aead_open(hchacha20(key, nonce24[:16]), bytes(4) + nonce24[16:],
                     sealed, aad)

# ------------------------------------------------------------ BLAKE2s


def HASH(*parts):
    return hashlib.blake2s(b"".join(parts)).digest()


def MAC(key, data):
    """Keyed BLAKE2s, 16 bytes."""
    return hashlib.blake2s(data, digest_size=16, key=key).digest()


def HMAC(key, data):
    return hmac.new(key, data, hashlib.blake2s).digest()


def KDF(n, key, data):
    """HKDF with HMAC-BLAKE2s: n 32-byte outputs."""
    t0, out, prev = HMAC(key, data), [], b""
    for i in range(1, n + 1):
        prev = HMAC(t0, prev + bytes([i]))
        out.append(prev)
    return out


def tai64n(t=None):
    t = time.time() if t is None else t
    sec = int(t)
    return struct.pack(">QI", (1 << 62) + sec, int((t - sec) * 1e9))

# ---------------------------------------------------- Noise_IKpsk2

CONSTRUCTION = b"Noise_IKpsk2_25519_ChaChaPoly_BLAKE2s"
WG_IDENTIFIER = b"WireGuard v1 zx2c4 Jason@zx2c4.com"
LABEL_MAC1 = b"mac1----"
LABEL_COOKIE = b"cookie--"


class Noise:
    """One side of one handshake. The messages' fields are bytes; how
    they are framed on the wire is the caller's (WireGuard's here, ViNe's
    in the module)."""

    def __init__(self, identifier, s_priv, r_pub, psk=bytes(32)):
        self.s_priv, self.s_pub = s_priv, x25519_base(s_priv)
        self.r_pub, self.psk = r_pub, psk      # r_pub: the peer's static
        self.c = HASH(CONSTRUCTION)
        self.h = HASH(self.c, identifier)

    def _mix_hash(self, data):
        self.h = HASH(self.h, data)

    def _mix_key(self, dh):
        self.c, k = KDF(2, self.c, dh)
        return k

    def _seal(self, k, plain):
        out = aead_seal(k, nonce64(0), plain, self.h)
        self._mix_hash(out)
        return out

    def _open(self, k, sealed):
        out = aead_open(k, nonce64(0), sealed, self.h)
        if out is not None:
            self._mix_hash(sealed)
        return out

    # initiator --------------------------------------------------------
    def initiation(self, e_priv, timestamp):
        """Returns (ephemeral, encrypted static, encrypted timestamp)."""
        self._mix_hash(self.r_pub)
        self.e_priv, e_pub = e_priv, x25519_base(e_priv)
        self.c = KDF(1, self.c, e_pub)[0]
        self._mix_hash(e_pub)
        k = self._mix_key(x25519(e_priv, self.r_pub))
        static = self._seal(k, self.s_pub)
        k = self._mix_key(x25519(self.s_priv, self.r_pub))
        ts = self._seal(k, timestamp)
        return e_pub, static, ts

    def consume_response(self, e_pub_r, empty):
        """The response's fields; True if it authenticates."""
        self.c = KDF(1, self.c, e_pub_r)[0]
        self._mix_hash(e_pub_r)
        self.c = KDF(1, self.c, x25519(self.e_priv, e_pub_r))[0]
        self.c = KDF(1, self.c, x25519(self.s_priv, e_pub_r))[0]
        self.c, tau, k = KDF(3, self.c, self.psk)
        self._mix_hash(tau)
        if self._open(k, empty) != b"":
            return False
        self.send, self.recv = KDF(2, self.c, b"")
        return True

    # responder --------------------------------------------------------
    def consume_initiation(self, e_pub_i, static, ts):
        """The initiator's static key and timestamp, or None."""
        self._mix_hash(self.s_pub)
        self.e_pub_i = e_pub_i
        self.c = KDF(1, self.c, e_pub_i)[0]
        self._mix_hash(e_pub_i)
        k = self._mix_key(x25519(self.s_priv, e_pub_i))
        s_pub_i = self._open(k, static)
        if s_pub_i is None:
            return None
        self.r_pub = s_pub_i
        k = self._mix_key(x25519(self.s_priv, s_pub_i))
        t = self._open(k, ts)
        if t is None:
            return None
        return s_pub_i, t

    def response(self, e_priv):
        """Returns (ephemeral, encrypted empty) and sets the keys."""
        e_pub = x25519_base(e_priv)
        self.c = KDF(1, self.c, e_pub)[0]
        self._mix_hash(e_pub)
        self.c = KDF(1, self.c, x25519(e_priv, self.e_pub_i))[0]
        self.c = KDF(1, self.c, x25519(e_priv, self.r_pub))[0]
        self.c, tau, k = KDF(3, self.c, self.psk)
        self._mix_hash(tau)
        empty = self._seal(k, b"")
        self.recv, self.send = KDF(2, self.c, b"")
        return e_pub, empty


def mac1_key(static_pub):
    return HASH(LABEL_MAC1, static_pub)


def cookie_key(static_pub):
    return HASH(LABEL_COOKIE, static_pub)

# ------------------------------------------------------ self-test


def unhex(s):
    return bytes.fromhex("".join(s.split()))


def cmd_selftest(_):
    fails = 0

    def check(name, got, want):
        nonlocal fails
        ok = got == want
        fails += not ok
        print("%s %s" % ("ok" if ok else "FAIL", name))
        if not ok:
            print("  got  %s\n  want %s" % (
                got.hex() if isinstance(got, bytes) else got,
                want.hex() if isinstance(want, bytes) else want))

    # RFC 7748 section 6.1
    a = unhex("77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a")
    b = unhex("5dab087e624a8a4b79e17f8b83800ee66f3bb1292618b6fd1c2f8b27ff88e0eb")
    ap = unhex("8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a")
    bp = unhex("de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f")
    k = unhex("4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742")
    check("X25519: Alice's public key (RFC 7748 6.1)", x25519_base(a), ap)
    check("X25519: Bob's public key", x25519_base(b), bp)
    check("X25519: shared secret, Alice's side", x25519(a, bp), k)
    check("X25519: shared secret, Bob's side", x25519(b, ap), k)
    # RFC 8439 section 2.8.2
    key = bytes(range(0x80, 0xa0))
    nonce = unhex("070000004041424344454647")
    aad = unhex("50515253c0c1c2c3c4c5c6c7")
    plain = (b"Ladies and Gentlemen of the class of '99: If I could offer "
             b"you only one tip for the future, sunscreen would be it.")
    sealed = aead_seal(key, nonce, plain, aad)
    check("ChaCha20-Poly1305: tag (RFC 8439 2.8.2)", sealed[-16:],
          unhex("1ae10b594f09e26a7e902ecbd0600691"))
    check("ChaCha20-Poly1305: ciphertext starts", sealed[:16],
          unhex("d31a8d34648e60db7b86afbc53ef7ec2"))
    check("ChaCha20-Poly1305: opens", aead_open(key, nonce, sealed, aad), plain)
    check("ChaCha20-Poly1305: a flipped bit does not open",
          aead_open(key, nonce, sealed[:-1] + bytes([sealed[-1] ^ 1]), aad),
          None)
    # draft-irtf-cfrg-xchacha-03 section 2.2.1
    check("HChaCha20 (XChaCha draft 2.2.1)",
          hchacha20(bytes(range(32)),
                    unhex("000000090000004a0000000031415927")),
          unhex("82413b4227b27bfed30e42508a877d73"
                "a0f9e4d58a74a853c12ec41326d3ecdc"))
    # A handshake between two instances, and the keys it gives.
    ip, rp = clamp(os.urandom(32)), clamp(os.urandom(32))
    psk = os.urandom(32)
    i = Noise(WG_IDENTIFIER, ip, x25519_base(rp), psk)
    r = Noise(WG_IDENTIFIER, rp, None, psk)
    ts = tai64n()
    got = r.consume_initiation(*i.initiation(clamp(os.urandom(32)), ts))
    check("Noise IKpsk2: the responder learns the initiator and its time",
          got, (x25519_base(ip), ts))
    ok = i.consume_response(*r.response(clamp(os.urandom(32))))
    check("Noise IKpsk2: the response authenticates", ok, True)
    check("Noise IKpsk2: each side sends with what the other receives with",
          (i.send, i.recv), (r.recv, r.send))
    r2 = Noise(WG_IDENTIFIER, rp, None, os.urandom(32))
    r2.consume_initiation(*Noise(WG_IDENTIFIER, ip, x25519_base(rp),
                                 psk).initiation(clamp(os.urandom(32)), ts))
    i2 = Noise(WG_IDENTIFIER, ip, x25519_base(rp), psk)
    i2.initiation(clamp(os.urandom(32)), ts)
    check("Noise IKpsk2: another pre-shared key does not authenticate",
          i2.consume_response(*r2.response(clamp(os.urandom(32)))), False)
    print("%d failed" % fails)
    return 1 if fails else 0

VINE_IDENTIFIER = b"ViNe v1 sessions"


def vector_inputs():
    """Fixed keys and time: bytes 0..31 plus a constant per role."""
    def key(n):
        return clamp(bytes((i + n) & 0xff for i in range(32)))
    return {"s_priv_i": key(0x10), "s_priv_r": key(0x20),
            "e_priv_i": key(0x30), "e_priv_r": key(0x40),
            "psk": bytes((i * 7) & 0xff for i in range(32)),
            "timestamp": tai64n(1796601600.5)}     # 2026-12-07 00:00:00.5


def vector(identifier):
    v = vector_inputs()
    i = Noise(identifier, v["s_priv_i"], x25519_base(v["s_priv_r"]), v["psk"])
    r = Noise(identifier, v["s_priv_r"], None, v["psk"])
    e, st, ts = i.initiation(v["e_priv_i"], v["timestamp"])
    assert r.consume_initiation(e, st, ts) is not None
    er, empty = r.response(v["e_priv_r"])
    assert i.consume_response(er, empty)
    v.update({"s_pub_i": x25519_base(v["s_priv_i"]),
              "s_pub_r": x25519_base(v["s_priv_r"]),
              "init_ephemeral": e, "init_static": st, "init_timestamp": ts,
              "resp_ephemeral": er, "resp_empty": empty,
              "key_i_send": i.send, "key_i_recv": i.recv})
    return v


def cmd_vector(a):
    ident = a.identifier.encode()
    print("/* vine_noise.py vector --identifier '%s' */" % a.identifier)
    for name, val in vector(ident).items():
        print("static const u8 %s[%d] = {" % (name, len(val)))
        for i in range(0, len(val), 8):
            print("\t" + ", ".join("0x%02x" % b for b in val[i:i + 8]) +
                  ",")
        print("};\n")
    return 0

# ----------------------------------------- WireGuard, as it is framed


def wg_initiation(n, sender, e_priv, ts):
    e, s, t = n.initiation(e_priv, ts)
    msg = struct.pack("<B3xI", 1, sender) + e + s + t
    msg += MAC(mac1_key(n.r_pub), msg)
    return msg + bytes(16)                  # mac2: no cookie asked for


def wg_ping(a):
    s_priv = base64.b64decode(a.key)
    r_pub = base64.b64decode(a.peer)
    host, port = a.to.rsplit(":", 1)
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.settimeout(5)
    sock.connect((host, int(port)))
    n = Noise(WG_IDENTIFIER, s_priv, r_pub)
    sender = struct.unpack("<I", os.urandom(4))[0]
    t0 = time.monotonic()
    sock.send(wg_initiation(n, sender, clamp(os.urandom(32)), tai64n()))
    resp = sock.recv(2048)
    if len(resp) != 92 or resp[0] != 2:
        print("not a handshake response: %s" % resp.hex())
        return 1
    their, ours = struct.unpack_from("<II", resp, 4)
    if ours != sender:
        print("the response is for index %d, not ours (%d)" % (ours, sender))
        return 1
    if MAC(mac1_key(n.s_pub), resp[:60]) != resp[60:76]:
        print("the response's mac1 is wrong")
        return 1
    if not n.consume_response(resp[12:44], resp[44:60]):
        print("the response does not authenticate")
        return 1
    hs = time.monotonic() - t0
    ident = os.getpid() & 0xffff
    pkt = ipv4(a.src, a.dst, 1, icmp_echo(ident, 1, b"vine-noise"))
    pkt += bytes(-len(pkt) % 16)
    t1 = time.monotonic()
    sock.send(struct.pack("<B3xIQ", 4, their, 0) +
              aead_seal(n.send, nonce64(0), pkt))
    while True:
        data = sock.recv(2048)
        if data[0] != 4 or struct.unpack_from("<I", data, 4)[0] != sender:
            continue
        ctr = struct.unpack_from("<Q", data, 8)[0]
        inner = aead_open(n.recv, nonce64(ctr), data[16:])
        if inner is None:
            print("a data packet that does not authenticate")
            return 1
        if not inner:
            continue                        # a keepalive
        tot = struct.unpack_from(">H", inner, 2)[0]
        icmp = inner[20:tot]
        if icmp[0] == 0 and struct.unpack_from(">H", icmp, 4)[0] == ident \
                and csum(icmp) == 0:
            break
    print("handshake %.1f ms; echo reply %d bytes in %.1f ms" % (
        hs * 1e3, tot, (time.monotonic() - t1) * 1e3))
    return 0


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    sub = ap.add_subparsers(dest="cmd", required=True)
    sub.add_parser("selftest")
    v = sub.add_parser("vector")
    v.add_argument("--identifier", default=VINE_IDENTIFIER.decode())
    w = sub.add_parser("wg-ping")
    w.add_argument("--to", required=True)
    w.add_argument("--key", required=True)
    w.add_argument("--peer", required=True)
    w.add_argument("--src", required=True)
    w.add_argument("--dst", required=True)
    a = ap.parse_args()
    return {"selftest": cmd_selftest, "vector": cmd_vector,
            "wg-ping": wg_ping}[a.cmd](a)


if __name__ == "__main__":
    sys.exit(main())
