# SPDX-License-Identifier: GPL-2.0
"""The wire fuzzer of vine_fuzz.py (`vine_fuzz.py wire`).

Runs in a namespace on the VR's WAN, with two addresses: one the VR holds
a key for (the keyed peer), one it does not know. Each case, from one of
them: a ViNe packet (vine_pkt.py builds and MACs it) of any type, its
header and inner IPv4 packet mutated, its MAC valid from the keyed peer,
sent over UDP; or a TCP stream to the VR's port (frames, frames split at
random offsets, short, giant or bad sizes, garbage, resets, a channel by
GET, the peer's routes and key taken away under it); or counters at the
edges of the replay window, then a new key. The VR's MAC mode goes
through every mode. What the VR sends the keyed peer (UDP, TCP, and the
connections it opens for routes of proto tcp) must be well formed,
authentic and never repeat a counter; at the end every datagram that
reached the VR must be counted once, delivered or dropped by a reason.
"""
import os
import random
import select
import socket
import struct
import time

import vine_pkt
from vine_nl import (A, CMD, DROPS, MAC_NAMES, U, U32_MAX, Hang, Netns, Nl,
                     Reporter, attr_dict, errname, get_uint, ip4, ip4s, nla,
                     parse_attrs, vr_counters)

# ------------------------------------------------------------- the wire

FORWARD, QUEUE = U["VINE_PKT_FORWARD"], U["VINE_PKT_QUEUE"]
GET, NULL = U["VINE_PKT_GET"], U["VINE_PKT_NULL"]
F_MAC, F_POLL = U["VINE_F_MAC"], U["VINE_F_POLL"]
HDR = vine_pkt.HDR
HLEN = vine_pkt.HDR_LEN
MAX_UDP = 65507                 # IPv4 UDP payload
MAX_FRAME = 0xffff              # the size field
# Drops that only a received packet can cause, and those of a received
# QUEUE packet relayed (which the hook's own packets can cause too).
RX_REASONS = {"malformed", "bad_version", "not_for_us", "unknown_peer",
              "bad_mac", "replay", "wrong_vn", "delivery", "no_channel",
              "rx_busy", "rx_codel", "bad_source", "relay_denied"}
RELAY_REASONS = {"no_route", "route_disabled", "loop", "ttl"}
assert RX_REASONS | RELAY_REASONS <= set(DROPS.values())


def weighted(rng, table):
    items, weights = zip(*table)
    return rng.choices(items, weights)[0]


def udp_in(ns, back):
    """Udp.InDatagrams of namespace @ns (encapsulation sockets count)."""
    with Netns(ns, back), open("/proc/self/net/snmp") as f:
        for k, v in vine_pkt.snmp(f.read()):
            if k == "Udp.InDatagrams":
                return v
    return 0


class WireFuzz(Reporter):
    def __init__(self, a):
        Reporter.__init__(self, a.seed, "pkt")
        self.a = a
        self.rng = random.Random(a.seed)
        self.key = vine_pkt.read_key(a.key_file)
        self.dst_id = ip4(a.dst_id or a.to)
        self.keyed_id, self.unkeyed_id = ip4(a.keyed), ip4(a.unkeyed)
        self.outcomes = {}
        self.n = self.udp_sent = self.udp_ctl = 0
        self.tcp_sessions = self.tcp_frames = self.tcp_bytes = 0
        self.out_udp = self.out_tcp = 0
        self.accepted = []              # the VR's own connections to us
        self.seen = set()               # counters the VR sent us, this key
        self.ctr = 1 << 40
        self.recent = []
        self.taken = False              # the keyed peer's routes and key
        with Netns(a.target, a.self):
            self.nl = Nl()
            self.nl.resolve("vine")
        # The routes via the keyed peer, to take away and give back.
        self.routes = [
            b"".join(nla(t, v) for t, v in parse_attrs(body))
            for _, body in self.nl.transact(self.nl.family, CMD["GET_ROUTE"],
                                            dump=True)[2]
            if get_uint(attr_dict(body), A["VIA"]) == self.keyed_id]
        err, text, rep = self.nl.vine("GET_VR")
        self.mode0 = get_uint(rep[0], A["MAC_MODE"])
        self.old_alg, self.old_until = None, 0
        self.time = {}                  # seconds spent, by kind of case
        self.modes = [m for m in MAC_NAMES if m != self.mode0]
        self.rng.shuffle(self.modes)
        self.modes.append(self.mode0)
        self.mode = self.mode0
        vine_pkt.MAC_ALG = MAC_NAMES[self.mode]
        self.socks = {}
        for addr in (a.keyed, a.unkeyed):
            s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
            s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1 << 22)
            s.bind((addr, a.port))
            s.setblocking(False)
            self.socks[addr] = s
        self.listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.listener.bind((a.keyed, a.port))
        self.listener.listen(16)
        self.listener.setblocking(False)

    def count(self, key):
        self.outcomes[key] = self.outcomes.get(key, 0) + 1

    # ------------------------------------------------------- inner packets

    def ip_options(self):
        r = self.rng
        v = r.choice(["nop", "eol", "rr", "ts", "lsrr", "ssrr", "ra", "junk",
                      "badlen"])
        if v == "nop":
            o = b"\x01" * r.randint(1, 40)
        elif v == "eol":
            o = b"\x00" * r.randint(1, 4)
        elif v in ("rr", "lsrr", "ssrr"):
            n = r.randint(1, 9)
            o = bytes([{"rr": 7, "lsrr": 131, "ssrr": 137}[v], 3 + 4 * n, 4]) \
                + b"".join(struct.pack("!I", r.getrandbits(32))
                           for _ in range(n))
        elif v == "ts":
            o = bytes([68, 12, 5, 1]) + bytes(8)
        elif v == "ra":
            o = b"\x94\x04\x00\x00"
        elif v == "badlen":
            o = bytes([r.choice([7, 68, 131]), r.choice([0, 1, 2, 41, 255]),
                       4]) + bytes(r.randint(0, 8))
        else:
            o = bytes(r.getrandbits(8) for _ in range(r.randint(1, 40)))
        o = o[:40]
        return o + bytes(-len(o) % 4)

    def inner_addrs(self):
        r = self.rng

        def pick(table):
            a = weighted(r, table)
            if a == "random":
                return r.getrandbits(32)
            return ip4(a % r.randint(1, 254) if "%" in a else a)
        src = pick([("172.16.9.%d", 45), ("172.16.6.%d", 12),
                    ("172.16.8.%d", 4), ("172.16.7.%d", 4),
                    ("172.16.2.10", 4), ("172.16.1.10", 4),
                    ("172.16.3.10", 3), ("random", 8), ("0.0.0.0", 1),
                    ("255.255.255.255", 1)])
        dst = pick([("172.16.2.10", 40), ("172.16.2.11", 8),
                    ("172.16.1.10", 15), ("172.16.1.20", 3),
                    ("172.16.3.10", 4), ("172.16.9.%d", 4),
                    ("172.16.2.1", 3), ("172.16.2.255", 2), ("224.0.0.1", 2),
                    ("255.255.255.255", 1), ("0.0.0.0", 1), ("127.0.0.1", 1),
                    ("random", 4)])
        return src, dst

    def inner(self, room):
        """An IPv4 packet of at most @room bytes, now and then broken."""
        r = self.rng
        src, dst = self.inner_addrs()
        x = r.random()
        dlen = (r.randint(0, 64) if x < 0.93 else r.randint(1300, 1500)
                if x < 0.99 else r.randint(room - 200, room))
        opts = self.ip_options() if r.random() < 0.1 else b""
        dlen = max(0, min(dlen, room - 20 - len(opts) - 20))
        data = bytes(r.getrandbits(8) for _ in range(min(dlen, 64)))
        data = (data * (dlen // max(len(data), 1) + 1))[:dlen]
        proto = weighted(r, [(1, 40), (17, 30), (6, 10), (None, 20)])
        if proto == 1:
            payload = vine_pkt.icmp_echo(r.getrandbits(16), r.getrandbits(16),
                                         data, itype=r.choice([8, 8, 8, 0,
                                                               3, 13]))
        elif proto == 17:
            payload = vine_pkt.udp(ip4s(src), ip4s(dst), r.getrandbits(16),
                                   r.choice([5555, 7, 53, 2247]), data)
        elif proto == 6:
            payload = struct.pack("!HHIIBBHHH", r.getrandbits(16), 22,
                                  r.getrandbits(32), 0, 0x50,
                                  r.choice([2, 0x12, 0x04, 0xff]), 1024, 0,
                                  0) + data
        else:
            proto = r.choice([0, 4, 41, 47, 50, 132, 255, r.randint(0, 255)])
            payload = data
        ihl = 5 + len(opts) // 4
        tot = 20 + len(opts) + len(payload)
        if r.random() < 0.04:
            tot = r.choice([0, 19, 20, tot - 1, tot + 1, tot + 1000, 0xffff,
                            r.getrandbits(16)]) & 0xffff
        frag = weighted(r, [(0x4000, 70), (0, 20), (0x2000, 4),
                            (r.getrandbits(13), 3), (0x2000 |
                                                     r.getrandbits(13), 3)])
        ttl = 64 if r.random() < 0.85 else r.choice([0, 1, 2, 255])
        vihl = 0x40 | ihl
        if r.random() < 0.03:
            vihl = r.choice([0x60 | ihl, ihl, 0xf0 | ihl])
        elif r.random() < 0.03:
            vihl = 0x40 | r.randint(0, 15)
        h = struct.pack("!BBHHHBBH4s4s", vihl, r.choice([0, 0, 0, 3, 0xb8]),
                        tot, r.getrandbits(16), frag, ttl, proto, 0,
                        struct.pack("!I", src), struct.pack("!I", dst)) + opts
        c = vine_pkt.csum(h) if r.random() < 0.95 else r.getrandbits(16)
        return h[:10] + struct.pack("!H", c) + h[12:] + payload

    # -------------------------------------------------------- ViNe packets

    def vnid(self):
        r = self.rng
        return weighted(r, [(1, 70), (4, 6), (3, 4), (2, 4), (5, 3), (0, 4),
                            (U32_MAX, 3), (r.getrandbits(32), 6)])

    def next_counter(self):
        r = self.rng
        x = r.random()
        if x < 0.03 and self.recent:
            return r.choice(self.recent)        # a replay
        if x < 0.04:
            self.ctr += r.randint(2, 5000)      # a jump ahead
        self.ctr += 1
        self.recent = (self.recent + [self.ctr])[-64:]
        return self.ctr

    def chan_body(self):
        r = self.rng
        lo, hi = U["VINE_MIN_INTERVAL_MS"], U["VINE_MAX_INTERVAL_MS"]
        b = struct.pack("!I", weighted(r, [
            (1000, 30), (lo, 10), (250, 10), (0, 10), (1, 5), (lo - 1, 5),
            (hi, 5), (hi + 1, 5), (U32_MAX, 5),
            (r.getrandbits(32), 5)]))
        if r.random() < 0.1:
            b = r.choice([b"", b[:3], b + b"\0", b * 2, bytes(64)])
        return b

    def packet(self, keyed, room=MAX_UDP, ptype=None, good=False):
        """One ViNe packet (a UDP payload or a TCP frame). @good: valid
        header and MAC, nothing broken but the inner packet's content."""
        r = self.rng
        if ptype is None:
            ptype = weighted(r, [(FORWARD, 45), (QUEUE, 25), (GET, 12),
                                 (NULL, 12), (r.choice([4, 5, 7, 127, 255]),
                                              0 if good else 6)])
        control = ptype in (GET, NULL)
        body = self.chan_body() if control else self.inner(room - HLEN)
        if good and control:
            body = struct.pack("!I", r.choice([100, 250, 1000]))
        vnid = 0 if control and (good or r.random() < 0.85) else self.vnid()
        if good:
            vnid = vnid if control else 1
        src = self.keyed_id if keyed else weighted(r, [
            (self.unkeyed_id, 6), (self.keyed_id, 2), (ip4("10.0.0.1"), 1),
            (r.getrandbits(32), 1)])
        dst = self.dst_id if good or r.random() < 0.93 else r.choice([
            0, ip4("10.0.0.1"), self.keyed_id, r.getrandbits(32)])
        version = 1 if good or r.random() < 0.96 else r.choice([0, 2, 255])
        flags = F_MAC if keyed or r.random() < 0.5 else 0
        if r.random() < 0.1:
            flags |= F_POLL
        if not good and r.random() < 0.05:
            flags = r.getrandbits(8)
        res = (0, 0) if good or r.random() < 0.92 else (r.getrandbits(8),
                                                         r.getrandbits(16))
        counter = self.next_counter() if keyed else r.choice([
            0, 1, r.getrandbits(64), self.ctr])
        length = HLEN + len(body)
        size = length if good else weighted(r, [
            (length, 88), (0, 3), (r.randint(0, HLEN - 1), 2),
            (length - 1, 1), (length + 1, 2), (0xffff, 1),
            (r.getrandbits(16), 3)])
        hdr = HDR.pack(version, ptype & 0xff, flags, res[0], size & 0xffff,
                       res[1], counter, vnid, src, dst, bytes(16))
        if keyed:
            mac = vine_pkt.vine_mac(self.key, hdr, body)
            if not good and r.random() < 0.08:
                mac = r.choice([bytes(16), bytes([mac[0] ^ 1]) + mac[1:],
                                bytes(r.getrandbits(8) for _ in range(16))])
        else:
            mac = r.choice([bytes(16), bytes(r.getrandbits(8) for _ in
                                             range(16)),
                            vine_pkt.vine_mac(os.urandom(32), hdr, body)])
        pkt = hdr[:vine_pkt.MAC_OFF] + mac + body
        if not good:
            if r.random() < 0.02:
                pkt = pkt[:r.randint(0, len(pkt) - 1)]
            elif r.random() < 0.01:
                pkt += bytes(r.randint(1, 100))
        return pkt[:room]

    # ------------------------------------------------------ sending: UDP

    def send_udp(self, pkt, keyed):
        if self.a.trace:
            print("trace %d udp %s %s" % (self.n, "keyed" if keyed else
                                          "unkeyed", pkt.hex()), flush=True)
        try:
            self.socks[self.a.keyed if keyed else self.a.unkeyed].sendto(
                pkt, (self.a.to, self.a.port))
        except OSError as e:
            self.count("sendto: " + errname(e.errno))
            return
        self.udp_sent += 1
        if len(pkt) >= 2 and pkt[1] in (GET, NULL):
            self.udp_ctl += 1

    def udp_case(self):
        keyed = self.rng.random() < 0.7
        self.send_udp(self.packet(keyed), keyed)

    def edges(self):
        """Counters at the edges of the replay window, with valid MACs;
        then a new key, which empties the window."""
        c = self.ctr
        for ctr in (0, 1, max(c - 8128, 2), max(c - 8129, 2), c + 8192,
                    c + (1 << 32), 1 << 63, (1 << 64) - 1):
            pkt = bytearray(self.packet(True, ptype=FORWARD, good=True))
            pkt[8:16] = struct.pack("!Q", ctr)
            pkt[vine_pkt.MAC_OFF:HLEN] = vine_pkt.vine_mac(
                self.key, bytes(pkt[:HLEN]), bytes(pkt[HLEN:]))
            self.send_udp(bytes(pkt), True)
        self.rekey()

    def rekey(self):
        err, text, _ = self.nl.vine("SET_KEY", nla(A["PEER"], struct.pack(
            "!I", self.keyed_id)) + nla(A["KEY"], self.key))
        if err:
            self.finding("SET_KEY on the target refused: %s %s" %
                         (errname(err), text))
        self.seen = set()       # its counters start again from its clock

    def churn(self, hold):
        """Take away every route via the keyed peer and its key (the VR
        frees the peer, with its channel and TCP connections), then give
        them back."""
        self.taken = True
        for attrs in self.routes:
            d = attr_dict(attrs)
            self.change("DEL_ROUTE", b"".join(
                nla(A[n], d[A[n]]) for n in ("VN_ID", "ADDR", "PREFIX_LEN")))
        self.change("DEL_KEY", nla(A["PEER"], struct.pack("!I",
                                                          self.keyed_id)))
        time.sleep(hold)
        self.give_back()
        self.count("churn")

    def give_back(self):
        for attrs in self.routes:
            self.change("NEW_ROUTE", attrs + nla(A["REPLACE"]))
        self.change("SET_KEY", nla(A["PEER"], struct.pack(
            "!I", self.keyed_id)) + nla(A["KEY"], self.key))
        self.seen = set()
        self.taken = False

    def change(self, cmd, attrs):
        err, text, _ = self.nl.vine(cmd, attrs)
        if err:
            self.finding("%s on the target refused: %s %s" %
                         (cmd, errname(err), text))

    def set_mode(self, mode):
        """Change the VR's MAC mode. What it holds for us was built in the
        old mode: say goodbye first (a NULL with interval 0), so that it
        sends all that; its packets of the old mode are taken for two
        seconds more."""
        bye = bytearray(self.packet(True, ptype=NULL, good=True))
        bye[HLEN:] = bytes(4)
        bye[vine_pkt.MAC_OFF:HLEN] = vine_pkt.vine_mac(
            self.key, bytes(bye[:HLEN]), bytes(bye[HLEN:]))
        self.send_udp(bytes(bye), True)
        time.sleep(0.2)
        self.drain()
        err, text, _ = self.nl.vine("SET_VR", nla(A["MAC_MODE"],
                                                  struct.pack("=B", mode)))
        if err:
            self.finding("SET_VR mac %s refused: %s %s" % (MAC_NAMES[mode],
                                                          errname(err), text))
            return
        self.old_alg = MAC_NAMES[self.mode]
        self.old_until = time.monotonic() + 2
        self.mode = mode
        vine_pkt.MAC_ALG = MAC_NAMES[mode]
        self.count("mode " + MAC_NAMES[mode])

    # ------------------------------------------------------ sending: TCP

    def frame(self, keyed, good=False):
        return self.packet(keyed, room=MAX_FRAME if self.rng.random() < 0.01
                           else 2000, good=good)

    def write(self, s, data, chunks=True):
        r = self.rng
        if self.a.trace:
            print("trace %d tcp %s" % (self.n, data.hex()), flush=True)
        while data:
            n = len(data) if not chunks or r.random() < 0.5 else \
                r.randint(1, len(data))
            s.sendall(data[:n])
            self.tcp_bytes += n
            data = data[n:]

    def tcp_case(self):
        r = self.rng
        kind = weighted(r, [("frames", 30), ("split", 12), ("short", 8),
                            ("badver", 6), ("giant", 6), ("garbage", 8),
                            ("rst", 8), ("get", 15), ("idle", 4),
                            ("churn", 3)])
        keyed = r.random() < 0.75
        src = self.a.keyed if keyed else self.a.unkeyed
        try:
            s = socket.create_connection((self.a.to, self.a.port), timeout=2,
                                         source_address=(src, 0))
        except OSError as e:
            self.count("connect: " + errname(e.errno))
            return
        self.tcp_sessions += 1
        if self.a.trace:
            print("trace %d tcp stream %s from %s" % (self.n, kind, src),
                  flush=True)
        s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        s.settimeout(1)
        got = bytearray()
        try:
            if kind == "frames":
                for _ in range(r.randint(1, 20)):
                    self.tcp_frames += 1
                    self.write(s, self.frame(keyed))
            elif kind == "split":
                for _ in range(r.randint(1, 12)):
                    f = self.frame(keyed, good=True)
                    k = r.randint(1, len(f) - 1)
                    self.tcp_frames += 1
                    self.write(s, f[:k], False)
                    self.write(s, f[k:], False)
            elif kind in ("short", "badver"):
                for _ in range(r.randint(0, 3)):
                    self.tcp_frames += 1
                    self.write(s, self.frame(keyed, good=True))
                h = bytearray(self.frame(keyed, good=True))
                if kind == "short":
                    h[4:6] = struct.pack("!H", r.randint(0, HLEN - 1))
                else:
                    h[0] = r.choice([0, 2, 255])
                self.tcp_frames += 1
                self.write(s, bytes(h) + bytes(r.randint(0, 100)))
            elif kind == "giant":
                f = self.packet(keyed, room=MAX_FRAME, ptype=FORWARD,
                                good=r.random() < 0.5)
                if r.random() < 0.5:
                    f = f[:4] + struct.pack("!H", r.randint(2000, 0xffff)) + \
                        f[6:]
                    f = f[:r.randint(min(HLEN, len(f)), len(f))]
                self.tcp_frames += 1
                self.write(s, f)
            elif kind == "garbage":
                self.tcp_frames += 1
                self.write(s, bytes(r.getrandbits(8) for _ in
                                    range(r.randint(1, 3000))))
            elif kind == "rst":
                f = self.frame(keyed)
                self.tcp_frames += 1
                self.write(s, f[:r.randint(0, len(f))])
            elif kind in ("get", "churn"):
                f = bytearray(self.packet(True, ptype=GET, good=True))
                if r.random() < 0.5:
                    f[2] |= F_POLL
                    f[vine_pkt.MAC_OFF:HLEN] = vine_pkt.vine_mac(
                        self.key, bytes(f[:HLEN]), bytes(f[HLEN:]))
                self.tcp_frames += 1
                self.write(s, bytes(f), False)
                self.read_tcp(s, got, 0.05)
                if kind == "churn":
                    self.churn(r.choice([0, 0.01, 0.1]))
                for _ in range(r.randint(0, 3)):
                    self.tcp_frames += 1
                    self.write(s, self.frame(True))
            else:
                time.sleep(r.random() * 0.02)
            self.read_tcp(s, got, 0.01)
        except OSError as e:
            self.count("tcp: " + errname(e.errno))
        finally:
            if kind == "rst" or r.random() < 0.3:
                s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER,
                             struct.pack("ii", 1, 0))
            s.close()

    def read_tcp(self, s, buf, wait):
        """What the VR sent on @s within @wait seconds, frame by frame."""
        end = time.monotonic() + wait
        while True:
            left = end - time.monotonic()
            r, _, _ = select.select([s], [], [], max(left, 0))
            if not r:
                break
            try:
                d = s.recv(1 << 16)
            except OSError:
                break
            if not d:
                break
            buf += d
            while len(buf) >= HLEN:
                size = struct.unpack_from("!H", buf, 4)[0]
                if size < HLEN:
                    self.finding("the VR sent a TCP frame of size %d" % size,
                                 bytes(buf[:HLEN]))
                    buf.clear()
                    break
                if len(buf) < size:
                    break
                self.check_out(bytes(buf[:size]), "tcp")
                del buf[:size]

    def serve_accepted(self):
        """The VR's own TCP connections to us (routes of proto tcp): read
        them, now and then answer with a fuzzed frame, or close."""
        r = self.rng
        while True:
            try:
                c, _ = self.listener.accept()
            except BlockingIOError:
                break
            c.setblocking(False)
            self.accepted.append([c, bytearray()])
            self.count("accepted")
        for conn in list(self.accepted):
            c, buf = conn
            self.read_tcp(c, buf, 0)
            x = r.random()
            try:
                if x < 0.02:
                    c.setblocking(True)
                    c.settimeout(1)
                    self.tcp_frames += 1
                    self.write(c, self.frame(r.random() < 0.8))
                    c.setblocking(False)
                elif x < 0.025:
                    if r.random() < 0.5:
                        c.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER,
                                     struct.pack("ii", 1, 0))
                    c.close()
                    self.accepted.remove(conn)
            except OSError as e:
                self.count("accepted: " + errname(e.errno))
                c.close()
                self.accepted.remove(conn)

    # ----------------------------------------------- what the VR sends us

    def check_out(self, pkt, how):
        """A packet the VR sent us: well formed, authentic, new."""
        if how == "udp":
            self.out_udp += 1
        else:
            self.out_tcp += 1
        if len(pkt) < HLEN:
            self.finding("the VR sent %d bytes over %s" % (len(pkt), how), pkt)
            return
        (ver, ptype, flags, res, size, res2, ctr, vnid, src, dst,
         mac) = HDR.unpack(pkt[:HLEN])
        body = pkt[HLEN:]
        algs = {MAC_NAMES[self.mode]}
        if time.monotonic() < self.old_until:
            algs.add(self.old_alg)
        bad = []
        if ver != 1 or ptype > NULL or res or res2:
            bad.append("header")
        if size != len(pkt) and not (size == 0 and how == "udp" and
                                     "none" in algs):
            bad.append("size %d for %d bytes" % (size, len(pkt)))
        if src != self.dst_id or dst != self.keyed_id:
            bad.append("src_vr %s dst_vr %s" % (ip4s(src), ip4s(dst)))
        if ptype in (GET, NULL) and len(body) != 4:
            bad.append("channel body of %d bytes" % len(body))
        if ptype in (FORWARD, QUEUE) and (len(body) < 20 or
                                          body[0] >> 4 != 4):
            bad.append("inner packet")
        if flags & F_MAC:
            ok = False
            for alg in algs - {"none"}:
                vine_pkt.MAC_ALG = alg
                ok = ok or vine_pkt.vine_mac(self.key, pkt[:HLEN], body) == mac
            vine_pkt.MAC_ALG = MAC_NAMES[self.mode]
            if not ok:
                bad.append("MAC")
            elif ctr in self.seen:
                bad.append("counter %d again" % ctr)
            self.seen.add(ctr)
        elif "none" not in algs:
            bad.append("no MAC in mode %s" % "/".join(sorted(algs)))
        if bad:
            self.finding("the VR sent over %s: %s" % (how, ", ".join(bad)),
                         pkt)

    def drain(self):
        for s in self.socks.values():
            while True:
                try:
                    self.check_out(s.recv(1 << 16), "udp")
                except BlockingIOError:
                    break

    # ------------------------------------------------------------ the run

    def snapshot(self):
        c = vr_counters(self.nl)
        c["udp_in"] = udp_in(self.a.target, self.a.self)
        return c

    def settle(self):
        """The counters once the VR has done with what it received."""
        last = None
        for _ in range(40):
            self.drain()
            self.serve_accepted()
            c = self.snapshot()
            if last is not None and {k: v for k, v in c.items()
                                     if k != "_problems"} == \
                    {k: v for k, v in last.items() if k != "_problems"}:
                return c
            last = c
            time.sleep(0.25)
        return last

    def step(self):
        """One case; returns its kind."""
        r = self.rng
        x = r.random()
        if x < 0.9:
            self.udp_case()
            return "udp"
        if x < 0.97:
            self.tcp_case()
            return "tcp"
        if x < 0.974:
            self.edges()
            return "edges"
        if x < 0.975:
            self.churn(r.choice([0, 0.1]))
            return "churn"
        keyed = r.random() < 0.9
        self.send_udp(self.packet(keyed, ptype=r.choice([GET, NULL]),
                                  good=True), keyed)
        return "channel"

    def restore(self):
        """The VR as it was given to us: its MAC mode, the keyed peer's
        routes and key; our connections closed."""
        if self.taken:
            self.give_back()
        if self.mode != self.mode0:
            self.set_mode(self.mode0)
        for c, _ in self.accepted:
            c.close()
        self.accepted = []

    def run(self):
        a = self.a
        start = time.monotonic()
        end = start + a.secs if a.secs else None
        c0 = self.snapshot()
        phase = -1
        c1 = None
        try:
            while (not a.count or self.n < a.count) and \
                    (end is None or time.monotonic() < end) and \
                    len(self.findings) < 200:
                frac = (self.n / a.count if a.count else
                        (time.monotonic() - start) / a.secs)
                want = min(int(frac * len(self.modes)), len(self.modes) - 1)
                if want != phase:
                    phase = want
                    self.set_mode(self.modes[phase])
                self.n += 1
                self.case = self.n
                t = time.monotonic()
                kind = self.step()
                if self.n % 8 == 0:
                    self.drain()
                    self.serve_accepted()
                self.time[kind] = self.time.get(kind, 0) + \
                    time.monotonic() - t
            self.restore()
            c1 = self.settle()
        except Hang as e:
            self.finding("hang: %s" % e)
        finally:
            if c1 is None:      # a hang or a bug of ours: leave the VR as
                try:            # it was, for the checks that follow
                    self.restore()
                except Exception as e:      # noqa: BLE001
                    self.finding("cannot restore the VR: %r" % e)
        secs = round(time.monotonic() - start, 1)
        delta = {}
        if c1:
            delta = {k: c1[k] - c0[k] for k in c0 if k != "_problems"}
            for p in c1["_problems"]:
                self.finding("counters: " + p)
            self.check_counts(delta)
        return {"fuzzer": "wire", "seed": a.seed, "cases": self.n,
                "datagrams": self.udp_sent, "control_datagrams": self.udp_ctl,
                "tcp_streams": self.tcp_sessions,
                "tcp_frames": self.tcp_frames,
                "tcp_bytes": self.tcp_bytes, "secs": secs,
                "received_udp": self.out_udp, "received_tcp": self.out_tcp,
                "outcomes": dict(sorted(self.outcomes.items())),
                "time": {k: round(v, 1) for k, v in self.time.items()},
                "vr": {k: v for k, v in sorted(delta.items()) if v},
                "known": self.known, "findings": len(self.findings)}

    def check_counts(self, d):
        """Every datagram that reached the VR's socket is counted once:
        delivered (or relayed), or dropped by a reason. Channel messages
        taken by the channel count nowhere; TCP streams add at most one
        count per frame, and one per stream cut."""
        rx = d.get("rx_packets", 0)
        lower = rx + sum(d.get(k, 0) for k in RX_REASONS | RELAY_REASONS)
        upper = rx + sum(d.get(k, 0) for k in RX_REASONS)
        if lower < d["udp_in"] - self.udp_ctl:
            self.finding("%d datagrams reached the VR (%d channel messages), "
                         "only %d counted (rx_packets and receive drops)" %
                         (d["udp_in"], self.udp_ctl, lower))
        most = d["udp_in"] + self.tcp_frames + self.tcp_sessions + \
            self.outcomes.get("accepted", 0)
        if upper > most:
            self.finding("%d received packets and receive drops counted for "
                         "%d datagrams, %d TCP frames and %d streams" %
                         (upper, d["udp_in"], self.tcp_frames,
                          self.tcp_sessions))
