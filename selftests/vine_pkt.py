#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Helper of the ViNe selftests: ViNe packets, pings, counters, captures.

    vine_pkt.py vector
        the wire-format test vector: one line, the UDP payload in hex
    vine_pkt.py send --from ADDR --to ADDR --counter N --vnid N
                     --src-vr ADDR --dst-vr ADDR [--key-file F] [...]
        build ViNe packets (struct vinehdr + an inner IPv4 packet) exactly as
        a VR does, optionally broken in one way, and send them over UDP
    vine_pkt.py tcphold --to ADDR [--port P] --count N [--hold S] [--until F]
        open N TCP connections that send nothing and hold them
    vine_pkt.py ping [-c N] [-s SIZE] [-t TTL] [-M do|dont|want|probe] DST
        an iputils-like ping (the guest has no iputils): prints one line
        per reply or ICMP error and "N packets transmitted, M received"
    vine_pkt.py udp-sink --port P --ready F --out F
        count datagrams (one line per datagram in --out)
    vine_pkt.py tcp-sink --port P --ready F / tcp-source --to A --port P
                     --bytes N
        move exactly N bytes over TCP; both print "BYTES SHA256"
    vine_pkt.py capture --iface IF --ready F [--key-file F] [--count N]
                        [--src A] [--dst A] [--port P|0] [--fields F,F...]
        print ViNe packets seen on an interface, one JSON object a line,
        their MAC checked with the key (--fields: "COUNTER TIME_NS {F...}");
        of a RELAY packet, also the header of the ViNe packet it carries
        (relay_type, relay_flags, relay_src_vr, relay_dst_vr, relay_body:
        its length after that header); of any, inner_sha256: the SHA-256
        of what follows the header
    vine_pkt.py flat DIR NAME...
        flatten DIR/NAME.json (vinectl -j stats) or DIR/NAME.snmp
        (/proc/net/snmp) into DIR/NAME: one "path value" line per leaf
    vine_pkt.py snap DIR NAME...
        the same, after reading each VR's `vinectl -j stats` (or host:NAME's
        /proc/net/snmp) from inside its namespace
    vine_pkt.py get PATH < JSON / jget FILE PATH [FILE PATH...]
    vine_pkt.py canon < JSON
        compact JSON with every list sorted (order not asserted)
        print one value, e.g. drops.no_route, peers[10.0.0.1].rx_packets

The wire format (include/uapi/linux/vine.h, struct vinehdr, 44 bytes, big
endian): version(1) type(1) flags(1) reserved(1) size(2) reserved2(2)
counter(8) vnid(4) src_vr(4) dst_vr(4) mac(16), then the host's IPv4
packet. size = 44 + inner length. MAC = the first 16 bytes of
HMAC-SHA-256(key, header with mac[] zeroed || inner packet); flags bit 0 says
a MAC is present.

Only the modules a subcommand needs are imported: python starts slowly
under emulation.
"""
import os
import struct
import sys

HDR = struct.Struct("!BBBBHHQIII16s")
HDR_LEN = HDR.size          # 44
MAC_OFF = 28                # offset of mac[] in the header
MAC_LEN = 16
F_MAC = 0x01
F_SESSION = 0x04
F_ENCRYPTED = 0x08
PKT_RELAY = 7
VINE_PORT = 2247

assert HDR_LEN == 44


def die(msg):
    sys.stderr.write("vine_pkt: %s\n" % msg)
    sys.exit(1)


def ip4(s):
    import socket
    return struct.unpack("!I", socket.inet_aton(s))[0]


def ip4s(n):
    return "%d.%d.%d.%d" % (n >> 24 & 255, n >> 16 & 255, n >> 8 & 255,
                            n & 255)


def csum(data):
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    return ~s & 0xffff


# ---------------------------------------------------------------- packets

def ipv4(src, dst, proto, payload, ttl=64, ident=0, df=True, len_add=0):
    """An IPv4 packet; len_add makes tot_len lie by that many bytes."""
    tot = 20 + len(payload) + len_add
    h = struct.pack("!BBHHHBBH4s4s", 0x45, 0, tot, ident,
                    0x4000 if df else 0, ttl, proto, 0,
                    struct.pack("!I", ip4(src)), struct.pack("!I", ip4(dst)))
    h = h[:10] + struct.pack("!H", csum(h)) + h[12:]
    return h + payload


def icmp_echo(ident, seq, data=b"", itype=8):
    h = struct.pack("!BBHHH", itype, 0, 0, ident, seq) + data
    return h[:2] + struct.pack("!H", csum(h)) + h[4:]


def udp(src, dst, sport, dport, data):
    ln = 8 + len(data)
    pseudo = struct.pack("!IIBBH", ip4(src), ip4(dst), 0, 17, ln)
    h = struct.pack("!HHHH", sport, dport, ln, 0)
    c = csum(pseudo + h + data) or 0xffff
    return struct.pack("!HHHH", sport, dport, ln, c) + data


# The MAC algorithm: hmac-sha256 or blake2s (vinectl vr set mac), from
# the global option --alg.
MAC_ALG = "hmac-sha256"


CHACHA_CONST = [0x61707865, 0x3320646e, 0x79622d32, 0x6b206574]


def chacha20_rounds(st):
    """RFC 8439 section 2.3: the 20 rounds on a 16-word state, without
    the final addition (which HChaCha20 leaves out)."""
    def rotl(v, n):
        return ((v << n) | (v >> (32 - n))) & 0xffffffff

    def qr(x, a, b, c, d):
        x[a] = (x[a] + x[b]) & 0xffffffff
        x[d] = rotl(x[d] ^ x[a], 16)
        x[c] = (x[c] + x[d]) & 0xffffffff
        x[b] = rotl(x[b] ^ x[c], 12)
        x[a] = (x[a] + x[b]) & 0xffffffff
        x[d] = rotl(x[d] ^ x[a], 8)
        x[c] = (x[c] + x[d]) & 0xffffffff
        x[b] = rotl(x[b] ^ x[c], 7)

    x = list(st)
    for _ in range(10):
        for a, b, c, d in ((0, 4, 8, 12), (1, 5, 9, 13), (2, 6, 10, 14),
                           (3, 7, 11, 15), (0, 5, 10, 15), (1, 6, 11, 12),
                           (2, 7, 8, 13), (3, 4, 9, 14)):
            qr(x, a, b, c, d)
    return x


def chacha20_block(key, counter, nonce):
    """RFC 8439 section 2.3: one 64-byte block."""
    st = (CHACHA_CONST + list(struct.unpack("<8I", key)) + [counter] +
          list(struct.unpack("<3I", nonce)))
    x = chacha20_rounds(st)
    return struct.pack("<16I", *((x[i] + st[i]) & 0xffffffff
                                 for i in range(16)))


def poly1305(otk, msg):
    """RFC 8439 section 2.5."""
    r = int.from_bytes(otk[:16], "little") & 0x0ffffffc0ffffffc0ffffffc0fffffff
    s = int.from_bytes(otk[16:32], "little")
    p = (1 << 130) - 5
    acc = 0
    for i in range(0, len(msg), 16):
        n = int.from_bytes(msg[i:i + 16] + b"\x01", "little")
        acc = (acc + n) * r % p
    return ((acc + s) & ((1 << 128) - 1)).to_bytes(16, "little")


def chacha20_poly1305_tag(key, nonce, aad):
    """RFC 8439 section 2.8 with nothing to encrypt: the tag of @aad."""
    otk = chacha20_block(key, 0, nonce)[:32]
    pad = bytes(-len(aad) % 16)
    return poly1305(otk, aad + pad + struct.pack("<QQ", len(aad), 0))


def vine_mac(key, hdr, inner):
    import hashlib
    import hmac
    zeroed = hdr[:MAC_OFF] + bytes(MAC_LEN)
    if MAC_ALG == "poly1305":
        # nonce: src_vr then counter, as they are in the header
        return chacha20_poly1305_tag(key, hdr[20:24] + hdr[8:16],
                                     zeroed + inner)
    if MAC_ALG == "blake2s":
        return hashlib.blake2s(zeroed + inner, digest_size=MAC_LEN,
                               key=key).digest()
    return hmac.new(key, zeroed + inner, hashlib.sha256).digest()[:MAC_LEN]


def vine_packet(key, counter, vnid, src_vr, dst_vr, inner, version=1,
                ptype=0, flags=None, size=None, mac="good"):
    """A ViNe packet (UDP payload). mac: good | zero | corrupt."""
    if flags is None:
        flags = F_MAC if key is not None else 0
    if size is None:
        size = HDR_LEN + len(inner)
    hdr = HDR.pack(version, ptype, flags, 0, size, 0, counter, vnid,
                   src_vr, dst_vr, bytes(MAC_LEN))
    if mac == "zero" or key is None:
        m = bytes(MAC_LEN)
    else:
        m = vine_mac(key, hdr, inner)
        if mac == "corrupt":
            m = bytes([m[0] ^ 0x80]) + m[1:]
    return hdr[:MAC_OFF] + m + inner


# The wire-format test vector (Documentation/wire-format.rst).
VECTOR_KEY = bytes(range(32))


def vector_inner():
    """28 bytes: IPv4 172.16.1.10 -> 172.16.2.10, TTL 64, DF, id 0,
    ICMP echo request id 0x1234 seq 1, no data."""
    return ipv4("172.16.1.10", "172.16.2.10", 1, icmp_echo(0x1234, 1))


def vector():
    return vine_packet(VECTOR_KEY, 1, 1, ip4("10.0.0.1"), ip4("10.0.0.2"),
                       vector_inner())


def vector_encrypted():
    """The vector in a session, encrypted: flags mac|session|encrypted,
    receiver index 0x1234; ChaCha20-Poly1305 with the vector key, nonce
    32 zero bits then the counter (LE), the header with mac zero as
    additional data; the tag in mac."""
    from vine_noise import aead_seal, nonce64
    inner = vector_inner()
    hdr = HDR.pack(1, 0, F_MAC | F_SESSION | F_ENCRYPTED, 0,
                   HDR_LEN + len(inner), 0x1234, 1, 1, ip4("10.0.0.1"),
                   ip4("10.0.0.2"), bytes(MAC_LEN))
    sealed = aead_seal(VECTOR_KEY, nonce64(1), inner, hdr)
    return hdr[:MAC_OFF] + sealed[-16:] + sealed[:-16]


def vector_relay():
    """The encrypted vector relayed to a queue VR: an outer header of
    type 7 (relay), flags mac|session, receiver index 0x5678, counter 2,
    VN 0, VR 10.0.0.1 to VR 10.0.0.9; its HMAC-SHA-256 with the vector
    key, over the outer header (mac zero) and the inner packet."""
    inner = vector_encrypted()
    hdr = HDR.pack(1, 7, F_MAC | F_SESSION, 0, HDR_LEN + len(inner), 0x5678,
                   2, 0, ip4("10.0.0.1"), ip4("10.0.0.9"), bytes(MAC_LEN))
    return hdr[:MAC_OFF] + vine_mac(VECTOR_KEY, hdr, inner) + inner


def read_key(path):
    import base64
    with open(path) as f:
        raw = base64.b64decode(f.read().strip(), validate=True)
    if len(raw) != 32:
        die("%s: key is %d bytes, not 32" % (path, len(raw)))
    return raw


def cmd_vector(a):
    print((vector_relay() if a.relay else
           vector_encrypted() if a.encrypted else vector()).hex())


def cmd_send(a):
    import socket
    import time
    key = None
    if a.key_hex:
        key = bytes.fromhex(a.key_hex)
    elif a.key_file:
        key = read_key(a.key_file)
    if a.inner == "vector":
        inner = vector_inner()
    elif a.inner == "udp":
        inner = ipv4(a.isrc, a.idst, 17,
                     udp(a.isrc, a.idst, 40000, a.iport, a.payload.encode()),
                     ttl=a.ittl, len_add=a.inner_len_add)
    elif a.inner == "icmp":
        inner = ipv4(a.isrc, a.idst, 1, icmp_echo(0x4242, 1, b"vine" * 14),
                     ttl=a.ittl, len_add=a.inner_len_add)
    elif a.inner == "chan":     # body of GET and NULL: the poll interval
        inner = struct.pack(">I", a.interval)
    else:
        die("unknown inner %s" % a.inner)
    if a.inner_cut:
        inner = inner[:a.inner_cut]
    pkts = []
    if a.counters:
        counters = [int(c) for c in a.counters.split(",")]
    elif a.counter is not None:
        counters = range(a.counter, a.counter + a.count)
    else:
        die("--counter or --counters")
    for ctr in counters:
        size = a.size
        if size is None and a.size_add:
            size = HDR_LEN + len(inner) + a.size_add
        p = vine_packet(key, ctr, a.vnid, ip4(a.src_vr),
                        ip4(a.dst_vr), inner, version=a.version,
                        ptype=a.type, flags=a.flags, size=size, mac=a.mac)
        if a.truncate is not None:
            p = p[:a.truncate]
        pkts.extend([p] * a.repeat)
    if a.tcp:
        print("sent %d %s" % (len(pkts), tcp_send(a, b"".join(pkts))))
        return
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind((getattr(a, "from"), a.sport))
    for p in pkts:
        s.sendto(p, (a.to, a.port))
        time.sleep(0.01)
    time.sleep(0.1)     # let the receiving VR finish before counters are read
    if a.print:
        print(pkts[0].hex())
    print("sent %d" % len(pkts))


def tcp_send(a, data):
    """Send @data over one TCP connection; did the VR close it ("closed")
    or keep it ("open") within --wait seconds?"""
    import socket
    s = socket.create_connection((a.to, a.port), timeout=5,
                                 source_address=(getattr(a, "from"), a.sport))
    s.sendall(data)
    s.settimeout(a.wait)
    try:
        return "closed" if s.recv(1) == b"" else "data"
    except socket.timeout:
        return "open"
    except ConnectionResetError:
        return "closed"
    finally:
        s.close()


def cmd_tcphold(a):
    """Open --count TCP connections to --to:--port that send nothing, say
    "connected N" (N: how many the handshake completed), hold them --hold
    seconds (or until --until FILE exists), then close them."""
    import socket
    import time
    socks = []
    for _ in range(a.count):
        try:
            socks.append(socket.create_connection((a.to, a.port), timeout=2))
        except OSError:
            pass
    print("connected %d" % len(socks), flush=True)
    end = time.time() + a.hold
    while time.time() < end and not (a.until and os.path.exists(a.until)):
        time.sleep(0.1)
    for s in socks:
        s.close()


# ----------------------------------------------------------------- udpseq

def cmd_seqsend(a):
    """Send datagrams "1", "2", ... "N" to --to:--port, --gap s apart."""
    import socket
    import time
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    for i in range(1, a.count + 1):
        s.sendto(a.prefix.encode() + b"%d" % i, (a.to, a.port))
        time.sleep(a.gap)
    print("sent %d" % a.count)


def cmd_seqrecv(a):
    """Write each datagram received on --bind:--port as a line of --out."""
    import socket
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind((a.bind, a.port))
    with open(a.out, "w", buffering=1) as f:
        while True:
            f.write(s.recv(2048).decode(errors="replace") + "\n")


# ------------------------------------------------------------------- ping

ICMP_TEXT = {
    (3, 0): "Destination Net Unreachable",
    (3, 1): "Destination Host Unreachable",
    (3, 3): "Destination Port Unreachable",
    (11, 0): "Time to live exceeded",
}


def cmd_ping(a):
    import select
    import socket
    import time
    s = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_ICMP)
    if a.ttl:
        s.setsockopt(socket.IPPROTO_IP, socket.IP_TTL, a.ttl)
    if a.pmtudisc:
        mode = {"dont": 0, "want": 1, "do": 2, "probe": 3}[a.pmtudisc]
        s.setsockopt(socket.IPPROTO_IP, 10, mode)      # IP_MTU_DISCOVER
    if a.I:
        s.bind((a.I, 0))
    ident = os.getpid() & 0xffff
    data = bytes((i & 0xff for i in range(a.s)))
    sent = received = errors = 0
    answered = set()
    seq = 0
    start = time.monotonic()
    next_send = start
    deadline = None
    if not a.q:
        print("PING %s %d(%d) bytes of data." % (a.dst, a.s, a.s + 28))
    while True:
        now = time.monotonic()
        if seq < a.c and now >= next_send:
            seq += 1
            try:
                s.sendto(icmp_echo(ident, seq, data), (a.dst, 0))
                sent += 1
            except OSError as e:
                print("ping: local error: %s" % e.strerror)
                errors += 1
                answered.add(seq)
            next_send = now + a.i
            if seq == a.c:
                deadline = now + a.W
        if seq == a.c and (len(answered) >= a.c or now >= deadline):
            break
        wake = next_send if seq < a.c else deadline
        r, _, _ = select.select([s], [], [], max(0.0, wake - now))
        if not r:
            continue
        pkt, addr = s.recvfrom(65535)
        ihl = (pkt[0] & 15) * 4
        ttl = pkt[8]
        icmp = pkt[ihl:]
        if len(icmp) < 8:
            continue
        t, code = icmp[0], icmp[1]
        if t == 0:
            i, q = struct.unpack("!HH", icmp[4:8])
            if i != ident or addr[0] != a.dst or q in answered:
                continue
            answered.add(q)
            received += 1
            if not a.q:
                print("%d bytes from %s: icmp_seq=%d ttl=%d" %
                      (len(icmp), addr[0], q, ttl))
        elif t in (3, 11) and len(icmp) >= 8 + 20 + 8:
            orig = icmp[8:]
            oihl = (orig[0] & 15) * 4
            if orig[9] != 1 or len(orig) < oihl + 8:
                continue
            odst = socket.inet_ntoa(orig[16:20])
            ot, _, _, oi, oq = struct.unpack("!BBHHH", orig[oihl:oihl + 8])
            if ot != 8 or oi != ident or odst != a.dst:
                continue
            answered.add(oq)
            errors += 1
            if (t, code) == (3, 4):
                mtu = struct.unpack("!H", icmp[6:8])[0]
                text = "Frag needed and DF set (mtu = %d)" % mtu
            else:
                text = ICMP_TEXT.get((t, code), "ICMP type %d code %d" %
                                     (t, code))
            print("From %s icmp_seq=%d %s" % (addr[0], oq, text))
    print("%d packets transmitted, %d received, %d errors" %
          (sent, received, errors))
    sys.exit(0 if received else 1)


# ------------------------------------------------------------ TCP and UDP

def ready(path):
    with open(path + ".tmp", "w") as f:
        f.write("%d\n" % os.getpid())
    os.rename(path + ".tmp", path)


def cmd_udp_sink(a):
    import socket
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind(("0.0.0.0", a.port))
    out = open(a.out, "a", buffering=1)
    ready(a.ready)
    while True:
        data, addr = s.recvfrom(65535)
        text = data[:32].decode(errors="replace").split()
        out.write("%s %d %s\n" % (addr[0], len(data), "_".join(text)))


def pattern(n):
    block = bytes(((i * 7 + 3) & 0xff for i in range(65536)))
    while n > 0:
        yield block[:min(n, len(block))]
        n -= len(block)


def cmd_tcp_sink(a):
    import hashlib
    import socket
    ls = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    ls.bind(("0.0.0.0", a.port))
    ls.listen(1)
    ready(a.ready)
    c, _ = ls.accept()
    c.settimeout(a.timeout)
    h = hashlib.sha256()
    n = 0
    while True:
        d = c.recv(1 << 16)
        if not d:
            break
        h.update(d)
        n += len(d)
    print("%d %s" % (n, h.hexdigest()))


def cmd_tcp_source(a):
    import hashlib
    import socket
    c = socket.create_connection((a.to, a.port), timeout=a.timeout)
    h = hashlib.sha256()
    n = 0
    for b in pattern(a.bytes):
        c.sendall(b)
        h.update(b)
        n += len(b)
    c.shutdown(socket.SHUT_WR)
    c.recv(1)
    print("%d %s" % (n, h.hexdigest()))


# ---------------------------------------------------------------- capture

def cmd_capture(a):
    import hashlib
    import json
    import select
    import socket
    import time
    key = read_key(a.key_file) if a.key_file else None
    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(3))
    s.bind((a.iface, 0))
    ready(a.ready)
    end = time.monotonic() + a.timeout
    seen = 0
    while seen < a.count:
        left = end - time.monotonic()
        if left <= 0:
            break
        r, _, _ = select.select([s], [], [], left)
        if not r:
            continue
        frame, info = s.recvfrom(65535)
        if frame[12:14] != b"\x08\x00":
            continue
        ip = frame[14:]
        ihl = (ip[0] & 15) * 4
        frag = struct.unpack("!H", ip[6:8])[0]
        if ip[9] != 17 or frag & 0x3fff:
            continue
        sport, dport, ulen = struct.unpack("!HHH", ip[ihl:ihl + 6])
        if a.port and dport != a.port:
            continue
        osrc = socket.inet_ntoa(ip[12:16])
        odst = socket.inet_ntoa(ip[16:20])
        if a.src and osrc != a.src or a.dst and odst != a.dst:
            continue
        payload = ip[ihl + 8:ihl + ulen]
        if len(payload) < HDR_LEN:
            continue
        (ver, ptype, flags, res, size, res2, counter, vnid, src_vr, dst_vr,
         mac) = HDR.unpack(payload[:HDR_LEN])
        inner = payload[HDR_LEN:]
        rec = {"outer_src": osrc, "outer_dst": odst,
               "outer_df": bool(frag & 0x4000), "sport": sport,
               "dport": dport, "udp_len": ulen, "version": ver,
               "type": ptype, "flags": flags, "reserved": res,
               "reserved2": res2, "size": size, "counter": counter,
               "vnid": vnid, "src_vr": ip4s(src_vr),
               "dst_vr": ip4s(dst_vr), "inner_len": len(inner),
               "inner_sha256": hashlib.sha256(inner).hexdigest(),
               "time_ns": time.time_ns()}
        if ptype == PKT_RELAY and len(inner) >= HDR_LEN:
            r = HDR.unpack(inner[:HDR_LEN])
            rec.update(relay_type=r[1], relay_flags=r[2],
                       relay_src_vr=ip4s(r[8]), relay_dst_vr=ip4s(r[9]),
                       relay_body=len(inner) - HDR_LEN)
        elif len(inner) >= 20:
            rec["inner_ttl"] = inner[8]
            rec["inner_src"] = socket.inet_ntoa(inner[12:16])
            rec["inner_dst"] = socket.inet_ntoa(inner[16:20])
            rec["inner_csum_ok"] = csum(inner[:(inner[0] & 15) * 4]) == 0
        if key is not None:
            rec["mac_ok"] = vine_mac(key, payload[:HDR_LEN], inner) == mac
        rec["mac_zero"] = mac == bytes(MAC_LEN)
        if a.save:
            with open(a.save, "a") as f:
                f.write(payload.hex() + "\n")
        if a.fields:
            sub = {k: rec.get(k) for k in a.fields.split(",")}
            print("%d %d %s" % (counter, rec["time_ns"],
                                json.dumps(sub, separators=(",", ":"))),
                  flush=True)
        else:
            print(json.dumps(rec, sort_keys=True), flush=True)
        seen += 1


def cmd_resend(a):
    """Send again ViNe packets that capture --save wrote, one datagram
    each, optionally with one bit of byte --flip changed."""
    import socket
    import time
    with open(a.file) as f:
        pkts = [bytearray.fromhex(x) for x in f.read().split()]
    if a.only:
        pkts = [pkts[int(i)] for i in a.only.split(",")]
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind((getattr(a, "from"), 0))
    for p in pkts:
        if a.flip is not None:
            p[a.flip] ^= 1
        s.sendto(bytes(p), (a.to, a.port))
        time.sleep(0.01)
    print("sent %d" % len(pkts))


def cmd_hsflood(a):
    """Handshake initiations to --to for --seconds, each from a random
    address of --spoof (a /16) and port: what a flood from forged
    sources looks like. Their mac1 is right (the VR's public key is
    public); the rest is random. Prints how many were sent."""
    import base64
    import random
    import socket
    import time
    from vine_noise import MAC, mac1_key
    with open(a.pub_file) as f:
        key = mac1_key(base64.b64decode(f.read().strip()))
    net = ip4(a.spoof) & 0xffff0000
    s = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_RAW)
    body_len = 4 + 32 + 48 + 28 + 16
    end = time.monotonic() + a.seconds
    sent = 0
    while time.monotonic() < end:
        body = os.urandom(body_len - 16) + bytes(16)
        hdr = HDR.pack(1, 4, 0, 0, HDR_LEN + body_len, 0, 0, 0,
                       ip4(a.src_vr), ip4(a.dst_vr), bytes(MAC_LEN))
        mac1 = MAC(key, hdr + body[:-16])
        payload = hdr[:MAC_OFF] + mac1 + body
        src = net | random.randrange(1, 0xfffe)
        sport = random.randrange(1024, 65535)
        u = struct.pack("!HHHH", sport, a.port, 8 + len(payload), 0)
        ip = struct.pack("!BBHHHBBHII", 0x45, 0, 20 + len(u) + len(payload),
                         0, 0, 64, 17, 0, src, ip4(a.to))
        s.sendto(ip + u + payload, (a.to, 0))
        sent += 1
    print("sent %d" % sent)


def cmd_hscookie(a):
    """From this host's own address: one handshake initiation to --to,
    its cookie reply decrypted (the VR must be under load), then --count
    initiations with that cookie's mac2, back to back. Their mac1 and
    mac2 are right, the rest is random (the VR's handshake work drops
    them). Prints "sent N in S s", S from the first of them to the last."""
    import base64
    import socket
    import time
    from vine_noise import MAC, cookie_key, mac1_key, xaead_open
    with open(a.pub_file) as f:
        pub = base64.b64decode(f.read().strip())
    body_len = 4 + 32 + 48 + 28 + 16
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.settimeout(5)
    s.connect((a.to, a.port))

    def init(cookie):
        body = os.urandom(body_len - 16)
        hdr = HDR.pack(1, 4, 0, 0, HDR_LEN + body_len, 0, 0, 0,
                       ip4(a.src_vr), ip4(a.dst_vr), bytes(MAC_LEN))
        mac1 = MAC(mac1_key(pub), hdr + body)
        msg = hdr[:MAC_OFF] + mac1 + body
        return msg + (MAC(cookie, msg) if cookie else bytes(16)), mac1

    msg, mac1 = init(None)
    s.send(msg)
    try:
        reply = s.recv(2048)
    except socket.timeout:
        sys.exit("no cookie reply")
    if len(reply) != HDR_LEN + 60 or reply[1] != 6:
        sys.exit("not a cookie reply: %s" % reply.hex())
    nonce, sealed = reply[HDR_LEN + 4:HDR_LEN + 28], reply[HDR_LEN + 28:]
    cookie = xaead_open(cookie_key(pub), nonce, sealed, mac1)
    if cookie is None:
        sys.exit("the cookie reply does not decrypt")
    msgs = [init(cookie)[0] for _ in range(a.count)]
    t0 = time.monotonic()
    for m in msgs:
        s.send(m)
    print("sent %d in %.3f s" % (a.count, time.monotonic() - t0))


# --------------------------------------------------------------- counters

def flatten(obj, prefix, out):
    if isinstance(obj, dict):
        for k, v in obj.items():
            flatten(v, prefix + k if not prefix else prefix + "." + k, out)
    elif isinstance(obj, list):
        for i, v in enumerate(obj):
            sel = v.get("id", i) if isinstance(v, dict) else i
            if isinstance(v, dict):
                v = {k: x for k, x in v.items() if k != "id"}
            flatten(v, "%s[%s]" % (prefix, sel), out)
    else:
        import json
        out.append((prefix, obj if isinstance(obj, (int, str)) and
                    not isinstance(obj, bool) else json.dumps(obj)))


def snmp(text):
    """/proc/net/snmp: "Ip: InReceives ..." header and value lines."""
    out = []
    lines = text.splitlines()
    for h, v in zip(lines[0::2], lines[1::2]):
        proto = h.split(":")[0]
        for k, x in zip(h.split()[1:], v.split()[1:]):
            out.append(("%s.%s" % (proto, k), int(x)))
    return out


def setns(name):
    import ctypes
    libc = ctypes.CDLL(None, use_errno=True)
    fd = os.open("/run/netns/" + name, os.O_RDONLY)
    if libc.setns(fd, 0x40000000) != 0:        # CLONE_NEWNET
        e = ctypes.get_errno()
        raise OSError(e, "setns %s: %s" % (name, os.strerror(e)))
    os.close(fd)


def cmd_snap(a):
    """Like `vinectl -j stats > DIR/NAME.json` (or /proc/net/snmp for
    host:NAME) in each namespace, then flat: one process instead of one
    `ip netns exec` per namespace."""
    import subprocess
    names = []
    for n in a.names:
        host = n.startswith("host:")
        n = n[5:] if host else n
        setns(n)
        base = os.path.join(a.dir, n)
        if host:
            with open("/proc/self/net/snmp") as f, \
                    open(base + ".snmp", "w") as o:
                o.write(f.read())
        else:
            with open(base + ".json", "w") as o:
                subprocess.run(["vinectl", "-j", "stats"], stdout=o,
                               stderr=subprocess.STDOUT)
        names.append(n)
    a.names = names
    cmd_flat(a)


def cmd_jget(a):
    """FILE PATH [FILE PATH...]: one value a line, from JSON files."""
    import json
    if len(a.args) % 2:
        die("jget takes FILE PATH pairs")
    for f, path in zip(a.args[0::2], a.args[1::2]):
        try:
            with open(f) as fh:
                v = lookup(json.load(fh), path)
        except (OSError, ValueError, KeyError, IndexError, TypeError,
                AttributeError) as e:
            v = "<no %s in %s: %s>" % (path, f, type(e).__name__)
        print(v if isinstance(v, (int, str)) and not isinstance(v, bool)
              else json.dumps(v, separators=(",", ":")))


def canon(obj):
    """The same document with every list sorted (by the compact JSON text
    of its elements), key order untouched: for outputs whose list order
    is not part of the contract."""
    import json
    if isinstance(obj, dict):
        return {k: canon(v) for k, v in obj.items()}
    if isinstance(obj, list):
        items = [canon(v) for v in obj]
        return sorted(items, key=lambda v: json.dumps(v,
                                                      separators=(",", ":")))
    return obj


def cmd_canon(a):
    import json
    text = sys.stdin.read()
    try:
        doc = json.loads(text)
    except ValueError:
        print("<not JSON: %s>" % text.strip()[:200])
        sys.exit(1)
    print(json.dumps(canon(doc), separators=(",", ":")))


def cmd_flat(a):
    import json
    for name in a.names:
        base = os.path.join(a.dir, name)
        out = []
        if os.path.exists(base + ".json"):
            with open(base + ".json") as f:
                text = f.read()
            try:
                flatten(json.loads(text), "", out)
            except ValueError:
                out = [("error", "not-json:" +
                        "_".join(text.split())[:80])]
        elif os.path.exists(base + ".snmp"):
            with open(base + ".snmp") as f:
                out = snmp(f.read())
        else:
            out = [("error", "missing")]
        with open(base, "w") as f:
            for k, v in sorted(out):
                f.write("%s %s\n" % (k, v))


def lookup(doc, path):
    import re
    for name, sel in re.findall(r"([^.\[\]]+)(?:\[([^\]]*)\])?", path):
        doc = doc[name]
        if sel != "":
            if sel.startswith("#"):
                doc = doc[int(sel[1:])]
            else:
                doc = [x for x in doc if str(x.get("id")) == sel][0]
    return doc


def cmd_get(a):
    import json
    text = sys.stdin.read()
    try:
        v = lookup(json.loads(text), a.path)
    except (ValueError, KeyError, IndexError, TypeError, AttributeError):
        print("<no %s in %s>" % (a.path, text.strip()[:200]))
        sys.exit(1)
    print(v if isinstance(v, (int, str)) and not isinstance(v, bool)
          else json.dumps(v, separators=(",", ":")))


def initiations_to(s):
    """The options of the commands that send handshake initiations."""
    s.add_argument("--to", required=True)
    s.add_argument("--port", type=int, default=VINE_PORT)
    s.add_argument("--pub-file", required=True, help="the VR's public key")
    s.add_argument("--src-vr", required=True, help="a peer it knows")
    s.add_argument("--dst-vr", required=True)


def main():
    import argparse
    p = argparse.ArgumentParser(prog="vine_pkt.py")
    p.add_argument("--alg", choices=["hmac-sha256", "poly1305", "blake2s"],
                   default="hmac-sha256", help="MAC algorithm")
    sub = p.add_subparsers(dest="cmd", required=True)

    s = sub.add_parser("vector")
    s.set_defaults(fn=cmd_vector)
    s.add_argument("--encrypted", action="store_true",
                   help="in a session, encrypted")
    s.add_argument("--relay", action="store_true",
                   help="encrypted, in a relay to a queue VR")

    s = sub.add_parser("send")
    s.set_defaults(fn=cmd_send)
    s.add_argument("--from", required=True, help="outer source address")
    s.add_argument("--sport", type=int, default=0)
    s.add_argument("--to", required=True)
    s.add_argument("--port", type=int, default=VINE_PORT)
    s.add_argument("--key-file")
    s.add_argument("--key-hex")
    s.add_argument("--mac", choices=["good", "zero", "corrupt"],
                   default="good")
    s.add_argument("--flags", type=int)
    s.add_argument("--version", type=int, default=1)
    s.add_argument("--type", type=int, default=0)
    s.add_argument("--size", type=int, help="size field")
    s.add_argument("--size-add", type=int, default=0)
    s.add_argument("--truncate", type=int, help="cut the datagram")
    s.add_argument("--counter", type=int)
    s.add_argument("--counters", help="a list: 7,5,6")
    s.add_argument("--count", type=int, default=1,
                   help="packets, counter + 0, 1, ...")
    s.add_argument("--repeat", type=int, default=1,
                   help="send each packet this many times")
    s.add_argument("--vnid", type=int, required=True)
    s.add_argument("--src-vr", required=True)
    s.add_argument("--dst-vr", required=True)
    s.add_argument("--interval", type=int, default=1000,
                   help="poll interval in a GET or NULL body (--inner chan)")
    s.add_argument("--inner", choices=["vector", "udp", "icmp", "chan"],
                   default="udp")
    s.add_argument("--isrc", default="172.16.1.10")
    s.add_argument("--idst", default="172.16.2.10")
    s.add_argument("--iport", type=int, default=5555)
    s.add_argument("--ittl", type=int, default=63)
    s.add_argument("--payload", default="vine")
    s.add_argument("--inner-len-add", type=int, default=0)
    s.add_argument("--inner-cut", type=int, default=0)
    s.add_argument("--print", action="store_true")
    s.add_argument("--tcp", action="store_true",
                   help="send over one TCP connection to the VR")
    s.add_argument("--wait", type=float, default=2,
                   help="with --tcp: seconds to wait for the VR to close")

    s = sub.add_parser("seqsend", help="send numbered UDP datagrams")
    s.add_argument("--prefix", default="", help="before each number")
    s.set_defaults(fn=cmd_seqsend)
    s.add_argument("--to", required=True)
    s.add_argument("--port", type=int, required=True)
    s.add_argument("--count", type=int, required=True)
    s.add_argument("--gap", type=float, default=0.005)

    s = sub.add_parser("tcphold", help="hold silent TCP connections")
    s.set_defaults(fn=cmd_tcphold)
    s.add_argument("--to", required=True)
    s.add_argument("--port", type=int, default=VINE_PORT)
    s.add_argument("--count", type=int, required=True)
    s.add_argument("--hold", type=float, default=10)
    s.add_argument("--until")

    s = sub.add_parser("seqrecv", help="log numbered UDP datagrams")
    s.set_defaults(fn=cmd_seqrecv)
    s.add_argument("--bind", required=True)
    s.add_argument("--port", type=int, required=True)
    s.add_argument("--out", required=True)

    s = sub.add_parser("ping")
    s.set_defaults(fn=cmd_ping)
    s.add_argument("-c", type=int, default=5)
    s.add_argument("-s", type=int, default=56)
    s.add_argument("-t", dest="ttl", type=int)
    s.add_argument("-M", dest="pmtudisc",
                   choices=["do", "dont", "want", "probe"])
    s.add_argument("-i", type=float, default=0.2)
    s.add_argument("-W", type=float, default=1.0)
    s.add_argument("-I")
    s.add_argument("-q", action="store_true")
    s.add_argument("dst")

    s = sub.add_parser("udp-sink")
    s.set_defaults(fn=cmd_udp_sink)
    s.add_argument("--port", type=int, required=True)
    s.add_argument("--ready", required=True)
    s.add_argument("--out", required=True)

    s = sub.add_parser("tcp-sink")
    s.set_defaults(fn=cmd_tcp_sink)
    s.add_argument("--port", type=int, required=True)
    s.add_argument("--ready", required=True)
    s.add_argument("--timeout", type=float, default=60)

    s = sub.add_parser("tcp-source")
    s.set_defaults(fn=cmd_tcp_source)
    s.add_argument("--to", required=True)
    s.add_argument("--port", type=int, required=True)
    s.add_argument("--bytes", type=int, required=True)
    s.add_argument("--timeout", type=float, default=60)

    s = sub.add_parser("capture")
    s.set_defaults(fn=cmd_capture)
    s.add_argument("--iface", required=True)
    s.add_argument("--ready", required=True)
    s.add_argument("--port", type=int, default=VINE_PORT,
                   help="UDP destination port; 0: any")
    s.add_argument("--src", help="outer source address")
    s.add_argument("--dst", help="outer destination address")
    s.add_argument("--key-file")
    s.add_argument("--count", type=int, default=1)
    s.add_argument("--timeout", type=float, default=10)
    s.add_argument("--fields", help='print "COUNTER TIME_NS {these fields}"')
    s.add_argument("--save", help="append each ViNe packet, in hex, a line")

    s = sub.add_parser("hsflood", help="initiations from forged sources")
    s.set_defaults(fn=cmd_hsflood)
    initiations_to(s)
    s.add_argument("--spoof", default="198.18.0.0", help="a /16")
    s.add_argument("--seconds", type=float, default=10)

    s = sub.add_parser("hscookie", help="initiations with a cookie's mac2")
    s.set_defaults(fn=cmd_hscookie)
    initiations_to(s)
    s.add_argument("--count", type=int, default=40)

    s = sub.add_parser("resend", help="send packets capture --save wrote")
    s.set_defaults(fn=cmd_resend)
    s.add_argument("--from", required=True, help="outer source address")
    s.add_argument("--to", required=True)
    s.add_argument("--port", type=int, default=VINE_PORT)
    s.add_argument("--file", required=True)
    s.add_argument("--only", help="indices of the packets: 0,2")
    s.add_argument("--flip", type=int, help="flip bit 0 of this byte")

    s = sub.add_parser("flat")
    s.set_defaults(fn=cmd_flat)
    s.add_argument("dir")
    s.add_argument("names", nargs="+")

    s = sub.add_parser("snap")
    s.set_defaults(fn=cmd_snap)
    s.add_argument("dir")
    s.add_argument("names", nargs="+")

    s = sub.add_parser("jget")
    s.set_defaults(fn=cmd_jget)
    s.add_argument("args", nargs="+")

    sub.add_parser("canon").set_defaults(fn=cmd_canon)

    s = sub.add_parser("get")
    s.set_defaults(fn=cmd_get)
    s.add_argument("path")

    a = p.parse_args()
    global MAC_ALG
    MAC_ALG = a.alg
    a.fn(a)


if __name__ == "__main__":
    main()
